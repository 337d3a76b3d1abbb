"""Calls as data: records from chunk metadata, status on a date, and which calls a text names."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from assistant.calls import (
    CallRecord,
    CallState,
    Deadline,
    calls_from_chunks,
    calls_from_documents,
    find_calls,
    format_date,
    open_calls,
    specific_records,
    status_clause,
    status_on,
    status_sentence,
    upcoming_calls,
)
from assistant.documents.model import Block, Chunk, Document

TWO_STAGE = CallRecord(
    "call-innosup-01-2018-2020-cutoff-2020",
    "INNOSUP-01-2018-2020, 2020 cut-off (H2020-INNOSUP-2020-01-two-stage): the final INNOSUP-1 call",
    ("INNOSUP-01-2018-2020", "H2020-INNOSUP-2020-01-two-stage"),
    date(2019, 11, 7),
    (Deadline(date(2020, 4, 2), "first stage"), Deadline(date(2020, 9, 8), "second stage")),
    25_150_000,
    "INNOSUP-1",
)
SERIES = CallRecord(
    "call-cross4health",
    "Cross4Health open calls",
    ("Cross4Health Open Calls",),
    date(2018, 2, 15),
    (Deadline(date(2018, 5, 16), "first open call"), Deadline(date(2019, 2, 15), "second open call")),
)
NO_DATES = CallRecord("call-innosup-01-2016-2017", "INNOSUP-01-2016-2017", ("INNOSUP-01-2016-2017",))
OPENS_ONLY = CallRecord("call-inclusilver", "INCluSilver open call", (), date(2017, 9, 15))
DEADLINE_ONLY = CallRecord(
    "call-katana", "KATANA Open Call 1", (), None, (Deadline(date(2017, 2, 28), "deadline"),)
)


@pytest.mark.parametrize(
    ("record", "today", "state", "sentence"),
    [
        (TWO_STAGE, date(2019, 11, 6), CallState.NOT_YET_OPEN,
         "Not yet open: opens on 7 November 2019 (first deadline: 2 April 2020 (first stage))."),
        (TWO_STAGE, date(2019, 11, 7), CallState.OPEN, "Open: next deadline 2 April 2020 (first stage)."),
        (TWO_STAGE, date(2020, 4, 2), CallState.OPEN,
         "Open: next deadline 2 April 2020 (first stage) (today is the deadline)."),
        (TWO_STAGE, date(2020, 4, 3), CallState.BETWEEN_STAGES,
         "Between stages: the deadline of 2 April 2020 (first stage) has passed; "
         "next deadline 8 September 2020 (second stage)."),
        (TWO_STAGE, date(2020, 9, 8), CallState.BETWEEN_STAGES,
         "Between stages: the deadline of 2 April 2020 (first stage) has passed; "
         "next deadline 8 September 2020 (second stage)."),
        (TWO_STAGE, date(2020, 9, 9), CallState.CLOSED, "Closed since 8 September 2020 (last deadline: second stage)."),
        (SERIES, date(2018, 8, 1), CallState.DEADLINE_AHEAD,
         "The deadline of 16 May 2018 (first open call) has passed; next deadline 15 February 2019 "
         "(second open call). The sources do not say when that round opens."),
        (NO_DATES, date(2026, 1, 1), CallState.UNKNOWN,
         "The sources do not give the opening date or the deadlines of this call."),
        (OPENS_ONLY, date(2026, 1, 1), CallState.UNKNOWN,
         "Opened on 15 September 2017; the sources do not give its deadline, so whether it is still open is unknown."),
        (OPENS_ONLY, date(2017, 9, 1), CallState.NOT_YET_OPEN, "Not yet open: opens on 15 September 2017."),
        (DEADLINE_ONLY, date(2017, 1, 1), CallState.DEADLINE_AHEAD,
         "Next deadline 28 February 2017; the sources do not give the opening date, so the call may not be open yet."),
        (DEADLINE_ONLY, date(2017, 3, 1), CallState.CLOSED, "Closed since 28 February 2017 (date of the last deadline)."),
    ],
)  # fmt: skip
def test_status_on(record: CallRecord, today: date, state: CallState, sentence: str) -> None:
    status = status_on(record, today)
    assert status.state is state
    assert status.sentence == sentence


# The whole topic beside its cut-offs, as the corpus files them: the topic record knows no opening date.
TOPIC = CallRecord(
    "call-innosup-01-2018-2020",
    "INNOSUP-01-2018-2020: cluster facilitated projects for new industrial value chains (whole topic, 2018-2020)",
    ("INNOSUP-01-2018-2020", "H2020-INNOSUP-2020-01-two-stage"),
    None,
    (
        Deadline(date(2018, 4, 12), "2018 cut-off, first stage"),
        Deadline(date(2020, 4, 2), "2020 cut-off, first stage"),
        Deadline(date(2020, 9, 8), "2020 cut-off, second stage"),
    ),
)
CUTOFF_2018 = CallRecord(
    "call-innosup-01-2018-2020-cutoff-2018",
    "INNOSUP-01-2018-2020, 2018 cut-off: the first call of the last INNOSUP-1 topic",
    ("INNOSUP-01-2018-2020", "INNOSUP-2018-1"),
    None,
    (Deadline(date(2018, 4, 12), "first stage"),),
)


@pytest.mark.parametrize(
    ("record", "today", "clause", "dates"),
    [
        (TWO_STAGE, date(2019, 10, 1),
         "is not yet open: it opens on 7 November 2019, with deadlines on 2 April 2020 (first stage) and "
         "8 September 2020 (second stage)", [date(2019, 11, 7), date(2020, 4, 2), date(2020, 9, 8)]),
        (TWO_STAGE, date(2020, 1, 15),
         "is open: next deadline 2 April 2020 (first stage), then 8 September 2020 (second stage)",
         [date(2020, 4, 2), date(2020, 9, 8)]),
        (TWO_STAGE, date(2020, 4, 2),
         "is open: next deadline 2 April 2020 (first stage), then 8 September 2020 (second stage) "
         "(today is the deadline)", [date(2020, 4, 2), date(2020, 9, 8)]),
        (TWO_STAGE, date(2020, 6, 1),
         "is between stages: the deadline of 2 April 2020 (first stage) has passed; next deadline 8 September 2020 "
         "(second stage)", [date(2020, 4, 2), date(2020, 9, 8)]),
        (TWO_STAGE, date(2020, 9, 9), "is closed: its last deadline (second stage) was 8 September 2020",
         [date(2020, 9, 8)]),
        (SERIES, date(2018, 2, 20), "is open: next deadline "
         "16 May 2018 (first open call), then 15 February 2019 (second open call)",
         [date(2018, 5, 16), date(2019, 2, 15)]),
        (SERIES, date(2018, 8, 1),
         "has its next deadline on 15 February 2019 (second open call); the deadline of 16 May 2018 (first open "
         "call) has passed, and the sources do not say when the next round opens", [date(2018, 5, 16), date(2019, 2, 15)]),
        (DEADLINE_ONLY, date(2017, 1, 1),
         "has a deadline ahead on 28 February 2017, but the sources do not give its opening date, so it may not be "
         "open yet", [date(2017, 2, 28)]),
        (DEADLINE_ONLY, date(2017, 3, 1), "is closed: its last deadline was 28 February 2017", [date(2017, 2, 28)]),
        (OPENS_ONLY, date(2016, 1, 1), "is not yet open: it opens on 15 September 2017", [date(2017, 9, 15)]),
        (OPENS_ONLY, date(2026, 1, 1), "", []),
        (NO_DATES, date(2026, 1, 1), "", []),
    ],
)  # fmt: skip
def test_status_clause_states_the_state_with_its_dates(
    record: CallRecord, today: date, clause: str, dates: list[date]
) -> None:
    text, stated = status_clause(record, status_on(record, today))
    assert text == clause
    assert list(stated) == dates
    for day in stated:  # every date the clause cites is written in it
        assert format_date(day) in text
    if "closed" in text:  # a call with a date ahead is never called closed
        assert not status_on(record, today).is_upcoming


@pytest.mark.parametrize(
    ("today", "upcoming"),
    [
        (date(2019, 10, 1), True),  # not yet open
        (date(2020, 1, 15), True),  # open
        (date(2020, 6, 1), True),  # between stages
        (date(2020, 9, 8), True),  # the last deadline day
        (date(2020, 9, 9), False),  # closed
    ],
)
def test_a_call_with_a_date_ahead_is_upcoming(today: date, upcoming: bool) -> None:
    assert status_on(TWO_STAGE, today).is_upcoming is upcoming
    assert status_on(TOPIC, today).is_upcoming is upcoming
    assert bool(upcoming_calls([TWO_STAGE, DEADLINE_ONLY, NO_DATES], today)) is upcoming


@pytest.mark.parametrize(
    ("today", "kept"),
    [
        # The topic's deadline that matters is one its cut-off also holds: the cut-off speaks for it.
        (date(2018, 3, 1), {CUTOFF_2018.doc_id, TWO_STAGE.doc_id}),
        (date(2019, 10, 1), {CUTOFF_2018.doc_id, TWO_STAGE.doc_id}),
        (date(2020, 6, 1), {CUTOFF_2018.doc_id, TWO_STAGE.doc_id}),
        (date(2026, 1, 1), {CUTOFF_2018.doc_id, TWO_STAGE.doc_id}),
    ],
)
def test_specific_records_prefer_the_cut_off_to_the_whole_topic(today: date, kept: set[str]) -> None:
    records = [TOPIC, CUTOFF_2018, TWO_STAGE, SERIES]
    assert {r.doc_id for r in specific_records(records, today)} == kept | {SERIES.doc_id}
    # Without its cut-offs, the topic stays.
    assert specific_records([TOPIC, SERIES], today) == [TOPIC, SERIES]


def test_upcoming_calls_soonest_first_whatever_the_state() -> None:
    found = upcoming_calls([SERIES, TWO_STAGE, DEADLINE_ONLY, NO_DATES], date(2020, 6, 1))
    assert [(r.doc_id, s.state) for r, s in found] == [(TWO_STAGE.doc_id, CallState.BETWEEN_STAGES)]
    found = upcoming_calls([SERIES, TWO_STAGE, DEADLINE_ONLY], date(2017, 1, 1))
    assert [r.doc_id for r, _ in found] == [DEADLINE_ONLY.doc_id, SERIES.doc_id, TWO_STAGE.doc_id]


def test_the_verb_agrees_with_a_plural_call_name() -> None:
    plural = replace(DEADLINE_ONLY, title="The VIDA voucher calls (2019)")
    closed = status_on(plural, date(2017, 3, 1))
    assert (
        status_sentence(plural, closed)[0]
        == "The VIDA voucher calls are closed: their last deadline was 28 February 2017"
    )
    ahead = status_sentence(plural, status_on(plural, date(2017, 1, 1)))[0]
    assert ahead.startswith("The VIDA voucher calls have a deadline ahead on 28 February 2017")
    single = status_sentence(DEADLINE_ONLY, status_on(DEADLINE_ONLY, date(2017, 3, 1)))[0]
    assert single == f"{DEADLINE_ONLY.short_name} is closed: its last deadline was 28 February 2017"


def test_short_name() -> None:
    assert TWO_STAGE.short_name == "INNOSUP-01-2018-2020, 2020 cut-off"
    assert TOPIC.short_name == "INNOSUP-01-2018-2020"


def test_status_details() -> None:
    status = status_on(TWO_STAGE, date(2020, 5, 1))
    assert status.next_deadline == Deadline(date(2020, 9, 8), "second stage")
    assert status.last_deadline == Deadline(date(2020, 4, 2), "first stage")
    assert status.is_open is False
    assert status_on(TWO_STAGE, date(2020, 1, 1)).is_open is True
    assert status_on(NO_DATES, date(2020, 1, 1)).is_open is None
    assert status.to_dict()["next_deadline"] == {"stage": "second stage", "date": "2020-09-08"}


@pytest.mark.parametrize(
    ("day", "text"), [(date(2020, 9, 8), "8 September 2020"), (date(2014, 7, 25), "25 July 2014")]
)
def test_format_date(day: date, text: str) -> None:
    assert format_date(day) == text


def _chunk(doc_id: str, position: int, **meta: object) -> Chunk:
    base: dict[str, object] = {
        "chunk_id": f"{doc_id}:{position}",
        "doc_id": doc_id,
        "text": "text",
        "title": doc_id.upper(),
        "section": "",
        "page": None,
        "url": "https://example.org",
        "doc_type": "call",
        "programme": "INNOSUP-1",
        "call_ids": (),
        "language": "en",
        "position": position,
        "content_hash": "x",
    }
    base.update(meta)
    return Chunk(**base)  # type: ignore[arg-type]


def test_calls_from_chunks_one_record_per_document() -> None:
    deadlines = json.dumps(
        [{"stage": "second stage", "date": "2020-09-08"}, {"stage": "first stage", "date": "2020-04-02"}]
    )
    chunks = [
        _chunk("call-a", 0, opens="2019-11-07", deadlines=deadlines, call_ids=("INNOSUP-01-2018-2020",)),
        _chunk("call-a", 1, opens="2019-11-07", deadlines=deadlines, call_ids=("INNOSUP-01-2018-2020",)),
        _chunk("call-b", 0),
        _chunk("guide-x", 0, doc_type="guide", opens="2019-01-01"),
    ]
    records = calls_from_chunks(chunks)
    assert [r.doc_id for r in records] == ["call-a", "call-b"]
    a = records[0]
    assert a.opens == date(2019, 11, 7)
    assert [d.stage for d in a.deadlines] == ["first stage", "second stage"]  # sorted by date
    assert a.call_ids == ("INNOSUP-01-2018-2020",)
    assert a.budget is None  # chunks carry no budget
    assert status_on(records[1], date(2020, 1, 1)).state is CallState.UNKNOWN


def test_calls_from_chunk_dicts_and_unreadable_dates_are_not_invented() -> None:
    chunk = _chunk(
        "call-c", 0, opens="sometime", deadlines=json.dumps([{"stage": "first stage", "date": "TBC"}])
    ).to_dict()
    (record,) = calls_from_chunks([chunk])
    assert record.opens is None and record.deadlines == ()
    assert len(record.problems) == 2
    assert status_on(record, date(2020, 1, 1)).state is CallState.UNKNOWN


def test_calls_from_documents_keep_the_budget() -> None:
    doc = Document(
        "call-d",
        "calls/d.md",
        "D",
        [Block("x")],
        doc_type="call",
        opens="2019-11-07",
        deadlines=[{"stage": "first stage", "date": "2020-04-02"}],
        budget=25_150_000,
    )
    (record,) = calls_from_documents([doc, Document("guide", "g.md", "G", [Block("x")])])
    assert record.budget == 25_150_000
    assert record.deadlines == (Deadline(date(2020, 4, 2), "first stage"),)


def test_open_calls() -> None:
    later = CallRecord("call-later", "Later", (), date(2020, 1, 1), (Deadline(date(2020, 12, 1)),))
    found = open_calls([later, TWO_STAGE, NO_DATES, SERIES], date(2020, 2, 1))
    assert [r.doc_id for r, _ in found] == [TWO_STAGE.doc_id, "call-later"]
    assert open_calls([TWO_STAGE], date(2021, 1, 1)) == []


RECORDS = [
    CallRecord("call-innosup-1-2015", "INNOSUP-1-2015: the first call", ("INNOSUP-1-2015",)),
    CallRecord("call-innosup-01-2016-2017", "INNOSUP-01-2016-2017: second topic", ("INNOSUP-01-2016-2017", "INNOSUP-1-2016-2017")),
    TWO_STAGE,
    CallRecord("call-katana", "KATANA Open Call 1 (call for teams): INNOSUP-1 support", ("INNOSUP-1-2015", "KATANA Open Call 1")),
    CallRecord("call-digi", "DIGI-B-CUBE (DigiBCube) open call", ("INNOSUP-01-2018-2020", "DIGI-B-CUBE open call")),
    CallRecord("call-c4h-1", "Cross4Health first open call", ("INNOSUP-01-2016-2017", "Cross4Health 1st Open Call")),
    CallRecord("call-c4h-2", "Cross4Health second open call", ("INNOSUP-01-2016-2017", "Cross4Health 2nd Open Call")),
    CallRecord("call-smp", "SMP-COSME-2021-CLUSTER-01: Joint Cluster Initiatives (Euroclusters)", ("SMP-COSME-2021-CLUSTER-01",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "first", "count"),
    [
        ("Is INNOSUP-01-2016-2017 open?", "call-innosup-01-2016-2017", 3),
        ("Is INNOSUP-1-2016-2017 open?", "call-innosup-01-2016-2017", 3),
        ("innosup 1 2015 deadlines", "call-innosup-1-2015", 2),
        ("When did INNOSUP-1 close?", "call-innosup-1-2015", 7),
        ("INNOSUP-01 in 2020", "call-innosup-01-2018-2020-cutoff-2020", 2),
        ("INNOSUP-1-2016 cut-off", "call-innosup-01-2016-2017", 3),
        ("H2020-INNOSUP-2020-01-two-stage", "call-innosup-01-2018-2020-cutoff-2020", 1),
        ("When was the KATANA open call?", "call-katana", 1),
        ("Does DigiBCube have a call?", "call-digi", 1),
        ("DIGI-B-CUBE", "call-digi", 1),
        ("Cross4Health second open call", "call-c4h-2", 2),
        ("Cross4Health 1st open call", "call-c4h-1", 2),
        ("Euroclusters", "call-smp", 1),
        ("smp-cosme-2021-cluster-01", "call-smp", 1),
        ("What is the SME definition?", None, 0),
        ("INNOSUP-02 pilot", None, 0),
    ],
)
def test_find_calls(text: str, first: str | None, count: int) -> None:
    found = find_calls(RECORDS, text)
    assert len(found) == count, [r.doc_id for r in found]
    assert (found[0].doc_id if found else None) == first
