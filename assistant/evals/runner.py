"""Ask every item of a set in one or more configurations and score what comes back.

The system under test is anything with ``ask(question, history=None, filters=None) -> Answer`` (``Asker``); a
``SystemFactory`` turns a named configuration into one. Tests pass a fake factory; the CLI passes
``AssistantFactory``, which opens the real ``Assistant`` with the configuration's settings (building a temporary
index when a configuration needs another embedding model) or the LangChain-tutorial reference pipeline.

A system may also offer ``ranking(question, answer, k, history=None, filters=None)``: the retrieval it searched
with, asked again for at least ``k`` chunks (``RANK_DEPTH``, 10). The runner calls it after timing the answer, so
the retrieval metrics @10 see ten chunks while the answer path stays exactly as shipped.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from assistant.answering.answer import Answer, RetrievedChunk
from assistant.evals.dataset import EvalItem
from assistant.evals.metrics import RANK_DEPTH, ItemRun, Score, aggregate, score_run


class Asker(Protocol):
    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        filters: dict[str, str] | None = None,
    ) -> Answer: ...


class ConfigSkipped(Exception):
    """A configuration that cannot run here (no LLM configured, no such setting yet); the reason is reported."""


@dataclass(frozen=True)
class Configuration:
    name: str
    overrides: dict[str, Any]
    description: str


CONFIGURATIONS: dict[str, Configuration] = {
    c.name: c
    for c in (
        Configuration("default", {}, "the shipped settings (extractive answers) with any --set overrides"),
        Configuration("dense", {"retrieval_mode": "dense"}, "dense (embedding) retrieval only"),
        Configuration("lexical", {"retrieval_mode": "lexical"}, "lexical (bm25) retrieval only"),
        Configuration("hybrid", {"retrieval_mode": "hybrid"}, "dense + lexical fused by reciprocal rank"),
        Configuration("minilm", {"embedding_model": "minilm"}, "all-MiniLM-L6-v2 embeddings"),
        Configuration("e5", {"embedding_model": "e5"}, "multilingual-e5-small embeddings (own index)"),
        Configuration("llm", {}, "answers phrased by the LLM backend named in the settings"),
        Configuration("reference", {}, "LangChain tutorial RAG: 1000-char chunks, MiniLM, Chroma, top chunk"),
    )
}


class SystemFactory(Protocol):
    def open(self, config: Configuration) -> Asker:
        """The system for a configuration; raises ConfigSkipped when it cannot run here."""
        ...

    def identity(self, config: Configuration) -> str | None:
        """Equal identities mean the same system, so results are reused; None never matches."""
        ...


@dataclass
class ConfigResult:
    name: str
    status: str  # "ok" or "skipped"
    reason: str = ""
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    runs: list[ItemRun] = field(default_factory=list)
    scores: list[dict[str, Score]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    same_as: str = ""


def ask_order(items: Sequence[EvalItem]) -> list[EvalItem]:
    """Items in their own order, except that a follow-up always comes after the item it follows."""
    by_id = {item.id: item for item in items}
    done: set[str] = set()
    ordered: list[EvalItem] = []

    def visit(item: EvalItem, trail: frozenset[str]) -> None:
        if item.id in done:
            return
        parent = by_id.get(item.follow_up_of or "")
        if parent is not None and parent.id not in trail:
            visit(parent, trail | {item.id})
        done.add(item.id)
        ordered.append(item)

    for item in items:
        visit(item, frozenset())
    return ordered


def _history(parent: ItemRun) -> list[dict[str, str]]:
    """The conversation so far, as the system answered it in this run (Gradio messages format)."""
    said = parent.answer.text if parent.answer is not None else ""
    return [
        *parent.history,
        {"role": "user", "content": parent.item.question},
        {"role": "assistant", "content": said},
    ]


def run_items(
    asker: Asker, items: Sequence[EvalItem], on_item: Callable[[ItemRun], None] | None = None
) -> list[ItemRun]:
    """Ask each item once, follow-ups with the exchange they follow as history; results in the items' order.

    An exception from ``ask`` is recorded on the item (it then fails every metric) rather than ending the run.
    """
    done: dict[str, ItemRun] = {}
    for item in ask_order(items):
        parent = done.get(item.follow_up_of or "")
        history = _history(parent) if parent is not None else []
        started = time.perf_counter()
        try:
            answer: Answer | None = asker.ask(item.question, history=history or None, filters=None)
            error = ""
        except Exception as exc:  # one broken item must not hide the scores of the others
            answer, error = None, f"{type(exc).__name__}: {exc}"
        latency = (time.perf_counter() - started) * 1000
        ranked = _ranking(asker, item.question, answer, history)
        run = ItemRun(
            item=item, answer=answer, latency_ms=latency, history=history, error=error, ranked=ranked
        )
        done[item.id] = run
        if on_item is not None:
            on_item(run)
    return [done[item.id] for item in items]


def _ranking(
    asker: Asker, question: str, answer: Answer | None, history: list[dict[str, str]]
) -> list[RetrievedChunk] | None:
    """The system's ranking for the retrieval metrics (untimed), or None when it has none or it failed."""
    rank = getattr(asker, "ranking", None)
    if answer is None or not callable(rank):
        return None
    try:
        return list(rank(question, answer, RANK_DEPTH, history=history or None, filters=None))
    except Exception:  # the metrics then fall back to what the answer retrieved, to the depth it reached
        return None


