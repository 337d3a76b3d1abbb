"""The page in headless Chromium over a fake assistant: hostile content stays inert, every control works."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from assistant.answering.prompts import PORTAL_URL
from tests.web.fakes import HOSTILE, SOURCE_URL, FakeAssistant, answer, citation
from tests.web.servers import Served, fake_server

pytestmark = pytest.mark.browser

QUESTION = "How long can a ClusterXchange exchange last?"
HOSTILE_QUESTION = "Show me something nasty"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    hostile_citation = citation(
        1,
        title='<img src=x onerror="window.__pwned=5">Title',
        quote="<script>window.__pwned=6</script> ${window.__pwned=7}",
    )
    assistant = FakeAssistant(
        {
            QUESTION: answer(notices=["INNOSUP-1-2015: closed since 2015."]),
            HOSTILE_QUESTION: answer(HOSTILE, citations=[hostile_citation], notices=["<img src=x>"]),
        }
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
    links = page.eval_on_selector_all("#cd-chat a[href], #cd-sources a[href]", "els => els.map(e => e.href)")
    assert links == [SOURCE_URL]
    every_link = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert set(every_link) <= {SOURCE_URL, PORTAL_URL}
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


def test_filters_list_the_index_values_and_reach_the_assistant(page: Any, site: Served) -> None:
    page.click("#cd-filters >> text=Filters")
    page.click("#cd-filters input >> nth=0")
    page.click("ul[role=listbox] >> text=INNOSUP-1")
    ask(page, QUESTION)
    assert site.assistant.calls[-1][2] == {"programme": "INNOSUP-1"}


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
        page.wait_for_function("() => document.querySelector('#cd-chat').innerText.includes('try again')")
        backend._set_ready(FakeAssistant())
        page.wait_for_function("() => document.querySelector('#cd-status .cd-ok') !== null", timeout=10_000)
        context.close()
