"""One writer per index: a second ingest fails fast with a message instead of corrupting the first's build."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexLocked
from assistant.index.manifest import LOCK

LOCK_TIMEOUT_S = 0.2


@contextmanager
def writer_lock(index_dir: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Path]:
    """Hold the index's lock for the block; an OS lock, so a killed holder releases it with its process."""
    from filelock import FileLock, Timeout

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    lock = FileLock(str(path), timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise IndexLocked(
            f"another ingest is writing the index in {index_dir} (lock {path}); "
            "wait for it to finish and run again"
        ) from None
    try:
        yield path
    finally:
        lock.release()
