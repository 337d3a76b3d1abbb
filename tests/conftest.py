"""Every test runs offline, with all state under a temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
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


_INDEX_FIXTURES = ("corpus_index", "real_index")


def _needs_index(item: pytest.Item) -> bool:
    return any(name in getattr(item, "fixturenames", ()) for name in _INDEX_FIXTURES)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests over the real index run last, so the rest of the suite runs while it is built."""
    items.sort(key=_needs_index)


@pytest.fixture(scope="session", autouse=True)
def _index_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Start ``ingest.py`` for the real index in the background when a collected test will need it."""
    if os.environ.get("CLUSTERDESK_TEST_INDEX") or not any(map(_needs_index, request.session.items)):
        yield None
        return
    root = tmp_path_factory.mktemp("real")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    with open(root / "ingest.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "ingest.py", "--corpus", "corpus", "--index", str(root / "index"), "--json"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        yield root, process
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="session")
def corpus_index(_index_build) -> Path:
    """The shipped corpus indexed once per session with the real packaged model (``ingest.py``, ~1 minute,
    started in the background). Point CLUSTERDESK_TEST_INDEX at a built index to skip the build."""
    given = os.environ.get("CLUSTERDESK_TEST_INDEX")
    if given:
        return Path(given)
    root, process = _index_build
    code = process.wait(timeout=900)
    assert code == 0, (root / "ingest.log").read_text(encoding="utf-8")[-3000:]
    return root / "index"
