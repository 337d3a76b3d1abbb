"""Country lists of the sources, and the names people use for countries in six languages."""

from __future__ import annotations

import pytest

from assistant.eligibility.countries import (
    COSME_NON_EU,
    EU_MEMBER_STATES,
    H2020_ASSOCIATED,
    cosme_status,
    find_countries,
    h2020_status,
    lookup_country,
)


def test_list_sizes_match_the_sources() -> None:
    assert len(EU_MEMBER_STATES) == 27
    assert len(H2020_ASSOCIATED) == 16
    assert len(COSME_NON_EU) == 11
    assert "GB" not in EU_MEMBER_STATES | H2020_ASSOCIATED | COSME_NON_EU


@pytest.mark.parametrize(
    ("code", "h2020", "cosme"),
    [
        ("PL", "member_state", "member_state"),
        ("NO", "associated", "not_eligible"),
        ("CH", "associated", "not_eligible"),
        ("IL", "associated", "not_eligible"),
        ("TR", "associated", "cosme_participant"),
        ("IS", "associated", "cosme_participant"),
        ("UA", "associated", "cosme_participant"),
        ("XK", "not_eligible", "cosme_participant"),
        ("GB", "uk_withdrawal", "not_eligible"),
        ("US", "not_eligible", "not_eligible"),
        ("LI", "not_eligible", "not_eligible"),
    ],
)
def test_country_status_per_programme(code: str, h2020: str, cosme: str) -> None:
    assert h2020_status(code) == h2020
    assert cosme_status(code) == cosme


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Poland", "PL"),
        ("Polska", "PL"),
        ("Pologne", "PL"),
        ("Polen", "PL"),
        ("Polonia", "PL"),
        ("polish", "PL"),
        ("PL", "PL"),
        ("pl", "PL"),
        ("POL", "PL"),
        ("Norvège", "NO"),
        ("Norwegen", "NO"),
        ("Norwegia", "NO"),
        ("Noruega", "NO"),
        ("Suiza", "CH"),
        ("Svizzera", "CH"),
        ("Schweiz", "CH"),
        ("Szwajcaria", "CH"),
        ("Türkei", "TR"),
        ("Turquía", "TR"),
        ("Türkiye", "TR"),
        ("Kosovo", "XK"),
        ("Kosowo", "XK"),
        ("UK", "GB"),
        ("Royaume-Uni", "GB"),
        ("Vereinigtes Königreich", "GB"),
        ("Wielka Brytania", "GB"),
        ("USA", "US"),
        ("États-Unis", "US"),
        ("Stati Uniti", "US"),
        ("EL", "GR"),
        ("Deutschland", "DE"),
        ("Niemcy", "DE"),
        ("in Poland", "PL"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_lookup_country(value: str, code: str | None) -> None:
    country = lookup_country(value)
    assert (country.code if country else None) == code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("we are 40 people in Poland", ["PL"]),
        ("jesteśmy firmą z Polski", ["PL"]),
        ("firma w Polsce", ["PL"]),
        ("eine polnische Firma", ["PL"]),
        ("une PME polonaise", ["PL"]),
        ("una empresa polaca", ["PL"]),
        ("w Niemczech i we Francji", ["DE", "FR"]),
        ("partners in PL, DE and NO", ["PL", "DE", "NO"]),
        ("Acme (IT), Beta (DE)", ["IT", "DE"]),
        ("in Northern Ireland", ["GB"]),
        ("a US company", ["US"]),
        ("an IT company in Italy", ["IT"]),
        ("let us know what is possible", []),
        ("we work on an island", []),
        ("Firma aus Island", ["IS"]),
    ],
)
def test_find_countries(text: str, codes: list[str]) -> None:
    assert [m.country.code for m in find_countries(text)] == codes
