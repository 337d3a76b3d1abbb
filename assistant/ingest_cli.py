"""``python ingest.py``: index the corpus (incrementally), show progress, then a summary table or JSON.

Exit codes: 0 the corpus is indexed (even with skipped files), 1 nothing could be indexed, the build failed
(the serving index is untouched) or a setting is wrong, 2 another ingest holds the lock. Expected errors print
one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, IndexLocked
from assistant.settings import Settings, SettingsError

EXIT_OK, EXIT_FAILED, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ingest.py",
        description="Index the corpus: only new and changed files are embedded; the serving index switches "
        "atomically when the new build has passed its checks.",
    )
    parser.add_argument(
        "--corpus",
        action="append",
        type=Path,
        metavar="DIR",
        help="corpus folder (repeatable; default: ASSISTANT_CORPUS_DIRS)",
    )
    parser.add_argument(
        "--index", type=Path, metavar="DIR", help="index folder (default: ASSISTANT_INDEX_DIR)"
    )
    parser.add_argument("--rebuild", action="store_true", help="embed everything again (no reuse)")
    parser.add_argument("--rollback", action="store_true", help="serve the previous build again, then exit")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    return parser


class _Bar:
    """A tqdm bar on stderr, made on the first report so a run that embeds nothing shows none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr, mininterval=0.2)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _summary_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Ingest summary", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row("documents", str(report["documents"]))
    table.add_row("chunks", str(report["chunks"]))
    table.add_row("embedded", str(report["embedded"]))
    table.add_row("reused", str(report["reused"]))
    table.add_row("skipped", str(len(report["skipped"])))
    table.add_row("partly read", str(len(report.get("partial", []))))
    table.add_row("files changed / removed", f"{report['files_changed']} / {report['files_removed']}")
    table.add_row("seconds", f"{report['seconds']:.1f}")
    table.add_row("chunks per second", f"{report['chunks_per_second']:.1f}")
    if report["embedded"]:
        table.add_row("embedded per second", f"{report['embedded_per_second']:.1f}")
    table.add_row("model", report["model"])
    if not report["new_build"]:
        build = "unchanged (nothing to do)"
    else:
        build = "new (full rebuild)" if report["full_rebuild"] else "new (incremental)"
    table.add_row("build", build)
    table.add_row("index", report["index"])
    console = Console(soft_wrap=True)
    console.print(table)
    if report["skipped"]:
        skipped = Table(title="Skipped files")
        skipped.add_column("path")
        skipped.add_column("reason")
        for item in report["skipped"]:
            skipped.add_row(item["path"], item["reason"])
        console.print(skipped)
    if report.get("partial"):
        partial = Table(title="Partly read files (indexed, but some pages or text left out)")
        partial.add_column("path")
        partial.add_column("why")
        for item in report["partial"]:
            partial.add_row(item["path"], item["reason"])
        console.print(partial)


def _fail(message: str, code: int, as_json: bool) -> int:
    print(f"ingest: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"error": message, "exit_code": code}))
    return code


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Run one ingest; ``settings`` lets tests and callers pass their own instead of the environment's."""
    args = build_parser().parse_args(argv)
    try:
        if settings is None:
            from assistant.settings import get_settings

            settings = get_settings()
        index_dir = args.index or settings.index_dir
        if args.rollback:
            from assistant.index.builder import rollback

            build_id = rollback(index_dir, settings)
            if args.json:
                print(json.dumps({"index": str(Path(index_dir) / "builds" / build_id), "build_id": build_id}))
            else:
                print(f"rolled back: serving build {build_id}")
            return EXIT_OK
        corpus = args.corpus or list(settings.corpus_dirs)
        missing = [str(d) for d in corpus if not Path(d).exists()]
        if missing:
            return _fail(f"corpus folder not found: {', '.join(missing)}", EXIT_FAILED, args.json)
        from assistant.index.builder import ingest

        bar = _Bar(enabled=True)
        try:
            report = ingest(corpus, settings, index_dir=index_dir, rebuild=args.rebuild, progress=bar)
        finally:
            bar.close()
    except IndexLocked as exc:
        return _fail(str(exc), EXIT_LOCKED, args.json)
    except SettingsError as exc:
        return _fail(str(exc), EXIT_FAILED, args.json)
    except AssistantError as exc:
        return _fail(f"{exc} (the current index is unchanged)", EXIT_FAILED, args.json)
    except KeyboardInterrupt:
        return _fail("interrupted (the current index is unchanged)", EXIT_INTERRUPTED, args.json)
    except (OSError, ValueError) as exc:
        return _fail(f"{type(exc).__name__}: {exc}", EXIT_FAILED, args.json)
    data = report.to_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        _summary_table(data)
    return EXIT_OK
