"""Reading PDF text without trusting the PDF.

pypdf gets hang and memory-blowup fixes every few weeks, so it never runs in this process: a worker process
parses each file under an address-space limit (``RLIMIT_AS``) and a CPU-time backstop (``RLIMIT_CPU``) while
this process enforces the wall-clock limit and kills the worker when it is exceeded. Workers are reused across
files because starting one costs ~0.1 s; a worker that timed out, failed, or grew is killed and replaced, so a
hostile file never shares a process with the next one's parse.

The worker is started with ``python -I`` and loads this module without running the package ``__init__``, so
it stays small and fast to start whatever the rest of ``assistant`` imports. This process never imports pypdf.

Run ``python -m assistant.documents.pdf FILE`` to see what ingest would get from one file, as JSON.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import json
import logging
import os
import re
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DocumentSkipped

MAX_PAGE_CHARS = 200_000
MAX_TOTAL_CHARS = 10_000_000
ENCRYPTED = "encrypted: needs a password"
NO_TEXT = "no extractable text: scanned pages need OCR"
CUT_SHORT = "corrupt PDF: the file is cut short (an incomplete download?)"

_HEAD_BYTES = 1024
_STARTUP_TIMEOUT_S = 60.0
_WORKER_MAX_TASKS = 200
_WORKER_MAX_IDLE = 4
_MAX_REPLY_BYTES = MAX_TOTAL_CHARS * 6 + (16 << 20)
_LISTED_PAGES = 10
_MAX_OUTLINE = 2000
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class PdfText:
    """What a PDF yields: text per page (1-based numbers; pages without text are left out).

    ``outline`` holds the bookmarks as (heading, 1-based page) in document order, for pages that were read.
    ``pages_missing`` is true when a page that was read gave no text (scanned) or could not be read; ``notes``
    says which.
    """

    pages: list[tuple[int, str]]
    title: str | None
    page_count: int
    truncated: bool
    notes: list[str] = field(default_factory=list)
    outline: list[tuple[str, int]] = field(default_factory=list)
    pages_missing: bool = False


class PdfWorkerError(RuntimeError):
    """The reader process cannot be started: a problem of this machine, not of the file, so ingest stops."""


def read_pdf(path: Path, *, timeout_s: float, memory_mb: int, max_pages: int) -> PdfText:
    """Read the text of up to ``max_pages`` pages, or raise ``DocumentSkipped`` with a reason to act on.

    ``truncated`` is true when pages were left unread: more than ``max_pages``, or the text passed
    ``MAX_TOTAL_CHARS`` (a note says which). ``timeout_s`` counts from the moment the worker has the file.
    """
    if timeout_s <= 0 or memory_mb <= 0 or max_pages < 1:
        raise ValueError("timeout_s, memory_mb and max_pages must be positive")
    path = Path(path)
    _check_head(path)
    task = {
        "path": str(path.resolve()),
        "max_pages": max_pages,
        "memory_mb": memory_mb,
        "timeout_s": timeout_s,
        "page_chars": MAX_PAGE_CHARS,
        "total_chars": MAX_TOTAL_CHARS,
    }
    reply = _POOL.run(task, timeout_s=timeout_s, memory_mb=memory_mb)
    if not reply.get("ok"):
        raise DocumentSkipped(str(reply.get("reason") or "corrupt PDF: the reader gave no reason"))
    return PdfText(
        pages=[(int(number), str(text)) for number, text in reply["pages"]],
        title=reply["title"],
        page_count=int(reply["page_count"]),
        truncated=bool(reply["truncated"]),
        notes=[str(note) for note in reply["notes"]],
        outline=[(str(heading), int(number)) for heading, number in reply["outline"]],
        pages_missing=bool(reply.get("pages_missing")),
    )


def shutdown_workers() -> None:
    """Stop the idle reader processes (they are also stopped at exit); the next read starts a fresh one."""
    _POOL.shutdown()


# --- Before any parsing: is this a PDF at all? --------------------------------------------------------------

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
)


def _check_head(path: Path) -> None:
    """Reject what needs no parser to reject, without starting a worker."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except IsADirectoryError:
        raise DocumentSkipped("not a PDF (a directory)") from None
    except OSError as exc:
        raise DocumentSkipped(f"cannot read the file: {exc.strerror or exc}") from None
    if not head:
        raise DocumentSkipped("empty file")
    if b"%PDF-" not in head:
        raise DocumentSkipped(f"not a PDF ({sniff(head)})")


