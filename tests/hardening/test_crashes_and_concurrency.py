"""Crashes and concurrency: kill -9 during ingest, a second writer, a build switched in while answering, and
feedback written from twenty threads at once.

The ingest runs as the real ``ingest.py`` in a child process that kills itself with SIGKILL at a chosen point (a
patched function), plus one kill at a moment the test does not choose. After each kill the serving build answers
exactly as before, and a rerun completes. The stand-in embedder keeps each run to seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.core import Assistant
from assistant.errors import IndexLocked
from assistant.feedback import FeedbackStore, Report
from assistant.index.builder import ingest, rollback
from assistant.index.manifest import build_dir, builds_dir, is_complete, read_pointer
from assistant.settings import Settings
from tests.hardening.helpers import PY, REPO, child_env, copy_stub, start_app
from tests.hardening.helpers import stop as stop_app

QUESTIONS = [
    "What is the maximum voucher per SME?",
    "How long does an exchange visit last?",
    "When was the second-stage deadline of ALPHA-01-2019?",
    "What does pilot 7 of the cluster pilots fund?",
]
GENERATED = 40  # two sections each: over two embedding batches of 32 chunks

KILLER = r"""
import os, signal, sys
point, nth, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
import assistant.documents.corpus as corpus
import assistant.index.builder as builder
import assistant.index.store as store
import assistant.models as models
owner, name, after = {
    "loading": (corpus, "load_file", False),
    "embedding": (models.HashEmbedder, "embed_passages", False),
    "chroma-written": (store.ChromaStore, "add", True),
    "manifest-written": (builder.Manifest, "save", True),
    "switching": (builder, "write_pointer", False),
    "cleaning-up": (builder, "_remove_tree", False),
}[point]
original, calls = getattr(owner, name), [0]
def wrapper(*a, **k):
    calls[0] += 1
    if calls[0] >= nth and not after:
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*a, **k)
    if calls[0] >= nth and after:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(owner, name, wrapper)
from assistant.ingest_cli import main
sys.exit(main(args))
"""
KILL_POINTS = [
    ("loading", 2),
    ("embedding", 2),
    ("chroma-written", 1),
    ("manifest-written", 1),
    ("switching", 1),
    ("cleaning-up", 1),  # the next run removing what the kills above left behind
]


def write_corpus(root: Path, version: int) -> Path:
    """The stub corpus plus generated pilots; version 2 changes a cap, a duration and every pilot's text."""
    copy_stub(root)
    if version == 2:
        for name, old, new in (
            ("guide-vouchers.md", "EUR 60,000", "EUR 75,000"),
            ("faq-exchanges.md", "up to 1 month", "up to 2 months"),
        ):
            path = root / name
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    for i in range(GENERATED):
        revised = " (revised)" if version == 2 else ""
        (root / f"pilot-{i:02d}.md").write_text(
            f"---\nid: pilot-{i:02d}\ntitle: Cluster pilot {i}{revised}\ndoc_type: guide\n"
            f"programme: INNOSUP-1\nsource_urls: [https://example.org/pilot-{i}]\nlanguage: en\n---\n\n"
            f"## Purpose of pilot {i}\n\nPilot {i} of the cluster pilots funds {i + 2} regional "
            f"exchanges of cluster managers{revised}.\n\n## Size of pilot {i}\n\nPilot {i} has a budget of "
            f"EUR {(i + 1) * 1000} and lasts {i % 12 + 1} months{revised}.\n",
            encoding="utf-8",
        )
    return root


def settings_for(index: Path) -> Settings:
    return Settings(index_dir=index, embedding_model="hash", min_evidence=0.3, today="2026-06-01")


def fingerprint(answer: Any) -> str:
    data = answer.to_dict()
    data.pop("timings")
    return json.dumps(data, sort_keys=True)


def answers(index: Path) -> dict[str, str]:
    assistant = Assistant.open(index, settings_for(index))
    return {q: fingerprint(assistant.ask(q)) for q in QUESTIONS}


def run_ingest(corpus: Path, index: Path, *prefix: str, timeout: float = 120) -> subprocess.CompletedProcess:
    command = [*prefix, "--json", "--corpus", str(corpus), "--index", str(index)]
    env = child_env(ASSISTANT_EMBEDDING_MODEL="hash", ASSISTANT_INDEX_DIR=str(index))
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("corpora")
    return write_corpus(root / "v1", 1), write_corpus(root / "v2", 2)


# kill -9 during ingest -------------------------------------------------------------------------------------------


