"""The eligibility self-check form: its handler over a fake and the real Assistant, and the form in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Answer
from assistant.web.eligibility_form import EMPTY, NO, UNKNOWN, UNSUPPORTED, YES, form_values, make_handler
from tests.web.fakes import HOSTILE, SOURCE_URL, answer, citation
from tests.web.servers import RealApp

SME_URL = "https://single-market-economy.ec.europa.eu/smes/sme-definition_en"


class FakeChecker:
    """Records the profile and scheme it is asked about; returns a canned Answer (or None)."""

    def __init__(self, result: Answer | None) -> None:
        self.result = result
        self.calls: list[tuple[Any, Any]] = []

    def check_eligibility(
        self, question: str = "", profile: Any = None, scheme: Any = None, language: Any = None
    ):
        self.calls.append((profile, scheme))
        self.question = question
        return self.result


def small_answer(
    text: str = "With 40 staff and EUR 8 million turnover you are a small enterprise [1].",
) -> Answer:
    return answer(
        text + " Poland is an EU Member State, so it can take part [2].",
        citations=[citation(1, url=SME_URL, title="User guide to the SME definition"), citation(2)],
        notices=["To be sure, we still need to know: your balance-sheet total"],
    )


def run(checker: Any, *fields: Any) -> str:
    values = (*fields, *[None] * (6 - len(fields)))[:6]
    scheme = fields[6] if len(fields) > 6 else "Both"
    return make_handler(lambda: checker)(*values, scheme)


def test_the_form_becomes_a_profile_and_the_answer_is_shown_with_citations_and_links() -> None:
    checker = FakeChecker(small_answer())
    out = run(checker, "40", 8000000.0, "", "Poland", YES, NO, "INNOSUP-1")
    profile, scheme = checker.calls[0]
    assert (profile.headcount, profile.turnover.eur, profile.country) == (40, 8_000_000, "PL")
    assert profile.balance_sheet is None and profile.cluster_member is False and profile.holdings
    assert scheme == "innosup-1"
    assert checker.question == "Staff headcount: 40. Annual turnover: EUR 8 million. Country: Poland."
    assert "- With 40 staff" in out and "small enterprise \\[1\\]\\." in out
    assert "\n- Poland" in out and "\\[2\\]" in out
    assert f'href="{SME_URL}"' in out and f'href="{SOURCE_URL}"' in out
    assert "To be sure, we still need to know: your balance-sheet total" in out


def test_both_schemes_and_unknown_answers_stay_unknown() -> None:
    checker = FakeChecker(small_answer())
    run(checker, "12", "", "2 Mio", "", UNKNOWN, UNKNOWN, "Both")
    profile, scheme = checker.calls[0]
    assert scheme is None and profile.country is None and profile.cluster_member is None
    assert profile.holdings == [] and not profile.ownership_stated
    assert profile.balance_sheet.eur == 2_000_000


def test_nothing_in_the_answer_can_act_in_the_page() -> None:
    out = run(FakeChecker(answer(HOSTILE, citations=[citation(1, url="javascript:alert(1)")])), "40")
    # Markdown shows an escaped sign literally: only an unescaped one could act.
    for sign in ("<script", "<img", "<a href", "javascript:", "](http", "${", "$$"):
        assert re.search(r"(?<!\\)" + re.escape(sign), out) is None, sign
    assert "\\<script\\>" in out and "href=" not in out  # the bad link is dropped


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ((), EMPTY),
        (("", "", "", "Poland", YES, YES), EMPTY),
        (("forty",), "Staff headcount is not a number"),
        (("40", "-5"), "Annual turnover is not a number"),
        (("40", "", "lots"), "Balance\\-sheet total is not a number"),
    ],
)
def test_empty_or_invalid_input_gets_a_message_and_no_call(fields: tuple[Any, ...], expected: str) -> None:
    checker = FakeChecker(small_answer())
    assert expected in run(checker, *fields)
    assert checker.calls == []


def test_no_supported_conclusion_not_ready_and_failures_are_messages() -> None:
    assert run(FakeChecker(None), "40") == UNSUPPORTED.replace(".", "\\.").replace("&", "\\&")
    assert "not loaded yet" in make_handler(lambda: None)("40", "", "", "", UNKNOWN, UNKNOWN, "Both")

    class Broken:
        def check_eligibility(self, **kw: Any) -> Answer:
            raise RuntimeError("boom")

    out = run(Broken(), "40")
    assert "Something went wrong" in out and "boom" not in out and "Traceback" not in out


def test_form_values_keeps_unrecognised_text_for_the_profile_to_report() -> None:
    values, problems = form_values("40", "EUR 8 million", None, "Atlantis", NO, UNKNOWN)
    assert problems == [] and values["ownership"] == "autonomous" and values["country"] == "Atlantis"


def test_real_assistant_finds_a_small_enterprise_with_a_citation(real_index: Path) -> None:
    from assistant import Assistant

    assistant = Assistant.open(real_index)
    out = run(assistant, "40", "8000000", "", "Poland", UNKNOWN, UNKNOWN, "Both")
    assert "small enterprise" in out.lower()
    assert "\\[1\\]" in out and 'class="cd-source"' in out and "href=" in out
    assert "Citation check" not in out  # the figures the user gave count as given


# In the browser --------------------------------------------------------------------------------------------


@pytest.fixture
def page(browser: Any, real_app: RealApp) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(real_app.url + "/")
    page.wait_for_function("() => document.querySelector('#cd-status .cd-ok') !== null")
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_form_in_the_browser(page: Any, output_dir: Path) -> None:
    page.click("#elig-form button")  # the accordion opens
    page.fill("#elig-headcount textarea, #elig-headcount input", "40")
    page.fill("#elig-turnover textarea, #elig-turnover input", "8000000")
    page.fill("#elig-country input", "Poland")
    page.keyboard.press("Escape")
    page.click("#elig-check")
    page.wait_for_function(
        "() => document.querySelector('#elig-result').innerText.includes('[1]')", timeout=60_000
    )
    result = page.inner_text("#elig-result")
    assert "small enterprise" in result.lower() and "[1]" in result
    assert page.locator("#elig-result .cd-source a[href^='http']").count() >= 1
    page.locator("#elig-form").screenshot(path=str(output_dir / "eligibility.png"))
