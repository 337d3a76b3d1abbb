"""Build a new index beside the one that serves, check it, then switch to it in one atomic step.

The serving build is never written to: a new build goes into its own directory (and, in server mode, its own
collection), and only a complete, checked build becomes ``current``. A kill at any moment leaves the old
pointer, and the half-written directory is removed by the next run. Vectors are reused by chunk content hash
when the model and chunker are unchanged, so an edit re-embeds only the chunks it touched.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.documents.model import Chunk, Document
from assistant.errors import AssistantError, IndexMissing
from assistant.index.lock import writer_lock
from assistant.index.manifest import (
    BM25_DIR,
    CHUNKS,
    COLLECTION_PREFIX,
    FORMAT_VERSION,
    LEXICAL_VERSION,
    VECTOR_KEYS,
    VECTORS,
    Manifest,
    Pointer,
    build_dir,
    builds_dir,
    chunker_version,
    collection_name,
    is_complete,
    new_build_id,
    now_iso,
    read_pointer,
    write_pointer,
)
from assistant.models import Embedder
from assistant.settings import Settings

EMBED_BATCH = 32
NO_CHUNKS = "no text left to index after chunking (e.g. only a list of sources)"
Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)


class NothingToIndex(AssistantError):
    """No file of the corpus could be indexed; the current index is left as it was."""


class BuildCheckFailed(AssistantError):
    """A new build did not pass its checks, so it never became current."""


@dataclass
class IngestReport:
    """What one ingest did; ``index`` is the build directory that serves afterwards.

    ``documents`` counts the files indexed (with at least one chunk); every other file is in ``skipped``, once.
    ``partial`` lists indexed PDFs read only in part (a limit, or pages without text), with the reader's notes.
    """

    documents: int
    chunks: int
    embedded: int
    reused: int
    skipped: list[dict[str, str]]
    seconds: float
    index: str
    build_id: str
    new_build: bool
    model: str
    files_changed: int = 0
    files_removed: int = 0
    full_rebuild: bool = False
    embed_seconds: float = 0.0
    removed_builds: list[str] = field(default_factory=list)
    partial: list[dict[str, str]] = field(default_factory=list)  # indexed, but only up to a reading limit

    @property
    def chunks_per_second(self) -> float:
        """Chunks indexed per second of the whole run (loading, chunking, embedding, writing, checks)."""
        return round(self.chunks / self.seconds, 1) if self.seconds > 0 else 0.0

    @property
    def embedded_per_second(self) -> float:
        """The embedding rate alone: the floor of ingest time (MODELS.md)."""
        return round(self.embedded / self.embed_seconds, 1) if self.embed_seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["chunks_per_second"] = self.chunks_per_second
        data["embedded_per_second"] = self.embedded_per_second
        return data


def _load_corpus(dirs: list[Path], settings: Settings):
    from assistant.documents.corpus import load_corpus

    return load_corpus(dirs, settings)


def _chunker(settings: Settings) -> Callable[[Document], list[Chunk]]:
    from assistant.documents.chunking import chunk_document
    from assistant.models import get_token_counter

    counter = get_token_counter(settings.embedding_model)
    return lambda doc: chunk_document(doc, counter, settings.chunk_max_tokens)


def _embedder_for(settings: Settings) -> Embedder:
    from assistant.models import get_embedder

    return get_embedder(settings.embedding_model, settings.query_encoder)


def current_manifest(index_dir: Path) -> Manifest | None:
    """The serving build's manifest, or None when there is none (or it cannot be read)."""
    pointer = read_pointer(index_dir)
    if pointer is None:
        return None
    path = build_dir(index_dir, pointer.build_id)
    if not is_complete(path):
        return None
    try:
        return Manifest.load(path)
    except (OSError, ValueError, TypeError):
        return None


def _compatible(manifest: Manifest | None, embedder: Embedder) -> bool:
    """Whether the old build's vectors may be reused: same model, dimension, chunker and file format."""
    return (
        manifest is not None
        and manifest.model == embedder.name
        and manifest.dimension == embedder.dimension
        and manifest.chunker_version == chunker_version()
        and manifest.format_version == FORMAT_VERSION
        and manifest.lexical_version == LEXICAL_VERSION
    )


