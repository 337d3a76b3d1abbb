"""Incremental builds, the atomic switch, cleanup and rollback, against real Chroma and bm25s."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.errors import IndexIncompatible, IndexMissing
from assistant.index import IndexReader, NothingToIndex, ingest, read_pointer, rollback
from assistant.index.builder import BuildCheckFailed
from assistant.index.manifest import CHUNKS, VECTOR_KEYS, VECTORS, Manifest, build_dir, builds_dir
from assistant.models import HashEmbedder


def _chunk_ids(settings) -> list[str]:
    reader = IndexReader.open(settings=settings)
    return [c.chunk_id for c in reader.chunks]


class CountingEmbedder(HashEmbedder):
    """The stand-in model, counting what it is asked to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed_passages(texts)


def test_first_build_holds_every_chunk_and_becomes_current(settings, corpus):
    report = ingest([corpus], settings)
    assert report.new_build and report.full_rebuild
    assert report.documents == 4
    assert report.embedded == report.chunks > 4
    assert report.reused == 0 and report.skipped == []
    pointer = read_pointer(settings.index_dir)
    assert pointer is not None and pointer.build_id == report.build_id and pointer.previous is None
    path = build_dir(settings.index_dir, report.build_id)
    assert str(path) == report.index
    manifest = Manifest.load(path)
    assert manifest.total_chunks == report.chunks
    assert sum(f["chunks"] for f in manifest.files.values()) == report.chunks
    assert manifest.model == HashEmbedder.name and manifest.dimension == 64
    assert all(len(f["sha256"]) == 64 for f in manifest.files.values())
    lines = (path / CHUNKS).read_text(encoding="utf-8").splitlines()
    assert len(lines) == report.chunks
    assert json.loads(lines[0])["chunk_id"]
    assert np.load(path / VECTORS).shape == (report.chunks, 64)
    assert len(json.loads((path / VECTOR_KEYS).read_text())) == report.chunks


def test_second_run_embeds_nothing_and_keeps_the_build(settings, corpus):
    first = ingest([corpus], settings)
    embedder = CountingEmbedder()
    second = ingest([corpus], settings, embedder=embedder)
    assert not second.new_build
    assert second.embedded == 0 and second.reused == first.chunks
    assert second.build_id == first.build_id and second.index == first.index
    assert embedder.seen == []
    assert len(list(builds_dir(settings.index_dir).iterdir())) == 1


def test_changed_file_only_its_chunks_are_embedded(settings, corpus, doc_writer):
    ingest([corpus], settings)
    before = {c.chunk_id: c for c in IndexReader.open(settings=settings).chunks}
    doc_writer(
        corpus,
        "faq-sme",
        "SME definition FAQ",
        {
            "Headcount": "A small enterprise employs fewer than 50 staff and its turnover is at most "
            "EUR 10 million."
        },
        doc_type="faq",
        programme="SME",
    )
    embedder = CountingEmbedder()
    report = ingest([corpus], settings, embedder=embedder)
    assert report.new_build and not report.full_rebuild
    assert report.files_changed == 1 and report.files_removed == 0
    reader = IndexReader.open(settings=settings)
    sme_new = [c for c in reader.chunks if c.doc_id == "faq-sme"]
    assert report.embedded == len(sme_new) == len(embedder.seen)
    assert all("faq-sme" in text or "SME definition" in text for text in embedder.seen)
    assert report.reused == report.chunks - report.embedded
    assert "fewer than 250 staff" not in " ".join(c.text for c in reader.chunks)
    unchanged = [cid for cid in before if not cid.startswith("faq-sme:")]
    assert all(reader.get(cid) == before[cid] for cid in unchanged)


