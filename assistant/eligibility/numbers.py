"""Quantities as people write them in a chat: "40 FTE", "€8m", "8 Mio. EUR", "8 mln zł", "bilan de 5 millions d'euros".

The SME ceilings compare figures in euro, so a figure is kept with the currency it was written in and is never
converted; a figure in another currency is reported as such. Which figure is the turnover and which the balance
sheet is told from the keywords next to it, in English, French, German, Polish, Spanish and Italian.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Money",
    "Quantity",
    "find_quantities",
    "format_count",
    "format_eur",
    "format_money",
    "parse_headcount",
    "parse_money",
    "parse_number",
]

NUMBER = r"(?<![\w.,])(?:\d{1,3}(?:[ \u00a0\u202f'.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)"

_MULTIPLIERS: tuple[tuple[str, float], ...] = (
    (r"billions?|bn|mrd\.?|mld\.?|miliard\w*|milliard\w*", 1e9),
    (
        r"millions?|millionen|million[ea]|millones|millón|mill[oó]n|milioni|milione|milion\w*|mio\.?|mln\.?|"
        r"mn|m\.?|mm",
        1e6,
    ),
    (r"thousands?|tausend|tsd\.?|tys\.?|tysi\w*|mila|mille|k", 1e3),
)
MULTIPLIER = "|".join(f"(?:{pattern})" for pattern, _ in _MULTIPLIERS)

_CURRENCIES: tuple[tuple[str, str], ...] = (
    ("EUR", r"eur(?:os?)?|€|euro"),
    ("PLN", r"pln|zł|zl|złotych|zlotych|złote|złoty|zloty|zlotys"),
    ("GBP", r"gbp|£|pounds?(?:\s+sterling)?"),
    ("USD", r"usd|us\$|\$|dollars?"),
    ("CHF", r"chf|swiss\s+francs?|francs?\s+suisses?|franken"),
    ("SEK", r"sek"),
    ("NOK", r"nok"),
    ("DKK", r"dkk"),
    ("CZK", r"czk|kč"),
    ("HUF", r"huf|forints?"),
    ("RON", r"ron|lei"),
    ("BGN", r"bgn|leva"),
)
CURRENCY = "|".join(f"(?:{pattern})" for _, pattern in _CURRENCIES)

_END = r"(?!\w)"
_MONEY = re.compile(
    rf"(?:(?<![a-z])(?P<pre>{CURRENCY})\s*)?"
    rf"(?P<num>{NUMBER})"
    rf"(?:\s*-?\s*(?P<mult>{MULTIPLIER}){_END})?"
    rf"(?:\s*(?:d['’]\s*|de\s+|di\s+)?(?P<post>{CURRENCY}){_END})?",
    re.IGNORECASE,
)

_PEOPLE_NOUNS = (
    r"staff(?:\s+members)?|employees?|people|persons?|workers|FTEs?|full[- ]time\s+equivalents?|AWUs?|"
    r"annual\s+work\s+units?|team\s+members|headcount|"
    r"salari[ée]s|employ[ée]s|personnes|collaborateurs|ETP|"
    r"Mitarbeiter(?:innen)?|Mitarbeitende[n]?|Besch[äa]ftigte[n]?|Angestellte[n]?|Personen|Arbeitnehmer|VZ[ÄA]|"
    r"pracownik[óo]w|pracownicy|os[óo]b|osoby|etat[óo]w|zatrudnionych|"
    r"empleados|trabajadores|personas|"
    r"dipendenti|addetti|persone|lavoratori|collaboratori"
)
_PEOPLE_ADJ = (
    r"(?:(?:full[- ]time|part[- ]time|permanent|regular|paid|stałych|stalych|etatowych|"
    r"festangestellte[n]?|fest\s+angestellte[n]?)\s+)?"
)
_HEADCOUNT_AFTER = re.compile(
    rf"(?P<num>{NUMBER})\s*-?\s*{_PEOPLE_ADJ}(?:{_PEOPLE_NOUNS}){_END}", re.IGNORECASE
)
_HEADCOUNT_BEFORE = re.compile(
    r"(?:staff|headcount|team|workforce|effectif|plantilla|organico|Belegschaft|zesp[óo]ł|"
    r"employ(?:s|ing)?|zatrudnia(?:my|j[aą])?|besch[äa]ftig(?:en|t)|emploi(?:e|ons|ent)|empleamos|impieghiamo)"
    r"(?:\s+(?:size|count))?\s*(?:of|de|di|von|is|was|:|=)?\s*"
    r"(?:about|around|approximately|roughly|some|ca\.?|circa|environ|około|okolo|etwa|rund|unos|cerca\s+de|a)?\s*"
    rf"(?P<num>{NUMBER})(?!\s*(?:%|{MULTIPLIER}{_END}|{CURRENCY}))",
    re.IGNORECASE,
)
_HEADCOUNT_LABEL = re.compile(
    rf"(?:number\s+of\s+|liczba\s+|nombre\s+de\s+|n[úu]mero\s+de\s+|numero\s+di\s+|anzahl\s+(?:der\s+)?)?"
    rf"(?:{_PEOPLE_NOUNS}|mitarbeiterzahl|besch[äa]ftigtenzahl)\s*(?::|=|-|–)?\s*(?P<num>{NUMBER})"
    rf"(?!\s*(?:%|{MULTIPLIER}{_END}|{CURRENCY}|[.,]\d))",
    re.IGNORECASE,
)
_HEADCOUNT_ORDINAL = re.compile(  # "we just hired our 50th employee": the headcount is now 50
    r"(?P<num>\d{1,6})(?:st|nd|rd|th)\s+(?:full[- ]time\s+|new\s+)?"
    r"(?:employee|staff\s+member|hire|worker|team\s+member|person)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?P<num>{NUMBER})\s*(?:%|percent|per\s*cent|prozent|procent\w*|por\s+ciento|per\s+cento|pour\s*cent)",
    re.IGNORECASE,
)

ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "turnover": re.compile(
        r"(?:annual\s+)?turnover|revenues?|sales|chiffre\s+d['’]\s*affaires|\w*umsatz\w*|umsatzerl[öo]se|"
        r"obr[óo]t\w*|obroty|przych[óo]d\w*|facturaci[óo]n|facturamos|volumen\s+de\s+negocios?|ventas|"
        r"ingresos|fatturato|ricavi",
        re.IGNORECASE,
    ),
    "balance_sheet": re.compile(
        r"balance[- ]sheets?(?:\s+total)?|total\s+assets|total\s+du\s+bilan|bilan\w*|bilanzsumme|bilanz|"
        r"sum[aęy]\s+bilansow\w+|bilans\w*|balance\s+general|balance|activo\s+total|activos|"
        r"totale\s+di\s+bilancio|bilancio|attivo",
        re.IGNORECASE,
    ),
    "investment": re.compile(
        r"invest\w*|inwest\w*|investiss\w*|inversi[óo]n\w*|invirti\w*|investimento|beteiligung\w*",
        re.IGNORECASE,
    ),
}
_YEAR = re.compile(r"(?:19|20)\d{2}")
_SEPARATOR = re.compile(r"[,;.()]|\s(?:and|et|und|i|y|e|oraz|while|but)\s", re.IGNORECASE)
_ROLE_REACH = 60


@dataclass(frozen=True)
class Money:
    """An amount as written: never converted, so a figure in zloty stays in zloty."""

    amount: float
    currency: str | None = "EUR"

    @property
    def eur(self) -> float | None:
        return self.amount if self.currency == "EUR" else None


@dataclass(frozen=True)
class Quantity:
    """A figure found in free text, where it was, and what the words around it say it measures."""

    kind: str  # "money" | "headcount" | "percent"
    value: float
    start: int
    end: int
    text: str
    currency: str | None = None
    role: str | None = None  # for money: "turnover" | "balance_sheet" | "investment" | None


def parse_number(text: str, *, decimal_hint: bool = False) -> float | None:
    """Read one written number: "8 000 000", "8.000.000", "8,000,000", "8,5", "8.5", "1,25".

    A single separator followed by exactly three digits is a thousands separator ("12,000", "1.250") unless
    ``decimal_hint`` says a multiplier follows ("1,250 million"), where it can only be a decimal mark.
    """
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("'", " ")
    if not re.fullmatch(r"\d[\d ,.]*", s):
        return None
    s = s.replace(" ", "")
    seps = [c for c in s if c in ".,"]
    if not seps:
        return float(s)
    if len(seps) == 1:
        head, tail = re.split(r"[.,]", s)
        if len(tail) == 3 and not decimal_hint:
            return float(head + tail)
        return float(f"{head}.{tail}")
    last = max(s.rfind("."), s.rfind(","))
    if len(set(seps)) == 1:
        return float(s.replace(seps[0], ""))
    integer, fraction = s[:last], s[last + 1 :]
    return float(re.sub(r"[.,]", "", integer) + "." + fraction)


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    for code, pattern in _CURRENCIES:
        if re.fullmatch(pattern, token.strip(), re.IGNORECASE):
            return code
    return None


def _multiplier(token: str | None) -> float:
    if not token:
        return 1.0
    for pattern, factor in _MULTIPLIERS:
        if re.fullmatch(pattern, token.strip(), re.IGNORECASE):
            return factor
    return 1.0


def _money_value(match: re.Match[str]) -> float | None:
    mult = match.group("mult")
    number = parse_number(match.group("num"), decimal_hint=bool(mult))
    return None if number is None else number * _multiplier(mult)


def parse_money(text: str, default_currency: str | None = None) -> Money | None:
    """The first amount in a form field or phrase; ``default_currency`` applies when none is written."""
    for match in _MONEY.finditer(text or ""):
        value = _money_value(match)
        if value is None:
            continue
        currency = _currency(match.group("pre")) or _currency(match.group("post")) or default_currency
        return Money(value, currency)
    return None


def parse_headcount(text: str | float | int | None) -> float | None:
    """A headcount from a form field: 40, "40", "40 FTE", "12,5"."""
    if text is None or text == "":
        return None
    if isinstance(text, int | float):
        return float(text)
    match = re.search(NUMBER, text)
    if not match:
        return None
    return parse_number(match.group(0), decimal_hint=bool(re.search(r"\d[.,]\d{1,2}(?!\d)", text)))


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_quantities(text: str) -> list[Quantity]:
    """Every headcount, amount of money and percentage in ``text``, in reading order.

    A bare number ("we are 40") is not a quantity; a number with a multiplier but no currency ("turnover of 12m")
    is money with ``currency=None`` when a turnover or balance-sheet keyword sits next to it.
    """
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for match in _PERCENT.finditer(text):
        value = parse_number(match.group("num"), decimal_hint=True)
        if value is not None:
            found.append(Quantity("percent", value, match.start(), match.end(), match.group(0)))
            taken.append(match.span())
    for pattern in (_HEADCOUNT_ORDINAL, _HEADCOUNT_AFTER, _HEADCOUNT_BEFORE, _HEADCOUNT_LABEL):
        for match in pattern.finditer(text):
            span = match.span("num")
            if _overlaps(*span, taken):
                continue
            value = parse_number(
                match.group("num"), decimal_hint=bool(re.search(r"[.,]\d{1,2}$", match["num"]))
            )
            if value is not None:
                found.append(Quantity("headcount", value, match.start(), match.end(), match.group(0)))
                taken.append(span)
    money: list[tuple[Quantity, bool]] = []
    for match in _MONEY.finditer(text):
        if _overlaps(*match.span("num"), taken):
            continue
        value = _money_value(match)
        if value is None:
            continue
        currency = _currency(match.group("pre")) or _currency(match.group("post"))
        explicit = currency is not None or match.group("mult") is not None
        if not explicit and _YEAR.fullmatch(match.group("num")):
            continue
        start, end = match.start(), len(text[: match.end()].rstrip())
        money.append((Quantity("money", value, start, end, text[start:end], currency=currency), explicit))
    roles = _assign_roles(text, money)
    for (item, explicit), role in zip(money, roles, strict=True):
        if not explicit and (role not in ("turnover", "balance_sheet") or item.value < 1000):
            continue
        found.append(
            Quantity(
                item.kind, item.value, item.start, item.end, item.text, currency=item.currency, role=role
            )
        )
    found.sort(key=lambda q: q.start)
    return found


def _assign_roles(text: str, money: list[tuple[Quantity, bool]]) -> list[str | None]:
    """The role of each amount, named by the keyword it is most tightly bound to in the same clause.

    A keyword between two amounts goes to the one it is more tightly bound to: "turnover of EUR 8 million and
    balance sheet of EUR 5 million" gives "balance sheet" to the second amount, because "and" separates it from
    the first. Only written amounts (with a currency or a multiplier) stand between a keyword and a bare number.
    """
    spans = [(item.start, item.end) for item, _ in money]
    solid = [(item.start, item.end) for item, explicit in money if explicit]
    best: dict[int, tuple[int, str]] = {}
    for role, pattern in ROLE_PATTERNS.items():
        for kw in pattern.finditer(text):
            if _overlaps(kw.start(), kw.end(), spans):
                continue
            candidates: list[tuple[int, int]] = []
            for index, (start, end) in enumerate(spans):
                lo, hi = (kw.end(), start) if kw.end() <= start else (end, kw.start())
                if lo > hi:
                    continue
                gap = text[lo:hi]
                if len(gap) > _ROLE_REACH or re.search(r"[.!?;](?:\s|$)", gap):
                    continue
                if any(lo <= s and e <= hi for s, e in solid):
                    continue
                candidates.append((len(gap) + (30 if _SEPARATOR.search(gap) else 0), index))
            if candidates:
                score, index = min(candidates)
                if index not in best or score < best[index][0]:
                    best[index] = (score, role)
    return [best[i][1] if i in best else None for i in range(len(money))]


def _trim(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def format_count(value: float) -> str:
    """A headcount as the corpus writes it: 40, 12.5."""
    return f"{value:,.0f}" if value == int(value) else _trim(value)


def format_money(amount: float, currency: str | None = "EUR") -> str:
    """An amount in the corpus style: "EUR 60,000", "EUR 1,100", "EUR 8 million", "EUR 1.25 million"."""
    prefix = f"{currency} " if currency else ""
    if abs(amount) >= 1e9 and (amount / 1e9) * 100 == int((amount / 1e9) * 100):
        return f"{prefix}{_trim(amount / 1e9)} billion"
    if abs(amount) >= 1e6 and round(amount / 1e6, 2) * 1e6 == round(amount):
        return f"{prefix}{_trim(amount / 1e6)} million"
    if amount == int(amount):
        return f"{prefix}{amount:,.0f}"
    return f"{prefix}{amount:,.2f}"


def format_eur(amount: float) -> str:
    return format_money(amount, "EUR")
