"""Every finding the check can produce must be citable from the shipped corpus.

The Assistant drops a finding whose ``support_terms`` no retrieved chunk contains, so a wording change in the
corpus (or in a finding) that breaks the match silently removes a conclusion; this test catches it. A section of
a corpus document stands in for a chunk: sections are written to fit one chunk.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from assistant.calls import calls_from_documents
from assistant.eligibility import CompanyProfile, check, parse_profile
from assistant.eligibility.numbers import Money
from assistant.eligibility.profile import Partner
from assistant.eligibility.sme import Holding

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
M = 1_000_000

PROFILES = [
    parse_profile("we are 40 people in Poland with EUR 8 million turnover, can we get support?"),
    parse_profile("turnover 8 mln zł, 40 pracowników, Polska"),
    CompanyProfile(headcount=40, turnover=Money(15 * M), balance_sheet=Money(8 * M), ownership_stated=True),
    CompanyProfile(headcount=40, turnover=Money(12 * M), country="NO"),
    CompanyProfile(headcount=None, turnover=Money(3 * M), country="XK"),
    CompanyProfile(headcount=40, country="CH"),
    CompanyProfile(headcount=300, country="GB"),
    CompanyProfile(headcount=100, turnover=Money(60 * M), balance_sheet=Money(50 * M), country="US"),
    CompanyProfile(headcount=9, turnover=Money(1 * M), country="TR"),
    CompanyProfile(country="PL", partners=[Partner("A", "DE", True), Partner("B", "NO", True)]),
    CompanyProfile(country="PL", partners=[Partner("A", "DE"), Partner("B", "DE"), Partner("C", "US")]),
    CompanyProfile(
        country="ES", partners=[Partner("A", "PT", False, "your own subsidiary"), Partner("B", "IT")]
    ),
    CompanyProfile(partners=[Partner("A", "FR"), Partner("B", "DE"), Partner("C", "NO"), Partner("D", "FR")]),
    parse_profile("Our consortium has three partners: two from France and one from Germany. Eligible?"),
    *[
        CompanyProfile(headcount=20, turnover=Money(3 * M), holdings=[h], ownership_stated=True)
        for h in (
            Holding(30),
            Holding(60),
            Holding(None),
            Holding(None, holder="group"),
            Holding(30, holder="venture_capital"),
            Holding(30, holder="university"),
            Holding(30, holder="business_angel"),
            Holding(30, holder="business_angel", investment_eur=1 * M),
            Holding(30, holder="business_angel", investment_eur=2 * M),
            Holding(30, holder="local_authority"),
            Holding(30, holder="local_authority", small_local_authority=True),
        )
    ],
]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


@cache
def _sections() -> tuple[str, ...]:
    from assistant.documents.corpus import load_corpus
    from assistant.settings import get_settings

    load = load_corpus([CORPUS], get_settings())
    sections: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for doc in load.documents:
        for block in doc.blocks:
            sections.setdefault((doc.doc_id, block.section), [doc.title, " ".join(block.section)]).append(
                block.text
            )
    return tuple(_norm(" ".join(parts)) for parts in sections.values())


def _all_findings() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for profile in PROFILES:
        for scheme in (None, "innosup-1", "clusterxchange"):
            for f in check(profile, scheme).findings:
                found.setdefault(f"{f.code}:{'|'.join(f.support_terms)}", tuple(f.support_terms))
    return found


FINDINGS = _all_findings()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus folder")
@pytest.mark.parametrize("key", sorted(FINDINGS))
def test_support_terms_are_in_one_corpus_section(key: str) -> None:
    terms = [_norm(t) for t in FINDINGS[key]]
    assert any(all(t in section for t in terms) for section in _sections()), key


def test_the_profiles_cover_every_kind_of_finding() -> None:
    codes = {key.split(":")[0] for key in FINDINGS}
    assert len(codes) >= 45
    assert {"category.currency", "ownership.group", "country.h2020.uk", "consortium.outside"} <= codes
    assert {
        "consortium.met_if_independent",
        "consortium.not_met.not_independent",
        "consortium.extra_partners",
        "ownership.partner.business_angel",
        "ownership.exempt_investors",
    } <= codes


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus folder")
@pytest.mark.parametrize(
    "today",
    [
        date(2018, 3, 1),
        date(2019, 10, 1),
        date(2020, 1, 15),
        date(2020, 4, 2),
        date(2020, 6, 1),
        date(2020, 9, 8),
    ],
)
def test_the_calls_findings_on_any_day_are_citable(today: date) -> None:
    """The dated calls findings cite the call's own passage: every date they state must be in one section of it
    (the whole topic's record beside its cut-offs states dates no cut-off passage holds)."""
    from assistant.documents.corpus import load_corpus
    from assistant.settings import get_settings

    records = calls_from_documents(load_corpus([CORPUS], get_settings()).documents)
    findings = check(CompanyProfile(headcount=5), "innosup-1", calls=records, today=today).by_kind("calls")
    assert findings and all(f.code != "calls.innosup.closed" for f in findings)
    for f in findings:
        terms = [_norm(t) for t in f.support_terms]
        assert any(all(t in section for t in terms) for section in _sections()), (f.text, f.support_terms)
        if today > date(2018, 4, 12):  # the whole topic's passed 2018 deadline is not the one that matters
            assert "12 April 2018" not in f.text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus folder")
def test_the_closed_finding_agrees_with_the_corpus_dates() -> None:
    """The fixed "closed since 8 September 2020" finding must match the last INNOSUP-1 deadline on record."""
    from assistant.documents.corpus import load_corpus
    from assistant.settings import get_settings

    records = calls_from_documents(load_corpus([CORPUS], get_settings()).documents)
    topics = [r for r in records if r.title.startswith("INNOSUP-") and r.last_deadline]
    assert max(r.last_deadline.date for r in topics if r.last_deadline) == date(2020, 9, 8)
