"""Answer feedback: thumbs up or down, a comment and a "wrong source" flag, kept in SQLite for the evals.

The web app writes from many threads (Gradio's workers and the API's thread pool), so the store uses WAL (readers
never block the writer), one connection per thread, a busy timeout for writers in other processes, and a lock so
writers in this process queue instead of racing. ``python -m assistant feedback export`` turns the reports into
eval items (evals/README.md) that ``python -m assistant eval --qa FILE`` loads as they are; see ``EXPORT_HELP``.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

RATINGS = ("up", "down", "none")

# Settings that change what an answer says; stored with each report so a regression can be traced to them.
RELEVANT_SETTINGS = (
    "embedding_model",
    "query_encoder",
    "chunk_max_tokens",
    "retrieval_mode",
    "top_k",
    "candidates",
    "rrf_k",
    "max_answer_sentences",
    "min_evidence",
    "llm_backend",
    "llm_model",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down', 'none')),
    wrong_source INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    refused INTEGER NOT NULL DEFAULT 0,
    sources TEXT NOT NULL DEFAULT '[]',
    settings TEXT NOT NULL DEFAULT '{}',
    build_id TEXT NOT NULL DEFAULT ''
)
"""


@dataclass
class Report:
    """One piece of feedback on one answer; ``sources`` are the answer's citations as dicts."""

    question: str
    answer: str
    rating: str = "none"
    comment: str = ""
    wrong_source: bool = False
    language: str = "en"
    refused: bool = False
    sources: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    build_id: str = ""
    id: int | None = None
    created: str = ""

    @classmethod
    def for_answer(
        cls,
        question: str,
        answer: Mapping[str, Any],
        rating: str,
        *,
        comment: str = "",
        wrong_source: bool = False,
        settings: Mapping[str, Any] | None = None,
        build_id: str = "",
    ) -> Report:
        """A report from ``Answer.to_dict()``, which is what the web session keeps per turn."""
        return cls(
            question=question,
            answer=str(answer.get("text", "")),
            rating=rating,
            comment=comment,
            wrong_source=wrong_source,
            language=str(answer.get("language", "en")),
            refused=bool(answer.get("refused", False)),
            sources=list(answer.get("citations", [])),
            settings=dict(settings or {}),
            build_id=build_id,
        )


