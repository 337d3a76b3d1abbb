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
    "asks_about_consortium",
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
    relation: str = ""  # why it is not independent, as a sentence names it: "your own subsidiary"


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
    r"hold\w*|own\w*|stake|share\w*|capital|voting|h[äa]lt\w*|besitz\w*|udzia[łl]\w*|akcj\w*|w[łl]asno[śs]\w*|anteil\w*|"
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
# Who holds whom, read in the clause that holds the percentage: "a fund holds 30 % of our shares" (in us), "we hold
# 35 % of another company" (by us). The clause alone decides: "we have 40 staff, a fund holds 30 %" is in us.
_IN_US = re.compile(
    r"\b(?:of|in)\s+(?:us\b|our\s+(?:own\s+)?(?:shares?|capital|company|firm|business|equity|stock|voting|"
    r"enterprise|start-?up|sme|share\s*capital))|\b(?:owned|held|controlled)\s+by\b|\bour\s+(?:shareholders?|"
    r"investors?|owners?|parent)\b|\bunser(?:e[rsmn]?)?\s+(?:anteile|kapital\w*|unternehmen\w*|gesellschaft|firma|"
    r"stimmrechte)|\ban\s+uns\b|\bde\s+notre\s+(?:capital|entreprise|soci[ée]t[ée])|\bde\s+nos\s+(?:parts|"
    r"actions)|\bd[ée]tenue?s?\s+par|\bnasz(?:ych|ej|ego)\s+(?:udzia|akcj|sp[óo][łl]k|firm|kapita)|"
    r"\bde\s+nuestr[ao]s?\s+(?:capital|acciones|empresa|participaciones)|\bdel\s+nostro\s+capitale|"
    r"\bdelle\s+nostre\s+(?:quote|azioni)|\bdella\s+nostra\s+(?:societ|azienda)",
    re.IGNORECASE,
)
_BY_US = re.compile(
    r"\b(?:we|our\s+(?:company|firm|business|group))\s+(?:also\s+|already\s+|currently\s+|still\s+)?"
    r"(?:owns?|holds?|ha(?:ve|s)|controls?)\s+(?:a\s+|an\s+)?(?:\d|stake|share|holding|participation|majority)|"
    r"\bwe\s+are\s+(?:a\s+)?(?:shareholder|investor)s?\s+(?:in|of)\b|\bour\s+(?:stake|holding|shareholding|"
    r"participation)\s+in\b|^\s*(?:also\s+)?(?:own|hold|control)\s+(?:a\s+)?\d|\bwir\s+(?:halten|besitzen)|"
    r"\bnous\s+d[ée]tenons|\bposeemos|\bdeteniamo|\bposiadamy|\bmamy\s+\d",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;:]|,(?!\d)|\s(?:and|but|while|whereas|et|und|oraz|y|e|ma|aber|mais)\s", re.IGNORECASE
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
        clause = _clause_at(text, q.start, start, end)
        holder = next(
            (name for name, pattern in _HOLDER_WORDS if pattern.search(clause)),
            next((name for name, pattern in _HOLDER_WORDS if pattern.search(sentence)), "enterprise"),
        )
        investment = next(
            (m.value for m in quantities if m.kind == "money" and m.role == "investment" and start <= m.start < end
             and (m.currency in (None, "EUR"))),
            None,
        )  # fmt: skip
        direction = _direction(clause)
        profile.holdings.append(
            Holding(q.value, holder=holder, direction=direction, investment_eur=investment)
        )
    about_partners, about_us = _partner_text(text)
    if _GROUP.search(about_us) or _OUR_OWN_AFFILIATE.search(about_partners):
        profile.holdings.append(Holding(None, holder="group"))
    if profile.holdings or _AUTONOMOUS.search(about_us):
        profile.ownership_stated = True