def sniff(head: bytes) -> str:
    """Name what a non-PDF file looks like, from its first bytes, for the skip reason."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return f"looks like {what}"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<!doctype html") or any(tag in text for tag in (b"<html", b"<head", b"<body")):
        return "looks like HTML"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "looks like XML"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        decoded = ""
    if decoded and all(ch.isprintable() or ch in "\t\r\n" for ch in decoded):
        return "looks like a text file"
    return "no %PDF- header"


# --- This process: the worker pool --------------------------------------------------------------------------

_BOOT = """
import json, sys, types
config = json.loads(sys.argv[1])
sys.path[:] = config["sys_path"]
for name, where in config["packages"].items():
    stub = types.ModuleType(name)
    stub.__path__ = [where]
    sys.modules[name] = stub
from assistant.documents.pdf import _serve
_serve()
"""


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


class _Worker:
    """One reader process and the line-oriented JSON pipe to it."""

    def __init__(self) -> None:
        here = Path(__file__).resolve().parent
        config = {
            "sys_path": [p for p in sys.path if isinstance(p, str)],
            "packages": {"assistant": str(here.parent), "assistant.documents": str(here)},
        }
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, json.dumps(config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfWorkerError(f"cannot start the PDF reader process: {exc}") from exc
        self.tasks = 0
        self.vm_mb = 0.0
        self._buffer = bytearray()
        try:
            ready = self.receive(time.monotonic() + _STARTUP_TIMEOUT_S)
        except (_Timeout, _Died, ValueError) as exc:
            self.kill()
            raise PdfWorkerError(f"the PDF reader process did not start: {type(exc).__name__}") from None
        if not ready.get("ready"):
            self.kill()
            raise PdfWorkerError(f"the PDF reader process cannot run: {ready.get('error', 'unknown error')}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, task: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(task).encode("ascii") + b"\n")

    def receive(self, deadline: float) -> dict[str, Any]:
        """One reply line; ``_Timeout`` at the deadline, ``_Died`` when the process is gone, else ValueError."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        scanned = 0
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                newline = self._buffer.find(b"\n", scanned)
                if newline >= 0:
                    line = bytes(self._buffer[:newline])
                    del self._buffer[: newline + 1]
                    return json.loads(line)
                scanned = len(self._buffer)
                if scanned > _MAX_REPLY_BYTES:
                    raise ValueError("reply too large")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Timeout
                if not selector.select(remaining):
                    continue
                data = os.read(fd, 1 << 20)
                if not data:
                    raise _Died("no reply")
                self._buffer += data

    def exit_description(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "did not exit"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"

    def close(self) -> None:
        """Ask an idle worker to leave (end of input), then make sure it did."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class _Pool:
    """Idle workers, handed to one read at a time; safe to use from several threads."""

    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def _take(self, memory_mb: int) -> _Worker:
        with self._lock:
            if self._pid != os.getpid():  # a forked copy of this process: those pipes belong to the parent
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                worker = self._idle.pop()
                if worker.alive() and worker.vm_mb < memory_mb * 0.6:
                    return worker
                worker.kill()
        return _Worker()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < _WORKER_MAX_IDLE:
                self._idle.append(worker)
                return
        worker.close()

    def run(self, task: dict[str, Any], *, timeout_s: float, memory_mb: int) -> dict[str, Any]:
        """Hand the task to a worker and wait for its reply; any worker not known to be healthy is killed."""
        worker = self._take(memory_mb)
        keep = False
        try:
            try:
                worker.send(task)
            except OSError:  # it died while idle: a fresh one gets the file
                worker.kill()
                worker = _Worker()
                try:
                    worker.send(task)
                except OSError as exc:
                    raise PdfWorkerError(f"the PDF reader process does not take work: {exc}") from exc
            reply = self._wait(worker, timeout_s, memory_mb)
            worker.tasks += 1
            worker.vm_mb = float(reply.pop("vm_mb", 0.0) or 0.0)
            keep = (
                bool(reply.get("ok")) and worker.tasks < _WORKER_MAX_TASKS and worker.vm_mb < memory_mb * 0.6
            )
            return reply
        finally:  # also on KeyboardInterrupt: a busy worker must not outlive the read
            if keep:
                self._give_back(worker)
            else:
                worker.kill()

    @staticmethod
    def _wait(worker: _Worker, timeout_s: float, memory_mb: int) -> dict[str, Any]:
        try:
            return worker.receive(time.monotonic() + timeout_s)
        except _Timeout:
            return {"ok": False, "reason": f"timed out after {timeout_s:g} s"}
        except _Died:
            how = worker.exit_description()
            if how == f"killed by {signal.SIGXCPU.name}":
                return {"ok": False, "reason": f"timed out after {timeout_s:g} s"}
            if how == f"killed by {signal.SIGABRT.name}":  # CPython aborts when raising MemoryError fails
                return {"ok": False, "reason": f"exceeded the memory limit of {memory_mb} MB"}
            return {"ok": False, "reason": f"corrupt PDF: the reader process crashed ({how})"}
        except (ValueError, OSError):
            return {"ok": False, "reason": "corrupt PDF: the reader process sent a garbled reply"}

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            if self._pid != os.getpid():  # a forked copy: the workers are the parent's to stop
                return
        for worker in idle:
            worker.close()


_POOL = _Pool()
atexit.register(_POOL.shutdown)


# --- The worker process: everything below runs there, never in the caller -----------------------------------


class _Warnings(logging.Handler):
    """Counts what pypdf logs while repairing a file, for one note on the document."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            try:
                self.first = _one_line(record.getMessage())
            except Exception:
                self.first = "unprintable warning"


def _serve() -> None:
    """Answer one JSON task per input line until the input ends."""
    reply_to = os.fdopen(os.dup(1), "w", encoding="utf-8", errors="replace")
    os.dup2(2, 1)  # anything printed by a library must not corrupt the replies
    sys.stdout = sys.stderr
    try:
        import pypdf

        pypdf.overwrite_configuration(jbig2dec_binary=None)  # never run an external decoder on hostile input
    except Exception as exc:
        _reply(reply_to, {"ready": False, "error": _one_line(repr(exc))})
        return
    warnings = _Warnings()
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(warnings)
    pypdf_logger.setLevel(logging.WARNING)
    pypdf_logger.propagate = False
    _reply(reply_to, {"ready": True})
    for line in sys.stdin.buffer:
        task = json.loads(line)
        warnings.count, warnings.first = 0, ""
        reply = _run_task(task)
        if reply.get("ok") and warnings.count:
            reply["notes"].append(
                f"pypdf reported {warnings.count} problem(s) while reading, first: {warnings.first}"
            )
        reply["vm_mb"] = _vm_mb()
        _reply(reply_to, reply)


def _reply(stream: Any, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message, ensure_ascii=False) + "\n")
    stream.flush()


