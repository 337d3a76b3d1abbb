"""Where calls stand today: notices under answers that concern a call, and answers to "is it still open?".

Status comes from each call's structured dates (front matter) and today's date; the dates shown are cited to
the call's own passage that states them. A deadline the corpus does not hold is never produced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from assistant.answering.answer import Citation
from assistant.answering.citations import make_citation
from assistant.calls import CallRecord, CallState, find_calls, format_date, open_calls, status_on
from assistant.documents.model import Chunk
from assistant.glossary import english_terms, fold

_STATUS_QUESTION = re.compile(
    r"\b(still open|open now|open today|currently open|is (it|the call|there an?( \w+)? call) (still )?open|"
    r"(any|which|what) (\w+ )?calls? (are |is )?(still )?open|(any|which|what) open calls?|open calls? (now|today)|"
    r"next deadline|upcoming deadline|can (we|i) still apply|"
    r"encore ouvert|appels? ouverts?|prochaine date limite|noch offen|offene (aufrufe|ausschreibungen)|"
    r"nachste frist|wciaz otwart\w*|nadal otwart\w*|otwarte nabory|kolejny termin|sigue abierta|"
    r"convocatorias? abiertas?|proximo plazo|ancora aperto|bandi aperti|prossima scadenza)\b",
    re.IGNORECASE,
)

MAX_NOTICES = 3
# A question names a call as a call (not just a scheme the call carried) when it speaks of calls and dates.
_ABOUT_CALLS = re.compile(
    r"\b(call|calls|deadline|deadlines|apply|applied|open|opens|opened|closed?|cut-off|budget|appel|aufruf|"
    r"ausschreibung|nabor|konkurs|convocatoria|bando|frist|termin|plazo|scadenza)\b"
)


def short_name(record: CallRecord) -> str:
    """The call's title up to its first bracket, or its first colon when still long."""
    name = record.title.split(" (")[0].strip()
    return name.split(":")[0].strip() if len(name) > 70 else name


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


def _supporting_chunk(record: CallRecord, chunks: Sequence[Chunk], needle: str) -> Chunk | None:
    """The call's own passage that states a date, so the status sentence can cite it."""
    own = [c for c in chunks if c.doc_id == record.doc_id]
    for chunk in own:
        if needle in chunk.text:
            return chunk
    return None


def status_answer(
    question: str,
    records: Sequence[CallRecord],
    chunks: Sequence[Chunk],
    today: date,
    asked: str | None = None,
) -> tuple[list[str], list[Citation], list[str]] | None:
    """Sentences (with [n]), citations and notices answering a status question; None when it is not one.

    ``asked`` is the question as typed (it decides whether this is a status question); ``question`` may carry
    the subject of a follow-up (it decides which calls are meant)."""
    if not is_status_question(asked if asked is not None else question):
        return None
    # A topic call (its title carries its id) before the project calls filed under it; the latest first.
    named = sorted(
        find_calls(records, question),
        key=lambda r: (bool(r.call_ids) and r.call_ids[0] in r.title, _last_date(r)),
        reverse=True,
    )
    sentences: list[str] = []
    citations: list[Citation] = []
    numbers: dict[str, int] = {}

    def cite(chunk: Chunk, sentence: str) -> str:
        if chunk.chunk_id not in numbers:
            numbers[chunk.chunk_id] = len(numbers) + 1
            citations.append(make_citation(numbers[chunk.chunk_id], chunk, _quote(chunk, sentence)))
        return f"[{numbers[chunk.chunk_id]}]"

    if named:
        for record in named[:2]:
            status = status_on(record, today)
            last = record.last_deadline
            if status.state is CallState.CLOSED and last is not None:
                when = format_date(last.date)
                chunk = _supporting_chunk(record, chunks, when)
                if chunk is None:
                    continue
                stage = f" ({last.label})" if last.label else ""
                sentences.append(
                    f"{short_name(record)} is closed: its last deadline{stage} was {when} {cite(chunk, when)}."
                )
            elif status.next_deadline is not None:
                when = format_date(status.next_deadline.date)
                chunk = _supporting_chunk(record, chunks, when)
                if chunk is None:
                    continue
                sentences.append(f"{short_name(record)} has a deadline on {when} {cite(chunk, when)}.")
    else:
        for record, status in open_calls(records, today)[:5]:
            assert status.next_deadline is not None
            when = format_date(status.next_deadline.date)
            chunk = _supporting_chunk(record, chunks, when)
            if chunk is not None:
                sentences.append(
                    f"{short_name(record)} is open, with a deadline on {when} {cite(chunk, when)}."
                )
    notices = [notice(r, today) for r in (named[:MAX_NOTICES] if named else [])]
    if not named and not sentences:
        notices.insert(0, f"No call in our documents is open on {format_date(today)}.")
    return sentences, citations, notices


def _last_date(record: CallRecord) -> date:
    last = record.last_deadline
    return last.date if last else date.min


def _quote(chunk: Chunk, needle: str) -> str:
    from assistant.documents.sentences import split_sentences

    for sentence in split_sentences(chunk.text):
        if needle in sentence:
            return sentence
    return chunk.text[:200]
