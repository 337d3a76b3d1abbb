"""The SME eligibility self-check as a form on the page, beside the chat (issue 9).

A form avoids the guesswork of reading figures out of a chat message: each fact has its own field, and "don't
know" stays unknown so the answer can ask for it instead of assuming. The answer is the same cited ``Answer`` the
chat shows, rendered by ``render.py``, so nothing a document says can act in the page here either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from assistant import Answer
from assistant.eligibility import CompanyProfile
from assistant.eligibility.countries import COUNTRIES
from assistant.eligibility.numbers import format_money, parse_headcount, parse_money
from assistant.web import render

log = logging.getLogger(__name__)

YES, NO, UNKNOWN = "Yes", "No", "Don't know"
TRI_STATE = [YES, NO, UNKNOWN]
SCHEMES = {"INNOSUP-1": "innosup-1", "ClusterXchange": "clusterxchange", "Both": None}
COUNTRY_NAMES = sorted(c.name for c in COUNTRIES.values())

EMPTY = "Enter at least your staff headcount, annual turnover or balance-sheet total, then press **Check**."
NOT_READY = "The documents are not loaded yet: please try again in a moment."
FAILED = "Something went wrong while checking. Please try again."
UNSUPPORTED = (
    "The documents indexed here do not let us draw a conclusion from these facts. "
    "Please check the official EU Funding & Tenders Portal."
)
DISCLAIMER = "This self-check is not legal advice and does not decide eligibility."

# A finding ends with its citation markers: "... small enterprise [1]." One list item each.
_FINDING_END = re.compile(r"(?<=\]\.)\s+")


def form_values(
    headcount: Any, turnover: Any, balance_sheet: Any, country: Any, holding: Any, cluster_member: Any
) -> tuple[dict[str, Any], list[str]]:
    """The form's fields as ``CompanyProfile.from_form`` keys, and what is wrong with them, for the user."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    fields = (
        ("headcount", "Staff headcount", headcount, parse_headcount),
        ("turnover", "Annual turnover", turnover, _money),
        ("balance_sheet", "Balance-sheet total", balance_sheet, _money),
    )
    for key, label, raw, parse in fields:
        text = _text(raw)
        if not text:
            continue
        if text.startswith("-") or parse(text) is None:
            problems.append(f"{label} is not a number: {text}")
        else:
            values[key] = text
    if _text(country):
        values["country"] = _text(country)
    if holding == YES:
        values["holdings"] = [{"holder": "enterprise"}]  # 25 % or more, exact share unknown
    elif holding == NO:
        values["ownership"] = "autonomous"
    if cluster_member in (YES, NO):
        values["cluster_member"] = cluster_member == YES
    return values, problems


def _money(text: str) -> Any:
    return parse_money(text, default_currency="EUR")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:200]


def result_markdown(answer: Answer) -> str:
    """The conclusion and each finding as a list with its [n], then the notices and sources panel."""
    text = (answer.text or "").strip()
    findings = [f for f in _FINDING_END.split(text) if f.strip()]
    body = "\n".join(f"- {render.escape_markdown(f)}" for f in findings)
    return "\n\n".join([body, render.sources_html(answer), f"*{render.escape_markdown(DISCLAIMER)}*"])


def facts_summary(profile: CompanyProfile) -> str:
    """The facts as the user gave them: the citation check accepts figures the user stated, not only sourced ones."""
    facts = []
    if profile.headcount is not None:
        facts.append(f"Staff headcount: {profile.headcount:g}.")
    for label, money in (
        ("Annual turnover", profile.turnover),
        ("Balance-sheet total", profile.balance_sheet),
    ):
        if money is not None:
            facts.append(f"{label}: {format_money(money.amount, money.currency)}.")
    if profile.country:
        facts.append(f"Country: {COUNTRIES[profile.country].name}." if profile.country in COUNTRIES else "")
    return " ".join(f for f in facts if f)


def message(text: str) -> str:
    return render.escape_markdown(text)


