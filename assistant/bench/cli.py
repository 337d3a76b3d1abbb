"""``python -m assistant bench [--quick] [--json]``: run the sections, write docs/PERFORMANCE.md and its JSON twin.

Exit status: 0 when every section ran (missed targets included: speed is reported, never asserted), 1 when a
section could not be measured (its error is in the report), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import assistant._offline  # noqa: F401 - before any model import
from assistant.bench.common import (
    SECTIONS,
    BenchConfig,
    BenchSkipped,
    loadavg,
    machine,
    progress,
    run_worker,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shipped corpus and 10k chunks, fewer questions and repetitions, warm-up by asking (under 2 min)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    parser.add_argument(
        "--out", type=Path, help="where PERFORMANCE.md and performance.json go (default docs/)"
    )
    parser.add_argument("--sections", help=f"comma-separated subset of: {', '.join(SECTIONS)} (default: all)")
    parser.add_argument(
        "--corpus", type=Path, action="append", help="corpus folder (repeatable; default corpus/)"
    )
    parser.add_argument(
        "--qa", type=Path, help="eval file whose questions are asked (default evals/qa.jsonl)"
    )
    parser.add_argument("--no-qa", action="store_true", help="ask questions made from the corpus headings")
    parser.add_argument("--embedding", choices=["minilm", "e5", "hash"], help="embedding model of the index")
    parser.add_argument(
        "--sizes", help="synthetic index sizes in chunks, comma-separated (default 10000,100000)"
    )
    parser.add_argument("--questions", type=int, help="at most this many questions (0: all)")
    parser.add_argument("--reps", type=int, help="passes over the questions")
    parser.add_argument(
        "--clients", type=int, dest="load_clients", help="concurrent HTTP clients (default 20)"
    )
    parser.add_argument("--load-seconds", type=float, help="duration of each load run")
    parser.add_argument("--startup-reps", type=int, help="app start-ups timed")
    parser.add_argument(
        "--chroma-sizes", help="synthetic sizes also compared on the Chroma server (default 10000)"
    )
    parser.add_argument("--ingest-sample", type=int, help="ingest every n-th corpus file (1: all)")
    parser.add_argument("--seed", type=int, help="seed of the synthetic corpora (default 7)")
    parser.add_argument(
        "--index",
        type=Path,
        dest="seed_index",
        help="an index of the shipped corpus to copy and update instead of building one (--quick: the settings' index)",
    )
    return parser


def _ints(text: str | None) -> list[int] | None:
    if text is None:
        return None
    return [int(x) for x in text.replace("_", "").split(",") if x.strip()]


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    sections = None
    if args.sections:
        sections = [s.strip() for s in args.sections.split(",") if s.strip()]
        unknown = sorted(set(sections) - set(SECTIONS))
        if unknown:
            raise ValueError(f"unknown section {unknown[0]!r}: use {', '.join(SECTIONS)}")
    overrides: dict[str, Any] = {
        "out_dir": args.out,
        "corpus_dirs": [p.resolve() for p in args.corpus] if args.corpus else None,
        "qa_path": args.qa.resolve() if args.qa else None,
        "embedding": args.embedding,
        "sizes": _ints(args.sizes),
        "questions": args.questions,
        "reps": args.reps,
        "load_clients": args.load_clients,
        "load_seconds": args.load_seconds,
        "startup_reps": args.startup_reps,
        "chroma_sizes": _ints(args.chroma_sizes),
        "ingest_sample": args.ingest_sample,
        "seed": args.seed,
        "seed_index": args.seed_index.resolve() if args.seed_index else None,
        "sections": sections,
    }
    cfg = BenchConfig.for_mode(args.quick, **overrides)
    if args.no_qa:
        cfg.qa_path = None
    if not args.seed_index and (args.corpus or cfg.embedding != "minilm"):
        cfg.seed_index = None  # the settings' index holds another corpus or another model
    return cfg


STEPS_S: dict[str, float] = {}  # seconds per step of the last run, for meta.steps_s


def _guard(name: str, fn: Callable[[], Any]) -> Any:
    """A section's result, or its error: one broken section must not hide the others."""
    started = time.perf_counter()
    progress(f"{name} ...")
    try:
        result = fn()
    except BenchSkipped as exc:
        result = {"status": "skipped", "reason": str(exc)}
    except Exception as exc:
        result = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
    if isinstance(result, dict):
        result.setdefault("seconds", round(time.perf_counter() - started, 2))
    STEPS_S[name] = round(time.perf_counter() - started, 1)
    status = result.get("status", "done") if isinstance(result, dict) else "done"
    progress(f"{name} {status} in {STEPS_S[name]:.1f} s")
    return result


