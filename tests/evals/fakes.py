"""Hand-built answers and a fake system with the Assistant's ``ask`` signature, for exact metric values."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.answering.answer import Answer, Citation, RetrievedChunk
from assistant.evals.dataset import EvalItem
from assistant.evals.runner import ConfigSkipped, Configuration


def chunk(chunk_id: str, text: str, doc_id: str = "doc", title: str = "") -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=chunk_id, doc_id=doc_id, title=title or doc_id, page=None, text=text, score=0.0
    )


def answer(
    text: str,
    retrieved: list[RetrievedChunk] | None = None,
    cited: list[str] | None = None,
    refused: bool = False,
) -> Answer:
    citations = [Citation(n, cid, "doc", "", None, "", "", "") for n, cid in enumerate(cited or [], start=1)]
    return Answer(text=text, refused=refused, citations=citations, retrieved=list(retrieved or []))


def item(
    item_id: str,
    must_include: list[list[str]] | None = None,
    kind: str = "fact",
    lang: str = "en",
    question: str = "",
    follow_up_of: str | None = None,
    gold: tuple[str, ...] = (),
) -> EvalItem:
    groups = tuple(tuple(g) for g in (must_include if must_include is not None else [["x"]]))
    return EvalItem(
        id=item_id,
        question=question or f"question {item_id}?",
        answer=" ".join(g[0] for g in groups) or "cannot answer",
        must_include=groups,
        kind=kind,
        lang=lang,
        follow_up_of=follow_up_of,
        gold_doc_ids=gold,
    )


class FakeAsker:
    """Answers with ``respond(question, history)`` and records every call, history included."""

    def __init__(self, respond: Callable[[str, list[dict[str, str]] | None], Answer]) -> None:
        self.respond = respond
        self.calls: list[tuple[str, list[dict[str, str]] | None]] = []
        self.closed = False

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        filters: dict[str, str] | None = None,
    ) -> Answer:
        self.calls.append((question, history))
        return self.respond(question, history)

    def close(self) -> None:
        self.closed = True


class FakeFactory:
    """Configuration name -> FakeAsker, or an exception message to skip it; identities opt in to reuse."""

    def __init__(self, askers: dict[str, FakeAsker | str], identities: dict[str, str] | None = None) -> None:
        self.askers = askers
        self.identities = identities or {}
        self.opened: list[str] = []

    def open(self, config: Configuration) -> FakeAsker:
        target = self.askers.get(config.name, "not configured in this test")
        if isinstance(target, str):
            raise ConfigSkipped(target)
        self.opened.append(config.name)
        return target

    def identity(self, config: Configuration) -> str | None:
        return self.identities.get(config.name)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
