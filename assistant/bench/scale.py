"""Synthetic corpora of 10k and 100k chunks, made reproducibly from the shipped index.

The procedure (``synthesize``), so that anyone can rebuild the same corpus:

1. Read the shipped build's chunks (in ``chunks.jsonl`` order) and vectors (``vectors.npy``). They stay, first.
2. Split every shipped chunk into sentences (``assistant.documents.sentences.split_sentences``): the pool.
3. With ``numpy.random.default_rng(seed)``, for each synthetic chunk: draw a shipped chunk as its template (title,
   section, programme, call ids, language, URL), then draw sentences from the whole pool until the text is as
   long as the template's, one sentence a line. Eight chunks make one synthetic document (``synthetic-00042``).
   Synthetic chunks are never call documents (a call template becomes a guide), so the call table behind status
   answers stays the shipped one.
4. Its vector: the mean of the real vectors of the chunks its sentences came from, plus Gaussian noise
   (sigma ``NOISE`` per dimension), re-normalised. Embedding 100k chunks with the real model would take over an
   hour here; questions are still embedded by the real query encoder.

``write_index`` then stores the chunks through the index's own pieces (``ChromaStore``, ``LexicalIndex``,
``Manifest``, the ``current`` pointer), so ``IndexReader.open`` and ``Assistant.open`` read it like any build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from assistant.bench.common import Stopwatch
from assistant.documents.model import Chunk

NOISE = 0.02
CHUNKS_PER_DOC = 8


def read_build(index_dir: Path) -> tuple[Any, Path, list[Chunk], np.ndarray]:
    """The current build of an index: manifest, directory, chunks and vectors (same order)."""
    from assistant.index.manifest import CHUNKS, VECTORS, Manifest, build_dir, read_pointer

    pointer = read_pointer(index_dir)
    if pointer is None:
        raise FileNotFoundError(f"no index in {index_dir}")
    path = build_dir(index_dir, pointer.build_id)
    with open(path / CHUNKS, encoding="utf-8") as handle:
        chunks = [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]
    return Manifest.load(path), path, chunks, np.load(path / VECTORS)


def synthesize(
    chunks: list[Chunk], vectors: np.ndarray, size: int, seed: int
) -> tuple[list[Chunk], np.ndarray]:
    """The shipped chunks followed by ``size - len(chunks)`` synthetic ones, and their vectors."""
    from assistant.documents.model import content_hash, make_chunk_id
    from assistant.documents.sentences import split_sentences

    pool: list[str] = []
    source: list[int] = []
    for i, chunk in enumerate(chunks):
        for sentence in split_sentences(chunk.text):
            pool.append(sentence)
            source.append(i)
    if not pool:
        raise ValueError("the shipped chunks hold no sentences to recombine")
    extra = max(0, size - len(chunks))
    rng = np.random.default_rng(seed)
    out_chunks = list(chunks)
    out_vectors = np.empty((len(chunks) + extra, vectors.shape[1]), dtype=np.float32)
    out_vectors[: len(chunks)] = vectors
    templates = rng.integers(0, len(chunks), size=extra)
    noise = rng.normal(0.0, NOISE, size=(extra, vectors.shape[1])).astype(np.float32)
    for n in range(extra):
        template = chunks[int(templates[n])]
        target = max(80, len(template.text))
        parts: list[str] = []
        used: list[int] = []
        length = 0
        while length < target and len(parts) < 40:
            pick = int(rng.integers(0, len(pool)))
            parts.append(pool[pick])
            used.append(source[pick])
            length += len(pool[pick]) + 1
        text = "\n".join(parts)  # one sentence a line: re-splitting gives back the pool's own sentences
        doc_id = f"synthetic-{n // CHUNKS_PER_DOC:05d}"
        position = n % CHUNKS_PER_DOC
        vector = vectors[used].mean(axis=0) + noise[n]
        out_vectors[len(chunks) + n] = vector / max(float(np.linalg.norm(vector)), 1e-9)
        out_chunks.append(
            Chunk(
                chunk_id=make_chunk_id(doc_id, position, text),
                doc_id=doc_id,
                text=text,
                title=template.title,
                section=template.section,
                page=None,
                url=template.url,
                doc_type="guide" if template.doc_type == "call" else template.doc_type,
                programme=template.programme,
                call_ids=template.call_ids,
                language=template.language,
                position=position,
                content_hash=content_hash(f"{template.title}\n{template.section}\n{text}"),
                path=f"synthetic/{doc_id}.md",
                updated=template.updated,
                source_urls=template.source_urls,
            )
        )
    return out_chunks, out_vectors


def write_index(dest: Path, chunks: list[Chunk], vectors: np.ndarray, like: Any) -> dict[str, Any]:
    """One complete build in ``dest`` (made current), through the same classes the builder uses."""
    from assistant.index.lexical import LexicalIndex
    from assistant.index.manifest import (
        BM25_DIR,
        CHROMA_DIR,
        CHUNKS,
        VECTOR_KEYS,
        VECTORS,
        Manifest,
        Pointer,
        build_dir,
        chunker_version,
        collection_name,
        new_build_id,
        now_iso,
        write_pointer,
    )
    from assistant.index.store import ChromaStore, embedded_client

    build_id = new_build_id()
    path = build_dir(dest, build_id)
    path.mkdir(parents=True)
    timings: dict[str, Any] = {}
    with Stopwatch() as sw:
        with open(path / CHUNKS, "w", encoding="utf-8") as handle:
            for c in chunks:
                handle.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        np.save(path / VECTORS, vectors)
        (path / VECTOR_KEYS).write_text(json.dumps([c.content_hash for c in chunks]), encoding="utf-8")
    timings["files_s"] = round(sw.seconds, 3)
    with Stopwatch() as sw:
        LexicalIndex.build([c.embedding_text() for c in chunks]).save(path / BM25_DIR)
    timings["bm25_build_s"] = round(sw.seconds, 3)
    name = collection_name(build_id)
    with Stopwatch() as sw:
        ChromaStore.create(embedded_client(path / CHROMA_DIR), name).add(chunks, vectors)
    timings["chroma_add_s"] = round(sw.seconds, 3)
    Manifest(
        build_id=build_id,
        created=now_iso(),
        model=like.model,
        dimension=like.dimension,
        chunker_version=chunker_version(),
        chunk_max_tokens=like.chunk_max_tokens,
        chroma_mode="embedded",
        collection=name,
        files={"synthetic": {"sha256": "", "chunks": len(chunks)}},
        total_chunks=len(chunks),
        embedded=0,
        reused=len(chunks),
    ).save(path)
    write_pointer(dest, Pointer(build_id))
    timings["disk_mb"] = round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)
    return timings


def build(params: dict[str, Any]) -> dict[str, Any]:
    """Worker task: a synthetic index of ``size`` chunks from the shipped index, written to ``dest``."""
    manifest, _, chunks, vectors = read_build(Path(params["source"]))
    with Stopwatch() as sw:
        synthetic, synthetic_vectors = synthesize(chunks, vectors, int(params["size"]), int(params["seed"]))
    timings = write_index(Path(params["dest"]), synthetic, synthetic_vectors, manifest)
    return {
        "chunks": len(synthetic),
        "shipped_chunks": len(chunks),
        "seed": int(params["seed"]),
        "synthesize_s": round(sw.seconds, 3),
        **timings,
    }
