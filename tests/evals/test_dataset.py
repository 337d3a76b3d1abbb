from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evals.dataset import EvalFormatError, check_items, load_items, parse_lines
from tests.evals.fakes import write_jsonl


def lines(rows: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(r) for r in rows]


def test_a_valid_file_loads_in_order(tmp_path: Path, qa_rows: list[dict[str, Any]]) -> None:
    items = load_items([write_jsonl(tmp_path / "qa.jsonl", qa_rows)])
    assert [i.id for i in items] == ["q1", "q2", "q3", "q4"]
    assert items[0].must_include == (("60,000",), ("SME",))
    assert items[0].gold_doc_ids == ("guide-a",)
    assert items[1].follow_up_of == "q1"
    assert items[3].must_refuse and not items[3].answerable
    assert items[0].to_dict() == qa_rows[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "trivia"}, "kind 'trivia'"),
        ({"lang": "english"}, "ISO 639-1"),
        ({"must_include": []}, "needs at least one must_include"),
        ({"must_include": [["60,000"], []]}, "non-empty lists"),
        ({"must_include": "60,000"}, "non-empty lists"),
        ({"question": ""}, "`question` must be a non-empty string"),
        ({"follow_up_of": "q9"}, "must name an item earlier"),
        ({"gold_doc_ids": "guide-a"}, "gold_doc_ids"),
        ({"extra": 1}, "unknown field(s) extra"),
    ],
)
def test_format_errors_name_the_line_and_field(
    qa_rows: list[dict[str, Any]], change: dict[str, Any], message: str
) -> None:
    rows = [qa_rows[0], {**qa_rows[2], **change}]
    with pytest.raises(EvalFormatError, match=r"qa\.jsonl:2") as raised:
        parse_lines(lines(rows), "qa.jsonl")
    assert message in str(raised.value)


def test_structural_errors(qa_rows: list[dict[str, Any]]) -> None:
    with pytest.raises(EvalFormatError, match="missing field"):
        parse_lines(lines([{k: v for k, v in qa_rows[0].items() if k != "answer"}]), "f")
    with pytest.raises(EvalFormatError, match="used twice"):
        parse_lines(lines([qa_rows[0], qa_rows[0]]), "f")
    with pytest.raises(EvalFormatError, match="earlier in the file"):
        parse_lines(lines([qa_rows[1], qa_rows[0]]), "f")  # the follow-up comes before its first turn
    with pytest.raises(EvalFormatError, match="must be refused"):
        parse_lines(lines([{**qa_rows[3], "must_include": [["x"]]}]), "f")
    with pytest.raises(EvalFormatError, match="not valid JSON"):
        parse_lines(["{"], "f")


def test_ids_must_be_unique_across_files(tmp_path: Path, qa_rows: list[dict[str, Any]]) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", qa_rows[:1])
    b = write_jsonl(tmp_path / "b.jsonl", qa_rows[:1])
    with pytest.raises(EvalFormatError, match="also used in"):
        load_items([a, b])
    with pytest.raises(EvalFormatError, match="no items"):
        load_items([write_jsonl(tmp_path / "empty.jsonl", [])])


def test_check_items_finds_key_facts_missing_from_answer_or_corpus(
    tmp_path: Path, qa_rows: list[dict[str, Any]]
) -> None:
    rows = [{**qa_rows[0], "answer": "Up to EUR 6,000 per SME."}, qa_rows[2]]
    items = load_items([write_jsonl(tmp_path / "qa.jsonl", rows)])
    assert check_items(items) == ["q1: none of ['60,000'] is in the reference answer"]
    problems = check_items(items, ["SMEs may get EUR 60 000."])
    assert problems == ["q1: none of ['60,000'] is in the reference answer"]
    assert check_items(items, ["nothing relevant"]) == [
        "q1: none of ['60,000'] is in the reference answer",
        "q1: none of ['60,000'] is in any corpus document",
        "q1: none of ['SME'] is in any corpus document",
        "q3: none of ['60 000', '60,000'] is in any corpus document",
    ]
