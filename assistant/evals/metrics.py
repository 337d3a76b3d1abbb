"""Per-item scores and their aggregates: every metric is a mean over the items it applies to.

``score_item`` gives each metric a value per item, or None when the metric does not apply to that item (retrieval
metrics on items that must be refused, refusal accuracy on answerable ones, citation support on wrong answers).
Aggregating is then one rule for all: the mean of the values that are not None, with a Wilson interval when the
values are pass/fail. The same per-item values are what the baseline stores, so a drop can be measured on exactly
the items two runs share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answering.answer import Answer
from assistant.evals.dataset import EvalItem
from assistant.evals.matching import group_hits, group_matched, normalise

K_VALUES = (1, 3, 5, 10)
Z95 = 1.959963984540054

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
    """One item as asked in one configuration: what came back (None when ask raised) and how long it took."""

    item: EvalItem
    answer: Answer | None
    latency_ms: float
    history: list[dict[str, str]]
    error: str = ""


def wilson(passed: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; sensible at 0 %, 100 % and small n, unlike the normal one."""
    if n <= 0:
        return None
    p = passed / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def evidence_scores(groups: Sequence[Sequence[str]], chunk_texts: Sequence[str]) -> dict[str, Score]:
    """Recall@k (the top k chunks together state every key fact) and the reciprocal rank of the first chunk that
    states them all on its own."""
    hits = group_hits(groups, chunk_texts)
    scores: dict[str, Score] = {}
    for k in K_VALUES:
        top = hits[:k]
        scores[f"evidence_recall_at_{k}"] = all(any(row[g] for row in top) for g in range(len(groups)))
    first = next((rank for rank, row in enumerate(hits, start=1) if all(row)), None)
    scores["evidence_mrr"] = 1.0 / first if first else 0.0
    return scores


def gold_scores(gold: Sequence[str], doc_ids: Sequence[str]) -> dict[str, Score]:
    """Recall@k, reciprocal rank and nDCG@10 (binary relevance) over retrieved documents, deduplicated in rank
    order, against the item's gold documents."""
    wanted = set(gold)
    ranked = dedupe(doc_ids)
    scores: dict[str, Score] = {}
    for k in K_VALUES:
        scores[f"gold_recall_at_{k}"] = len(wanted & set(ranked[:k])) / len(wanted)
    first = next((rank for rank, d in enumerate(ranked, start=1) if d in wanted), None)
    scores["gold_mrr"] = 1.0 / first if first else 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, d in enumerate(ranked[:10], start=1) if d in wanted)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), 10) + 1))
    scores["gold_ndcg_at_10"] = dcg / ideal
    return scores


def _cited_texts(answer: Answer) -> list[str]:
    by_id = {r.chunk_id: r.text for r in answer.retrieved}
    return [by_id.get(c.chunk_id, c.quote) for c in answer.citations]


def score_item(item: EvalItem, answer: Answer | None) -> dict[str, Score]:
    """Every metric's value for one item (None where it does not apply); ``answer`` None means ask raised."""
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
    scores.update(evidence_scores(item.must_include, [r.text for r in answer.retrieved]))
    if item.gold_doc_ids:
        scores.update(gold_scores(item.gold_doc_ids, [r.doc_id for r in answer.retrieved]))
    return scores


def summarise(values: Iterable[Score]) -> dict[str, Any]:
    """Mean of the values that apply; pass/fail values also get their count and Wilson 95 % interval."""
    present = [v for v in values if v is not None]
    if not present:
        return {"value": None, "n": 0}
    if all(isinstance(v, bool) for v in present):
        passed = sum(present)
        low, high = wilson(passed, len(present)) or (0.0, 0.0)
        return {"value": passed / len(present), "n": len(present), "passed": passed, "ci95": [low, high]}
    return {"value": sum(float(v) for v in present) / len(present), "n": len(present)}


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
    out["latency_p50_ms"] = {"value": percentile(latencies, 50), "n": len(latencies)}
    out["latency_p95_ms"] = {"value": percentile(latencies, 95), "n": len(latencies)}
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
