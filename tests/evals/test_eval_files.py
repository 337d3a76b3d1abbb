"""Every eval file in evals/ follows the format and can be answered from the corpus that ships.

Loading checks the schema, unique ids (within a file, and across all the files), follow-ups pointing at an earlier item, empty ``must_include`` on items to be
refused and non-empty on the others. Then each key fact must be in the item's reference answer and in at least one
corpus document, and every gold document id must exist.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from assistant.documents.corpus import load_corpus
from assistant.evals.dataset import EvalFormatError, check_items, load_items, parse_lines
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[2]
EVAL_FILES = sorted((REPO / "evals").glob("*.jsonl"))


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    load = load_corpus([REPO / "corpus"], Settings())
    return {doc.doc_id: doc.text() for doc in load.documents}


def test_there_is_an_eval_set() -> None:
    assert REPO / "evals" / "qa.jsonl" in EVAL_FILES


@pytest.mark.parametrize("path", EVAL_FILES, ids=[p.name for p in EVAL_FILES])
def test_eval_file_is_valid_and_answerable_from_the_corpus(path: Path, corpus: dict[str, str]) -> None:
    try:
        items = load_items([path])
    except EvalFormatError as exc:
        pytest.fail(str(exc))
    problems = check_items(items, list(corpus.values()))
    problems += [
        f"{item.id}: gold document {doc_id!r} is not in the corpus"
        for item in items
        for doc_id in item.gold_doc_ids
        if doc_id not in corpus
    ]
    assert not problems, f"{len(problems)} problem(s) in {path.name}:\n" + "\n".join(problems)


def test_ids_are_unique_across_eval_files() -> None:
    """Reports and baselines key items by id alone, so an id may appear in one file only (and once in it)."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in EVAL_FILES:
        try:
            items = parse_lines(path.read_text(encoding="utf-8").splitlines(), path.name)
        except EvalFormatError:
            continue  # reported by the test of that file
        for item in items:
            where[item.id].append(path.name)
    repeated = {item_id: files for item_id, files in where.items() if len(files) > 1}
    assert not repeated, "ids used more than once: " + "; ".join(
        f"{item_id} ({', '.join(files)})" for item_id, files in sorted(repeated.items())
    )