def _run_task(task: dict[str, Any]) -> dict[str, Any]:
    memory_mb = int(task["memory_mb"])
    out_of_memory = False
    reply: dict[str, Any] = {}
    _set_limits(memory_mb, float(task["timeout_s"]))
    try:
        reply = _extract(
            Path(task["path"]), int(task["max_pages"]), int(task["page_chars"]), int(task["total_chars"])
        )
    except MemoryError:
        out_of_memory = True
    except Exception as exc:  # a bug on this side must cost one file, not the worker
        reply = _fail(_reason(exc))
    finally:
        _lift_limits()
    if out_of_memory:
        gc.collect()
        return {"ok": False, "reason": f"exceeded the memory limit of {memory_mb} MB"}
    return reply


def _set_limits(memory_mb: int, timeout_s: float) -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb << 20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    # A backstop for a caller that died or hangs: its wall clock normally ends a slow parse long before.
    cpu = int(usage.ru_utime + usage.ru_stime + timeout_s) + 2
    if cpu_hard != resource.RLIM_INFINITY:
        cpu = min(cpu, cpu_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu_hard))


def _lift_limits() -> None:
    import resource

    for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        _, hard = resource.getrlimit(which)
        resource.setrlimit(which, (hard, hard))


def _vm_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return 0.0


