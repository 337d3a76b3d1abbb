"""Does a text state a key fact? Case-insensitive matching after normalising how numbers and money are written.

Both sides go through the same ``normalise``: NFKC, casefold, one space for any run of whitespace, dashes and quotes
unified, citation markers like ``[2]`` and Markdown emphasis dropped, thousands separators removed
(``60,000`` = ``60.000`` = ``60 000`` = ``60000``, but only when the separator sits before exactly three digits, so
``25.15`` and ``2,5`` stay decimals), ``€``/``euro(s)`` written as ``eur`` before the amount (``60 000 EUR`` =
``€60,000`` = ``EUR 60,000``) and ``75 %`` = ``75%`` = ``75 percent``.

An alternative matches as a substring, except that a number may not run on (``18`` does not match inside ``2018``
nor ``5`` inside ``5.5``) and a short word may not start inside another: an alternative of at most 4 characters
must start a word (``once`` is not in ``concerned``) and one of at most 2 must be a whole word (``IT`` is not in
``with`` nor ``its``). Otherwise letters may run on, so ``SME`` matches ``SMEs`` and ``intermediar`` matches
``intermediaries``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

SHORT_WORD = 4  # alternatives this short must start a word
WHOLE_WORD = 2  # and this short must be a whole word
_CITATION = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_EMPHASIS = re.compile(r"[*`]+")
_DASHES = re.compile(r"[‐‑‒–—―−]")
_SINGLE_QUOTES = re.compile(r"[‘’ʼ′]")
_DOUBLE_QUOTES = re.compile(r"[“”„«»″]")
_SPACES = re.compile(r"\s+")
# A digit group of 1-3 digits, then the same separator before each further group of exactly three digits.
_THOUSANDS = re.compile(r"(?<!\d)(?<!\d[.,])(\d{1,3})([,. '])(\d{3}(?:\2\d{3})*)(?!\d)")
_EURO_SIGN = re.compile(r"\s*€\s*")
_EURO_WORD_BEFORE = re.compile(r"\beuros?\s*(?=\d)")
_EURO_WORD_AFTER = re.compile(r"(\d)\s*euros?\b")
_EUR_GLUED = re.compile(r"\beur(?=\d)")
_AMOUNT_THEN_EUR = re.compile(r"(\d[\d.,]*)\s*\beur\b")
_PERCENT = re.compile(r"(\d)\s*(?:%|per ?cent\b)")


class Normalised(str):
    """Text already through ``normalise``: chunk texts are normalised once and matched against many facts."""


def _drop_thousands(match: re.Match[str]) -> str:
    return match.group(1) + match.group(3).replace(match.group(2), "")


def normalise(text: str) -> Normalised:
    """The form both expected strings and answers are compared in (see the module docstring)."""
    if isinstance(text, Normalised):
        return text
    out = unicodedata.normalize("NFKC", text).casefold()
    out = _CITATION.sub(" ", out)
    out = _EMPHASIS.sub("", out)
    out = _DASHES.sub("-", out)
    out = _SINGLE_QUOTES.sub("'", out)
    out = _DOUBLE_QUOTES.sub('"', out)
    out = _SPACES.sub(" ", out)
    out = _THOUSANDS.sub(_drop_thousands, out)
    out = _EURO_SIGN.sub(" eur ", out)
    out = _EURO_WORD_BEFORE.sub("eur ", out)
    out = _EURO_WORD_AFTER.sub(r"\1 eur", out)
    out = _EUR_GLUED.sub("eur ", out)
    out = _AMOUNT_THEN_EUR.sub(r"eur \1", out)
    out = _PERCENT.sub(r"\1%", out)
    return Normalised(_SPACES.sub(" ", out).strip())


@lru_cache(maxsize=8192)
def _pattern(alternative: str) -> re.Pattern[str] | None:
    norm = normalise(alternative)
    if not norm:
        return None
    head = tail = ""
    if norm[0].isdigit():
        head = r"(?<!\d)(?<!\d[.,])"
    elif norm[0].isalpha() and len(norm) <= SHORT_WORD:
        head = r"(?<!\w)"
    if norm[-1].isdigit():
        tail = r"(?!\d)(?![.,]\d)"
    elif norm[-1].isalpha() and len(norm) <= WHOLE_WORD:
        tail = r"(?!\w)"
    return re.compile(head + re.escape(norm) + tail)


def alternative_matched(alternative: str, text: str) -> bool:
    pattern = _pattern(alternative)
    return pattern is not None and pattern.search(normalise(text)) is not None


def group_matched(group: Sequence[str], text: str) -> bool:
    """At least one alternative of one inner list of ``must_include`` is in the text."""
    norm = normalise(text)
    return any(alternative_matched(a, norm) for a in group)


def all_matched(groups: Sequence[Sequence[str]], text: str) -> bool:
    """Every inner list is matched: the text states every key fact. Vacuously true for no lists."""
    norm = normalise(text)
    return all(group_matched(g, norm) for g in groups)


def group_hits(groups: Sequence[Sequence[str]], texts: Sequence[str]) -> list[list[bool]]:
    """hits[i][g]: whether text i matches inner list g, each text normalised once."""
    normed = [normalise(t) for t in texts]
    return [[group_matched(g, t) for g in groups] for t in normed]
