"""Fixtures for the web tests (helpers in servers.py).

The real index is built once per session from corpus/ with ``ingest.py`` (about a minute on two cores). The
build starts in the background with the first web test, and the tests that need it run last, so the rest of the
suite runs meanwhile. To iterate faster, point CLUSTERDESK_TEST_INDEX at an index already built from the same
corpus with the default settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.servers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    RealApp,
    Served,
    chromium_or_skip,
    cpu_seconds,
    fake_server,
    start_app,
    stop,
    wait_ready,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One app over the fake assistant for a whole test module."""
    with fake_server(tmp_path_factory.mktemp("web")) as s:
        yield s


def _needs_index(item: pytest.Item) -> bool:
    return "real_index" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests over the real index last, so they find it built."""
    items.sort(key=_needs_index)


@pytest.fixture(scope="session", autouse=True)
def _index_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start ``ingest.py`` for the real index in the background when a collected test will need it."""
    if os.environ.get("CLUSTERDESK_TEST_INDEX") or not any(map(_needs_index, request.session.items)):
        yield None
        return
    root = tmp_path_factory.mktemp("real")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    log = open(root / "ingest.log", "w", encoding="utf-8")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [sys.executable, "ingest.py", "--corpus", "corpus", "--index", str(root / "index"), "--json"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield root, process
    if process.poll() is None:
        stop(process)
    log.close()


@pytest.fixture(scope="session")
def real_index(_index_build: Any) -> Path:
    """An index of corpus/ built with the default (real) model, once per session."""
    given = os.environ.get("CLUSTERDESK_TEST_INDEX")
    if given:
        return Path(given)
    root, process = _index_build
    code = process.wait(timeout=900)
    assert code == 0, (root / "ingest.log").read_text(encoding="utf-8")[-3000:]
    return root / "index"


@pytest.fixture(scope="session")
def real_app(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealApp]:
    """``python app.py`` over the real index, as a user starts it; ``started_s`` is until it answers."""
    root = tmp_path_factory.mktemp("app")
    db = root / "feedback.sqlite3"
    started = time.monotonic()
    url, process = start_app(
        {"ASSISTANT_INDEX_DIR": str(real_index), "ASSISTANT_FEEDBACK_DB": str(db)}, root / "app.log"
    )
    try:
        health = wait_ready(url, 90, process)
        assert health["status"] == "ready", health
        httpx.post(
            f"{url}/api/ask", json={"question": "warm-up: ClusterXchange"}, timeout=60
        ).raise_for_status()
        yield RealApp(url, db, time.monotonic() - started, cpu_seconds(process), process)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
