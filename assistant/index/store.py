"""Chroma behind a small wrapper: our own vectors in, (chunk id, score) out, embedded or on a server.

Chroma never embeds anything here (its default embedding function downloads a model): every collection is
made with ``embedding_function=None`` and cosine space, and always given vectors. Metadata must be scalars, so
a chunk's call ids become boolean keys (``call:INNOSUP-01-2018-2020: True``) that a ``where`` filter can test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.documents.model import Chunk
from assistant.errors import IndexMissing

FILTER_KEYS = ("doc_type", "programme", "language", "call_id")
CALL_PREFIX = "call:"
ADD_BATCH = 1000


def chunk_metadata(chunk: Chunk) -> dict[str, str | bool | int]:
    """Only what filters need: the chunk itself is read from the build's chunks.jsonl, not from Chroma."""
    meta: dict[str, str | bool | int] = {
        "doc_id": chunk.doc_id,
        "doc_type": chunk.doc_type,
        "programme": chunk.programme,
        "language": chunk.language,
        "position": chunk.position,
    }
    for call_id in chunk.call_ids:
        meta[CALL_PREFIX + call_id] = True
    return meta


def _clean_filters(filters: Mapping[str, str] | None) -> dict[str, str]:
    if not filters:
        return {}
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise ValueError(f"unknown filter {unknown[0]!r}: use one of {', '.join(FILTER_KEYS)}")
    return {k: str(v) for k, v in filters.items() if v not in (None, "")}


def where_from_filters(filters: Mapping[str, str] | None) -> dict[str, Any] | None:
    """The one place a Chroma ``where`` is built; empty values mean no filter on that key."""
    clauses: list[dict[str, Any]] = []
    for key, value in _clean_filters(filters).items():
        if key == "call_id":
            clauses.append({CALL_PREFIX + value: True})
        else:
            clauses.append({key: value})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matches_filters(chunk: Chunk, filters: Mapping[str, str] | None) -> bool:
    """The same test as ``where_from_filters`` in Python, for the lexical side."""
    for key, value in _clean_filters(filters).items():
        if key == "call_id":
            if value not in chunk.call_ids:
                return False
        elif getattr(chunk, key) != value:
            return False
    return True


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def embedded_client(path: Path):
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def server_client(host: str, port: int):
    import chromadb

    try:
        return chromadb.HttpClient(host=host, port=int(port), settings=_chroma_settings())
    except Exception as exc:  # chromadb raises plain ValueError/ConnectionError when the server is down
        raise IndexMissing(
            f"cannot reach the Chroma server at {host}:{port} ({type(exc).__name__}); start it with "
            f"`chroma run --path DIR --host 127.0.0.1 --port {port}` or set ASSISTANT_CHROMA_MODE=embedded"
        ) from None


def client_for(mode: str, build_path: Path, host: str, port: int):
    from assistant.index.manifest import CHROMA_DIR

    if mode == "server":
        return server_client(host, port)
    return embedded_client(Path(build_path) / CHROMA_DIR)


class ChromaStore:
    """One collection: add vectors once at build time, query them many times after."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    @classmethod
    def create(cls, client: Any, name: str) -> ChromaStore:
        collection = client.create_collection(
            name=name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        return cls(collection)

    @classmethod
    def open(cls, client: Any, name: str) -> ChromaStore:
        try:
            collection = client.get_collection(name=name, embedding_function=None)
        except Exception as exc:
            raise IndexMissing(
                f"the Chroma collection {name} is missing ({type(exc).__name__}); "
                "run `python ingest.py --rebuild`"
            ) from None
        return cls(collection)

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray, batch: int = ADD_BATCH) -> None:
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            self._collection.add(
                ids=[c.chunk_id for c in part],
                embeddings=np.asarray(vectors[start : start + batch], dtype=np.float32),
                metadatas=[chunk_metadata(c) for c in part],
            )

    def count(self) -> int:
        return int(self._collection.count())

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Cosine similarity (1 - distance), best first; fewer than k when fewer chunks pass the filter."""
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=int(k),
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result.get("distances") else []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=False)]


def delete_collection(client: Any, name: str) -> bool:
    """Drop a collection if it exists (server mode cleanup); False when it was already gone."""
    try:
        client.delete_collection(name=name)
    except Exception:
        return False
    return True
