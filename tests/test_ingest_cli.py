"""`python ingest.py`: exit codes, the summary and JSON, the lock, and a kill -9 in the middle of embedding.

The kill test uses the real packaged MiniLM; the others use the fast stand-in embedder.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.index import IndexReader, read_pointer, writer_lock
from assistant.index.manifest import builds_dir, is_complete
from assistant.ingest_cli import main
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
WORDS = re.findall(
    r"\S+",
    """cluster organisation SME innovation voucher consortium partner value chain proposal budget grant
    agreement deadline stage topic manufacturing digital health food mobility energy textile mentoring coaching
    exchange internationalisation region network service pilot market access training staff""",
)


def write_doc(root: Path, doc_id: str, title: str, sections: dict[str, str], doc_type: str = "guide") -> Path:
    lines = [
        "---",
        f"id: {doc_id}",
        f'title: "{title}"',
        f"doc_type: {doc_type}",
        "programme: INNOSUP-1",
        "---",
        "",
    ]
    for heading, body in sections.items():
        lines += [f"## {heading}", "", body, ""]
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{doc_id}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def small_corpus(root: Path) -> Path:
    write_doc(
        root,
        "guide-fstp",
        "Financial support to third parties",
        {
            "Ceiling": "Each third party may receive at most EUR 60,000 of financial support in one project.",
            "Purpose": "Cascade funding passes EU money on to SMEs through innovation vouchers.",
        },
    )
    write_doc(
        root,
        "faq-sme",
        "SME definition",
        {
            "Headcount": "A medium-sized enterprise employs fewer than 250 staff.",
        },
        doc_type="faq",
    )
    write_doc(
        root,
        "call-2020",
        "INNOSUP-01-2018-2020",
        {
            "Deadline": "The last cut-off of INNOSUP-01-2018-2020 closed on 8 September 2020.",
        },
        doc_type="call",
    )
    return root


def generated_docs(root: Path, count: int, sections: int = 5, words: int = 110) -> None:
    rng = random.Random(7)
    for n in range(count):
        body = {
            f"Part {s}": " ".join(rng.choice(WORDS) for _ in range(words)) + f". Document {n} part {s}."
            for s in range(sections)
        }
        write_doc(root, f"gen-{n:03d}", f"Generated page {n}", body)


def hash_settings(tmp_path: Path, **overrides) -> Settings:
    values = {"embedding_model": "hash", "index_dir": tmp_path / "index", "chunk_max_tokens": 60, **overrides}
    return Settings(**values)


def run_json(capsys, argv: list[str], settings: Settings) -> tuple[int, dict]:
    code = main([*argv, "--json"], settings=settings)
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def test_json_summary_then_nothing_to_do(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "empty.md").write_text("")
    settings = hash_settings(tmp_path)
    code, first = run_json(capsys, ["--corpus", str(corpus)], settings)
    assert code == 0
    for key in (
        "documents",
        "chunks",
        "embedded",
        "reused",
        "skipped",
        "seconds",
        "index",
        "chunks_per_second",
    ):
        assert key in first
    assert first["documents"] == 3 and first["embedded"] == first["chunks"] > 0
    assert first["skipped"] == [{"path": "corpus/empty.md", "reason": "empty file"}]
    assert Path(first["index"]).is_dir() and is_complete(Path(first["index"]))
    code, second = run_json(capsys, ["--corpus", str(corpus)], settings)
    assert code == 0 and second["embedded"] == 0 and second["reused"] == first["chunks"]
    assert second["index"] == first["index"] and second["new_build"] is False


def test_rebuild_and_rollback_flags(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus")
    settings = hash_settings(tmp_path)
    _, first = run_json(capsys, ["--corpus", str(corpus)], settings)
    _, rebuilt = run_json(capsys, ["--corpus", str(corpus), "--rebuild"], settings)
    assert rebuilt["embedded"] == rebuilt["chunks"] and rebuilt["index"] != first["index"]
    code, back = run_json(capsys, ["--rollback"], settings)
    assert code == 0 and back["build_id"] == first["build_id"]
    assert read_pointer(settings.index_dir).build_id == first["build_id"]


def test_summary_table_lists_counts_and_skips(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "notes.txt").write_bytes(b"\xff\xfe\x00\xd8")
    assert main(["--corpus", str(corpus)], settings=hash_settings(tmp_path)) == 0
    out = capsys.readouterr().out
    for word in ("documents", "chunks", "embedded", "reused", "skipped", "seconds", "chunks per second"):
        assert word in out
    assert "notes.txt" in out and "Skipped files" in out


def test_pdf_pages_without_text_are_named_in_the_summary(tmp_path, capsys):
    from tests.fixtures_pdf import make_text_pdf

    corpus = small_corpus(tmp_path / "corpus")
    make_text_pdf(corpus / "scan.pdf", ["Vouchers are paid in two instalments.", ""])
    _, report = run_json(capsys, ["--corpus", str(corpus)], hash_settings(tmp_path))
    assert report["documents"] == 4 and report["skipped"] == []
    assert [p["path"] for p in report["partial"]] == ["corpus/scan.pdf"]
    assert main(["--corpus", str(corpus)], settings=hash_settings(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "Partly read files" in out and "no text on page(s) 2: scanned pages need OCR" in out


def test_nothing_indexable_exits_1_and_keeps_current(tmp_path, capsys):
    settings = hash_settings(tmp_path)
    corpus = small_corpus(tmp_path / "corpus")
    assert main(["--corpus", str(corpus)], settings=settings) == 0
    before = read_pointer(settings.index_dir)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.md").write_text("")
    capsys.readouterr()
    assert main(["--corpus", str(empty)], settings=settings) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing could be indexed" in err and "Traceback" not in err
    assert read_pointer(settings.index_dir) == before


def test_missing_corpus_folder_is_one_line(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "nope")], settings=hash_settings(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "corpus folder not found" in err and err.count("\n") == 1


def _ingest_process(args: list[str], **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "ingest.py", *args], cwd=REPO, env=env, **kw)


def test_second_ingest_exits_2_within_two_seconds(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    with writer_lock(index_dir):
        started = time.monotonic()
        proc = _ingest_process(
            ["--corpus", str(corpus), "--index", str(index_dir)], stderr=subprocess.PIPE, text=True
        )
        _, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - started
    assert proc.returncode == 2
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    assert err.strip().count("\n") == 0 and "another ingest" in err and "Traceback" not in err


def test_invalid_setting_is_one_line(tmp_path):
    env = {**os.environ, "ASSISTANT_CHUNK_MAX_TOKENS": "many"}
    done = subprocess.run(
        [sys.executable, "ingest.py", "--index", str(tmp_path / "index")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "chunk_max_tokens" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_kill_9_mid_embedding_keeps_the_current_build(tmp_path, capsys):
    """Real MiniLM: a killed ingest leaves the old build serving identically, and the rerun completes."""
    corpus = small_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    settings = Settings(index_dir=index_dir, corpus_dirs=[corpus])
    code, first = run_json(capsys, ["--corpus", str(corpus)], settings)
    assert code == 0 and first["embedded"] == first["chunks"]
    query = "What is the most a third party can receive?"

    def answers() -> tuple:
        reader = IndexReader.open(index_dir, settings)
        vector = reader.embed_query(query)
        return reader.build_id, reader.dense(vector, 5), reader.lexical(query, 5)

    before = answers()
    assert before[1][0][0].startswith("guide-fstp:")

    generated_docs(corpus, 24)  # about 120 chunks: a few embedding batches
    log = tmp_path / "ingest.err"
    with open(log, "wb") as err:
        proc = _ingest_process(["--corpus", str(corpus), "--index", str(index_dir)], stderr=err)
    try:
        deadline = time.monotonic() + 120
        while not re.search(r"\|\s*[1-9]\d*/\d+", log.read_text(errors="replace")):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "no embedding progress seen"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    half = [p for p in builds_dir(index_dir).iterdir() if not is_complete(p)]
    assert half, "the kill should have left a half-written build"
    assert answers() == before

    code, rerun = run_json(capsys, ["--corpus", str(corpus)], settings)
    assert code == 0
    assert rerun["reused"] == first["chunks"] and rerun["embedded"] == rerun["chunks"] - first["chunks"]
    assert not [p for p in builds_dir(index_dir).iterdir() if not is_complete(p)]
    after = answers()
    assert after[0] == rerun["build_id"] != before[0]
    assert after[1][0][0] == before[1][0][0]

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "ingest.py", "--corpus", str(corpus), "--index", str(index_dir), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    third = json.loads(done.stdout)
    assert third["embedded"] == 0 and third["index"] == rerun["index"]
    assert third["seconds"] < 5 and time.monotonic() - started < 30