def test_reused_vectors_equal_fresh_ones(settings, corpus, doc_writer):
    ingest([corpus], settings)
    doc_writer(
        corpus, "guide-new", "A new guide", {"Topic": "Cluster organisations may join ECCP partnerships."}
    )
    report = ingest([corpus], settings)
    path = build_dir(settings.index_dir, report.build_id)
    vectors = np.load(path / VECTORS)
    reader = IndexReader.open(settings=settings)
    fresh = HashEmbedder().embed_passages([c.embedding_text() for c in reader.chunks])
    np.testing.assert_allclose(vectors, fresh, atol=1e-6)


def test_removed_file_chunks_disappear(settings, corpus):
    ingest([corpus], settings)
    (corpus / "guide-fr.md").unlink()
    report = ingest([corpus], settings)
    assert report.new_build and report.files_removed == 1 and report.embedded == 0
    reader = IndexReader.open(settings=settings)
    assert not [c for c in reader.chunks if c.doc_id == "guide-fr"]
    assert reader.dense(reader.embed_query("ClusterXchange échanges"), 50, filters={"language": "fr"}) == []
    assert not [path for path in reader.manifest.files if path.endswith("guide-fr.md")]
    assert len(reader.manifest.files) == 3


def test_chunk_ids_are_stable_across_rebuilds(settings, corpus):
    ingest([corpus], settings)
    first = _chunk_ids(settings)
    report = ingest([corpus], settings, rebuild=True)
    assert report.new_build and report.full_rebuild and report.embedded == report.chunks
    assert _chunk_ids(settings) == first
    assert len(set(first)) == len(first)


def test_model_change_forces_full_rebuild_and_old_model_is_refused(settings, corpus, other_embedder):
    first = ingest([corpus], settings)
    report = ingest([corpus], settings, embedder=other_embedder)
    assert report.full_rebuild and report.embedded == report.chunks == first.chunks
    assert IndexReader.open(settings=settings, embedder=other_embedder).manifest.model == other_embedder.name
    with pytest.raises(IndexIncompatible, match=r"python ingest\.py --rebuild"):
        IndexReader.open(settings=settings)


def test_chunker_version_change_forces_full_rebuild(settings, corpus, monkeypatch):
    ingest([corpus], settings)
    monkeypatch.setattr("assistant.documents.chunking.CHUNKER_VERSION", "test-next")
    report = ingest([corpus], settings)
    assert report.new_build and report.full_rebuild and report.embedded == report.chunks
    assert IndexReader.open(settings=settings).manifest.chunker_version == "test-next"


def test_nothing_to_index_leaves_current_untouched(settings, corpus, tmp_path):
    first = ingest([corpus], settings)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "broken.md").write_bytes(b"")
    with pytest.raises(NothingToIndex):
        ingest([empty], settings)
    assert read_pointer(settings.index_dir).build_id == first.build_id
    assert IndexReader.open(settings=settings).build_id == first.build_id


def test_failed_build_is_removed_and_current_serves(settings, corpus, doc_writer):
    first = ingest([corpus], settings)

    class BrokenEmbedder(HashEmbedder):
        def embed_passages(self, texts):
            return np.full((len(texts), self.dimension), np.nan, dtype=np.float32)

    doc_writer(corpus, "guide-more", "More", {"Text": "Something new to embed about vouchers."})
    with pytest.raises(BuildCheckFailed):
        ingest([corpus], settings, embedder=BrokenEmbedder())
    assert [p.name for p in builds_dir(settings.index_dir).iterdir()] == [first.build_id]
    assert IndexReader.open(settings=settings).build_id == first.build_id


def test_half_written_builds_are_cleaned_and_two_builds_kept(settings, corpus, doc_writer):
    ingest([corpus], settings)
    stale = builds_dir(settings.index_dir) / "20000101T000000Z-dead00"
    (stale / "chroma").mkdir(parents=True)
    (stale / CHUNKS).write_text("{}\n")
    ids = []
    for n in range(3):
        doc_writer(
            corpus, f"guide-extra-{n}", f"Extra {n}", {"Text": f"Extra document number {n} about clusters."}
        )
        ids.append(ingest([corpus], settings).build_id)
    kept = sorted(p.name for p in builds_dir(settings.index_dir).iterdir())
    assert kept == sorted(ids[-2:])
    pointer = read_pointer(settings.index_dir)
    assert (pointer.build_id, pointer.previous) == (ids[-1], ids[-2])


