"""Index storage: builds beside the serving one, checked, then switched in atomically; one writer at a time.

``ingest`` writes (incrementally), ``IndexReader.open`` reads the current build, ``rollback`` serves the
previous one again. Storage knows chunks and vectors, never questions.
"""

from assistant.index.builder import BuildCheckFailed, IngestReport, NothingToIndex, cleanup, ingest, rollback
from assistant.index.lock import writer_lock
from assistant.index.manifest import Manifest, Pointer, chunker_version, read_pointer
from assistant.index.reader import IndexReader, check_compatible
from assistant.index.store import FILTER_KEYS, matches_filters, where_from_filters

__all__ = [
    "FILTER_KEYS",
    "BuildCheckFailed",
    "IndexReader",
    "IngestReport",
    "Manifest",
    "NothingToIndex",
    "Pointer",
    "check_compatible",
    "chunker_version",
    "cleanup",
    "ingest",
    "matches_filters",
    "read_pointer",
    "rollback",
    "where_from_filters",
    "writer_lock",
]
