"""Hostile and broken files beside good ones, through the real ``python ingest.py --json``.

Each file is either skipped with a reason a person can act on, or indexed with the text a reader would see; no file
hangs the ingest (the PDF reader runs in a child process with a time and a memory limit), the ingest's memory stays
bounded, and every good file beside them is indexed. The stand-in embedder keeps this about the files, not the model.
"""

from __future__ import annotations

import json
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.core import Assistant, planted_documents
from assistant.index.reader import IndexReader
from assistant.settings import Settings
from tests.hardening.helpers import PY, REPO, MemoryWatch, child_env
from tests.hardening.hostile_files import (
    GOOD_FACTS,
    HIDDEN_CANARY,
    WEIRD_SENTENCE,
    Expect,
    build_corpus,
)

PDF_TIMEOUT_S = 8
MAX_PAGES = Settings.model_fields["pdf_max_pages"].default  # the child gets no ASSISTANT_* but ours
PDF_MEMORY_MB = 1024
MAX_INGEST_S = 150  # a hang would be the CPU bomb's minute and more; everything else takes ~20 s
MAX_INGEST_RSS_MB = 1536


@dataclass
class Run:
    corpus: Path
    index: Path
    expect: dict[str, Expect]
    report: dict[str, Any]
    seconds: float
    memory: MemoryWatch

    def reader(self) -> IndexReader:
        return IndexReader.open(self.index, self.settings())

    def settings(self) -> Settings:
        return Settings(index_dir=self.index, embedding_model="hash", today="2026-06-01")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("hostile")
    corpus, expect = build_corpus(root / "hostile")
    index = root / "index"
    env = child_env(
        ASSISTANT_EMBEDDING_MODEL="hash",
        ASSISTANT_PDF_TIMEOUT_S=str(PDF_TIMEOUT_S),
        ASSISTANT_PDF_MEMORY_MB=str(PDF_MEMORY_MB),
        ASSISTANT_INDEX_DIR=str(index),
        ASSISTANT_FEEDBACK_DB=str(root / "feedback.sqlite3"),
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [PY, "ingest.py", "--json", "--corpus", str(corpus), "--index", str(index)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    memory = MemoryWatch(process.pid).start()
    try:
        out, err = process.communicate(timeout=MAX_INGEST_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"ingest did not finish in {MAX_INGEST_S} s: a file hangs it\n{err[-2000:]}")
    finally:
        memory.stop()
    seconds = time.monotonic() - started
    assert process.returncode == 0, err[-3000:]
    return Run(corpus, index, expect, json.loads(out), seconds, memory)


def _label(run: Run, name: str) -> str:
    return f"{run.corpus.name}/{name}"


def test_the_set_holds_at_least_fifteen_hostile_files(run: Run) -> None:
    hostile = [name for name in run.expect if not name.startswith(("good-", "copy-of-good"))]
    assert len(hostile) >= 15, hostile


def test_every_file_is_reported_with_its_reason_or_indexed(run: Run) -> None:
    skipped = {item["path"]: item["reason"] for item in run.report["skipped"]}
    indexed = {chunk.path for chunk in run.reader().chunks}
    duplicates = {"good-guide.md", "copy-of-good-guide.md"}
    wrong = []
    for name, outcome in run.expect.items():
        label = _label(run, name)
        if name in duplicates:
            continue  # which of the two names is kept depends on order: see the next test
        if outcome.indexed and label not in indexed:
            wrong.append(f"{name}: expected indexed, got {skipped.get(label, 'nothing: silently lost')!r}")
        elif not outcome.indexed and outcome.reason not in skipped.get(label, ""):
            got = "indexed" if label in indexed else skipped.get(label, "nothing: silently lost")
            wrong.append(f"{name}: expected skipped for {outcome.reason!r}, got {got!r}")
    assert not wrong, "\n".join(wrong)
    assert len(run.report["skipped"]) + run.report["documents"] == len(run.expect)


def test_the_same_document_under_two_names_is_indexed_once(run: Run) -> None:
    names = [_label(run, "good-guide.md"), _label(run, "copy-of-good-guide.md")]
    skipped = {item["path"]: item["reason"] for item in run.report["skipped"]}
    indexed = {chunk.path for chunk in run.reader().chunks}
    assert len([n for n in names if n in indexed]) == 1
    (dropped,) = [n for n in names if n not in indexed]
    (kept,) = [n for n in names if n in indexed]
    assert skipped[dropped] == f"same content as {kept} (indexed once)"


def test_every_good_file_beside_them_is_indexed_with_its_text(run: Run) -> None:
    texts = [chunk.text for chunk in run.reader().chunks]
    missing = [fact for fact in GOOD_FACTS.values() if not any(fact in text for text in texts)]
    assert not missing


def test_odd_but_readable_pdfs_keep_their_text(run: Run) -> None:
    chunks = run.reader().chunks
    by_path: dict[str, list[Any]] = {}
    for chunk in chunks:
        by_path.setdefault(chunk.path.rsplit("/", 1)[-1], []).append(chunk)
    assert "ETA-01-2020" in by_path["encrypted-empty-password.pdf"][0].text
    assert "IOTA-05-2020" in by_path["encrypted-empty-aes.pdf"][0].text
    assert "Cyclic structure (outline)" in by_path["cyclic-outline.pdf"][0].text
    assert "Text before the looping form" in by_path["cyclic-xobject.pdf"][0].text
    assert "innovation" in by_path["huge-mediabox.pdf"][0].text
    pages = {chunk.page for chunk in by_path["two-thousand-pages.pdf"]}
    assert pages == set(range(1, MAX_PAGES + 1))
    huge = sum(len(chunk.text) for chunk in by_path["huge-page.pdf"])
    assert 150_000 < huge <= 210_000  # cut at the per-page limit, not lost and not unbounded


def test_partly_read_files_are_reported_with_the_limit_that_cut_them(run: Run) -> None:
    partial = {item["path"].rsplit("/", 1)[-1]: item["reason"] for item in run.report["partial"]}
    assert set(partial) == {"two-thousand-pages.pdf", "huge-page.pdf"}
    assert f"first {MAX_PAGES} of 2000 pages" in partial["two-thousand-pages.pdf"]
    assert "cut at 200,000 characters" in partial["huge-page.pdf"]


def _odd_characters(text: str) -> list[str]:
    odd = []
    for ch in text:
        category = unicodedata.category(ch)
        if (category.startswith("C") and ch not in "\n\t") or 0xE0000 <= ord(ch) <= 0xE007F:
            odd.append(f"U+{ord(ch):04X}")
    return odd


def test_the_index_holds_no_nul_surrogate_zero_width_or_tag_character(run: Run) -> None:
    chunks = run.reader().chunks
    for chunk in chunks:
        for field in (chunk.text, chunk.title, chunk.section):
            assert not _odd_characters(field), (chunk.path, field[:120])
        json.dumps(chunk.to_dict(), ensure_ascii=False).encode("utf-8")  # storable as strict UTF-8
    texts = {chunk.path.rsplit("/", 1)[-1]: chunk for chunk in chunks}
    assert WEIRD_SENTENCE in texts["weird-chars.pdf"].text
    assert texts["weird-chars.pdf"].title.startswith("\ufffdSIGA")  # not Latin-1 mojibake of UTF-16
    assert "The KAPPA-03-2021 call opens on 4 February 2021." in texts["weird-chars.md"].text
    assert texts["weird-chars.md"].title == "Tag characters and NULs"


def test_hidden_html_text_is_not_indexed_but_visible_text_is(run: Run) -> None:
    (page,) = [c for c in run.reader().chunks if c.path.endswith("hidden.html")]
    assert HIDDEN_CANARY not in page.text and "2031" not in page.text and "ignore" not in page.text.lower()
    assert "pairs young clusters with experienced ones" in page.text
    assert "runs for 18 months" in page.text  # font-size: 0.9em is visible text


def test_hidden_pdf_text_with_orders_flags_its_document_and_is_never_quoted(run: Run) -> None:
    reader = run.reader()
    (doc_id,) = {c.doc_id for c in reader.chunks if c.path.endswith("hidden-text.pdf")}
    assert doc_id in planted_documents(reader.chunks)
    answer = Assistant(reader, run.settings()).ask("What does the DELTA-04-2023 call support?")
    assert doc_id in [r.doc_id for r in answer.retrieved] and doc_id in answer.flagged
    shown = " ".join([answer.text, *answer.notices, *(c.quote for c in answer.citations)])
    assert "2031" not in shown and HIDDEN_CANARY not in shown
    assert doc_id not in {c.doc_id for c in answer.citations}


def test_no_file_hangs_the_ingest(run: Run) -> None:
    skipped = {item["path"]: item["reason"] for item in run.report["skipped"]}
    assert skipped[_label(run, "parser-cpu-bomb.pdf")] in (
        f"timed out after {PDF_TIMEOUT_S} s",
        f"exceeded the memory limit of {PDF_MEMORY_MB} MB",
    )
    print(f"hostile ingest: {run.seconds:.1f} s for {len(run.expect)} files")
    assert run.seconds < MAX_INGEST_S


def test_the_ingest_memory_stays_bounded(run: Run) -> None:
    memory = run.memory
    print(
        f"hostile ingest memory: main peak {memory.peak_main_mb:.0f} MB, reader peak "
        f"{memory.peak_child_mb:.0f} MB, together {memory.peak_total_mb:.0f} MB ({memory.samples} samples)"
    )
    assert memory.samples >= 20
    assert memory.peak_main_mb < MAX_INGEST_RSS_MB
    assert memory.peak_child_mb < PDF_MEMORY_MB  # the bomb inflates to 2 GB: the limit held
