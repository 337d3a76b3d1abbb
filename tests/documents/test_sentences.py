import pytest

from assistant.documents.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cap is EUR 60,000. It may be exceeded.", ["The cap is EUR 60,000.", "It may be exceeded."]),
        ("See Art. 23.7 of the rules. Then apply.", ["See Art. 23.7 of the rules.", "Then apply."]),
        ("Investors (e.g. business angels) count. Yes.", ["Investors (e.g. business angels) count.", "Yes."]),
        ("Budget EUR 1.25 million. Done", ["Budget EUR 1.25 million.", "Done"]),
        ("- first item\n- second item", ["- first item", "- second item"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected
