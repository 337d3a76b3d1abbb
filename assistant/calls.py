"""Calls as data: when each call opened, its deadlines by stage, its budget, and its status on a given day.

Built from the metadata the corpus carries on call documents (``opens``, ``deadlines``, ``budget``), never from the
text: a date the corpus does not hold is never invented, so a call without dates has an unknown status. Today's
date is always a parameter, so answers can be reproduced for any day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "CallRecord",
    "CallState",
    "CallStatus",
    "Deadline",
    "calls_from_chunks",
    "calls_from_documents",
    "find_calls",
    "format_date",
    "open_calls",
    "specific_records",
    "status_clause",
    "status_on",
    "status_sentence",
    "upcoming_calls",
]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# A stage that only applicants of an earlier stage reach: the call is "between stages" before it, not open.
_LATER_STAGE = re.compile(
    r"\b(?:second|2nd|third|3rd|final)[- ]stage\b|\bstage\s*(?:2|3|ii|iii|two|three)\b|\bfull proposals?\b",
    re.IGNORECASE,
)
# Words in titles that name no particular call: acronyms of programmes and money.
_GENERIC_NAMES = frozenset(
    [
        "sme",
        "smes",
        "eu",
        "eur",
        "h2020",
        "ia",
        "ria",
        "csa",
        "fstp",
        "cosme",
        "smp",
        "eccp",
        "escp",
        "innosup",
        "grow",
        "dg",
        "faq",
        "it",
        "ict",
        "ec",
        "eic",
        "ngo",
        "r&d",
        "call",
        "calls",
        "open",
    ]
)


class CallState(StrEnum):
    UNKNOWN = "unknown"
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    DEADLINE_AHEAD = "deadline_ahead"  # a deadline is ahead, but the sources do not say the round has opened
    BETWEEN_STAGES = "between_stages"
    CLOSED = "closed"


@dataclass(frozen=True, order=True)
class Deadline:
    date: date
    stage: str = ""

    @property
    def label(self) -> str:
        """The stage as it reads in a sentence; the loader's placeholder "deadline" names nothing."""
        return "" if self.stage.strip().lower() in ("", "deadline") else self.stage.strip()

    @property
    def is_later_stage(self) -> bool:
        return bool(_LATER_STAGE.search(self.stage))


@dataclass(frozen=True)
class CallRecord:
    """One call (or cut-off, or project open call) as the corpus describes it."""

    doc_id: str
    title: str
    call_ids: tuple[str, ...] = ()
    opens: date | None = None
    deadlines: tuple[Deadline, ...] = ()  # sorted by date
    budget: float | None = None
    programme: str = ""
    url: str = ""
    problems: tuple[str, ...] = field(
        default=(), compare=False
    )  # dates in the metadata that could not be read

    @property
    def name(self) -> str:
        """The call's id where it has one, else its title: how a sentence names it."""
        return self.call_ids[0] if self.call_ids else self.title

    @property
    def last_deadline(self) -> Deadline | None:
        return self.deadlines[-1] if self.deadlines else None

    @property
    def short_name(self) -> str:
        """The title up to its first bracket, or its first colon when still long: how an answer names the call."""
        name = self.title.split(" (")[0].strip()
        return name.split(":")[0].strip() if len(name) > 70 else name


@dataclass(frozen=True)
class CallStatus:
    """Where a call stands on ``today``, with a sentence that says so."""

    state: CallState
    sentence: str
    today: date
    next_deadline: Deadline | None = None
    last_deadline: Deadline | None = None
    opens: date | None = None

    @property
    def is_upcoming(self) -> bool:
        """Not closed: the call has not opened yet, is open, is between stages or has a deadline ahead."""
        return self.state in (
            CallState.NOT_YET_OPEN,
            CallState.OPEN,
            CallState.BETWEEN_STAGES,
            CallState.DEADLINE_AHEAD,
        )

    @property
    def is_open(self) -> bool | None:
        """True or False where the dates settle it; None where a deadline is ahead but the opening is unknown."""
        if self.state is CallState.OPEN:
            return True
        if self.state in (CallState.DEADLINE_AHEAD, CallState.UNKNOWN):
            return None
        return False

    def to_dict(self) -> dict[str, Any]:
        def deadline(d: Deadline | None) -> dict[str, str] | None:
            return None if d is None else {"stage": d.stage, "date": d.date.isoformat()}

        return {
            "state": self.state.value,
            "sentence": self.sentence,
            "today": self.today.isoformat(),
            "next_deadline": deadline(self.next_deadline),
            "last_deadline": deadline(self.last_deadline),
            "opens": self.opens.isoformat() if self.opens else None,
        }


def format_date(day: date) -> str:
    """Dates as the corpus writes them: "8 September 2020"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _deadlines(raw: Any, problems: list[str]) -> tuple[Deadline, ...]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "[]")
        except json.JSONDecodeError:
            problems.append(f"deadlines are not JSON: {raw[:60]!r}")
            return ()
    result = []
    for entry in raw or []:
        when = _to_date(_get(entry, "date"))
        stage = str(_get(entry, "stage") or "")
        if when is None:
            problems.append(f"deadline without a readable date: {stage or '?'} {_get(entry, 'date')!r}")
            continue
        result.append(Deadline(when, stage))
    return tuple(sorted(result))


def _budget(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _record(item: Any) -> CallRecord:
    problems: list[str] = []
    opens_raw = _get(item, "opens")
    opens = _to_date(opens_raw)
    if opens_raw and opens is None:
        problems.append(f"opening date not readable: {opens_raw!r}")
    urls = _get(item, "source_urls") or ()
    url = _get(item, "url") or (urls[0] if urls else "")
    return CallRecord(
        doc_id=str(_get(item, "doc_id", "")),
        title=str(_get(item, "title", "") or ""),
        call_ids=tuple(str(c) for c in (_get(item, "call_ids") or ())),
        opens=opens,
        deadlines=_deadlines(_get(item, "deadlines"), problems),
        budget=_budget(_get(item, "budget")),
        programme=str(_get(item, "programme", "") or ""),
        url=str(url),
        problems=tuple(problems),
    )


def calls_from_chunks(chunks: Iterable[Any], doc_types: Sequence[str] = ("call",)) -> list[CallRecord]:
    """One record per call document, from its chunks (``Chunk`` objects or their ``to_dict()`` form).

    Chunks carry their document's metadata, so the first chunk of each doc_id is enough. ``budget`` is read when
    the chunk carries one; ``Chunk`` does not have the field yet, so it is None until it does.
    """
    seen: dict[str, CallRecord] = {}
    for chunk in chunks:
        doc_id = str(_get(chunk, "doc_id", ""))
        if doc_id in seen or _get(chunk, "doc_type") not in doc_types:
            continue
        seen[doc_id] = _record(chunk)
    return sorted(seen.values(), key=_sort_key)


def calls_from_documents(documents: Iterable[Any], doc_types: Sequence[str] = ("call",)) -> list[CallRecord]:
    """The same records from loaded ``Document`` objects, which do carry the budget."""
    records = {str(_get(d, "doc_id")): _record(d) for d in documents if _get(d, "doc_type") in doc_types}
    return sorted(records.values(), key=_sort_key)


def _sort_key(record: CallRecord) -> tuple[date, str]:
    first = record.opens or (record.deadlines[0].date if record.deadlines else date.max)
    return first, record.doc_id


def _stage_phrase(deadline: Deadline) -> str:
    return f" ({deadline.label})" if deadline.label else ""


def status_on(record: CallRecord, today: date) -> CallStatus:
    """The call's state on ``today``; a deadline day still counts as open (the call closes at the end of it)."""
    opens, deadlines = record.opens, record.deadlines
    last = deadlines[-1] if deadlines else None
    if opens is None and not deadlines:
        return CallStatus(
            CallState.UNKNOWN,
            "The sources do not give the opening date or the deadlines of this call.",
            today,
        )
    if opens is not None and today < opens:
        sentence = f"Not yet open: opens on {format_date(opens)}"
        if deadlines:
            sentence += f" (first deadline: {format_date(deadlines[0].date)}{_stage_phrase(deadlines[0])})"
        return CallStatus(
            CallState.NOT_YET_OPEN, sentence + ".", today, deadlines[0] if deadlines else None, None, opens
        )
    if not deadlines:
        assert opens is not None
        sentence = (
            f"Opened on {format_date(opens)}; the sources do not give its deadline, "
            "so whether it is still open is unknown."
        )
        return CallStatus(CallState.UNKNOWN, sentence, today, None, None, opens)
    assert last is not None
    if today > last.date:
        stage = f"last deadline: {last.label}" if last.label else "date of the last deadline"
        return CallStatus(
            CallState.CLOSED, f"Closed since {format_date(last.date)} ({stage}).", today, None, last, opens
        )
    index = next(i for i, d in enumerate(deadlines) if d.date >= today)
    upcoming = deadlines[index]
    when = f"{format_date(upcoming.date)}{_stage_phrase(upcoming)}"
    if index > 0:
        previous = deadlines[index - 1]
        passed = f"{format_date(previous.date)}{_stage_phrase(previous)}"
        if upcoming.is_later_stage:
            sentence = f"Between stages: the deadline of {passed} has passed; next deadline {when}."
            return CallStatus(CallState.BETWEEN_STAGES, sentence, today, upcoming, previous, opens)
        sentence = (
            f"The deadline of {passed} has passed; next deadline {when}. "
            "The sources do not say when that round opens."
        )
        return CallStatus(CallState.DEADLINE_AHEAD, sentence, today, upcoming, previous, opens)
    if opens is None:
        sentence = f"Next deadline {when}; the sources do not give the opening date, so the call may not be open yet."
        return CallStatus(CallState.DEADLINE_AHEAD, sentence, today, upcoming, None, opens)
    suffix = " (today is the deadline)" if upcoming.date == today else ""
    return CallStatus(CallState.OPEN, f"Open: next deadline {when}{suffix}.", today, upcoming, None, opens)


def open_calls(records: Iterable[CallRecord], today: date) -> list[tuple[CallRecord, CallStatus]]:
    """Calls whose dates show them open on ``today``, soonest deadline first."""
    found = [(r, s) for r in records if (s := status_on(r, today)).state is CallState.OPEN]
    return sorted(found, key=lambda pair: (pair[1].next_deadline or Deadline(date.max)).date)


def upcoming_calls(records: Iterable[CallRecord], today: date) -> list[tuple[CallRecord, CallStatus]]:
    """Calls that are not closed on ``today`` (not yet open, open, between stages, or with a deadline ahead),
    soonest deadline first."""
    found = [(r, s) for r in records if (s := status_on(r, today)).is_upcoming]
    return sorted(found, key=lambda pair: (_upcoming_date(pair[1]), pair[0].doc_id))


def _upcoming_date(status: CallStatus) -> date:
    if status.next_deadline is not None:
        return status.next_deadline.date
    return status.opens or date.max


def specific_records(records: Iterable[CallRecord], today: date) -> list[CallRecord]:
    """The records without those that only repeat a narrower record of the same call for the deadline that
    matters on ``today`` (a whole topic beside its cut-off): the narrower one knows as much or more (its opening
    date) and says nothing about other rounds."""
    records = list(records)
    kept = []
    for record in records:
        key = _relevant_date(record, today)
        covered = key is not None and any(
            other is not record and _narrower(other, record) and key in {d.date for d in other.deadlines}
            for other in records
        )
        if not covered:
            kept.append(record)
    return kept


def _relevant_date(record: CallRecord, today: date) -> date | None:
    status = status_on(record, today)
    deadline = status.next_deadline or status.last_deadline
    return deadline.date if deadline else None


def _narrower(other: CallRecord, record: CallRecord) -> bool:
    if not set(other.call_ids) & set(record.call_ids):
        return False
    mine, theirs = {d.date for d in record.deadlines}, {d.date for d in other.deadlines}
    if not theirs or not theirs <= mine:
        return False
    return len(theirs) < len(mine) or (other.opens is not None and record.opens is None)


def _when(deadline: Deadline) -> str:
    return f"{format_date(deadline.date)}{_stage_phrase(deadline)}"


def _series(deadlines: Sequence[Deadline]) -> str:
    parts = [_when(d) for d in deadlines]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


