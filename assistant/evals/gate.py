"""The eval gate: floors and ceilings from evals/thresholds.toml, and no drop of more than a few points below the
baseline.

The baseline (evals/baseline.json) stores every item's metric values and a key per item (a hash of its question,
its key facts and the chain of items it follows); it is only written on request (``--update-baseline``). A drop is
measured on the items present in both runs with the same id *and* the same key, and only where the metric applies
to the item in both, so adding, removing or rewording items never reads as a regression.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.evals.dataset import EvalItem
from assistant.evals.metrics import LOWER_IS_BETTER, METRICS, Score, metric_value

EPSILON = 1e-9


class ThresholdsError(ValueError):
    """thresholds.toml names a metric that does not exist or cannot have a floor (or a ceiling)."""


@dataclass(frozen=True)
class Thresholds:
    targets: dict[str, float]
    floors: dict[str, float]
    max_drop_points: float = 3.0
    baseline_metrics: tuple[str, ...] = ()
    ceilings: dict[str, float] = field(default_factory=dict)


@dataclass
class Check:
    metric: str
    rule: str  # "floor", "ceiling" or "baseline"
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


def _ceilings(data: Mapping[str, Any], path: Path) -> dict[str, float]:
    """[ceilings]: lower-is-better metrics only; a rate as a fraction, a latency in ms."""
    values = data.get("ceilings", {})
    if not isinstance(values, Mapping):
        raise ThresholdsError(f"{path}: [ceilings] must be a table of metric = number")
    for name, value in values.items():
        if name not in LOWER_IS_BETTER:
            known = ", ".join(sorted(LOWER_IS_BETTER))
            raise ThresholdsError(f"{path}: [ceilings] {name!r} is not lower-is-better (use one of {known})")
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ThresholdsError(f"{path}: [ceilings] {name} must be a number >= 0")
        if not name.startswith("latency") and value > 1:
            raise ThresholdsError(f"{path}: [ceilings] {name} must be a fraction between 0 and 1")
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
        ceilings=_ceilings(data, path),
    )


def item_keys(items: Sequence[EvalItem]) -> dict[str, str]:
    """Per item id, a hash of what the item asks and expects: its question, its key facts and (for a follow-up)
    the key of the item it follows, so that a reworded first turn changes its follow-ups' keys too."""
    by_id = {item.id: item for item in items}
    keys: dict[str, str] = {}

    def key(item: EvalItem, trail: frozenset[str]) -> str:
        if item.id in keys:
            return keys[item.id]
        parent = by_id.get(item.follow_up_of or "")
        follows: str | None = item.follow_up_of
        if parent is not None and parent.id not in trail:
            follows = key(parent, trail | {item.id})
        text = json.dumps([item.question, [list(g) for g in item.must_include], follows], ensure_ascii=False)
        keys[item.id] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        return keys[item.id]

    for item in items:
        key(item, frozenset())
    return keys


def make_baseline(
    overall: Mapping[str, Any],
    item_scores: Mapping[str, Mapping[str, Score]],
    qa_files: Sequence[str],
    keys: Mapping[str, str],
) -> dict[str, Any]:
    """What ``--update-baseline`` writes: the overall metrics, every item's metric values by item id, and every
    item's key (``item_keys``)."""
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "configuration": "default",
        "qa_files": list(qa_files),
        "metrics": {name: metric_value(overall, name) for name in METRICS},
        "item_keys": {item_id: keys[item_id] for item_id in item_scores},
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
    same: set[str],
) -> Check | None:
    shared = [
        i
        for i in current
        if i in same and current[i].get(metric) is not None and stored[i].get(metric) is not None
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


def shared_items(
    item_scores: Mapping[str, Any], keys: Mapping[str, str], baseline: Mapping[str, Any]
) -> tuple[set[str], list[str]]:
    """The item ids whose key is the baseline's (the same question and key facts), and notes on the rest."""
    stored = baseline.get("items", {})
    stored_keys = baseline.get("item_keys")
    both = [i for i in item_scores if i in stored]
    if not isinstance(stored_keys, Mapping):
        return set(), [
            "the baseline has no item keys (written before they were added): no item compared; "
            "record a new one with --update-baseline"
        ]
    same = {i for i in both if i in keys and stored_keys.get(i) == keys[i]}
    changed = sorted(set(both) - same)
    notes = []
    if changed:
        shown = ", ".join(changed[:12]) + (f" and {len(changed) - 12} more" if len(changed) > 12 else "")
        notes.append(
            f"{len(changed)} items changed since the baseline (question, key facts or the turn they follow), "
            f"not compared: {shown}"
        )
    return same, notes


def check_gate(
    overall: Mapping[str, Any],
    item_scores: Mapping[str, Mapping[str, Score]],
    thresholds: Thresholds,
    baseline: Mapping[str, Any] | None,
    keys: Mapping[str, str] | None = None,
) -> GateResult:
    """Floors and ceilings on the overall metrics, then the drop against the baseline on the items it shares with
    this run (same id, same key: ``keys`` is ``item_keys`` of this run's items, needed with a baseline)."""
    result = GateResult()
    for metric, floor in thresholds.floors.items():
        value = metric_value(overall, metric)
        if value is None:
            result.notes.append(f"{metric}: no item in this set measures it; floor {floor:g} not checked")
            continue
        passed = value >= floor - EPSILON
        detail = f"{metric} {value:.3f} {'>=' if passed else 'is below the floor'} {floor:g}"
        result.checks.append(Check(metric, "floor", value, floor, passed, detail))
    for metric, ceiling in thresholds.ceilings.items():
        value = metric_value(overall, metric)
        if value is None:
            result.notes.append(f"{metric}: no item in this set measures it; ceiling {ceiling:g} not checked")
            continue
        passed = value <= ceiling + EPSILON
        shown = f"{value:.1f}" if metric.startswith("latency") else f"{value:.3f}"
        detail = f"{metric} {shown} {'<=' if passed else 'is above the ceiling'} {ceiling:g}"
        result.checks.append(Check(metric, "ceiling", value, ceiling, passed, detail))
    if baseline is None:
        result.notes.append("no baseline yet: run with --update-baseline to record one")
        return result
    if keys is None:
        raise ValueError("check_gate: a baseline is compared by item keys; pass keys=item_keys(items)")
    stored = baseline.get("items", {})
    same, notes = shared_items(item_scores, keys, baseline)
    result.notes += notes
    max_drop = thresholds.max_drop_points / 100
    for metric in thresholds.baseline_metrics:
        check = _baseline_check(metric, item_scores, stored, max_drop, same)
        if check is None:
            result.notes.append(f"{metric}: no shared item measures it in both runs; baseline not compared")
        else:
            result.checks.append(check)
    return result
