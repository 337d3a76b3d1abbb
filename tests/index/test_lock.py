"""One writer at a time: the second fails fast with IndexLocked and changes nothing."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.errors import IndexLocked
from assistant.index import ingest, read_pointer, writer_lock


def test_second_writer_in_another_process_fails_fast(tmp_path):
    index_dir = tmp_path / "index"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from assistant.index.lock import writer_lock\n"
            f"with writer_lock({str(index_dir)!r}):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(IndexLocked, match="another ingest"), writer_lock(index_dir):
            pass
        assert time.monotonic() - started < 2.0
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(index_dir):  # a killed holder releases the lock with its process
        pass


def test_ingest_while_locked_changes_nothing(settings, corpus):
    first = ingest([corpus], settings)
    with writer_lock(settings.index_dir):
        started = time.monotonic()
        with pytest.raises(IndexLocked):
            ingest([corpus], settings, rebuild=True)
        assert time.monotonic() - started < 2.0
    assert read_pointer(settings.index_dir).build_id == first.build_id
