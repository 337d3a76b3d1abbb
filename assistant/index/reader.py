"""Open the serving build for queries: chunks from disk, dense search in Chroma, lexical search in bm25s.

A reader holds one build for its lifetime; a later ingest switches ``current`` without disturbing it, and
``is_current()`` tells a long-running process when to open the new one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.documents.model import Chunk
from assistant.errors import IndexIncompatible, IndexMissing
from assistant.index.lexical import LexicalIndex
from assistant.index.manifest import (
    BM25_DIR,
    CHUNKS,
    FORMAT_VERSION,
    Manifest,
    build_dir,
    is_complete,
    read_pointer,
)
from assistant.index.store import ChromaStore, client_for, matches_filters, where_from_filters
from assistant.models import Embedder
from assistant.settings import Settings

REBUILD_HINT = "run `python ingest.py --rebuild`"


def check_compatible(manifest: Manifest, embedder: Embedder) -> None:
    """Query vectors of one model are meaningless against passages of another: refuse, and say what to run."""
    if manifest.format_version != FORMAT_VERSION:
        raise IndexIncompatible(
            f"the index build {manifest.build_id} has storage format {manifest.format_version}, this version "
            f"reads {FORMAT_VERSION}: {REBUILD_HINT}"
        )
    if manifest.model != embedder.name or manifest.dimension != embedder.dimension:
        raise IndexIncompatible(
            f"the index was built with {manifest.model} ({manifest.dimension}-d) but the settings ask for "
            f"{embedder.name} ({embedder.dimension}-d): {REBUILD_HINT}, or set ASSISTANT_EMBEDDING_MODEL back"
        )


class IndexReader:
    """The query side of one build. Scores: cosine similarity (dense), bm25 (lexical); both best first."""

    def __init__(
        self,
        index_dir: Path,
        path: Path,
        manifest: Manifest,
        chunks: list[Chunk],
        lexical_index: LexicalIndex,
        store: ChromaStore,
        embedder: Embedder,
    ) -> None:
        self.index_dir = index_dir
        self.path = path
        self.manifest = manifest
        self.build_id = manifest.build_id
        self.chunks = chunks
        self.embedder = embedder
        self._lexical = lexical_index
        self._store = store
        self._rows = {c.chunk_id: i for i, c in enumerate(chunks)}
        self._masks = lru_cache(maxsize=64)(self._mask_for_filters)

    @classmethod
    def open(
        cls,
        index_dir: Path | None = None,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
    ) -> IndexReader:
        """Raises IndexMissing (nothing built yet, or damaged) and IndexIncompatible (another model)."""
        from assistant.settings import get_settings

        settings = settings or get_settings()
        index_dir = Path(index_dir or settings.index_dir)
        pointer = read_pointer(index_dir)
        if pointer is None:
            raise IndexMissing(f"no index in {index_dir}: run `python ingest.py` first")
        path = build_dir(index_dir, pointer.build_id)
        if not is_complete(path):
            raise IndexMissing(
                f"the current build {pointer.build_id} in {index_dir} is missing: {REBUILD_HINT}"
            )
        manifest = Manifest.load(path)
        if embedder is None:
            from assistant.models import get_embedder

            embedder = get_embedder(settings.embedding_model, settings.query_encoder)
        check_compatible(manifest, embedder)
        try:
            with open(path / CHUNKS, encoding="utf-8") as handle:
                chunks = [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]
        except (OSError, ValueError, TypeError) as exc:
            raise IndexMissing(
                f"cannot read the chunks of build {manifest.build_id} ({exc}): {REBUILD_HINT}"
            ) from None
        if len(chunks) != manifest.total_chunks:
            raise IndexMissing(f"build {manifest.build_id} is damaged (chunk count differs): {REBUILD_HINT}")
        lexical_index = LexicalIndex.load(path / BM25_DIR, len(chunks))
        client = client_for(manifest.chroma_mode, path, settings.chroma_host, settings.chroma_port)
        store = ChromaStore.open(client, manifest.collection)
        return cls(index_dir, path, manifest, chunks, lexical_index, store, embedder)

    def get(self, chunk_id: str) -> Chunk | None:
        row = self._rows.get(chunk_id)
        return None if row is None else self.chunks[row]

    def __len__(self) -> int:
        return len(self.chunks)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def dense(
        self,
        query_vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        *,
        filters: Mapping[str, str] | None = None,
    ) -> list[tuple[str, float]]:
        """Nearest chunks by cosine similarity, under ``filters`` (see FILTER_KEYS) or a raw Chroma where."""
        if filters:
            where = where_from_filters(filters)
        return self._store.query(query_vector, min(k, len(self.chunks)), where)

    def lexical(self, query_text: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """bm25 matches with a positive score; ``allowed`` restricts them to those chunk ids."""
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.chunks), dtype=bool)
            rows = [self._rows[cid] for cid in allowed if cid in self._rows]
            if not rows:
                return []
            mask[rows] = True
        return [(self.chunks[i].chunk_id, s) for i, s in self._lexical.search(query_text, k, mask)]

    def lexical_filtered(
        self, query_text: str, k: int, filters: Mapping[str, str] | None
    ) -> list[tuple[str, float]]:
        """Lexical search under the same filters as ``dense(filters=...)``, with the filter mask cached."""
        mask = self._masks(_freeze(filters)) if filters else None
        if mask is not None and not mask.any():
            return []
        return [(self.chunks[i].chunk_id, s) for i, s in self._lexical.search(query_text, k, mask)]

    def allowed_ids(self, filters: Mapping[str, str] | None) -> set[str] | None:
        """Chunk ids that pass the filters; None means no filter (everything is allowed)."""
        if not filters:
            return None
        mask = self._masks(_freeze(filters))
        return {self.chunks[i].chunk_id for i in np.flatnonzero(mask)}

    def _mask_for_filters(self, frozen: tuple[tuple[str, str], ...]) -> np.ndarray:
        filters = dict(frozen)
        return np.fromiter(
            (matches_filters(c, filters) for c in self.chunks), dtype=bool, count=len(self.chunks)
        )

    def is_current(self) -> bool:
        """False once another build has been switched in (or rolled back to): time to open a new reader."""
        pointer = read_pointer(self.index_dir)
        return pointer is not None and pointer.build_id == self.build_id


def _freeze(filters: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in (filters or {}).items() if v not in (None, "")))