def make_handler(get_assistant: Callable[[], Any]) -> Callable[..., str]:
    """The Check button's handler; ``get_assistant`` gives the Assistant or None while it is loading."""

    def check(
        headcount: Any,
        turnover: Any,
        balance_sheet: Any,
        country: Any,
        holding: Any,
        cluster_member: Any,
        scheme: Any,
    ) -> str:
        values, problems = form_values(headcount, turnover, balance_sheet, country, holding, cluster_member)
        if problems:
            return "\n\n".join(message(p) for p in [*problems, "Please correct it and press Check again."])
        if not any(k in values for k in ("headcount", "turnover", "balance_sheet")):
            return EMPTY
        assistant = get_assistant()
        if assistant is None:
            return message(NOT_READY)
        try:
            profile = CompanyProfile.from_form(values)
            answer = assistant.check_eligibility(
                question=facts_summary(profile), profile=profile, scheme=SCHEMES.get(scheme), language="en"
            )
        except Exception:
            log.exception("eligibility check failed")
            return message(FAILED)
        if answer is None:
            return message(UNSUPPORTED)
        return result_markdown(answer)

    return check


def gated(handler: Callable[..., str], gate: Any) -> Callable[..., Any]:
    """The handler run in a thread through ``gate`` (``api.Gate``), the one the chat and the API share."""
    from fastapi.concurrency import run_in_threadpool

    from assistant.web.api import BUSY, Busy

    async def check(
        headcount: Any,
        turnover: Any,
        balance_sheet: Any,
        country: Any,
        holding: Any,
        cluster_member: Any,
        scheme: Any,
    ) -> str:
        values = (headcount, turnover, balance_sheet, country, holding, cluster_member, scheme)
        try:
            async with gate.slot():
                return await run_in_threadpool(handler, *values)
        except Busy:
            return message(BUSY)

    return check


def add_eligibility_form(backend: Any, private: dict[str, Any] | None = None, gate: Any = None) -> Any:
    """The collapsible "Check your eligibility" section, inside the ``gr.Blocks`` being built; its accordion.
    With ``gate``, checks take a place in it, as answers do; otherwise Gradio's queue limits them."""
    import gradio as gr

    private = private if private is not None else {"api_visibility": "private"}
    with gr.Accordion("Check your eligibility", open=False, elem_id="elig-form") as box:
        gr.Markdown(
            "Is your company an SME, and can it take part in INNOSUP-1 or ClusterXchange? "
            "Leave a field empty or answer *Don't know* when unsure: the answer says what it still needs."
        )
        with gr.Row():
            headcount = gr.Textbox(label="Staff headcount", placeholder="e.g. 40", elem_id="elig-headcount")
            turnover = gr.Textbox(
                label="Annual turnover (EUR)", placeholder="e.g. 8000000", elem_id="elig-turnover"
            )
            balance = gr.Textbox(
                label="Balance-sheet total (EUR)", placeholder="e.g. 5000000", elem_id="elig-balance"
            )
        with gr.Row():
            country = gr.Dropdown(
                COUNTRY_NAMES,
                value=None,
                label="Country where the company is established",
                allow_custom_value=True,
                filterable=True,
                elem_id="elig-country",
            )
            scheme = gr.Radio(list(SCHEMES), value="Both", label="Scheme", elem_id="elig-scheme")
        with gr.Row():
            holding = gr.Radio(
                TRI_STATE,
                value=UNKNOWN,
                label="Does another enterprise or investor hold 25 % or more of your company?",
                elem_id="elig-holding",
            )
            cluster = gr.Radio(
                TRI_STATE, value=UNKNOWN, label="Are you a member of a cluster?", elem_id="elig-cluster"
            )
        button = gr.Button("Check", variant="primary", size="sm", elem_id="elig-check")
        result = gr.Markdown("", elem_id="elig-result", sanitize_html=True, latex_delimiters=[])
    handler = make_handler(lambda: backend.assistant(wait_s=15.0))
    limits: dict[str, Any] = {"concurrency_limit": None} if gate is not None else {}
    button.click(
        gated(handler, gate) if gate is not None else handler,
        [headcount, turnover, balance, country, holding, cluster, scheme],
        [result],
        show_progress="minimal",
        **limits,
        **private,
    )
    return box
