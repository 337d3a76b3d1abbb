"""Call status in answers, from structured dates and an injected today."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.index.builder import ingest
from assistant.settings import Settings

STUB = Path(__file__).parent.parent / "stub_data" / "corpus"
# Written after the call closed, as the corpus is: quoted on an earlier day, it would contradict the dates.
FAQ = """---
id: faq-alpha-status
title: "Is ALPHA still open?"
doc_type: faq
programme: INNOSUP-1
call_ids: [ALPHA-01-2019]
source_urls: [https://example.org/alpha-faq]
updated: 2026-11-01
language: en
---

## Is the ALPHA-01-2019 call still open?

All ALPHA-01-2019 calls are now closed. The ALPHA-01-2019 call funded SME voucher projects.
"""
SUCCESSOR = """---
id: guide-successor
title: "What replaced INNOSUP-1"
doc_type: guide
programme: Successors
call_ids: []
source_urls: [https://example.org/successor]
updated: 2026-11-01
language: en
---

## What replaced INNOSUP-1 and the Horizon 2020 cluster calls

After INNOSUP-1, cluster-led cascade funding for SMEs continued through the Euroclusters of the Single Market
Programme. The guide on successor programmes explains more.
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    for document in STUB.iterdir():
        shutil.copy(document, corpus / document.name)
    (corpus / "faq-alpha-status.md").write_text(FAQ, encoding="utf-8")
    (corpus / "guide-successor.md").write_text(SUCCESSOR, encoding="utf-8")
    path = tmp_path_factory.mktemp("idx")
    ingest([corpus], Settings(index_dir=path, embedding_model="hash"))
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
    assert "2027" not in answer.text and "2026" not in answer.text.replace("25 November 2026", "")


NAME = "ALPHA-01-2019: a test call for SME vouchers"


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2019, 10, 1), f"{NAME} is not yet open: it opens on 7 November 2019, with deadlines on 2 April 2020 "
                            "(first stage) and 8 September 2020 (second stage) [1]."),
        (date(2020, 1, 15), f"{NAME} is open: next deadline 2 April 2020 (first stage), then 8 September 2020 "
                            "(second stage) [1]."),
        (date(2020, 4, 2), f"{NAME} is open: next deadline 2 April 2020 (first stage), then 8 September 2020 "
                           "(second stage) (today is the deadline) [1]."),
        (date(2020, 6, 1), f"{NAME} is between stages: the deadline of 2 April 2020 (first stage) has passed; "
                           "next deadline 8 September 2020 (second stage) [1]."),
        (date(2020, 9, 8), f"{NAME} is between stages: the deadline of 2 April 2020 (first stage) has passed; "
                           "next deadline 8 September 2020 (second stage) [1]."),
        (date(2026, 11, 25), f"{NAME} is closed: its last deadline (second stage) was 8 September 2020 [1]."),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    "question", ["Is the ALPHA-01-2019 call still open?", "Ist ALPHA-01-2019 noch offen?"]
)
def test_the_status_text_states_the_state_on_the_day(index_dir, today, status, question):
    answer = _ask(index_dir, today, question)
    assert status in answer.text, answer.text
    assert not answer.refused and not any(n.startswith("Citation check") for n in answer.notices)
    closed = today > date(2020, 9, 8)
    # Before the last deadline nothing in the answer may call the call closed, nor point to its successor.
    assert ("closed" in answer.text) is closed
    if not closed:
        assert "Euroclusters" not in answer.text and "now closed" not in answer.text
    else:
        assert "Euroclusters" in answer.text  # what replaced it, quoted from the corpus


@pytest.mark.parametrize(
    ("today", "lead"),
    [
        (date(2019, 10, 1), f"The next deadline in our documents is 2 April 2020 (first stage), for {NAME}, which is "
                            "not yet open (it opens on 7 November 2019) [1]."),
        (date(2020, 6, 1), f"The next deadline in our documents is 8 September 2020 (second stage), for {NAME}, "
                           "which is between stages [1]."),
        (date(2026, 11, 25), "No call in our documents is open on 25 November 2026: every call they date is closed, "
                             f"the last deadline being 8 September 2020, for {NAME} (second stage) [1]."),
    ],
)  # fmt: skip
def test_the_next_deadline_whatever_the_state(index_dir, today, lead):
    answer = _ask(index_dir, today, "When is the next deadline?")
    assert answer.text.startswith(lead), answer.text
    assert answer.citations[0].doc_id == "call-alpha"
    assert not any(n.startswith("Citation check") for n in answer.notices)
    if today.year == 2026:
        assert "Euroclusters" in answer.text
        assert any("No call in our documents is open" in n for n in answer.notices)
    else:
        assert "closed" not in answer.text and not answer.notices


def test_which_calls_are_open_when_none_is_leads_with_that_then_the_successor(index_dir):
    answer = _ask(index_dir, date(2026, 11, 25), "Which calls are open now?")
    assert answer.text.startswith("No call in our documents is open on 25 November 2026")
    assert [c.doc_id for c in answer.citations] == ["call-alpha", "guide-successor"]
    assert "continued through the Euroclusters" in answer.text
    opened = _ask(index_dir, date(2020, 1, 15), "Which calls are open now?")
    assert opened.text.startswith(f"{NAME} is open: next deadline 2 April 2020")
    assert not opened.notices


def test_quoted_sentences_that_contradict_the_status_are_dropped():
    from assistant.answering.status import StatusAnswer
    from assistant.calls import CallRecord, Deadline
    from assistant.core import _agreeing
    from assistant.documents.model import Chunk

    call = CallRecord(
        "call-alpha",
        NAME,
        ("ALPHA-01-2019",),
        date(2019, 11, 7),
        (Deadline(date(2020, 4, 2), "first stage"), Deadline(date(2020, 9, 8), "second stage")),
    )
    old = CallRecord("call-old", "OLD-01-2015", ("OLD-01-2015",), None, (Deadline(date(2015, 4, 30)),))
    chunk = Chunk("faq:0", "faq", "x", "FAQ", "", None, "", "faq", "", (), "en", 0, "h")
    quoted = [
        "All ALPHA-01-2019 calls are now closed.",
        "The ALPHA-01-2019 projects' own open calls have also closed.",
        "No ALPHA-01-2019 call in the stored sources is still open.",
        "No. The call ended long ago.",
        "OLD-01-2015 closed on 30 April 2015.",
        "The ALPHA-01-2019 call funded SME voucher projects.",
        "ALPHA-01-2019 is still open to new applicants.",
    ]
    sentences = [(q, chunk) for q in quoted]

    def kept(today: date) -> list[str]:
        status = StatusAnswer([], [], [], upcoming=today <= date(2020, 9, 8), named=True, about=[call])
        return [s for s, _ in _agreeing(sentences, status, [call, old], today)]

    for today in (date(2019, 10, 1), date(2020, 1, 15), date(2020, 6, 1)):
        assert kept(today) == [
            "OLD-01-2015 closed on 30 April 2015.",  # another call, and it is closed
            "The ALPHA-01-2019 call funded SME voucher projects.",
            "ALPHA-01-2019 is still open to new applicants.",
        ]
    assert kept(date(2026, 1, 1)) == quoted[:-1]  # after the last deadline only "still open" contradicts


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
