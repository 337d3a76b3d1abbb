"""Sentence splitting that survives the abbreviations and decimals of funding texts (e.g., Art. 23.7, EUR 1.25)."""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "art",
    "arts",
    "no",
    "nos",
    "vs",
    "cf",
    "approx",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "p",
    "pp",
    "ca",
    "incl",
    "excl",
    "min",
    "max",
    "fig",
    "sec",
    "vol",
    "ed",
    "eds",
    "co",
    "ltd",
    "inc",
    "corp",
    "gmbh",
    "sp",
    "z.o.o",
    "u.a",
    "z.b",
    "bzw",
    "ggf",
    "ok",
    "mio",
    "mln",
    "mld",
    "tys",
    "nr",
}

# A sentence ends at . ! ? (and a closing quote/bracket) followed by space and an opening capital, digit or quote.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ÖØ-ÞĀ-ſ0-9])")
_LINE_BREAK = re.compile(r"\n+")


def _ends_with_abbreviation(text: str) -> bool:
    # The last word, without a regex: r"(\S+)\.$" is quadratic on a long run without spaces (a URL, token soup).
    if not text.endswith("."):
        return False
    last = text.rsplit(None, 1)[-1][:-1]
    if not last:
        return False
    word = last.lower().lstrip("(\"'")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[str]:
    """Sentences in order; list items and lines without final punctuation stay sentences of their own."""
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text):
        line = line.strip()
        if not line:
            continue
        parts = _BOUNDARY.split(line)
        buffer = ""
        for part in parts:
            buffer = f"{buffer} {part}".strip() if buffer else part.strip()
            if not _ends_with_abbreviation(buffer):
                sentences.append(buffer)
                buffer = ""
        if buffer:
            sentences.append(buffer)
    return [s for s in sentences if s]
