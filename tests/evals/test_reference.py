"""The LangChain-tutorial reference pipeline with the real packaged MiniLM model, over a tiny corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evals.reference import ReferencePipeline
from assistant.settings import Settings

pytestmark = pytest.mark.slow

DOCS = {
    "guide-vouchers": (
        "SME vouchers",
        "INNOSUP-1 projects give each SME up to EUR 60,000 of equity-free support through open calls. " * 3,
    ),
    "guide-exchanges": (
        "ClusterXchange",
        "ClusterXchange pays a visiting organisation a lump sum of at most EUR 1,100 for a short exchange. "
        * 3,
    ),
    "guide-labels": (
        "Cluster labels",
        "The Bronze cluster label is valid for two years after the benchmarking. " * 3,
    ),
}


def write_corpus(root: Path) -> Path:
    root.mkdir()
    for doc_id, (title, text) in DOCS.items():
        body = f'---\nid: {doc_id}\ntitle: "{title}"\ndoc_type: guide\nlanguage: en\n---\n\n# {title}\n\n{text}\n'
        (root / f"{doc_id}.md").write_text(body, encoding="utf-8")
    return root


def test_reference_answers_with_its_top_chunk_and_never_refuses(tmp_path: Path) -> None:
    pipeline = ReferencePipeline([write_corpus(tmp_path / "corpus")], Settings(), progress=False)
    try:
        answer = pipeline.ask("How much money can one SME receive from an INNOSUP open call?")
        unrelated = pipeline.ask("Who will win the football cup in 2030?")
    finally:
        pipeline.close()
    assert not answer.refused and not unrelated.refused
    assert len(answer.retrieved) == 3  # k=4, but the corpus has only three chunks
    top = answer.retrieved[0]
    assert top.doc_id == "guide-vouchers" and top.title == "SME vouchers"
    assert answer.text == top.text and "EUR 60,000" in answer.text
    assert [c.chunk_id for c in answer.citations] == [top.chunk_id]
    assert all(r.chunk_id.startswith("reference:") for r in answer.retrieved)
    assert unrelated.text  # whatever is closest, it answers
    assert not Path(pipeline._dir.name).exists()
