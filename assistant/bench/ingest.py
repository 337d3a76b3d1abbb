"""Ingest against its floor: a full build, then the bare model embedding the very same chunk texts.

The floor is what no ingest can beat: the packaged model encoding each chunk once, in the builder's batches, timed
just before and just after the build (their mean is the floor, so a drift of the machine's load falls on both
sides). The full build (loading, chunking, embedding, bm25, Chroma, checks, switch) is reported over that floor. Re-ingests
run on a copy of the corpus: once with nothing changed, then with one document changed (its title, so every one
of its chunks must be embedded again) and changed back, so the time can be set against that document's share.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.bench.common import (
    BenchConfig,
    BenchError,
    Stopwatch,
    bench_settings,
    loadavg,
    median,
    progress,
    ratio,
)

REVISED = " (revised)"


def copy_corpus(dirs: list[Path], dest: Path, every: int = 1) -> list[Path]:
    """Copy the corpus (every n-th document file when sampling) so that edits never touch the real one."""
    from assistant.documents.corpus import discover

    files = discover(dirs)
    chosen = files[:: max(1, every)]
    roots: list[Path] = []
    for i, root in enumerate(dirs):
        target = dest / str(i) / Path(root).name
        target.mkdir(parents=True, exist_ok=True)
        roots.append(target)
    for path, _label in chosen:
        for i, root in enumerate(dirs):
            try:
                rel = path.relative_to(Path(root).resolve())
            except ValueError:
                continue
            out = roots[i] / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)
            break
    return roots


def floor_encoder(embedder: Any) -> Callable[[list[str]], Any]:
    """The bare packaged model for MiniLM (SentenceTransformer.encode, as the builder's batches); otherwise the
    embedder itself, which is then its own floor."""
    from assistant.models import MiniLMEmbedder

    if isinstance(embedder, MiniLMEmbedder):
        model = embedder.torch_model  # the very SentenceTransformer the builder embeds with, called bare
        batch = embedder.batch_size
        return lambda texts: model.encode(
            texts, batch_size=batch, normalize_embeddings=True, show_progress_bar=False
        )
    return embedder.embed_passages


def chunk_texts(build: Path) -> list[str]:
    from assistant.documents.model import Chunk
    from assistant.index.manifest import CHUNKS

    with open(build / CHUNKS, encoding="utf-8") as handle:
        return [Chunk.from_dict(json.loads(line)).embedding_text() for line in handle if line.strip()]


def planned_texts(dirs: list[Path], settings: Any) -> list[str]:
    """The texts the builder will embed, made by the same loader and chunker, so the floor can run first too."""
    from assistant.documents.chunking import chunk_document
    from assistant.documents.corpus import load_corpus
    from assistant.models import get_token_counter

    counter = get_token_counter(settings.embedding_model)
    documents = load_corpus(dirs, settings).documents
    return [
        c.embedding_text()
        for doc in documents
        for c in chunk_document(doc, counter, settings.chunk_max_tokens)
    ]


def time_floor(encode: Callable[[list[str]], Any], texts: list[str]) -> float:
    from assistant.index.builder import EMBED_BATCH

    with Stopwatch() as sw:
        for start in range(0, len(texts), EMBED_BATCH):
            encode(texts[start : start + EMBED_BATCH])
    return sw.seconds


def revise_title(path: Path, undo: bool = False) -> None:
    """Change (or restore) a document's title: every chunk's content hash includes it."""
    text = path.read_text(encoding="utf-8")
    if undo:
        path.write_text(text.replace(REVISED, "", 1), encoding="utf-8")
        return
    front = re.compile(r'^(title:\s*)(["\']?)(.*?)(\2)\s*$', re.MULTILINE)
    match = front.search(text)
    if match is None:
        match = re.search(r"^(#\s+)()(.*?)()\s*$", text, re.MULTILINE)
    if match is None:
        raise BenchError(f"no title to change in {path}")
    end = match.end(3)
    path.write_text(text[:end] + REVISED + text[end:], encoding="utf-8")


def _largest_markdown(manifest: Any, roots: list[Path]) -> tuple[Path, int]:
    files = [
        (info.get("chunks", 0), label) for label, info in manifest.files.items() if label.endswith(".md")
    ]
    if not files:
        raise BenchError("the corpus has no Markdown document to change")
    chunks, label = max(files)
    for root in roots:
        candidate = root.parent / label
        if candidate.is_file():
            return candidate, int(chunks)
    raise BenchError(f"cannot find {label} in the corpus copy")


def run(cfg: BenchConfig, work: Path) -> tuple[dict[str, Any], Path]:
    """The ingest section, and the index it built (the whole shipped corpus unless sampling)."""
    from assistant.index import ingest
    from assistant.index.builder import current_manifest
    from assistant.models import get_embedder

    before = loadavg()
    roots = copy_corpus(cfg.corpus_dirs, work / "corpus-copy", cfg.ingest_sample)
    index_dir = work / "index-ingest"
    settings = bench_settings(cfg, index_dir)
    embedder = get_embedder(cfg.embedding, settings.query_encoder)
    planned = planned_texts(roots, settings)
    warm_batch = planned[:32] or ["Warm-up text."]
    with Stopwatch() as load:
        embedder.embed_passages(warm_batch)  # loads the model; real lengths, so first-batch costs fall here
    encode = floor_encoder(embedder)
    encode(warm_batch)

    # quick: one repetition of the floor, after the build
    progress(
        "ingest: " + ("a full build, the floor" if cfg.quick else "the floor, a full build, the floor again")
    )
    floors = [] if cfg.quick else [time_floor(encode, planned)]
    with Stopwatch() as full:
        report = ingest(roots, settings, index_dir=index_dir, rebuild=True, embedder=embedder)
    texts = chunk_texts(Path(report.index))
    floors.append(time_floor(encode, texts))
    if texts != planned:  # the plan missed something: only the floor of what was built counts
        floors = floors[-1:]
    floor_s = sum(floors) / len(floors)

    no_change: list[float] = []
    for _ in range(1 if cfg.quick else 3):
        with Stopwatch() as sw:
            again = ingest(roots, settings, index_dir=index_dir, embedder=embedder)
        if again.new_build:
            raise BenchError("a re-ingest with nothing changed made a new build")
        no_change.append(sw.seconds)

    manifest = current_manifest(index_dir)
    doc, doc_chunks = _largest_markdown(manifest, roots)
    one_doc: list[float] = []
    embedded: list[int] = []
    for undo in (False, True):
        revise_title(doc, undo=undo)
        with Stopwatch() as sw:
            changed = ingest(roots, settings, index_dir=index_dir, embedder=embedder)
        one_doc.append(sw.seconds)
        embedded.append(changed.embedded)

    per_chunk_floor = floor_s / len(texts) if texts else None
    doc_floor = per_chunk_floor * doc_chunks if per_chunk_floor else None
    one_doc_s, no_change_s = median(one_doc), median(no_change)
    extra = None if one_doc_s is None or no_change_s is None else round(one_doc_s - no_change_s, 3)
    section = {
        "status": "ok",
        "corpus": "whole shipped corpus" if cfg.ingest_sample <= 1 else f"every {cfg.ingest_sample}th file",
        "documents": report.documents,
        "chunks": report.chunks,
        "model": report.model,
        "model_load_s": round(load.seconds, 3),
        "full_ingest_s": round(full.seconds, 3),
        "embed_in_ingest_s": report.embed_seconds,
        "floor_s": round(floor_s, 3),
        "floor_runs": [round(x, 3) for x in floors],
        "ratio_to_floor": ratio(full.seconds, floor_s),
        "chunks_per_s": round(report.chunks / full.seconds, 2) if full.seconds else None,
        "floor_chunks_per_s": round(len(texts) / floor_s, 2) if floor_s else None,
        "no_change_s": no_change_s,
        "no_change_runs": [round(x, 3) for x in no_change],
        "one_doc": {
            "document": doc.name,
            "document_chunks": doc_chunks,
            "embedded": embedded,
            "seconds": one_doc_s,
            "runs": [round(x, 3) for x in one_doc],
            "extra_over_no_change_s": extra,
            "document_floor_s": round(doc_floor, 3) if doc_floor else None,
            "extra_over_document_floor": ratio(extra, doc_floor),
            "share_of_full_ingest": ratio(one_doc_s, full.seconds),
        },
        "loadavg": [before, loadavg()],
    }
    return section, index_dir


def shipped_index(cfg: BenchConfig, work: Path, ingested: Path | None) -> tuple[Path, dict[str, Any]]:
    """The index of the whole shipped corpus for the query sections.

    The ingest section's own build when it covered the whole corpus; otherwise (``--quick``) a copy of an
    existing index brought up to date incrementally, which is only fast when that index is current; failing
    that, a copy of the ingest section's sampled build completed incrementally (vectors are reused by chunk
    content, so only the rest of the corpus is embedded); failing all, a fresh build.
    """
    from assistant.index import ingest
    from assistant.models import get_embedder

    if ingested is not None and cfg.ingest_sample <= 1:
        return ingested, {"source": "built by the ingest section"}
    dest = work / "index-shipped"
    settings = bench_settings(cfg, dest)
    source = "fresh build"
    if cfg.seed_index is not None and _seedable(cfg.seed_index, dest):
        source = f"copy of {cfg.seed_index}, updated incrementally"
    elif ingested is not None and _seedable(ingested, dest):
        source = (
            f"copy of the ingest section's build (every {cfg.ingest_sample}th file), updated incrementally"
        )
    embedder = get_embedder(cfg.embedding, settings.query_encoder)
    with Stopwatch() as sw:
        report = ingest(cfg.corpus_dirs, settings, index_dir=dest, embedder=embedder)
    return dest, {
        "source": source,
        "seconds": round(sw.seconds, 3),
        "embedded": report.embedded,
        "chunks": report.chunks,
    }


def _seedable(source: Path, dest: Path) -> bool:
    from assistant.index.manifest import build_dir, read_pointer

    pointer = read_pointer(source)
    if pointer is None or not (build_dir(source, pointer.build_id) / "manifest.json").is_file():
        return False
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(build_dir(source, pointer.build_id), build_dir(dest, pointer.build_id))
    shutil.copy2(Path(source) / "current", dest / "current")
    return True
