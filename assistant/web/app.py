"""The web chat: a Gradio page and the JSON API on one FastAPI app, served by one process.

Gradio is imported here and only here, when the app is built, so ``python -m assistant`` stays quick. The page
streams answers, ties [n] markers to a sources panel, drafts help-desk replies and records feedback; the API is in
``api.py``. Nothing on the page comes from a document unescaped (see ``render.py``), and no route serves files.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from assistant import Answer
from assistant.answering.language import detect_language
from assistant.answering.prompts import PORTAL_URL, too_long_message
from assistant.feedback import FeedbackStore, Report, settings_snapshot
from assistant.settings import Settings
from assistant.web import api, drafting, render
from assistant.web.backend import Backend, index_info
from assistant.web.eligibility_form import add_eligibility_form

log = logging.getLogger(__name__)

TITLE = "Clusterdesk"
EXAMPLES = [
    "How long can a ClusterXchange exchange last?",
    "What are the staff headcount limits in the SME definition?",
    "Is the INNOSUP-01-2018-2020 call still open?",
    "Combien reçoit un visiteur ClusterXchange ?",
]
ABOUT = (
    "Answers come <strong>only from the documents indexed here</strong> on EU cluster and SME innovation "
    "funding (INNOSUP-1, ClusterXchange, ECCP, cluster labels, the SME definition, COSME and what followed), "
    "each with its sources. It is <strong>not legal advice</strong> and does not decide eligibility: check the "
    f'official <a href="{PORTAL_URL}" target="_blank">EU Funding &amp; Tenders Portal</a> before applying.'
)
PLACEHOLDER = "Ask about EU cluster and SME funding…"
ANSWER_FAILED = "Something went wrong while answering. Please try again."
SEARCHING = "Searching the documents…"
QUEUED = "Many questions at once: yours is next in line…"
SHOWN_CHARS = 300  # of an over-long question, in the chat
# The question box takes at most this much (a paste is cut by the browser): far over max_question_chars, so a
# long paste still gets the polite "too long" answer, and far under the page's 1 MiB body limit, so never a 413.
MAX_PASTE_CHARS = 100_000
THANKS = "Thank you: your feedback is saved."

# Our page needs no file, upload or proxy route; with them gone no path, however encoded, reaches a file.
_DENIED = re.compile(
    r"(^|/)(file=|file/|proxy=|upload(_progress)?(/|$)|stream/|vibe|run-history|monitoring|dev/reload)",
    re.IGNORECASE,
)

CSS = """
.gradio-container { max-width: 1180px !important; width: 100% !important; margin: 0 auto !important; }
#cd-chat .prose, #cd-sources, #cd-status { overflow-wrap: anywhere; }
#cd-header h1 { font-size: 1.45rem; margin: 0 0 .2rem 0; }
#cd-header p { margin: 0; font-size: .92rem; line-height: 1.4; }
.cd-status { font-size: .85rem; margin: 0; opacity: .85; }
.cd-status.cd-ok::before { content: "● "; color: #1a7f37; }
.cd-status.cd-wait::before { content: "◌ "; color: #9a6700; }
.cd-status.cd-bad { color: #b42318; }
.cd-notice { background: #fff4ce; color: #3d2c00; border-left: 4px solid #d18b00; border-radius: 6px;
  padding: .55rem .8rem; margin: 0 0 .75rem 0; }
.cd-notice ul { margin: .25rem 0 0 1rem; padding: 0; }
#cd-chat blockquote { background: #fff4ce; color: #3d2c00; border-left: 4px solid #d18b00;
  border-radius: 6px; padding: .4rem .7rem; margin: .5rem 0 0 0; }
.cd-heading { font-size: 1rem; margin: 0 0 .5rem 0; }
.cd-sources { list-style: none; padding: 0; margin: 0; }
.cd-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .55rem .75rem;
  margin: 0 0 .6rem 0; overflow-wrap: anywhere; }
.cd-source:target { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent); }
.cd-n { font-weight: 700; color: var(--color-accent); }
#cd-chat a[href^="#cd-source-"] { text-decoration: none; font-weight: 600; }
.cd-where { opacity: .8; }
.cd-quote { margin: .4rem 0; padding: 0 0 0 .6rem; border-left: 3px solid var(--border-color-accent);
  font-style: italic; }
