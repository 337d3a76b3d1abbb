"""``python app.py`` over the real index: start-up time, the API's answers, health and the length limit."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant.answering.prompts import REFUSAL_REASONS
from assistant.index.manifest import read_pointer
from assistant.settings import Settings
from tests.web.servers import RealApp

pytestmark = pytest.mark.slow

HANG_S = 90.0


def test_starts_and_answers(real_app: RealApp) -> None:
    """A liveness check, not a speed target: start-up time is measured by `make bench` (docs/PERFORMANCE.md)."""
    print(f"app.py answered after {real_app.started_s:.1f} s ({real_app.cpu_s:.1f} s of CPU)")
    assert real_app.process.poll() is None
    assert real_app.started_s < HANG_S


def test_health_names_the_loaded_build(real_app: RealApp, real_index: Path) -> None:
    health = httpx.get(f"{real_app.url}/api/health").json()
    pointer = read_pointer(real_index)
    assert health["loaded"] is True and health["chunks"] > 100
    assert health["model"].endswith("all-MiniLM-L6-v2")
    assert pointer is not None and health["build_id"] == pointer.build_id


def test_ask_cites_official_sources(real_app: RealApp) -> None:
    data = httpx.post(
        f"{real_app.url}/api/ask",
        json={"question": "How long can a ClusterXchange exchange last?"},
        timeout=60,
    ).json()
    assert data["refused"] is False and "[1]" in data["text"] and "1 month" in data["text"]
    assert all(c["url"].startswith("http") for c in data["citations"])


def test_an_overlong_question_gets_a_polite_200(real_app: RealApp) -> None:
    limit = Settings().max_question_chars
    r = httpx.post(f"{real_app.url}/api/ask", json={"question": "word " * (limit // 5 + 10)}, timeout=60)
    assert r.status_code == 200
    data = r.json()
    assert data["refused"] is True and data["refusal_reason"] == REFUSAL_REASONS["too_long"]
    assert str(limit) in data["text"] and data["citations"] == []
