from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.answering.answer import Answer
from assistant.evals import cli, runner
from assistant.evals.cli import main, parse_sets
from tests.evals.fakes import FakeAsker, FakeFactory, answer, chunk, write_jsonl

GOOD = {
    "How much can an SME get?": "Up to EUR 60 000 per SME [1].",
    "And when is the deadline?": "The deadline was 2 April 2020 [1].",
    "Quel est le montant maximal par PME ?": "Jusqu'à 60.000 € par PME [1].",
}


def respond(broken: set[str]):
    source = chunk("c1", "EUR 60,000 per SME. The deadline was 2 April 2020.", doc_id="guide-a")

    def ask(question: str, history: list[dict[str, str]] | None) -> Answer:
        if question in GOOD and question not in broken:
            return answer(GOOD[question], [source], ["c1"])
        if question in GOOD:
            return answer("I do not know.", [source])
        return answer("Not in the documents.", refused=True)

    return ask


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qa_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An eval set, thresholds and a fake system in place of the Assistant; ``broken`` questions go wrong."""
    broken: set[str] = set()
    seen: dict[str, Any] = {}

    class Factory(FakeFactory):
        def __init__(self, index, overrides, work_dir, progress=True) -> None:
            seen.update(index=index, overrides=overrides)
            super().__init__(
                {"default": FakeAsker(respond(broken)), "reference": FakeAsker(respond(set(GOOD)))}
            )

    monkeypatch.setattr(runner, "AssistantFactory", Factory)
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text("[floors]\nkey_fact_accuracy = 0.6\nrefusal_accuracy = 0.9\n")
    args = [
        "--qa", str(write_jsonl(tmp_path / "qa.jsonl", qa_rows)),
        "--thresholds", str(thresholds),
        "--baseline", str(tmp_path / "baseline.json"),
        "--quiet",
    ]  # fmt: skip
    return {"args": args, "broken": broken, "seen": seen, "tmp": tmp_path}


def test_a_passing_run_writes_the_report_and_exits_0(project, capsys) -> None:
    out = project["tmp"] / "report"
    code = main([*project["args"], "--out", str(out), "--index", "idx", "--set", "top_k=3", "--json"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["metrics"]["default"]["overall"]["key_fact_accuracy"]["value"] == 1.0
    assert printed["vs_reference"]["key_fact_accuracy"]["ahead_by"] == 1.0
    assert printed["gate"]["passed"] is True
    assert project["seen"] == {"index": Path("idx"), "overrides": {"top_k": "3"}}
    report = json.loads((out / "report.json").read_text())
    assert [r["id"] for r in report["items"]] == ["q1", "q2", "q3", "q4"]
    assert report["items"][1]["results"]["default"]["history_turns"] == 1
    assert (out / "report.html").is_file() and (out / "report.md").is_file()


def test_below_a_floor_exits_1_with_the_list(project, capsys) -> None:
    project["broken"].update({"How much can an SME get?", "And when is the deadline?"})
    assert main([*project["args"], "--out", str(project["tmp"] / "r")]) == 1
    err = capsys.readouterr().err
    assert "GATE FAILED" in err
    assert "key_fact_accuracy 0.333 is below the floor 0.6" in err
    assert main([*project["args"], "--out", str(project["tmp"] / "r2"), "--no-gate"]) == 0


def test_baseline_is_updated_only_on_request_and_catches_a_drop(project, capsys) -> None:
    baseline = project["tmp"] / "baseline.json"
    assert main([*project["args"], "--out", str(project["tmp"] / "r1")]) == 0
    assert not baseline.exists()
    assert main([*project["args"], "--out", str(project["tmp"] / "r2"), "--update-baseline"]) == 0
    assert json.loads(baseline.read_text())["items"]["q1"]["key_fact_accuracy"] is True
    project["broken"].add("Quel est le montant maximal par PME ?")  # 2 of 3 still above the 0.6 floor
    capsys.readouterr()
    assert main([*project["args"], "--out", str(project["tmp"] / "r3")]) == 1
    assert "key_fact_accuracy 0.667 vs baseline 1.000 on 3 shared items" in capsys.readouterr().err


def test_update_baseline_writes_only_when_the_floors_hold_or_when_forced(project, capsys) -> None:
    baseline = project["tmp"] / "baseline.json"
    project["broken"].update({"How much can an SME get?", "And when is the deadline?"})  # 1 of 3: below 0.6
    assert main([*project["args"], "--out", str(project["tmp"] / "r1"), "--update-baseline"]) == 1
    err = capsys.readouterr().err
    assert not baseline.exists()
    assert "baseline NOT written" in err and "key_fact_accuracy 0.333 is below the floor 0.6" in err
    # --no-gate does not let a failing run become the baseline either.
    assert (
        main([*project["args"], "--out", str(project["tmp"] / "r2"), "--update-baseline", "--no-gate"]) == 1
    )
    assert not baseline.exists() and "is below the floor 0.6" in capsys.readouterr().err
    # A good baseline is kept when a later failing run asks to replace it.
    project["broken"].clear()
    assert main([*project["args"], "--out", str(project["tmp"] / "r3"), "--update-baseline"]) == 0
    good = baseline.read_text()
    project["broken"].add("How much can an SME get?")
    project["broken"].add("And when is the deadline?")
    assert main([*project["args"], "--out", str(project["tmp"] / "r4"), "--update-baseline"]) == 1
    assert baseline.read_text() == good
    assert main([*project["args"], "--out", str(project["tmp"] / "r5"), "--update-baseline", "--force"]) == 1
    assert "(--force" in capsys.readouterr().err
    assert json.loads(baseline.read_text())["items"]["q1"]["key_fact_accuracy"] is False
    assert (
        main([*project["args"], "--out", str(project["tmp"] / "r6"), "--force"]) == 2
    )  # alone: a usage error


def test_a_reworded_item_is_not_compared_with_the_baseline(project, capsys, qa_rows) -> None:
    assert main([*project["args"], "--out", str(project["tmp"] / "r1"), "--update-baseline"]) == 0
    stored = json.loads((project["tmp"] / "baseline.json").read_text())
    assert set(stored["item_keys"]) == {"q1", "q2", "q3", "q4"}
    # q3 keeps its id but asks about something else, and fails: not a drop against the baseline.
    qa_rows[2] = {**qa_rows[2], "question": "Quel est le montant pour un visiteur ?"}
    write_jsonl(Path(project["args"][1]), qa_rows)
    capsys.readouterr()
    assert main([*project["args"], "--out", str(project["tmp"] / "r2"), "--json"]) == 0
    gate = json.loads(capsys.readouterr().out)["gate"]
    assert "key_fact_accuracy 1.000 vs baseline 1.000 on 2 shared items" in [
        c["detail"] for c in gate["checks"]
    ]
    assert any("1 items changed since the baseline" in n and "q3" in n for n in gate["notes"])


def test_a_run_without_quiet_shows_a_progress_bar_on_stderr(project, capsys) -> None:
    args = [a for a in project["args"] if a != "--quiet"]
    assert main([*args, "--out", str(project["tmp"] / "r")]) == 0
    err = capsys.readouterr().err
    assert "  default: 100%|" in err and "| 4/4 " in err  # tqdm's bar, one per configuration
    assert "reference: 100%|" in err
    assert main([*project["args"], "--out", str(project["tmp"] / "q")]) == 0
    assert "100%|" not in capsys.readouterr().err


def test_bad_input_exits_2(project, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    args = [a if not a.endswith("qa.jsonl") else str(bad) for a in project["args"]]
    assert main(args) == 2
    assert "missing field" in capsys.readouterr().err
    assert main([*project["args"], "--set", "top_k"]) == 2
    assert main([*project["args"], "--set", "top_k=many"]) == 2


def test_parse_sets() -> None:
    assert parse_sets(["top_k=5", 'corpus-dirs=["a", "b"]', "retrieval_mode=dense"]) == {
        "top_k": "5",
        "corpus_dirs": ["a", "b"],
        "retrieval_mode": "dense",
    }
    assert Path("evals/qa.jsonl") == cli.DEFAULT_QA
