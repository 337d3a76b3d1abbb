"""Helpers to serve the web app in tests: in a thread over a fake assistant, or as the real ``python app.py``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from tests.web.fakes import FakeAssistant, answer

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET = "SECRET-MARKER-7f3a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    app: Any
    settings: Settings
    assistant: Any = None


@contextlib.contextmanager
def serve_in_thread(app: Any, port: int) -> Iterator[str]:
    """uvicorn in a thread, as ``python app.py`` runs it; yields the base URL once it accepts requests."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def fake_settings(root: Path, **overrides: Any) -> Settings:
    """Settings whose index and feedback files hold a marker, so a test can tell if either is ever served."""
    index = root / "index"
    index.mkdir(parents=True, exist_ok=True)
    (index / "current").write_text(SECRET, encoding="utf-8")
    (root / "settings.toml").write_text(f"# {SECRET}\n", encoding="utf-8")
    values: dict[str, Any] = {
        "index_dir": index,
        "feedback_db": root / "data" / "feedback.sqlite3",
        "corpus_dirs": [root / "corpus"],
    }
    values.update(overrides)
    return Settings(**values)


def standard_assistant() -> FakeAssistant:
    return FakeAssistant({"How long can a ClusterXchange exchange last?": answer()})


@contextlib.contextmanager
def fake_server(root: Path, assistant: Any = None, backend: Any = None, **overrides: Any) -> Iterator[Served]:
    from assistant.web.app import create_app
    from assistant.web.backend import Backend

    settings = fake_settings(root, **overrides)
    assistant = assistant if assistant is not None else standard_assistant()
    backend = backend or Backend.ready_with(assistant, settings)
    app = create_app(backend, settings)
    with serve_in_thread(app, free_port()) as url:
        yield Served(url, app, settings, assistant)


# The page's own queue, as the browser speaks to it -------------------------------------------------------------


@dataclass
class PageReply:
    """What the page's queue sent for one question: every message, the chat's last message after the first
    update and at the end, and how long until the first update and the end."""

    messages: list[dict[str, Any]]
    first: str
    last: str
    first_s: float
    total_s: float
    status: int = 200


class PageClient:
    """Asks through ``/gradio_api/queue/join`` and the event stream, as the page's script does."""

    def __init__(self, url: str, client: httpx.Client | None = None) -> None:
        self.url = url
        self.client = client or httpx.Client(timeout=60)
        config = self.client.get(f"{url}/config").json()
        elem = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
        self.question_id = elem["cd-question"]
        self.fn_index = next(
            d["id"] for d in config["dependencies"] if [self.question_id, "submit"] in d["targets"]
        )

    def ask(self, question: str, programme: str = "", doc_type: str = "", call_id: str = "") -> PageReply:
        session = uuid.uuid4().hex[:12]
        body = {
            "data": [question, [], programme, doc_type, call_id, None],
            "event_data": None,
            "fn_index": self.fn_index,
            "trigger_id": self.question_id,
            "session_hash": session,
        }
        started = time.perf_counter()
        joined = self.client.post(f"{self.url}/gradio_api/queue/join", json=body)
        if joined.status_code != 200:
            took = time.perf_counter() - started
            return PageReply([], "", joined.text, took, took, joined.status_code)
        messages: list[dict[str, Any]] = []
        first = last = ""
        first_s = 0.0
        with self.client.stream("GET", f"{self.url}/gradio_api/queue/data?session_hash={session}") as r:
            for line in r.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                messages.append(message)
                kind = message.get("msg")
                if kind == "process_generating" and not first:
                    first_s = time.perf_counter() - started
                    first = _chat_text(message["output"]["data"][0])
                if kind == "process_completed":
                    data = message.get("output", {}).get("data") or [[]]
                    last = _chat_text(data[0]) or first
                    break
        return PageReply(messages, first, last, first_s, time.perf_counter() - started)

    def close(self) -> None:
        self.client.close()


def _chat_text(chat: Any) -> str:
    """The text of the chat's last message in a full update (a diff, as later updates are, gives "")."""
    if not chat or not isinstance(chat[-1], dict):
        return ""
    content = chat[-1].get("content")
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


# The real thing ---------------------------------------------------------------------------------------------


@dataclass
class RealApp:
    url: str
    db: Path
    started_s: float
    cpu_s: float
    process: subprocess.Popen


def wait_ready(url: str, timeout: float, process: subprocess.Popen | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            last = httpx.get(f"{url}/api/health", timeout=2).json()
            if last.get("status") in ("ready", "failed"):
                return last
        time.sleep(0.1)
    raise TimeoutError(f"not ready after {timeout} s (last health: {last})")


def start_app(env_extra: dict[str, str], log: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_PORT": str(port), "ASSISTANT_HOST": "127.0.0.1", **env_extra})
    handle = open(log, "w", encoding="utf-8")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT
    )
    return f"http://127.0.0.1:{port}", process


def cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time of the app so far: unlike wall time, it does not grow when other jobs share the cores."""
    import psutil

    proc = psutil.Process(process.pid)
    times = [proc.cpu_times(), *(c.cpu_times() for c in proc.children(recursive=True))]
    return sum(t.user + t.system for t in times)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


SKIP_BROWSER = "CLUSTERDESK_SKIP_BROWSER"


def chromium_or_fail() -> None:
    """The browser tests need Debian's Chromium, which ``make test`` installs: without it they fail, unless
    CLUSTERDESK_SKIP_BROWSER=1 says to skip them on purpose (a machine where Chromium cannot be installed)."""
    if CHROMIUM.exists():
        return
    if os.environ.get(SKIP_BROWSER) == "1":
        pytest.skip(f"headless Chromium is not installed at {CHROMIUM} and {SKIP_BROWSER}=1")
    pytest.fail(
        f"headless Chromium is not installed at {CHROMIUM}: run `make browser` (make test does), "
        f"or set {SKIP_BROWSER}=1 to skip the browser tests on purpose",
        pytrace=False,
    )


def copy_screenshot(source: Path, target: Path, max_bytes: int = 300_000) -> None:
    """The README's screenshot: the PNG itself, or a 256-colour version of it when that is too big."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    if target.stat().st_size > max_bytes:
        from PIL import Image

        with Image.open(source) as image:
            image.convert("RGB").quantize(colors=256).save(target, optimize=True)
