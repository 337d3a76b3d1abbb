"""The EU SME definition (Recommendation 2003/361/EC) as the sources state it: ceilings and ownership.

Only the rules the sources confirm are here (FACTS D-03 to D-12): the headcount ceiling is mandatory, either
financial ceiling suffices, a figure at a ceiling is within it; holdings of 25 % or more make a partner, more than
50 % a linked enterprise; certain investors do not break autonomy. Rules the sources do not confirm (how staff are
counted, public ownership, when status changes) are deliberately absent.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "CEILINGS",
    "EXEMPT_INVESTORS",
    "Category",
    "CategoryResult",
    "Ceiling",
    "Holding",
    "OwnershipResult",
    "Relation",
    "aggregate",
    "assess_ownership",
    "classify",
    "meets",
]

BUSINESS_ANGEL_LIMIT = 1_250_000.0


class Category(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    NOT_SME = "not_sme"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Ceiling:
    category: Category
    staff_below: int
    turnover_max: float
    balance_max: float
    noun: str  # as the corpus names the category

    @property
    def article(self) -> str:
        return f"a {self.noun}"


CEILINGS: tuple[Ceiling, ...] = (
    Ceiling(Category.MICRO, 10, 2e6, 2e6, "micro enterprise"),
    Ceiling(Category.SMALL, 50, 10e6, 10e6, "small enterprise"),
    Ceiling(Category.MEDIUM, 250, 50e6, 43e6, "medium-sized enterprise"),
)
CEILING_OF = {c.category: c for c in CEILINGS}


def meets(
    ceiling: Ceiling, headcount: float | None, turnover: float | None, balance: float | None
) -> bool | None:
    """Whether the figures fit a category: True, False, or None where a missing figure decides it.

    Headcount must be below the ceiling; then either financial figure within its ceiling is enough.
    """
    staff = None if headcount is None else headcount < ceiling.staff_below
    money = [
        None if value is None else value <= limit
        for value, limit in ((turnover, ceiling.turnover_max), (balance, ceiling.balance_max))
    ]
    financial = True if True in money else (False if money == [False, False] else None)
    if staff is False or financial is False:
        return False
    if staff and financial:
        return True
    return None


def _definite(headcount: float, turnover: float, balance: float) -> Category:
    for ceiling in CEILINGS:
        if meets(ceiling, headcount, turnover, balance):
            return ceiling.category
    return Category.NOT_SME


# Values on each side of every ceiling: enough to see every outcome a missing figure could still produce.
_STAFF_PROBES = (0.0, 9.0, 10.0, 49.0, 50.0, 249.0, 250.0)
_TURNOVER_PROBES = (0.0, 2e6, 2e6 + 1, 10e6, 10e6 + 1, 50e6, 50e6 + 1)
_BALANCE_PROBES = (0.0, 2e6, 2e6 + 1, 10e6, 10e6 + 1, 43e6, 43e6 + 1)


@dataclass(frozen=True)
class CategoryResult:
    """The category the figures settle, or the categories still possible and which figures would decide."""

    category: Category  # UNKNOWN unless the figures settle it
    possible: tuple[Category, ...]  # smallest first; NOT_SME last
    is_sme: bool | None
    missing: tuple[str, ...]  # "headcount", "turnover", "balance_sheet": figures that would change the result
    headcount: float | None = None
    turnover: float | None = None
    balance: float | None = None

    def could_be(self, category: Category) -> bool:
        return category in self.possible


def classify(headcount: float | None, turnover: float | None, balance: float | None) -> CategoryResult:
    """Micro, small, medium or not an SME from headcount, turnover and balance-sheet total (EUR).

    With a figure missing, every value it could take is tried, so the result lists exactly the categories that
    remain possible and the figures whose value would change the answer.
    """
    known = {"headcount": headcount, "turnover": turnover, "balance_sheet": balance}
    probes = {"headcount": _STAFF_PROBES, "turnover": _TURNOVER_PROBES, "balance_sheet": _BALANCE_PROBES}
    ranges = {k: (v,) if v is not None else probes[k] for k, v in known.items()}
    outcomes: dict[tuple[float, float, float], Category] = {
        combo: _definite(*combo)
        for combo in itertools.product(ranges["headcount"], ranges["turnover"], ranges["balance_sheet"])
    }
    order = [Category.MICRO, Category.SMALL, Category.MEDIUM, Category.NOT_SME]
    possible = tuple(c for c in order if c in set(outcomes.values()))
    missing = []
    for position, name in enumerate(known):
        if known[name] is not None:
            continue
        groups: dict[tuple[float, ...], set[Category]] = {}
        for combo, outcome in outcomes.items():
            rest = combo[:position] + combo[position + 1 :]
            groups.setdefault(rest, set()).add(outcome)
        if any(len(found) > 1 for found in groups.values()):
            missing.append(name)
    category = possible[0] if len(possible) == 1 else Category.UNKNOWN
    is_sme = False if possible == (Category.NOT_SME,) else (None if Category.NOT_SME in possible else True)
    return CategoryResult(category, possible, is_sme, tuple(missing), headcount, turnover, balance)


# --- ownership ------------------------------------------------------------------------------------------------


class Relation(StrEnum):
    AUTONOMOUS = "autonomous"
    PARTNER = "partner"
    LINKED = "linked"
    UNKNOWN = "unknown"


# The investors of FACTS D-11 that may reach 25 % without making the enterprise a partner, as the corpus names them.
EXEMPT_INVESTORS: dict[str, str] = {
    "public_investment_corporation": "public investment corporation",
    "venture_capital": "venture capital company",
    "business_angel": "business angel",
    "university": "university or non-profit research centre",
    "institutional_investor": "institutional investor (including a regional development fund)",
    "local_authority": "small autonomous local authority",
}


@dataclass(frozen=True)
class Holding:
    """A stake between the company and another enterprise or investor.

    ``direction`` "in_us": the other holds ``share`` % of the company; "by_us": the company holds ``share`` % of
    the other. ``holder`` is "enterprise", "group" (part of a larger group, share unknown) or a key of
    EXEMPT_INVESTORS. The other side's own figures, when known, let the check add them as the rules say.
    """

    share: float | None
    holder: str = "enterprise"
    direction: str = "in_us"
    investment_eur: float | None = None  # business angels: the amount invested
    small_local_authority: bool | None = None  # budget < EUR 10 million and < 5,000 inhabitants
    name: str = ""
    headcount: float | None = None
    turnover: float | None = None
    balance: float | None = None
    declared: str | None = None  # "partner" or "linked" when the company says so without giving the share


@dataclass(frozen=True)
class HoldingVerdict:
    holding: Holding
    relation: Relation
    exempt: bool = False  # an investor of D-11 that keeps the company autonomous
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class OwnershipResult:
    relation: Relation
    verdicts: tuple[HoldingVerdict, ...] = ()
    stated: bool = False
    missing: tuple[str, ...] = field(default=())


def _verdict(holding: Holding) -> HoldingVerdict:
    if holding.holder == "group":
        return HoldingVerdict(holding, Relation.LINKED, missing=("group_figures",))
    share = holding.share
    if share is None and holding.declared in (Relation.PARTNER, Relation.LINKED):
        relation = Relation(holding.declared)
        return HoldingVerdict(holding, relation, missing=("share",) if relation is Relation.PARTNER else ())
    if share is None:
        return HoldingVerdict(holding, Relation.UNKNOWN, missing=("share",))
    if share < 25:
        return HoldingVerdict(holding, Relation.AUTONOMOUS)
    if share > 50:
        return HoldingVerdict(holding, Relation.LINKED)
    if holding.direction == "in_us" and holding.holder in EXEMPT_INVESTORS:
        if holding.holder == "business_angel":
            if holding.investment_eur is None:
                return HoldingVerdict(holding, Relation.UNKNOWN, missing=("angel_investment",))
            if holding.investment_eur >= BUSINESS_ANGEL_LIMIT:
                return HoldingVerdict(holding, Relation.PARTNER)
        if holding.holder == "local_authority":
            if holding.small_local_authority is None:
                return HoldingVerdict(holding, Relation.UNKNOWN, missing=("local_authority_size",))
            if not holding.small_local_authority:
                return HoldingVerdict(holding, Relation.PARTNER)
        return HoldingVerdict(holding, Relation.AUTONOMOUS, exempt=True)
    return HoldingVerdict(holding, Relation.PARTNER)


def assess_ownership(holdings: list[Holding], stated: bool = False) -> OwnershipResult:
    """Autonomous, partner or linked; UNKNOWN when nothing was said about ownership or a detail is missing."""
    verdicts = tuple(_verdict(h) for h in holdings)
    relations = {v.relation for v in verdicts}
    missing = tuple(dict.fromkeys(m for v in verdicts for m in v.missing))
    if not holdings and not stated:
        return OwnershipResult(Relation.UNKNOWN, (), False, ("ownership",))
    for relation in (Relation.LINKED, Relation.PARTNER, Relation.UNKNOWN):
        if relation in relations:
            return OwnershipResult(relation, verdicts, True, missing)
    return OwnershipResult(Relation.AUTONOMOUS, verdicts, True, missing)


def aggregate(
    headcount: float | None, turnover: float | None, balance: float | None, ownership: OwnershipResult
) -> tuple[float | None, float | None, float | None] | None:
    """The company's figures with its partners' added pro rata and its linked enterprises' at 100 %.

    None when a partner's or linked enterprise's figures are not known, since the sum would then be too low.
    """
    totals = [headcount, turnover, balance]
    for verdict in ownership.verdicts:
        if verdict.relation not in (Relation.PARTNER, Relation.LINKED):
            continue
        holding = verdict.holding
        if verdict.relation is Relation.LINKED:
            weight = 1.0
        elif holding.share is None:
            return None
        else:
            weight = holding.share / 100.0
        other = (holding.headcount, holding.turnover, holding.balance)
        if other[0] is None or (other[1] is None and other[2] is None):
            return None
        for index, value in enumerate(other):
            if totals[index] is not None:
                totals[index] = None if value is None else totals[index] + weight * value  # type: ignore[operator]
    return totals[0], totals[1], totals[2]