def _clause_at(text: str, position: int, start: int, end: int) -> str:
    """The clause of ``text[start:end]`` around ``position``: between the nearest clause breaks on each side."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, start, position)]
    after = _CLAUSE_BREAK.search(text, position, end)
    return text[before[-1] if before else start : after.start() if after else end]


def _direction(clause: str) -> str:
    """ "by_us" when the clause says the company holds the stake, "in_us" otherwise (someone holds it in us)."""
    if _IN_US.search(clause):
        return "in_us"
    return "by_us" if _BY_US.search(clause) else "in_us"


def _partner_spans(text: str) -> list[tuple[int, int]]:
    """Where the text speaks of consortium partners: from the clause that names them to the end of the sentence."""
    spans = []
    for start, end in _sentences(text):
        found = _PARTNER_CONTEXT.search(text, start, end)
        if found is None:
            continue
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, start, found.start())]
        spans.append((breaks[-1] if breaks else start, end))
    return spans


def _partner_text(text: str) -> tuple[str, str]:
    """The text about consortium partners, and the rest ("we are independent" is ownership, "three independent
    partners" and "its subsidiary in Portugal" are about the consortium)."""
    spans = _partner_spans(text)
    partner = " ".join(text[s:e] for s, e in spans)
    own, last = [], 0
    for s, e in spans:
        own.append(text[last:s])
        last = e
    own.append(text[last:])
    return partner, " ".join(own)


def _read_countries(profile: CompanyProfile, text: str) -> None:
    mentions = find_countries(text)
    if not mentions:
        return
    context = _PARTNER_CONTEXT.search(text)
    own: list[Country] = []
    partners: list[Any] = []  # the country mentions of partners
    if context is None:
        own = [m.country for m in mentions]
    else:
        sentences = _sentences(text)
        for mention in mentions:
            start, end = next(((s, e) for s, e in sentences if s <= mention.start < e), (0, len(text)))
            in_partner = _PARTNER_CONTEXT.search(text[start:end])
            if in_partner and mention.start > start + in_partner.start():
                partners.append(mention)
            else:
                own.append(mention.country)
    if own:
        profile.country = own[0].code
        others = sorted({c.name for c in own[1:] if c.code != own[0].code})
        if others:
            profile.notes.append(
                f"The company is taken to be established in {own[0].name} (also mentioned: {', '.join(others)})."
            )
    about_partners = _partner_text(text)[0]
    all_independent = True if _INDEPENDENT.search(about_partners) else None
    for index, (mention, count) in enumerate(_partner_counts(text, partners), start=1):
        described = _described(text, mention, partners)
        dependent = _DEPENDENT.search(described)
        relation = _relation(dependent.group(0)) if dependent else ""
        independent = False if dependent else (True if _INDEPENDENT.search(described) else all_independent)
        for copy in range(count):
            name = f"partner {index}" if count == 1 else f"partner {index}.{copy + 1}"
            profile.partners.append(Partner(name, mention.country.code, independent, relation))


_INDEPENDENT = re.compile(
    r"(?<!not )(?<!non-)\b(?:independent|unabh[äa]ngig|niezale[żz]n|ind[ée]pendant|independiente|indipendent)",
    re.IGNORECASE,
)
# A partner tied to another member: it is not one of the independent entities the consortium rule counts.
_DEPENDENT = re.compile(
    r"\b(?:our|its|their|his|her|the\s+coordinator['’]s)\s+(?:own\s+)?(?:subsidiar\w*|daughter\s+compan\w*|"
    r"parent(?:\s+compan\w*)?|sister\s+compan\w*|affiliate\w*|branch\w*|office\w*|group\s+compan\w*)|"
    r"\bour\s+own\b|\bsister\s+compan\w*|\bsame\s+group\b|\b(?:subsidiar\w*|affiliate)\s+of\s+(?:ours|us|"
    r"our|the\s+coordinator|another\s+partner|one\s+of)|\bparent\s+compan\w*\s+of\s+(?:ours|us)|"
    r"\b(?:owned|controlled)\s+by\s+(?:us|our|the\s+same)|\blinked\s+(?:to|with)\s+(?:us|our|each)|"
    r"\bnot\s+independent|\bunsere?\w*\s+(?:eigene\w*\s+)?tochter\w*|\bnotre\s+(?:propre\s+)?filiale|"
    r"\bnuestra\s+(?:propia\s+)?filial|\bnasz\w*\s+sp[óo][łl]k\w*\s+(?:zale[żz]n|c[óo]rk)\w*|"
    r"\bla\s+nostra\s+controllata",
    re.IGNORECASE,
)
_OUR_OWN_AFFILIATE = re.compile(
    r"\bour\s+(?:own\s+)?(?:subsidiar\w*|daughter\s+compan\w*|parent(?:\s+compan\w*)?|sister\s+compan\w*)|"
    r"\bunsere?\w*\s+(?:eigene\w*\s+)?tochter\w*|\bnotre\s+(?:propre\s+)?filiale|\bnuestra\s+(?:propia\s+)?"
    r"filial|\bnasz\w*\s+sp[óo][łl]k\w*\s+(?:zale[żz]n|c[óo]rk)\w*|\bla\s+nostra\s+controllata",
    re.IGNORECASE,
)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_COUNT = re.compile(
    r"\b(one|two|three|four|five|[2-5])\s+(?:[\w-]+\s+){0,2}?(?:from|in|based\s+in|established\s+in)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PLAIN_LIST = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|or\s+)(?:the\s+)?$", re.IGNORECASE)


def _partner_counts(text: str, mentions: list[Any]) -> list[tuple[Any, int]]:
    """Each partner country with how many partners it has ("two from France and one from Germany"). A count
    before a plain list ("three partners from France, Germany and Italy") counts the list, not its first item."""
    counted = []
    for index, mention in enumerate(mentions):
        before = text[mentions[index - 1].end if index else max(0, mention.start - 40) : mention.start]
        found = _COUNT.search(before)
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        listed = following is not None and _PLAIN_LIST.match(text[mention.end : following.start])
        count = _COUNT_WORDS[found.group(1).lower()] if found and not listed else 1
        counted.append((mention, count))
    return counted


def _described(text: str, mention: Any, mentions: list[Any]) -> str:
    """What the text says about one partner: the words since the previous country, and a relative clause after
    it ("a company in Portugal, which is our subsidiary")."""
    index = mentions.index(mention)
    start = mentions[index - 1].end if index else max(0, mention.start - 80)
    after = re.match(r"\s*,?\s*(?:which|that|who)\s+(?:is|are)\s+[^,.;]*", text[mention.end :])
    return text[start : mention.start] + (after.group(0) if after else "")


def _relation(phrase: str) -> str:
    """The dependent partner as a sentence describes it to the company: "our own subsidiary" -> "your own
    subsidiary", "its subsidiary" -> "a subsidiary of another member"."""
    words = re.sub(r"\s+", " ", phrase.strip().lower())
    if words.startswith("our "):
        return "your " + words[4:]
    kind = re.search(
        r"subsidiar|parent|sister|affiliate|branch|office|tochter|filial|controllata|zale", words
    )
    noun = {
        "subsidiar": "a subsidiary",
        "parent": "the parent company",
        "sister": "a sister company",
        "affiliate": "an affiliate",
        "branch": "a branch",
        "office": "an office",
    }.get(kind.group(0) if kind else "", "")
    if words.startswith(("its ", "their ", "his ", "her ", "the coordinator")) and noun:
        return f"{noun} of another member"
    return "linked to another member" if not noun else f"{noun} of another member"


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


_CONSORTIUM_CUE = re.compile(
    r"eligib\w*|[ée]ligib\w*|elegib\w*|\bmeets?\b|\brules?\b|\benough\b|\bvalid\b|\ballowed\b|acceptable|"
    r"\bok(?:ay)?\b|qualif\w*|requirements?|\bminimum\b|\bcan\s+(?:we|it|they|i)\b|\bapply\b|"
    r"zul[äa]ssig|f[öo]rderf[äa]hig|recevable|admissible|\?",
    re.IGNORECASE,
)


def asks_about_consortium(text: str) -> bool:
    """ "Our consortium has three partners: one from France, one from Germany and one from Norway. Eligible?": a
    consortium whose members' countries are given, and a question about it. The self-check can then give a
    verdict on the consortium rule, even when nothing is said about the company itself."""
    if not text or not _CONSORTIUM_CUE.search(text):
        return False
    profile = parse_profile(text)
    members = len(profile.partners) + (1 if profile.country else 0)
    return bool(profile.partners) and members >= 2


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
