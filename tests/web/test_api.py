"""The JSON API and the routes around it, against the app served by uvicorn over a fake assistant."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.web import render
from assistant.web.api import BUSY, MAX_BODY_BYTES
from assistant.web.app import page_queue_size
from assistant.web.backend import Backend
from tests.web.fakes import FakeAssistant, answer
from tests.web.servers import SECRET, PageClient, Served, fake_server, fake_settings

QUESTION = "How long can a ClusterXchange exchange last?"


def test_ask_returns_the_answer_dict(served: Served) -> None:
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    r = httpx.post(
        f"{served.url}/api/ask",
        json={
            "question": QUESTION,
            "history": history,
            "filters": {"programme": "ClusterXchange", "call_id": ""},
        },
    )
    assert r.status_code == 200
    assert r.json() == answer().to_dict()
    question, got_history, filters = served.assistant.calls[-1]
    assert question == QUESTION and got_history == history and filters == {"programme": "ClusterXchange"}


def test_unknown_question_is_refused_without_sources(served: Served) -> None:
    data = httpx.post(f"{served.url}/api/ask", json={"question": "Weather in Paris?"}).json()
    assert data["refused"] is True and data["citations"] == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"question": 3},
        {"question": "q", "filters": {"colour": "red"}},
        {"question": "q", "history": [{"x": 1}]},
    ],
)
def test_malformed_requests_get_422(served: Served, body: dict) -> None:
    assert httpx.post(f"{served.url}/api/ask", json=body).status_code == 422


def test_an_oversized_body_gets_413_json(served: Served) -> None:
    r = httpx.post(f"{served.url}/api/ask", json={"question": "x" * (MAX_BODY_BYTES + 10)})
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_health_says_which_index(served: Served) -> None:
    data = httpx.get(f"{served.url}/api/health").json()
    assert data["loaded"] is True and data["status"] == "ready"
    assert (data["build_id"], data["chunks"], data["documents"], data["model"]) == (
        "build-1",
        3,
        3,
        "fake-model",
    )


def test_openapi_describes_the_api(served: Served) -> None:
    doc = httpx.get(f"{served.url}/openapi.json").json()
    assert set(doc["paths"]) == {"/api/ask", "/api/health"}
    request = doc["paths"]["/api/ask"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert request["$ref"].endswith("/AskRequest")
    schemas = doc["components"]["schemas"]
    assert {"question", "history", "filters"} <= set(schemas["AskRequest"]["properties"])
    assert {"text", "refused", "citations", "notices"} <= set(schemas["Answer"]["properties"])
    assert httpx.get(f"{served.url}/docs").status_code == 404  # Swagger UI would load a CDN


def test_page_is_served_with_analytics_off(served: Served) -> None:
    r = httpx.get(f"{served.url}/")
    assert r.status_code == 200 and "<html" in r.text.lower()
    config = httpx.get(f"{served.url}/config").json()
    assert config["analytics_enabled"] is False
    assert SECRET not in r.text and str(served.settings.index_dir) not in str(config)


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """A request with the path exactly as written: clients would normalise the dot segments away."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def traversal_paths(served: Served) -> list[str]:
    index_file = str(Path(served.settings.index_dir) / "current")
    db = str(served.settings.feedback_db)
    toml = str(Path(served.settings.index_dir).parent / "settings.toml")
    dots = "../" * 12
    return [
        f"/file={index_file}",
        f"/gradio_api/file={index_file}",
        f"/gradio_api/file={db}",
        f"/gradio_api/file={toml}",
        f"/gradio_api/file={quote(index_file, safe='')}",
        "/gradio_api/file=/etc/passwd",
        "/file=/etc/passwd",
        "/file=../../.index/current",
        f"/gradio_api/file={dots}etc/passwd",
        "/gradio_api/file=" + "%2e%2e%2f" * 12 + "etc%2fpasswd",
        "/gradio_api/file=" + "%252e%252e%252f" * 12 + "etc%252fpasswd",
        "/gradio_api/file=..%5c..%5c..%5cetc%5cpasswd",
        "/gradio_api/file/etc/passwd",
        "/gradio_api/file=pyproject.toml",
        f"/static/{dots}etc/passwd",
        "/static/" + "%2e%2e/" * 12 + "etc/passwd",
        "/static/" + "..%2f" * 12 + "etc/passwd",
        f"/assets/{dots}etc/passwd",
        "/assets/" + "%2e%2e%2f" * 12 + "etc/passwd",
        f"/{dots}etc/passwd",
        f"/gradio_api/proxy=http://127.0.0.1:{urlsplit(served.url).port}/api/health",
        "/gradio_api/file=http://127.0.0.1/",
        f"/favicon.ico/{dots}etc/passwd",
        "/gradio_api/upload_progress",
        "/monitoring",
    ]


