"""Chroma server mode end to end: a real `chroma run` on loopback, ingest, query, switch and cleanup."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.index import IndexReader, ingest, read_pointer
from assistant.index.manifest import CHUNKS, builds_dir, collection_name
from assistant.index.store import server_client

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    # chromadb is a pinned dependency and installs this script: without it the install is broken, not optional
    assert CHROMA.exists(), f"{CHROMA} is missing: reinstall the package (pip install -e '.[dev]')"
    port = _free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below, after the process
    proc = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(tmp_path / "chroma-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "chroma run did not start: " + (tmp_path / "chroma.log").read_text(errors="replace")
                    )
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _collections(port: int) -> set[str]:
    return {c.name for c in server_client("127.0.0.1", port).list_collections()}


def test_server_mode_ingest_query_switch_and_cleanup(chroma_server, settings_for, corpus, doc_writer):
    port = chroma_server
    settings = settings_for(chroma_mode="server", chroma_host="127.0.0.1", chroma_port=port)
    first = ingest([corpus], settings)
    assert first.new_build
    assert not (Path(first.index) / "chroma").exists()  # the vectors live on the server
    assert _collections(port) == {collection_name(first.build_id)}

    reader = IndexReader.open(settings=settings)
    hits = reader.dense(reader.embed_query("third party EUR 60,000 ceiling"), 3)
    assert "EUR 60,000" in reader.get(hits[0][0]).text
    assert {cid for cid, _ in reader.dense(reader.embed_query("x"), 50, filters={"doc_type": "faq"})} == {
        c.chunk_id for c in reader.chunks if c.doc_type == "faq"
    }

    again = ingest([corpus], settings)
    assert not again.new_build and again.embedded == 0

    # a build killed half-way leaves a directory and a collection; the next run removes both
    stale_id = "20000101T000000Z-dead00"
    (builds_dir(settings.index_dir) / stale_id).mkdir()
    (builds_dir(settings.index_dir) / stale_id / CHUNKS).write_text("")
    server_client("127.0.0.1", port).create_collection(collection_name(stale_id), embedding_function=None)

    ids = [first.build_id]
    for n in range(2):
        doc_writer(
            corpus, f"guide-extra-{n}", f"Extra {n}", {"Text": f"Extra page {n} on ECCP partnerships."}
        )
        report = ingest([corpus], settings)
        assert report.embedded > 0 and report.reused > 0
        ids.append(report.build_id)
    assert _collections(port) == {collection_name(i) for i in ids[-2:]}
    assert read_pointer(settings.index_dir).build_id == ids[-1]
    assert sorted(p.name for p in builds_dir(settings.index_dir).iterdir()) == sorted(ids[-2:])
    latest = IndexReader.open(settings=settings)
    assert latest.lexical("ECCP partnerships", 1)
    assert latest.dense(latest.embed_query("Extra page 1 on ECCP partnerships"), 1)[0][0].startswith(
        "guide-extra-1"
    )


def test_lost_server_collection_triggers_a_new_build(chroma_server, settings_for, corpus):
    port = chroma_server
    settings = settings_for(chroma_mode="server", chroma_host="127.0.0.1", chroma_port=port)
    first = ingest([corpus], settings)
    server_client("127.0.0.1", port).delete_collection(collection_name(first.build_id))
    report = ingest([corpus], settings)
    assert report.new_build and report.embedded == 0 and report.reused == report.chunks
    assert IndexReader.open(settings=settings).dense(
        IndexReader.open(settings=settings).embed_query("SME"), 1
    )


def test_unreachable_server_is_a_clear_error(settings_for, corpus):
    from assistant.errors import IndexMissing

    settings = settings_for(chroma_mode="server", chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(IndexMissing, match="Chroma server"):
        ingest([corpus], settings)
    assert read_pointer(settings.index_dir) is None
    assert not [p for p in builds_dir(settings.index_dir).iterdir()]