def _index_info(index_dir: Path, how: dict[str, Any]) -> dict[str, Any]:
    from assistant.bench.scale import read_build

    manifest, path, _, _ = read_build(index_dir)
    return {
        "documents": sum(1 for info in manifest.files.values() if info.get("chunks", 0) > 0),
        "chunks": manifest.total_chunks,
        "model": manifest.model,
        "disk_mb": round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1),
        "source": how.get("source", ""),
    }


def _questions(cfg: BenchConfig, index_dir: Path) -> list[str]:
    from assistant.bench.queries import load_items
    from assistant.bench.scale import read_build

    _, _, chunks, _ = read_build(index_dir)
    items, _ = load_items(cfg, chunks)
    return list(dict.fromkeys(item.question for item in items if not item.follow_up_of))


def run(cfg: BenchConfig, argv: list[str]) -> dict[str, Any]:
    from assistant.bench import chroma_server, ingest, load, startup

    started = time.perf_counter()
    STEPS_S.clear()
    meta: dict[str, Any] = {
        "mode": "quick" if cfg.quick else "full",
        "command": "python -m assistant bench" + (" " + " ".join(argv) if argv else ""),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "config": cfg.to_dict(),
        "loadavg": {"start": loadavg()},
    }
    sections: dict[str, Any] = {}
    index: dict[str, Any] = {}
    wanted = set(cfg.sections)
    with tempfile.TemporaryDirectory(prefix="clusterdesk-bench-") as tmp:
        work = Path(tmp)
        ingested: Path | None = None
        if "ingest" in wanted:

            def do_ingest() -> dict[str, Any]:
                nonlocal ingested
                section, ingested = ingest.run(cfg, work)
                return section

            sections["ingest"] = _guard("ingest", do_ingest)
        shipped: Path | None = None
        if wanted - {"ingest"}:
            progress("preparing the shipped index")
            try:
                mark = time.perf_counter()
                shipped, how = ingest.shipped_index(cfg, work, ingested)
                STEPS_S["shipped index"] = round(time.perf_counter() - mark, 1)
                index["shipped"] = {**_index_info(shipped, how), **how}
            except Exception as exc:
                reason = f"no shipped index: {type(exc).__name__}: {exc}"
                for name in wanted - {"ingest"}:
                    sections[name] = {"status": "error", "reason": reason}
        if shipped is not None:
            _run_sections(cfg, work, shipped, wanted, sections)
            questions = _questions(cfg, shipped)
            if "startup" in wanted:
                sections["startup"] = _guard("startup", lambda: startup.run(cfg, shipped, work))
            if "load" in wanted:
                sections["load"] = _guard("load", lambda: load.run(cfg, shipped, work, questions))
            if "chroma_server" in wanted:
                sections["chroma_server"] = _guard(
                    "chroma_server", lambda: chroma_server.run(cfg, shipped, work, questions)
                )
    meta["loadavg"]["end"] = loadavg()
    meta["duration_s"] = round(time.perf_counter() - started, 1)
    meta["steps_s"] = dict(STEPS_S)
    return {"meta": meta, "index": index, "sections": sections}