def test_no_route_serves_server_files(served: Served) -> None:
    for path in traversal_paths(served):
        status, body = raw_get(served.url, path)
        assert status in (400, 403, 404, 405), (path, status, body[:200])
        assert b"root:" not in body and SECRET.encode() not in body and b"[project]" not in body, path


def test_gradio_alone_would_refuse_the_files_too(served: Served) -> None:
    """Our middleware is the outer wall; Gradio's own settings (allowed_paths=[]) are the inner one."""
    blocks = served.app.state.blocks
    assert blocks.allowed_paths == []
    assert str(Path(served.settings.index_dir).resolve()) in blocks.blocked_paths
    mount = next(r for r in served.app.routes if getattr(r, "path", None) == "")
    inner = TestClient(mount.app)
    for target in (Path(served.settings.index_dir) / "current", Path("/etc/passwd"), Path("pyproject.toml")):
        r = inner.get(f"/gradio_api/file={target.resolve()}")
        assert r.status_code == 403 and SECRET not in r.text and "root:" not in r.text


def test_busy_beyond_the_queue_gets_a_quick_503(tmp_path: Path) -> None:
    gate = threading.Event()
    slow = FakeAssistant({QUESTION: answer()}, gate=gate)
    with fake_server(tmp_path, slow, concurrency_limit=1, queue_size=1) as s:
        results: list[int] = []

        def ask() -> None:
            results.append(
                httpx.post(f"{s.url}/api/ask", json={"question": QUESTION}, timeout=30).status_code
            )

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while s.app.state.api_gate.admitted < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.perf_counter()
        r = httpx.post(f"{s.url}/api/ask", json={"question": QUESTION}, timeout=30)
        assert r.status_code == 503 and time.perf_counter() - started < 2
        assert "busy" in r.json()["detail"] and r.headers["retry-after"]
        assert len(slow.calls) == 1  # one running, one waiting for the semaphore
        gate.set()
        for t in threads:
            t.join(30)
        assert results == [200, 200]


def test_not_ready_yet_gets_503_and_health_says_building(tmp_path: Path) -> None:
    backend = Backend(fake_settings(tmp_path / "b"))
    backend._on_progress(120, 782)
    with fake_server(tmp_path, backend=backend) as s:
        health = httpx.get(f"{s.url}/api/health").json()
        assert health["loaded"] is False and health["status"] == "building"
        assert health["progress"] == {"embedded": 120, "total": 782}
        r = httpx.post(f"{s.url}/api/ask", json={"question": QUESTION})
        assert r.status_code == 503 and "120 of 782" in r.json()["detail"]


def test_the_page_queue_is_bounded_too(served: Served) -> None:
    blocks = served.app.state.blocks
    assert blocks._queue.max_size == page_queue_size(served.settings)
    assert blocks._queue.default_concurrency_limit == served.settings.concurrency_limit
    answering = [d for d in blocks.fns.values() if d.concurrency_id == "answer"]
    assert [d.name for d in answering] == ["respond", "draft", "draft"]
    assert all(d.concurrency_limit is None for d in answering)  # the shared gate limits them
    ours = [d for d in blocks.fns.values() if d.name != "load_example"]  # gr.Examples fills the textbox
    assert all(d.api_visibility == "private" for d in ours)


def test_the_page_and_the_api_share_one_gate(tmp_path: Path) -> None:
    """Two API requests fill a gate of one running and one waiting: the page's question gets "busy" at once,
    and once they are done the page answers again."""
    held = threading.Event()
    slow = FakeAssistant({QUESTION: answer()}, gate=held)
    with fake_server(tmp_path, slow, concurrency_limit=1, queue_size=1) as s:
        page = PageClient(s.url)
        results: list[int] = []

        def ask() -> None:
            results.append(
                httpx.post(f"{s.url}/api/ask", json={"question": QUESTION}, timeout=30).status_code
            )

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while s.app.state.gate.admitted < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        reply = page.ask(QUESTION)
        assert reply.last == render.escape_markdown(BUSY) and reply.total_s < 2.0, reply.last
        held.set()
        for t in threads:
            t.join(30)
        assert results == [200, 200]
        again = page.ask(QUESTION)
        assert "#cd-source-1" in again.last and s.app.state.gate.admitted == 0
        page.close()
