"""The one object every surface renders: plain data, JSON via ``to_dict()``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Citation:
    """A numbered source: the chunk behind ``[n]`` and the sentence that supports the claim."""

    n: int
    chunk_id: str
    doc_id: str
    title: str
    page: int | None
    section: str
    url: str
    quote: str


@dataclass
class RetrievedChunk:
    """A chunk the answer considered, in rank order."""

    chunk_id: str
    doc_id: str
    title: str
    page: int | None
    text: str
    score: float
    section: str = ""
    url: str = ""

    @classmethod
    def of(cls, chunk: Any, score: float) -> RetrievedChunk:
        """From an index chunk and its retrieval score."""
        return cls(
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            title=chunk.title,
            page=chunk.page,
            text=chunk.text,
            score=round(float(score), 6),
            section=chunk.section,
            url=chunk.url,
        )


@dataclass
class Answer:
    """What the assistant says, what backs it, and how long each stage took."""

    text: str
    refused: bool = False
    refusal_reason: str = ""
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[RetrievedChunk] = field(default_factory=list)
    language: str = "en"
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    query: str = ""
    backend: str = "extractive"
    flagged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        data = dict(data)
        data["citations"] = [Citation(**c) for c in data.get("citations", [])]
        data["retrieved"] = [RetrievedChunk(**r) for r in data.get("retrieved", [])]
        return cls(**data)
