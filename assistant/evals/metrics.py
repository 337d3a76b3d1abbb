"""Per-item scores and their aggregates: every metric is a mean over the items it applies to.

``score_item`` gives each metric a value per item, or None when the metric does not apply to that item (retrieval
metrics on items that must be refused, refusal accuracy on answerable ones, citation support on wrong answers).
Aggregating is then one rule for all: the mean of the values that are not None, with a Wilson interval when the
values are pass/fail, and a seeded bootstrap interval when they are graded (MRR, gold recall, nDCG) or a latency
percentile. The same per-item values are what the baseline stores, so a drop can be measured on exactly the items
two runs share.

Retrieval metrics are scored on a ranking at least ``RANK_DEPTH`` (10) chunks deep, which the runner asks the
system for after the answer (``ItemRun.ranked``), so recall@10 and nDCG@10 see ten chunks whatever ``top_k`` the
answer used. Without such a ranking they fall back to ``Answer.retrieved``, and a metric at a depth beyond what was
retrieved is None (n/a), never a silent recall@8 labelled @10.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answering.answer import Answer, RetrievedChunk
from assistant.evals.dataset import EvalItem
from assistant.evals.matching import group_hits, group_matched, normalise

K_VALUES = (1, 3, 5, 10)
RANK_DEPTH = max(
    K_VALUES
)  # chunks ranked for the retrieval metrics (at least; max(10, top_k) for the assistant)
Z95 = 1.959963984540054
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20261125

EVIDENCE_RECALL = tuple(f"evidence_recall_at_{k}" for k in K_VALUES)
GOLD_RECALL = tuple(f"gold_recall_at_{k}" for k in K_VALUES)
PASS_FAIL = (
    "key_fact_accuracy",
    "precision",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_validity",
    "citation_support",
    *EVIDENCE_RECALL,
)
GRADED = ("evidence_mrr", *GOLD_RECALL, "gold_mrr", "gold_ndcg_at_10")
METRICS = PASS_FAIL + GRADED
HEADLINE = (
    "key_fact_accuracy",
    "precision",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_validity",
    "citation_support",
    "evidence_recall_at_5",
    "evidence_mrr",
    "gold_ndcg_at_10",
)
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"})
LABELS = {
    "key_fact_accuracy": "key-fact accuracy",
    "precision": "precision (correct / answered)",
    "refusal_accuracy": "refusal accuracy",
    "false_refusal_rate": "false-refusal rate",
    "citation_validity": "citation validity",
    "citation_support": "citation support",
    "evidence_mrr": "evidence MRR",
    "gold_mrr": "gold-doc MRR",
    "gold_ndcg_at_10": "gold-doc nDCG@10",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
    **{f"evidence_recall_at_{k}": f"evidence recall@{k}" for k in K_VALUES},
    **{f"gold_recall_at_{k}": f"gold-doc recall@{k}" for k in K_VALUES},
}

Score = bool | float | None


@dataclass
class ItemRun:
    """One item as asked in one configuration: what came back (None when ask raised), how long it took, and the
    ranking the retrieval metrics score (None when the system cannot give one: ``Answer.retrieved`` is used)."""

    item: EvalItem
    answer: Answer | None
    latency_ms: float
    history: list[dict[str, str]]
    error: str = ""
    ranked: list[RetrievedChunk] | None = None


def wilson(passed: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; sensible at 0 %, 100 % and small n, unlike the normal one."""
    if n <= 0:
        return None
    p = passed / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap(
    values: Sequence[float],
    statistic: str = "mean",
    q: float = 50.0,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> list[float] | None:
    """Percentile bootstrap 95 % interval of the mean (or of the ``q``-th percentile) of ``values``: seeded, so
    a report is reproducible; None under two values, where resampling says nothing."""
    import numpy as np

    data = np.asarray([float(v) for v in values], dtype=float)
    n = len(data)
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    stats: list[Any] = []
    batch = max(1, min(resamples, 2_000_000 // n))  # bounded memory for large sets
    for start in range(0, resamples, batch):
        sample = data[rng.integers(0, n, size=(min(batch, resamples - start), n))]
        stats.append(sample.mean(axis=1) if statistic == "mean" else np.percentile(sample, q, axis=1))
    low, high = np.percentile(np.concatenate(stats), [2.5, 97.5])
    return [float(low), float(high)]


def dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _beyond(k: int, known: int | None) -> bool:
    """True when depth k was not retrieved: ``known`` is how deep the list is a full ranking (None: all k)."""
    return known is not None and k > known


def evidence_scores(
    groups: Sequence[Sequence[str]], chunk_texts: Sequence[str], known: int | None = None
) -> dict[str, Score]:
    """Recall@k (the top k chunks together state every key fact) and the reciprocal rank of the first chunk that
    states them all on its own. ``known``: the depth to which ``chunk_texts`` is a full ranking (None when it
    was asked for RANK_DEPTH chunks, so a shorter list is all there is); recall beyond it is None."""
    hits = group_hits(groups, chunk_texts)
    scores: dict[str, Score] = {}
    for k in K_VALUES:
        top = hits[:k]
        scores[f"evidence_recall_at_{k}"] = (
            None if _beyond(k, known) else all(any(row[g] for row in top) for g in range(len(groups)))
        )
    first = next((rank for rank, row in enumerate(hits, start=1) if all(row)), None)
    scores["evidence_mrr"] = 1.0 / first if first else 0.0
    return scores


def gold_scores(gold: Sequence[str], doc_ids: Sequence[str], known: int | None = None) -> dict[str, Score]:
    """Against the item's gold documents, given the document of each ranked chunk: recall@k (the share of gold
    documents among the documents of the top k chunks), the reciprocal rank of the first gold document and
    nDCG@10 (binary relevance) of the documents of the top 10 chunks, deduplicated in rank order. ``known`` as
    in ``evidence_scores``: recall@k and nDCG@10 beyond it are None."""
    wanted = set(gold)
    ranked = dedupe(doc_ids)
    scores: dict[str, Score] = {}
    for k in K_VALUES:
        found = len(wanted & set(doc_ids[:k])) / len(wanted)
        scores[f"gold_recall_at_{k}"] = None if _beyond(k, known) else found
    first = next((rank for rank, d in enumerate(ranked, start=1) if d in wanted), None)
    scores["gold_mrr"] = 1.0 / first if first else 0.0
    top = dedupe(doc_ids[:10])
    dcg = sum(1.0 / math.log2(rank + 1) for rank, d in enumerate(top, start=1) if d in wanted)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), 10) + 1))
    scores["gold_ndcg_at_10"] = None if _beyond(10, known) else dcg / ideal
    return scores


