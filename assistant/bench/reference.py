"""The evals' reference pipeline (LangChain tutorial: 1000-character chunks, MiniLM, Chroma, top chunk) as the bar.

It is the evals' own ``ReferencePipeline``, built over the same corpus and asked the same questions in the same
process, each question asked of ours and of it in turn, so both see the same machine. Its ``ask`` is
``similarity_search(question, k=4)`` (query embedding included) plus wrapping the top chunk as the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.bench.common import BenchConfig, Stopwatch, bench_settings, ratio, summary

MAX_RATIO = 1.5


def open_pipeline(cfg: BenchConfig, params: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The reference pipeline over ``params['corpus_dirs']``, and how long building it took."""
    from assistant.evals.reference import ReferencePipeline

    dirs = [Path(d) for d in params["corpus_dirs"]]
    settings = bench_settings(cfg, Path(params.get("index_dir", ".")), corpus_dirs=dirs)
    with Stopwatch() as sw:
        pipeline = ReferencePipeline(dirs, settings, progress=False)
    pipeline.ask("Warm-up question: what is a cluster?")
    return pipeline, {
        "status": "ok",
        "corpus": params.get("label", "shipped corpus"),
        "build_s": round(sw.seconds, 3),
    }


def compare(
    ours_ms: Sequence[float],
    theirs_ms: Sequence[float],
    our_runs: Sequence[Any],
    their_runs: Sequence[Any],
    scored: bool,
) -> dict[str, Any]:
    """Latency of our full answer over the reference's search, and the evals' scores of both answers."""
    from assistant.bench.queries import quality

    ours, reference = summary(ours_ms), summary(theirs_ms)
    return {
        "ours_answer_ms": ours,
        "reference_search_ms": reference,
        "ratio_p50": ratio(ours["p50"], reference["p50"]),
        "ratio_p95": ratio(ours["p95"], reference["p95"]),
        "target_ratio": MAX_RATIO,
        "quality": {"ours": quality(our_runs), "reference": quality(their_runs)} if scored else None,
    }
