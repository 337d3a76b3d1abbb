"""What a company told us about itself, from a chat message or from a form.

Free text is read conservatively: a figure becomes the turnover or the balance sheet only when a keyword says so,
an amount in another currency stays in that currency, and anything that cannot be told apart is reported back
(``unclear``) instead of guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.eligibility.countries import Country, find_countries, lookup_country
from assistant.eligibility.numbers import (
    Money,
    Quantity,
    find_quantities,
    format_money,
    parse_headcount,
    parse_money,
)
from assistant.eligibility.sme import EXEMPT_INVESTORS, Holding

__all__ = [
    "SCHEMES",
    "CompanyProfile",
    "Partner",
    "detect_eligibility_question",
    "detect_scheme",
    "normalise_scheme",
    "parse_profile",
]

SCHEMES = ("innosup-1", "clusterxchange")
_SCHEME_WORDS = {
    "innosup-1": re.compile(
        r"innosup|horizon\s*2020|\bh2020\b|cascade|\bfstp\b|open\s+calls?|financial\s+support\s+to\s+third|"
        r"appels?\s+ouverts?|offene[nr]?\s+(?:aufruf|ausschreibung)|otwart\w*\s+nab[oó]r|convocatoria\s+abierta|"
        r"bando\s+aperto",
        re.IGNORECASE,
    ),
    "clusterxchange": re.compile(r"cluster\s*x\s*change|\bcxc\b|\bcosme\b|exchange\s+visit", re.IGNORECASE),
}


@dataclass
class Partner:
    """A consortium member other than the applicant."""

    name: str
    country: str | None  # ISO code
    independent: bool | None = None


@dataclass
class CompanyProfile:
    """The facts the self-check needs; any of them may be unknown (None)."""

    headcount: float | None = None  # staff headcount
    turnover: Money | None = None  # annual turnover, in the currency given
    balance_sheet: Money | None = None  # annual balance-sheet total, in the currency given
    country: str | None = None  # ISO code of the country where the company is established
    holdings: list[Holding] = field(default_factory=list)
    ownership_stated: bool = False  # the company said something about its owners (e.g. "independent")
    partners: list[Partner] = field(default_factory=list)
    cluster_member: bool | None = None
    scheme: str | None = None
    notes: list[str] = field(default_factory=list)  # how the text was read, for the user to correct
    unclear: list[str] = field(default_factory=list)  # figures whose meaning could not be told

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> CompanyProfile:
        """From a web form or JSON body.

        Keys (all optional): headcount, turnover, balance_sheet (numbers or text such as "8 Mio"), currency
        (default EUR, for plain numbers), country (name, demonym or ISO code), ownership ("autonomous" /
        "independent" / "partner" / "linked" / "group"), holdings (list of {share, holder, direction,
        investment, small_local_authority, name, headcount, turnover, balance_sheet}), partners (list of
        {name, country, independent} or "Name (DE)" strings), cluster_member (bool), scheme.
        """
        currency = str(data.get("currency") or "EUR").upper()
        profile = cls(
            headcount=parse_headcount(_blank(data.get("headcount"))),
            turnover=_form_money(data.get("turnover"), currency),
            balance_sheet=_form_money(data.get("balance_sheet"), currency),
            cluster_member=_form_bool(data.get("cluster_member")),
            scheme=normalise_scheme(data.get("scheme")),
        )
        country = lookup_country(str(data.get("country") or ""))
        profile.country = country.code if country else None
        if data.get("country") and country is None:
            profile.unclear.append(f"country not recognised: {data.get('country')}")
        ownership = str(data.get("ownership") or "").strip().lower()
        if ownership in ("autonomous", "independent"):
            profile.ownership_stated = True
        elif ownership == "group":
            profile.holdings.append(Holding(None, holder="group"))
        elif ownership in ("partner", "linked"):
            profile.holdings.append(Holding(None, declared=ownership))
        for item in data.get("holdings") or []:
            profile.holdings.append(_form_holding(item, currency))
        profile.ownership_stated = profile.ownership_stated or bool(profile.holdings)
        for index, item in enumerate(data.get("partners") or [], start=1):
            profile.partners.append(_form_partner(item, index))
        return profile


def _blank(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _form_money(value: Any, currency: str) -> Money | None:
    value = _blank(value)
    if value is None:
        return None
    if isinstance(value, int | float):
        return Money(float(value), currency)
    return parse_money(str(value), default_currency=currency)


def _form_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "on")
    return bool(value)


def _form_holding(item: Mapping[str, Any], currency: str) -> Holding:
    def amount(key: str) -> float | None:
        money = _form_money(item.get(key), currency)
        return money.eur if money else None

    holder = str(item.get("holder") or "enterprise")
    return Holding(
        share=None if _blank(item.get("share")) is None else float(item["share"]),
        holder=holder if holder in EXEMPT_INVESTORS or holder == "group" else "enterprise",
        direction="by_us" if item.get("direction") == "by_us" else "in_us",
        investment_eur=amount("investment"),
        small_local_authority=_form_bool(item.get("small_local_authority")),
        declared=str(item["relation"]) if item.get("relation") in ("partner", "linked") else None,
        name=str(item.get("name") or ""),
        headcount=parse_headcount(_blank(item.get("headcount"))),
        turnover=amount("turnover"),
        balance=amount("balance_sheet"),
    )


def _form_partner(item: Any, index: int) -> Partner:
    if isinstance(item, Mapping):
        country = lookup_country(str(item.get("country") or ""))
        return Partner(
            str(item.get("name") or f"partner {index}"),
            country.code if country else None,
            _form_bool(item.get("independent")),
        )
    text = str(item)
    mentions = find_countries(text)
    country = mentions[-1].country if mentions else lookup_country(text)
    name = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip() or f"partner {index}"
    return Partner(name, country.code if country else None)


def normalise_scheme(value: str | None) -> str | None:
    """ "innosup-1" or "clusterxchange" from the many ways of naming them; None for anything else."""
    if not value:
        return None
    text = str(value).strip().lower()
    if text in SCHEMES:
        return text
    found = [name for name, pattern in _SCHEME_WORDS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def detect_scheme(text: str) -> str | None:
    """The one scheme a message names; None when it names none or both."""
    found = [name for name, pattern in _SCHEME_WORDS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


# --- reading free text ----------------------------------------------------------------------------------------

_PARTNER_CONTEXT = re.compile(
    r"\bpartner(?:s|in|innen|zy|ów|ami|enaires?)?\b(?!\s+(?:enterprise|company|firm|undertaking))|consorti\w*|"
    r"konsorcj\w*|konsorti\w*|together\s+with|zusammen\s+mit|wraz\s+z|avec\s+(?:un|une|des)\b|"
    r"\bcon\s+(?:un|una|socios)\b|\bsocios\b|collaborat\w*\s+with|cooperat\w*\s+with|\bco-?applicants?\b",
    re.IGNORECASE,
)
_AUTONOMOUS = re.compile(
    r"\b(?:independent|autonomous|not\s+part\s+of\s+(?:a|any)\s+group|no\s+(?:other\s+)?(?:shareholder|investor|"
    r"company|enterprise)s?\b[^.]{0,40}(?:25|more)|family[- ]owned|owned\s+by\s+(?:the|its|our)\s+founders?|"
    r"unabh[äa]ngig\w*|eigenst[äa]ndig\w*|niezale[żz]n\w*|ind[ée]pendant\w*|autonome|independiente\w*|"
    r"indipendent\w*|autonom\w*)",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"part\s+of\s+(?:a|an)\s+(?:larger\s+|bigger\s+|international\s+|multinational\s+)?group|subsidiary|"
    r"parent\s+company|tochter\w*|muttergesellschaft|teil\s+einer\s+\w*gruppe|konzern\w*|filiale\s+d|"
    r"soci[ée]t[ée]\s+m[èe]re|fait\s+partie\s+d['’]un\s+groupe|sp[óo][łl]k\w*\s+zale[żz]n\w*|"
    r"nale[żz]ymy\s+do\s+grupy|cz[eę][śs][ćc]\s+grupy|filial\b|parte\s+de\s+un\s+grupo|"
    r"parte\s+di\s+un\s+gruppo|controllata",
    re.IGNORECASE,
)
_OWNERSHIP_WORDS = re.compile(
    r"hold\w*|own\w*|stake|share\w*|capital|voting|udzia[łl]\w*|akcj\w*|w[łl]asno[śs]\w*|anteil\w*|"
    r"beteilig\w*|stimmrecht\w*|d[ée]tien\w*|participation|capital|participaci[óo]n|poseen?|partecipazion\w*|"
    r"quota|detien\w*|invest\w*",
    re.IGNORECASE,
)
_HOLDER_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("business_angel", re.compile(r"business[- ]angels?|anio[łl]\w*\s+biznesu|investisseurs?\s+providentiels?",
                                  re.IGNORECASE)),
    ("venture_capital", re.compile(r"venture[- ]capital|\bVCs?\b|capital[- ]risque|risikokapital\w*|"
                                   r"wagniskapital\w*|capital\s+riesgo|capitale\s+di\s+rischio", re.IGNORECASE)),
    ("public_investment_corporation", re.compile(r"public\s+investment|soci[ée]t[ée]\s+publique\s+d['’]invest\w*|"
                                                 r"[öo]ffentliche\w*\s+beteiligungs\w*", re.IGNORECASE)),
    ("university", re.compile(r"universit\w*|research\s+(?:centre|center|institute)|hochschule|forschungs\w*|"
                              r"uczelni\w*|uniwersytet\w*|instytut\w*\s+badawcz\w*|centre\s+de\s+recherche|"
                              r"centro\s+de\s+investigaci[óo]n|centro\s+di\s+ricerca|universidad", re.IGNORECASE)),
    ("institutional_investor", re.compile(r"institutional\s+investor|regional\s+development\s+fund|"
                                          r"fonds?\s+de\s+d[ée]veloppement\s+r[ée]gional|investisseurs?\s+"
                                          r"institutionnels?|institutionelle\w*\s+investor\w*", re.IGNORECASE)),
    ("local_authority", re.compile(r"local\s+authorit\w*|municipalit\w*|\bgmin\w*|gemeinde|kommune|"
                                   r"collectivit[ée]\s+locale|ayuntamiento|municipio|comune\b", re.IGNORECASE)),
)  # fmt: skip
_BY_US = re.compile(
    r"\b(?:we|our\s+company)\s+(?:also\s+)?(?:own|hold|have)\b|\bour\s+(?:stake|share|holding)|"
    r"\bwir\s+(?:halten|besitzen)|\bnous\s+d[ée]tenons|\bposeemos|\bdeteniamo|\bposiadamy|\bmamy\s+\d",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(?:we|our|us|i|my|nous|notre|nos|je|mon|ma|wir|unser\w*|ich|mein\w*|my|nasz\w*|jeste[śs]my|"
    r"mamy|nosotros|nuestr\w*|somos|tenemos|noi|nostr\w*|siamo|abbiamo)\b",
    re.IGNORECASE,
)
_CUE = re.compile(
    r"eligib\w*|[ée]ligib\w*|elegib\w*|ammissib\w*|f[öo]rderf[äa]hig\w*|antragsberechtigt\w*|berechtigt|"
    r"qualif\w*|kwalifik\w*|\bcount\s+as\b|\bcan\s+(?:we|i)\b|\bcould\s+(?:we|i)\b|\bare\s+we\b|\bam\s+i\b|"
    r"\bdo\s+we\b|\bis\s+(?:our|my)\s+(?:company|firm|business)|\bsme\s+status|\bwhich\s+category|"
    r"\bwhat\s+category|k[öo]nnen\s+wir|d[üu]rfen\s+wir|sind\s+wir|\bczy\b|mo[żz]emy|jeste[śs]my\s+(?:ma|mi|[śs]r)|"
    r"pouvons[- ]nous|peut[- ]on|sommes[- ]nous|avons[- ]nous\s+droit|podemos|somos\s+(?:una?\s+)?pyme|"
    r"possiamo|siamo\s+(?:una?\s+)?pmi|\bsupport\b.*\?|\bfunding\b.*\?|\bapply\b.*\?",
    re.IGNORECASE,
)
_CLUSTER_MEMBER = re.compile(
    r"member\s+of\s+(?:a|the|an)\s+[\w\s-]{0,30}cluster|cluster\s+member|members?\s+of\s+\w+\s+cluster|"
    r"mitglied\s+(?:in\s+)?(?:eine[sm]?|de[mr]|im)\s+\w*cluster|cz[łl]onk\w*\s+klastra|membre\s+d['’]un\s+cluster|"
    r"miembro\s+de\s+un\s+cl[uú]ster|membro\s+di\s+un\s+cluster",
    re.IGNORECASE,
)
_NOT_CLUSTER_MEMBER = re.compile(r"not\s+(?:a\s+)?member\s+of\s+(?:a|any)\s+cluster|no\s+cluster\s+member",
                                 re.IGNORECASE)  # fmt: skip


_BELOW = re.compile(
    r"(?:fewer|less|under|below|weniger\s+als|unter|mniej\s+ni[żz]|poni[żz]ej|moins\s+de|menos\s+de|meno\s+di)"
    r"(?:\s+than)?\s*$",
    re.IGNORECASE,
)
_ABOVE = re.compile(
    r"(?:more|over|above|mehr\s+als|[üu]ber|ponad|wi[ęe]cej\s+ni[żz]|plus\s+de|m[áa]s\s+de|pi[ùu]\s+di)"
    r"(?:\s+than)?\s*$",
    re.IGNORECASE,
)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"[.!?;]+(?:\s+|$)|\n+", text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _money_text(money: Money) -> str:
    return format_money(money.amount, money.currency)


def _read_figures(profile: CompanyProfile, text: str, quantities: list[Quantity]) -> None:
    heads = [q for q in quantities if q.kind == "headcount"]
    if heads:
        profile.headcount = heads[0].value
        before = text[max(0, heads[0].start - 25) : heads[0].start]
        bound = _BELOW.search(before) or _ABOVE.search(before)
        if bound and profile.headcount == int(profile.headcount):
            profile.headcount += -1 if bound.re is _BELOW else 1
            said = f"{bound.group(0).strip()} {heads[0].text}"
            profile.notes.append(f"'{said}' is read as {profile.headcount:g} staff.")
        if len({q.value for q in heads}) > 1:
            profile.notes.append(f"Several staff numbers were given; the first ({heads[0].text}) is used.")
    for role, attr in (("turnover", "turnover"), ("balance_sheet", "balance_sheet")):
        items = [q for q in quantities if q.kind == "money" and q.role == role]
        if not items:
            continue
        item = items[0]
        money = Money(item.value, item.currency or "EUR")
        if item.currency is None:
            label = "turnover" if role == "turnover" else "balance-sheet total"
            profile.notes.append(
                f"No currency was given for the {label} ({item.text.strip()}); it is read as {_money_text(money)}."
            )
        setattr(profile, attr, money)
    loose = [q for q in quantities if q.kind == "money" and q.role is None and q.currency is not None]
    if loose and profile.turnover is None and profile.balance_sheet is None:
        for item in loose:
            profile.unclear.append(
                f"{_money_text(Money(item.value, item.currency))}: is this your annual turnover or your "
                "balance-sheet total?"
            )


def _read_holdings(profile: CompanyProfile, text: str, quantities: list[Quantity]) -> None:
    sentences = _sentences(text)
    for q in quantities:
        if q.kind != "percent":
            continue
        start, end = next(((s, e) for s, e in sentences if s <= q.start < e), (0, len(text)))
        sentence = text[start:end]
        if not _OWNERSHIP_WORDS.search(sentence):
            continue
        holder = next((name for name, pattern in _HOLDER_WORDS if pattern.search(sentence)), "enterprise")
        investment = next(
            (m.value for m in quantities if m.kind == "money" and m.role == "investment" and start <= m.start < end
             and (m.currency in (None, "EUR"))),
            None,
        )  # fmt: skip
        direction = "by_us" if _BY_US.search(text[start : q.start]) else "in_us"
        profile.holdings.append(
            Holding(q.value, holder=holder, direction=direction, investment_eur=investment)
        )
    if _GROUP.search(text):
        profile.holdings.append(Holding(None, holder="group"))
    if profile.holdings or _AUTONOMOUS.search(_partner_clauses(text)[1]):
        profile.ownership_stated = True


def _clauses(text: str) -> list[str]:
    return [
        c
        for c in re.split(r"[,;.!?\n]|\s(?:and|but|while|et|und|oraz|y|e|ma|aber|mais)\s", text)
        if c.strip()
    ]


def _partner_clauses(text: str) -> tuple[str, str]:
    """The text split into clauses about consortium partners and the rest ("we are independent" is ownership,
    "three independent partners" is about the consortium)."""
    partner, other = [], []
    for clause in _clauses(text):
        (partner if _PARTNER_CONTEXT.search(clause) else other).append(clause)
    return " ".join(partner), " ".join(other)


def _read_countries(profile: CompanyProfile, text: str) -> None:
    mentions = find_countries(text)
    if not mentions:
        return
    context = _PARTNER_CONTEXT.search(text)
    own: list[Country] = []
    partners: list[Country] = []
    if context is None:
        own = [m.country for m in mentions]
    else:
        sentences = _sentences(text)
        for mention in mentions:
            start, end = next(((s, e) for s, e in sentences if s <= mention.start < e), (0, len(text)))
            in_partner = _PARTNER_CONTEXT.search(text[start:end])
            if in_partner and mention.start > start + in_partner.start():
                partners.append(mention.country)
            else:
                own.append(mention.country)
    if own:
        profile.country = own[0].code
        others = sorted({c.name for c in own[1:] if c.code != own[0].code})
        if others:
            profile.notes.append(
                f"The company is taken to be established in {own[0].name} (also mentioned: {', '.join(others)})."
            )
    about_partners = _partner_clauses(text)[0]
    pattern = r"independent|unabh[äa]ngig|niezale[żz]n|ind[ée]pendant|independiente|indipendent"
    independent = True if re.search(pattern, about_partners, re.IGNORECASE) else None
    for index, country in enumerate(partners, start=1):
        profile.partners.append(Partner(f"partner {index}", country.code, independent))


def parse_profile(text: str) -> CompanyProfile:
    """Read a chat message: "we are 40 people in Poland with EUR 8 million turnover, can we get support?"."""
    profile = CompanyProfile()
    quantities = find_quantities(text)
    _read_figures(profile, text, quantities)
    _read_holdings(profile, text, quantities)
    _read_countries(profile, text)
    if _NOT_CLUSTER_MEMBER.search(text):
        profile.cluster_member = False
    elif _CLUSTER_MEMBER.search(text):
        profile.cluster_member = True
    profile.scheme = detect_scheme(text)
    return profile


def _has_facts(profile: CompanyProfile) -> bool:
    figures = (profile.headcount, profile.turnover, profile.balance_sheet)
    return any(v is not None for v in figures) or bool(profile.holdings) or bool(profile.unclear)


_TAKE_PART = re.compile(
    r"eligib\w*|take\s+part|participat\w*|\bjoin\b|\bapply\b|\ballowed\b|\bpossible\b|"
    r"\b(?:can|could|may)\s+(?:it|they|he|she|we|i)\s+(?:do|be|get|use)\b|\bwhether\s+(?:it|they|we|i)\s+can\b",
    re.IGNORECASE,
)


def asks_about_country_eligibility(text: str) -> bool:
    """ "Is a Serbian SME eligible for both INNOSUP-1 and ClusterXchange?": a country and a scheme are enough for
    the self-check to conclude on the country, even when nothing is said about the company's size."""
    if not text or not any(p.search(text) for p in _SCHEME_WORDS.values()):
        return False
    if not _TAKE_PART.search(text):
        return False
    return parse_profile(text).country is not None


def detect_eligibility_question(text: str) -> bool:
    """Whether a message asks about eligibility and gives facts about the company to check it with.

    "we are 40 people in Poland with EUR 8 million turnover, can we get support?" is one; "What is the SME
    definition?" and "Is INNOSUP-1 still open?" are not (no facts), nor is a bare statement without a question.
    """
    if not text or not text.strip():
        return False
    profile = parse_profile(text)
    about_us = _FIRST_PERSON.search(text) is not None
    facts = (
        _has_facts(profile)
        or (profile.country is not None and about_us)
        or bool(profile.partners and about_us)
    )
    if not facts:
        return False
    return bool(_CUE.search(text)) or ("?" in text and about_us)
