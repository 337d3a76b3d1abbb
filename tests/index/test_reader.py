"""Opening the current build and searching it, dense and lexical, with and without filters."""

from __future__ import annotations

import pytest

from assistant.errors import IndexIncompatible, IndexMissing
from assistant.index import IndexReader, ingest
from assistant.index.manifest import Manifest, build_dir


@pytest.fixture
def reader(settings, corpus) -> IndexReader:
    ingest([corpus], settings)
    return IndexReader.open(settings=settings)


def test_open_without_index_says_to_ingest(settings):
    with pytest.raises(IndexMissing, match=r"python ingest\.py"):
        IndexReader.open(settings=settings)


def test_chunks_and_get(reader):
    assert len(reader) == reader.manifest.total_chunks == len(reader.chunks)
    first = reader.chunks[0]
    assert reader.get(first.chunk_id) == first
    assert reader.get("no-such-chunk") is None
    assert reader.build_id == reader.manifest.build_id
    assert reader.embedder.name == reader.manifest.model


def test_dense_finds_the_passage_and_scores_are_cosine(reader):
    query = "Each third party may receive at most EUR 60,000 of financial support in one project."
    hits = reader.dense(reader.embed_query(query), 3)
    assert len(hits) == 3
    top = reader.get(hits[0][0])
    assert "EUR 60,000" in top.text
    assert hits[0][1] > 0.8 and hits[0][1] >= hits[1][1] >= hits[2][1]


def test_dense_k_larger_than_index(reader):
    hits = reader.dense(reader.embed_query("clusters"), 1000)
    assert len(hits) == len(reader)


def test_lexical_matches_identifiers_exactly(reader):
    hits = reader.lexical("INNOSUP-01-2018-2020 cut-off", 5)
    assert hits and "8 September 2020" in reader.get(hits[0][0]).text
    assert all(score > 0 for _, score in hits)
    assert reader.lexical("zzzz qqqq", 5) == []
    assert reader.lexical("", 5) == []


def test_lexical_allowed_restricts_results(reader):
    faq = {c.chunk_id for c in reader.chunks if c.doc_type == "faq"}
    hits = reader.lexical("staff headcount enterprise cascade funding", 10, allowed=faq)
    assert hits and {cid for cid, _ in hits} <= faq
    assert reader.lexical("cascade funding", 10, allowed=set()) == []


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"doc_type": "call"}, lambda c: c.doc_type == "call"),
        ({"programme": "SME"}, lambda c: c.programme == "SME"),
        ({"language": "fr"}, lambda c: c.language == "fr"),
        ({"call_id": "INNOSUP-01-2018-2020"}, lambda c: "INNOSUP-01-2018-2020" in c.call_ids),
        ({"doc_type": "guide", "call_id": "INNOSUP-01-2018-2020"}, lambda c: c.doc_id == "guide-cascade"),
    ],
)
def test_filters_agree_between_dense_and_lexical(reader, filters, check):
    expected = {c.chunk_id for c in reader.chunks if check(c)}
    assert expected and len(expected) < len(reader)
    dense = reader.dense(reader.embed_query("funding deadline SME clusters"), 100, filters=filters)
    assert {cid for cid, _ in dense} == expected
    assert reader.allowed_ids(filters) == expected
    lexical = reader.lexical_filtered(
        "funding deadlines budget staff programme cascade échanges", 100, filters
    )
    assert lexical and {cid for cid, _ in lexical} <= expected
    assert (
        reader.lexical("funding deadlines budget staff programme cascade échanges", 100, allowed=expected)
        == lexical
    )


def test_unknown_call_id_filter_matches_nothing(reader):
    assert reader.dense(reader.embed_query("funding"), 10, filters={"call_id": "NOPE-2099"}) == []
    assert reader.lexical_filtered("funding", 10, {"call_id": "NOPE-2099"}) == []
    assert reader.allowed_ids({}) is None


def test_other_model_is_refused_with_the_command_to_run(reader, settings, other_embedder):
    with pytest.raises(IndexIncompatible) as caught:
        IndexReader.open(settings=settings, embedder=other_embedder)
    assert "python ingest.py --rebuild" in str(caught.value)
    assert reader.manifest.model in str(caught.value)


def test_damaged_build_is_reported_not_crashed(reader, settings):
    path = build_dir(settings.index_dir, reader.build_id)
    manifest = Manifest.load(path)
    manifest.total_chunks += 1
    manifest.save(path)
    with pytest.raises(IndexMissing, match="damaged"):
        IndexReader.open(settings=settings)


def test_is_current_turns_false_after_a_new_build(reader, settings, corpus, doc_writer):
    assert reader.is_current()
    doc_writer(corpus, "guide-new", "New", {"Text": "A new page about ECCP partnerships."})
    ingest([corpus], settings)
    assert not reader.is_current()
    assert reader.dense(reader.embed_query("cascade"), 2)  # the old build keeps answering