def _cited_texts(answer: Answer) -> list[str]:
    by_id = {r.chunk_id: r.text for r in answer.retrieved}
    return [by_id.get(c.chunk_id, c.quote) for c in answer.citations]


def score_item(
    item: EvalItem, answer: Answer | None, ranked: Sequence[RetrievedChunk] | None = None
) -> dict[str, Score]:
    """Every metric's value for one item (None where it does not apply); ``answer`` None means ask raised.

    Retrieval metrics score ``ranked`` (a ranking asked for at least RANK_DEPTH chunks) when given, else what the
    answer retrieved, and then only to the depth it reached."""
    scores: dict[str, Score] = dict.fromkeys(METRICS)
    crashed = answer is None
    answer = answer or Answer(text="")
    answered = not answer.refused
    retrieved_ids = {r.chunk_id for r in answer.retrieved}
    if not crashed:
        scores["citation_validity"] = all(c.chunk_id in retrieved_ids for c in answer.citations)
    if item.must_refuse:
        scores["refusal_accuracy"] = answer.refused
        scores["precision"] = False if answered else None
        return scores
    correct = answered and all(group_matched(g, normalise(answer.text)) for g in item.must_include)
    scores["key_fact_accuracy"] = correct
    scores["precision"] = correct if answered else None
    scores["false_refusal_rate"] = answer.refused
    if correct and not crashed:
        cited = [normalise(t) for t in _cited_texts(answer)]
        scores["citation_support"] = all(any(group_matched(g, t) for t in cited) for g in item.must_include)
    if ranked is not None:
        chunks, known = list(ranked), None
    elif crashed:
        chunks, known = [], None  # nothing was retrieved: every retrieval metric fails
    else:
        chunks, known = list(answer.retrieved), len(answer.retrieved)
    scores.update(evidence_scores(item.must_include, [r.text for r in chunks], known))
    if item.gold_doc_ids:
        scores.update(gold_scores(item.gold_doc_ids, [r.doc_id for r in chunks], known))
    return scores


