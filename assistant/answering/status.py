"""Where calls stand today: notices under answers that concern a call, and answers to "is it still open?".

Status comes from each call's structured dates (front matter) and today's date; the dates shown are cited to
the call's own passage that states them. A deadline the corpus does not hold is never produced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from assistant.answering.answer import Citation
from assistant.answering.citations import make_citation
from assistant.calls import (
    CallRecord,
    CallState,
    CallStatus,
    find_calls,
    format_date,
    specific_records,
    status_on,
    status_sentence,
    upcoming_calls,
)
from assistant.documents.model import Chunk
from assistant.glossary import english_terms, fold

_STATUS_QUESTION = re.compile(
    r"\b(still open|open now|open today|currently open|is (it|the call|there an?( \w+)? call) (still )?open(?! to\b)|"
    r"(is|are) (the|this|that|these|those|any) ([\w-]+ ){0,4}calls? (still |now |currently )?open(?! to\b)|"
    r"(any|which|what) (\w+ )?calls? (are |is )?(still )?open|(any|which|what) open calls?|open calls? (now|today)|"
    r"next deadline|upcoming deadline|can (we|i) still apply|"
    r"encore ouvert|appels? ouverts?|prochaine date limite|noch offen|offene (aufrufe|ausschreibungen)|"
    r"nachste frist|wciaz otwart\w*|nadal otwart\w*|otwarte nabory|kolejny termin|sigue abierta|"
    r"convocatorias? abiertas?|proximo plazo|ancora aperto|bandi aperti|prossima scadenza)\b",
    re.IGNORECASE,
)

MAX_NOTICES = 3
# A question about the next deadline of any call (not whether one is open).
_NEXT_DEADLINE = re.compile(
    r"\b(next|upcoming|coming|nearest) (\w+ )?deadlines?\b|\bwhen is the (\w+ )?deadline\b|prochaine date limite|"
    r"nachste frist|kolejny termin|proximo plazo|prossima scadenza"
)
# A question names a call as a call (not just a scheme the call carried) when it speaks of calls and dates.
_ABOUT_CALLS = re.compile(
    r"\b(call|calls|deadline|deadlines|apply|applied|open|opens|opened|closed?|cut-off|budget|appel|aufruf|"
    r"ausschreibung|nabor|konkurs|convocatoria|bando|frist|termin|plazo|scadenza)\b"
)


def short_name(record: CallRecord) -> str:
    """The call's title up to its first bracket, or its first colon when still long."""
    return record.short_name


def is_status_question(question: str) -> bool:
    """Does the question ask whether a call is open, or when the next deadline is? (In any glossary language:
    its English terms are read too.)"""
    return bool(_STATUS_QUESTION.search(fold(_with_english(question))))


def _with_english(question: str) -> str:
    return f"{question} {english_terms(question)}"


def notice(record: CallRecord, today: date) -> str:
    return f"{short_name(record)} — status on {format_date(today)}: {status_on(record, today).sentence}"


def call_notices(
    records: Sequence[CallRecord], cited: Sequence[Chunk], question: str, today: date
) -> list[str]:
    """Status notices for the calls an answer cites or the question names, most relevant first."""
    by_doc = {r.doc_id: r for r in records}
    chosen: list[CallRecord] = []
    named = find_calls(records, question)[:2] if _ABOUT_CALLS.search(fold(_with_english(question))) else []
    for record in [by_doc.get(c.doc_id) for c in cited if c.doc_type == "call"] + named:
        if record is not None and record not in chosen:
            chosen.append(record)
    return list(dict.fromkeys(notice(r, today) for r in chosen))[:MAX_NOTICES]


@dataclass
class StatusAnswer:
    """The dated status that leads an answer to a status question.

    ``upcoming`` says whether a call the answer is about still has a date ahead (so nothing quoted after it may
    call it closed); ``named`` whether the question names calls (otherwise it asks about every call); ``about``
    the records the sentences state."""

    sentences: list[str]
    citations: list[Citation]
    notices: list[str]
    upcoming: bool = False
    named: bool = False
    about: list[CallRecord] = field(default_factory=list)


