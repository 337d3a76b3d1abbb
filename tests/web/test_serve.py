"""``python app.py`` on a machine with no index yet builds one from the corpus, with progress on the console.

(That the page and the API answer while a build runs is tested with a slow stand-in builder in test_backend.py
and test_api.py: a two-file build with the hash embedder is over before the server is up.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.web.servers import REPO, start_app, stop, wait_ready

pytestmark = pytest.mark.slow

DOCS = ["faq/faq-clusterxchange-participants.md", "faq/faq-sme-definition.md"]


def test_first_start_builds_the_index_with_progress(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for name in DOCS:
        (corpus / Path(name).parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "corpus" / name, corpus / name)
    env = {
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
        "ASSISTANT_FEEDBACK_DB": str(tmp_path / "fb.sqlite3"),
        "ASSISTANT_CORPUS_DIRS": f'["{corpus}"]',
        "ASSISTANT_EMBEDDING_MODEL": "hash",
    }
    log = tmp_path / "app.log"
    url, process = start_app(env, log)
    try:
        health = wait_ready(url, 60, process)
        assert health["status"] == "ready" and health["documents"] == 2, health
        assert (tmp_path / "index" / "current").is_file()
        page = httpx.get(f"{url}/").text
        assert "<html" in page.lower()
    finally:
        stop(process)
    output = log.read_text(encoding="utf-8")
    assert "building it from" in output and "embedding" in output and "index built" in output


def test_a_settings_mistake_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "ASSISTANT_CONFIG": str(tmp_path / "missing.toml")}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "missing.toml" in result.stderr and "Traceback" not in result.stderr