def settings_snapshot(settings: Any, build_id: str = "", model: str = "") -> dict[str, Any]:
    """The settings in force for an answer, JSON-ready, with the index build that served it."""
    data = {name: _plain(getattr(settings, name, None)) for name in RELEVANT_SETTINGS}
    data["build_id"] = build_id
    if model:
        data["model"] = model
    return data


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """The SQLite file of reports. Safe to share between threads; each thread gets its own connection."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        with self._write_lock:
            conn = self._conn()
            conn.execute(SCHEMA)
            conn.commit()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            self._connections.append(conn)
        return conn

    def journal_mode(self) -> str:
        return str(self._conn().execute("PRAGMA journal_mode").fetchone()[0])

    def add(self, report: Report) -> int:
        """Store one report; returns its id."""
        if report.rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}, got {report.rating!r}")
        created = report.created or _now()
        row = (
            created,
            report.rating,
            int(report.wrong_source),
            report.comment.strip(),
            report.question,
            report.answer,
            report.language,
            int(report.refused),
            json.dumps(report.sources, ensure_ascii=False),
            json.dumps(report.settings, ensure_ascii=False),
            report.build_id,
        )
        with self._write_lock:
            conn = self._conn()
            with conn:
                cursor = conn.execute(
                    "INSERT INTO feedback (created, rating, wrong_source, comment, question, answer, language, "
                    "refused, sources, settings, build_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
        return int(cursor.lastrowid or 0)

    def update(
        self,
        report_id: int,
        *,
        rating: str | None = None,
        comment: str | None = None,
        wrong_source: bool | None = None,
    ) -> bool:
        """Change a stored report (a comment added after the thumbs); False when the id is unknown."""
        changes: dict[str, Any] = {}
        if rating is not None:
            if rating not in RATINGS:
                raise ValueError(f"rating must be one of {', '.join(RATINGS)}, got {rating!r}")
            changes["rating"] = rating
        if comment is not None:
            changes["comment"] = comment.strip()
        if wrong_source is not None:
            changes["wrong_source"] = int(wrong_source)
        if not changes:
            return self.get(report_id) is not None
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with self._write_lock:
            conn = self._conn()
            with conn:
                cursor = conn.execute(
                    f"UPDATE feedback SET {assignments} WHERE id = ?", [*changes.values(), report_id]
                )
        return cursor.rowcount > 0

    def delete(self, report_id: int) -> bool:
        with self._write_lock:
            conn = self._conn()
            with conn:
                cursor = conn.execute("DELETE FROM feedback WHERE id = ?", (report_id,))
        return cursor.rowcount > 0

    def get(self, report_id: int) -> Report | None:
        row = self._conn().execute("SELECT * FROM feedback WHERE id = ?", (report_id,)).fetchone()
        return None if row is None else _report(row)

    def count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def reports(self) -> Iterator[Report]:
        for row in self._conn().execute("SELECT * FROM feedback ORDER BY id"):
            yield _report(row)

    def close(self) -> None:
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        self._local = threading.local()


def _report(row: sqlite3.Row) -> Report:
    return Report(
        id=int(row["id"]),
        created=row["created"],
        rating=row["rating"],
        wrong_source=bool(row["wrong_source"]),
        comment=row["comment"],
        question=row["question"],
        answer=row["answer"],
        language=row["language"],
        refused=bool(row["refused"]),
        sources=json.loads(row["sources"]),
        settings=json.loads(row["settings"]),
        build_id=row["build_id"],
    )


EXPORT_HELP = """Each report becomes one line of the eval format (evals/README.md), loadable by
`python -m assistant eval --qa FILE` as it is:

- a refused answer: kind "unanswerable" (must_include empty), the refusal being what is expected;
- an answered question: kind "fact" ("multilingual" when not in English), the answer given as the reference,
  and must_include prefilled with the answer's key facts: the figures, dates, identifiers and names it shares
  with the quotes it cites (others of the answer when it shares none); gold_doc_ids are the cited documents of
  an answer rated up without a wrong-source flag.

