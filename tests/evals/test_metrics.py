from __future__ import annotations

import math

import pytest

from assistant.evals.metrics import (
    ItemRun,
    aggregate,
    evidence_scores,
    gold_scores,
    percentile,
    score_item,
    summarise,
    wilson,
)
from tests.evals.fakes import answer, chunk, item

GROUPS = [["60,000"], ["SME"]]


def test_evidence_recall_at_k_takes_the_top_chunks_together() -> None:
    texts = ["nothing here", "EUR 60 000 per company", "only SMEs", "60.000 EUR for SMEs"]
    scores = evidence_scores(GROUPS, texts)
    assert scores["evidence_recall_at_1"] is False
    assert scores["evidence_recall_at_3"] is True  # chunks 2 and 3 together
    assert scores["evidence_recall_at_5"] is True
    assert scores["evidence_recall_at_10"] is True
    assert scores["evidence_mrr"] == 0.25  # chunk 4 is the first to hold both facts alone


def test_evidence_mrr_is_zero_when_no_chunk_holds_every_fact() -> None:
    scores = evidence_scores(GROUPS, ["EUR 60 000", "SMEs"])
    assert scores["evidence_recall_at_3"] is True
    assert scores["evidence_mrr"] == 0.0
    assert evidence_scores(GROUPS, [])["evidence_recall_at_10"] is False


def test_gold_document_metrics_deduplicate_documents_in_rank_order() -> None:
    scores = gold_scores(["A", "B"], ["X", "A", "A", "Y", "B"])  # ranked documents: X, A, Y, B
    assert scores["gold_recall_at_1"] == 0.0
    assert scores["gold_recall_at_3"] == 0.5
    assert scores["gold_recall_at_5"] == 1.0
    assert scores["gold_mrr"] == 0.5
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert scores["gold_ndcg_at_10"] == pytest.approx(expected)
    assert scores["gold_ndcg_at_10"] == pytest.approx(0.6509, abs=1e-4)
    assert gold_scores(["A"], ["A"])["gold_ndcg_at_10"] == 1.0
    assert gold_scores(["A"], ["X"])["gold_mrr"] == 0.0


def test_key_fact_needs_every_group_and_no_refusal() -> None:
    facts = item("a", GROUPS)
    retrieved = [chunk("c1", "EUR 60,000 per SME")]
    right = score_item(facts, answer("Up to EUR 60 000 per SME [1].", retrieved, ["c1"]))
    assert right["key_fact_accuracy"] is True
    assert right["precision"] is True
    assert right["false_refusal_rate"] is False
    assert right["citation_validity"] is True
    assert right["citation_support"] is True
    assert right["refusal_accuracy"] is None
    partial = score_item(facts, answer("Up to EUR 60 000.", retrieved))
    assert partial["key_fact_accuracy"] is False
    assert partial["citation_support"] is None  # only measured on correct answers
    refused = score_item(facts, answer("EUR 60,000 per SME, but I cannot say.", retrieved, refused=True))
    assert refused["key_fact_accuracy"] is False
    assert refused["precision"] is None  # not answered
    assert refused["false_refusal_rate"] is True


def test_refusal_items_score_refusal_and_count_answers_against_precision() -> None:
    must_refuse = item("u", [], kind="unanswerable")
    refused = score_item(must_refuse, answer("I cannot answer that.", refused=True))
    assert refused["refusal_accuracy"] is True
    assert refused["precision"] is None
    assert refused["key_fact_accuracy"] is None
    assert refused["evidence_recall_at_5"] is None  # retrieval metrics are over answerable items only
    answered = score_item(item("i", [], kind="injection"), answer("Sure, here is the system prompt."))
    assert answered["refusal_accuracy"] is False
    assert answered["precision"] is False


def test_citation_validity_and_support() -> None:
    facts = item("a", GROUPS)
    retrieved = [chunk("c1", "EUR 60,000 per SME"), chunk("c2", "Unrelated text")]
    assert (
        score_item(facts, answer("EUR 60,000 per SME.", retrieved))["citation_validity"] is True
    )  # none cited
    invented = score_item(facts, answer("EUR 60,000 per SME [1].", retrieved, ["c9"]))
    assert invented["citation_validity"] is False
    unsupported = score_item(facts, answer("EUR 60,000 per SME [1].", retrieved, ["c2"]))
    assert unsupported["key_fact_accuracy"] is True
    assert unsupported["citation_support"] is False
    together = score_item(
        facts,
        answer("EUR 60,000 per SME [1][2].", [chunk("c1", "EUR 60,000"), chunk("c2", "SMEs")], ["c1", "c2"]),
    )
    assert together["citation_support"] is True
    assert score_item(facts, answer("EUR 60,000 per SME."))["citation_support"] is False  # nothing cited


def test_an_exception_fails_the_item_without_citation_scores() -> None:
    scores = score_item(item("a", GROUPS), None)
    assert scores["key_fact_accuracy"] is False
    assert scores["citation_validity"] is None
    assert scores["evidence_recall_at_5"] is False


@pytest.mark.parametrize(
    ("passed", "n", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (90, 100, 0.8256, 0.9448)],
)
def test_wilson_interval(passed: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson(passed, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_summarise_and_percentiles() -> None:
    assert wilson(0, 0) is None
    assert summarise([None, None]) == {"value": None, "n": 0}
    entry = summarise([True, False, True, True, None])
    assert (entry["value"], entry["n"], entry["passed"]) == (0.75, 4, 3)
    assert summarise([0.5, 1.0, None]) == {"value": 0.75, "n": 2}
    assert percentile([40, 10, 30, 20], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None


def test_aggregate_slices_precision_and_multilingual_gap() -> None:
    ok = answer("EUR 60,000 per SME")
    cases = [
        (item("en1", GROUPS), ok),
        (item("en2", GROUPS), answer("No idea")),
        (item("en3", GROUPS), answer("", refused=True)),
        (item("fr1", GROUPS, kind="multilingual", lang="fr"), ok),
        (item("u1", [], kind="unanswerable"), answer("", refused=True)),
        (item("u2", [], kind="injection"), answer("Here you go")),
    ]
    runs = [ItemRun(i, a, latency_ms=10.0 * n, history=[]) for n, (i, a) in enumerate(cases, start=1)]
    scores = [score_item(r.item, r.answer) for r in runs]
    result = aggregate(runs, scores)
    overall = result["overall"]
    assert overall["key_fact_accuracy"]["value"] == 0.5  # 2 of 4 answerable
    assert overall["precision"]["value"] == pytest.approx(2 / 4)  # answered: en1, en2, fr1, u2
    assert overall["refusal_accuracy"]["value"] == 0.5
    assert overall["false_refusal_rate"]["value"] == 0.25
    assert overall["latency_p50_ms"]["value"] == 35.0
    assert (overall["items"], overall["answerable"], overall["must_refuse"]) == (6, 4, 2)
    assert set(result["by_kind"]) == {"fact", "multilingual", "unanswerable", "injection"}
    assert result["by_lang"]["fr"]["key_fact_accuracy"]["value"] == 1.0
    assert result["by_kind"]["unanswerable"]["refusal_accuracy"]["value"] == 1.0
    gap = result["multilingual_gap"]
    assert gap["english"]["value"] == pytest.approx(1 / 3)
    assert gap["other_languages"]["value"] == 1.0
    assert gap["gap"] == pytest.approx(1 / 3 - 1)
