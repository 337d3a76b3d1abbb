"""Dense search through a local ``chroma run`` (server mode) against the embedded client, on the same vectors.

Both collections are made and filled through ``ChromaStore``, the class the index uses; the queries are the
questions' real query vectors, asked of the server and of the embedded client in turn, so both see the same
machine. The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.bench.common import (
    BenchConfig,
    BenchSkipped,
    Stopwatch,
    bench_settings,
    child_env,
    free_port,
    loadavg,
    ratio,
    request,
    summary,
)


def chroma_cli() -> Path | None:
    beside = Path(sys.executable).parent / "chroma"
    if beside.exists():
        return beside
    found = shutil.which("chroma")
    return Path(found) if found else None


class ChromaServer:
    """``chroma run`` on a free loopback port with its own data directory; stopped on exit."""

    def __init__(self, data: Path) -> None:
        cli = chroma_cli()
        if cli is None:
            raise BenchSkipped("the chroma CLI is not installed")
        self.port = free_port()
        self.log_path = data.with_suffix(".log")
        self.command = [str(cli), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(self.port)]

    def __enter__(self) -> ChromaServer:
        self._log = open(self.log_path, "wb")  # closed in __exit__, after the process
        with Stopwatch() as sw:
            self.process = subprocess.Popen(
                self.command, env=child_env(), stdout=self._log, stderr=subprocess.STDOUT
            )
            deadline = time.perf_counter() + 60
            while True:
                try:
                    if request(self.port, "GET", "/api/v2/heartbeat", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if self.process.poll() is not None or time.perf_counter() > deadline:
                    self.__exit__()
                    raise RuntimeError(
                        "chroma run did not start: " + self.log_path.read_text(errors="replace")
                    )
                time.sleep(0.05)
        self.start_s = sw.seconds
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _compare(
    server_client: Any,
    work: Path,
    name: str,
    chunks: list[Any],
    vectors: np.ndarray,
    queries: np.ndarray,
    k: int,
    reps: int,
) -> dict[str, Any]:
    from assistant.index.store import ChromaStore, delete_collection, embedded_client

    local = ChromaStore.create(embedded_client(work / f"embedded-{name}"), f"bench-{name}")
    remote = ChromaStore.create(server_client, f"bench-{name}")
    with Stopwatch() as add_local:
        local.add(chunks, vectors)
    with Stopwatch() as add_remote:
        remote.add(chunks, vectors)
    for vector in queries[:3]:
        local.query(vector, k)
        remote.query(vector, k)
    embedded_ms: list[float] = []
    server_ms: list[float] = []
    agree = 0
    for _ in range(max(1, reps)):
        for vector in queries:
            t = time.perf_counter()
            theirs = remote.query(vector, k)
            server_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            ours = local.query(vector, k)
            embedded_ms.append((time.perf_counter() - t) * 1000)
            agree += int([c for c, _ in ours[:5]] == [c for c, _ in theirs[:5]])
    delete_collection(server_client, f"bench-{name}")
    embedded, server = summary(embedded_ms), summary(server_ms)
    return {
        "chunks": len(chunks),
        "k": k,
        "add_s": {"embedded": round(add_local.seconds, 3), "server": round(add_remote.seconds, 3)},
        "embedded_ms": embedded,
        "server_ms": server,
        "ratio_p50": ratio(server["p50"], embedded["p50"]),
        "ratio_p95": ratio(server["p95"], embedded["p95"]),
        "same_top5": round(agree / max(1, len(embedded_ms)), 4),
    }


def run(cfg: BenchConfig, index_dir: Path, work: Path, questions: list[str]) -> dict[str, Any]:
    from assistant.bench.scale import read_build, synthesize
    from assistant.index.store import server_client
    from assistant.models import get_embedder

    before = loadavg()
    settings = bench_settings(cfg, index_dir)
    _, _, chunks, vectors = read_build(index_dir)
    embedder = get_embedder(cfg.embedding, settings.query_encoder)
    queries = np.stack([embedder.embed_query(q) for q in questions]).astype(np.float32)
    out: dict[str, Any] = {"status": "ok", "questions": len(questions), "sizes": {}}
    with ChromaServer(work / "chroma-server") as server:
        out["server_start_s"] = round(server.start_s, 3)
        client = server_client("127.0.0.1", server.port)
        k = settings.candidates
        out["sizes"]["shipped"] = _compare(client, work, "shipped", chunks, vectors, queries, k, cfg.reps)
        for size in cfg.chroma_sizes:
            more, more_vectors = synthesize(chunks, vectors, size, cfg.seed)
            out["sizes"][str(size)] = _compare(client, work, str(size), more, more_vectors, queries, k, 1)
    out["loadavg"] = [before, loadavg()]
    return out