_PLURAL_SUBJECT = re.compile(r"\b(?:calls|cut-offs|rounds|schemes)$", re.IGNORECASE)
_PLURAL_FORMS = (
    (r"^is\b", "are"),
    (r"^has\b", "have"),
    (r"\bits\b", "their"),
    (r"\bit opens\b", "they open"),
    (r"\bso it may\b", "so they may"),
)


def status_sentence(record: CallRecord, status: CallStatus) -> tuple[str, tuple[date, ...]]:
    """The call named and its status, the verb agreeing with the name ("The S3FOOD voucher calls are closed")."""
    clause, dates = status_clause(record, status)
    if not clause:
        return "", ()
    name = record.short_name
    if _PLURAL_SUBJECT.search(name):
        for singular, plural in _PLURAL_FORMS:
            clause = re.sub(singular, plural, clause)
    return f"{name} {clause}", dates


def status_clause(record: CallRecord, status: CallStatus) -> tuple[str, tuple[date, ...]]:
    """The status as the predicate of a sentence that names the call ("is open until 8 September 2020 (second
    stage)"), with the dates it states; ("", ()) when the sources give no date to state it with."""
    ahead = [d for d in record.deadlines if d.date >= status.today]
    previous = status.last_deadline
    state = status.state
    if state is CallState.CLOSED and previous is not None:
        stage = f" ({previous.label})" if previous.label else ""
        return f"is closed: its last deadline{stage} was {format_date(previous.date)}", (previous.date,)
    if state is CallState.NOT_YET_OPEN and status.opens is not None:
        text = f"is not yet open: it opens on {format_date(status.opens)}"
        if ahead:
            text += f", with {'a deadline' if len(ahead) == 1 else 'deadlines'} on {_series(ahead)}"
        return text, (status.opens, *(d.date for d in ahead))
    if not ahead:
        return "", ()
    dates = tuple(d.date for d in ahead)
    if state is CallState.OPEN:
        if len(ahead) == 1:
            text = f"is open until {_when(ahead[0])}"
        else:
            text = f"is open: next deadline {_when(ahead[0])}, then {_series(ahead[1:])}"
        return text + (" (today is the deadline)" if ahead[0].date == status.today else ""), dates
    if state is CallState.BETWEEN_STAGES and previous is not None:
        text = (
            f"is between stages: the deadline of {_when(previous)} has passed; next deadline {_series(ahead)}"
        )
        return text, (previous.date, *dates)
    if state is CallState.DEADLINE_AHEAD:
        if previous is not None:
            text = (
                f"has its next deadline on {_series(ahead)}; the deadline of {_when(previous)} has passed, and "
                "the sources do not say when the next round opens"
            )
            return text, (previous.date, *dates)
        text = (
            f"has a deadline ahead on {_series(ahead)}, but the sources do not give its opening date, so it may "
            "not be open yet"
        )
        return text, dates
    return "", ()


# --- which calls a text mentions ------------------------------------------------------------------------------

_ID_MENTION = re.compile(
    r"(?<![\w-])(?P<prefix>[A-Za-z]{3,})[-_ ]?0*(?P<num>\d{1,2})(?P<years>(?:[-_ /]\d{4})*)(?![\w]|-\d)"
)


# "INNOSUP-1 in 2020", "INNOSUP-1, 2016 cut-off": a year right after a topic narrows it to that year's calls.
_NEAR_YEAR = re.compile(r"[\s,]*(?:in|of|for|from|the)?\s*((?:19|20)\d{2})\b", re.IGNORECASE)


def _parts(call_id: str) -> list[str]:
    """An id as comparable parts: case, separators and leading zeros do not matter ("INNOSUP-01" = "innosup 1")."""
    return [p.lstrip("0") or "0" if p.isdigit() else p for p in re.findall(r"[a-z]+|\d+", call_id.lower())]


def _id_pattern(call_id: str) -> re.Pattern[str] | None:
    parts = _parts(call_id)
    if len(parts) < 2:
        return None
    pieces = [rf"0*{p}" if p.isdigit() else re.escape(p) for p in parts]
    return re.compile(r"(?<![\w])" + r"[-_ /.]?".join(pieces) + r"(?![\w]|[-_ /]\d)", re.IGNORECASE)


