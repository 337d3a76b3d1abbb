"""``python app.py``: serve the chat page and the JSON API on ``ASSISTANT_HOST:ASSISTANT_PORT`` (loopback:7860).

The index is opened, or built from the corpus when there is none, in a background thread that starts before
Gradio is even imported; the server listens meanwhile and the page shows a status line, so start-up is bounded
by the imports, not by the index.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.errors import AssistantError
from assistant.settings import Settings, get_settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="bind address (default: ASSISTANT_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: ASSISTANT_PORT, 7860)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings: Settings = get_settings()
    except AssistantError as exc:  # a typo in a setting or a missing config file: one line, no traceback
        print(f"app.py: {exc}", file=sys.stderr)
        return 2
    updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if updates:
        settings = settings.model_copy(update=updates)

    from assistant.web.backend import Backend

    backend = Backend(settings)
    backend.start()

    import uvicorn

    from assistant.feedback import FeedbackStore
    from assistant.web.app import create_app

    app = create_app(backend, settings, FeedbackStore(settings.feedback_db))
    if not _is_loopback(settings.host):
        print(
            f"clusterdesk: WARNING: listening on {settings.host}, reachable beyond this machine; "
            "put it behind a proxy with authentication",
            file=sys.stderr,
        )
    print(
        f"clusterdesk: serving on http://{settings.host}:{settings.port}/ (API: /api/ask, /api/health)",
        flush=True,
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", server_header=False)
    return 0
