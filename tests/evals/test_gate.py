from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evals.gate import (
    Thresholds,
    ThresholdsError,
    check_gate,
    load_baseline,
    load_thresholds,
    make_baseline,
    write_baseline,
)

THRESHOLDS = Thresholds(
    targets={"key_fact_accuracy": 0.85},
    floors={"key_fact_accuracy": 0.5, "refusal_accuracy": 0.9},
    max_drop_points=3.0,
    baseline_metrics=("key_fact_accuracy",),
)


def overall(kfa: float | None, refusal: float | None = 1.0) -> dict:
    return {"key_fact_accuracy": {"value": kfa}, "refusal_accuracy": {"value": refusal}}


def scores(passing: int, failing: int, prefix: str = "q") -> dict[str, dict]:
    ids = [f"{prefix}{n:03d}" for n in range(passing + failing)]
    return {i: {"key_fact_accuracy": n < passing} for n, i in enumerate(ids)}


def test_floors() -> None:
    result = check_gate(overall(0.6), scores(6, 4), THRESHOLDS, None)
    assert result.passed
    assert "no baseline yet" in result.notes[0]
    failed = check_gate(overall(0.4, 0.8), scores(4, 6), THRESHOLDS, None)
    assert not failed.passed
    assert failed.failures == [
        "key_fact_accuracy 0.400 is below the floor 0.5",
        "refusal_accuracy 0.800 is below the floor 0.9",
    ]
    unmeasured = check_gate(overall(0.6, None), scores(6, 4), THRESHOLDS, None)
    assert unmeasured.passed and "refusal_accuracy: no item" in unmeasured.notes[0]


def test_a_drop_of_more_than_three_points_on_shared_items_fails() -> None:
    baseline = make_baseline(overall(1.0), scores(100, 0), ["qa.jsonl"])
    three = check_gate(overall(0.97), scores(97, 3), THRESHOLDS, baseline)
    assert three.passed  # exactly 3 points is allowed
    four = check_gate(overall(0.96), scores(96, 4), THRESHOLDS, baseline)
    assert not four.passed
    (failure,) = four.failures
    assert "key_fact_accuracy 0.960 vs baseline 1.000 on 100 shared items" in failure
    assert "now worse: q096, q097, q098, q099" in failure


def test_only_items_in_both_runs_are_compared() -> None:
    baseline = make_baseline(overall(1.0), scores(10, 0), ["qa.jsonl"])
    current = {**scores(10, 0), **scores(0, 5, prefix="new")}  # five new items, all failing
    result = check_gate(overall(10 / 15), current, THRESHOLDS, baseline)
    assert result.passed
    assert "on 10 shared items" in result.checks[-1].detail
    unrelated = check_gate(overall(1.0), scores(3, 0, prefix="other"), THRESHOLDS, baseline)
    assert "baseline not compared" in unrelated.notes[-1]


def test_baseline_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "evals" / "baseline.json"
    assert load_baseline(path) is None
    write_baseline(path, make_baseline(overall(0.5), scores(1, 1), ["qa.jsonl"]))
    stored = load_baseline(path)
    assert stored["items"] == {"q000": {"key_fact_accuracy": True}, "q001": {"key_fact_accuracy": False}}
    assert stored["metrics"]["key_fact_accuracy"] == 0.5


def test_thresholds_file(tmp_path: Path, repo: Path) -> None:
    shipped = load_thresholds(repo / "evals" / "thresholds.toml")
    assert shipped.targets == {
        "key_fact_accuracy": 0.85,
        "refusal_accuracy": 0.90,
        "citation_validity": 1.0,
        "evidence_recall_at_5": 0.90,
    }
    assert set(shipped.floors) == set(shipped.targets)
    assert shipped.max_drop_points == 3.0
    bad = tmp_path / "t.toml"
    bad.write_text("[floors]\nkey_facts = 0.8\n")
    with pytest.raises(ThresholdsError, match="unknown metric 'key_facts'"):
        load_thresholds(bad)
    bad.write_text("[floors]\nfalse_refusal_rate = 0.1\n")
    with pytest.raises(ThresholdsError, match="lower-is-better"):
        load_thresholds(bad)
