"""Query latency and memory at one index size, in a process of its own (a ``worker`` task).

Retrieval is the hybrid search alone (query embedding, Chroma, bm25s, fusion); the answer is ``Assistant.ask``
end to end (extractive, cited). Cold answers are timed before ``Assistant.warm_up`` (sentence vectors computed as
questions come), warm ones after it. Resident memory is read after the retrieval passes and again after the warm
answers; the figure judged is the process's peak (VmHWM) up to the end of its own answers, before anything else
(the reference pipeline, the torch encoder) is loaded into it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.bench.common import (
    BenchConfig,
    Phases,
    Stopwatch,
    bench_settings,
    loadavg,
    progress,
    rss_mb,
    summary,
)
from assistant.evals.dataset import EvalItem

PARTS = ("embed_ms", "dense_ms", "lexical_ms", "fuse_ms")


def select_items(items: Sequence[EvalItem], limit: int) -> list[EvalItem]:
    """Evenly spaced items (every kind and language keeps its share); follow-ups only with their first turn."""
    chosen = list(items)
    if 0 < limit < len(items):
        step = len(items) / limit
        chosen = [items[int(i * step)] for i in range(limit)]
    ids = {item.id for item in chosen}
    return [item for item in chosen if not item.follow_up_of or item.follow_up_of in ids]


def heading_items(chunks: Sequence[Any], limit: int) -> list[EvalItem]:
    """Questions from the corpus's own headings, for a corpus without an eval file."""
    seen: dict[str, None] = {}
    for chunk in chunks:
        topic = chunk.section.split(" > ")[-1] if chunk.section else chunk.title
        if topic:
            seen.setdefault(topic, None)
    topics = list(seen)[: limit or None]
    return [
        EvalItem(f"heading-{i}", f"What does the corpus say about {t}?", "", (), "fact", "en")
        for i, t in enumerate(topics)
    ]


def load_items(cfg: BenchConfig, chunks: Sequence[Any]) -> tuple[list[EvalItem], bool]:
    """The eval questions (and True: they can be scored), or questions made from headings (False)."""
    from assistant.evals.dataset import load_items as load

    if cfg.qa_path is not None and Path(cfg.qa_path).is_file():
        return select_items(load([Path(cfg.qa_path)]), cfg.questions), True
    return heading_items(chunks, cfg.questions or 200), False


def quality(runs: Sequence[Any]) -> dict[str, Any]:
    """The evals' headline metrics over these runs, scored by the evals' own code."""
    from assistant.evals.metrics import HEADLINE, aggregate, score_run

    scores = [score_run(run) for run in runs]
    overall = aggregate(runs, scores)["overall"]
    out: dict[str, Any] = {"items": overall["items"], "errors": overall["errors"]}
    for name in HEADLINE:
        value = overall[name].get("value")
        out[name] = None if value is None else round(float(value), 4)
    return out


def latencies(runs: Sequence[Any], skip: frozenset[str] = frozenset()) -> list[float]:
    return [run.latency_ms for run in runs if not run.error and run.item.id not in skip]


def run_interleaved(askers: Sequence[Any], items: Sequence[EvalItem]) -> list[list[Any]]:
    """Every item asked of each system in turn (follow-ups with that system's own previous exchange), so that
    both see the same moment of a noisy machine; one list of ``ItemRun`` per system, in the items' order."""
    from assistant.evals.metrics import ItemRun
    from assistant.evals.runner import ask_order

    done: list[dict[str, Any]] = [{} for _ in askers]
    for item in ask_order(items):
        for asker, runs in zip(askers, done, strict=True):
            parent = runs.get(item.follow_up_of or "")
            history: list[dict[str, str]] = []
            if parent is not None:
                said = parent.answer.text if parent.answer is not None else ""
                history = [
                    *parent.history,
                    {"role": "user", "content": parent.item.question},
                    {"role": "assistant", "content": said},
                ]
            started = time.perf_counter()
            try:
                answer, error = asker.ask(item.question, history=history or None, filters=None), ""
            except Exception as exc:  # recorded on the item, as the evals do
                answer, error = None, f"{type(exc).__name__}: {exc}"
            latency = (time.perf_counter() - started) * 1000
            runs[item.id] = ItemRun(
                item=item, answer=answer, latency_ms=latency, history=history, error=error
            )
    return [[runs[item.id] for item in items] for runs in done]


class FreshQueries:
    """The index reader seen through a query encoder of its own, whose text cache starts empty: every question
    of a retrieval pass is embedded, as a new question would be."""

    def __init__(self, reader: Any) -> None:
        from assistant.models import MiniLMEmbedder

        self._reader = reader
        embedder = reader.embedder
        if isinstance(embedder, MiniLMEmbedder):
            embedder = MiniLMEmbedder(query_encoder=embedder.query_encoder)
            embedder.embed_query("Warm-up: start the session before timing.")
        self.embedder = embedder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def warm_up_by_asking(assistant: Any, items: Sequence[EvalItem]) -> int:
    """The quick mode's warm-up: every item asked once (untimed), then every cached vector that is not a corpus
    sentence's dropped (the questions', and whatever query an answer embedded), so that the warm pass finds the
    sentences of its answers cached, as after ``Assistant.warm_up()``, and still embeds each question. Returns
    the sentence vectors kept; 0 for an embedder without a cache (torch queries, the stand-in)."""
    from assistant.answering.extractive import quotable_sentences

    run_interleaved([assistant], items)
    retain = getattr(assistant.reader.embedder, "retain_cached", None)
    if not callable(retain):
        return 0
    sentences = {text for chunk in assistant.reader.chunks for _, text in quotable_sentences(chunk)}
    return int(retain(sentences))


