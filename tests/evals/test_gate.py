from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evals.gate import (
    Thresholds,
    ThresholdsError,
    check_gate,
    item_keys,
    load_baseline,
    load_thresholds,
    make_baseline,
    write_baseline,
)
from tests.evals.fakes import item

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


def keys_of(*runs: dict[str, dict]) -> dict[str, str]:
    """Item keys as if every item kept its question and key facts: the key is a function of the id here."""
    return {i: f"key-{i}" for run in runs for i in run}


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
    keys = keys_of(scores(100, 0))
    baseline = make_baseline(overall(1.0), scores(100, 0), ["qa.jsonl"], keys)
    three = check_gate(overall(0.97), scores(97, 3), THRESHOLDS, baseline, keys=keys)
    assert three.passed  # exactly 3 points is allowed
    four = check_gate(overall(0.96), scores(96, 4), THRESHOLDS, baseline, keys=keys)
    assert not four.passed
    (failure,) = four.failures
    assert "key_fact_accuracy 0.960 vs baseline 1.000 on 100 shared items" in failure
    assert "now worse: q096, q097, q098, q099" in failure


def test_only_items_in_both_runs_are_compared() -> None:
    baseline = make_baseline(overall(1.0), scores(10, 0), ["qa.jsonl"], keys_of(scores(10, 0)))
    current = {**scores(10, 0), **scores(0, 5, prefix="new")}  # five new items, all failing
    result = check_gate(overall(10 / 15), current, THRESHOLDS, baseline, keys=keys_of(current))
    assert result.passed
    assert "on 10 shared items" in result.checks[-1].detail
    other = scores(3, 0, prefix="other")
    unrelated = check_gate(overall(1.0), other, THRESHOLDS, baseline, keys=keys_of(other))
    assert "baseline not compared" in unrelated.notes[-1]


def test_an_item_is_compared_only_when_its_question_and_key_facts_are_the_baseline_s() -> None:
    first = [
        item("q1", [["60,000"]], question="How much can an SME get?"),
        item("q2", [["2 April 2020"]], kind="follow-up", question="And the deadline?", follow_up_of="q1"),
        item("q3", [["EUR 1,100"]], question="How much for a visitor?"),
    ]
    keys = item_keys(first)
    assert keys == item_keys(list(reversed(first)))  # order does not matter
    assert len(set(keys.values())) == 3 and all(len(k) == 16 for k in keys.values())
    passing = {i.id: {"key_fact_accuracy": True} for i in first}
    baseline = make_baseline(overall(1.0), passing, ["qa.jsonl"], keys)
    assert baseline["item_keys"] == keys

    # Same ids, but q1 now asks something else: q1 and its follow-up q2 are not compared, q3 is.
    reworded = [item("q1", [["60,000"]], question="How much can a large company get?"), *first[1:]]
    new_keys = item_keys(reworded)
    assert new_keys["q1"] != keys["q1"] and new_keys["q2"] != keys["q2"] and new_keys["q3"] == keys["q3"]
    now = {
        "q1": {"key_fact_accuracy": False},
        "q2": {"key_fact_accuracy": False},
        "q3": {"key_fact_accuracy": True},
    }
    result = check_gate(overall(0.9), now, THRESHOLDS, baseline, keys=new_keys)
    (check,) = [c for c in result.checks if c.rule == "baseline"]
    assert check.passed and "on 1 shared items" in check.detail
    assert any("2 items changed since the baseline" in n and "q1, q2" in n for n in result.notes)
    # Compared by id alone, the same run would fail: the keys are what protects it.
    assert not check_gate(overall(0.9), now, THRESHOLDS, baseline, keys=keys).passed

    # New key facts for the same question change the key too.
    stricter = [item("q3", [["EUR 1,100"], ["visitor"]], question="How much for a visitor?")]
    assert item_keys(stricter)["q3"] != keys["q3"]

    # A baseline written before keys existed compares nothing, and says why.
    legacy = {k: v for k, v in baseline.items() if k != "item_keys"}
    old = check_gate(overall(0.9), now, THRESHOLDS, legacy, keys=new_keys)
    assert old.passed and not [c for c in old.checks if c.rule == "baseline"]
    assert any("no item keys" in n for n in old.notes)
    with pytest.raises(ValueError, match="item keys"):
        check_gate(overall(1.0), passing, THRESHOLDS, baseline)


def test_ceilings_cap_lower_is_better_metrics(tmp_path: Path) -> None:
    capped = Thresholds({}, {}, ceilings={"false_refusal_rate": 0.05, "latency_p95_ms": 2000.0})
    fine = {"false_refusal_rate": {"value": 0.05}, "latency_p95_ms": {"value": 180.0}}
    assert check_gate(fine, {}, capped, None).passed  # at the ceiling is allowed
    slow = {"false_refusal_rate": {"value": 0.06}, "latency_p95_ms": {"value": 2400.0}}
    failed = check_gate(slow, {}, capped, None)
    assert failed.failures == [
        "false_refusal_rate 0.060 is above the ceiling 0.05",
        "latency_p95_ms 2400.0 is above the ceiling 2000",
    ]
    assert [c.rule for c in failed.checks] == ["ceiling", "ceiling"]
    unmeasured = check_gate({"latency_p95_ms": {"value": None}}, {}, capped, None)
    assert unmeasured.passed and any("ceiling 0.05 not checked" in n for n in unmeasured.notes)

    bad = tmp_path / "t.toml"
    bad.write_text("[ceilings]\nkey_fact_accuracy = 0.5\n")
    with pytest.raises(ThresholdsError, match="not lower-is-better"):
        load_thresholds(bad)
    bad.write_text("[ceilings]\nfalse_refusal_rate = 5\n")
    with pytest.raises(ThresholdsError, match="fraction"):
        load_thresholds(bad)
    bad.write_text("[ceilings]\nlatency_p95_ms = 1500\n")
    assert load_thresholds(bad).ceilings == {"latency_p95_ms": 1500.0}


def test_baseline_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "evals" / "baseline.json"
    assert load_baseline(path) is None
    write_baseline(path, make_baseline(overall(0.5), scores(1, 1), ["qa.jsonl"], keys_of(scores(1, 1))))
    stored = load_baseline(path)
    assert stored["items"] == {"q000": {"key_fact_accuracy": True}, "q001": {"key_fact_accuracy": False}}
    assert stored["item_keys"] == {"q000": "key-q000", "q001": "key-q001"}
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
    assert shipped.ceilings == {"false_refusal_rate": 0.05, "latency_p95_ms": 2000.0}
    bad = tmp_path / "t.toml"
    bad.write_text("[floors]\nkey_facts = 0.8\n")
    with pytest.raises(ThresholdsError, match="unknown metric 'key_facts'"):
        load_thresholds(bad)
    bad.write_text("[floors]\nfalse_refusal_rate = 0.1\n")
    with pytest.raises(ThresholdsError, match="lower-is-better"):
        load_thresholds(bad)
