"""The eval gate: floors from evals/thresholds.toml, and no drop of more than a few points below the baseline.

The baseline (evals/baseline.json) stores every item's metric values and is only written on request
(``--update-baseline``). A drop is measured on the items present in both runs, matched by id, and only where the
metric applies to the item in both, so adding or removing items never reads as a regression.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.evals.metrics import LOWER_IS_BETTER, METRICS, Score, metric_value

EPSILON = 1e-9


class ThresholdsError(ValueError):
    """thresholds.toml names a metric that does not exist or cannot have a floor."""


@dataclass(frozen=True)
class Thresholds:
    targets: dict[str, float]
    floors: dict[str, float]
    max_drop_points: float = 3.0
    baseline_metrics: tuple[str, ...] = ()


@dataclass
class Check:
    metric: str
    rule: str  # "floor" or "baseline"
    value: float | None
    limit: float | None
    passed: bool
    detail: str = ""


@dataclass
class GateResult:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[str]:
        return [c.detail for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failures": self.failures,
            "checks": [asdict(c) for c in self.checks],
            "notes": self.notes,
        }


def _metric_table(data: Mapping[str, Any], table: str, path: Path) -> dict[str, float]:
    values = data.get(table, {})
    if not isinstance(values, Mapping):
        raise ThresholdsError(f"{path}: [{table}] must be a table of metric = number")
    for name, value in values.items():
        if name not in METRICS:
            raise ThresholdsError(f"{path}: [{table}] names unknown metric {name!r}")
        if name in LOWER_IS_BETTER:
            raise ThresholdsError(f"{path}: [{table}] {name} is lower-is-better and cannot have a floor")
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ThresholdsError(f"{path}: [{table}] {name} must be a number between 0 and 1")
    return {k: float(v) for k, v in values.items()}


def load_thresholds(path: Path) -> Thresholds:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdsError(f"{path}: cannot read thresholds ({exc})") from None
    floors = _metric_table(data, "floors", path)
    baseline = data.get("baseline", {})
    metrics = tuple(baseline.get("metrics", list(floors)))
    unusable = [m for m in metrics if m not in METRICS or m in LOWER_IS_BETTER]
    if unusable:
        raise ThresholdsError(f"{path}: [baseline] metrics: {unusable} are unknown or lower-is-better")
    return Thresholds(
        targets=_metric_table(data, "targets", path),
        floors=floors,
        max_drop_points=float(baseline.get("max_drop_points", 3.0)),
        baseline_metrics=metrics,
    )


def make_baseline(
    overall: Mapping[str, Any], item_scores: Mapping[str, Mapping[str, Score]], qa_files: Sequence[str]
) -> dict[str, Any]:
    """What ``--update-baseline`` writes: the overall metrics and every item's metric values, by item id."""
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "configuration": "default",
        "qa_files": list(qa_files),
        "metrics": {name: metric_value(overall, name) for name in METRICS},
        "items": {
            item_id: {name: value for name, value in scores.items() if value is not None}
            for item_id, scores in item_scores.items()
        },
    }


def load_baseline(path: Path) -> dict[str, Any] | None:
    """The stored baseline, or None when there is none yet."""
    path = Path(path)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
        raise ValueError(f"{path}: not a baseline file (no items)")
    return data


def write_baseline(path: Path, baseline: Mapping[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _baseline_check(
    metric: str,
    current: Mapping[str, Mapping[str, Score]],
    stored: Mapping[str, Mapping[str, Score]],
    max_drop: float,
) -> Check | None:
    shared = [
        i
        for i in current
        if i in stored and current[i].get(metric) is not None and stored[i].get(metric) is not None
    ]
    if not shared:
        return None
    now = sum(float(current[i][metric]) for i in shared) / len(shared)  # type: ignore[arg-type]
    before = sum(float(stored[i][metric]) for i in shared) / len(shared)  # type: ignore[arg-type]
    limit = before - max_drop
    passed = now >= limit - EPSILON
    detail = f"{metric} {now:.3f} vs baseline {before:.3f} on {len(shared)} shared items"
    if not passed:
        worse = [i for i in shared if float(current[i][metric]) < float(stored[i][metric])]  # type: ignore[arg-type]
        shown = ", ".join(worse[:12]) + (f" and {len(worse) - 12} more" if len(worse) > 12 else "")
        detail += f": dropped more than {max_drop * 100:g} points (now worse: {shown})"
    return Check(metric, "baseline", now, limit, passed, detail)


def check_gate(
    overall: Mapping[str, Any],
    item_scores: Mapping[str, Mapping[str, Score]],
    thresholds: Thresholds,
    baseline: Mapping[str, Any] | None,
) -> GateResult:
    """Floors on the overall metrics, then the drop against the baseline on shared items."""
    result = GateResult()
    for metric, floor in thresholds.floors.items():
        value = metric_value(overall, metric)
        if value is None:
            result.notes.append(f"{metric}: no item in this set measures it; floor {floor:g} not checked")
            continue
        passed = value >= floor - EPSILON
        detail = f"{metric} {value:.3f} {'>=' if passed else 'is below the floor'} {floor:g}"
        result.checks.append(Check(metric, "floor", value, floor, passed, detail))
    if baseline is None:
        result.notes.append("no baseline yet: run with --update-baseline to record one")
        return result
    stored = baseline.get("items", {})
    max_drop = thresholds.max_drop_points / 100
    for metric in thresholds.baseline_metrics:
        check = _baseline_check(metric, item_scores, stored, max_drop)
        if check is None:
            result.notes.append(f"{metric}: no shared item measures it in both runs; baseline not compared")
        else:
            result.checks.append(check)
    return result
