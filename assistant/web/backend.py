"""The assistant the web app serves, and where it is in getting ready: loading, building, ready or failed.

The server starts listening at once and the index is opened (or, when there is none, built from the corpus) in a
background thread, so the page can say what is happening instead of hanging; questions asked meanwhile get a
"not ready yet" answer. Once ready, a newly switched-in build is picked up between questions.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.settings import Settings

RELOAD_CHECK_S = 5.0
FILTER_FIELDS = ("programme", "doc_type", "call_id")


class Backend:
    """Holds one Assistant (or the reason there is none yet). Thread-safe; every surface shares one."""

    def __init__(
        self,
        settings: Settings,
        opener: Callable[[], Any] | None = None,
        builder: Callable[[Callable[[int, int], None]], Any] | None = None,
    ) -> None:
        self.settings = settings
        self._opener = opener or self._open_index
        self._builder = builder or self._build_index
        self._assistant: Any | None = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._settled = threading.Event()
        self.state = "starting"
        self.message = "Starting…"
        self.progress: tuple[int, int] = (0, 0)
        self._last_check = 0.0
        self._choices: tuple[str, dict[str, list[str]]] | None = None

    @classmethod
    def ready_with(cls, assistant: Any, settings: Settings) -> Backend:
        """A backend around an assistant that is already open (tests, embedding in another app)."""
        backend = cls(settings, opener=lambda: assistant)
        backend._set_ready(assistant)
        return backend

    # Getting ready -----------------------------------------------------------------------------------------

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._prepare, name="clusterdesk-index", daemon=True)
        thread.start()
        return thread

    def _prepare(self) -> None:
        from assistant.errors import AssistantError, IndexMissing

        try:
            self._set("loading", "Loading the index…")
            try:
                assistant = self._opener()
            except IndexMissing:
                self._set("building", "No index yet: building it from the corpus (first start only)…")
                self._builder(self._on_progress)
                self._set("loading", "Index built; loading it…")
                assistant = self._opener()
            self._set_ready(assistant)
        except AssistantError as exc:
            self._set("failed", f"The index could not be loaded: {exc}")
        except Exception as exc:  # the page must say why, not spin for ever
            self._set("failed", f"The index could not be loaded ({type(exc).__name__}: {exc})")
        finally:
            self._settled.set()
            if self.state == "failed":
                print(f"clusterdesk: {self.message}", file=sys.stderr)

    def _open_index(self) -> Any:
        from assistant import Assistant

        return Assistant.open(self.settings.index_dir, self.settings)

    def _build_index(self, progress: Callable[[int, int], None]) -> Any:
        from assistant.index.builder import ingest

        dirs = [Path(d) for d in self.settings.corpus_dirs]
        print(f"clusterdesk: no index in {self.settings.index_dir}; building it from {dirs}", file=sys.stderr)
        report = ingest(dirs, self.settings, progress=progress)
        print(f"clusterdesk: index built ({report.chunks} chunks in {report.seconds:.0f} s)", file=sys.stderr)
        return report

    def _on_progress(self, done: int, total: int) -> None:
        previous = self.progress
        self.progress = (done, total)
        self._set("building", f"Building the index: {done} of {total} passages embedded…")
        step = max(1, total // 10)
        if total and (done // step != previous[0] // step or done == total):
            print(
                f"clusterdesk: embedding {done}/{total} ({100 * done // total}%)", file=sys.stderr, flush=True
            )

    def _set(self, state: str, message: str) -> None:
        with self._lock:
            self.state, self.message = state, message

    def _set_ready(self, assistant: Any) -> None:
        with self._lock:
            self._assistant = assistant
            self.state = "ready"
            self.message = self._describe(assistant)
            self._last_check = time.monotonic()
        self._ready.set()
        self._settled.set()
        warm = getattr(assistant, "warm_up", None)
        if (
            callable(warm) and self.settings.warm_up
        ):  # sentence vectors in the background: answers get faster, none waits for it
            threading.Thread(target=warm, name="clusterdesk-warm-up", daemon=True).start()

    # Serving -----------------------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until ready or failed; True when ready."""
        self._settled.wait(timeout)
        return self._ready.is_set()

    def assistant(self, wait_s: float = 0.0) -> Any | None:
        """The assistant, or None while it is not ready. Waits a little while it is only loading."""
        if not self._ready.is_set() and wait_s and self.state in ("starting", "loading"):
            self._ready.wait(wait_s)
        with self._lock:
            assistant = self._assistant
            due = assistant is not None and time.monotonic() - self._last_check > RELOAD_CHECK_S
            if due:
                self._last_check = time.monotonic()
        if due:
            self._reload(assistant)
        return assistant

    def _reload(self, assistant: Any) -> None:
        reload = getattr(assistant, "reload_if_changed", None)
        try:
            if callable(reload) and reload():
                with self._lock:
                    self.message = self._describe(assistant)
        except Exception as exc:  # keep serving the build we have
            print(f"clusterdesk: could not switch to the new index build: {exc}", file=sys.stderr)

    def not_ready_message(self) -> str:
        if self.state == "failed":
            return self.message
        return f"{self.message} Please try again in a moment."

    @staticmethod
    def _describe(assistant: Any) -> str:
        info = index_info(assistant)
        model = info["model"].rsplit("/", 1)[-1]
        return (
            f"Answering from {info['chunks']} passages of {info['documents']} documents "
            f"(index build {info['build_id']}, model {model})."
        )

    def health(self) -> dict[str, Any]:
        assistant = self._assistant
        data: dict[str, Any] = {
            "loaded": assistant is not None,
            "status": self.state,
            "message": self.message,
        }
        if assistant is not None:
            data.update(index_info(assistant))
        elif self.state == "building":
            data["progress"] = {"embedded": self.progress[0], "total": self.progress[1]}
        return data

    def filter_choices(self) -> dict[str, list[str]]:
        """Programme, document type and call id values present in the loaded index, sorted."""
        assistant = self._assistant
        if assistant is None:
            return {f: [] for f in FILTER_FIELDS}
        build = str(getattr(assistant, "build_id", ""))
        cached = self._choices
        if cached and cached[0] == build:
            return cached[1]
        values: dict[str, set[str]] = {f: set() for f in FILTER_FIELDS}
        for chunk in getattr(assistant.reader, "chunks", []):
            values["programme"].add(chunk.programme)
            values["doc_type"].add(chunk.doc_type)
            values["call_id"].update(chunk.call_ids)
        choices = {f: sorted(v for v in values[f] if v) for f in FILTER_FIELDS}
        self._choices = (build, choices)
        return choices


def index_info(assistant: Any) -> dict[str, Any]:
    reader = assistant.reader
    manifest = getattr(reader, "manifest", None)
    chunks = getattr(reader, "chunks", [])
    return {
        "build_id": str(getattr(assistant, "build_id", "")),
        "chunks": len(chunks),
        "documents": len({c.doc_id for c in chunks}),
        "model": str(getattr(manifest, "model", "")),
        "created": str(getattr(manifest, "created", "")),
    }
