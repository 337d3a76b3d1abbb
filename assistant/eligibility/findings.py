"""Findings about the SME category and ownership, worded as the corpus words the rules.

A ``Finding`` is one conclusion the corpus can back. It carries the search query (``support``) that retrieves the
supporting chunk and the strings that chunk must contain (``support_terms``, to compare case-insensitively after
collapsing whitespace); the Assistant turns each into a citation and drops any it cannot support. Figures are
written as the corpus writes them ("fewer than 50 staff", "EUR 10 million") so that the lookup can succeed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.eligibility.numbers import format_count, format_eur, format_money
from assistant.eligibility.profile import CompanyProfile
from assistant.eligibility.sme import (
    CEILING_OF,
    EXEMPT_INVESTORS,
    Category,
    CategoryResult,
    Ceiling,
    OwnershipResult,
    Relation,
)

__all__ = ["ASK", "KINDS", "Finding", "category_findings", "ownership_findings"]

KINDS = ("category", "ownership", "country", "consortium", "support", "calls")

ASK = {
    "headcount": "your staff headcount",
    "turnover": "your annual turnover in euro",
    "balance_sheet": "your annual balance-sheet total in euro",
    "ownership": (
        "whether another enterprise or investor holds 25 % or more of your capital or voting rights, "
        "or your company holds 25 % or more of another enterprise"
    ),
    "share": "the percentage of capital or voting rights held",
    "angel_investment": "how much the business angel invested",
    "local_authority_size": "the local authority's annual budget and number of inhabitants",
    "group_figures": "the staff headcount, turnover and balance-sheet total of your group",
    "partner_figures": "the staff headcount, turnover and balance-sheet total of your partner and linked enterprises",
    "country": "the country where your company is established",
    "cluster_member": "whether your company is a member of a cluster",
    "partner_country": "the country of each consortium partner",
    "independence": "whether the three partners are independent of each other",
    "third_country": "a partner from a third EU Member State or associated country",
}


@dataclass
class Finding:
    """One conclusion, with what it takes to cite it and what is still needed to firm it up."""

    kind: str
    text: str
    support: str
    support_terms: list[str]
    missing: list[str] = field(default_factory=list)
    code: str = ""  # stable id, e.g. "category.small", "country.h2020.associated"


# --- category -------------------------------------------------------------------------------------------------


def _ceiling_clause(c: Ceiling) -> str:
    if c.turnover_max == c.balance_max:
        money = f"either an annual turnover or an annual balance-sheet total of no more than {format_eur(c.turnover_max)}"
    else:
        money = (
            f"either an annual turnover of no more than {format_eur(c.turnover_max)} "
            f"or an annual balance-sheet total of no more than {format_eur(c.balance_max)}"
        )
    return f"{c.article} has fewer than {c.staff_below} staff and {money}"


def _ceiling_support(c: Ceiling) -> tuple[str, list[str]]:
    query = (
        f"{c.noun} EU SME definition fewer than {c.staff_below} staff annual turnover balance-sheet total "
        f"{format_eur(c.turnover_max)}"
    )
    return query, [f"fewer than {c.staff_below} staff", format_eur(c.turnover_max)]


def _figures(result: CategoryResult, aggregated: bool) -> str:
    parts = []
    if result.headcount is not None:
        parts.append(f"{format_count(result.headcount)} staff")
    if result.turnover is not None:
        parts.append(f"a turnover of {format_eur(result.turnover)}")
    if result.balance is not None:
        parts.append(f"a balance-sheet total of {format_eur(result.balance)}")
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"With {text}{' (your partner and linked enterprises included)' if aggregated else ''}"


def _condition(c: Ceiling, result: CategoryResult) -> tuple[str, list[str]]:
    """What would have to be true for ``c`` to apply, and which figures to ask for."""
    conditions, ask = [], []
    if result.headcount is None:
        conditions.append(f"it has fewer than {c.staff_below} staff")
        ask.append("headcount")
    t_ok = result.turnover is not None and result.turnover <= c.turnover_max
    b_ok = result.balance is not None and result.balance <= c.balance_max
    if not (t_ok or b_ok):
        if result.turnover is None and result.balance is None:
            limit = (
                f"no more than {format_eur(c.turnover_max)}"
                if c.turnover_max == c.balance_max
                else f"within {format_eur(c.turnover_max)} (turnover) or {format_eur(c.balance_max)} (balance sheet)"
            )
            conditions.append(f"its annual turnover or balance-sheet total is {limit}")
            ask += ["turnover", "balance_sheet"]
        elif result.balance is None:
            conditions.append(f"its balance-sheet total is no more than {format_eur(c.balance_max)}")
            ask.append("balance_sheet")
        elif result.turnover is None:
            conditions.append(f"its annual turnover is no more than {format_eur(c.turnover_max)}")
            ask.append("turnover")
    return " and ".join(conditions), ask


def category_findings(result: CategoryResult, aggregated: bool, profile: CompanyProfile) -> list[Finding]:
    findings: list[Finding] = []
    figures = _figures(result, aggregated)
    lead = f"{figures}, your company" if figures else "Your company"
    for label, money in (("turnover", profile.turnover), ("balance-sheet total", profile.balance_sheet)):
        if money is not None and money.eur is None:
            findings.append(
                Finding(
                    "category",
                    f"You gave your {label} in {money.currency} ({format_money(money.amount, money.currency)}); "
                    "the SME ceilings are set in euro, so the figure has to be converted to euro before it can "
                    "be compared with ceilings such as EUR 10 million for a small enterprise.",
                    "small enterprise ceilings annual turnover balance-sheet total EUR 10 million",
                    ["EUR 10 million"],
                    [ASK["turnover" if label == "turnover" else "balance_sheet"]],
                    "category.currency",
                )
            )
    if result.category in (Category.MICRO, Category.SMALL, Category.MEDIUM):
        c = CEILING_OF[result.category]
        query, terms = _ceiling_support(c)
        findings.append(
            Finding(
                "category",
                f"{lead} is {c.article} under the EU SME definition: {_ceiling_clause(c)}.",
                query,
                terms,
                code=f"category.{c.category.value}",
            )
        )
        smaller = {Category.SMALL: Category.MICRO, Category.MEDIUM: Category.SMALL}.get(result.category)
        if smaller is not None and result.headcount is not None:
            below = CEILING_OF[smaller]
            if result.headcount >= below.staff_below:  # "we just hired our 50th employee: still small?"
                query, terms = _ceiling_support(below)
                findings.append(
                    Finding(
                        "category",
                        f"With {format_count(result.headcount)} staff, your company is not {below.article}: "
                        f"{below.article} has fewer than {below.staff_below} staff.",
                        query,
                        terms,
                        code=f"category.not.{below.category.value}",
                    )
                )
        findings += _either_or(c, result)
        return findings
    if result.category is Category.NOT_SME:
        if result.headcount is not None and result.headcount >= 250:
            text = (
                f"{lead} is not an SME: an enterprise with 250 or more staff is not an SME, whatever its "
                "turnover or balance sheet."
            )
            findings.append(
                Finding(
                    "category",
                    text,
                    "enterprise with 250 or more staff is not an SME whatever its turnover",
                    ["250 or more staff"],
                    code="category.not_sme.staff",
                )
            )
        else:
            c = CEILING_OF[Category.MEDIUM]
            query, terms = _ceiling_support(c)
            text = (
                f"{lead} is not an SME: it is above both financial ceilings of a medium-sized enterprise, and "
                f"{_ceiling_clause(c)}."
            )
            findings.append(Finding("category", text, query, terms, code="category.not_sme.financial"))
        return findings
    sme_options = [c for c in result.possible if c is not Category.NOT_SME]
    if result.is_sme:
        largest = CEILING_OF[sme_options[-1]]
        query, terms = _ceiling_support(largest)
        findings.append(
            Finding(
                "category",
                f"{lead} is an SME: it is within the ceilings of {largest.article}, and "
                f"{_ceiling_clause(largest)}.",
                query,
                terms,
                code=f"category.at_most.{largest.category.value}",
            )
        )
        sme_options = sme_options[:-1]
    elif "headcount" in result.missing:
        findings.append(
            Finding(
                "category",
                "The staff headcount ceiling of the EU SME definition is mandatory, so your category cannot be "
                "settled without your staff headcount.",
                "staff headcount ceiling mandatory either turnover or balance-sheet ceiling",
                ["headcount", "mandatory"],
                [ASK["headcount"]],
                "category.headcount_needed",
            )
        )
    for category in sme_options:
        c = CEILING_OF[category]
        condition, ask = _condition(c, result)
        query, terms = _ceiling_support(c)
        findings.append(
            Finding(
                "category",
                f"Your company could be {c.article} if {condition}: {_ceiling_clause(c)}.",
                query,
                terms,
                [ASK[a] for a in ask],
                f"category.could_be.{category.value}",
            )
        )
    if not sme_options and result.is_sme is None:
        findings.append(
            Finding(
                "category",
                "An enterprise must respect the staff headcount ceiling of a category and at least one of its two "
                "financial ceilings, annual turnover or balance-sheet total.",
                "summary table SME ceilings staff headcount turnover balance-sheet total",
                ["headcount", "financial ceilings"],
                [ASK[m] for m in result.missing],
                "category.rule",
            )
        )
    return findings


def _either_or(c: Ceiling, result: CategoryResult) -> list[Finding]:
    """Say so when the result rests on one financial figure: either ceiling suffices."""
    t, b = result.turnover, result.balance
    if t is not None and b is not None:
        if (t <= c.turnover_max) == (b <= c.balance_max):
            return []
        over, within = (
            ("turnover", "balance-sheet total") if t > c.turnover_max else ("balance-sheet total", "turnover")
        )
        detail = f"your {over} above the ceiling does not matter because your {within} is within it"
    elif t is None and b is None:
        return []
    else:
        detail = f"your {'balance-sheet total' if b is None else 'turnover'} is not needed for this result"
    text = (
        "The staff headcount ceiling is mandatory, but an enterprise may choose to meet either the turnover "
        f"ceiling or the balance-sheet ceiling of its category, so {detail}."
    )
    return [
        Finding(
            "category",
            text,
            "headcount ceiling mandatory choose either the turnover ceiling or the balance-sheet ceiling",
            ["mandatory", "either"],
            code="category.either_or",
        )
    ]


# --- ownership ------------------------------------------------------------------------------------------------


def ownership_findings(ownership: OwnershipResult) -> list[Finding]:
    if not ownership.stated:
        return [
            Finding(
                "ownership",
                "This result uses your own figures only, which is right if your company is autonomous. If "
                "another enterprise holds 25 % or more of your capital or voting rights, or your company holds "
                "25 % or more of another, the two are partner enterprises; above 50 % they are linked "
                "enterprises.",
                "partner enterprises hold 25 % or more up to 50 % capital voting rights linked more than 50 %",
                ["25 %", "50 %"],
                [ASK["ownership"]],
                "ownership.ask",
            ),
            Finding(
                "ownership",
                "Some investors can hold 25 % or more without ending your company's autonomy, provided they are "
                "not linked to it: public investment corporations, venture capital companies, business angels "
                "investing less than EUR 1.25 million, universities and non-profit research centres, "
                "institutional investors including regional development funds, and small autonomous local "
                "authorities.",
                "which investors can hold 25 % or more without breaking autonomy venture capital business angels "
                "investing less than EUR 1.25 million",
                [
                    "venture capital",
                    "business angels investing less than EUR 1.25 million",
                    "regional development funds",
                ],
                code="ownership.exempt_investors",
            ),
            Finding(
                "ownership",
                "The staff headcount, turnover and balance-sheet total of a partner enterprise are added pro "
                "rata, in proportion to the share held; those of a linked enterprise are added at 100 %.",
                "how partner and linked figures are added pro rata 100 %",
                ["pro rata", "100 %"],
                code="ownership.aggregation",
            ),
            Finding(
                "ownership",
                "A business angel keeps an enterprise autonomous only if the investment is less than EUR 1.25 "
                "million; a local authority only if it has an annual budget of less than EUR 10 million and "
                "fewer than 5,000 inhabitants.",
                "limits business angels EUR 1.25 million small local authorities 5,000 inhabitants",
                ["1.25 million", "5,000"],
                code="ownership.limits",
            ),
        ]
    findings: list[Finding] = []
    if ownership.relation is Relation.AUTONOMOUS and not any(v.exempt for v in ownership.verdicts):
        findings.append(
            Finding(
                "ownership",
                "As you describe it, your company is autonomous: it holds less than 25 % of any other enterprise "
                "and no other enterprise holds 25 % or more of it, so only its own figures count for the SME "
                "ceilings.",
                "autonomous enterprise holds less than 25 % capital voting rights own figures",
                ["autonomous", "25 %"],
                code="ownership.autonomous",
            )
        )
    for verdict in ownership.verdicts:
        h = verdict.holding
        share = f"{format_count(h.share)} %" if h.share is not None else "a stake"
        investor = EXEMPT_INVESTORS.get(h.holder, "another enterprise")
        if h.holder == "group":
            findings.append(
                Finding(
                    "ownership",
                    "Your company is part of a group: an enterprise that is part of a larger group may have to "
                    "include the staff headcount and financial figures of the group when checking SME status.",
                    "SME part of a larger group include staff headcount financial figures of the group",
                    ["larger group"],
                    [ASK["group_figures"]],
                    "ownership.group",
                )
            )
        elif verdict.exempt:
            extra = ""
            terms = ["not linked", "venture capital"]
            code = f"ownership.exempt.{h.holder}"
            if h.holder == "business_angel":
                extra = f", and the investment ({format_eur(h.investment_eur or 0)}) is less than EUR 1.25 million"
                terms = ["business angel", "1.25 million"]
            elif h.holder == "local_authority":
                extra = ", and the local authority has a budget under EUR 10 million and fewer than 5,000 inhabitants"
                terms = ["local authority", "5,000"]
            findings.append(
                Finding(
                    "ownership",
                    f"A {investor} holding {share} of your company does not end its autonomy, provided the "
                    f"investor is not linked to your company{extra}.",
                    f"investors that do not break autonomy {investor} 25 % not linked",
                    terms,
                    code=code,
                )
            )
        elif verdict.relation is Relation.UNKNOWN and "angel_investment" in verdict.missing:
            findings.append(
                Finding(
                    "ownership",
                    f"A business angel holding {share} keeps your company autonomous only if the business "
                    "angel's investment is less than EUR 1.25 million.",
                    "business angel investment less than EUR 1.25 million autonomous",
                    ["business angel", "1.25 million"],
                    [ASK["angel_investment"]],
                    "ownership.angel_amount",
                )
            )
        elif verdict.relation is Relation.UNKNOWN and "local_authority_size" in verdict.missing:
            findings.append(
                Finding(
                    "ownership",
                    f"A local authority holding {share} keeps your company autonomous only if it has an annual "
                    "budget of less than EUR 10 million and fewer than 5,000 inhabitants.",
                    "small local authority budget less than EUR 10 million fewer than 5,000 inhabitants",
                    ["local authority", "5,000"],
                    [ASK["local_authority_size"]],
                    "ownership.local_authority_size",
                )
            )
        elif verdict.relation is Relation.UNKNOWN:
            findings.append(
                Finding(
                    "ownership",
                    "Holdings of 25 % or more, up to 50 %, make two enterprises partner enterprises; holdings of "
                    "more than 50 % make them linked enterprises.",
                    "partner enterprises 25 % up to 50 % linked more than 50 %",
                    ["25 %", "50 %"],
                    [ASK["share"]],
                    "ownership.share_needed",
                )
            )
        elif verdict.relation is Relation.PARTNER and h.direction == "in_us" and h.holder == "business_angel":
            invested = f" ({format_eur(h.investment_eur)})" if h.investment_eur is not None else ""
            findings.append(
                Finding(
                    "ownership",
                    f"With {share} held by a business angel whose investment{invested} is EUR 1.25 million or "
                    "more, the two are partner enterprises: the business-angel exception no longer keeps your "
                    "company autonomous.",
                    "business angel investment EUR 1.25 million or more partner enterprises",
                    ["business angel", "1.25 million or more"],
                    [] if _has_figures(h) else [ASK["partner_figures"]],
                    "ownership.partner.business_angel",
                )
            )
        elif verdict.relation is Relation.PARTNER:
            holder = "another enterprise"
            if h.holder == "local_authority":
                holder = "a local authority"
            elif h.holder in EXEMPT_INVESTORS:
                holder = f"a {investor}"
            lead = (
                f"With {share} of your company held by {holder}"
                if h.direction == "in_us"
                else f"With {share} of another enterprise held by your company"
            )
            findings.append(
                Finding(
                    "ownership",
                    f"{lead}, the two are partner enterprises: the partner's staff headcount, turnover and "
                    "balance-sheet total are added to your own pro rata, in proportion to the share held.",
                    "partner enterprise figures added pro rata in proportion to the share held",
                    ["pro rata"],
                    [] if _has_figures(h) else [ASK["partner_figures"]],
                    "ownership.partner",
                )
            )
        elif verdict.relation is Relation.LINKED:
            findings.append(
                Finding(
                    "ownership",
                    f"With {share if h.share is not None else 'control'} "
                    f"{'held by another enterprise' if h.direction == 'in_us' else 'held in another enterprise'}, "
                    "the two are linked enterprises: the linked enterprise's staff headcount, turnover and "
                    "balance-sheet total are added to your own at 100 %.",
                    "linked enterprises more than 50 % figures added at 100 %",
                    ["linked", "100 %"],
                    [] if _has_figures(h) else [ASK["partner_figures"]],
                    "ownership.linked",
                )
            )
    return findings


def _has_figures(h: Any) -> bool:
    return h.headcount is not None and (h.turnover is not None or h.balance is not None)