def ingest(
    corpus_dirs: Iterable[Path] | None = None,
    settings: Settings | None = None,
    *,
    index_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
) -> IngestReport:
    """Index the corpus incrementally and make the result current; raises IndexLocked, NothingToIndex."""
    from assistant.settings import get_settings

    started = time.perf_counter()
    settings = settings or get_settings()
    index_dir = Path(index_dir or settings.index_dir)
    dirs = [Path(d) for d in (corpus_dirs if corpus_dirs is not None else settings.corpus_dirs)]
    with writer_lock(index_dir):
        removed = cleanup(index_dir, settings)
        load = _load_corpus(dirs, settings)
        skipped = [{"path": s.path, "reason": s.reason} for s in load.skipped]
        partial = [
            {"path": d.path, "reason": "; ".join(d.extra.get("pdf_notes") or []) or "partly read"}
            for d in load.documents
            if d.extra.get("pdf_partial") is True
        ]
        if not load.documents:
            where = ", ".join(str(d) for d in dirs)
            raise NothingToIndex(f"nothing could be indexed in {where} ({len(skipped)} files skipped)")
        embedder = embedder or _embedder_for(settings)
        old = current_manifest(index_dir)
        compatible = _compatible(old, embedder) and not rebuild
        hashes = {doc.path: load.file_hashes.get(doc.path, "") for doc in load.documents}
        old_hashes = old.file_hashes() if old else {}
        changed = sum(1 for p, h in hashes.items() if old_hashes.get(p) != h)
        gone = sum(1 for p in old_hashes if p not in hashes)

        if old is not None and compatible and _unchanged(old, hashes, settings, index_dir):
            empty = [p for p, info in old.files.items() if not info.get("chunks")]
            skipped += [{"path": p, "reason": NO_CHUNKS} for p in empty]
            return IngestReport(
                documents=len(load.documents) - len(empty),
                chunks=old.total_chunks,
                embedded=0,
                reused=old.total_chunks,
                skipped=skipped,
                seconds=round(time.perf_counter() - started, 3),
                index=str(build_dir(index_dir, old.build_id)),
                build_id=old.build_id,
                new_build=False,
                model=embedder.name,
                removed_builds=removed,
                partial=partial,
            )

        chunk = _chunker(settings)
        chunks: list[Chunk] = []
        files: dict[str, dict[str, Any]] = {}
        documents = 0
        for doc in load.documents:
            doc_chunks = chunk(doc)
            # recorded even with no chunk, so the next run finds the file unchanged and makes no new build
            files[doc.path] = {"sha256": hashes[doc.path], "chunks": len(doc_chunks)}
            if not doc_chunks:
                skipped.append({"path": doc.path, "reason": NO_CHUNKS})
                continue
            documents += 1
            chunks.extend(doc_chunks)
        if not chunks:
            raise NothingToIndex("nothing could be indexed: no document produced a chunk")
        _check_unique(chunks)

        reusable = _old_vectors(index_dir, old) if compatible else {}
        build_id, embedded, embed_seconds = _write_build(
            index_dir, settings, chunks, files, embedder, reusable, progress
        )
        pointer = read_pointer(index_dir)
        previous = (
            pointer.build_id if pointer and is_complete(build_dir(index_dir, pointer.build_id)) else None
        )
        write_pointer(index_dir, Pointer(build_id, previous))
        removed += cleanup(index_dir, settings)
        return IngestReport(
            documents=documents,
            chunks=len(chunks),
            embedded=embedded,
            reused=len(chunks) - embedded,
            skipped=skipped,
            seconds=round(time.perf_counter() - started, 3),
            index=str(build_dir(index_dir, build_id)),
            build_id=build_id,
            new_build=True,
            model=embedder.name,
            files_changed=changed,
            files_removed=gone,
            full_rebuild=not compatible,
            embed_seconds=round(embed_seconds, 3),
            removed_builds=removed,
            partial=partial,
        )