class _Citer:
    """Numbers the call passages that state the dates of a sentence, in order of first use."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks
        self.citations: list[Citation] = []
        self.numbers: dict[str, int] = {}

    def marks(self, record: CallRecord, dates: Sequence[date]) -> str | None:
        """Markers for passages of the call's own document that together state every date; None when the
        document's text does not hold one of them (the date is then not stated)."""
        own = [(c, _flat(c.text)) for c in self.chunks if c.doc_id == record.doc_id]
        left = [format_date(d) for d in dict.fromkeys(dates)]
        chosen: list[tuple[Chunk, str]] = []
        while left:
            best = max(own, key=lambda item: sum(n in item[1] for n in left), default=None)
            if best is None or not any(n in best[1] for n in left):
                return None
            needle = next(n for n in left if n in best[1])
            chosen.append((best[0], needle))
            left = [n for n in left if n not in best[1]]
        markers = []
        for chunk, needle in chosen:
            if chunk.chunk_id not in self.numbers:
                self.numbers[chunk.chunk_id] = len(self.numbers) + 1
                self.citations.append(
                    make_citation(self.numbers[chunk.chunk_id], chunk, _quote(chunk, needle))
                )
            markers.append(f"[{self.numbers[chunk.chunk_id]}]")
        return "".join(dict.fromkeys(markers))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def status_answer(
    question: str,
    records: Sequence[CallRecord],
    chunks: Sequence[Chunk],
    today: date,
    asked: str | None = None,
) -> StatusAnswer | None:
    """The dated status answering a status question; None when it is not one.

    ``asked`` is the question as typed (it decides whether this is a status question); ``question`` may carry
    the subject of a follow-up (it decides which calls are meant). Every sentence states the call's state on
    ``today`` (not yet open, open until, between stages, deadline ahead, closed) with dates cited to the call's own
    passages."""
    said = asked if asked is not None else question
    if not is_status_question(said):
        return None
    records = specific_records(records, today)
    named = find_calls(records, question)
    citer = _Citer(chunks)
    if named:
        return _about_named(named, today, citer)
    if _NEXT_DEADLINE.search(fold(_with_english(said))):
        return _next_deadlines(records, today, citer)
    return _open_now(records, today, citer)


def _topic_first(record: CallRecord) -> tuple[bool, date]:
    """A topic call (its title carries its id) before the project calls filed under it; the latest first."""
    return bool(record.call_ids) and record.call_ids[0] in record.title, _last_date(record)


def _family(record: CallRecord) -> set[str]:
    """The call ids of a record and the topics they belong to ("innosup 1"), to tell one call from its kin."""
    keys = {_squash(c) for c in record.call_ids}
    for call_id in record.call_ids:
        match = re.fullmatch(r"([A-Za-z]+)-0*(\d{1,2})(?:-\d{4})*", call_id.strip())
        if match:
            keys.add(f"{match.group(1).lower()} {match.group(2)}")
    return keys


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _about_named(named: list[CallRecord], today: date, citer: _Citer) -> StatusAnswer:
    """The calls a question names: those still ahead when there are any (the topic calls before the project
    calls under them), else the latest closed one of each family."""
    ranked = sorted(named, key=_topic_first, reverse=True)
    statuses = {r.doc_id: status_on(r, today) for r in ranked}
    ahead = [r for r in ranked if statuses[r.doc_id].is_upcoming]
    topics = [r for r in ahead if _topic_first(r)[0]]
    candidates = (topics or ahead) if ahead else ranked
    shown: list[CallRecord] = []
    sentences: list[str] = []
    for record in candidates:
        if len(shown) == 2:
            break
        if any(_family(record) & _family(other) for other in shown):
            continue  # an older cut-off, or a project call, of a call already stated
        said, dates = status_sentence(record, statuses[record.doc_id])
        marks = citer.marks(record, dates) if said else None
        if marks is None:
            continue
        sentences.append(f"{said} {marks}.")
        shown.append(record)
    ordered = shown + [r for r in ranked if r not in shown]
    return StatusAnswer(
        sentences,
        citer.citations,
        [notice(r, today) for r in ordered[:MAX_NOTICES]],
        upcoming=any(statuses[r.doc_id].is_upcoming for r in shown) or (not shown and bool(ahead)),
        named=True,
        about=shown or ranked,
    )