.cd-muted { opacity: .75; font-size: .9rem; }
@media (max-width: 640px) {
  #cd-header h1 { font-size: 1.2rem; }
  #cd-header p { font-size: .85rem; }
}
"""


class DenyFileRoutes:
    """ASGI middleware: 404 for file, upload and proxy routes and for any path that climbs with ``..``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and _denied(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            body = b'{"detail":"Not Found"}'
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 404, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def _denied(scope: dict[str, Any]) -> bool:
    raw = scope.get("raw_path") or scope.get("path", "").encode()
    path = raw.decode("latin-1") + "\n" + scope.get("path", "")
    for _ in range(3):  # %252e%252e and friends
        path = unquote(path)
    path = path.replace("\\", "/")
    return bool(_DENIED.search(path)) or any(part == ".." for part in re.split(r"[/\n]", path))


def _theme() -> Any:
    import gradio as gr

    system = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    # String fonts only: the default theme would fetch Google Fonts, and this page loads nothing from outside.
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=system, font_mono=mono)


def _choices(values: list[str], any_label: str) -> list[tuple[str, str]]:
    return [(any_label, ""), *[(v, v) for v in values]]


def shorten(text: str, n: int = SHOWN_CHARS) -> str:
    """An over-long question as the chat shows it: its start, not the whole paste."""
    return text if len(text) <= n else text[:n].rstrip() + " …"


def too_long(question: str, limit: int) -> str:
    """The assistant's own polite "too long" message, in the question's language."""
    return too_long_message(detect_language(question[:1000]), len(question), limit)


