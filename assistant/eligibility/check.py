"""The eligibility self-check: category, ownership, country, consortium, support and calls, as findings.

``check`` combines the SME definition (``sme``), the country lists (``countries``), the Horizon 2020 consortium
rule and the support the sources describe into ``Finding`` objects (see ``findings``) that the Assistant cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.calls import CallRecord, find_calls, format_date, specific_records, status_on, status_sentence
from assistant.eligibility import countries as geo
from assistant.eligibility.findings import ASK, Finding, category_findings, ownership_findings
from assistant.eligibility.profile import CompanyProfile, Partner, normalise_scheme
from assistant.eligibility.sme import CategoryResult, Relation, aggregate, assess_ownership, classify

__all__ = ["CheckResult", "Finding", "check"]

LAST_INNOSUP_DEADLINE = date(2020, 9, 8)


@dataclass
class CheckResult:
    """The outcome of a self-check; codes are language-neutral, finding texts are English."""

    category: str  # micro | small | medium | not_sme | unknown
    possible_categories: list[str]
    is_sme: bool | None
    provisional: bool  # ownership unknown, or partner/linked figures not yet added
    ownership: str  # autonomous | partner | linked | unknown
    scheme: str | None
    findings: list[Finding]
    missing: list[str]
    notes: list[str]
    profile: CompanyProfile
    # The figures the category was decided on: the company's own, or with its partners' and linked ones added.
    figures: dict[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def by_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]


# --- countries and consortium ---------------------------------------------------------------------------------


def _country_findings(code: str | None, schemes: list[str]) -> list[Finding]:
    if code is None:
        return [
            Finding(
                "country",
                "Horizon 2020, and so INNOSUP-1, funds organisations established in EU Member States and "
                "associated countries, and ClusterXchange participants must come from countries participating in "
                "COSME.",
                "countries eligible Horizon 2020 associated countries COSME ClusterXchange",
                ["associated countries", "COSME"],
                [ASK["country"]],
                "country.unknown",
            )
        ]
    country = geo.COUNTRIES[code]
    name = country.display
    title = name[0].upper() + name[1:]
    findings: list[Finding] = []
    if "innosup-1" in schemes:
        status = geo.h2020_status(code)
        if status == "member_state":
            findings.append(
                Finding(
                    "country",
                    f"{title} is an EU Member State, so your company is from a Horizon 2020 country: any SME from "
                    "a Horizon 2020 country that meets a call's criteria could apply to an INNOSUP-1 open call.",
                    "any SME from a Horizon 2020 country could apply to an INNOSUP-1 open call",
                    ["Horizon 2020 country", "INNOSUP-1 open call"],
                    code="country.h2020.member_state",
                )
            )
        elif status == "associated":
            findings.append(
                Finding(
                    "country",
                    f"{title} is one of the 16 Horizon 2020 associated countries, whose organisations take part "
                    "on the same access and funding conditions as those of EU Member States, as far as possible; "
                    "SMEs from these countries could apply to INNOSUP-1 open calls.",
                    f"the 16 Horizon 2020 associated countries list {country.name}",
                    [country.name, "16 Horizon 2020 associated countries"],
                    code="country.h2020.associated",
                )
            )
        elif status == "uk_withdrawal":
            findings.append(
                Finding(
                    "country",
                    "The United Kingdom is not in the list of Horizon 2020 associated countries; under the "
                    "Withdrawal Agreement, UK participants could continue to take part in Horizon 2020 for the "
                    "lifetime of their grants, on the same terms as EU participants.",
                    "United Kingdom Withdrawal Agreement Horizon 2020 grants same terms",
                    ["Withdrawal Agreement"],
                    code="country.h2020.uk",
                )
            )
        else:
            if code in geo.COSME_NON_EU:
                findings.append(
                    Finding(
                        "country",
                        f"{title} took part in COSME in 2018 but is not in the list of Horizon 2020 associated "
                        "countries.",
                        f"{country.name} COSME 2018 not in the list of Horizon 2020 associated countries",
                        [country.name, "COSME", "associated countries"],
                        code="country.h2020.cosme_only",
                    )
                )
            findings.append(
                Finding(
                    "country",
                    f"{title} is neither an EU Member State nor a Horizon 2020 associated country, so an "
                    f"organisation from {name} is not eligible for Horizon 2020 funding; it can still join a "
                    "project as a beneficiary without EU funding, whose costs are not reimbursed.",
                    "organisation from a country not eligible for Horizon 2020 funding beneficiary no EU funding",
                    ["not eligible", "not reimbursed"],
                    code="country.h2020.not_eligible",
                )
            )
    if "clusterxchange" in schemes:
        status = geo.cosme_status(code)
        if status == "member_state":
            text = (
                f"{title} is an EU Member State: all ClusterXchange participants must come from countries "
                "participating in COSME, which are all EU Member States plus a list of third countries."
            )
            findings.append(
                Finding(
                    "country",
                    text,
                    "ClusterXchange participants countries participating in COSME",
                    ["ClusterXchange", "COSME", "Member States"],
                    code="country.cosme.member_state",
                )
            )
        elif status == "cosme_participant":
            findings.append(
                Finding(
                    "country",
                    f"{title} was one of the non-EU countries taking part in COSME in 2018, and ClusterXchange "
                    "participants must come from countries participating in COSME.",
                    f"non-EU countries taking part in COSME in 2018 {country.name} ClusterXchange",
                    [country.name, "COSME"],
                    code="country.cosme.participant",
                )
            )
        else:
            both = code in geo.H2020_ASSOCIATED
            extra = (
                " (it is a Horizon 2020 associated country, but that list differs from COSME's)"
                if both
                else ""
            )
            findings.append(
                Finding(
                    "country",
                    f"{title} is not in the sources' list of countries participating in COSME{extra}, and all "
                    "ClusterXchange participants must come from countries participating in COSME.",
                    f"ClusterXchange participants COSME countries {country.name if both else 'list'}",
                    [country.name, "COSME"] if both else ["ClusterXchange", "COSME"],
                    code="country.cosme.not_eligible",
                )
            )
        findings.append(
            Finding(
                "country",
                "For ClusterXchange, the country that counts is the one where your organisation is registered; "
                "the nationality of the person travelling does not matter.",
                "ClusterXchange permanent residence country where organisation is registered nationality",
                ["registered", "nationality"],
                code="country.cosme.residence",
            )
        )
    return findings


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_RULE_QUERY = (
    "at least three independent legal entities each in a different EU Member State or associated country"
)
_RULE = "at least three legal entities, each in a different EU Member State or associated country"
_ACTION = "the Horizon 2020 minimum for Innovation Actions such as INNOSUP-1 projects"


def _count(n: int) -> str:
    """Small counts in words: a sentence's digits must be in the passage it cites, and the rule's are not."""
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


def _who(member: Partner) -> str:
    """How a sentence names a consortium member: "your company", "the partner from Portugal", "C (Spain)"."""
    if member.name == "your company":
        return member.name
    country = geo.COUNTRIES.get(member.country or "")
    if re.fullmatch(r"partner \d+(?:\.\d+)?", member.name):
        return f"the partner from {country.display}" if country else "a partner"
    return f"{member.name} ({country.name})" if country else member.name


def _countries(groups: dict[str, list[Partner]]) -> str:
    """ "France, Germany" or "France (two entities), Germany"."""
    parts = []
    for code, group in groups.items():
        many = f" ({_count(len(group))} entities)" if len(group) > 1 else ""
        parts.append(f"{geo.COUNTRIES[code].name}{many}")
    return ", ".join(parts)


def _consortium_findings(profile: CompanyProfile) -> list[Finding]:
    """The Horizon 2020 consortium rule: three independent legal entities in three different eligible countries.

    A member tied to another (a subsidiary, a parent, a sister company) is not independent, so it does not count
    as one of the three; when nobody said whether the members are independent, the verdict is conditional."""
    members: list[Partner] = []
    if profile.country:
        members.append(Partner("your company", profile.country, None))
    members += profile.partners
    eligible: dict[str, list[Partner]] = {}
    counted: dict[str, list[Partner]] = {}
    outside: list[Partner] = []
    unknown = [p for p in members if p.country is None]
    for member in members:
        if member.country is None:
            continue
        if geo.h2020_status(member.country) == "not_eligible":
            outside.append(member)
            continue
        eligible.setdefault(member.country, []).append(member)
        if member.independent is not False:
            counted.setdefault(member.country, []).append(member)
    dependent = [p for p in members if p.independent is False and p.country in eligible]
    missing = [ASK["partner_country"]] if unknown else []
    findings: list[Finding] = []
    if len(counted) >= 3:
        settled = all(p.independent for p in profile.partners) and bool(profile.partners)
        names = ", ".join(geo.COUNTRIES[c].name for c in counted)
        if settled:
            text = (
                f"Your consortium meets {_ACTION}, with independent legal entities in {_count(len(counted))} "
                f"different eligible countries ({names}): {_RULE}, independent of each other."
            )
            code, asks = "consortium.met", missing
        else:
            which = "the three are" if len(members) == 3 else "three of them, in different countries, are"
            text = (
                f"Your consortium meets {_ACTION} if {which} independent of each other: it has legal entities in "
                f"{_count(len(counted))} different eligible countries ({names}), and the rule is {_RULE}, "
                "independent of each other."
            )
            code, asks = "consortium.met_if_independent", [*missing, ASK["independence"]]
        findings.append(Finding("consortium", text, _RULE_QUERY, ["three", "independent"], asks, code))
    elif len(eligible) >= 3 and dependent:
        who = "; ".join(f"{_who(p)} is {p.relation or 'linked to another member'}" for p in dependent)
        names = _countries(counted) or "none"
        text = (
            f"Your consortium does not meet {_ACTION}: {who}, so it is not independent of the others, which "
            f"leaves independent legal entities in only {_count(len(counted))} different eligible "
            f"countr{'y' if len(counted) == 1 else 'ies'} ({names}); the rule is {_RULE}, independent of each other."
        )
        findings.append(
            Finding(
                "consortium",
                text,
                _RULE_QUERY,
                ["three", "independent"],
                [*missing, ASK["third_country"]],
                "consortium.not_met.not_independent",
            )
        )
    else:
        have = _countries(eligible) or "none"
        n = len(eligible)
        text = (
            f"Your consortium does not meet {_ACTION}: it has legal entities in only {_count(n)} different eligible "
            f"countr{'y' if n == 1 else 'ies'} ({have}), and an INNOSUP-1 project needs {_RULE}, independent of "
            "each other."
        )
        findings.append(
            Finding(
                "consortium",
                text,
                _RULE_QUERY,
                ["three", "independent"],
                [*missing, ASK["third_country"]],
                "consortium.not_met",
            )
        )
    if outside:
        listed = ", ".join(_who(p) for p in outside)
        listed = listed[0].upper() + listed[1:]
        many = len(outside) > 1
        findings.append(
            Finding(
                "consortium",
                f"{listed} can join only as {'beneficiaries' if many else 'a beneficiary'} without EU funding and "
                f"{'do' if many else 'does'} not count towards the minimum of three entities from three different "
                "Member States or associated countries.",
                "organisation from a country not eligible for funding does not count towards the minimum",
                ["not eligible", "minimum"],
                code="consortium.outside",
            )
        )
    if len(counted) >= 3 and len(members) > 3:
        findings.append(
            Finding(
                "consortium",
                "Partners beyond the minimum three need not be independent or come from different countries, but "
                "the consortium must still meet the minimum at all times, also if a partner leaves.",
                "additional partners beyond the minimum three independent different countries partner leaves",
                ["beyond the minimum", "leaves"],
                code="consortium.extra_partners",
            )
        )
    return findings


# --- support and calls ----------------------------------------------------------------------------------------


def _support_findings(schemes: list[str], result: CategoryResult, profile: CompanyProfile) -> list[Finding]:
    findings: list[Finding] = []
    if "innosup-1" in schemes:
        if result.is_sme is False:
            findings.append(
                Finding(
                    "support",
                    "Your company is not an SME, so the INNOSUP-1 support for SMEs does not apply to it; any legal "
                    "entity from a Horizon 2020 country could still be a partner in an INNOSUP-1 project.",
                    "any legal entity from Horizon 2020 countries partner INNOSUP-1 project minimum 3 countries",
                    ["legal entity", "Horizon 2020"],
                    code="support.innosup.not_sme",
                )
            )
        else:
            findings.append(
                Finding(
                    "support",
                    "An SME could receive up to EUR 60,000 of equity-free support from an INNOSUP-1 project, "
                    "through the open calls that INNOSUP-1 projects ran for SMEs (financial support to third "
                    "parties, or cascade funding).",
                    "SME up to EUR 60,000 equity-free support INNOSUP-1 project open calls",
                    ["EUR 60,000", "INNOSUP-1"],
                    code="support.innosup.fstp",
                )
            )
    if "clusterxchange" in schemes:
        findings.append(
            Finding(
                "support",
                "ClusterXchange is open to cluster organisations and business network organisations, to "
                "scaling-up support organisations that are members of a cluster, and to SMEs that are members of "
                "a cluster.",
                "who can take part in ClusterXchange SMEs that are members of a cluster",
                ["ClusterXchange", "members of a cluster"],
                [ASK["cluster_member"]] if profile.cluster_member is None else [],
                "support.cxc.participants",
            )
        )
        findings.append(
            Finding(
                "support",
                "A ClusterXchange visitor receives a lump sum for travel and accommodation; the maximum financial "
                "contribution per visiting organisation is EUR 1,100.",
                "ClusterXchange lump sum maximum financial contribution per visiting organisation EUR 1,100",
                ["EUR 1,100", "visiting organisation"],
                code="support.cxc.lump_sum",
            )
        )
        findings.append(
            Finding(
                "support",
                "The ClusterXchange lump sum is halved if the exchange lasts less than 5 working days or if the "
                "host and the visitor are less than 200 km apart.",
                "ClusterXchange lump sum halved less than 5 working days 200 km apart",
                ["halved", "200 km"],
                code="support.cxc.halved",
            )
        )
    return findings


def _calls_findings(schemes: list[str], calls: list[CallRecord] | None, today: date | None) -> list[Finding]:
    if "innosup-1" not in schemes:
        return []
    findings: list[Finding] = []
    closed = today is None or today > LAST_INNOSUP_DEADLINE
    if calls and today is not None:
        innosup = [r for r in calls if r.programme == "INNOSUP-1" or find_calls([r], "INNOSUP-1")]
        # A cut-off's own record knows its opening date; the whole topic's record beside it does not.
        for record in specific_records(innosup, today):
            status = status_on(record, today)
            said, dates = status_sentence(record, status)
            if not status.is_upcoming or not said:
                continue
            findings.append(
                Finding(
                    "calls",
                    f"{said}.",
                    f"{record.name} {record.title} deadline",
                    [format_date(d) for d in dict.fromkeys(dates)],
                    code=f"calls.{status.state.value}",
                )
            )
        findings.sort(key=lambda f: f.code != "calls.open")  # an open call first: it is the one to apply to
        closed = closed and not findings
    if closed:
        findings.append(
            Finding(
                "calls",
                "All INNOSUP-1 calls under Horizon 2020 are closed; the last deadline was 8 September 2020.",
                "all INNOSUP-1 calls under Horizon 2020 are closed last deadline 8 September 2020",
                ["8 September 2020"],
                code="calls.innosup.closed",
            )
        )
        findings.append(
            Finding(
                "calls",
                "After INNOSUP-1, cluster-led cascade funding for SMEs continued under the Single Market Programme "
                "through the Euroclusters (call SMP-COSME-2021-CLUSTER-01).",
                "cluster-led cascade funding for SMEs continued Single Market Programme Euroclusters",
                ["Euroclusters", "Single Market Programme"],
                code="calls.successor",
            )
        )
    return findings


# --- the check ------------------------------------------------------------------------------------------------


def check(
    profile: CompanyProfile,
    scheme: str | None = None,
    *,
    calls: Iterable[CallRecord] | None = None,
    today: date | None = None,
) -> CheckResult:
    """Combine the rules into findings for ``scheme`` ("innosup-1", "clusterxchange"; None checks both).

    ``calls`` and ``today`` (the lead passes settings.today or the clock) let the calls findings come from the
    corpus dates; without them the check states the fixed fact that INNOSUP-1 closed on 8 September 2020.
    """
    notes = list(profile.notes)
    chosen = normalise_scheme(scheme) if scheme else profile.scheme
    if scheme and chosen is None:
        notes.append(
            f"The scheme {scheme!r} is not one the check knows; INNOSUP-1 and ClusterXchange are checked."
        )
    schemes = [chosen] if chosen else ["innosup-1", "clusterxchange"]
    ownership = assess_ownership(profile.holdings, profile.ownership_stated)
    own = (
        profile.headcount,
        profile.turnover.eur if profile.turnover else None,
        profile.balance_sheet.eur if profile.balance_sheet else None,
    )
    combined = (
        aggregate(*own, ownership) if ownership.relation in (Relation.PARTNER, Relation.LINKED) else None
    )
    aggregated = combined is not None
    result = classify(*(combined or own))
    provisional = ownership.relation is not Relation.AUTONOMOUS and not aggregated
    findings = category_findings(result, aggregated, profile)
    findings += ownership_findings(ownership)
    findings += _country_findings(profile.country, schemes)
    if profile.partners and "innosup-1" in schemes:
        findings += _consortium_findings(profile)
    findings += _support_findings(schemes, result, profile)
    findings += _calls_findings(schemes, list(calls) if calls is not None else None, today)
    missing = [ASK[m] for m in result.missing]
    if profile.country is None:
        missing.append(ASK["country"])
    missing += [ASK[m] for m in ownership.missing if m in ASK]
    missing += [m for f in findings for m in f.missing]
    missing += profile.unclear
    return CheckResult(
        category=result.category.value,
        possible_categories=[c.value for c in result.possible],
        is_sme=result.is_sme,
        provisional=provisional,
        ownership=ownership.relation.value,
        scheme=chosen,
        findings=findings,
        missing=list(dict.fromkeys(missing)),
        notes=notes,
        profile=profile,
        figures={"headcount": result.headcount, "turnover": result.turnover, "balance": result.balance},
    )
