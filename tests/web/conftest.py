"""Fixtures for the web tests (helpers in servers.py); the real index comes from tests/conftest.py."""

from __future__ import annotations

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
    chromium_or_fail,
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


@pytest.fixture(scope="session")
def real_index(corpus_index: Path) -> Path:
    """An index of corpus/ built with the default (real) model, once per session (see tests/conftest.py)."""
    return corpus_index


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
    chromium_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
