"""The plain data that flows from loaders to the chunker to the index."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Block:
    """A run of text under one heading path, on one page when the source has pages."""

    text: str
    section: tuple[str, ...] = ()
    page: int | None = None


@dataclass
class Document:
    """A loaded corpus file: its metadata (front matter) and its text blocks in reading order."""

    doc_id: str
    path: str
    title: str
    blocks: list[Block]
    doc_type: str = "guide"
    programme: str = ""
    call_ids: list[str] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)
    updated: str = ""
    language: str = "en"
    opens: str | None = None
    deadlines: list[dict[str, str]] = field(default_factory=list)
    budget: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.source_urls[0] if self.source_urls else ""

    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage; its id derives from its content and place, so re-ingesting gives the same ids."""

    chunk_id: str
    doc_id: str
    text: str
    title: str
    section: str
    page: int | None
    url: str
    doc_type: str
    programme: str
    call_ids: tuple[str, ...]
    language: str
    position: int
    content_hash: str
    path: str = ""
    updated: str = ""
    opens: str | None = None
    deadlines: str = "[]"  # JSON list of {stage, date}
    source_urls: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["call_ids"] = list(self.call_ids)
        data["source_urls"] = list(self.source_urls)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        data = dict(data)
        data["call_ids"] = tuple(data.get("call_ids") or ())
        data["source_urls"] = tuple(data.get("source_urls") or ())
        return cls(**data)

    def embedding_text(self) -> str:
        """What the embedder reads: the title and section give a short passage its context."""
        head = " > ".join(p for p in (self.title, self.section) if p)
        return f"{head}\n{self.text}" if head else self.text


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_chunk_id(doc_id: str, position: int, text: str) -> str:
    digest = hashlib.sha256(json.dumps([doc_id, position, text]).encode("utf-8")).hexdigest()
    return f"{doc_id}:{position}:{digest[:12]}"
