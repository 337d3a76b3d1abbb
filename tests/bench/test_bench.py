"""The whole benchmark at tiny sizes, so it cannot rot: every section runs and reports numbers.

Stub corpus and the stand-in embedder where the model does not matter; the encoder and reference sections still
load the real packaged MiniLM, and start-up, load and Chroma server sections start the real processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.bench.cli import main
from assistant.bench.common import SECTIONS
from tests.bench.conftest import STUB_CORPUS, STUB_QA

pytestmark = pytest.mark.slow


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_the_benchmark_runs_at_tiny_sizes(tmp_path: Path, capsys):
    out = tmp_path / "docs"
    code = main(
        [
            "--corpus", str(STUB_CORPUS),
            "--qa", str(STUB_QA),
            "--embedding", "hash",
            "--sizes", "200",
            "--reps", "1",
            "--clients", "2",
            "--load-seconds", "2",
            "--startup-reps", "1",
            "--chroma-sizes", "",
            "--out", str(out),
            "--json",
        ]
    )  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    data = json.loads((out / "performance.json").read_text(encoding="utf-8"))
    assert printed == data
    sections = data["sections"]
    problems = {k: v.get("reason") for k, v in sections.items() if v.get("status") != "ok"}
    assert not problems and code == 0
    assert set(sections) == set(SECTIONS)

    ingest = sections["ingest"]
    assert ingest["chunks"] > 0 and _number(ingest["ratio_to_floor"]) and _number(ingest["no_change_s"])
    assert ingest["one_doc"]["embedded"][0] == ingest["one_doc"]["document_chunks"]
    sizes = sections["queries"]["sizes"]
    assert set(sizes) == {"shipped", "200"} and sizes["200"]["chunks"] == 200
    for size in sizes.values():
        assert _number(size["retrieval_ms"]["p95"]) and _number(size["answer_warm_ms"]["p50"])
        assert _number(size["answer_cold_ms"]["p50"]) and size["memory"]["after_queries"]["rss_mb"] > 0
    assert sizes["shipped"]["quality"]["key_fact_accuracy"] is not None
    assert _number(sections["reference"]["ratio_p50"]) and sections["reference"]["quality"]["reference"]
    encoders = sections["encoders"]
    assert encoders["cosine"]["min"] >= 0.99 and _number(encoders["speedup_p50"])
    fp32 = encoders["encoders"]["onnx-fp32"]  # the export of the packaged model: torch's vectors, fast
    assert fp32["status"] == "ok", fp32.get("reason")
    assert fp32["cosine"]["min"] >= 0.999 and _number(fp32["speedup_p50"])
    assert encoders["encoders"]["onnx-int8"]["cosine"]["min"] >= 0.99
    assert _number(sections["startup"]["first_answer_s"])
    load = sections["load"]
    for key in ("api", "gradio"):
        assert load[key]["answers"] > 0 and load[key]["errors"] == 0
    assert load["api_overload"]["busy"] > 0 and load["api_overload"]["recovered"]
    assert _number(sections["chroma_server"]["sizes"]["shipped"]["ratio_p50"])
    assert {t["name"] for t in data["targets"]} and (out / "PERFORMANCE.md").is_file()
