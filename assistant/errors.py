"""The exceptions a caller may want to catch, one tree::

AssistantError
├── DocumentSkipped      a corpus file that cannot be indexed (with a reason people can act on)
├── IndexError_          the index is missing, busy, or made with another model
│   ├── IndexLocked      another ingest holds the write lock
│   └── IndexIncompatible  built with another embedding model or chunker
└── LLMError             the optional chat model failed; the extractive answer stands
"""


class AssistantError(Exception):
    """Base of every error this package raises on purpose."""


class DocumentSkipped(AssistantError):
    """A file that is reported and skipped at ingest; ``reason`` is shown in the summary."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IndexError_(AssistantError):
    """The index cannot be used as asked."""


class IndexMissing(IndexError_):
    """No current build exists yet."""


class IndexLocked(IndexError_):
    """Another writer holds the index lock."""


class IndexIncompatible(IndexError_):
    """The index was built with another embedding model or chunker version."""


class LLMError(AssistantError):
    """The chat model failed or its answer did not pass the citation check."""
