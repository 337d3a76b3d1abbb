"""Targets are judged from the figures, and the documents show every section, measured or not."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.bench import report


def _results() -> dict:
    lat = {"n": 10, "p50": 10.0, "p95": 20.0, "mean": 12.0, "min": 5.0, "max": 30.0}
    size = {
        "status": "ok",
        "chunks": 100_000,
        "retrieval_ms": {**lat, "p95": 70.0},
        "answer_cold_ms": lat,
        "answer_warm_ms": lat,
        "warm_up_s": 3.0,
        "warm_up_sentences": 2000,
        "open_s": 4.0,
        "memory": {"after_queries": {"rss_mb": 900.0, "peak_mb": 950.0}},
        "retrieval_parts_p50_ms": {"embed_ms": 3.0, "dense_ms": 2.0, "lexical_ms": 40.0, "fuse_ms": 1.0},
        "loadavg": [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]],
    }
    return {
        "meta": {
            "mode": "full",
            "started": "2026-01-01T00:00:00+00:00",
            "duration_s": 600.0,
            "config": {"seed": 7},
        },
        "index": {},
        "sections": {
            "ingest": {
                "status": "ok",
                "ratio_to_floor": 1.1,
                "no_change_s": 1.2,
                "one_doc": {"document_chunks": 20, "embedded": [20, 20]},
            },
            "queries": {
                "status": "ok",
                "sizes": {"shipped": {**size, "chunks": 772, "retrieval_ms": lat}, "100000": size},
            },
            "reference": {"status": "error", "reason": "boom"},
            "load": {"status": "ok", "api": {"clients": 20, "answers_per_s": 25.0, "errors": 0}},
        },
    }


def test_targets_follow_the_figures():
    checks = {c["name"]: c for c in report.targets(_results())}
    assert checks["ingest wall time / embedding floor"]["met"] is True
    assert checks["retrieval p95, shipped corpus"]["met"] is True
    assert checks["retrieval p95, 100k chunks"]["met"] is False
    assert checks["resident memory, 100k chunks"]["met"] is True
    assert checks["JSON API: answers/s at 20 clients"]["met"] is True
    assert checks["re-ingest, one document changed: chunks embedded"]["met"] is True
    assert checks["start-up to a page that answers"]["met"] is None  # not measured, not failed
    assert checks["our answer p50 / reference similarity_search p50"]["met"] is None


def test_write_gives_markdown_and_its_json_twin(tmp_path: Path):
    written = report.write(tmp_path, _results())
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    text = written["md"].read_text(encoding="utf-8")
    assert data["targets"] and data["sections"]["queries"]["sizes"]["100000"]["chunks"] == 100_000
    for heading in (
        "## Targets",
        "## Ingest",
        "## Queries",
        "## Against the reference",
        "## Start-up",
        "## Load",
    ):
        assert heading in text
    assert "**error**: boom" in text and "Not run." in text
    assert "| 100,000 chunks (synthetic) |" in text


def test_the_cosine_target_is_the_query_encoders():
    results = _results()
    cosine = {"min": 0.99999, "p05": 1.0, "median": 1.0, "below_target": 0, "worst_question": "q"}
    results["sections"]["encoders"] = {
        "status": "ok",
        "questions": 3,
        "in_use": "onnx-fp32",
        "torch_ms": {"n": 3, "p50": 12.0, "p95": 20.0},
        "encoders": {
            "onnx-fp32": {
                "status": "ok",
                "ms": {"n": 3, "p50": 4.0, "p95": 6.0},
                "speedup_p50": 3.0,
                "cosine": cosine,
            },
            "onnx-int8": {"status": "unavailable", "reason": "no file"},
        },
        "cosine": cosine,
        "speedup_p50": 3.0,
        "min_cosine_target": 0.999,
        "evals": {"status": "skipped", "reason": "no eval file"},
    }
    checks = {c["name"]: c for c in report.targets(results)}
    assert checks["cosine fp32 ONNX (the query encoder) vs torch query vectors (min)"]["met"] is True
    text = report.render({**results, "targets": report.targets(results)})
    assert "| fp32 ONNX | 4.00 / 6.00 | 3.00x | 0.99999 / 1.0 / 1.0 |" in text
    assert "unavailable: no file" in text