def _family(call_id: str) -> tuple[str, str, tuple[int, ...]] | None:
    """("innosup", "1", (2018, 2020)) for INNOSUP-01-2018-2020: the topic, and the years it spans."""
    match = re.fullmatch(r"([A-Za-z]+)-0*(\d{1,2})((?:-\d{4})*)", call_id.strip())
    if not match:
        return None
    years = tuple(int(y) for y in re.findall(r"\d{4}", match.group(3)))
    return match.group(1).lower(), match.group(2), years


def _names(record: CallRecord) -> set[str]:
    """Project and scheme names in the title ("KATANA", "Cross4Health", "DIGI-B-CUBE", "DigiBCube")."""
    names = set()
    for token in re.findall(r"[\w][\w.&-]*[\w]|\w", record.title):
        if re.search(r"-\d+(?:-|$)", token) and re.search(r"\d{4}|^[A-Z]+-\d", token):
            continue  # a call id; ids are matched separately
        inner_caps = sum(c.isupper() for c in token[1:])
        has_digit = any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
        if inner_caps >= 1 or has_digit or f"({token})" in record.title:
            key = _squash(token)
            if len(key) >= 4 and key not in _GENERIC_NAMES:
                names.add(key)
    return names


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def find_calls(records: Iterable[CallRecord], text: str) -> list[CallRecord]:
    """The calls a question or passage names, best match first.

    A full call id matches in any spelling ("INNOSUP-1-2016-2017" = "INNOSUP-01-2016-2017"); a topic without
    years ("INNOSUP-1") matches every call of that topic; a topic with a year ("INNOSUP-1 2020") matches the calls
    whose years span it; a project or scheme name in a call's title ("KATANA", "DigiBCube") matches that call.
    """
    records = list(records)
    mentions = list(_ID_MENTION.finditer(text))
    words = {_squash(w) for w in re.findall(r"[\w][\w.&-]*[\w]|\w", text)}
    squashed = _squash(text)
    said_ordinals = _ordinals(text)
    scored: list[tuple[float, int, int, CallRecord]] = []
    for order, record in enumerate(records):
        matches = [*_id_matches(record, text, mentions)]
        bonus = 0.25 if said_ordinals & _ordinals(" ".join([record.title, *record.call_ids])) else 0.0
        matches += [(3.0 + bonus, max(squashed.find(name), 0)) for name in _names(record) if name in words]
        if matches:
            strength, position = max(matches, key=lambda m: (m[0], -m[1]))
            scored.append((-strength, position, order, record))
    return [record for *_, record in sorted(scored, key=lambda item: item[:3])]


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _ordinals(text: str) -> set[int]:
    """Which call of a series a text names ("second open call", "2nd Open Call"), to pick among a project's calls."""
    found = {_ORDINALS[w] for w in re.findall(r"[a-z0-9]+", text.lower()) if w in _ORDINALS}
    found |= {int(n) for n in re.findall(r"\b(?:call|round)\s+(\d)\b", text, re.IGNORECASE)}
    found |= {len(r) for r in re.findall(r"\bcall\s+(I{1,3})\b", text)}
    return found


def _id_matches(record: CallRecord, text: str, mentions: list[re.Match[str]]) -> Iterable[tuple[float, int]]:
    """(strength, position) of each way ``text`` names one of the record's ids.

    A record whose title carries the id is the call itself rather than a project call under it, so it ranks first.
    """
    for rank, call_id in enumerate(record.call_ids):
        pattern = _id_pattern(call_id)
        own = 1.0 if pattern and pattern.search(record.title) else 0.0
        exact = pattern.search(text) if pattern else None
        if exact:
            yield (4.0 if rank == 0 else 3.0) + own, exact.start()
            continue
        family = _family(call_id)
        if family is None:
            continue
        for mention in mentions:
            if (mention.group("prefix").lower(), mention.group("num").lstrip("0") or "0") != family[:2]:
                continue
            said = [int(y) for y in re.findall(r"\d{4}", mention.group("years"))]
            if not said and (near := _NEAR_YEAR.match(text, mention.end())):
                said = [int(near.group(1))]
            years = family[2]
            if not said:
                yield 1.0 + own / 2, mention.start()
            elif years and all(min(years) <= y <= max(years) for y in said):
                yield 2.0 + own / 2, mention.start()
