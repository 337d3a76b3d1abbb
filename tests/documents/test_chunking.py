import json
from pathlib import Path

import pytest

from assistant.documents.chunking import chunk_document
from assistant.documents.corpus import load_corpus
from assistant.documents.loaders import load_markdown
from assistant.documents.model import Block, Chunk, Document, content_hash, make_chunk_id
from assistant.models import WhitespaceCounter, get_token_counter
from assistant.settings import Settings


def _doc(blocks):
    return Document(doc_id="d", path="d.md", title="Title", blocks=blocks)


def test_chunks_follow_sections_and_pages_and_stay_small():
    long = " ".join(f"Sentence number {i} is here." for i in range(60))
    doc = _doc([Block("Intro text.", ("A",)), Block(long, ("B",)), Block("Page two.", ("B",), page=2)])
    chunks = chunk_document(doc, WhitespaceCounter(), max_tokens=60)
    assert chunks[0].section == "A" and chunks[0].text == "Intro text."
    assert all(WhitespaceCounter().count(c.embedding_text()) <= 60 for c in chunks)
    assert {c.page for c in chunks if c.text == "Page two."} == {2}
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_chunk_ids_are_stable():
    doc = _doc([Block("Same text every time.", ("A",))])
    first = chunk_document(doc, WhitespaceCounter(), 50)
    second = chunk_document(doc, WhitespaceCounter(), 50)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]


@pytest.mark.slow
def test_shipped_corpus_fits_minilm(repo: Path):
    counter = get_token_counter("minilm")
    docs = load_corpus([repo / "corpus"], Settings()).documents
    assert len(docs) >= 40
    for doc in docs:
        for chunk in chunk_document(doc, counter, 220):
            assert counter.count(chunk.embedding_text()) <= 220, chunk.chunk_id


@pytest.mark.parametrize(
    "counter", [WhitespaceCounter(), get_token_counter("minilm")], ids=["words", "wordpiece"]
)
def test_a_huge_url_is_cut_into_chunks_that_fit(counter):
    url = "https://example.eu/" + "/".join(f"seg{i}-x?a={i}&b=%20q" for i in range(400))
    doc = _doc([Block(f"Read the call text at {url} before applying.", ("Where",))])
    assert counter.count(url) > 1000
    chunks = chunk_document(doc, counter, max_tokens=220)
    assert len(chunks) > 4
    assert max(counter.count(c.embedding_text()) for c in chunks) <= 220
    assert "".join(c.text for c in chunks).replace("\n", "").replace(" ", "") == (
        f"Read the call text at {url} before applying.".replace(" ", "")
    )  # cut, nothing lost


FULL_FRONT_MATTER = """---
id: call-full
title: "A call with everything"
doc_type: call
programme: INNOSUP-1
call_ids: [INNOSUP-01-2018-2020, INNOSUP-02-2019]
source_urls:
  - https://example.eu/call-full
  - https://example.eu/mirror
updated: 2026-11-20
language: de
opens: 2019-11-07
deadlines:
  - {stage: "first stage", date: 2020-04-02}
  - {stage: "second stage", date: 2020-09-08}
---

# A call with everything

## Who may apply

SMEs from Member States may apply.

## Budget

EUR 25 million in total.
"""


def test_every_document_field_is_carried_onto_each_chunk():
    doc = load_markdown(Path("call-full.md"), "calls/call-full.md", FULL_FRONT_MATTER.encode())
    doc.blocks = [Block(b.text, b.section, page=n) for n, b in enumerate(doc.blocks, start=3)]
    chunks = chunk_document(doc, WhitespaceCounter(), max_tokens=60)
    assert [(c.section, c.page, c.text) for c in chunks] == [
        ("Who may apply", 3, "SMEs from Member States may apply."),
        ("Budget", 4, "EUR 25 million in total."),
    ]
    for position, c in enumerate(chunks):
        assert c.doc_id == "call-full" and c.path == "calls/call-full.md"
        assert c.title == "A call with everything"
        assert c.url == "https://example.eu/call-full"
        assert c.source_urls == ("https://example.eu/call-full", "https://example.eu/mirror")
        assert c.doc_type == "call" and c.programme == "INNOSUP-1" and c.language == "de"
        assert c.call_ids == ("INNOSUP-01-2018-2020", "INNOSUP-02-2019")
        assert c.updated == "2026-11-20" and c.opens == "2019-11-07"
        assert json.loads(c.deadlines) == [
            {"stage": "first stage", "date": "2020-04-02"},
            {"stage": "second stage", "date": "2020-09-08"},
        ]
        assert c.position == position
        assert c.content_hash == content_hash(f"{c.title}\n{c.section}\n{c.text}")
        assert c.chunk_id == make_chunk_id("call-full", position, c.text)
        assert Chunk.from_dict(json.loads(json.dumps(c.to_dict()))) == c  # survives the chunks file
