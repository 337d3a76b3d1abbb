from __future__ import annotations

import math

import pytest

from assistant.evals.metrics import (
    ItemRun,
    aggregate,
    bootstrap,
    evidence_scores,
    gold_scores,
    percentile,
    score_item,
    score_run,
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
    graded = summarise([0.5, 1.0, None])
    assert (graded["value"], graded["n"]) == (0.75, 2)
    assert graded["ci95"] == [0.5, 1.0]  # two values: the resampled means span both
    assert "ci95" not in summarise([0.5])  # one value: nothing to resample
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


def test_recall_at_10_is_scored_on_ten_ranked_chunks_not_on_what_the_answer_kept() -> None:
    """The answer used top_k=3; the ranking the runner asks for holds ten chunks and the fact at rank 7."""
    facts = item("a", [["60,000"]], gold=("guide-a",))
    kept = [chunk(f"c{n}", "nothing here", doc_id=f"other-{n}") for n in range(1, 4)]
    ranked = [*kept, *(chunk(f"c{n}", "still nothing", doc_id=f"other-{n}") for n in range(4, 7))]
    ranked += [chunk("c7", "EUR 60,000 per SME", doc_id="guide-a")]
    ranked += [chunk(f"c{n}", "nothing", doc_id=f"other-{n}") for n in range(8, 11)]
    said = answer("I cannot find it.", kept)
    scores = score_item(facts, said, ranked)
    assert [scores[f"evidence_recall_at_{k}"] for k in (1, 3, 5, 10)] == [False, False, False, True]
    assert scores["evidence_mrr"] == pytest.approx(1 / 7)
    assert [scores[f"gold_recall_at_{k}"] for k in (1, 3, 5, 10)] == [0.0, 0.0, 0.0, 1.0]
    assert scores["gold_ndcg_at_10"] == pytest.approx(1 / math.log2(8))
    run = ItemRun(facts, said, latency_ms=1.0, history=[], ranked=ranked)
    assert score_run(run) == scores

    # Without a ranking, only the depths the answer reached are scored: @5 and @10 are n/a, not @3 relabelled.
    alone = score_item(facts, said)
    assert [alone[f"evidence_recall_at_{k}"] for k in (1, 3, 5, 10)] == [False, False, None, None]
    assert [alone[f"gold_recall_at_{k}"] for k in (1, 3, 5, 10)] == [0.0, 0.0, None, None]
    assert alone["gold_ndcg_at_10"] is None
    # A ranking shorter than asked means the index had no more: every depth is scored.
    short = score_item(facts, said, ranked[:7])
    assert short["evidence_recall_at_10"] is True and short["gold_ndcg_at_10"] is not None


def test_gold_recall_counts_the_documents_of_the_top_k_chunks() -> None:
    scores = gold_scores(["A", "B"], ["A"] * 9 + ["B"])  # B's first chunk is the 10th
    assert scores["gold_recall_at_5"] == 0.5
    assert scores["gold_recall_at_10"] == 1.0
    assert gold_scores(["A"], ["A", "X"], known=2)["gold_recall_at_3"] is None


def test_bootstrap_intervals_are_seeded_and_cover_the_graded_means() -> None:
    values = [1.0, 0.5, 0.0, 0.25, 1.0, 0.0, 0.33, 1.0, 0.5, 0.2]
    low, high = bootstrap(values)
    assert bootstrap(values) == [low, high]  # the same seed, the same interval
    mean = sum(values) / len(values)
    assert 0.0 <= low < mean < high <= 1.0
    assert high - low == pytest.approx(0.4, abs=0.12)  # about 2 x 1.96 x sd / sqrt(n) = 0.44
    assert bootstrap([0.0, 1.0] * 200)[1] - bootstrap([0.0, 1.0] * 200)[0] < 0.12  # narrows with n
    p95 = bootstrap([float(v) for v in range(100)], statistic="percentile", q=95)
    assert p95[0] < 94.05 < p95[1] and p95[1] <= 99.0


def test_graded_metrics_and_latency_get_bootstrap_intervals_in_every_slice() -> None:
    retrieved = [chunk("c1", "nothing"), chunk("c2", "EUR 60,000 per SME", doc_id="g")]
    cases = [(item(f"q{n}", GROUPS, gold=("g",)), answer("EUR 60,000 per SME", retrieved)) for n in range(6)]
    runs = [
        ItemRun(i, a, latency_ms=10.0 * n, history=[], ranked=retrieved)
        for n, (i, a) in enumerate(cases, start=1)
    ]
    overall = aggregate(runs, [score_run(r) for r in runs])["overall"]
    for name in ("evidence_mrr", "gold_mrr", "gold_recall_at_10", "latency_p50_ms", "latency_p95_ms"):
        assert len(overall[name]["ci95"]) == 2, name
    assert overall["evidence_mrr"]["ci95"] == [0.5, 0.5]  # every item the same
    low, high = overall["latency_p50_ms"]["ci95"]
    assert 10.0 <= low < overall["latency_p50_ms"]["value"] < high <= 60.0
