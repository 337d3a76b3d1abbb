"""The ingest section's helpers: a sampled corpus copy and a title change that every chunk notices."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.bench.common import BenchError
from assistant.bench.ingest import copy_corpus, revise_title
from tests.bench.conftest import STUB_CORPUS


def test_copy_corpus_samples_every_nth_file(tmp_path: Path):
    everything = copy_corpus([STUB_CORPUS], tmp_path / "all")
    half = copy_corpus([STUB_CORPUS], tmp_path / "half", every=2)
    names = sorted(p.name for p in everything[0].rglob("*.md"))
    assert names == sorted(p.name for p in STUB_CORPUS.glob("*.md"))
    assert len(list(half[0].rglob("*.md"))) == (len(names) + 1) // 2
    assert everything[0].name == STUB_CORPUS.name  # labels in the manifest keep the folder's name


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        ('---\nid: a\ntitle: "Vouchers"\n---\nBody.\n', 'title: "Vouchers (revised)"'),
        ("---\nid: a\ntitle: Vouchers\n---\nBody.\n", "title: Vouchers (revised)"),
        ("# Vouchers\n\nBody.\n", "# Vouchers (revised)"),
    ],
)
def test_revise_title_and_back(tmp_path: Path, text: str, changed: str):
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    revise_title(path)
    assert changed in path.read_text(encoding="utf-8")
    revise_title(path, undo=True)
    assert path.read_text(encoding="utf-8") == text


def test_revise_title_refuses_a_document_without_one(tmp_path: Path):
    path = tmp_path / "doc.md"
    path.write_text("Just a line.\n", encoding="utf-8")
    with pytest.raises(BenchError):
        revise_title(path)


def test_a_changed_title_reembeds_that_document_only(tmp_path: Path, tiny_config):
    from assistant.bench.common import bench_settings
    from assistant.index import ingest
    from assistant.models import HashEmbedder

    roots = copy_corpus([STUB_CORPUS], tmp_path / "copy")
    settings = bench_settings(tiny_config, tmp_path / "index")
    first = ingest(roots, settings, index_dir=tmp_path / "index", embedder=HashEmbedder())
    doc = roots[0] / "guide-vouchers.md"
    revise_title(doc)
    again = ingest(roots, settings, index_dir=tmp_path / "index", embedder=HashEmbedder())
    assert 0 < again.embedded < first.chunks