def score_run(run: ItemRun) -> dict[str, Score]:
    """``score_item`` of one asked item, with its ranking when the system gave one."""
    return score_item(run.item, run.answer, run.ranked)


def summarise(values: Iterable[Score]) -> dict[str, Any]:
    """Mean of the values that apply; pass/fail values also get their count and Wilson 95 % interval, graded
    ones a bootstrap 95 % interval of the mean (from two values on)."""
    present = [v for v in values if v is not None]
    if not present:
        return {"value": None, "n": 0}
    if all(isinstance(v, bool) for v in present):
        passed = sum(present)
        low, high = wilson(passed, len(present)) or (0.0, 0.0)
        return {"value": passed / len(present), "n": len(present), "passed": passed, "ci95": [low, high]}
    floats = [float(v) for v in present]
    entry: dict[str, Any] = {"value": sum(floats) / len(floats), "n": len(floats)}
    interval = bootstrap(floats)
    if interval is not None:
        entry["ci95"] = interval
    return entry


def latency_entry(latencies: Sequence[float], q: float) -> dict[str, Any]:
    """A latency percentile with its bootstrap 95 % interval."""
    entry: dict[str, Any] = {"value": percentile(latencies, q), "n": len(latencies)}
    interval = bootstrap(latencies, statistic="percentile", q=q)
    if interval is not None:
        entry["ci95"] = interval
    return entry


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), without numpy."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def slice_metrics(runs: Sequence[ItemRun], scores: Sequence[dict[str, Score]]) -> dict[str, Any]:
    """Every metric over a set of items, plus counts and latency percentiles."""
    out: dict[str, Any] = {
        "items": len(runs),
        "answerable": sum(1 for r in runs if r.item.answerable),
        "must_refuse": sum(1 for r in runs if r.item.must_refuse),
        "errors": sum(1 for r in runs if r.error),
    }
    for name in METRICS:
        out[name] = summarise(s[name] for s in scores)
    latencies = [r.latency_ms for r in runs if not r.error]
    out["latency_p50_ms"] = latency_entry(latencies, 50)
    out["latency_p95_ms"] = latency_entry(latencies, 95)
    return out


def _group(runs: Sequence[ItemRun], scores: Sequence[dict[str, Score]], key: str) -> dict[str, Any]:
    buckets: dict[str, tuple[list[ItemRun], list[dict[str, Score]]]] = {}
    for run, score in zip(runs, scores, strict=True):
        bucket = buckets.setdefault(getattr(run.item, key), ([], []))
        bucket[0].append(run)
        bucket[1].append(score)
    return {name: slice_metrics(*buckets[name]) for name in sorted(buckets)}


def aggregate(runs: Sequence[ItemRun], scores: Sequence[dict[str, Score]]) -> dict[str, Any]:
    """Overall, by kind, by language, and the multilingual gap (English minus other languages' key-fact
    accuracy on answerable items; positive means the other languages do worse)."""
    english = [s["key_fact_accuracy"] for r, s in zip(runs, scores, strict=True) if r.item.lang == "en"]
    other = [s["key_fact_accuracy"] for r, s in zip(runs, scores, strict=True) if r.item.lang != "en"]
    en, non_en = summarise(english), summarise(other)
    gap = None if en["value"] is None or non_en["value"] is None else en["value"] - non_en["value"]
    return {
        "overall": slice_metrics(runs, scores),
        "by_kind": _group(runs, scores, "kind"),
        "by_lang": _group(runs, scores, "lang"),
        "multilingual_gap": {"english": en, "other_languages": non_en, "gap": gap},
    }


def metric_value(slice_: dict[str, Any], name: str) -> float | None:
    entry = slice_.get(name)
    return entry.get("value") if isinstance(entry, dict) else None
