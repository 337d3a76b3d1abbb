"""Text clean-up shared by every loader: what the index holds is plain, visible, NFKC text."""

from __future__ import annotations

import re
import unicodedata

# Zero-width, bidi controls, soft hyphen, BOM and the Unicode tag block: invisible, and a way to smuggle text.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-ÿ])-\n[ \t]*(?=[a-zà-ÿ])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def normalise_text(text: str) -> str:
    """NFKC, without invisible or control characters, with hyphenated line breaks joined and spaces collapsed."""
    text = _SURROGATES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _HYPHEN_BREAK.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def normalise_inline(text: str) -> str:
    """One line: like ``normalise_text`` with every line break turned into a space."""
    return " ".join(normalise_text(text).split())
