"""Layout helpers: build ids, collection names, the pointer file, the manifest."""

from __future__ import annotations

import re

import pytest

from assistant.index.manifest import (
    Manifest,
    Pointer,
    chunker_version,
    collection_name,
    new_build_id,
    read_pointer,
    write_pointer,
)


def test_build_ids_sort_by_time_and_make_valid_collection_names():
    ids = {new_build_id() for _ in range(50)}
    assert len(ids) == 50
    for build_id in ids:
        name = collection_name(build_id)
        assert 3 <= len(name) <= 512 and re.fullmatch(r"[a-zA-Z0-9._-]+", name)
    with pytest.raises(ValueError):
        collection_name("bad id/with slash")


def test_pointer_roundtrip_and_plain_text(tmp_path):
    assert read_pointer(tmp_path) is None
    write_pointer(tmp_path, Pointer("b2", "b1"))
    assert read_pointer(tmp_path) == Pointer("b2", "b1")
    assert not list(tmp_path.glob(".*.tmp"))
    (tmp_path / "current").write_text("b3\n")
    assert read_pointer(tmp_path) == Pointer("b3", None)


def test_manifest_roundtrip_ignores_unknown_keys(tmp_path):
    manifest = Manifest("b1", "2026-01-01T00:00:00Z", "m", 8, "3", 220, "embedded", "clusterdesk-b1")
    manifest.files = {"a.md": {"sha256": "x" * 64, "chunks": 2}}
    manifest.save(tmp_path)
    loaded = Manifest.load(tmp_path)
    assert loaded == manifest and loaded.file_hashes() == {"a.md": "x" * 64}
    assert Manifest.from_dict({**manifest.to_dict(), "future_key": 1}) == manifest


def test_chunker_version_comes_from_the_chunker():
    from assistant.documents.chunking import CHUNKER_VERSION

    assert chunker_version() == str(CHUNKER_VERSION)


def test_damaged_pointer_reads_as_no_index(tmp_path):
    (tmp_path / "current").write_text('{"build_id": ')
    assert read_pointer(tmp_path) is None
