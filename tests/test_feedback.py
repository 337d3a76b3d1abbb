"""The feedback store: WAL, no lost rows under concurrent writers, and the eval-format export."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.feedback import (
    FeedbackStore,
    Report,
    build_parser,
    eval_item,
    key_facts,
    main,
    settings_snapshot,
)
from assistant.settings import Settings

ANSWER = {
    "text": "An exchange lasts from 3 working days up to 1 month [1].",
    "refused": False,
    "language": "en",
    "citations": [{"n": 1, "doc_id": "faq-cx", "title": "ClusterXchange", "url": "https://x.eu/a"}],
}


def report(rating: str = "up", **kw) -> Report:
    return Report.for_answer("How long can an exchange last?", ANSWER, rating, **kw)


def test_round_trip_with_sources_settings_and_time(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "fb.sqlite3")
    snapshot = settings_snapshot(Settings(), "build-7", "minilm")
    rid = store.add(
        report("down", comment=" wrong year ", wrong_source=True, settings=snapshot, build_id="build-7")
    )
    got = store.get(rid)
    assert got is not None
    assert (got.rating, got.comment, got.wrong_source, got.build_id) == (
        "down",
        "wrong year",
        True,
        "build-7",
    )
    assert got.sources == ANSWER["citations"]
    assert got.settings["build_id"] == "build-7" and got.settings["top_k"] == Settings().top_k
    assert got.created.endswith("+00:00")
    assert store.journal_mode() == "wal"


def test_update_and_delete(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    rid = store.add(report("up"))
    assert store.update(rid, rating="down", comment="the link is dead", wrong_source=True)
    got = store.get(rid)
    assert got is not None and (got.rating, got.comment, got.wrong_source) == (
        "down",
        "the link is dead",
        True,
    )
    assert not store.update(rid + 99, comment="x")
    assert store.delete(rid) and store.count() == 0


def test_rejects_an_unknown_rating(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(ValueError):
        store.add(report("meh"))


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_twenty_threads_writing_at_once_lose_no_row(tmp_path: Path, shared: bool) -> None:
    path = tmp_path / "fb.sqlite3"
    common = FeedbackStore(path)
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        store = common if shared else FeedbackStore(path)
        try:
            start.wait()
            for i in range(25):
                store.add(report("up" if i % 2 else "down", comment=f"{worker}-{i}"))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    comments = {r.comment for r in FeedbackStore(path).reports()}
    assert comments == {f"{w}-{i}" for w in range(20) for i in range(25)}


def test_export_writes_eval_items(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    up = store.add(report("up"))
    down = store.add(report("down", comment="misses  the\nminimum", wrong_source=True))
    out = tmp_path / "out" / "feedback.jsonl"
    assert main(["export", "--db", str(store.path), "--out", str(out)]) == 0
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [i["id"] for i in items] == [f"feedback-{up}", f"feedback-{down}"]
    first, second = items
    assert first["question"] == "How long can an exchange last?"
    assert first["answer"] == ANSWER["text"]
    assert (first["must_include"], first["kind"], first["lang"]) == (
        [["3 working days"], ["1 month"]],
        "fact",
        "en",
    )
    assert first["source"] == f"feedback:{up} up | must_include prefilled from the answer"
    assert first["gold_doc_ids"] == ["faq-cx"]
    assert second["source"].startswith(f"feedback:{down} down wrong-source misses the minimum | REVIEW:")
    assert "gold_doc_ids" not in second


QUOTED = {
    "text": "The maximum ClusterXchange contribution per visiting organisation is EUR 1,100 [1].",
    "refused": False,
    "language": "en",
    "citations": [
        {
            "n": 1,
            "doc_id": "faq-cx-money",
            "quote": "Lump sums of up to EUR 1 100 per visiting organisation (ClusterXchange).",
        }
    ],
}
REFUSED = {"text": "I can't answer that from the documents I have.", "refused": True, "language": "en"}
FRENCH = {
    "text": "Selon nos documents : an exchange lasts from 3 working days up to 1 month [1].",
    "refused": False,
    "language": "fr",
    "citations": [{"n": 1, "doc_id": "faq-cx", "quote": "It lasts from 3 working days up to 1 month."}],
}


def test_every_kind_of_report_exports_to_a_file_the_eval_runner_loads(tmp_path: Path) -> None:
    from assistant.evals.dataset import check_items, load_items

    store = FeedbackStore(tmp_path / "fb.sqlite3")
    ids = {
        "up": store.add(Report.for_answer("Max ClusterXchange lump sum?", QUOTED, "up")),
        "down": store.add(Report.for_answer("Max ClusterXchange lump sum?", QUOTED, "down", comment="old")),
        "flag": store.add(Report.for_answer("Lump sum?", QUOTED, "none", wrong_source=True)),
        "refused-up": store.add(Report.for_answer("Weather in Paris?", REFUSED, "up")),
        "refused-down": store.add(Report.for_answer("INNOSUP-1 in 2027?", REFUSED, "down")),
        "french": store.add(Report.for_answer("Combien de temps dure un échange ?", FRENCH, "up")),
        "empty": store.add(Report(question="q", answer="   ", rating="down")),
    }
    out = tmp_path / "feedback.jsonl"
    assert main(["export", "--db", str(store.path), "--out", str(out)]) == 0

    items = {item.id: item for item in load_items([out])}  # raises EvalFormatError if not loadable
    assert check_items(list(items.values())) == []  # every key fact is in its reference answer
    item = {name: items.get(f"feedback-{rid}") for name, rid in ids.items()}
    assert item["empty"] is None and len(items) == 6
    assert item["up"].kind == "fact" and item["up"].must_include == (("EUR 1,100",), ("ClusterXchange",))
    assert item["up"].gold_doc_ids == ("faq-cx-money",) and "REVIEW" not in item["up"].source
    for doubted in ("down", "flag"):
        assert item[doubted].kind == "fact" and item[doubted].must_include
        assert "REVIEW:" in item[doubted].source and item[doubted].gold_doc_ids == ()
    assert item["refused-up"].must_refuse and item["refused-up"].kind == "unanswerable"
    assert "REVIEW" not in item["refused-up"].source
    assert item["refused-down"].kind == "unanswerable" and "REVIEW:" in item["refused-down"].source
    assert (item["french"].kind, item["french"].lang) == ("multilingual", "fr")
    assert item["french"].must_include == (("3 working days",), ("1 month",))


@pytest.mark.parametrize(
    ("answer", "quotes", "facts"),
    [
        (
            "Exchanges last 3 working days to 1 month [1].",
            ["from 3 working days up to 1 month"],
            [["3 working days"], ["1 month"]],
        ),
        (
            "The deadline was 2 April 2020 [1]; 75 % goes to SMEs [2].",
            ["2 April 2020", "75% of it"],
            [["2 April 2020"], ["75 %"]],
        ),
        (
            "It is the European Cluster Collaboration Platform [1].",
            ["The European Cluster Collaboration Platform"],
            [["European Cluster Collaboration Platform"]],
        ),
        ("Budget EUR 9 million, run by ECCP [1].", ["nothing shared"], [["EUR 9 million"], ["ECCP"]]),
        ("Yes, that is possible.", [], [["possible"]]),
    ],
    ids=["durations", "date-and-percent", "name", "none-shared", "words-only"],
)
def test_key_facts_prefer_what_the_cited_quotes_confirm(answer: str, quotes: list[str], facts: list) -> None:
    assert key_facts(answer, quotes) == facts


def test_the_export_help_says_how_items_are_made_and_reviewed() -> None:
    export = build_parser()._subparsers._group_actions[0].choices["export"]  # type: ignore[union-attr]
    text = export.format_help()
    assert "unanswerable" in text and "must_include" in text and "REVIEW:" in text


def test_eval_item_keeps_a_two_letter_language() -> None:
    item = eval_item(Report(question="q", answer="Il dure jusqu'à 1 mois.", language="fr", id=3))
    assert item is not None and item["lang"] == "fr" and item["kind"] == "multilingual"
    assert item["source"].startswith("feedback:3 none")


def test_export_without_a_database_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(tmp_path / "none.sqlite3")]) == 1
    assert "no feedback database" in capsys.readouterr().err


def test_command_line_export_to_stdout(tmp_path: Path, repo: Path) -> None:
    db = tmp_path / "fb.sqlite3"
    FeedbackStore(db).add(report("up"))
    env = {"ASSISTANT_FEEDBACK_DB": str(db), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["source"].startswith("feedback:1 up")
