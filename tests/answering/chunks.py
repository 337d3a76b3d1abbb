"""A bare index chunk for tests of the answering steps, with only what a test cares about set."""

from __future__ import annotations

from typing import Any

from assistant.documents.model import Chunk


def make_chunk(n: int = 0, text: str = "", **fields: Any) -> Chunk:
    values: dict[str, Any] = {
        "chunk_id": f"c{n}",
        "doc_id": f"d{n}",
        "text": text,
        "title": "A guide",
        "section": "Budget",
        "page": None,
        "url": "",
        "doc_type": "guide",
        "programme": "",
        "call_ids": (),
        "language": "en",
        "position": n,
        "content_hash": "",
    }
    return Chunk(**{**values, **fields})
