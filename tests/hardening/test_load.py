"""Twenty concurrent clients for a bounded minute against ``python app.py`` on 127.0.0.1, over the real corpus
index and model: no errors, and the server's memory grows by less than 10 % once warm (every question asked
once first: the first answers load the model's lazy parts and fill the sentence cache).

Uses the session's ``corpus_index`` (tests/conftest.py), which the eval tests build earlier in a full run.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hardening.helpers import REPO, App, rss_mb, start_app, stop

pytestmark = pytest.mark.slow

CLIENTS = 20
LOAD_S = 60.0
MAX_GROWTH = 0.10
QUESTIONS_USED = 60


def questions() -> list[str]:
    """Real traffic: the eval questions (answerable, unanswerable, follow-ups' first turns, attacks, languages)."""
    items = [
        json.loads(line)
        for line in (REPO / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    step = max(1, len(items) // QUESTIONS_USED)
    return [item["question"] for item in items[::step]][:QUESTIONS_USED]


@pytest.fixture(scope="module")
def app(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    root = tmp_path_factory.mktemp("load")
    env = {"ASSISTANT_INDEX_DIR": str(corpus_index), "ASSISTANT_FEEDBACK_DB": str(root / "feedback.sqlite3")}
    served = start_app(env, root / "app.log", ready_s=120)
    try:
        yield served
    finally:
        stop(served.process)


def _warm_up(app: App, asked: list[str]) -> None:
    def one(batch: list[str]) -> None:
        with httpx.Client(base_url=app.url, timeout=120) as http:
            for question in batch:
                http.post("/api/ask", json={"question": question}).raise_for_status()

    threads = [threading.Thread(target=one, args=(asked[n::CLIENTS],)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)


def test_twenty_clients_for_a_minute_no_errors_and_bounded_memory(app: App) -> None:
    asked = questions()
    _warm_up(app, asked)
    warm = rss_mb(app.process.pid)
    stop_at = time.monotonic() + LOAD_S
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=app.url, timeout=60) as http:
            i = n
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    r = http.post("/api/ask", json={"question": asked[i % len(asked)]})
                    ok = r.status_code == 200 and "text" in r.json()
                    problem = "" if ok else f"{r.status_code} {r.text[:120]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if problem:
                        errors.append(problem)
                i += CLIENTS

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    peak = warm
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_mb(app.process.pid))
        time.sleep(0.5)
    for t in threads:
        t.join(90)
    end = rss_mb(app.process.pid)
    growth = (end - warm) / warm
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
    print(
        f"load: {len(latencies)} answers in {LOAD_S:.0f} s from {CLIENTS} clients, p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; RSS warm {warm:.0f} MB, "
        f"peak {peak:.0f} MB, end {end:.0f} MB ({growth:+.1%})"
    )
    assert not errors, errors[:5]
    assert len(latencies) >= CLIENTS
    assert growth < MAX_GROWTH
    r = httpx.get(f"{app.url}/api/health", timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ready"