def build_blocks(
    backend: Backend, settings: Settings, store: FeedbackStore, gate: api.Gate | None = None
) -> Any:
    """The page; its handlers close over the backend, the settings, the feedback store and the gate that the
    page's answers share with the API (a new one when not given)."""
    import gradio as gr

    gate = gate or api.Gate(settings.concurrency_limit, settings.queue_size)

    def page_state() -> tuple[Any, ...]:
        choices = backend.filter_choices()
        return (
            render.status_html(backend.message, backend.state),
            gr.Dropdown(choices=_choices(choices["programme"], "Any programme")),
            gr.Dropdown(choices=_choices(choices["doc_type"], "Any document type")),
            gr.Dropdown(choices=_choices(choices["call_id"], "Any call")),
            gr.Timer(active=backend.state not in ("ready", "failed")),
        )

    def prior_history(turns: dict[str, Any]) -> list[dict[str, str]]:
        history = []
        for key in sorted(turns, key=int):
            history.append({"role": "user", "content": turns[key]["question"]})
            history.append({"role": "assistant", "content": turns[key]["answer"]["text"]})
        return history

    async def respond(
        question: str, chat: list[Any], programme: str, doc_type: str, call_id: str, turns: dict
    ):
        """Streams the chat: at once the question and "Searching the documents…", then the answer as it grows,
        then the final answer with its sources. Goes through the gate the API shares: beyond it, "busy"."""
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turns = dict(turns or {})
        chat = list(chat or [])
        limit = settings.max_question_chars
        if len(question) > limit:  # answered here, politely, without a slot; the text stays to be shortened
            chat += [
                {"role": "user", "content": render.escape_markdown(shorten(question))},
                {"role": "assistant", "content": render.escape_markdown(too_long(question, limit))},
            ]
            yield chat, gr.skip(), render.sources_html(None), turns
            return
        chat.append({"role": "user", "content": render.escape_markdown(question)})
        if gate.full:  # one update, at once: no placeholder first when the answer is "busy"
            chat.append({"role": "assistant", "content": render.escape_markdown(api.BUSY)})
            yield chat, question, render.sources_html(None), turns
            return
        chat.append({"role": "assistant", "content": render.escape_markdown(SEARCHING)})
        if gate.waiting:
            chat[-1] = {"role": "assistant", "content": render.escape_markdown(QUEUED)}
        yield chat, "", render.sources_html(None, pending=True), turns
        filters = {
            k: v for k, v in (("programme", programme), ("doc_type", doc_type), ("call_id", call_id)) if v
        }
        answer: Answer | None = None
        try:
            async with gate.slot():
                if chat[-1]["content"] != render.escape_markdown(SEARCHING):
                    chat[-1] = {"role": "assistant", "content": render.escape_markdown(SEARCHING)}
                    yield chat, "", render.sources_html(None, pending=True), turns
                assistant = await run_in_threadpool(backend.assistant, 15.0)
                if assistant is None:
                    chat[-1] = {
                        "role": "assistant",
                        "content": render.escape_markdown(backend.not_ready_message()),
                    }
                    yield chat, "", render.sources_html(None), turns
                    return
                answers = iter(assistant.stream(question, prior_history(turns), filters or None))
                while (partial := await run_in_threadpool(next, answers, None)) is not None:
                    answer = partial
                    chat[-1] = {"role": "assistant", "content": render.answer_markdown(answer, pending=True)}
                    yield chat, "", render.sources_html(None, pending=True), turns
        except api.Busy:  # at once, and the question goes back in the box to be sent again
            chat[-1] = {"role": "assistant", "content": render.escape_markdown(api.BUSY)}
            yield chat, question, render.sources_html(None), turns
            return
        except Exception:
            log.exception("answering failed")
            chat[-1] = {"role": "assistant", "content": render.escape_markdown(ANSWER_FAILED)}
            yield chat, "", render.sources_html(None), turns
            return
        if answer is None:
            return
        chat[-1] = {"role": "assistant", "content": render.answer_markdown(answer)}
        turns[str(len(chat) - 1)] = {
            "question": question,
            "answer": answer.to_dict(),
            "build_id": str(getattr(assistant, "build_id", "")),
            "model": index_info(assistant)["model"],
        }
        yield chat, "", render.sources_html(answer), turns

    def snapshot(turn: dict[str, Any]) -> dict[str, Any]:
        return settings_snapshot(settings, turn.get("build_id", ""), turn.get("model", ""))

    def on_like(turns: dict, rated: dict, data: Any):
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        key = str(index)
        turn = (turns or {}).get(key)
        rated = dict(rated or {})
        if turn is None:
            return rated, ""
        liked = data.liked
        if liked is None or liked == "":
            if key in rated:
                store.delete(rated.pop(key))
            return rated, ""
        rating = "up" if liked is True or str(liked).lower() == "like" else "down"
        if key in rated and store.update(rated[key], rating=rating):
            return rated, THANKS
        report = Report.for_answer(
            turn["question"],
            turn["answer"],
            rating,
            settings=snapshot(turn),
            build_id=turn.get("build_id", ""),
        )
        rated[key] = store.add(report)
        return rated, THANKS

    on_like.__annotations__["data"] = gr.LikeData  # a real class: Gradio passes LikeData by annotation

    def on_comment(comment: str, wrong_source: bool, turns: dict, rated: dict):
        rated = dict(rated or {})
        if not turns:
            return comment, wrong_source, rated, "Ask a question first: feedback is about an answer."
        key = max(turns, key=int)
        if key in rated and store.update(rated[key], comment=comment or "", wrong_source=bool(wrong_source)):
            return "", False, rated, THANKS
        turn = turns[key]
        report = Report.for_answer(
            turn["question"],
            turn["answer"],
            "down" if wrong_source else "none",
            comment=comment or "",
            wrong_source=bool(wrong_source),
            settings=snapshot(turn),
            build_id=turn.get("build_id", ""),
        )
        rated[key] = store.add(report)
        return "", False, rated, THANKS

    async def draft(email: str, turns: dict):
        if (email or "").strip():  # asks the assistant: through the shared gate, like a question
            try:
                async with gate.slot():
                    assistant = await run_in_threadpool(backend.assistant, 15.0)
                    if assistant is None:
                        return backend.not_ready_message(), gr.Accordion(open=True)
                    text = await run_in_threadpool(drafting.draft_from_email, email, assistant.ask)
                    return text, gr.Accordion(open=True)
            except api.Busy:
                return api.BUSY, gr.Accordion(open=True)
        pairs = [
            (turns[k]["question"], Answer.from_dict(turns[k]["answer"])) for k in sorted(turns or {}, key=int)
        ]
        return drafting.draft_reply(pairs), gr.Accordion(open=True)

    def start_over():
        return [], {}, {}, render.sources_html(None), "", "", False, "", ""

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(
            render.sanitize_html(f"<h1>{TITLE}</h1><p>{ABOUT}</p>", [PORTAL_URL]),
            elem_id="cd-header",
            js_on_load=None,
        )
        status = gr.HTML(
            render.status_html(backend.message, backend.state), elem_id="cd-status", js_on_load=None
        )
        timer = gr.Timer(2.0, active=False)
        turns = gr.State({})
        rated = gr.State({})
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    elem_id="cd-chat",
                    label="Conversation",
                    height="58vh",
                    min_height=300,
                    buttons=[],
                    latex_delimiters=[],
                    sanitize_html=True,
                    allow_tags=False,
                    allow_file_downloads=False,
                    placeholder="Ask a question below; answers cite their sources as [1], [2]…",
                )
                question = gr.Textbox(
                    elem_id="cd-question",
                    show_label=False,
                    placeholder=PLACEHOLDER,
                    submit_btn="Ask",
                    lines=1,
                    max_lines=6,
                    max_length=max(MAX_PASTE_CHARS, settings.max_question_chars + 1),
                )
                with gr.Row():
                    clear = gr.Button("Start over", size="sm", elem_id="cd-clear")
                    draft_button = gr.Button("Draft a reply", size="sm", elem_id="cd-draft")
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(render.sources_html(None), elem_id="cd-sources", js_on_load=None)
                with gr.Accordion("Comment on this answer", open=False, elem_id="cd-feedback"):
                    comment = gr.Textbox(label="Comment (optional)", lines=2, max_length=2000)
                    wrong_source = gr.Checkbox(label="A source is wrong or does not support the answer")
                    send = gr.Button("Send feedback", size="sm")
                feedback_note = gr.Markdown("", elem_id="cd-feedback-note")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                gr.Examples(
                    examples=[[q] for q in EXAMPLES],
                    inputs=[question],
                    label="Examples",
                    elem_id="cd-examples",
                )
            with gr.Column(scale=2, min_width=300), gr.Accordion("Filters", open=False, elem_id="cd-filters"):
                programme = gr.Dropdown(_choices([], "Any programme"), value="", label="Programme")
                doc_type = gr.Dropdown(_choices([], "Any document type"), value="", label="Document type")
                call_id = gr.Dropdown(_choices([], "Any call"), value="", label="Call")
        with gr.Accordion("Help-desk reply", open=False, elem_id="cd-drafting") as drafting_box:
            email = gr.Textbox(
                label="Enquiry e-mail (optional)",
                info="Paste an enquiry to answer it; leave empty to draft from the conversation.",
                lines=5,
                max_length=20000,
            )
            draft_again = gr.Button("Draft a reply", size="sm", variant="primary")
            reply = gr.Textbox(
                label="Reply draft: edit before sending", lines=12, buttons=["copy"], elem_id="cd-reply"
            )
        add_eligibility_form(backend, gate=gate)

        private: dict[str, Any] = {"api_visibility": "private"}
        demo.load(page_state, None, [status, programme, doc_type, call_id, timer], queue=False, **private)
        timer.tick(page_state, None, [status, programme, doc_type, call_id, timer], queue=False, **private)
        ask_args = {
            "fn": respond,
            "inputs": [question, chatbot, programme, doc_type, call_id, turns],
            "outputs": [chatbot, question, sources, turns],
            "concurrency_id": "answer",
            "concurrency_limit": None,  # the shared gate limits answers, for the page and the API together
            "show_progress": "minimal",
            **private,
        }
        question.submit(**ask_args)
        chatbot.like(on_like, [turns, rated], [rated, feedback_note], queue=False, **private)
        send.click(
            on_comment,
            [comment, wrong_source, turns, rated],
            [comment, wrong_source, rated, feedback_note],
            **private,
        )
        for button in (draft_button, draft_again):
            button.click(
                draft,
                [email, turns],
                [reply, drafting_box],
                concurrency_id="answer",
                concurrency_limit=None,
                **private,
            )
        chatbot.clear(
            start_over,
            None,
            [chatbot, turns, rated, sources, question, comment, wrong_source, feedback_note, reply],
            queue=False,
            **private,
        )
        clear.click(
            start_over,
            None,
            [chatbot, turns, rated, sources, question, comment, wrong_source, feedback_note, reply],
            queue=False,
            **private,
        )
    return demo


