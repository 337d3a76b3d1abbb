from pathlib import Path

import pytest

from assistant.documents.chunking import chunk_document
from assistant.documents.corpus import load_corpus
from assistant.documents.model import Block, Document
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