def _extract(path: Path, max_pages: int, page_chars: int, total_chars: int) -> dict[str, Any]:
    """Open, decrypt with the empty password when needed, and pull text page by page. MemoryError escapes."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    notes: list[str] = []
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                return _fail("encrypted with AES: needs the 'cryptography' package to open")
            if opened == PasswordType.NOT_DECRYPTED:
                return _fail(ENCRYPTED)
            notes.append("encrypted, but opens without a password")
        page_count = len(reader.pages)
    except Exception as exc:
        reason = _reason(_root_cause(exc))
        if reason.startswith("corrupt PDF") and _cut_short(path):
            reason = CUT_SHORT
        return _fail(reason)
    title = _title(reader, notes)

    pages: list[tuple[int, str]] = []
    blank: list[int] = []
    first_error = ""
    failed = 0
    total = 0
    to_read = min(page_count, max_pages)
    truncated = page_count > max_pages
    if truncated:
        notes.append(f"read the first {max_pages} of {page_count} pages (page limit)")
    for index in range(to_read):
        number = index + 1
        try:
            text = _clean(reader.pages[index].extract_text() or "")
        except Exception as exc:
            reason = _reason(_root_cause(exc))
            first_error = first_error or reason
            failed += 1
            if failed <= _LISTED_PAGES:
                notes.append(f"page {number} skipped: {reason}")
            continue
        if not text.strip():
            blank.append(number)
            continue
        if len(text) > page_chars:
            text = text[:page_chars]
            truncated = True
            notes.append(f"page {number}: text cut at {page_chars:,} characters")
        if total + len(text) > total_chars:
            notes.append(f"stopped before page {number}: the text passed {total_chars:,} characters")
            truncated = True
            break
        total += len(text)
        pages.append((number, text))

    if not pages:
        return _fail(first_error or NO_TEXT)
    if failed > _LISTED_PAGES:
        notes.append(f"{failed - _LISTED_PAGES} more page(s) skipped")
    if blank:
        listed = ", ".join(str(n) for n in blank[:_LISTED_PAGES])
        more = f" and {len(blank) - _LISTED_PAGES} more" if len(blank) > _LISTED_PAGES else ""
        notes.append(f"no text on page(s) {listed}{more}: scanned pages need OCR")
    return {
        "ok": True,
        "pages": pages,
        "title": title,
        "page_count": page_count,
        "truncated": truncated,
        "pages_missing": bool(blank) or failed > 0,
        "notes": notes,
        "outline": _outline(reader, to_read, notes),
    }


def _outline(reader: Any, pages_read: int, notes: list[str]) -> list[tuple[str, int]]:
    """Bookmarks flattened in order; pypdf guards against loops, this bounds the count and the depth."""
    try:
        items = list(reader.outline)
    except Exception as exc:
        _root_cause(exc)
        notes.append(f"outline unreadable: {_one_line(str(exc) or type(exc).__name__)}")
        return []
    found: list[tuple[str, int]] = []
    stack = [iter(items)]
    while stack and len(found) < _MAX_OUTLINE:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, list):
            if len(stack) < 100:
                stack.append(iter(item))
        else:
            try:
                index = reader.get_destination_page_number(item)
                heading = " ".join(_clean(str(getattr(item, "title", "") or "")).split())[:300]
            except Exception as exc:
                _root_cause(exc)
                continue
            if heading and index is not None and 0 <= index < pages_read:
                found.append((heading, index + 1))
    return found


def _title(reader: Any, notes: list[str]) -> str | None:
    try:
        metadata = reader.metadata
        raw = metadata.title if metadata is not None else None
        stored = metadata.get("/Title") if raw is not None else None
        stored = stored.get_object() if hasattr(stored, "get_object") else stored
    except Exception as exc:
        _root_cause(exc)
        notes.append(f"metadata unreadable: {_one_line(str(exc) or type(exc).__name__)}")
        return None
    if raw is None:
        return None
    if isinstance(stored, bytes) and stored.startswith(b"\xfe\xff"):
        # UTF-16 that pypdf could not decode (a lone surrogate) would come back as Latin-1 mojibake.
        raw = stored[2:].decode("utf-16-be", errors="replace")
    title = " ".join(_clean(str(raw)).split())[:300]
    return title or None


def _cut_short(path: Path) -> bool:
    """PDF objects at the start but no end-of-file marker at the end: what an interrupted copy leaves."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
            handle.seek(max(0, path.stat().st_size - 4096))
            tail = handle.read()
    except OSError:
        return False
    return b"%%EOF" not in tail and re.search(rb"\d+\s+\d+\s+obj\b", head) is not None


