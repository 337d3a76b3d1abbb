"""Citations: numbering sources, and the check every answer passes before it is shown.

The check is what lets an LLM phrase answers at all: a sentence that cites nothing, cites a chunk that was not
retrieved, or states a number or date that its cited chunk does not hold, fails the whole answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.answer import Citation
from assistant.documents.model import Chunk
from assistant.documents.sentences import split_sentences

MARKER = re.compile(r"\[(\d{1,2})\]")
_FIGURE = re.compile(
    r"\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{4}\b|\b\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?\b",
    re.I,
)


def _norm_figure(text: str) -> str:
    text = text.lower()
    text = re.sub(r"(?<=\d)[,\s\u00a0\u202f](?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def figures(text: str) -> list[str]:
    """Numbers, amounts and dates in a sentence, normalised for comparison (the [n] markers excluded)."""
    return [_norm_figure(m.group(0)) for m in _FIGURE.finditer(MARKER.sub(" ", text))]


@dataclass
class CheckResult:
    ok: bool
    problems: list[str]


def check_answer(text: str, cited: dict[int, Chunk], retrieved_ids: set[str], given: str = "") -> CheckResult:
    """Every sentence cites; every marker points to a retrieved chunk; every figure occurs in a chunk it cites
    (or in ``given``: the figures the user stated, which an answer may repeat)."""
    problems: list[str] = []
    own = set(figures(given))
    for sentence in split_sentences(text):
        markers = [int(m) for m in MARKER.findall(sentence)]
        if not markers:
            if figures(sentence) or len(sentence.split()) > 3:
                problems.append(f"sentence without a citation: {sentence[:80]!r}")
            continue
        sources = []
        for n in markers:
            chunk = cited.get(n)
            if chunk is None or chunk.chunk_id not in retrieved_ids:
                problems.append(f"[{n}] does not point to a retrieved source")
            else:
                sources.append(_norm_figure(f"{chunk.title}\n{chunk.section}\n{chunk.text}"))
        for figure in figures(sentence):
            if figure not in own and not any(figure in source for source in sources):
                problems.append(f"{figure!r} is not in the sources cited by: {sentence[:80]!r}")
    return CheckResult(ok=not problems, problems=problems)


def renumber(text: str, cited: dict[int, Chunk]) -> tuple[str, dict[int, Chunk]]:
    """Markers renumbered 1, 2, ... in order of first use; sources never cited are dropped."""
    mapping: dict[int, int] = {}
    for m in MARKER.finditer(text):
        old = int(m.group(1))
        if old in cited and old not in mapping:
            mapping[old] = len(mapping) + 1
    new_text = MARKER.sub(
        lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", text
    )
    return re.sub(r"\s+([.,;:])", r"\1", new_text), {mapping[o]: c for o, c in cited.items() if o in mapping}


def make_citation(n: int, chunk: Chunk, quote: str) -> Citation:
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        title=chunk.title,
        page=chunk.page,
        section=chunk.section,
        url=chunk.url,
        quote=quote,
    )


def best_quote(chunk: Chunk, sentence: str) -> str:
    """The chunk's sentence that supports a claim: the claim itself when quoted, else the closest by words."""
    candidates = split_sentences(chunk.text)
    if sentence in candidates or not candidates:
        return sentence
    words = set(re.findall(r"\w+", sentence.lower()))
    return max(candidates, key=lambda c: len(words & set(re.findall(r"\w+", c.lower()))))
