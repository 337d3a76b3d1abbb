"""The page's handlers called as Gradio calls them, without a browser: what the user sees at each step of an
answer, the length limit, and the one gate that the page and the API share."""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from assistant.feedback import FeedbackStore
from assistant.web import api, app, render
from assistant.web.backend import Backend
from tests.web.fakes import FakeAssistant, answer
from tests.web.servers import fake_settings

QUESTION = "How long can a ClusterXchange exchange last?"


def handlers(tmp_path: Path, assistant: Any, **overrides: Any) -> tuple[dict[str, Any], api.Gate, Any]:
    settings = fake_settings(tmp_path, **overrides)
    gate = api.Gate(settings.concurrency_limit, settings.queue_size)
    backend = Backend.ready_with(assistant, settings)
    blocks = app.build_blocks(backend, settings, FeedbackStore(settings.feedback_db), gate)
    return {d.name: d.fn for d in blocks.fns.values()}, gate, settings


def run_in_own_loop(coroutine: Any) -> Any:
    """asyncio.run on a thread of its own: a browser fixture of another test may hold this thread's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def last_message(update: tuple[Any, ...]) -> str:
    return update[0][-1]["content"]


async def next_update(steps: AsyncIterator[Any], timeout: float = 10) -> tuple[Any, ...]:
    """The next update, copied as Gradio sends it at once (the handler goes on changing its chat list)."""
    return copy.deepcopy(await asyncio.wait_for(steps.__anext__(), timeout))


def test_the_user_sees_progress_before_the_answer_is_computed(tmp_path: Path) -> None:
    held = threading.Event()
    fake = FakeAssistant({QUESTION: answer()}, gates={QUESTION: held})
    fns, gate, _ = handlers(tmp_path, fake)

    async def run() -> list[tuple[Any, ...]]:
        steps = fns["respond"](QUESTION, [], "", "", "", {})
        first = await next_update(steps)
        # The answer is still being computed (the assistant is held), and the user already sees this:
        assert last_message(first) == render.escape_markdown(app.SEARCHING)
        assert first[0][-2]["content"] == render.escape_markdown(QUESTION) and first[1] == ""
        assert render.WAITING in first[2]
        pending = asyncio.ensure_future(next_update(steps))
        await asyncio.sleep(0.3)
        assert not pending.done() and gate.admitted == 1  # held in the assistant, in a slot of the gate
        held.set()
        updates = [first, await pending]
        async for update in steps:
            updates.append(copy.deepcopy(update))
        return updates

    updates = run_in_own_loop(run())
    partial, final = updates[1], updates[-1]
    assert last_message(partial).endswith(" …") and "cd-source" not in partial[2]  # words, no sources yet
    assert "#cd-source-1" in last_message(final) and 'id="cd-source-1"' in final[2]
    assert final[3]["1"]["question"] == QUESTION and gate.admitted == 0


def test_a_question_over_the_limit_gets_the_polite_message_at_once(tmp_path: Path) -> None:
    fake = FakeAssistant({QUESTION: answer()})
    fns, gate, _ = handlers(tmp_path, fake, max_question_chars=100)
    pasted = "Combien reçoit un visiteur ClusterXchange ? " * 20

    async def run() -> list[tuple[Any, ...]]:
        return [u async for u in fns["respond"](pasted, [], "", "", "", {})]

    (update,) = run_in_own_loop(run())
    text = last_message(update)
    assert "trop longue" in text and str(len(pasted.strip())) in text and "100" in text
    assert update[0][-2]["content"].endswith("…") and len(update[0][-2]["content"]) < 2 * app.SHOWN_CHARS
    assert update[1] == gr.skip()  # the question stays in the box, to be shortened
    assert fake.calls == [] and gate.admitted == 0


def test_the_question_box_takes_a_long_paste_but_never_more_than_the_page_accepts(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    blocks = app.build_blocks(
        Backend.ready_with(FakeAssistant(), settings), settings, FeedbackStore(settings.feedback_db)
    )
    box = next(b for b in blocks.blocks.values() if getattr(b, "elem_id", None) == "cd-question")
    assert settings.max_question_chars < box.max_length == app.MAX_PASTE_CHARS
    assert box.max_length * 6 < api.MAX_PAGE_BODY_BYTES  # even as JSON escapes, under the 413 limit


def test_when_the_gate_is_full_the_page_says_busy_at_once(tmp_path: Path) -> None:
    fake = FakeAssistant({QUESTION: answer()})
    fns, gate, _ = handlers(tmp_path, fake, concurrency_limit=1, queue_size=1)

    async def run() -> list[tuple[Any, ...]]:
        gate.admitted = 2  # one running and one waiting, as the API's requests would hold them
        updates = [u async for u in fns["respond"](QUESTION, [], "", "", "", {})]
        draft = await fns["draft"]("Hello, how long can an exchange last?", {})
        return [*updates, draft]

    *updates, draft = run_in_own_loop(run())
    assert last_message(updates[-1]) == render.escape_markdown(api.BUSY)
    assert updates[-1][1] == QUESTION  # back in the box, to send again
    assert draft[0] == api.BUSY and fake.calls == []


def test_one_gate_counts_the_page_and_the_api_together(tmp_path: Path) -> None:
    held = threading.Event()
    fake = FakeAssistant({QUESTION: answer()}, gate=held)
    fns, gate, _ = handlers(tmp_path, fake, concurrency_limit=1, queue_size=0)

    async def run() -> tuple[tuple[Any, ...], Any]:
        steps = fns["respond"](QUESTION, [], "", "", "", {})
        await next_update(steps)
        running = asyncio.ensure_future(next_update(steps))
        await asyncio.sleep(0.3)
        assert gate.admitted == 1
        busy = await api_ask(gate)
        held.set()
        await running
        async for _ in steps:
            pass
        return busy, await api_ask(gate)

    async def api_ask(gate: api.Gate) -> str:
        try:
            async with gate.slot():
                return "answered"
        except api.Busy:
            return "busy"

    busy, after = run_in_own_loop(run())
    assert (busy, after) == ("busy", "answered")


@pytest.mark.parametrize("limit", [1, 3])
def test_answering_events_are_limited_by_the_gate_not_by_gradio(tmp_path: Path, limit: int) -> None:
    settings = fake_settings(tmp_path, concurrency_limit=limit, queue_size=2)
    served = app.create_app(Backend.ready_with(FakeAssistant(), settings), settings)
    blocks = served.state.blocks
    answering = [d for d in blocks.fns.values() if d.name in ("respond", "draft", "check")]
    assert {d.name for d in answering} == {"respond", "draft", "check"}
    assert all(d.concurrency_limit is None for d in answering)
    assert served.state.gate is served.state.api_gate and served.state.gate.limit == limit
    assert blocks._queue.max_size > limit + 2  # Gradio's "queue full" only behind the gate's "busy"
