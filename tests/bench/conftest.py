"""A tiny index of the stub corpus, built with the stand-in embedder, for the bench's fast tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.bench.common import BenchConfig, bench_settings

REPO = Path(__file__).resolve().parents[2]
STUB_CORPUS = REPO / "tests" / "stub_data" / "corpus"
STUB_QA = Path(__file__).with_name("stub_qa.jsonl")


@pytest.fixture
def tiny_config(tmp_path: Path) -> BenchConfig:
    return BenchConfig.for_mode(
        False,
        out_dir=tmp_path / "out",
        corpus_dirs=[STUB_CORPUS],
        qa_path=STUB_QA,
        embedding="hash",
        sizes=[200],
        reps=1,
    )


@pytest.fixture
def stub_index(tmp_path: Path, tiny_config: BenchConfig) -> Path:
    from assistant.index import ingest
    from assistant.models import HashEmbedder

    index_dir = tmp_path / "stub-index"
    ingest(
        [STUB_CORPUS], bench_settings(tiny_config, index_dir), index_dir=index_dir, embedder=HashEmbedder()
    )
    return index_dir
