"""read_pdf against real and hostile files: it returns text or raises DocumentSkipped, within its limits."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from assistant.documents import pdf
from assistant.documents.pdf import CUT_SHORT, ENCRYPTED, NO_TEXT, PdfText, read_pdf
from assistant.errors import DocumentSkipped
from tests import fixtures_pdf as make

LIMITS = {"timeout_s": 20.0, "memory_mb": 512, "max_pages": 50}


def read(path: Path, **overrides: float) -> PdfText:
    return read_pdf(path, **{**LIMITS, **overrides})  # type: ignore[arg-type]


def skip_reason(path: Path, **overrides: float) -> str:
    with pytest.raises(DocumentSkipped) as info:
        read(path, **overrides)
    return info.value.reason


def worker_pids() -> set[int]:
    """The reader processes this test process runs, busy or idle."""
    pids = set()
    for child in psutil.Process().children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and any(
                "assistant.documents.pdf" in part for part in child.cmdline()
            ):
                pids.add(child.pid)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue  # another fixture's process that has just exited
    return pids


@pytest.fixture(autouse=True, scope="module")
def _stop_workers():
    yield
    pdf.shutdown_workers()


# --- Ordinary files ---------------------------------------------------------------------------------------------


def test_pages_come_with_their_numbers_title_and_raw_text(guide_pdf: Path):
    result = read(guide_pdf)

    assert [number for number, _ in result.pages] == [1, 3]
    first, third = result.pages[0][1], result.pages[1][1]
    assert "Cluster Excellence Programme" in first
    assert "inno-\nvation" in first  # joining hyphenated words is the normaliser's job
    assert "καινοτομία" in third and "zażółć gęślą jaźń" in third
    assert result.title == "Guide for Applicants 2026"
    assert result.page_count == 3
    assert result.truncated is False
    assert any("page(s) 2" in note and "OCR" in note for note in result.notes)


def test_outline_gives_headings_with_their_pages(tmp_path: Path):
    path = make.make_text_pdf(
        tmp_path / "outlined.pdf",
        ["Who may apply.", "What it costs.", "Annex text."],
        headings=["Eligibility", "Budget", ""],
        title=None,
    )

    result = read(path)

    assert result.outline == [("Eligibility", 1), ("Budget", 2)]
    assert result.title is None
    assert "Eligibility" in result.pages[0][1]


def test_password_protected_pdf_is_skipped(tmp_path: Path):
    assert skip_reason(make.make_encrypted_pdf(tmp_path / "locked.pdf", "s3cret")) == ENCRYPTED


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path):
    result = read(make.make_encrypted_pdf(tmp_path / "restricted.pdf", ""))

    assert "Confidential call text" in result.pages[0][1]
    assert result.title == "Encrypted"
    assert any("opens without a password" in note for note in result.notes)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("maker", ["fpdf2", "hand-written"])
def test_truncated_pdf_is_skipped_or_partly_read(tmp_path: Path, fraction: float, maker: str):
    path = tmp_path / "cut.pdf"
    if maker == "fpdf2":
        make.make_truncated_pdf(path, fraction)
    else:
        whole = make.make_many_pages_pdf(tmp_path / "whole.pdf", 20).read_bytes()
        path.write_bytes(whole[: int(len(whole) * fraction)])

    try:
        result = read(path)
    except DocumentSkipped as exc:
        assert exc.reason == CUT_SHORT
    else:
        assert result.pages and result.page_count >= len(result.pages)


def test_empty_file(tmp_path: Path):
    assert skip_reason(make.make_empty_pdf(tmp_path / "empty.pdf")) == "empty file"


def test_random_bytes_after_a_pdf_header(tmp_path: Path):
    reason = skip_reason(make.make_garbage_pdf(tmp_path / "garbage.pdf"))

    assert reason.startswith("corrupt PDF: ") and reason != CUT_SHORT


@pytest.mark.parametrize(
    ("maker", "reason"),
    [
        (make.make_html_pdf, "not a PDF (looks like HTML)"),
        (make.make_zip_pdf, "not a PDF (looks like a ZIP archive)"),
    ],
)
def test_other_files_named_pdf_are_recognised_without_a_worker(tmp_path: Path, maker, reason: str):
    path = maker(tmp_path / "download.pdf")
    before = worker_pids()

    assert skip_reason(path) == reason
    assert worker_pids() <= before


@pytest.mark.parametrize(
    ("head", "looks_like"),
    [
        (b"  <HTML><body>moved</body></HTML>", "looks like HTML"),
        (b"\xef\xbb\xbf<!doctype html>", "looks like HTML"),
        (b"<?xml version='1.0'?><feed/>", "looks like XML"),
        (b"\x89PNG\r\n\x1a\n....", "looks like a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "looks like an old Microsoft Office file"),
        (b"Deadline: 12 March 2026\n", "looks like a text file"),
        (b"\x00\x01\x02\xfe\xff", "no %PDF- header"),
    ],
)
def test_sniff_names_what_a_non_pdf_looks_like(head: bytes, looks_like: str):
    assert pdf.sniff(head) == looks_like


def test_pdf_header_after_leading_junk_is_still_a_pdf(tmp_path: Path, guide_pdf: Path):
    path = tmp_path / "junk-first.pdf"
    path.write_bytes(b"\r\n" * 100 + guide_pdf.read_bytes())

    try:
        result = read(path)
    except DocumentSkipped as exc:
        assert not exc.reason.startswith("not a PDF")
    else:
        assert result.page_count == 3


def test_missing_file_and_directory(tmp_path: Path):
    assert skip_reason(tmp_path / "gone.pdf").startswith("cannot read the file: ")
    (tmp_path / "folder.pdf").mkdir()
    assert skip_reason(tmp_path / "folder.pdf") == "not a PDF (a directory)"


def test_limits_must_be_positive(guide_pdf: Path):
    for bad in ({"timeout_s": 0}, {"memory_mb": 0}, {"max_pages": 0}):
        with pytest.raises(ValueError):
            read(guide_pdf, **bad)


# --- Hostile files ----------------------------------------------------------------------------------------------


def test_decompression_bomb_is_skipped_quickly_and_outside_this_process(bomb_pdf: Path):
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()

    reason = skip_reason(bomb_pdf, timeout_s=20)

    assert time.monotonic() - started < 20
    assert reason == "decompression bomb: a stream inflates past the safety limit"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 20


def test_memory_limit_stops_a_parse_that_needs_more(bomb_pdf: Path):
    assert skip_reason(bomb_pdf, memory_mb=100) == "exceeded the memory limit of 100 MB"
    assert read(make.make_many_pages_pdf(bomb_pdf.with_name("after.pdf"), 3)).page_count == 3


def test_bomb_on_one_page_spares_the_others(tmp_path: Path):
    result = read(make.make_bomb_pdf(tmp_path / "mixed.pdf", inflated_mb=256, text_page=True))

    assert result.pages == [(1, "A harmless page before the bomb.\n")]
    assert result.page_count == 2
    assert any(note.startswith("page 2 skipped: decompression bomb") for note in result.notes)


@pytest.mark.parametrize("kind", make.CYCLIC_KINDS)
def test_cyclic_structures_end_within_the_time_limit(tmp_path: Path, kind: str):
    path = make.make_cyclic_pdf(tmp_path / f"{kind}.pdf", kind)
    started = time.monotonic()

    try:
        result = read(path, timeout_s=10)
    except DocumentSkipped as exc:
        assert exc.reason.startswith("corrupt PDF: ")
    else:
        assert "Cyclic structure" in result.pages[0][1] or "before the looping form" in result.pages[0][1]
    assert time.monotonic() - started < 10


def test_cyclic_outline_does_not_stop_the_text(tmp_path: Path):
    result = read(make.make_cyclic_pdf(tmp_path / "outline.pdf", "outline"))

    assert "Cyclic structure (outline)" in result.pages[0][1]
    assert result.outline[:2] == [("Call", 1), ("Budget", 1)]


def test_deep_nesting_is_skipped_not_crashed(tmp_path: Path):
    path = make.make_deeply_nested_pdf(tmp_path / "deep.pdf")

    assert skip_reason(path) == "corrupt PDF: objects nested too deeply"


def test_scanned_pdf_needs_ocr(tmp_path: Path):
    assert skip_reason(make.make_image_only_pdf(tmp_path / "scan.pdf", pages=2)) == NO_TEXT


def test_many_pages_are_read_up_to_the_page_limit(many_pages_pdf: Path):
    result = read(many_pages_pdf, max_pages=5)

    assert [number for number, _ in result.pages] == [1, 2, 3, 4, 5]
    assert result.pages[4][1].startswith("Page 5 of 2000")
    assert result.page_count == 2000
    assert result.truncated is True
    assert "read the first 5 of 2000 pages (page limit)" in result.notes


def test_text_is_capped_per_page_and_in_total(tmp_path: Path, many_pages_pdf: Path, monkeypatch):
    huge = read(make.make_huge_page_pdf(tmp_path / "huge.pdf", chars=400_000))
    assert len(huge.pages[0][1]) == pdf.MAX_PAGE_CHARS
    assert f"page 1: text cut at {pdf.MAX_PAGE_CHARS:,} characters" in huge.notes

    monkeypatch.setattr(pdf, "MAX_TOTAL_CHARS", 1000)
    capped = read(many_pages_pdf, max_pages=100)
    assert 0 < sum(len(text) for _, text in capped.pages) <= 1000
    assert capped.truncated is True
    assert any(note.startswith("stopped before page") for note in capped.notes)


def test_huge_mediabox_is_harmless(tmp_path: Path):
    path = make.make_huge_page_pdf(tmp_path / "wide.pdf", chars=500, mediabox="0 0 1000000000 1000000000")

    assert "innovation" in read(path).pages[0][1]


# --- The worker processes ---------------------------------------------------------------------------------------


def test_timeout_kills_the_worker_and_the_next_file_gets_a_fresh_one(many_pages_pdf: Path, guide_pdf: Path):
    pdf.shutdown_workers()
    read(guide_pdf)
    before = worker_pids()
    started = time.monotonic()

    reason = skip_reason(many_pages_pdf, timeout_s=0.1, max_pages=2000)

    assert reason == "timed out after 0.1 s"
    assert time.monotonic() - started < 5
    assert not (before & worker_pids())
    assert read(guide_pdf).page_count == 3


def test_a_healthy_worker_is_reused_and_a_failed_one_replaced(guide_pdf: Path, tmp_path: Path):
    pdf.shutdown_workers()
    read(guide_pdf)
    first = worker_pids()
    read(guide_pdf)
    assert worker_pids() == first and len(first) == 1

    skip_reason(make.make_encrypted_pdf(tmp_path / "locked.pdf", "pw"))
    assert not (first & worker_pids())


@pytest.mark.parametrize(
    ("sig", "reason"),
    [
        (signal.SIGXCPU, "timed out after 30 s"),
        (signal.SIGABRT, "exceeded the memory limit of 512 MB"),
        (signal.SIGSEGV, "corrupt PDF: the reader process crashed (killed by SIGSEGV)"),
    ],
)
def test_a_worker_that_dies_mid_parse_gives_a_reason(many_pages_pdf: Path, guide_pdf: Path, sig, reason):
    pdf.shutdown_workers()
    read(guide_pdf)  # a warm worker, so the signal lands in the parse and not in the start-up
    (pid,) = worker_pids()
    threading.Timer(0.2, lambda: psutil.Process(pid).send_signal(sig)).start()

    assert skip_reason(many_pages_pdf, timeout_s=30, max_pages=2000) == reason


def test_parallel_reads_from_threads(guide_pdf: Path, many_pages_pdf: Path):
    files = [guide_pdf, many_pages_pdf] * 3
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda path: read(path, max_pages=3), files))

    assert [r.page_count for r in results] == [3, 2000] * 3
    assert len(worker_pids()) <= 3


# --- Mapping pypdf's errors, in this process --------------------------------------------------------------------


def test_pypdf_errors_map_to_short_reasons():
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    assert pdf._reason(FileNotDecryptedError("File has not been decrypted")) == ENCRYPTED
    assert pdf._reason(LimitReachedError("Limit reached while decompressing.")).startswith(
        "decompression bomb"
    )
    assert (
        pdf._reason(LimitReachedError("Detected cycle in /Pages")) == "corrupt PDF: Detected cycle in /Pages"
    )
    assert pdf._reason(LimitReachedError("Maximum page tree depth")).startswith(
        "PDF exceeds a safety limit: "
    )
    assert pdf._reason(DependencyError("cryptography is required for AES")).startswith(
        "needs an optional package"
    )
    assert pdf._reason(RecursionError()) == "corrupt PDF: objects nested too deeply"
    assert pdf._reason(KeyError("/Root")) == "corrupt PDF: '/Root'"
    assert pdf._reason(ValueError()) == "corrupt PDF: ValueError"
    assert len(pdf._reason(PdfReadError("x" * 1000))) < 200

    wrapped = PdfReadError("Error reading PDF file.")
    wrapped.__cause__ = RecursionError()
    assert isinstance(pdf._root_cause(wrapped), RecursionError)
    wrapped.__context__ = wrapped.__cause__ = MemoryError()
    with pytest.raises(MemoryError):
        pdf._root_cause(wrapped)


def test_clean_makes_text_safe_to_store():
    assert pdf._clean("a\x00b\ud800c") == "ab\ufffdc"


def test_command_line_prints_json_per_file(guide_pdf: Path, tmp_path: Path):
    html = make.make_html_pdf(tmp_path / "page.pdf")
    run = subprocess.run(
        [sys.executable, "-m", "assistant.documents.pdf", str(guide_pdf), str(html), "--max-pages", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert run.returncode == 1
    assert first["title"] == "Guide for Applicants 2026" and first["truncated"] is True
    assert second == {
        "file": str(html),
        "seconds": second["seconds"],
        "skipped": "not a PDF (looks like HTML)",
    }
