"""Call status in answers, from structured dates and an injected today."""

from datetime import date
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.index.builder import ingest
from assistant.settings import Settings

STUB = Path(__file__).parent.parent / "stub_data" / "corpus"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("idx")
    ingest([STUB], Settings(index_dir=path, embedding_model="hash"))
    return path


def _ask(index_dir: Path, today: date, question: str):
    settings = Settings(index_dir=index_dir, embedding_model="hash", min_evidence=0.3, today=today)
    return Assistant.open(settings=settings).ask(question)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2019, 10, 1), "Not yet open: opens on 7 November 2019"),
        (date(2020, 4, 2), "Open: next deadline 2 April 2020 (first stage) (today is the deadline)"),
        (date(2020, 6, 1), "Between stages"),
        (date(2026, 11, 25), "Closed since 8 September 2020"),
    ],
)
def test_notice_follows_today(index_dir, today, expected):
    answer = _ask(index_dir, today, "What was the budget of the ALPHA-01-2019 call?")
    assert "EUR 25.15 million" in answer.text
    assert any(expected in n for n in answer.notices), answer.notices


def test_status_question_is_answered_with_cited_dates(index_dir):
    answer = _ask(index_dir, date(2026, 11, 25), "Is the ALPHA-01-2019 call still open?")
    assert "is closed: its last deadline (second stage) was 8 September 2020 [1]" in answer.text
    assert answer.citations[0].doc_id == "call-alpha"
    assert "8 September 2020" in answer.citations[0].quote


def test_no_open_call_is_said_and_no_deadline_invented(index_dir):
    answer = _ask(index_dir, date(2026, 11, 25), "Which calls are open now?")
    assert any("No call in our documents is open on 25 November 2026" in n for n in answer.notices)
    assert "2027" not in answer.text and "2026" not in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Is INNOSUP still open?",
        "Je výzva INNOSUP ještě otevřená?",
        "Mai este deschis apelul INNOSUP?",
        "Är INNOSUP-utlysningen fortfarande öppen?",
    ],
)
def test_status_questions_are_recognised_in_glossary_languages(question):
    from assistant.answering.status import is_status_question

    assert is_status_question(question)
    assert not is_status_question("What is INNOSUP-1?")
