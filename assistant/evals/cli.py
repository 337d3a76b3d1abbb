"""``python -m assistant eval``: score eval files, write the report, apply the gate.

Exit status: 0 when the gate passes (or ``--no-gate``), 1 when it fails or ``--update-baseline`` was refused (a
floor or ceiling failed, and no ``--force``), 2 when the run could not be made (a malformed eval file, no index, a
bad ``--set``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import assistant._offline  # noqa: F401 - before any model import
from assistant.evals.dataset import EvalFormatError, check_items, load_items
from assistant.evals.runner import CONFIGURATIONS

EVALS_DIR = Path("evals")
DEFAULT_QA = EVALS_DIR / "qa.jsonl"
THRESHOLDS = EVALS_DIR / "thresholds.toml"
BASELINE = EVALS_DIR / "baseline.json"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant eval",
        description="Score eval files (JSONL, format in evals/README.md) against the assistant and write a report.",
    )
    parser.add_argument(
        "--qa",
        action="append",
        type=Path,
        metavar="FILE",
        help=f"eval file (repeatable; default {DEFAULT_QA})",
    )
    parser.add_argument(
        "--index", type=Path, metavar="DIR", help="index directory (default: the settings' index_dir)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="sets",
        help="override a setting (repeatable)",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        choices=list(CONFIGURATIONS),
        metavar="NAME",
        help=f"also score this configuration (repeatable): {', '.join(CONFIGURATIONS)}",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="report directory (default evals/reports/<UTC time>/)"
    )
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON on stdout")
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help=f"record this run as {BASELINE}, only when every floor and ceiling holds",
    )
    parser.add_argument(
        "--force", action="store_true", help="with --update-baseline: record it even below a floor"
    )
    parser.add_argument("--no-gate", action="store_true", help="report only; exit 0 whatever the scores")
    parser.add_argument(
        "--thresholds", type=Path, default=THRESHOLDS, metavar="FILE", help=f"default {THRESHOLDS}"
    )
    parser.add_argument("--baseline", type=Path, default=BASELINE, metavar="FILE", help=f"default {BASELINE}")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def parse_sets(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; a value that looks like a JSON list or object is decoded, the rest pydantic coerces."""
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not sep or not key:
            raise ValueError(f"--set {pair!r}: expected KEY=VALUE")
        overrides[key] = json.loads(value) if value.strip()[:1] in ("[", "{") else value
    return overrides


def _fail(message: str) -> int:
    print(f"eval: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    from assistant.errors import AssistantError
    from assistant.evals.gate import (
        ThresholdsError,
        check_gate,
        item_keys,
        load_baseline,
        load_thresholds,
        make_baseline,
        write_baseline,
    )
    from assistant.evals.report import build_report, summary, write_report
    from assistant.evals.runner import AssistantFactory, evaluate
    from assistant.settings import Settings

    qa_files = args.qa or [DEFAULT_QA]
    try:
        items = load_items(qa_files)
        overrides = parse_sets(args.sets)
        Settings(**overrides)
        gated = not args.no_gate or args.update_baseline  # a baseline is only recorded above the floors
        thresholds = load_thresholds(args.thresholds) if gated else None
        baseline = None if args.no_gate or args.update_baseline else load_baseline(args.baseline)
        if args.force and not args.update_baseline:
            raise ValueError("--force only applies to --update-baseline")
    except (EvalFormatError, ThresholdsError, ValueError, ValidationError) as exc:
        return _fail(str(exc))
    for key in sorted(set(overrides) - set(Settings.model_fields)):
        print(f"eval: warning: Settings has no field {key!r}; it is ignored", file=sys.stderr)
    if overrides.get("llm_backend") and "llm" not in args.compare:
        print(
            "eval: note: llm_backend applies to the `llm` configuration only; add --compare llm",
            file=sys.stderr,
        )
    problems = check_items(items)
    for problem in problems[:10]:
        print(f"eval: warning: {problem}", file=sys.stderr)
    if len(problems) > 10:
        print(f"eval: warning: ... and {len(problems) - 10} more content problems", file=sys.stderr)

    names = list(dict.fromkeys(["default", *args.compare, "reference"]))
    created = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="clusterdesk-eval-") as work:
        factory = AssistantFactory(args.index, overrides, Path(work), progress=not args.quiet)
        try:
            results = evaluate(items, names, factory, progress=not args.quiet)
        except AssistantError as exc:
            return _fail(f"the default configuration could not run: {exc}")

    default = results["default"]
    if default.status != "ok":
        return _fail(f"the default configuration could not run: {default.reason}")
    by_id = {run.item.id: scores for run, scores in zip(default.runs, default.scores, strict=True)}
    keys = item_keys(items)
    overall = default.metrics["overall"]
    gate = None if thresholds is None else check_gate(overall, by_id, thresholds, baseline, keys=keys)
    refused: list[str] = []  # why --update-baseline did not write
    if args.update_baseline:
        assert gate is not None  # thresholds are always loaded with --update-baseline
        if gate.passed or args.force:
            write_baseline(args.baseline, make_baseline(overall, by_id, [str(q) for q in qa_files], keys))
            forced = "" if gate.passed else " (--force: below a floor or above a ceiling)"
            print(f"eval: baseline written to {args.baseline}{forced}", file=sys.stderr)
        else:
            refused = gate.failures
        if args.no_gate:
            gate = None

    report = build_report(
        results,
        items,
        created=created.isoformat(timespec="seconds"),
        qa_files=[str(q) for q in qa_files],
        index=str(args.index or Settings(**overrides).index_dir),
        overrides=overrides,
        gate=gate,
    )
    out = args.out or EVALS_DIR / "reports" / created.strftime("%Y%m%dT%H%M%SZ")
    written = write_report(out, report)
    if args.json:
        print(json.dumps({k: report[k] for k in ("metrics", "vs_reference", "gate")}, indent=1, default=str))
    else:
        print(summary(report))
    print(f"eval: report in {written['md']} and {written['html']}", file=sys.stderr)
    if refused:
        print(
            f"eval: baseline NOT written: this run fails the gate's floors or ceilings; {args.baseline} is "
            "unchanged (--force records it anyway)",
            file=sys.stderr,
        )
        for failure in refused if gate is None else []:
            print(f"  - {failure}", file=sys.stderr)
    if gate is not None and not gate.passed:
        print("eval: GATE FAILED", file=sys.stderr)
        for failure in gate.failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    if refused:
        return 1
    if gate is not None:
        print("eval: gate passed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
