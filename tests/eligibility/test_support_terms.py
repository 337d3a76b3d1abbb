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


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus folder")
def test_the_closed_finding_agrees_with_the_corpus_dates() -> None:
    """The fixed "closed since 8 September 2020" finding must match the last INNOSUP-1 deadline on record."""
    from assistant.documents.corpus import load_corpus
    from assistant.settings import get_settings

    records = calls_from_documents(load_corpus([CORPUS], get_settings()).documents)
    topics = [r for r in records if r.title.startswith("INNOSUP-") and r.last_deadline]
    assert max(r.last_deadline.date for r in topics if r.last_deadline) == date(2020, 9, 8)
