from assistant.documents.normalise import normalise_inline, normalise_text


def test_invisible_and_control_characters_are_removed():
    text = "EUR\u200b 60,000\u00a0per\x00 SME\u2060\ufeff" + "".join(chr(0xE0000 + ord(c)) for c in "hidden")
    assert normalise_text(text) == "EUR 60,000 per SME"


def test_lone_surrogates_are_dropped_and_nfkc_applied():
    assert normalise_text("ﬁnal \ud800call") == "final call"


def test_hyphenated_line_breaks_are_joined_but_identifiers_kept():
    assert normalise_text("cascade fund-\ning") == "cascade funding"
    assert "INNOSUP-\n01" in normalise_text("INNOSUP-\n01")


def test_inline_collapses_lines():
    assert normalise_inline("  a\n\n b\tc ") == "a b c"