def _state_phrase(status: CallStatus) -> tuple[str, tuple[date, ...]]:
    if status.state is CallState.NOT_YET_OPEN and status.opens is not None:
        return f"not yet open (it opens on {format_date(status.opens)})", (status.opens,)
    if status.state is CallState.OPEN:
        return "open", ()
    if status.state is CallState.BETWEEN_STAGES:
        return "between stages", ()
    return "not known to be open: the sources do not give the date that round opens", ()


def _next_deadlines(records: Sequence[CallRecord], today: date, citer: _Citer) -> StatusAnswer:
    """The earliest deadlines ahead, whatever the state of their calls."""
    sentences: list[str] = []
    about: list[CallRecord] = []
    for record, status in upcoming_calls(records, today):
        if len(sentences) == 3:
            break
        deadline = status.next_deadline
        if deadline is None:
            continue
        state, dates = _state_phrase(status)
        marks = citer.marks(record, (deadline.date, *dates))
        if marks is None:
            continue
        stage = f" ({deadline.label})" if deadline.label else ""
        lead = "The next deadline in our documents is" if not sentences else "After it comes"
        sentences.append(
            f"{lead} {format_date(deadline.date)}{stage}, for {record.short_name}, which is {state} {marks}."
        )
        about.append(record)
    if not sentences:
        return _nothing_ahead(records, today, citer)
    return StatusAnswer(sentences, citer.citations, [], upcoming=True, about=about)


_LISTING_ORDER = {
    CallState.OPEN: 0,
    CallState.DEADLINE_AHEAD: 1,
    CallState.NOT_YET_OPEN: 2,
    CallState.BETWEEN_STAGES: 3,
}


def _open_now(records: Sequence[CallRecord], today: date, citer: _Citer) -> StatusAnswer:
    """Every call not closed today, open ones first; when none, the statement that none is open."""
    ahead = sorted(upcoming_calls(records, today), key=lambda pair: _LISTING_ORDER[pair[1].state])
    sentences: list[str] = []
    about: list[CallRecord] = []
    for record, status in ahead:
        if len(sentences) == 5:
            break
        said, dates = status_sentence(record, status)
        marks = citer.marks(record, dates) if said else None
        if marks is not None:
            sentences.append(f"{said} {marks}.")
            about.append(record)
    if not sentences:
        return _nothing_ahead(records, today, citer)
    notices = []
    if not any(s.state in (CallState.OPEN, CallState.DEADLINE_AHEAD) for _, s in ahead):
        notices.append(f"No call in our documents is open on {format_date(today)}.")
    return StatusAnswer(sentences, citer.citations, notices, upcoming=True, about=about)


def _nothing_ahead(records: Sequence[CallRecord], today: date, citer: _Citer) -> StatusAnswer:
    """No call open and no deadline ahead: said in a sentence cited to the call with the latest deadline."""
    sentences: list[str] = []
    dated = sorted((r for r in records if r.last_deadline is not None), key=_last_date, reverse=True)
    for record in dated[:3]:
        last = record.last_deadline
        assert last is not None
        marks = citer.marks(record, (last.date,))
        if marks is None:
            continue
        stage = f" ({last.label})" if last.label else ""
        sentences.append(
            f"No call in our documents is open on {format_date(today)}: every call they date is closed, the "
            f"last deadline being {format_date(last.date)}, for {record.short_name}{stage} {marks}."
        )
        break
    notices = [f"No call in our documents is open on {format_date(today)}."]
    return StatusAnswer(sentences, citer.citations, notices, upcoming=False)


def _last_date(record: CallRecord) -> date:
    last = record.last_deadline
    return last.date if last else date.min


def _quote(chunk: Chunk, needle: str) -> str:
    from assistant.documents.sentences import split_sentences

    for sentence in split_sentences(chunk.text):
        if needle in _flat(sentence):
            return sentence
    return chunk.text[:200]
