"""Plumbing shared by the hardening tests: child processes, their memory, and the real app on a free port."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[2]
STUB = REPO / "tests" / "stub_data" / "corpus"
PY = sys.executable


def child_env(**values: str) -> dict[str, str]:
    """This environment without any ASSISTANT_* setting of the test run, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    env.update({"GRADIO_ANALYTICS_ENABLED": "False", "TOKENIZERS_PARALLELISM": "false"})
    env.update(values)
    return env


def copy_stub(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in STUB.iterdir():
        shutil.copy(path, target / path.name)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class MemoryWatch:
    """Samples the resident memory of a process and of its children until stopped (peaks in MB)."""

    pid: int
    interval_s: float = 0.02
    peak_main_mb: float = 0.0
    peak_child_mb: float = 0.0
    peak_total_mb: float = 0.0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        try:
            main = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            try:
                own = main.memory_info().rss / 2**20
                children = []
                for child in main.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        children.append(child.memory_info().rss / 2**20)
            except psutil.Error:
                return
            self.samples += 1
            self.peak_main_mb = max(self.peak_main_mb, own)
            self.peak_child_mb = max([self.peak_child_mb, *children])
            self.peak_total_mb = max(self.peak_total_mb, own + sum(children))
            time.sleep(self.interval_s)


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


@dataclass
class App:
    url: str
    process: subprocess.Popen
    log: Path

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]


def start_app(env_values: dict[str, str], log: Path, ready_s: float = 90.0) -> App:
    """``python app.py`` as a user starts it, on a free loopback port; returns once the index is loaded."""
    port = free_port()
    env = child_env(ASSISTANT_HOST="127.0.0.1", ASSISTANT_PORT=str(port), **env_values)
    handle = open(log, "w", encoding="utf-8")  # noqa: SIM115  (the child keeps it)
    process = subprocess.Popen([PY, "app.py"], cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    app = App(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + ready_s
    health: Any = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{app.tail()}")
        with contextlib.suppress(httpx.HTTPError, ValueError):
            health = httpx.get(f"{app.url}/api/health", timeout=2).json()
            if health.get("status") == "ready":
                return app
            if health.get("status") == "failed":
                break
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"app.py not ready after {ready_s} s (health {health}):\n{app.tail()}")


def stop(process: subprocess.Popen) -> None:
    """End a child this test started: politely, then for sure."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