def _root_cause(exc: BaseException) -> BaseException:
    """What really went wrong behind what pypdf raised; raises MemoryError when that was memory.

    pypdf turns MemoryError and RecursionError into PdfReadError ("Error reading PDF file"), and C code that
    fails to allocate can leave a SystemError ("error return without exception set"), which nothing else causes
    here.
    """
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, MemoryError | SystemError):
            raise MemoryError from None
        if isinstance(link, RecursionError):
            return link
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return exc


def _reason(exc: BaseException) -> str:
    """A short reason people can act on, from whatever pypdf raised."""
    from pypdf.errors import DependencyError, EmptyFileError, FileNotDecryptedError, LimitReachedError

    if isinstance(exc, FileNotDecryptedError):
        return ENCRYPTED
    if isinstance(exc, EmptyFileError):
        return "empty file"
    if isinstance(exc, DependencyError):
        return f"needs an optional package: {_one_line(str(exc))}"
    cause = _one_line(str(exc))
    if isinstance(exc, LimitReachedError):
        if "decompress" in cause.lower():
            return "decompression bomb: a stream inflates past the safety limit"
        if "cycl" in cause.lower() or "loop" in cause.lower():
            return f"corrupt PDF: {cause}"
        return f"PDF exceeds a safety limit: {cause}"
    if isinstance(exc, RecursionError):
        return "corrupt PDF: objects nested too deeply"
    return f"corrupt PDF: {cause}" if cause else f"corrupt PDF: {type(exc).__name__}"


def _fail(reason: str) -> dict[str, Any]:
    return {"ok": False, "reason": reason}


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(_clean(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _clean(text: str) -> str:
    """Valid Unicode for JSON, SQLite and the embedder: lone surrogates become U+FFFD, NULs go."""
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "")


# --- Command line -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Print what ingest would get from each file, one JSON object per line."""
    parser = argparse.ArgumentParser(prog="python -m assistant.documents.pdf", description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--timeout", type=float, default=None, help="seconds (default: pdf_timeout_s)")
    parser.add_argument("--memory", type=int, default=None, help="MB (default: pdf_memory_mb)")
    parser.add_argument("--max-pages", type=int, default=None, help="default: pdf_max_pages")
    args = parser.parse_args(argv)
    from assistant.settings import get_settings

    settings = get_settings()
    status = 0
    for file in args.files:
        started = time.perf_counter()
        try:
            result: dict[str, Any] = asdict(
                read_pdf(
                    file,
                    timeout_s=args.timeout or settings.pdf_timeout_s,
                    memory_mb=args.memory or settings.pdf_memory_mb,
                    max_pages=args.max_pages or settings.pdf_max_pages,
                )
            )
        except DocumentSkipped as exc:
            result, status = {"skipped": exc.reason}, 1
        result = {"file": str(file), "seconds": round(time.perf_counter() - started, 3), **result}
        print(json.dumps(result, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