def retrieval_passes(reader: Any, settings: Any, questions: Sequence[str], reps: int) -> dict[str, Any]:
    from assistant.retrieval import HybridRetriever

    samples: list[float] = []
    parts: dict[str, list[float]] = {p: [] for p in PARTS}
    for _ in range(max(1, reps)):
        retriever = HybridRetriever(FreshQueries(reader), settings)
        for question in questions:
            t = time.perf_counter()
            result = retriever.retrieve(question)
            samples.append((time.perf_counter() - t) * 1000)
            for p in PARTS:
                if p in result.timings:
                    parts[p].append(result.timings[p])
    return {
        "retrieval_ms": summary(samples),
        "retrieval_parts_p50_ms": {p: summary(v)["p50"] for p, v in parts.items() if v},
    }


def measure(params: dict[str, Any]) -> dict[str, Any]:
    """Worker task: the queries section at one index; with the reference and encoder sections when asked.

    Every timed answer embeds its question afresh: the query encoder caches texts, so the cold answers are asked
    of questions that the warm pass then leaves out of its figures, and the warm pass asks each item once.
    """
    from assistant.core import Assistant

    cfg = BenchConfig.from_dict(params["cfg"])
    index_dir = Path(params["index_dir"])
    settings = bench_settings(cfg, index_dir)
    phases = Phases()
    started_load = loadavg()
    base = rss_mb()
    with Stopwatch() as opened:
        assistant = Assistant.open(index_dir, settings)
    items, scorable = load_items(cfg, assistant.reader.chunks)
    singles = [item for item in items if not item.follow_up_of]
    if not singles:
        raise ValueError("no questions to ask")
    cold_items = singles[-cfg.cold_questions :] if cfg.cold_questions else []
    skip = frozenset(item.id for item in cold_items)
    phases.mark("open")

    with Stopwatch() as first:
        assistant.ask("Warm-up: what is a cluster organisation?")
    cold = []
    for item in cold_items:
        t = time.perf_counter()
        assistant.ask(item.question)
        cold.append((time.perf_counter() - t) * 1000)
    phases.mark("cold_answers")
    progress(f"queries: opened {index_dir.name} in {opened.seconds:.1f} s, {len(cold)} cold answers")
    by_asking = cfg.warm_up == "questions"
    with Stopwatch() as warm:
        sentences = warm_up_by_asking(assistant, items) if by_asking else assistant.warm_up()
    progress(f"queries: warm-up ({cfg.warm_up}) of {sentences} sentences in {warm.seconds:.1f} s")
    questions = [item.question for item in singles]
    phases.mark("warm_up")
    retrieval = retrieval_passes(assistant.reader, settings, questions, cfg.reps)
    memory = rss_mb()
    phases.mark("retrieval")

    out: dict[str, Any] = {}
    ref = None
    if params.get("reference"):
        from assistant.bench import reference

        ref, out["reference"] = reference.open_pipeline(cfg, params["reference"])
        progress(f"queries: reference pipeline built in {out['reference']['build_s']:.1f} s")
        phases.mark("reference_build")
    passes = run_interleaved([assistant] if ref is None else [assistant, ref], items)
    runs = passes[0]
    phases.mark("warm_answers")
    after_answers = rss_mb() if ref is None else None  # with the reference loaded, its memory would count
    if ref is not None:
        from assistant.bench import reference

        scored = scorable and params["reference"].get("quality", True)
        out["reference"].update(
            reference.compare(latencies(runs, skip), latencies(passes[1], skip), runs, passes[1], scored)
        )
        ref.close()

    out["queries"] = {
        "status": "ok",
        "chunks": len(assistant.reader.chunks),
        "questions": len(questions),
        "items": len(items),
        "reps": cfg.reps,
        "open_s": round(opened.seconds, 3),
        "first_answer_ms": round(first.seconds * 1000, 3),
        **retrieval,
        "answer_cold_ms": summary(cold),
        "warm_up": cfg.warm_up,
        "warm_up_s": round(warm.seconds, 3),
        "warm_up_sentences": sentences,
        "answer_warm_ms": summary(latencies(runs, skip)),
        "refused": sum(1 for r in runs if r.answer is not None and r.answer.refused),
        "memory": {
            "before_open": base,
            "after_queries": memory,
            "after_answers": after_answers,
            "peak_mb": (after_answers or memory)["peak_mb"],
            "peak_covers": "open, cold answers, warm-up, retrieval passes"
            + (
                ", warm answers" if after_answers else " (the warm answers ran beside the reference pipeline)"
            ),
        },
        "quality": quality(runs) if scorable else None,
        "loadavg": [started_load, loadavg()],
    }
    if params.get("encoders"):
        from assistant.bench import encoders

        progress("queries: query encoders")
        in_use = getattr(assistant.reader.embedder, "query_encoder_in_use", None)
        out["encoders"] = encoders.measure(
            cfg, index_dir, questions, items, runs if scorable else None, in_use=in_use
        )
        phases.mark("encoders")
    out["queries"]["phases_s"] = phases.seconds
    return out
