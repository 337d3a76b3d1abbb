"""The synthetic corpora: reproducible from the seed, realistic in shape, and readable as any index build."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.bench.common import bench_settings
from assistant.bench.scale import build, read_build, synthesize
from assistant.documents.sentences import split_sentences


def test_same_seed_same_corpus_other_seed_another(stub_index: Path):
    _, _, chunks, vectors = read_build(stub_index)
    first, first_vectors = synthesize(chunks, vectors, 120, seed=3)
    again, again_vectors = synthesize(chunks, vectors, 120, seed=3)
    other, _ = synthesize(chunks, vectors, 120, seed=4)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert np.array_equal(first_vectors, again_vectors)
    assert [c.text for c in first] != [c.text for c in other]


def test_shipped_chunks_stay_first_and_synthetic_ones_look_like_them(stub_index: Path):
    _, _, chunks, vectors = read_build(stub_index)
    synthetic, synthetic_vectors = synthesize(chunks, vectors, 100, seed=1)
    assert len(synthetic) == 100 and synthetic_vectors.shape == (100, vectors.shape[1])
    assert synthetic[: len(chunks)] == chunks
    assert np.allclose(np.linalg.norm(synthetic_vectors, axis=1), 1.0, atol=1e-5)
    extra = synthetic[len(chunks) :]
    assert len({c.chunk_id for c in synthetic}) == 100
    assert all(c.doc_type != "call" and c.doc_id.startswith("synthetic-") for c in extra)
    pool = {s for c in chunks for s in split_sentences(c.text)}
    assert all(any(c.text.startswith(s) for s in pool) for c in extra)  # sentences of the shipped corpus


def test_a_synthetic_build_opens_and_answers(stub_index: Path, tmp_path: Path, tiny_config):
    from assistant.core import Assistant

    dest = tmp_path / "synthetic"
    info = build({"source": str(stub_index), "size": 150, "seed": 7, "dest": str(dest)})
    assert info["chunks"] == 150 and info["chroma_add_s"] >= 0 and info["disk_mb"] > 0
    assistant = Assistant.open(dest, bench_settings(tiny_config, dest))
    assert len(assistant.reader.chunks) == 150
    answer = assistant.ask("What is the maximum voucher an SME can receive?")
    assert answer.retrieved
