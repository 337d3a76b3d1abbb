"""Percentiles, ratios and the run's configuration."""

from __future__ import annotations

from pathlib import Path

from assistant.bench.common import BenchConfig, ratio, summary


def test_summary_is_median_and_p95():
    stats = summary([float(x) for x in range(1, 101)])
    assert stats["n"] == 100
    assert stats["p50"] == 50.5
    assert stats["p95"] == 95.05
    assert summary([])["p50"] is None


def test_ratio_needs_both_numbers():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0.0) is None


def test_quick_mode_is_smaller_and_config_survives_json():
    full, quick = BenchConfig.for_mode(False), BenchConfig.for_mode(True, reps=2)
    assert 100_000 in full.sizes and 100_000 not in quick.sizes
    assert quick.reps == 2 and quick.load_seconds < full.load_seconds
    again = BenchConfig.from_dict(full.to_dict())
    assert again == full and isinstance(again.corpus_dirs[0], Path)


def test_quick_mode_warms_up_by_asking_and_the_full_run_with_the_corpus():
    assert BenchConfig.for_mode(False).warm_up == "corpus"
    quick = BenchConfig.for_mode(True)
    assert quick.warm_up == "questions" and quick.load_seconds <= 2 and quick.scale_questions < 120
