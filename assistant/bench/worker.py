"""``python -m assistant.bench.worker TASK PARAMS.json OUT.json``: one measurement in a fresh interpreter.

A process per index size keeps each size's resident memory its own, and a synthetic build is written by a
process that then exits, so the process that queries it starts clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import assistant._offline  # noqa: F401 - before any model import


def _tasks() -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    from assistant.bench import queries, scale

    return {"queries": queries.measure, "scale_build": scale.build}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    task, params_path, out_path = args
    tasks = _tasks()
    if task not in tasks:
        print(f"unknown task {task!r}: {', '.join(tasks)}", file=sys.stderr)
        return 2
    params = json.loads(Path(params_path).read_text(encoding="utf-8"))
    result = tasks[task](params)
    Path(out_path).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