def _unchanged(old: Manifest, hashes: dict[str, str], settings: Settings, index_dir: Path) -> bool:
    if old.file_hashes() != hashes or old.chunk_max_tokens != settings.chunk_max_tokens:
        return False
    if old.chroma_mode != settings.chroma_mode:
        return False
    path = build_dir(index_dir, old.build_id)
    if not (path / CHUNKS).is_file() or not (path / VECTORS).is_file():
        return False
    if settings.chroma_mode == "server":
        from assistant.index.store import ChromaStore, server_client

        try:
            store = ChromaStore.open(
                server_client(settings.chroma_host, settings.chroma_port), old.collection
            )
            return store.count() == old.total_chunks
        except IndexMissing:
            return False
    return True


def _check_unique(chunks: Sequence[Chunk]) -> None:
    seen: set[str] = set()
    for c in chunks:
        if c.chunk_id in seen:
            raise BuildCheckFailed(f"two chunks share the id {c.chunk_id} (from {c.path})")
        seen.add(c.chunk_id)


def _old_vectors(index_dir: Path, old: Manifest | None) -> dict[str, np.ndarray]:
    """Content hash -> vector from the serving build; an unreadable file only means more embedding."""
    if old is None:
        return {}
    path = build_dir(index_dir, old.build_id)
    try:
        keys = json.loads((path / VECTOR_KEYS).read_text(encoding="utf-8"))
        vectors = np.load(path / VECTORS, mmap_mode="r")
    except (OSError, ValueError):
        return {}
    if len(keys) != len(vectors) or vectors.ndim != 2 or vectors.shape[1] != old.dimension:
        return {}
    return {key: vectors[i] for i, key in enumerate(keys)}


def _embed(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    reusable: dict[str, np.ndarray],
    progress: Progress | None,
) -> tuple[np.ndarray, int]:
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    todo: list[int] = []
    for i, c in enumerate(chunks):
        old = reusable.get(c.content_hash)
        if old is None:
            todo.append(i)
        else:
            vectors[i] = old
    if todo and progress:
        progress(0, len(todo))
    for start in range(0, len(todo), EMBED_BATCH):
        rows = todo[start : start + EMBED_BATCH]
        fresh = np.asarray(
            embedder.embed_passages([chunks[i].embedding_text() for i in rows]), dtype=np.float32
        )
        if fresh.shape != (len(rows), embedder.dimension) or not np.isfinite(fresh).all():
            raise BuildCheckFailed(
                f"the embedder returned vectors of shape {fresh.shape} or non-finite values"
            )
        vectors[rows] = fresh
        if progress:
            progress(start + len(rows), len(todo))
    return vectors, len(todo)


def _write_build(
    index_dir: Path,
    settings: Settings,
    chunks: list[Chunk],
    files: dict[str, dict[str, Any]],
    embedder: Embedder,
    reusable: dict[str, np.ndarray],
    progress: Progress | None,
) -> tuple[str, int, float]:
    """Everything for one build in its own directory; the manifest goes last, after the checks pass."""
    from assistant.index.lexical import LexicalIndex
    from assistant.index.store import ChromaStore, client_for, delete_collection

    builds_dir(index_dir).mkdir(parents=True, exist_ok=True)
    build_id = new_build_id()
    while build_dir(index_dir, build_id).exists():
        build_id = new_build_id()
    path = build_dir(index_dir, build_id)
    path.mkdir()
    name = collection_name(build_id)
    client = None
    try:
        with open(path / CHUNKS, "w", encoding="utf-8") as handle:
            for c in chunks:
                handle.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        embed_started = time.perf_counter()
        vectors, embedded = _embed(chunks, embedder, reusable, progress)
        embed_seconds = time.perf_counter() - embed_started
        np.save(path / VECTORS, vectors)
        (path / VECTOR_KEYS).write_text(json.dumps([c.content_hash for c in chunks]), encoding="utf-8")
        lexical = LexicalIndex.build([c.embedding_text() for c in chunks])
        lexical.save(path / BM25_DIR)
        client = client_for(settings.chroma_mode, path, settings.chroma_host, settings.chroma_port)
        store = ChromaStore.create(client, name)
        store.add(chunks, vectors)
        _check_build(store, path, chunks, vectors)
        Manifest(
            build_id=build_id,
            created=now_iso(),
            model=embedder.name,
            dimension=embedder.dimension,
            chunker_version=chunker_version(),
            chunk_max_tokens=settings.chunk_max_tokens,
            chroma_mode=settings.chroma_mode,
            collection=name,
            files=files,
            total_chunks=len(chunks),
            embedded=embedded,
            reused=len(chunks) - embedded,
        ).save(path)
    except BaseException:
        if client is not None and settings.chroma_mode == "server":
            delete_collection(client, name)
        _remove_tree(path)
        raise
    return build_id, embedded, embed_seconds


