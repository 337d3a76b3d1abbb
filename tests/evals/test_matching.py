from __future__ import annotations

import pytest

from assistant.evals.matching import all_matched, alternative_matched, group_hits, group_matched, normalise


@pytest.mark.parametrize(
    "written",
    [
        "EUR 60,000",
        "EUR 60.000",
        "EUR 60 000",
        "EUR 60\u00a0000",
        "EUR 60\u202f000",
        "€60,000",
        "60 000 €",
        "60.000 EUR",
        "60000 euros",
        "eur60000",
        "EUR **60,000** [2]",
    ],
)
def test_amounts_written_any_way_are_the_same(written: str) -> None:
    assert normalise(written) == "eur 60000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.000.000", "1000000"),
        ("12,000,000", "12000000"),
        ("1 100", "1100"),
        ("1,000.50", "1000.50"),
        ("25.15 million", "25.15 million"),  # two digits after the point: a decimal
        ("2,5 Mio", "2,5 mio"),
        ("1,0000", "1,0000"),  # four digits after the separator: not a thousands separator
        ("2014, 2015", "2014, 2015"),
        ("in 2015 200 SMEs", "in 2015 200 smes"),  # a four-digit group cannot start a grouped number
        ("75 %", "75%"),
        ("75 percent", "75%"),
        ("5–6 projects", "5-6 projects"),
        ("  Two\n\tlines  ", "two lines"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_matching_is_case_insensitive_and_numbers_do_not_run_on() -> None:
    assert alternative_matched("innosup-01-2018-2020", "Call INNOSUP-01-2018-2020 opened")
    assert alternative_matched("18", "counted 18 funded projects")
    assert not alternative_matched("18", "in 2018")
    assert not alternative_matched("5", "a rate of 5.5 %")
    assert not alternative_matched("60,000", "EUR 160,000")
    assert not alternative_matched("1", "see the source [1]")  # citation markers are not content
    assert alternative_matched("SME", "for SMEs only")  # letters may run on
    assert alternative_matched("intermediar", "SME intermediaries")
    assert alternative_matched("not be both", "it cannot be both")  # longer alternatives are plain substrings


def test_short_alternatives_must_start_a_word_and_very_short_ones_be_whole() -> None:
    assert not alternative_matched("once", "the SMEs concerned")
    assert alternative_matched("once", "a visitor may travel only once.")
    assert alternative_matched("host", "hosts may host many times")
    assert not alternative_matched("IT", "with its partners")
    assert alternative_matched("IT", "partners from IT, FR and DE")
    assert not alternative_matched("S3", "the S34Growth event")
    assert alternative_matched("S3", "linked to S3 strategies")
    assert alternative_matched("EUR 60,000", "up to 60 000 € per company")


def test_groups_need_one_alternative_each() -> None:
    groups = [["60,000"], ["SME", "small company"]]
    assert group_matched(["two-stage", "two stage"], "It is a two stage call")
    assert all_matched(groups, "Up to EUR 60 000 for each small company")
    assert not all_matched(groups, "Up to EUR 60 000 for each company")
    assert all_matched([], "anything")
    assert group_hits(groups, ["EUR 60.000", "SMEs", "nothing"]) == [
        [True, False],
        [False, True],
        [False, False],
    ]
