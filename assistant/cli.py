"""``python -m assistant <verb>``: ask, eval, bench, settings, feedback. Heavy imports happen inside each verb."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import AssistantError


def _parse_filters(items: list[str]) -> dict[str, str]:
    filters: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--filter takes key=value, got {item!r}")
        filters[key.strip()] = value.strip()
    return filters


def _render(answer, out) -> None:
    print(answer.text, file=out)
    for notice in answer.notices:
        print(f"\nNote: {notice}", file=out)
    if answer.citations:
        print("\nSources:", file=out)
        for c in answer.citations:
            where = f", p. {c.page}" if c.page else ""
            section = f" - {c.section}" if c.section else ""
            print(f"  [{c.n}] {c.title}{section}{where}" + (f"\n      {c.url}" if c.url else ""), file=out)


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.core import Assistant
    from assistant.settings import get_settings

    history = []
    if args.history:
        history = json.loads(Path(args.history).read_text(encoding="utf-8"))
    assistant = Assistant.open(args.index, get_settings())
    answer = assistant.ask(args.question, history=history, filters=_parse_filters(args.filter))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        _render(answer, sys.stdout)
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from assistant.settings import get_settings, settings_table

    if args.markdown:
        print(settings_table())
    else:
        print(json.dumps(get_settings().model_dump(mode="json"), indent=2))
    return 0


def cmd_eval(argv: list[str]) -> int:
    from assistant.evals.cli import main

    return main(argv)


def cmd_bench(argv: list[str]) -> int:
    from assistant.bench.cli import main

    return main(argv)


def cmd_feedback(argv: list[str]) -> int:
    from assistant.feedback import main

    return main(argv)


DELEGATED = {"eval": cmd_eval, "bench": cmd_bench, "feedback": cmd_feedback}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description=__doc__)
    sub = parser.add_subparsers(dest="verb", required=True)
    ask = sub.add_parser("ask", help="answer one question with numbered sources")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")
    ask.add_argument("--history", help="JSON file of {role, content} messages (the conversation so far)")
    ask.add_argument(
        "--filter", action="append", default=[], help="key=value: doc_type, programme, call_id, language"
    )
    ask.add_argument("--index", type=Path, help="index directory (default: settings)")
    ask.set_defaults(func=cmd_ask)
    settings = sub.add_parser("settings", help="print the settings in force")
    settings.add_argument("--markdown", action="store_true", help="the documented table of every setting")
    settings.set_defaults(func=cmd_settings)
    for verb in DELEGATED:
        sub.add_parser(verb, help=f"{verb} (see python -m assistant {verb} --help)", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        try:
            return DELEGATED[argv[0]](argv[1:])
        except AssistantError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