def _run_sections(
    cfg: BenchConfig, work: Path, shipped: Path, wanted: set[str], sections: dict[str, Any]
) -> None:
    """Queries at each size (a process each), with the reference and encoder sections in the shipped one."""
    if not wanted & {"queries", "reference", "encoders"}:
        return
    params = {
        "cfg": cfg.to_dict(),
        "index_dir": str(shipped),
        "reference": (
            {
                "corpus_dirs": [str(d) for d in cfg.corpus_dirs],
                "index_dir": str(shipped),
                "label": "shipped corpus",
            }
            if "reference" in wanted
            else None
        ),
        "encoders": "encoders" in wanted,
    }
    shipped_result = _guard(
        "queries (shipped corpus)", lambda: run_worker("queries", params, work / "workers")
    )
    sizes: dict[str, Any] = {}
    if shipped_result.get("status") == "error":
        sizes["shipped"] = shipped_result
        for name in ("reference", "encoders"):
            if name in wanted:
                sections[name] = shipped_result
    else:
        sizes["shipped"] = shipped_result["queries"]
        for name in ("reference", "encoders"):
            if name in wanted:
                sections[name] = shipped_result.get(name, {"status": "error", "reason": "not measured"})
    if "queries" in wanted:
        for size in cfg.sizes:
            sizes[str(size)] = _guard(
                f"queries ({size:,} chunks)", lambda size=size: _scaled(cfg, work, shipped, size)
            )
        sections["queries"] = {"status": "ok", "sizes": sizes}


def _scaled(cfg: BenchConfig, work: Path, shipped: Path, size: int) -> dict[str, Any]:
    import shutil

    dest = work / f"index-{size}"
    build = run_worker(
        "scale_build",
        {"source": str(shipped), "size": size, "seed": cfg.seed, "dest": str(dest)},
        work / "workers",
    )
    lean = {**cfg.to_dict(), "cold_questions": min(cfg.cold_questions, 16), "reps": min(cfg.reps, 2)}
    lean["questions"] = min(cfg.questions or cfg.scale_questions, cfg.scale_questions)
    try:
        result = run_worker("queries", {"cfg": lean, "index_dir": str(dest)}, work / "workers")["queries"]
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    result["build"] = build
    return result


def _print_summary(results: dict[str, Any], written: dict[str, Path]) -> None:
    from assistant.bench.markdown import fmt

    for check in results["targets"]:
        met = "not measured" if check["met"] is None else ("ok" if check["met"] else "MISSED")
        print(f"  {check['name']}: {fmt(check['value'], 3)} {check['unit']} (target {check['target']}) {met}")
    print(f"bench: wrote {written['md']} and {written['json']}", file=sys.stderr)


def wall_seconds(entered: float, from_command_line: bool) -> float:
    """The run's wall time: since the process started (interpreter start-up and imports included, as a reader
    timing ``python -m assistant bench`` sees it), or since ``main`` was entered when called in-process."""
    if from_command_line:
        import psutil

        return max(0.0, time.time() - psutil.Process().create_time())
    return time.perf_counter() - entered


def main(argv: list[str] | None = None) -> int:
    entered = time.perf_counter()
    argv = list(sys.argv[1:] if argv is None else argv)
    # `python -m assistant bench ...` (or this module run as a script): the process is the bench's own
    from_command_line = sys.argv[1:] == argv or sys.argv[1:] == ["bench", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        cfg = config_from_args(args)
    except ValueError as exc:
        parser.error(str(exc))
    from assistant.bench import report

    results = run(cfg, argv)
    results["meta"]["wall_s"] = round(wall_seconds(entered, from_command_line), 1)
    written = report.write(cfg.out_dir, results)
    results = json.loads(written["json"].read_text(encoding="utf-8"))
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        _print_summary(results, written)
    failed = [
        name for name, s in results["sections"].items() if isinstance(s, dict) and s.get("status") == "error"
    ]
    failed += [
        k
        for k, q in (results["sections"].get("queries") or {}).get("sizes", {}).items()
        if q.get("status") == "error"
    ]
    if failed:
        print(f"bench: not measured: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
