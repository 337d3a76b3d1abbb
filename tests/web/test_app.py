"""The page in headless Chromium over a fake assistant: hostile content stays inert, every control works."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from assistant.answering.prompts import PORTAL_URL
from assistant.web.app import EXAMPLES, MAX_PASTE_CHARS, SEARCHING
from assistant.web.render import WAITING
from tests.web.fakes import HOSTILE, SOURCE_URL, FakeAssistant, answer, citation
from tests.web.servers import Served, fake_server

pytestmark = pytest.mark.browser

QUESTION = "How long can a ClusterXchange exchange last?"
HOSTILE_QUESTION = "Show me something nasty"
SLOW_QUESTION = "What does a slow answer look like?"
TWO_SOURCES = "Which two sources say how long exchanges last?"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    hostile_citation = citation(
        1,
        title='<img src=x onerror="window.__pwned=5">Title',
        quote="<script>window.__pwned=6</script> ${window.__pwned=7}",
    )
    two = [citation(1), citation(2, title="ClusterXchange money", quote="Stays of up to 1 month are funded.")]
    assistant = FakeAssistant(
        {
            QUESTION: answer(notices=["INNOSUP-1-2015: closed since 2015."]),
            HOSTILE_QUESTION: answer(HOSTILE, citations=[hostile_citation], notices=["<img src=x>"]),
            SLOW_QUESTION: answer(),
            TWO_SOURCES: answer("From 3 working days [1] up to 1 month [2].", citations=two),
        },
        gates={SLOW_QUESTION: threading.Event()},
    )
    with fake_server(tmp_path_factory.mktemp("page"), assistant) as served:
        yield served


@pytest.fixture
def page(browser: Any, site: Served) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(site.url + "/")
    page.wait_for_selector("#cd-question textarea")
    yield page
    context.close()


def ask(page: Any, question: str) -> None:
    page.fill("#cd-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#cd-sources .cd-source, #cd-sources .cd-no-sources') !== null"
    )
    page.wait_for_timeout(200)


def wait_for_reply(page: Any, text: str) -> str:
    page.wait_for_function(
        "t => { const box = document.querySelector('#cd-reply textarea'); return box && box.value.includes(t); }",
        arg=text,
    )
    return page.input_value("#cd-reply textarea")


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT rating, comment, wrong_source, question FROM feedback ORDER BY id"
        ).fetchall()


def test_hostile_content_is_shown_as_text_and_nothing_runs(page: Any, site: Served) -> None:
    ask(page, HOSTILE_QUESTION)
    chat = page.inner_text("#cd-chat")
    assert "<script>window.__pwned = 1</script>" in chat and "![tracker]" in chat
    assert page.evaluate("() => window.__pwned") is None and page.dialogs == []
    assert page.locator("#cd-chat img, #cd-sources img, #cd-chat script, #cd-sources script").count() == 0
    links = page.eval_on_selector_all(
        "#cd-chat a[href], #cd-sources a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    assert links == ["#cd-source-1", SOURCE_URL]  # the marker [1] to its source entry, and the source
    every_link = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert set(every_link) <= {SOURCE_URL, PORTAL_URL, "#cd-source-1"}
    origin = urlsplit(site.url).netloc
    assert [u for u in page.requests if urlsplit(u).netloc != origin] == []


def test_answer_sources_notice_feedback_and_draft(page: Any, site: Served) -> None:
    ask(page, QUESTION)
    assert "[1]" in page.inner_text("#cd-chat")
    sources = page.locator("#cd-sources")
    assert "ClusterXchange: who can take part" in sources.inner_text()
    assert sources.locator(f'a[href="{SOURCE_URL}"]').count() == 1
    assert "closed since 2015" in page.inner_text("#cd-sources .cd-notice")

    page.click("#cd-chat button[aria-label='Like']")
    page.wait_for_function("() => document.querySelector('#cd-feedback-note').innerText.includes('saved')")
    assert rows(site.settings.feedback_db)[-1] == ("up", "", 0, QUESTION)
    page.click("#cd-feedback button.label-wrap, #cd-feedback >> text=Comment on this answer")
    page.fill("#cd-feedback textarea", "The quote is from another call")
    page.check("#cd-feedback input[type=checkbox]")
    page.click("#cd-feedback >> text=Send feedback")
    page.wait_for_function("() => document.querySelector('#cd-feedback textarea').value === ''")
    assert rows(site.settings.feedback_db)[-1] == ("up", "The quote is from another call", 1, QUESTION)

    page.click("#cd-draft")
    reply = wait_for_reply(page, "Kind regards")
    assert f"[1] ClusterXchange: who can take part, p. 3 - {SOURCE_URL}" in reply
    assert "closed" in reply and PORTAL_URL in reply

    page.click("#cd-clear")
    page.wait_for_function("() => !document.querySelector('#cd-chat').innerText.includes('3 working days')")
    assert page.locator("#cd-sources .cd-source").count() == 0


def test_a_pasted_email_is_answered_in_a_draft(page: Any, site: Served) -> None:
    page.click("#cd-drafting >> text=Help-desk reply")
    email = "Dear team,\n\nHow long can a ClusterXchange exchange last?\n\nKind regards,\nJan Novak\n"
    page.fill("#cd-drafting textarea >> nth=0", email)
    page.click("#cd-drafting >> text=Draft a reply")
    assert "[1] ClusterXchange" in wait_for_reply(page, "Dear Jan Novak")
    assert site.assistant.calls[-1][0] == QUESTION


def pick(page: Any, nth: int, option: str) -> None:
    page.click(f"#cd-filters input >> nth={nth}")
    page.click(f"ul[role=listbox] >> text={option}")


def test_filters_list_the_index_values_and_reach_the_assistant(page: Any, site: Served) -> None:
    page.click("#cd-filters >> text=Filters")
    pick(page, 0, "INNOSUP-1")
    ask(page, QUESTION)
    assert site.assistant.calls[-1][2] == {"programme": "INNOSUP-1"}


def test_the_document_type_and_call_filters_reach_the_assistant(page: Any, site: Served) -> None:
    page.click("#cd-filters >> text=Filters")
    pick(page, 1, "guide")
    pick(page, 2, "INNOSUP-1-2015")
    ask(page, QUESTION)
    assert site.assistant.calls[-1][2] == {"doc_type": "guide", "call_id": "INNOSUP-1-2015"}


def test_the_user_sees_progress_at_once_while_the_answer_is_computed(page: Any, site: Served) -> None:
    held = site.assistant.gates[SLOW_QUESTION]
    held.clear()
    try:
        page.fill("#cd-question textarea", SLOW_QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_function("t => document.querySelector('#cd-chat').innerText.includes(t)", arg=SEARCHING)
        assert WAITING in page.inner_text("#cd-sources")  # the answer is still being computed: held
        assert site.assistant.calls[-1][0] == SLOW_QUESTION
    finally:
        held.set()
    page.wait_for_selector("#cd-sources .cd-source")
    page.wait_for_function("t => !document.querySelector('#cd-chat').innerText.includes(t)", arg=SEARCHING)
    assert "3 working days up to 1 month" in page.inner_text("#cd-chat")


def test_a_marker_in_the_answer_takes_the_user_to_its_source(browser: Any, site: Served) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 700})  # a phone: sources below the chat
    page = context.new_page()
    try:
        page.goto(site.url + "/")
        page.wait_for_selector("#cd-question textarea")
        ask(page, TWO_SOURCES)
        links = page.eval_on_selector_all("#cd-chat a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert links == ["#cd-source-1", "#cd-source-2"]
        assert page.locator("#cd-source-2").evaluate("e => e.getBoundingClientRect().top") > 700
        page.click("#cd-chat a[href='#cd-source-2']")
        page.wait_for_function("() => location.hash === '#cd-source-2'")
        assert page.evaluate("() => document.querySelector(':target').id") == "cd-source-2"
        assert "ClusterXchange money" in page.inner_text("#cd-source-2")
        top = page.locator("#cd-source-2").evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < 700  # scrolled into view
        assert len(context.pages) == 1  # the same page, not a new tab
    finally:
        context.close()


def test_the_example_questions_are_shown_and_answer(page: Any, site: Served) -> None:
    shown = page.inner_text("#cd-examples")
    assert all(q in shown for q in EXAMPLES)
    page.click(f"#cd-examples >> text={EXAMPLES[0]}")
    page.wait_for_function(
        "q => document.querySelector('#cd-question textarea').value === q", arg=EXAMPLES[0]
    )
    page.click("#cd-question button")  # the box's Ask button
    page.wait_for_selector("#cd-sources .cd-source")
    assert site.assistant.calls[-1][0] == EXAMPLES[0]
    assert "3 working days up to 1 month" in page.inner_text("#cd-chat")


def test_the_draft_has_a_copy_button_that_copies_it(browser: Any, site: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    try:
        page.goto(site.url + "/")
        page.wait_for_selector("#cd-question textarea")
        ask(page, QUESTION)
        page.click("#cd-draft")
        reply = wait_for_reply(page, "Kind regards")
        page.click("#cd-reply button[aria-label='Copy']")
        page.wait_for_selector("#cd-reply button[aria-label='Copied']")
        assert page.evaluate("() => navigator.clipboard.readText()") == reply
    finally:
        context.close()


def test_the_page_says_what_the_assistant_is_not(page: Any) -> None:
    header = page.inner_text("#cd-header")
    assert "only from the documents indexed here" in header
    assert "not legal advice" in header and "Funding & Tenders Portal" in header
    assert page.locator(f'#cd-header a[href="{PORTAL_URL}"]').count() == 1


@pytest.mark.parametrize("size", [3_000, MAX_PASTE_CHARS + 50_000], ids=["over-the-limit", "over-the-box"])
def test_a_paste_over_the_limit_gets_the_polite_message(page: Any, site: Served, size: int) -> None:
    calls = len(site.assistant.calls)
    pasted = ("How long can a ClusterXchange exchange last? " * (size // 40 + 1))[:size]
    page.fill("#cd-question textarea", pasted)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#cd-chat').innerText.includes('too long')")
    chat = page.inner_text("#cd-chat")
    assert f"the limit is {site.settings.max_question_chars}" in chat
    kept = page.input_value("#cd-question textarea")
    assert kept == pasted[: len(kept)] and len(kept) == min(size, MAX_PASTE_CHARS)  # left to be shortened
    assert page.locator(".toast-body").count() == 0  # no Gradio error
    assert len(site.assistant.calls) == calls


def test_the_status_line_shows_a_build_in_progress(browser: Any, tmp_path: Path) -> None:
    from assistant.web.backend import Backend
    from tests.web.servers import fake_settings

    backend = Backend(fake_settings(tmp_path / "b"))
    backend._on_progress(120, 782)
    with fake_server(tmp_path, backend=backend) as s:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(s.url + "/")
        page.wait_for_function("() => document.querySelector('#cd-status .cd-wait') !== null")
        assert "120 of 782" in page.inner_text("#cd-status")
        ask_text = "How long can a ClusterXchange exchange last?"
        page.fill("#cd-question textarea", ask_text)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => { const c = document.querySelector('#cd-chat'); return c && c.innerText.includes('try again'); }"
        )
        backend._set_ready(FakeAssistant())
        page.wait_for_function("() => document.querySelector('#cd-status .cd-ok') !== null", timeout=10_000)
        context.close()
