"""Clusterdesk: cited answers about EU cluster and SME innovation funding, from a corpus you ship.

The public surface is small on purpose: ``Assistant`` answers, ``Answer`` is what it returns, ``Settings`` configures
both. Everything else is reached through these or through the command line (``python -m assistant``).
"""

from assistant import _offline  # noqa: F401  (must run before heavy imports)
from assistant.answering.answer import Answer, Citation, RetrievedChunk
from assistant.settings import Settings, get_settings

__all__ = ["Answer", "Assistant", "Citation", "RetrievedChunk", "Settings", "get_settings"]


def __getattr__(name: str):
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    raise AttributeError(name)