def test_kill_9_at_every_stage_leaves_the_serving_build_answering_as_before(
    corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    v1, v2 = corpora
    index = tmp_path / "index"
    ingest([v1], settings_for(index))
    serving = read_pointer(index).build_id
    before = answers(index)
    assert "EUR 60,000" in before[QUESTIONS[0]]

    for point, nth in KILL_POINTS:
        done = run_ingest(v2, index, PY, "-c", KILLER, point, str(nth))
        assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr[-2000:])
        assert read_pointer(index).build_id == serving, point
        assert answers(index) == before, point

    done = run_ingest(v2, index, PY, "ingest.py")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["new_build"] and read_pointer(index).build_id == report["build_id"] != serving
    after = answers(index)
    assert "EUR 75,000" in after[QUESTIONS[0]] and "EUR 60,000" not in after[QUESTIONS[0]]
    left = sorted(p.name for p in builds_dir(index).iterdir())
    assert all(is_complete(build_dir(index, name)) for name in left), left  # no half build, no trash
    assert set(left) == {report["build_id"], serving}  # the new build and its rollback
    assert not list(index.glob(".*.tmp"))


def test_kill_9_at_a_moment_the_test_does_not_choose(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    v1, v2 = corpora
    index = tmp_path / "index"
    ingest([v1], settings_for(index))
    serving = read_pointer(index).build_id
    before = answers(index)
    command = [PY, "ingest.py", "--json", "--corpus", str(v2), "--index", str(index)]
    env = child_env(ASSISTANT_EMBEDDING_MODEL="hash", ASSISTANT_INDEX_DIR=str(index))
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while (
        len(list(builds_dir(index).iterdir())) < 2 and process.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.005)  # the new build's directory exists: the build is under way
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    pointer = read_pointer(index)
    if pointer.build_id == serving:
        assert answers(index) == before
    else:  # it had already switched: then the new build is whole
        assert is_complete(build_dir(index, pointer.build_id))
    done = run_ingest(v2, index, PY, "ingest.py")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "EUR 75,000" in answers(index)[QUESTIONS[0]]


# One writer -----------------------------------------------------------------------------------------------------

HOLDER = r"""
import sys, time
from pathlib import Path
from assistant.index.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_second_writer_fails_fast_and_changes_nothing(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    v1, v2 = corpora
    index = tmp_path / "index"
    ingest([v1], settings_for(index))
    serving = read_pointer(index).build_id
    holder = subprocess.Popen(
        [PY, "-c", HOLDER, str(index)], cwd=REPO, env=child_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.perf_counter()
        with pytest.raises(IndexLocked, match="another ingest"):
            ingest([v2], settings_for(index))
        assert time.perf_counter() - started < 2.0
        with pytest.raises(IndexLocked):
            rollback(index, settings_for(index))
        done = run_ingest(v2, index, PY, "ingest.py")
        assert done.returncode == 2 and "another ingest" in json.loads(done.stdout)["error"]
        assert read_pointer(index).build_id == serving
    finally:
        holder.kill()
        holder.wait(10)
    assert ingest([v2], settings_for(index)).new_build  # the lock died with its holder


# A new build switched in while answering --------------------------------------------------------------------------


def test_answers_come_wholly_from_the_old_or_wholly_from_the_new_build(
    corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    v1, v2 = corpora
    index = tmp_path / "index"
    ingest([v1], settings_for(index))
    old = answers(index)
    assistant = Assistant.open(index, settings_for(index))
    seen: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def asker(offset: int) -> None:
        try:
            i = offset
            while not stop.is_set():
                question = QUESTIONS[i % len(QUESTIONS)]
                seen.append((question, fingerprint(assistant.ask(question))))
                i += 1
        except BaseException as exc:
            errors.append(exc)

    def reloader() -> None:
        try:
            while not stop.is_set():
                assistant.reload_if_changed()
                time.sleep(0.002)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=reloader))
    for t in threads:
        t.start()

    def wait_for_answers(n: int) -> None:
        deadline = time.monotonic() + 30
        while len(seen) < n and time.monotonic() < deadline and not errors:
            time.sleep(0.01)

    try:
        wait_for_answers(6 * len(QUESTIONS))  # answered from the old build first
        done = run_ingest(v2, index, PY, "ingest.py")
        assert done.returncode == 0, done.stderr[-2000:]
        new_build = json.loads(done.stdout)["build_id"]
        deadline = time.monotonic() + 30
        while assistant.build_id != new_build and time.monotonic() < deadline:
            time.sleep(0.01)
        wait_for_answers(len(seen) + 6 * len(QUESTIONS))  # and from the new one after
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors, errors
    new = answers(index)
    assert assistant.build_id == new_build
    mixed = [(q, fp[:200]) for q, fp in seen if fp not in (old[q], new[q])]
    assert not mixed, mixed[:3]
    voucher = [fp for q, fp in seen if q == QUESTIONS[0]]
    assert old[QUESTIONS[0]] in voucher and new[QUESTIONS[0]] in voucher  # answered through the switch
    print(f"{len(seen)} answers during the switch, none mixed")


def api_fingerprint(data: dict[str, Any]) -> str:
    """An answer from /api/ask in the form ``fingerprint`` gives an in-process one."""
    return json.dumps({k: v for k, v in data.items() if k != "timings"}, sort_keys=True)


def test_the_served_app_switches_builds_and_answers_wholly_from_one(
    corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    """``python app.py`` answering /api/ask from four clients while ``ingest.py`` switches in a new build: each
    answer equals the old build's or the new build's whole, and every question sent once the app reports the new
    build gets the new build's answer."""
    v1, v2 = corpora
    index = tmp_path / "index"
    ingest([v1], settings_for(index))
    old = answers(index)
    env = {
        "ASSISTANT_INDEX_DIR": str(index),
        "ASSISTANT_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"),
        "ASSISTANT_EMBEDDING_MODEL": "hash",
        "ASSISTANT_MIN_EVIDENCE": "0.3",
        "ASSISTANT_TODAY": "2026-06-01",
        "ASSISTANT_WARM_UP": "false",
    }
    started = time.monotonic()
    app = start_app(env, tmp_path / "app.log")
    seen: list[tuple[float, str, str]] = []  # (sent at, question, answer)
    errors: list[BaseException] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        with httpx.Client(base_url=app.url, timeout=30) as http:
            i = offset
            try:
                while not stop.is_set():
                    question = QUESTIONS[i % len(QUESTIONS)]
                    sent = time.monotonic()
                    r = http.post("/api/ask", json={"question": question})
                    r.raise_for_status()
                    seen.append((sent, question, api_fingerprint(r.json())))
                    i += 1
            except BaseException as exc:
                errors.append(exc)

    def wait_for(n: int, after: float = 0.0) -> None:
        deadline = time.monotonic() + 20
        while sum(1 for t, _, _ in seen if t >= after) < n and time.monotonic() < deadline and not errors:
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    reported = False
    try:
        for t in threads:
            t.start()
        wait_for(2 * len(QUESTIONS))  # answered from the old build first
        done = run_ingest(v2, index, PY, "ingest.py")
        assert done.returncode == 0, done.stderr[-2000:]
        new_build = json.loads(done.stdout)["build_id"]
        deadline = time.monotonic() + 20  # the app looks for a new build every few seconds
        while not reported and time.monotonic() < deadline:
            reported = httpx.get(f"{app.url}/api/health", timeout=10).json()["build_id"] == new_build
            time.sleep(0.05)
        switched = time.monotonic()
        wait_for(2 * len(QUESTIONS), after=switched)  # and from the new one after
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        stop_app(app.process)
    assert not errors, errors
    assert reported, f"app.py did not switch to build {new_build}:\n{app.tail()}"
    new = answers(index)
    assert read_pointer(index).build_id == new_build and new[QUESTIONS[0]] != old[QUESTIONS[0]]
    mixed = [(q, fp[:200]) for _, q, fp in seen if fp not in (old[q], new[q])]
    assert not mixed, mixed[:3]
    stale = [q for t, q, fp in seen if t >= switched and fp != new[q]]
    assert not stale, stale[:3]
    voucher = [fp for _, q, fp in seen if q == QUESTIONS[0]]
    assert old[QUESTIONS[0]] in voucher and new[QUESTIONS[0]] in voucher  # answered through the switch
    print(
        f"{len(seen)} answers from app.py through the switch, none mixed, in {time.monotonic() - started:.0f} s"
    )


# Feedback from twenty threads at once -----------------------------------------------------------------------------


def test_twenty_threads_writing_feedback_at_once_lose_no_row(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite3"
    shared = FeedbackStore(db)
    per_thread = 25
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        own = FeedbackStore(db)  # another connection, as another worker process would have
        try:
            barrier.wait()
            for i in range(per_thread):
                store = shared if i % 2 else own
                report_id = store.add(
                    Report(question=f"q-{n}-{i}", answer="a", rating="up" if i % 3 else "down")
                )
                if i % 5 == 0:
                    assert store.update(report_id, comment=f"comment {n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    reports = list(FeedbackStore(db).reports())
    assert len(reports) == 20 * per_thread
    assert sorted(r.question for r in reports) == sorted(
        f"q-{n}-{i}" for n in range(20) for i in range(per_thread)
    )
    assert sum(1 for r in reports if r.comment) == 20 * len(range(0, per_thread, 5))
    shared.close()