def _check_build(store: Any, path: Path, chunks: list[Chunk], vectors: np.ndarray) -> None:
    """What must hold before a build may serve: every chunk in Chroma, and both searches answer."""
    from assistant.index.lexical import LexicalIndex

    count = store.count()
    if count != len(chunks):
        raise BuildCheckFailed(f"Chroma holds {count} chunks, the build has {len(chunks)}")
    hits = store.query(vectors[0], 1)
    if not hits:
        raise BuildCheckFailed("a test query on the new build returned nothing")
    lexical = LexicalIndex.load(path / BM25_DIR, len(chunks))
    probe = next((c.embedding_text() for c in chunks if c.text.strip()), "")
    if probe and lexical.scores(probe).shape != (len(chunks),):
        raise BuildCheckFailed("the bm25 index does not cover every chunk")


def rollback(index_dir: Path | None = None, settings: Settings | None = None) -> str:
    """Serve the previous build again (the current one becomes the rollback); returns its build id."""
    from assistant.settings import get_settings

    settings = settings or get_settings()
    index_dir = Path(index_dir or settings.index_dir)
    with writer_lock(index_dir):
        pointer = read_pointer(index_dir)
        if pointer is None:
            raise IndexMissing(f"no index in {index_dir}: run `python ingest.py`")
        if not pointer.previous or not is_complete(build_dir(index_dir, pointer.previous)):
            raise IndexMissing(f"no previous build to roll back to in {index_dir}")
        write_pointer(index_dir, Pointer(pointer.previous, pointer.build_id))
        return pointer.previous


def cleanup(index_dir: Path, settings: Settings) -> list[str]:
    """Remove half-written builds and builds beyond ``keep_builds`` (current and rollback kept first).

    Call it holding the writer lock: a build without a manifest is then abandoned, not in progress.
    """
    root = builds_dir(index_dir)
    for stray in Path(index_dir).glob(".*.tmp"):
        stray.unlink(missing_ok=True)
    if not root.is_dir():
        return []
    pointer = read_pointer(index_dir)
    keep: list[str] = []
    if pointer is not None:
        keep.append(pointer.build_id)
        if pointer.previous and settings.keep_builds >= 2 and is_complete(root / pointer.previous):
            keep.append(pointer.previous)
    complete = sorted(
        (p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and is_complete(p)),
        reverse=True,
    )
    for name in complete:
        if len(keep) >= max(settings.keep_builds, 1):
            break
        if name not in keep:
            keep.append(name)
    removed: list[str] = []
    server_gone: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name in keep:
            continue
        if entry.name.startswith(".trash-"):
            _remove_tree(entry)
            continue
        if _built_on_server(entry, settings):
            server_gone.append(entry.name)
        trash = root / f".trash-{entry.name}"
        os.replace(entry, trash)  # one rename, so a kill never leaves a half-deleted build that looks whole
        _remove_tree(trash)
        removed.append(entry.name)
    if server_gone:
        _drop_collections(server_gone, settings)
    return removed


def _built_on_server(path: Path, settings: Settings) -> bool:
    try:
        return Manifest.load(path).chroma_mode == "server"
    except (OSError, ValueError, TypeError):
        return settings.chroma_mode == "server"  # half-written: it went where the settings point


def _drop_collections(build_ids: list[str], settings: Settings) -> None:
    from assistant.index.store import delete_collection, server_client

    try:
        client = server_client(settings.chroma_host, settings.chroma_port)
    except IndexMissing:
        return  # server down: the collections stay; nothing serves from them
    for build_id in build_ids:
        delete_collection(client, COLLECTION_PREFIX + build_id)


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)
