"""Start-up of the real ``python app.py``: from the command to a page that answers.

Three moments are timed from the moment the process is spawned: the page (``GET /`` answers 200), the index loaded
(``/api/health`` says ready) and the first answer (``POST /api/ask`` answers 200). The target is on the last.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from assistant.bench.common import (
    REPO,
    BenchConfig,
    BenchError,
    BenchSkipped,
    child_env,
    free_port,
    loadavg,
    median,
    request,
)

TARGET_S = 8.0
PROBE = "What is the maximum financial support a third party can receive?"


class AppProcess:
    """``python app.py`` on a free loopback port, over a given index; a context manager that always stops it."""

    def __init__(
        self, cfg: BenchConfig, index_dir: Path, work: Path, extra_env: dict[str, str] | None = None
    ):
        self.app = REPO / "app.py"
        if not self.app.is_file():
            raise BenchSkipped(f"{self.app} does not exist (yet)")
        self.port = free_port()
        self.log_path = work / f"app-{self.port}.log"
        self.env = child_env(
            {
                "ASSISTANT_HOST": "127.0.0.1",
                "ASSISTANT_PORT": str(self.port),
                "ASSISTANT_INDEX_DIR": str(index_dir),
                "ASSISTANT_FEEDBACK_DB": str(work / f"feedback-{self.port}.sqlite3"),
                "ASSISTANT_EMBEDDING_MODEL": cfg.embedding,
                "ASSISTANT_CORPUS_DIRS": json.dumps([str(d) for d in cfg.corpus_dirs]),
                "ASSISTANT_LLM_BACKEND": "none",
                "ASSISTANT_CHROMA_MODE": "embedded",
                **(extra_env or {}),
            }
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned = 0.0

    def __enter__(self) -> AppProcess:
        self._log = open(self.log_path, "wb")  # closed in __exit__, after the process
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, str(self.app)],
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def elapsed(self) -> float:
        return time.perf_counter() - self.spawned

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise BenchError(f"app.py exited with {self.process.returncode}: {tail.strip()}")

    def wait_for(self, probe: Any, timeout: float, poll: float = 0.02) -> float:
        """Seconds since spawn at which ``probe()`` first returned true."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self._check_alive()
            try:
                if probe():
                    return self.elapsed()
            except OSError:
                pass
            time.sleep(poll)
        raise BenchError(f"app.py did not get there within {timeout:.0f} s (log: {self.log_path})")

    def page_ok(self) -> bool:
        return request(self.port, "GET", "/", timeout=5)[0] == 200

    def ready(self) -> bool:
        status, body = request(self.port, "GET", "/api/health", timeout=5)
        if status != 200:
            return False
        state = json.loads(body).get("status")
        if state == "failed":
            raise BenchError(f"app.py could not load the index: {json.loads(body).get('message')}")
        return state == "ready"

    def answers(self, question: str = PROBE) -> bool:
        status, body = request(self.port, "POST", "/api/ask", {"question": question}, timeout=30)
        return status == 200 and "text" in json.loads(body)

    def wait_answering(self, timeout: float = 120) -> float:
        self.wait_for(self.page_ok, timeout)
        return self.wait_for(self.answers, timeout)


def run(cfg: BenchConfig, index_dir: Path, work: Path) -> dict[str, Any]:
    before = loadavg()
    page: list[float] = []
    ready: list[float] = []
    answer: list[float] = []
    for _ in range(max(1, cfg.startup_reps)):
        with AppProcess(cfg, index_dir, work) as app:
            page.append(app.wait_for(app.page_ok, 120))
            ready.append(app.wait_for(app.ready, 120))
            answer.append(app.wait_for(app.answers, 120))
    return {
        "status": "ok",
        "runs": len(answer),
        "page_s": median(page),
        "index_ready_s": median(ready),
        "first_answer_s": median(answer),
        "first_answer_runs": [round(x, 3) for x in answer],
        "target_s": TARGET_S,
        "loadavg": [before, loadavg()],
    }
