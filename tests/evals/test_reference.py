"""The LangChain-tutorial reference pipeline with the real packaged MiniLM model, over a tiny corpus."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from assistant.evals.reference import CHUNK_OVERLAP, CHUNK_SIZE, TOP_K, ReferencePipeline
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
    # About 2,500 characters in short numbered sentences: several 1000-character chunks with visible overlaps.
    "guide-long": (
        "Long guide",
        " ".join(
            f"Paragraph {n} of the long guide covers rule number {n} of the programme." for n in range(35)
        ),
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
    assert len(answer.retrieved) == 4  # k=4 of the 3 + 3 chunks
    top = answer.retrieved[0]
    assert top.doc_id == "guide-vouchers" and top.title == "SME vouchers"
    assert answer.text == top.text and "EUR 60,000" in answer.text
    assert [c.chunk_id for c in answer.citations] == [top.chunk_id]
    assert all(r.chunk_id.startswith("reference:") for r in answer.retrieved)
    assert unrelated.text  # whatever is closest, it answers
    assert not Path(pipeline._dir.name).exists()


def longest_overlap(left: str, right: str) -> int:
    """Length of the longest end of ``left`` that begins ``right``."""
    return max((n for n in range(1, min(len(left), len(right)) + 1) if left.endswith(right[:n])), default=0)


def test_reference_splits_1000_200_and_searches_4_while_its_metrics_rank_10(tmp_path: Path) -> None:
    assert (CHUNK_SIZE, CHUNK_OVERLAP, TOP_K) == (1000, 200, 4)
    long_text = DOCS["guide-long"][1]
    assert 2400 <= len(long_text) <= 2600
    pipeline = ReferencePipeline([write_corpus(tmp_path / "corpus")], Settings(), progress=False)
    try:
        stored = pipeline._store.get(include=["documents", "metadatas"])
        by_id = dict(
            zip(stored["ids"], zip(stored["documents"], stored["metadatas"], strict=True), strict=True)
        )
        ordered = sorted(by_id, key=lambda i: int(i.split(":")[1]))
        pieces = [by_id[i][0] for i in ordered if by_id[i][1]["doc_id"] == "guide-long"]
        answer = pipeline.ask("Which paragraph covers rule number 20 of the programme?")
        ranked = pipeline.ranking("Which paragraph covers rule number 20 of the programme?", answer, 10)
    finally:
        pipeline.close()
    assert len(stored["ids"]) == 6  # three short documents, and the long one in three chunks
    assert len(pieces) == 3
    assert all(len(p) <= 1000 for p in pieces) and all(len(p) > 800 for p in pieces[:-1])
    for left, right in pairwise(pieces):
        assert 150 <= longest_overlap(left, right) <= 200  # the splitter's 200-character overlap
    assert len(answer.retrieved) == 4  # the answer path searches k=4
    assert answer.text == answer.retrieved[0].text and answer.retrieved[0].doc_id == "guide-long"
    assert len(ranked) == 6  # asked for 10; the store holds 6
    assert [r.chunk_id for r in ranked[:4]] == [r.chunk_id for r in answer.retrieved]
