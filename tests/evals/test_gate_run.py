"""The real eval: evals/qa.jsonl in the default configuration, against an index built from corpus/, passes the gate.

This is ``make eval`` without the reference pipeline and the report: the floors of evals/thresholds.toml and the
baseline (when there is one) must hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evals.dataset import load_items
from assistant.evals.gate import check_gate, item_keys, load_baseline, load_thresholds
from assistant.evals.runner import AssistantFactory, evaluate

pytestmark = pytest.mark.slow


def test_default_configuration_passes_the_gate(tmp_path: Path, repo: Path, corpus_index: Path) -> None:
    index = corpus_index
    items = load_items([repo / "evals" / "qa.jsonl"])
    factory = AssistantFactory(index, {}, tmp_path / "work", progress=False)
    default = evaluate(items, ["default"], factory, progress=False)["default"]
    assert default.status == "ok", default.reason

    by_id = {run.item.id: scores for run, scores in zip(default.runs, default.scores, strict=True)}
    thresholds = load_thresholds(repo / "evals" / "thresholds.toml")
    baseline = load_baseline(repo / "evals" / "baseline.json")
    gate = check_gate(default.metrics["overall"], by_id, thresholds, baseline, keys=item_keys(items))
    errors = [f"{r.item.id}: {r.error}" for r in default.runs if r.error]
    assert gate.passed, "gate failed:\n" + "\n".join(gate.failures + errors[:10])
