"""Query vectors from ONNX against the model's own (torch) vectors: the fp32 export and the packaged int8 file.

Passages are embedded by torch; queries and answer sentences by the query encoder (``query_encoder``), so what
decides whether an ONNX encoder may serve queries is: its latency against torch (interleaved per question, each
ONNX encoder with a session of its own whose text cache never answers), the cosine between its vector and torch's
for each question (at least ``MIN_COSINE``), and the evals: the same items answered with ``query_encoder=torch``
and with the configured encoder, scored by the evals' code.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.bench.common import BenchConfig, bench_settings, ratio, summary

MIN_COSINE = 0.999
ENCODERS = ("onnx-fp32", "onnx-int8")


def _onnx_encoders(torch_encoder: Any) -> dict[str, Any]:
    """A fresh session per ONNX encoder (or the reason it is missing)."""
    from assistant.models import OnnxMiniLM, QueryEncoderUnavailable, ensure_fp32_onnx

    out: dict[str, Any] = {}
    try:
        out["onnx-fp32"] = OnnxMiniLM(ensure_fp32_onnx(lambda: torch_encoder.torch_model))
    except QueryEncoderUnavailable as exc:
        out["onnx-fp32"] = str(exc)
    out["onnx-int8"] = OnnxMiniLM()
    return out


def _cosine_summary(texts: Sequence[str], cosines: Sequence[float]) -> dict[str, Any]:
    return {
        "below_target": sum(1 for c in cosines if c < MIN_COSINE),
        "worst_question": texts[int(np.argmin(cosines))],
        "min": round(min(cosines), 5),
        "p05": round(float(np.percentile(cosines, 5)), 5),
        "median": round(float(np.median(cosines)), 5),
    }


def measure(
    cfg: BenchConfig,
    index_dir: Path,
    questions: Sequence[str],
    items: Sequence[Any],
    onnx_runs: Sequence[Any] | None,
    in_use: str | None = None,
) -> dict[str, Any]:
    """``in_use``: the query encoder that answered ``onnx_runs`` (the settings' one, unless it fell back)."""
    from assistant.models import get_embedder

    texts = list(dict.fromkeys(questions))
    torch_encoder = get_embedder("minilm", "torch")  # shared with the torch assistant of the evals below
    torch_encoder.embed_query("Warm-up: load the model first.")
    encoders = _onnx_encoders(torch_encoder)
    ready = {name: enc for name, enc in encoders.items() if not isinstance(enc, str)}
    for enc in ready.values():
        enc.embed(["Warm-up: start the session first."])
    torch_ms: list[float] = []
    onnx_ms: dict[str, list[float]] = {name: [] for name in ready}
    cosines: dict[str, list[float]] = {name: [] for name in ready}
    for text in texts:
        t = time.perf_counter()
        reference = torch_encoder.embed_query(text)
        torch_ms.append((time.perf_counter() - t) * 1000)
        for name, enc in ready.items():
            t = time.perf_counter()
            fast = enc.embed([text])[0]
            onnx_ms[name].append((time.perf_counter() - t) * 1000)
            cosines[name].append(float(np.dot(reference, fast)))
    torch_summary = summary(torch_ms)
    per_encoder: dict[str, Any] = {}
    for name in ENCODERS:
        if name not in ready:
            per_encoder[name] = {"status": "unavailable", "reason": encoders[name]}
            continue
        ms = summary(onnx_ms[name])
        per_encoder[name] = {
            "status": "ok",
            "ms": ms,
            "speedup_p50": ratio(torch_summary["p50"], ms["p50"]),
            "cosine": _cosine_summary(texts, cosines[name]),
        }
    in_use = in_use or bench_settings(cfg, index_dir).query_encoder
    main = per_encoder.get(in_use, {})
    out: dict[str, Any] = {
        "status": "ok",
        "questions": len(texts),
        "in_use": in_use,
        "torch_ms": torch_summary,
        "encoders": per_encoder,
        # the encoder that serves queries, for the targets (torch: nothing to compare)
        "speedup_p50": main.get("speedup_p50"),
        "cosine": main.get("cosine"),
        "min_cosine_target": MIN_COSINE,
    }
    out["evals"] = _evals(cfg, index_dir, items, onnx_runs, in_use)
    return out


def _evals(
    cfg: BenchConfig, index_dir: Path, items: Sequence[Any], onnx_runs: Sequence[Any] | None, in_use: str
) -> dict[str, Any]:
    """The same items answered with torch query vectors; only meaningful over a MiniLM index and scored items."""
    if cfg.embedding != "minilm" or onnx_runs is None:
        return {"status": "skipped", "reason": "needs a MiniLM index and an eval file"}
    if in_use == "torch":
        return {"status": "skipped", "reason": "queries are embedded by torch already"}
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
        "encoder": in_use,
        "items": len(subset),
        "same_answer_text": same,
        "onnx": ours,
        "torch": theirs,
        "onnx_minus_torch": deltas,
        "answer_ms": {"onnx": summary(latencies(onnx_subset)), "torch": summary(latencies(torch_runs))},
    }
