"""HTTP load against the real ``python app.py`` on 127.0.0.1: the JSON API and the Gradio endpoint.

Each client is a thread with its own keep-alive connection, asking questions in turn until the time is up; a
non-200 answer or a broken connection is an error. The Gradio client speaks the page's own protocol (``queue/join``
then the server-sent events of ``queue/data``) to the chat's submit event. The overload test fires more requests
at once than the app admits (``concurrency_limit`` + ``queue_size``): the excess must get a fast 503 "busy", and a
short steady run afterwards shows whether the server recovered.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.bench.common import (
    BenchConfig,
    BenchError,
    loadavg,
    ratio,
    request,
    send,
    summary,
)
from assistant.bench.startup import AppProcess

MIN_RATE = 20.0
BUSY_P95_S = 0.5
Ask = Callable[[http.client.HTTPConnection, str], int]


@dataclass
class Outcome:
    status: int  # HTTP status, 0 for a broken connection
    seconds: float


def api_ask(conn: http.client.HTTPConnection, question: str) -> int:
    status, body = send(conn, "POST", "/api/ask", {"question": question})
    if status == 200 and "text" not in json.loads(body):
        return 599
    return status


PAGE_BUSY = "The assistant is busy; please try again"  # api.BUSY, as the chat shows it


class GradioChat:
    """The chat's submit event, found in the page config by the question box's ``elem_id``."""

    def __init__(self, port: int, elem_id: str = "cd-question") -> None:
        self.port = port
        status, body = request(port, "GET", "/config", timeout=10)
        if status != 200:
            raise BenchError(f"GET /config answered {status}")
        config = json.loads(body)
        self.prefix = config.get("api_prefix") or "/gradio_api"
        components = {c["id"]: c for c in config["components"]}
        box = next(
            (c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id), None
        )
        for index, dep in enumerate(config["dependencies"]):
            if box is not None and [box, "submit"] in [list(t) for t in dep.get("targets", [])]:
                self.fn_index = dep.get("id", index)
                self.trigger = box
                self.inputs = [components[i]["type"] for i in dep["inputs"]]
                break
        else:
            raise BenchError(f"no submit event on #{elem_id} in the page config")

    def payload(self, question: str) -> list[Any]:
        empty = {"textbox": question, "chatbot": [], "dropdown": "", "state": None}
        return [empty.get(kind) for kind in self.inputs]

    def ask(self, conn: http.client.HTTPConnection, question: str) -> int:
        session = uuid.uuid4().hex[:12]
        body = {
            "data": self.payload(question),
            "event_data": None,
            "fn_index": self.fn_index,
            "trigger_id": self.trigger,
            "session_hash": session,
        }
        status, _ = send(conn, "POST", f"{self.prefix}/queue/join", body)
        if status != 200:
            return status
        stream = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            stream.request("GET", f"{self.prefix}/queue/data?session_hash={session}")
            response = stream.getresponse()
            if response.status != 200:
                return response.status
            while True:
                line = response.readline()
                if not line:
                    return 598  # the stream ended without a result
                if line.startswith(b"data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        if not message.get("success"):
                            return 597
                        # The page says "busy" in the chat, as the API does with a 503: count it as one.
                        return 503 if PAGE_BUSY in json.dumps(message.get("output")) else 200
        finally:
            stream.close()


def _client(port: int, ask: Ask, questions: list[str], offset: int, until: float, out: list[Outcome]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    n = offset
    while time.perf_counter() < until:
        question = questions[n % len(questions)]
        n += 1
        started = time.perf_counter()
        try:
            status = ask(conn, question)
        except (OSError, http.client.HTTPException, ValueError):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append(Outcome(status, time.perf_counter() - started))
    conn.close()


def steady(port: int, ask: Ask, questions: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads asking for ``seconds``; answers per second counts 200s over the wall time."""
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    until = started + seconds
    threads = [
        threading.Thread(target=_client, args=(port, ask, questions, i * 7, until, outcomes), daemon=True)
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    wall = time.perf_counter() - started
    ok = [o.seconds * 1000 for o in outcomes if o.status == 200]
    errors: dict[str, int] = {}
    for o in outcomes:
        if o.status != 200:
            errors[str(o.status)] = errors.get(str(o.status), 0) + 1
    return {
        "clients": clients,
        "seconds": round(wall, 2),
        "answers": len(ok),
        "answers_per_s": round(len(ok) / wall, 2) if wall else None,
        "latency_ms": summary(ok),
        "errors": sum(errors.values()),
        "errors_by_status": errors,
    }


def burst(port: int, ask: Ask, questions: list[str], clients: int) -> dict[str, Any]:
    """``clients`` requests released at once; the ones beyond the queue must come back 503, fast."""
    outcomes: list[Outcome | None] = [None] * clients
    barrier = threading.Barrier(clients)

    def one(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        barrier.wait()
        started = time.perf_counter()
        try:
            status = ask(conn, questions[i % len(questions)])
        except (OSError, http.client.HTTPException, ValueError):
            status = 0
        outcomes[i] = Outcome(status, time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    done = [o for o in outcomes if o is not None]
    busy = [o.seconds * 1000 for o in done if o.status == 503]
    answered = [o.seconds * 1000 for o in done if o.status == 200]
    return {
        "clients": clients,
        "answered": len(answered),
        "busy": len(busy),
        "other": sum(1 for o in done if o.status not in (200, 503)) + clients - len(done),
        "busy_ms": summary(busy),
        "answered_ms": summary(answered),
    }


def overload(
    port: int, ask: Ask, questions: list[str], admitted: int, seconds: float = 3.0
) -> dict[str, Any]:
    """A steady run with 4 clients, the burst, the first answer after it, and the same steady run again: the
    server recovered when the second run has no errors and at least half the first one's rate."""
    before = steady(port, ask, questions, 4, seconds)
    result = burst(port, ask, questions, admitted * 2)
    started = time.perf_counter()
    recovered_s = None
    while time.perf_counter() - started < 60:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            if ask(conn, questions[0]) == 200:
                recovered_s = round(time.perf_counter() - started, 3)
                break
        except (OSError, http.client.HTTPException, ValueError):
            pass
        finally:
            conn.close()
        time.sleep(0.05)
    after = steady(port, ask, questions, 4, seconds)
    result.update(first_answer_after_s=recovered_s, before=before, after=after)
    result["recovered"] = (
        recovered_s is not None
        and after["errors"] == 0
        and (after["answers_per_s"] or 0) >= 0.5 * (before["answers_per_s"] or 0)
    )
    return result


def run(cfg: BenchConfig, index_dir: Path, work: Path, questions: list[str]) -> dict[str, Any]:
    from assistant.settings import Settings

    before = loadavg()
    limit = int(Settings.model_fields["concurrency_limit"].default)  # the app runs with the shipped defaults
    queue = int(Settings.model_fields["queue_size"].default)
    admitted = limit + queue
    questions = questions[: max(1, cfg.load_questions)]
    out: dict[str, Any] = {
        "status": "ok",
        "concurrency_limit": limit,
        "queue_size": queue,
        "questions": len(questions),
    }
    # No background warm-up: it would compete with the clients for the CPU for its first seconds; asking each
    # question once caches what the load needs (the questions' vectors and their answers' sentences).
    with AppProcess(cfg, index_dir, work, extra_env={"ASSISTANT_WARM_UP": "false"}) as app:
        app.wait_answering()
        for question in questions:  # each question once: a server that has been up a while
            request(app.port, "POST", "/api/ask", {"question": question}, timeout=60)
        short = min(3.0, cfg.load_seconds / 2)
        single = steady(app.port, api_ask, questions, 1, short)
        out["api_1_client"] = single
        out["api"] = steady(app.port, api_ask, questions, cfg.load_clients, cfg.load_seconds)
        out["api_overload"] = overload(app.port, api_ask, questions, admitted, short)
        try:
            chat = GradioChat(app.port)
        except BenchError as exc:
            out["gradio"] = {"status": "error", "reason": str(exc)}
        else:
            out["gradio"] = steady(app.port, chat.ask, questions, cfg.load_clients, cfg.load_seconds)
            if not cfg.quick:
                out["gradio_overload"] = overload(app.port, chat.ask, questions, admitted, short)
        out["scaling_1_to_n"] = ratio(out["api"]["answers_per_s"], single["answers_per_s"])
        out["app_alive_after"] = app.process is not None and app.process.poll() is None
    out["loadavg"] = [before, loadavg()]
    return out