def test_keep_builds_one_keeps_only_current(settings_for, corpus, doc_writer):
    settings = settings_for(keep_builds=1)
    ingest([corpus], settings)
    doc_writer(corpus, "guide-extra", "Extra", {"Text": "Extra document about clusters."})
    report = ingest([corpus], settings)
    assert [p.name for p in builds_dir(settings.index_dir).iterdir()] == [report.build_id]
    with pytest.raises(IndexMissing, match="no previous build"):
        rollback(settings.index_dir, settings)


def test_rollback_switches_back_and_forth(settings, corpus, doc_writer):
    first = ingest([corpus], settings)
    doc_writer(corpus, "guide-extra", "Extra", {"Text": "Extra document about clusters."})
    second = ingest([corpus], settings)
    reader = IndexReader.open(settings=settings)
    assert reader.build_id == second.build_id and reader.is_current()
    assert rollback(settings.index_dir, settings) == first.build_id
    assert not reader.is_current()
    back = IndexReader.open(settings=settings)
    assert back.build_id == first.build_id
    assert not [c for c in back.chunks if c.doc_id == "guide-extra"]
    assert rollback(settings.index_dir, settings) == second.build_id
    # a new ingest after a rollback starts from what serves, and keeps the rollback target
    assert IndexReader.open(settings=settings).build_id == second.build_id


def test_rollback_without_index_is_refused(settings):
    with pytest.raises(IndexMissing, match="ingest"):
        rollback(settings.index_dir, settings)


def test_damaged_pointer_is_healed_by_the_next_ingest(settings, corpus):
    ingest([corpus], settings)
    (settings.index_dir / "current").write_text("{oops")
    with pytest.raises(IndexMissing):
        IndexReader.open(settings=settings)
    report = ingest([corpus], settings)
    assert report.new_build and report.full_rebuild
    assert IndexReader.open(settings=settings).build_id == report.build_id


def test_a_file_without_chunks_makes_no_new_build_on_the_next_run(settings, corpus, doc_writer):
    first = ingest([corpus], settings)
    doc_writer(corpus, "sources-only", "Only sources", {"Sources": "https://example.eu/a"})
    second = ingest([corpus], settings)
    assert second.new_build
    for report in (second, ingest([corpus], settings), ingest([corpus], settings)):
        assert report.documents == 4  # the file without chunks is skipped, not counted as a document too
        assert [s["path"] for s in report.skipped] == ["corpus/sources-only.md"]
        assert "no text left to index" in report.skipped[0]["reason"]
    third = ingest([corpus], settings)
    assert not third.new_build and third.build_id == second.build_id and third.embedded == 0
    pointer = read_pointer(settings.index_dir)
    assert (pointer.build_id, pointer.previous) == (second.build_id, first.build_id)  # the rollback stays
    assert (
        Manifest.load(build_dir(settings.index_dir, second.build_id)).files["corpus/sources-only.md"][
            "chunks"
        ]
        == 0
    )


def test_pdf_with_blank_pages_is_reported_as_partly_read(settings, corpus):
    from tests.fixtures_pdf import make_text_pdf

    make_text_pdf(corpus / "scan.pdf", ["Cluster vouchers are paid in two instalments.", "", "", "End page."])
    report = ingest([corpus], settings)
    assert "corpus/scan.pdf" not in [s["path"] for s in report.skipped]
    (partial,) = report.partial
    assert partial["path"] == "corpus/scan.pdf"
    assert "no text on page(s) 2, 3: scanned pages need OCR" in partial["reason"]
    again = ingest([corpus], settings)  # nothing changed: still reported
    assert not again.new_build and again.partial == report.partial
