"""The bm25s index: tokenisation that keeps identifiers, search order, masks, save and load."""

from __future__ import annotations

import numpy as np

from assistant.index.lexical import LexicalIndex, tokenize

TEXTS = [
    "INNOSUP-01-2018-2020 closed on 8 September 2020.",
    "INNOSUP-1-2015 was the first topic; its deadline was 30 April 2015.",
    "ClusterXchange funds short exchanges between cluster organisations.",
    "The SME definition counts staff headcount and turnover.",
]


def test_tokenize_keeps_compound_identifiers_and_drops_stop_words():
    tokens = tokenize("The INNOSUP-01-2018-2020 call and the EUR 60,000 ceiling")
    assert "innosup-01-2018-2020" in tokens and "innosup" in tokens and "2018" in tokens
    assert "the" not in tokens and "and" not in tokens
    assert "60,000" not in tokens and "60" in tokens


def test_search_ranks_the_exact_identifier_first(tmp_path):
    index = LexicalIndex.build(TEXTS)
    hits = index.search("When did INNOSUP-01-2018-2020 close?", 4)
    assert hits[0][0] == 0
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert index.search("unknownword", 3) == []


def test_mask_and_k(tmp_path):
    index = LexicalIndex.build(TEXTS)
    mask = np.array([False, True, True, True])
    hits = index.search("INNOSUP deadline cluster", 10, mask)
    assert hits and 0 not in [row for row, _ in hits]
    assert len(index.search("innosup cluster staff", 1)) == 1


def test_save_and_load_give_the_same_scores(tmp_path):
    index = LexicalIndex.build(TEXTS)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", len(TEXTS))
    query = "SME staff headcount cluster exchanges"
    np.testing.assert_allclose(loaded.scores(query), index.scores(query))
    assert loaded.search(query, 3) == index.search(query, 3)
