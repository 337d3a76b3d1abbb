"""Every test runs offline, with all state under a temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the index, the feedback store and the config at a temporary directory."""
    from assistant.settings import get_settings

    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)
    monkeypatch.setenv("ASSISTANT_WARM_UP", "false")  # servers started by tests skip the background warm-up
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus indexed once per test session with the real packaged model (slow: ~40-90 s)."""
    from assistant.index.builder import ingest
    from assistant.settings import Settings

    index = tmp_path_factory.mktemp("corpus-index")
    ingest([REPO / "corpus"], Settings(index_dir=index), index_dir=index)
    return index
