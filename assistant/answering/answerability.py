"""Whether the best sentences found answer the question asked, or only a neighbouring one.

The hardest questions to refuse share almost every word with the documents: the 2019 budget when only the
2020 one is published, Horizon Europe's rule when the sources state Horizon 2020's, an amount per SME that a
project page never gives. Retrieval scores them high, so a threshold cannot tell them apart; these checks
compare what the question pins down (a year, a programme, a figure) with what the best sentence states.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.extractive import (
    MONEY,
    NUMBER,
    Scored,
    answer_type,
    is_gap_statement,
    question_parts,
)

# A year standing on its own: not the tail of an identifier such as INNOSUP-01-2018-2020.
STANDALONE_YEAR = re.compile(r"(?<![\w-])(?:19[89]\d|20\d\d)(?![\w-])")

# EU programmes an SME may confuse with one another, with the short forms people write.
_PROGRAMMES = {
    "horizon europe": "Horizon Europe",
    "horizon 2020": "Horizon 2020",
    "h2020": "Horizon 2020",
    "fp7": "FP7",
    "seventh framework programme": "FP7",
    "cosme": "COSME",
    "single market programme": "Single Market Programme",
    "interreg": "Interreg",
    "erasmus+": "Erasmus+",
    "erasmus for young entrepreneurs": "Erasmus for Young Entrepreneurs",
    "digital europe programme": "Digital Europe",
    "erdf": "ERDF",
    "european regional development fund": "ERDF",
    "investeu": "InvestEU",
    "life programme": "LIFE",
    "eureka": "Eureka",
    "eurostars": "Eurostars",
}
_PROGRAMME = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(k) for k in sorted(_PROGRAMMES, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)

_PERSONAL_DATA = re.compile(
    r"\b(?:(?:personal|private|home|mobile|cell(?:ular)?)\s+(?:phone|telephone|mobile|number|e-?mail|address)"
    r"|(?:phone|mobile|telephone|whatsapp)\s+number|home address|date of birth|passport number)\b"
    r"|\b(?:numéro de (?:portable|téléphone)|handynummer|telefonnummer|privatadresse|numer telefonu"
    r"|número de (?:móvil|teléfono|celular)|numero di (?:cellulare|telefono))\b",
    re.IGNORECASE,
)

# Words that ask for money itself, not for a "maximum" length or a "limit" of partners.
_ASKS_MONEY = re.compile(
    r"\b(?:how much (?:money|funding|does|do|did|is|was|will|can|could|would)|budget|fees?|charges?|costs?|"
    r"price|paid|pays?|worth|lump sums?|grants?)\b",
    re.IGNORECASE,
)

_LEGAL_ACTION = re.compile(
    r"\b(?:sue|suing|lawsuit|litigat\w*|legal\s+action|take\s+\w+\s+to\s+court|which\s+court|"
    r"verklagen|klagen|poursuivre\s+en\s+justice|pozwa\w*|demandar)\b",
    re.IGNORECASE,
)

REASONS = {
    "gap": "the documents say this detail is not published",
    "other_year": "the passages found speak of another year",
    "other_programme": "the passages found speak of another programme",
    "no_figure": "the question asks for a figure that no passage found gives",
    "personal_data": "the question asks for someone's personal contact details",
    "legal_advice": "the question asks for advice on a legal dispute",
}


def programmes(text: str) -> set[str]:
    return {_PROGRAMMES[m.lower()] for m in _PROGRAMME.findall(text)}


def asks_for_personal_data(question: str) -> bool:
    """A private phone number or address is never ours to give, whatever the documents hold."""
    return bool(_PERSONAL_DATA.search(question))


def asks_only_for_figures(question: str) -> bool:
    """Every part of the question asks for a date, an amount or a count ("how big was it and who led it?"
    also asks for a name, which a sentence without a figure can answer)."""
    return all(answer_type(part) is not None for part in question_parts(question))


def asks_only_for_money(question: str) -> bool:
    """Every part asks for an amount ("How much does an audit cost?"): a count or a duration does not answer it."""
    return bool(_ASKS_MONEY.search(question)) and all(
        answer_type(part) == "money" for part in question_parts(question)
    )


def asks_for_legal_action(question: str) -> bool:
    """Whether to sue a partner, and where, is a lawyer's call: the documents state rules, not case advice."""
    return bool(_LEGAL_ACTION.search(question))


def unanswered(
    question: str, scored: Sequence[Scored], language: str = "en", follow_up: bool = False
) -> str | None:
    """The key of ``REASONS`` when the best sentences answer a neighbouring question; None when they may not.
    A follow-up ("and the second call?") names too little of its own for the word-level checks."""
    answering = [s for s in scored if not is_gap_statement(s.sentence)]
    if not answering:
        return None
    best = answering[0]
    english = language == "en" and not follow_up
    if english and any(
        is_gap_statement(s.sentence)
        and (
            (s is scored[0] and s.lexical >= best.lexical)
            or (s.score >= best.score - 0.05 and s.lexical > best.lexical)
        )
        for s in scored[:3]
    ):
        return "gap"  # a sentence as close as the best says the detail is not published, and fits it better
    asked_years = set(STANDALONE_YEAR.findall(question))
    stated_years = set(STANDALONE_YEAR.findall(best.sentence))
    if asked_years and stated_years and not asked_years & stated_years:
        return "other_year"
    asked, stated = programmes(question), programmes(best.sentence)
    if asked and stated and not asked & stated:
        return "other_programme"
    if english and asks_only_for_figures(question) and not NUMBER.search(best.sentence):
        return "no_figure"
    if english and asks_only_for_money(question) and not any(MONEY.search(s.sentence) for s in answering[:3]):
        return "no_figure"
    return None
