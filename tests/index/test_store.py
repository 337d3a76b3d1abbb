"""Chroma metadata and the filter helpers that build `where` dicts."""

from __future__ import annotations

import pytest

from assistant.documents.model import Chunk
from assistant.index.store import chunk_metadata, matches_filters, where_from_filters


def _chunk(**kw) -> Chunk:
    data = dict(
        chunk_id="d:0:abc",
        doc_id="d",
        text="t",
        title="T",
        section="",
        page=None,
        url="",
        doc_type="call",
        programme="INNOSUP-1",
        call_ids=("INNOSUP-01-2018-2020", "INNOSUP-1-2015"),
        language="en",
        position=0,
        content_hash="h",
    )
    data.update(kw)
    return Chunk(**data)


def test_metadata_is_scalar_with_call_keys():
    meta = chunk_metadata(_chunk())
    assert all(isinstance(v, str | int | bool) for v in meta.values())
    assert meta["call:INNOSUP-01-2018-2020"] is True and meta["call:INNOSUP-1-2015"] is True
    assert meta["doc_type"] == "call" and meta["language"] == "en"


def test_where_from_filters():
    assert where_from_filters(None) is None
    assert where_from_filters({}) is None
    assert where_from_filters({"doc_type": ""}) is None
    assert where_from_filters({"doc_type": "faq"}) == {"doc_type": "faq"}
    assert where_from_filters({"call_id": "X-1"}) == {"call:X-1": True}
    assert where_from_filters({"language": "fr", "call_id": "X-1"}) == {
        "$and": [{"language": "fr"}, {"call:X-1": True}]
    }
    with pytest.raises(ValueError, match="unknown filter"):
        where_from_filters({"colour": "red"})


def test_matches_filters_mirrors_where():
    chunk = _chunk()
    assert matches_filters(chunk, None)
    assert matches_filters(chunk, {"call_id": "INNOSUP-1-2015", "programme": "INNOSUP-1"})
    assert not matches_filters(chunk, {"call_id": "INNOSUP-01-2016-2017"})
    assert not matches_filters(chunk, {"doc_type": "faq"})
    assert matches_filters(chunk, {"language": ""})
