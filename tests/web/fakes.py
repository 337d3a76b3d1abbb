"""Stand-ins for the Assistant: canned answers with the real ``Answer`` type, and a reader with real chunks."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from assistant import Answer, Citation
from assistant.documents.model import Chunk

SOURCE_URL = "https://clustercollaboration.eu/clusterxchange/about"
# What a hostile document or model could put in an answer: none of it may act in the page.
HOSTILE = (
    "Exchanges last up to 1 month [1]. <script>window.__pwned = 1</script> "
    '<img src=x onerror="window.__pwned = 2"> ![tracker](http://tracker.example/t.png) '
    "[click](javascript:window.__pwned=3) see https://evil.example/phish and www.evil.example "
    '$$x^2$$ ${window.__pwned = 4} <a href="https://evil.example">here</a>'
)


def citation(n: int = 1, url: str = SOURCE_URL, **kw: Any) -> Citation:
    data = {
        "n": n,
        "chunk_id": f"faq-cx:{n}:abc",
        "doc_id": "faq-clusterxchange-participants",
        "title": "ClusterXchange: who can take part",
        "page": 3,
        "section": "How long does an exchange last?",
        "url": url,
        "quote": "A ClusterXchange exchange lasts from 3 working days up to 1 month.",
    }
    data.update(kw)
    return Citation(**data)


def answer(text: str = "An exchange lasts from 3 working days up to 1 month [1].", **kw: Any) -> Answer:
    kw.setdefault("citations", [citation()])
    return Answer(text=text, **kw)


def refusal(language: str = "en") -> Answer:
    return Answer(
        text="I can't answer that from the documents I have.",
        refused=True,
        refusal_reason="the retrieved documents do not answer the question",
        language=language,
    )


def chunk(n: int, programme: str, doc_type: str, call_ids: tuple[str, ...]) -> Chunk:
    return Chunk(
        chunk_id=f"doc{n}:0:abc",
        doc_id=f"doc{n}",
        text="Some text.",
        title=f"Doc {n}",
        section="",
        page=None,
        url=SOURCE_URL,
        doc_type=doc_type,
        programme=programme,
        call_ids=call_ids,
        language="en",
        position=0,
        content_hash="h",
        path=f"corpus/doc{n}.md",
        updated="",
        opens=None,
        deadlines="[]",
        source_urls=(SOURCE_URL,),
    )


@dataclass
class FakeManifest:
    build_id: str = "build-1"
    model: str = "fake-model"
    created: str = "2026-01-01T00:00:00Z"


@dataclass
class FakeReader:
    chunks: list[Chunk] = field(
        default_factory=lambda: [
            chunk(1, "ClusterXchange", "faq", ()),
            chunk(2, "INNOSUP-1", "call", ("INNOSUP-01-2018-2020", "INNOSUP-1-2015")),
            chunk(3, "INNOSUP-1", "guide", ("INNOSUP-1-2015",)),
        ]
    )
    manifest: FakeManifest = field(default_factory=FakeManifest)


class FakeAssistant:
    """Answers from a table (question -> Answer); anything else is refused. Records every call. ``gate`` holds
    every answer until it is set, ``gates`` the answers to some questions only."""

    def __init__(
        self,
        answers: dict[str, Answer] | None = None,
        gate: threading.Event | None = None,
        gates: dict[str, threading.Event] | None = None,
    ) -> None:
        self.answers = answers or {}
        self.gate = gate
        self.gates = gates or {}
        self.calls: list[tuple[str, Any, Any]] = []
        self.reader = FakeReader()
        self.build_id = "build-1"
        self.lock = threading.Lock()

    def ask(self, question: str, history: Any = None, filters: Any = None) -> Answer:
        with self.lock:
            self.calls.append((question, history, filters))
        if self.gate is not None:
            self.gate.wait(10)
        if question in self.gates:
            self.gates[question].wait(10)
        found = self.answers.get(question)
        return Answer.from_dict(found.to_dict()) if found else refusal()

    def stream(self, question: str, history: Any = None, filters: Any = None):
        final = self.ask(question, history, filters)
        words = final.text.split(" ")
        yield Answer(text=" ".join(words[: max(1, len(words) // 2)]))
        yield final

    def reload_if_changed(self) -> bool:
        return False
