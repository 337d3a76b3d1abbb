"""The real ``python app.py`` over a real index whose corpus carries markup: the web surface under attack.

Rendered answers and sources hold nothing executable and link only to the corpus's source URLs; no file route
serves a file, however the path is encoded; oversized input gets a clear message; requests beyond the queue get a
fast "busy" and the server recovers. One app per module (stand-in embedder, concurrency 1, queue 1).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup

from assistant.answering.answer import Answer
from assistant.answering.prompts import PORTAL_URL, REFUSAL_REASONS
from assistant.index.builder import ingest
from assistant.settings import Settings
from assistant.web import render
from assistant.web.api import BUSY
from assistant.web.app import ANSWER_FAILED
from tests.hardening.helpers import App, copy_stub, start_app, stop
from tests.web.servers import CHROMIUM, CHROMIUM_ARGS, PageClient, chromium_or_fail

SECRET = "HARDENING-SECRET-31f9"
EVIL = "https://evil.example"
MARKUP_DOC = f"""---
id: markup-guide
title: "Voucher payments <details open ontoggle=alert(1)> & <b onmouseover=alert(2)>bold</b> ${{alert(4)}}"
doc_type: guide
programme: INNOSUP-1
source_urls: [https://example.org/markup-guide]
updated: 2026-01-10
language: en
---

## Voucher payments <input autofocus onfocus=alert(3)>

Voucher payments reach the SME within 30 days of approval <input autofocus onfocus=alert(3)> by the project.

Voucher claims are checked by the [portal team]({EVIL}/phish) within 10 days, see {EVIL}/x for details.

Voucher reports use the template {{{{7*7}}}} ${{alert(5)}} with a <b onmouseover=alert(6)>signature</b> page.
"""
JS_LINK_DOC = """---
id: voucher-timing
title: "Voucher timing"
doc_type: faq
programme: INNOSUP-1
source_urls: ["javascript:alert(7)"]
updated: 2026-01-10
language: en
---

## How often are voucher payments made?

Voucher payments are made twice a year, in March and in September.
"""
MARKUP_QUESTIONS = [
    "When do voucher payments reach the SME?",
    "How are voucher claims checked?",
    "What template do voucher reports use?",
    "How often are voucher payments made?",
    "<img src=x onerror=alert(8)> What is the maximum voucher per SME?",
]
CORPUS_URLS = {
    "https://example.org/markup-guide",
    "https://example.org/alpha",
    "https://example.org/exchanges",
    "https://example.org/vouchers",
}
BUSY_BURST = 16
MARKER_LINK = re.compile(r"\[\\\[(\d+)\\\]\]\(#cd-source-(\d+)\)")
SOURCE_ANCHOR = re.compile(r"#cd-source-\d+")


@dataclass
class Site:
    app: App
    settings: Settings
    root: Path

    @property
    def url(self) -> str:
        return self.app.url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("web")
    corpus = copy_stub(root / "corpus")
    (corpus / "markup-guide.md").write_text(MARKUP_DOC, encoding="utf-8")
    (corpus / "voucher-timing.md").write_text(JS_LINK_DOC, encoding="utf-8")
    settings = Settings(
        index_dir=root / "index",
        feedback_db=root / "data" / "feedback.sqlite3",
        corpus_dirs=[corpus],
        embedding_model="hash",
        min_evidence=0.3,
        concurrency_limit=1,
        queue_size=1,
    )
    ingest([corpus], settings)
    (root / "index" / "SECRET.txt").write_text(SECRET, encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "SECRET.txt").write_text(SECRET, encoding="utf-8")
    env = {
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_FEEDBACK_DB": str(settings.feedback_db),
        "ASSISTANT_CORPUS_DIRS": f'["{corpus}"]',
        "ASSISTANT_EMBEDDING_MODEL": "hash",
        "ASSISTANT_MIN_EVIDENCE": "0.3",
        "ASSISTANT_CONCURRENCY_LIMIT": "1",
        "ASSISTANT_QUEUE_SIZE": "1",
    }
    app = start_app(env, root / "app.log")
    try:
        yield Site(app, settings, root)
    finally:
        stop(app.process)


def ask(site: Site, question: str, **extra: Any) -> Answer:
    r = httpx.post(f"{site.url}/api/ask", json={"question": question, **extra}, timeout=30)
    assert r.status_code == 200, r.text[:300]
    return Answer.from_dict(r.json())


# What the page renders ------------------------------------------------------------------------------------------


def _inert(fragment: str) -> list[str]:
    """What in an HTML fragment could act: unknown tags, event handlers, links outside the corpus."""
    problems = []
    for tag in BeautifulSoup(fragment, "html.parser").find_all(True):
        if tag.name not in render.ALLOWED_TAGS:
            problems.append(f"tag <{tag.name}>")
        for name, value in tag.attrs.items():
            if name.lower().startswith("on") or name.lower() in ("style", "src", "srcdoc", "formaction"):
                problems.append(f"attribute {name}={value!r} on <{tag.name}>")
        if tag.name == "a" and tag.get("href") not in CORPUS_URLS:
            problems.append(f"link to {tag.get('href')!r}")
    if "${" in fragment:
        problems.append("template expression ${")
    return problems


def test_the_markup_in_the_corpus_reaches_the_answers(site: Site) -> None:
    """Without this the rendering tests below would prove nothing."""
    texts = [ask(site, q) for q in MARKUP_QUESTIONS[:3]]
    assert "<input autofocus onfocus=alert(3)>" in texts[0].text
    assert "portal team" in texts[1].text and f"{EVIL}/x" in texts[1].text
    assert "onmouseover" in texts[2].text and "<details" in texts[2].citations[0].title


@pytest.mark.parametrize("question", MARKUP_QUESTIONS)
def test_rendered_answers_and_sources_hold_no_executable_html(site: Site, question: str) -> None:
    answer = ask(site, question)
    panel = render.sources_html(answer)
    assert not _inert(panel), _inert(panel)
    chat = render.answer_markdown(answer).replace("> **Note:** ", "")  # the notice quote is ours
    markers = MARKER_LINK.findall(chat)  # [\[n\]](#cd-source-n): ours, to a source the answer lists
    assert {int(n) for n, m in markers if n == m} == {
        c.n for c in answer.citations if f"[{c.n}]" in answer.text
    }
    assert all(n == m for n, m in markers), markers
    chat = MARKER_LINK.sub("", chat)
    unescaped = [i for i, ch in enumerate(chat) if ch in "<>[]()!`:" and (i == 0 or chat[i - 1] != "\\")]
    assert not unescaped, chat
    links = {a.get("href") for a in BeautifulSoup(panel, "html.parser").find_all("a")}
    assert links <= {c.url for c in answer.citations} <= CORPUS_URLS | {"javascript:alert(7)"}
    assert "javascript:" not in panel


# The page in a real browser ---------------------------------------------------------------------------------------

ANSWERED = """n => {
  const bots = document.querySelectorAll('#cd-chat [data-testid=bot]');
  const last = bots.length ? bots[bots.length - 1].innerText.trim() : '';
  const sources = document.querySelector('#cd-sources .cd-source, #cd-sources .cd-no-sources');
  return bots.length > n && !last.endsWith('…') && sources !== null;
}"""
PAGE_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr);
    }
  }
  for (const root of document.querySelectorAll('#cd-chat, #cd-sources')) {
    for (const el of root.querySelectorAll('script, iframe, object, embed, details, form, input, math, style')) {
      if (!el.closest('svg')) bad.push('element ' + el.tagName);  // Gradio's own icons style their paths
    }
    for (const img of root.querySelectorAll('img')) {
      if (!img.src.startsWith(location.origin) && !img.src.startsWith('data:')) bad.push('image ' + img.src);
    }
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.browser
def test_the_page_in_chromium_runs_nothing_from_the_documents(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(site.url + "/")
        page.wait_for_function("() => document.querySelector('#cd-status .cd-ok') !== null", timeout=30_000)
        for question in MARKUP_QUESTIONS:
            before = page.evaluate("() => document.querySelectorAll('#cd-chat [data-testid=bot]').length")
            page.fill("#cd-question textarea", question)
            page.keyboard.press("Enter")
            page.wait_for_function(ANSWERED, arg=before, timeout=30_000)
            page.hover("#cd-chat")
            page.hover("#cd-sources")
            assert page.evaluate(PAGE_CHECK) == [], question
        chat = page.inner_text("#cd-chat")
        assert "<input autofocus onfocus=alert(3)>" in chat  # shown as text, not made into an element
        links = page.eval_on_selector_all(
            "#cd-chat a[href], #cd-sources a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        anchors = {h for h in links if SOURCE_ANCHOR.fullmatch(h)}
        assert anchors and set(links) - anchors <= CORPUS_URLS  # the markers go to sources on the page
        every_link = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert set(every_link) - anchors <= CORPUS_URLS | {PORTAL_URL}
        page.wait_for_timeout(300)
        assert dialogs == []
        page.evaluate(  # the check itself sees an element that could act (else it would prove nothing)
            "() => { const d = document.createElement('details'); d.setAttribute('ontoggle', 'x');"
            " document.querySelector('#cd-chat').appendChild(d); }"
        )
        assert len(page.evaluate(PAGE_CHECK)) == 2
        origin = urlsplit(site.url).netloc
        assert [u for u in requests if urlsplit(u).netloc != origin] == []
    finally:
        context.close()


# File routes ------------------------------------------------------------------------------------------------------


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """Send the request target exactly as written: no client normalises the dots or the encoding away."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def traversal_targets(site: Site) -> list[str]:
    index = site.settings.index_dir.resolve()
    db = site.settings.feedback_db.resolve()
    secret = index / "SECRET.txt"
    up = "../" * 10
    return [
        f"/file={up}etc/passwd",
        "/file=/etc/passwd",
        "/gradio_api/file=/etc/passwd",
        f"/gradio_api/file={up}etc/passwd",
        "/file=" + "%2e%2e%2f" * 10 + "etc%2fpasswd",
        "/gradio_api/file=" + "%2e%2e%2f" * 10 + "etc%2fpasswd",
        "/gradio_api/file=" + "%252e%252e%252f" * 10 + "etc%252fpasswd",
        "/gradio_api/file=" + "%25252e%25252e%25252f" * 10 + "etc%25252fpasswd",
        "/gradio_api/file=" + "..%5c" * 10 + "etc%5cpasswd",
        "/gradio_api/file=" + "..\\" * 10 + "etc\\passwd",
        "/gradio_api/file=" + "%c0%ae%c0%ae%c0%af" * 10 + "etc/passwd",
        f"/static/{up}etc/passwd",
        "/static/" + "%2e%2e/" * 10 + "etc/passwd",
        "/static/" + "..%2f" * 10 + "etc/passwd",
        f"/assets/{up}etc/passwd",
        f"/{up}etc/passwd",
        "/" + "%2e%2e%2f" * 10 + "etc/passwd",
        f"/gradio_api/file={secret}",
        f"/file={secret}",
        f"/gradio_api/file={quote(str(secret), safe='')}",
        f"/gradio_api/file={db}",
        f"/gradio_api/file={db.parent / 'SECRET.txt'}",
        f"/gradio_api/file={index / 'current'}",
        f"/gradio_api/file/{secret}",
        f"/gradio_api/file={site.root}/corpus/markup-guide.md",
        f"/gradio_api/proxy={EVIL}/x",
        f"/gradio_api/file={EVIL}/x",
        "/gradio_api/upload_progress?upload_id=1",
        f"/favicon.ico/{up}etc/passwd",
    ]


def test_no_file_route_serves_a_file(site: Site) -> None:
    served = []
    for target in traversal_targets(site):
        status, body = raw_get(site.url, target)
        leaked = any(
            m in body for m in (b"root:", SECRET.encode(), b"SQLite format 3", b"build_id", b"---\nid:")
        )
        if status not in (400, 403, 404, 405) or leaked:
            served.append(f"{target} -> {status} {body[:80]!r}")
    assert not served, "\n".join(served)


def test_uploads_are_refused(site: Site) -> None:
    files = {"files": ("x.html", b"<script>alert(1)</script>", "text/html")}
    r = httpx.post(f"{site.url}/gradio_api/upload", files=files, timeout=10)
    assert r.status_code in (403, 404, 405)


# Oversized input --------------------------------------------------------------------------------------------------


def test_an_oversized_body_gets_a_clear_413(site: Site) -> None:
    r = httpx.post(f"{site.url}/api/ask", json={"question": "x" * 400_000}, timeout=30)
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_an_overlong_question_gets_a_polite_answer(site: Site) -> None:
    limit = site.settings.max_question_chars
    answer = ask(site, "voucher " * (limit // 8 + 5))
    assert answer.refused and answer.refusal_reason == REFUSAL_REASONS["too_long"]
    assert str(limit) in answer.text and answer.citations == []


def _chunked(size: int) -> Iterator[bytes]:
    yield b'{"question": "'
    sent = 0
    while sent < size:
        yield b"x" * 65536
        sent += 65536
    yield b'"}'


def test_an_oversized_chunked_body_gets_413_too(site: Site) -> None:
    r = httpx.post(
        f"{site.url}/api/ask",
        content=_chunked(4 * 2**20),
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413 and len(r.content) < 10_000


def test_an_oversized_body_to_the_page_queue_gets_413(site: Site) -> None:
    body = {"data": ["x" * (4 * 2**20)], "fn_index": 0, "session_hash": "hardening", "trigger_id": 1}
    r = httpx.post(f"{site.url}/gradio_api/queue/join", json=body, timeout=30)
    assert r.status_code == 413


# Busy -------------------------------------------------------------------------------------------------------------


def test_requests_beyond_the_queue_get_a_fast_busy_and_the_server_recovers(site: Site) -> None:
    clients = [httpx.Client(timeout=60) for _ in range(BUSY_BURST)]
    for client in clients:  # connections open before the burst, so only the server's answer is timed
        client.get(f"{site.url}/api/health").raise_for_status()
    barrier = threading.Barrier(BUSY_BURST)
    results: list[tuple[int, float, str, str]] = []
    question = "What is the maximum voucher per SME and may the cap be exceeded? " * 25

    def one(client: httpx.Client) -> None:
        barrier.wait()
        started = time.perf_counter()
        r = client.post(f"{site.url}/api/ask", json={"question": question[:1900]})
        detail = r.json().get("detail", "") if r.status_code == 503 else ""
        results.append(
            (r.status_code, time.perf_counter() - started, detail, r.headers.get("retry-after", ""))
        )

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    for client in clients:
        client.close()
    busy = [r for r in results if r[0] == 503]
    assert {r[0] for r in results} <= {200, 503} and len(results) == BUSY_BURST
    assert busy and len(busy) < BUSY_BURST, results
    assert all("busy" in r[2] and r[3] for r in busy)
    assert max(r[1] for r in busy) < 2.0, busy  # refused at once, not after waiting
    started = time.monotonic()
    while True:
        r = httpx.post(
            f"{site.url}/api/ask", json={"question": "How long does an exchange visit last?"}, timeout=30
        )
        if r.status_code == 200 or time.monotonic() - started > 10:
            break
        time.sleep(0.2)
    assert r.status_code == 200 and "1 month" in r.json()["text"]
    assert httpx.get(f"{site.url}/api/health", timeout=10).json()["status"] == "ready"


def test_a_flood_of_the_pages_own_queue_gets_a_fast_busy_and_the_server_recovers(site: Site) -> None:
    """The page's questions go through the gate the API uses: in a burst through Gradio's queue, those beyond
    the gate's places get "busy" in the chat at once (no Gradio error), and the page answers right after."""
    pages = [PageClient(site.url) for _ in range(BUSY_BURST)]
    barrier = threading.Barrier(BUSY_BURST)
    replies: list[Any] = []
    question = ("What is the maximum voucher per SME and may the cap be exceeded? " * 25)[:1900]

    def one(page: PageClient) -> None:
        barrier.wait()
        replies.append(page.ask(question))

    threads = [threading.Thread(target=one, args=(p,)) for p in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    busy_text = render.escape_markdown(BUSY)
    busy = [r for r in replies if r.last == busy_text]
    answered = [r for r in replies if r.last != busy_text]
    assert len(replies) == BUSY_BURST and {r.status for r in replies} == {200}, [r.last for r in replies]
    assert busy and answered, [r.last[:80] for r in replies]
    assert not any(ANSWER_FAILED in r.last for r in answered)
    assert max(r.total_s for r in busy) < 2.0, sorted(r.total_s for r in busy)  # refused at once
    assert not any(
        m.get("msg") == "process_completed" and not m.get("success", True)
        for r in replies
        for m in r.messages
    )
    started = time.monotonic()
    while True:
        again = pages[0].ask("How long does an exchange visit last?")
        if again.last != busy_text or time.monotonic() - started > 10:
            break
        time.sleep(0.2)
    assert "1 month" in again.last
    for page in pages:
        page.close()
