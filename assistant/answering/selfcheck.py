"""The eligibility self-check as an answer: each conclusion of ``assistant.eligibility.check`` becomes a sentence
cited to the corpus passage that states the rule, and a conclusion no passage supports is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.calls import CallRecord
from assistant.documents.model import Chunk
from assistant.documents.sentences import split_sentences
from assistant.eligibility import CheckResult, CompanyProfile, check, detect_scheme, parse_profile
from assistant.eligibility.numbers import format_count, format_eur, format_money

# Which findings an answer shows, in order, and how many of each: the full list stays in the web form.
SHOWN = (("category", 2), ("country", 2), ("consortium", 2), ("support", 2), ("calls", 1), ("ownership", 2))
# A question about a consortium's make-up, with nothing said about the company's size or owners: the verdict on
# the consortium leads, and the company's own category is not guessed at.
CONSORTIUM_SHOWN = (("consortium", 2), ("country", 1), ("ownership", 1), ("calls", 1))

# find(query, terms) -> (chunk, sentence) whose text holds every term, or None.
SupportFinder = Callable[[str, list[str]], tuple[Chunk, str] | None]


@dataclass
class SelfCheckAnswer:
    sentences: list[tuple[str, Chunk, str]] = field(default_factory=list)  # (text, chunk, supporting quote)
    missing: list[str] = field(default_factory=list)
    result: CheckResult | None = None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def supporting_sentence(chunk: Chunk, terms: list[str]) -> str | None:
    """The chunk's sentence holding the most of the terms, when the chunk holds them all."""
    body = _squash(f"{chunk.title} {chunk.section} {chunk.text}")
    wanted = [_squash(t) for t in terms]
    if not all(t in body for t in wanted):
        return None
    sentences = split_sentences(chunk.text) or [chunk.text]
    return max(sentences, key=lambda s: sum(t in _squash(s) for t in wanted))


def run_self_check(
    question: str,
    find: SupportFinder,
    calls: list[CallRecord],
    today: date,
    profile: CompanyProfile | None = None,
    scheme: str | None = None,
) -> SelfCheckAnswer:
    """Findings for a question (or a form's profile), each with the passage that supports it."""
    profile = profile or parse_profile(question)
    result = check(profile, scheme or detect_scheme(question), calls=calls, today=today)
    answer = SelfCheckAnswer(missing=list(result.missing), result=result)
    sized = any(v is not None for v in (profile.headcount, profile.turnover, profile.balance_sheet))
    consortium = bool(profile.partners) and not sized and bool(result.by_kind("consortium"))
    if consortium:
        shown_kinds: Any = CONSORTIUM_SHOWN
    else:
        shown_kinds = (
            SHOWN if sized or not profile.country else sorted(SHOWN, key=lambda k: k[0] != "country")
        )
        if profile.partners:  # a question about the consortium: its verdict leads
            shown_kinds = sorted(shown_kinds, key=lambda k: k[0] != "consortium")
    asked: list[str] = []
    for kind, limit in shown_kinds:
        shown = 0
        for finding in result.by_kind(kind):
            if shown >= limit:
                break
            if consortium and (
                finding.code == "country.unknown" or (kind == "ownership" and not profile.holdings)
            ):
                continue  # the members' countries were given; the company's owners are only told about if said
            support = find(finding.support, list(finding.support_terms))
            if support is None:
                continue
            chunk, quote = support
            answer.sentences.append((finding.text, chunk, quote))
            asked += finding.missing
            shown += 1
    if consortium:
        answer.missing = list(dict.fromkeys([*asked, *profile.unclear]))
    return answer


def given_figures(answer: SelfCheckAnswer) -> str:
    """The company's own figures as the findings write them ("40 staff", "EUR 8 million", "35 %"), also those
    added up from its partners: an answer may repeat them although no source holds them."""
    if answer.result is None:
        return ""
    profile = answer.result.profile
    words: list[str] = []
    if profile.headcount is not None:
        words.append(f"{format_count(profile.headcount)} staff")
    for money in (profile.turnover, profile.balance_sheet):
        if money is not None:
            words.append(format_money(money.amount, money.currency))
            if money.eur is not None:
                words.append(format_eur(money.eur))
    for holding in profile.holdings:
        if holding.share is not None:
            words.append(f"{format_count(holding.share)} %")
        for amount in (holding.investment_eur, holding.turnover, holding.balance):
            if amount is not None:
                words.append(format_eur(amount))
        if holding.headcount is not None:
            words.append(f"{format_count(holding.headcount)} staff")
    figures = answer.result.figures
    if figures.get("headcount") is not None:
        words.append(f"{format_count(figures['headcount'])} staff")
    for key in ("turnover", "balance"):
        if figures.get(key) is not None:
            words.append(format_eur(figures[key]))
    return "; ".join(words)


def result_dict(answer: SelfCheckAnswer) -> dict[str, Any]:
    return answer.result.to_dict() if answer.result else {}
