"""Hybrid retrieval: dense (Chroma) and lexical (bm25s) candidates fused by reciprocal rank.

Lexical search is what makes exact identifiers (INNOSUP-01-2018-2020, project acronyms) find their documents;
dense search is what finds paraphrases. Near-duplicate passages are collapsed so the evidence shown is varied.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.documents.model import Chunk
from assistant.eligibility.countries import find_countries
from assistant.glossary import english_terms
from assistant.index.store import FILTER_KEYS

_IDENTIFIER = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)+\b|\b[A-Z][A-Z0-9]{2,}[a-z]*[A-Z0-9]*\b")
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass
class Hit:
    """A retrieved chunk and why: fused score and the ranks it had in each list (None when absent)."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float = 0.0


@dataclass
class Retrieval:
    query: str
    hits: list[Hit]
    timings: dict[str, float] = field(default_factory=dict)
    vector: Any = None


def identifiers(text: str) -> list[str]:
    """Call ids, acronyms and scheme names as written: these must match exactly."""
    return [m.group(0) for m in _IDENTIFIER.finditer(text)]


def _id_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower()).replace("innosup01", "innosup1")


def _shingles(text: str) -> set[str]:
    words = _WORDS.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


class HybridRetriever:
    """Fuses the index's dense and lexical rankings; the mode setting isolates either for comparisons."""

    def __init__(self, reader: Any, settings: Any) -> None:
        self.reader = reader
        self.settings = settings

    def search_query(self, question: str, language: str) -> str:
        """What is searched: the question, plus English glossary terms for questions in other languages and
        the English names of countries it mentions in any form ("Serbian", "z Polski")."""
        extra = [english_terms(question)] if language != "en" else []
        names = [m.country.name for m in find_countries(question)]
        extra += [n for n in dict.fromkeys(names) if n.lower() not in question.lower()]
        extra = [e for e in extra if e]
        return f"{question} {' '.join(extra)}" if extra else question

    def retrieve(self, query: str, filters: dict[str, str] | None = None, k: int | None = None) -> Retrieval:
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        mode = getattr(self.settings, "retrieval_mode", "hybrid")
        filters = {key: v for key, v in (filters or {}).items() if key in FILTER_KEYS and v}
        timings: dict[str, float] = {}
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        vector = None
        if mode in ("hybrid", "dense"):
            started = time.perf_counter()
            vector = self.reader.embedder.embed_query(query)
            timings["embed_ms"] = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            dense = self.reader.dense(vector, n, filters=filters)
            timings["dense_ms"] = (time.perf_counter() - started) * 1000
        if mode in ("hybrid", "lexical"):
            started = time.perf_counter()
            lexical = self.reader.lexical_filtered(query, n, filters)
            timings["lexical_ms"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        hits = self._fuse(query, dense, lexical)
        timings["fuse_ms"] = (time.perf_counter() - started) * 1000
        return Retrieval(query=query, hits=hits[:k], timings=timings, vector=vector)

    def _fuse(
        self,
        query: str,
        dense: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
    ) -> list[Hit]:
        rrf_k = self.settings.rrf_k
        hits: dict[str, Hit] = {}
        for rank, (chunk_id, score) in enumerate(dense):
            chunk = self.reader.get(chunk_id)
            if chunk is None:
                continue
            hit = hits.setdefault(chunk_id, Hit(chunk=chunk, score=0.0))
            hit.dense_rank, hit.dense_score = rank, float(score)
            hit.score += 1.0 / (rrf_k + rank + 1)
        for rank, (chunk_id, _score) in enumerate(lexical):
            chunk = self.reader.get(chunk_id)
            if chunk is None:
                continue
            hit = hits.setdefault(chunk_id, Hit(chunk=chunk, score=0.0))
            hit.lexical_rank = rank
            hit.score += 1.0 / (rrf_k + rank + 1)
        wanted = {_id_key(i) for i in identifiers(query)}
        if wanted:
            for hit in hits.values():
                chunk = hit.chunk
                keys = {_id_key(c) for c in chunk.call_ids} | {_id_key(chunk.doc_id)}
                body = _id_key(f"{chunk.title} {chunk.section} {chunk.text}")
                if any(w in keys or (len(w) > 3 and w in body) for w in wanted):
                    hit.score += 1.0 / (rrf_k + 1)
        ranked = sorted(hits.values(), key=lambda h: h.score, reverse=True)
        return _collapse_near_duplicates(ranked)


def _collapse_near_duplicates(hits: list[Hit], threshold: float = 0.8) -> list[Hit]:
    kept: list[Hit] = []
    seen: list[set[str]] = []
    for hit in hits:
        shingles = _shingles(hit.chunk.text)
        if any(len(shingles & s) / max(1, min(len(shingles), len(s))) >= threshold for s in seen):
            continue
        kept.append(hit)
        seen.append(shingles)
    return kept


class ClusterdeskRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain retriever, so it composes with chains and agents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    filters: dict[str, str] = Field(default_factory=dict)
    k: int = 8

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        result = self.retriever.retrieve(query, filters=self.filters, k=self.k)
        return [
            LCDocument(
                page_content=hit.chunk.text,
                metadata={**hit.chunk.to_dict(), "score": hit.score},
                id=hit.chunk.chunk_id,
            )
            for hit in result.hits
        ]