def blocked_paths(settings: Settings) -> list[str]:
    """Server files Gradio must never serve, even if a later change allowed a parent directory."""
    paths = [Path(settings.index_dir), Path(settings.feedback_db).parent, *map(Path, settings.corpus_dirs)]
    return [str(p.resolve()) for p in paths]


def create_app(backend: Backend, settings: Settings, store: FeedbackStore | None = None) -> FastAPI:
    """The FastAPI app: /api routes and /openapi.json first, the Gradio page mounted at /."""
    import gradio as gr

    store = store or FeedbackStore(settings.feedback_db)
    app = FastAPI(
        title=f"{TITLE} API",
        version="1",
        description=api.__doc__ or "",
        docs_url=None,  # Swagger UI loads scripts from a CDN; /openapi.json is enough
        redoc_url=None,
    )
    api.limit_body(app)
    gate = api.Gate(settings.concurrency_limit, settings.queue_size)  # one for the API and the page
    router = api.make_router(backend, settings, gate)
    app.include_router(router)
    demo = build_blocks(backend, settings, store, gate)
    # Answering events leave Gradio's queue at once for the shared gate, which says "busy" in the chat; Gradio's
    # own bound is only a backstop (its "queue full" is an error toast), so it is set well beyond the gate's.
    # Gradio processes at most ``max_threads`` events at once (40 by default): the gate's waiting answers hold
    # such places, so a burst's "busy" replies would wait behind them. Room for every place the queue allows.
    demo.max_threads = page_queue_size(settings)
    demo.queue(
        default_concurrency_limit=settings.concurrency_limit,
        max_size=page_queue_size(settings),
        api_open=False,
    )
    gr.mount_gradio_app(
        app,
        demo,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        footer_links=[],
        run_history=False,
        allowed_paths=[],
        blocked_paths=blocked_paths(settings),
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        theme=_theme(),
        css=CSS,
    )
    app.add_middleware(DenyFileRoutes)
    app.state.backend, app.state.store, app.state.blocks = backend, store, demo
    app.state.api_gate = app.state.gate = gate
    return app


def page_queue_size(settings: Settings) -> int:
    """Gradio's queue bound: beyond every place the gate has, so the gate answers "busy" first."""
    return 2 * (settings.concurrency_limit + settings.queue_size) + 32
