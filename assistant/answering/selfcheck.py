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

# Which findings an answer shows, in order, and how many of each: the full list stays in the web form.
SHOWN = (("category", 2), ("country", 2), ("consortium", 1), ("support", 2), ("calls", 1), ("ownership", 1))

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
    shown_kinds = SHOWN if sized or not profile.country else sorted(SHOWN, key=lambda k: k[0] != "country")
    for kind, limit in shown_kinds:
        shown = 0
        for finding in result.by_kind(kind):
            if shown >= limit:
                break
            support = find(finding.support, list(finding.support_terms))
            if support is None:
                continue
            chunk, quote = support
            answer.sentences.append((finding.text, chunk, quote))
            shown += 1
    return answer


def result_dict(answer: SelfCheckAnswer) -> dict[str, Any]:
    return answer.result.to_dict() if answer.result else {}
