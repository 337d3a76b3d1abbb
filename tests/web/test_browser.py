"""The real app (``python app.py`` over an index of corpus/) in headless Chromium, on a laptop and a phone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.servers import RealApp, copy_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWERABLE = "How long can a ClusterXchange exchange last?"
UNANSWERABLE = "What's the weather in Paris tomorrow?"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_page(browser: Any, real_app: RealApp) -> Iterator[Any]:
    contexts = []

    def opener(viewport: dict[str, int]) -> Any:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(real_app.url + "/")
        page.wait_for_function("() => document.querySelector('#cd-status .cd-ok') !== null")
        return page

    yield opener
    for context in contexts:
        context.close()


def ask(page: Any, question: str) -> None:
    page.fill("#cd-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#cd-sources .cd-source, #cd-sources .cd-no-sources') !== null",
        timeout=60_000,
    )


def test_answer_with_sources_and_a_thumbs_up_on_a_laptop(
    open_page: Any, real_app: RealApp, output_dir: Path
) -> None:
    page = open_page({"width": 1280, "height": 900})
    assert "Answering from" in page.inner_text("#cd-status")
    ask(page, ANSWERABLE)
    assert "[1]" in page.inner_text("#cd-chat")
    expected = httpx.post(f"{real_app.url}/api/ask", json={"question": ANSWERABLE}, timeout=60).json()
    first = expected["citations"][0]
    source = page.locator("#cd-source-1")
    assert first["title"] in source.inner_text()
    assert source.locator("a").get_attribute("href") == first["url"]
    page.click("#cd-chat a[href='#cd-source-1']")  # the marker [1] takes the reader to its source
    page.wait_for_function("() => location.hash === '#cd-source-1'")
    assert page.evaluate("() => document.querySelector(':target').id") == "cd-source-1"

    page.click("#cd-chat button[aria-label='Like']")
    page.wait_for_function("() => document.querySelector('#cd-feedback-note').innerText.includes('saved')")
    with sqlite3.connect(real_app.db) as conn:
        stored = conn.execute("SELECT rating, question, sources, settings FROM feedback").fetchall()
    assert [(r[0], r[1]) for r in stored] == [("up", ANSWERABLE)]
    assert first["url"] in stored[0][2] and '"build_id"' in stored[0][3]

    page.evaluate("() => window.scrollTo(0, 0)")
    shot = output_dir / "desktop.png"  # the answer with its sources: for the README's docs/screenshot.png
    page.screenshot(path=str(shot), full_page=True)
    copy_screenshot(shot, output_dir / "readme.png")  # for docs/screenshot.png, copied by hand
    assert (output_dir / "readme.png").stat().st_size < 300_000


def test_refusal_without_sources_on_a_phone(open_page: Any, output_dir: Path) -> None:
    page = open_page(PHONE)
    ask(page, UNANSWERABLE)
    assert "I can't answer that" in page.inner_text("#cd-chat")
    assert page.locator("#cd-sources .cd-source").count() == 0
    assert page.locator("#cd-chat a[href]").count() == 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(output_dir / "phone.png"), full_page=True)
