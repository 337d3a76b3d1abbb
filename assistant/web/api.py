"""The JSON API, served by the same process as the page: ``POST /api/ask`` and ``GET /api/health``.

Status codes a client must handle:
- 200: an ``Answer`` (``Answer.to_dict()``). A question over ``max_question_chars`` is answered 200 too, with the
  assistant's polite "too long" refusal (``refused: true``, ``refusal_reason`` says why): every surface renders
  the same object, so a client needs no special case.
- 413: the request body is over ``MAX_BODY_BYTES`` (a JSON message; nothing is parsed).
- 422: a malformed request (unknown filter, wrong types).
- 503: busy (more than ``queue_size`` requests already waiting, counting the page's questions: one gate serves
  both) or the index is not ready yet; both a JSON message with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant import Answer
from assistant.settings import Settings
from assistant.web.backend import Backend

MAX_BODY_BYTES = 256 * 1024
MAX_PAGE_BODY_BYTES = 1024 * 1024  # the Gradio page's own requests
MAX_HISTORY = 40
LOAD_WAIT_S = 10.0
BUSY = "The assistant is busy; please try again in a few seconds."


class Message(BaseModel):
    """One turn of the conversation so far (Gradio's messages format)."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: str


class Filters(BaseModel):
    """Narrow the search; an empty or missing value means no filter on that field."""

    model_config = ConfigDict(extra="forbid")
    programme: str | None = None
    doc_type: str | None = None
    call_id: str | None = None
    language: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v}


class AskRequest(BaseModel):
    question: str = Field(description="The question; over max_question_chars it gets a polite refusal.")
    history: list[Message] = Field(default_factory=list, max_length=MAX_HISTORY)
    filters: Filters | None = None


class ErrorMessage(BaseModel):
    detail: str


class Health(BaseModel):
    model_config = ConfigDict(extra="allow")
    loaded: bool
    status: str = Field(description="starting, loading, building, ready or failed")
    message: str
    build_id: str | None = None
    chunks: int | None = None
    documents: int | None = None
    model: str | None = None


class Busy(Exception):
    """No slot: ``concurrency_limit`` answers are running and ``queue_size`` are waiting already."""


@dataclass
class Gate:
    """At most ``limit`` answers at once and ``queue_size`` waiting; beyond that, an immediate "busy".

    One gate is shared by the API and the page's answering events (``app.py``), so together they never compute
    more than ``limit`` answers at once. It lives on the event loop: only coroutines on that loop touch it.
    """

    limit: int
    queue_size: int

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(max(1, self.limit))
        self.admitted = 0  # running + waiting; only touched on the event loop thread

    @property
    def full(self) -> bool:
        """Whether a newcomer would be told "busy": every running and waiting place is taken."""
        return self.admitted >= max(1, self.limit) + max(0, self.queue_size)

    def try_enter(self) -> bool:
        if self.full:
            return False
        self.admitted += 1
        return True

    def leave(self) -> None:
        self.admitted -= 1

    @property
    def waiting(self) -> bool:
        """Whether a newcomer would wait for a slot (every running place is taken)."""
        return self.semaphore.locked()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one running place for the block; raises ``Busy`` at once when the queue is full."""
        if not self.try_enter():
            raise Busy(BUSY)
        try:
            async with self.semaphore:
                yield
        finally:
            self.leave()


def _busy(detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})


def make_router(backend: Backend, settings: Settings, gate: Gate | None = None) -> APIRouter:
    """The /api routes; ``gate`` is the one the page's answers go through too (a new one when not given)."""
    router = APIRouter(prefix="/api", tags=["assistant"])
    gate = gate or Gate(settings.concurrency_limit, settings.queue_size)

    @router.post(
        "/ask",
        response_model=Answer,
        summary="Answer one question with numbered sources",
        responses={413: {"model": ErrorMessage}, 503: {"model": ErrorMessage}},
    )
    async def ask(request: AskRequest) -> Any:
        try:
            async with gate.slot():
                assistant = await run_in_threadpool(backend.assistant, LOAD_WAIT_S)
                if assistant is None:
                    return _busy(backend.not_ready_message())
                history = [m.model_dump() for m in request.history]
                filters = request.filters.as_dict() if request.filters else None
                answer = await run_in_threadpool(assistant.ask, request.question, history, filters)
                return answer.to_dict()
        except Busy:
            return _busy(BUSY)

    @router.get("/health", response_model=Health, summary="Whether an index is loaded, and which")
    async def health() -> Any:
        return backend.health()

    router.gate = gate  # type: ignore[attr-defined]  (tests read how many are admitted)
    return router


def limit_body(app: FastAPI, max_bytes: int = MAX_BODY_BYTES, page_bytes: int = MAX_PAGE_BODY_BYTES) -> None:
    """Refuse oversized bodies on every route (the page's queue too) by counting the bytes as they stream in, so
    neither a large Content-Length nor a chunked body without one is ever read whole."""
    app.add_middleware(BodyLimit, api_bytes=max_bytes, page_bytes=page_bytes)


class BodyLimit:
    """Pure ASGI middleware: a request body is read up to its limit before the app sees it (at most 1 MiB held),
    and one that passes the limit gets 413 with a JSON message instead."""

    def __init__(self, app: Any, api_bytes: int, page_bytes: int) -> None:
        self.app, self.api_bytes, self.page_bytes = app, api_bytes, page_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.api_bytes if scope.get("path", "").startswith("/api/") else self.page_bytes
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await _too_large(scope, receive, send, limit)
            return
        messages: list[dict] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await _too_large(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> dict:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: dict, receive: Any, send: Any, limit: int) -> None:
    response = JSONResponse(
        {"detail": f"The request is too large (over {limit // 1024} KiB)."}, status_code=413
    )
    await response(scope, receive, send)