`source` says where an item comes from ("feedback:ID RATING [wrong-source] COMMENT"). When it also holds
"REVIEW:" a person rated the answer down, flagged a source or rated a refusal down: its reference answer and
must_include are the assistant's own and may be wrong. Correct the answer and the key facts (or the kind)
before adding the item to the eval set; until then it scores the assistant against what it said."""

_FIGURE = re.compile(
    r"(?:EUR|€)\s?\d[\d,.]*(?:\s(?:million|billion))?"  # EUR 1,100 / EUR 5 million
    r"|\d[\d,.]*\s?(?:million\s|billion\s)?(?:EUR|euros?)\b"
    r"|\b\d{1,2}\s(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s\d{4}\b"
    r"|\d+(?:[.,]\d+)?\s?%"
    r"|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d[A-Z0-9-]*\b"  # call ids: INNOSUP-01-2018-2020
    r"|\b\d[\d,.]*\s(?:working\s)?[a-z]+"  # a number and its unit: 3 working days, 250 staff
    r"|\b\d[\d,.]*\b"
)
_NAME = re.compile(
    r"\b[A-Z][a-z]*[A-Z][A-Za-z]*\b|\b[A-Z][a-z]{2,}(?:\s[A-Z][a-z]{2,})+\b|(?<=[a-z,;]\s)[A-Z][a-z]{3,}\b"
)
_WORD = re.compile(r"[^\W\d_]{8,}")
_MARKERS = re.compile(r"\[\d+\]")
MAX_KEY_FACTS = 3
REVIEW = "REVIEW:"


def key_facts(answer: str, quotes: list[str]) -> list[list[str]]:
    """Up to three facts of ``answer`` as must_include groups: its figures, ids and names that a cited quote also
    holds, first; failing those, its own figures and names; failing those, its longest words. Each fact is a
    substring of the answer, so the item checks against its own reference answer."""
    from assistant.evals.matching import group_matched

    text = _MARKERS.sub(" ", answer)
    figures = [m.group(0).strip(" ,.") for m in _FIGURE.finditer(text)]
    names = [m.group(0) for m in _NAME.finditer(text)]
    words = sorted(_WORD.findall(text), key=len, reverse=True)
    candidates = [c for c in dict.fromkeys([*figures, *names]) if c]
    shared = [c for c in candidates if any(group_matched([c], q) for q in quotes if q)]
    chosen = shared or candidates or list(dict.fromkeys(words))
    facts: list[str] = []
    for fact in chosen:
        if not any(fact in f or f in fact for f in facts):
            facts.append(fact)
        if len(facts) == MAX_KEY_FACTS:
            break
    return [[f] for f in facts]


def eval_item(report: Report) -> dict[str, Any] | None:
    """One loadable eval line (see ``EXPORT_HELP``); None for a report with no question or answer text."""
    if not report.question.strip() or not report.answer.strip():
        return None
    source = f"feedback:{report.id} {report.rating}"
    if report.wrong_source:
        source += " wrong-source"
    if report.comment:
        source += " " + " ".join(report.comment.split())
    lang = report.language if len(report.language) == 2 and report.language.isalpha() else "en"
    doubted = report.rating == "down" or report.wrong_source
    item: dict[str, Any] = {
        "id": f"feedback-{report.id}",
        "question": report.question,
        "answer": report.answer,
        "must_include": [],
        "kind": "unanswerable",
        "lang": lang.lower(),
    }
    if report.refused:
        if doubted:
            source += f" | {REVIEW} refused but rated down: if the documents answer it, make it a fact item"
    else:
        quotes = [str(s.get("quote", "")) for s in report.sources]
        item["must_include"] = key_facts(report.answer, quotes)
        item["kind"] = "fact" if item["lang"] == "en" else "multilingual"
        if not item["must_include"]:
            return None
        if doubted:
            source += f" | {REVIEW} rated down: correct the answer and must_include"
        else:
            source += " | must_include prefilled from the answer"
            gold = list(dict.fromkeys(str(s.get("doc_id", "")) for s in report.sources if s.get("doc_id")))
            if gold:
                item["gold_doc_ids"] = gold
    item["source"] = source
    return item


def export(store: FeedbackStore, out: TextIO) -> int:
    """Write every report as one JSON line; returns how many (a report with no answer text is left out)."""
    n = 0
    for report in store.reports():
        item = eval_item(report)
        if item is None:
            print(f"feedback: report {report.id} left out: no question or answer text", file=sys.stderr)
            continue
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        n += 1
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant feedback", description="Feedback given in the web app."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    exp = sub.add_parser(
        "export",
        help="write the reports as eval items (JSONL) that the eval runner loads",
        description=EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exp.add_argument("--out", type=Path, help="output file (default: standard output)")
    exp.add_argument("--db", type=Path, help="feedback database (default: ASSISTANT_FEEDBACK_DB)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from assistant.settings import get_settings

    db = args.db or get_settings().feedback_db
    if not Path(db).is_file():
        print(f"feedback: no feedback database at {db} (nothing has been reported yet)", file=sys.stderr)
        return 1
    store = FeedbackStore(db)
    try:
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            with open(args.out, "w", encoding="utf-8") as handle:
                n = export(store, handle)
            print(f"feedback: {n} report(s) written to {args.out}", file=sys.stderr)
        else:
            export(store, sys.stdout)
    finally:
        store.close()
    return 0