class RankedAssistant:
    """The Assistant as asked (``ask`` untouched), plus ``ranking``: its own hybrid retrieval of the query the
    answer searched with (``Answer.query``), asked for max(k, top_k) chunks. Answers that searched nothing (a
    screened question) or searched otherwise (the self-check) are ranked on the query the ordinary path would
    have used: the question, condensed with the history, with the same glossary and country terms."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        filters: dict[str, str] | None = None,
    ) -> Answer:
        return self.assistant.ask(question, history=history, filters=filters)

    def ranking(
        self,
        question: str,
        answer: Answer,
        k: int,
        history: list[dict[str, str]] | None = None,
        filters: dict[str, str] | None = None,
    ) -> list[RetrievedChunk]:
        from assistant.answering.language import detect_language
        from assistant.conversation import condense
        from assistant.retrieval import HybridRetriever

        settings = self.assistant.settings
        retriever = HybridRetriever(self.assistant.reader, settings)
        query = answer.query if answer.backend != "self-check" else ""
        if not query:
            language = detect_language(question) if question.strip() else "en"
            query = retriever.search_query(condense(question.strip(), history), language)
        hits = retriever.retrieve(query, filters=filters, k=max(k, settings.top_k)).hits
        return [RetrievedChunk.of(h.chunk, h.score) for h in hits]

    def close(self) -> None:
        close = getattr(self.assistant, "close", None)
        if callable(close):
            close()


def _progress_bar(name: str, total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc=f"{name:>9}", unit="q", file=sys.stderr, disable=not enabled, mininterval=0.5
    )


def evaluate(
    items: Sequence[EvalItem],
    names: Sequence[str],
    factory: SystemFactory,
    *,
    progress: bool = True,
    warm_up: bool = True,
) -> dict[str, ConfigResult]:
    """Score every named configuration over the same items, in one process.

    A configuration the factory cannot open is reported as skipped with its reason; one whose identity equals an
    earlier one's reuses that one's results instead of asking again. A warm-up question (the first item's, not
    scored) keeps model loading out of the latency figures.
    """
    results: dict[str, ConfigResult] = {}
    seen: dict[str, str] = {}
    for name in names:
        config = CONFIGURATIONS[name]
        try:
            identity = factory.identity(config)
            if identity is not None and identity in seen:
                earlier = results[seen[identity]]
                results[name] = ConfigResult(
                    **{
                        **earlier.__dict__,
                        "name": name,
                        "description": config.description,
                        "same_as": earlier.name,
                    }
                )
                continue
            started = time.perf_counter()
            asker = factory.open(config)
        except ConfigSkipped as exc:
            results[name] = ConfigResult(name, "skipped", reason=str(exc), description=config.description)
            continue
        try:
            if warm_up and items:
                with contextlib.suppress(Exception):  # the scored call reports the same error on the item
                    asker.ask(items[0].question)
            with _progress_bar(name, len(items), progress) as bar:
                runs = run_items(asker, items, on_item=lambda _run: bar.update(1))
        finally:
            close = getattr(asker, "close", None)
            if callable(close):
                close()
        scores = [score_run(r) for r in runs]
        settings = getattr(factory, "describe", lambda _c: {})(config)
        results[name] = ConfigResult(
            name,
            "ok",
            description=config.description,
            settings=settings,
            runs=runs,
            scores=scores,
            metrics=aggregate(runs, scores),
            seconds=round(time.perf_counter() - started, 2),
        )
        if identity is not None:
            seen[identity] = name
    return results


class AssistantFactory:
    """Opens the real Assistant per configuration, or the reference pipeline.

    Every configuration but ``llm`` answers extractively (``llm_backend=none``), so ``default`` is the embedded
    default whatever the environment says, and ``llm`` is the one that uses the configured backend.
    """

    def __init__(self, index: Path | None, overrides: dict[str, Any], work_dir: Path, progress: bool = True):
        self.index = index
        self.overrides = dict(overrides)
        self.work_dir = work_dir
        self.progress = progress
        self._built: dict[str, Path] = {}

    def settings_for(self, config: Configuration) -> Any:
        from assistant.settings import Settings

        missing = sorted(set(config.overrides) - set(Settings.model_fields))
        if missing:
            raise ConfigSkipped(f"this version of Settings has no {', '.join(missing)} field")
        values = {**self.overrides, **config.overrides}
        if config.name != "llm":
            values["llm_backend"] = "none"
        settings = Settings(**values)
        if config.name == "llm" and settings.llm_backend == "none":
            raise ConfigSkipped(
                "no LLM backend configured (set ASSISTANT_LLM_BACKEND or --set llm_backend=...)"
            )
        return settings

    def identity(self, config: Configuration) -> str | None:
        if config.name == "reference":
            return "reference"
        settings = self.settings_for(config)
        return json.dumps([str(self.index), settings.model_dump(mode="json")], sort_keys=True, default=str)

    def describe(self, config: Configuration) -> dict[str, Any]:
        """The settings this configuration changes, as shown in the report."""
        if config.name == "reference":
            return {"chunk_size": 1000, "chunk_overlap": 200, "k": 4, "embeddings": "all-MiniLM-L6-v2"}
        values = self.settings_for(config).model_dump(mode="json")
        changed = {**self.overrides, **config.overrides, "llm_backend": values["llm_backend"]}
        return {k: values.get(k, v) for k, v in changed.items()}

    def open(self, config: Configuration) -> Asker:
        """The system for a configuration; only the default's failure ends the run, the others are skipped."""
        settings = self.settings_for(config)
        if config.name == "default":
            return self._open(config, settings)
        try:
            return self._open(config, settings)
        except ConfigSkipped:
            raise
        except Exception as exc:
            raise ConfigSkipped(f"could not open: {type(exc).__name__}: {exc}") from exc

    def _open(self, config: Configuration, settings: Any) -> Asker:
        if config.name == "reference":
            from assistant.evals.reference import ReferencePipeline

            return ReferencePipeline(settings.corpus_dirs, settings, progress=self.progress)
        from assistant import Assistant

        return RankedAssistant(Assistant.open(index=self._index_for(settings), settings=settings))

    def _index_for(self, settings: Any) -> Path | None:
        """The given index, or a temporary one built from the corpus when it holds another model's vectors."""
        from assistant.index.builder import current_manifest, ingest
        from assistant.models import get_embedder

        manifest = current_manifest(Path(self.index or settings.index_dir))
        wanted = get_embedder(settings.embedding_model, settings.query_encoder).name
        if manifest is None or manifest.model == wanted:
            return self.index
        if settings.embedding_model not in self._built:
            dest = self.work_dir / f"index-{settings.embedding_model}"
            print(
                f"eval: the index holds {manifest.model} vectors; building a {settings.embedding_model} index "
                f"from {', '.join(str(d) for d in settings.corpus_dirs)} into {dest}",
                file=sys.stderr,
            )
            with _progress_bar(settings.embedding_model, 0, self.progress) as bar:

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                ingest(settings.corpus_dirs, settings, index_dir=dest, progress=progress)
            self._built[settings.embedding_model] = dest
        return self._built[settings.embedding_model]
