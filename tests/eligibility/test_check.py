"""The self-check: findings, what is missing, and the words the corpus must hold to cite them."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answering.citations import check_answer
from assistant.answering.selfcheck import given_figures, run_self_check
from assistant.calls import CallRecord, Deadline
from assistant.documents.model import Chunk
from assistant.eligibility import CheckResult, CompanyProfile, check, parse_profile
from assistant.eligibility.findings import KINDS
from assistant.eligibility.numbers import Money
from assistant.eligibility.profile import Partner
from assistant.eligibility.sme import Holding

M = 1_000_000
EXAMPLE = "we are 40 people in Poland with EUR 8 million turnover, can we get support?"


def codes(result: CheckResult, kind: str | None = None) -> list[str]:
    return [f.code for f in result.findings if kind is None or f.kind == kind]


def finding(result: CheckResult, code: str):
    return next(f for f in result.findings if f.code == code)


def test_the_issue_example() -> None:
    result = check(parse_profile(EXAMPLE), None)
    assert result.category == "small"
    assert result.is_sme is True
    assert result.provisional is True  # ownership not stated
    small = finding(result, "category.small")
    assert small.text.startswith(
        "With 40 staff and a turnover of EUR 8 million, your company is a small enterprise"
    )
    assert "fewer than 50 staff" in small.text and "EUR 10 million" in small.text
    assert small.support_terms == ["fewer than 50 staff", "EUR 10 million"]
    assert "category.either_or" in codes(result)
    assert "ownership.ask" in codes(result)
    assert {"country.h2020.member_state", "country.cosme.member_state"} <= set(codes(result))
    assert {"support.innosup.fstp", "support.cxc.lump_sum", "support.cxc.halved"} <= set(codes(result))
    assert {"calls.innosup.closed", "calls.successor"} <= set(codes(result))
    assert any("25 %" in m for m in result.missing)
    assert "whether your company is a member of a cluster" in result.missing


def test_every_finding_is_citable_and_well_formed() -> None:
    texts = [
        EXAMPLE,
        "260 staff in Norway",
        "a business angel holds 30 % and invested EUR 2 million; 12 staff in Turkey",
        "another company holds 60 % of our shares, 20 staff, EUR 3M turnover, USA",
        "we are independent, 45 employees, Italy, consortium with partners in Germany and the USA",
        "turnover 8 mln zł, 40 pracowników, Polska",
        "headcount unknown, turnover EUR 3 million, Kosovo",
    ]
    for text in texts:
        for scheme in (None, "innosup-1", "clusterxchange"):
            for f in check(parse_profile(text), scheme).findings:
                assert f.kind in KINDS
                assert f.text and f.support and f.support_terms and f.code
                assert f.text.endswith(".")


def test_turnover_above_small_with_unknown_balance_sheet_says_what_is_missing() -> None:
    result = check(CompanyProfile(headcount=40, turnover=Money(12 * M), country="PL"), "innosup-1")
    assert result.category == "unknown"
    assert result.possible_categories == ["small", "medium"]
    assert result.is_sme is True
    could = finding(result, "category.could_be.small")
    assert "balance-sheet total is no more than EUR 10 million" in could.text
    assert could.missing == ["your annual balance-sheet total in euro"]
    assert "category.at_most.medium" in codes(result)
    assert result.missing[0] == "your annual balance-sheet total in euro"


def test_missing_headcount_is_asked_for() -> None:
    result = check(CompanyProfile(turnover=Money(1 * M)), "innosup-1")
    assert "category.headcount_needed" in codes(result)
    assert "your staff headcount" in result.missing


@pytest.mark.parametrize(
    ("profile", "code"),
    [
        (CompanyProfile(headcount=250, turnover=Money(1 * M)), "category.not_sme.staff"),
        (
            CompanyProfile(headcount=100, turnover=Money(51 * M), balance_sheet=Money(44 * M)),
            "category.not_sme.financial",
        ),
    ],
)
def test_not_an_sme(profile: CompanyProfile, code: str) -> None:
    result = check(profile, "innosup-1")
    assert result.category == "not_sme"
    assert result.is_sme is False
    assert code in codes(result)
    assert "support.innosup.not_sme" in codes(result)
    assert "support.innosup.fstp" not in codes(result)


def test_either_or_finding_when_one_ceiling_is_missed() -> None:
    result = check(
        CompanyProfile(headcount=40, turnover=Money(15 * M), balance_sheet=Money(8 * M)), "innosup-1"
    )
    assert result.category == "small"
    assert "turnover above the ceiling does not matter" in finding(result, "category.either_or").text


def test_no_either_or_finding_when_both_figures_agree() -> None:
    result = check(
        CompanyProfile(headcount=40, turnover=Money(5 * M), balance_sheet=Money(8 * M)), "innosup-1"
    )
    assert "category.either_or" not in codes(result)


def test_a_figure_in_another_currency_is_not_converted() -> None:
    result = check(parse_profile("turnover 8 mln zł, 40 pracowników, Polska"), "innosup-1")
    currency = finding(result, "category.currency")
    assert "PLN 8 million" in currency.text and "euro" in currency.text
    assert result.category == "unknown"
    assert "your annual turnover in euro" in result.missing


@pytest.mark.parametrize(
    ("holdings", "stated", "ownership", "code"),
    [
        ([], True, "autonomous", "ownership.autonomous"),
        ([Holding(20)], True, "autonomous", "ownership.autonomous"),
        ([Holding(25)], True, "partner", "ownership.partner"),
        ([Holding(51)], True, "linked", "ownership.linked"),
        ([Holding(30, holder="venture_capital")], True, "autonomous", "ownership.exempt.venture_capital"),
        ([Holding(30, holder="business_angel", investment_eur=1 * M)], True, "autonomous", "ownership.exempt.business_angel"),
        ([Holding(30, holder="business_angel")], True, "unknown", "ownership.angel_amount"),
        ([Holding(30, holder="business_angel", investment_eur=1.25 * M)], True, "partner", "ownership.partner.business_angel"),
        ([Holding(30, holder="local_authority")], True, "unknown", "ownership.local_authority_size"),
        ([Holding(None, holder="group")], True, "linked", "ownership.group"),
        ([], False, "unknown", "ownership.ask"),
    ],
)  # fmt: skip
def test_ownership_findings(holdings: list[Holding], stated: bool, ownership: str, code: str) -> None:
    profile = CompanyProfile(headcount=20, turnover=Money(3 * M), holdings=holdings, ownership_stated=stated)
    result = check(profile, "innosup-1")
    assert result.ownership == ownership
    assert code in codes(result, "ownership")
    assert result.provisional is (ownership != "autonomous")


def test_ownership_caveat_names_exactly_the_investors_of_the_sources() -> None:
    result = check(CompanyProfile(headcount=20), "innosup-1")
    text = finding(result, "ownership.exempt_investors").text
    for investor in (
        "public investment corporations",
        "venture capital companies",
        "business angels",
        "universities and non-profit research centres",
        "institutional investors including regional development funds",
        "small autonomous local authorities",
    ):
        assert investor in text
    assert "1.25 million" in finding(result, "ownership.limits").text


def test_partner_figures_are_added_when_given() -> None:
    partner = Holding(40, direction="by_us", headcount=30, turnover=10 * M)
    result = check(CompanyProfile(headcount=40, turnover=Money(5 * M), holdings=[partner]), "innosup-1")
    assert result.category == "medium"  # 40 + 12 staff, EUR 9 million
    assert "partner and linked enterprises included" in finding(result, "category.medium").text
    assert result.provisional is False


@pytest.mark.parametrize(
    ("country", "scheme", "code"),
    [
        ("PL", "innosup-1", "country.h2020.member_state"),
        ("NO", "innosup-1", "country.h2020.associated"),
        ("CH", "innosup-1", "country.h2020.associated"),
        ("TR", "innosup-1", "country.h2020.associated"),
        ("GB", "innosup-1", "country.h2020.uk"),
        ("US", "innosup-1", "country.h2020.not_eligible"),
        ("XK", "innosup-1", "country.h2020.not_eligible"),
        ("XK", "innosup-1", "country.h2020.cosme_only"),
        ("PL", "clusterxchange", "country.cosme.member_state"),
        ("TR", "clusterxchange", "country.cosme.participant"),
        ("XK", "clusterxchange", "country.cosme.participant"),
        ("NO", "clusterxchange", "country.cosme.not_eligible"),
        ("CH", "clusterxchange", "country.cosme.not_eligible"),
        ("GB", "clusterxchange", "country.cosme.not_eligible"),
        ("US", "clusterxchange", "country.cosme.not_eligible"),
        (None, "innosup-1", "country.unknown"),
    ],
)
def test_country_findings(country: str | None, scheme: str, code: str) -> None:
    result = check(CompanyProfile(headcount=20, country=country), scheme)
    assert code in codes(result, "country")
    other = "country.cosme" if scheme == "innosup-1" else "country.h2020"
    assert not any(c.startswith(other) for c in codes(result, "country"))


def test_norway_switzerland_name_themselves_in_the_cosme_finding() -> None:
    result = check(CompanyProfile(country="NO"), "clusterxchange")
    assert finding(result, "country.cosme.not_eligible").support_terms == ["Norway", "COSME"]


@pytest.mark.parametrize(
    ("own", "partners", "code", "missing"),
    [
        ("PL", [("A", "DE", True), ("B", "NO", True)], "consortium.met", []),
        (
            "PL",
            [("A", "DE", None), ("B", "NO", None)],
            "consortium.met_if_independent",
            ["whether the three partners are independent"],
        ),
        ("PL", [("A", "DE", True)], "consortium.not_met", ["a partner from a third"]),
        ("PL", [("A", "DE", True), ("B", "DE", True)], "consortium.not_met", ["a partner from a third"]),
        ("PL", [("A", "DE", True), ("B", "US", True)], "consortium.not_met", ["a partner from a third"]),
        ("PL", [("A", "DE", True), ("B", "GB", True)], "consortium.met", []),
        (None, [("A", "DE", True), ("B", "FR", True), ("C", "ES", True)], "consortium.met", []),
        ("PL", [("A", None, True), ("B", "FR", True)], "consortium.not_met", ["the country of each"]),
        ("ES", [("A", "PT", False), ("B", "IT", None)], "consortium.not_met.not_independent", ["a partner from a third"]),
        ("ES", [("A", "PT", False), ("B", "IT", True), ("C", "FR", True)], "consortium.met_if_independent",
         ["whether the three partners are independent"]),
    ],
)  # fmt: skip
def test_consortium_rule(own: str | None, partners: list, code: str, missing: list[str]) -> None:
    profile = CompanyProfile(country=own, partners=[Partner(n, c, i) for n, c, i in partners])
    result = check(profile, "innosup-1")
    found = finding(result, code)
    assert result.by_kind("consortium")[0].code == code  # one verdict, and it leads
    for needle in missing:
        assert any(needle in m for m in found.missing), (needle, found.missing)
    if not missing:
        assert found.missing == []


@pytest.mark.parametrize(
    ("text", "verdict", "says"),
    [
        ("Our consortium has three partners: one from France, one from Germany and one from Norway. Eligible?",
         "consortium.met_if_independent", ["meets", "if the three are independent of each other", "France, Germany, Norway"]),
        ("Our consortium has three partners from France, Germany and Italy, all independent. Does it meet the rule?",
         "consortium.met", ["meets", "with independent legal entities in three different eligible countries"]),
        ("Our consortium has three partners: two from France and one from Germany. Is that eligible?",
         "consortium.not_met", ["does not meet", "only two different eligible countries", "France (two entities)"]),
        ("Our consortium has three partners from France, Germany and the USA. Eligible for INNOSUP-1?",
         "consortium.not_met", ["does not meet", "only two different eligible countries (France, Germany)"]),
        ("We are a Spanish company; our partners are our own subsidiary in Portugal and a university in Italy. "
         "Is the consortium eligible?", "consortium.not_met.not_independent",
         ["does not meet", "the partner from Portugal is your own subsidiary", "not independent", "(Spain, Italy)"]),
        ("Our consortium: a company from Spain, its subsidiary from Portugal and a university from Italy. Eligible?",
         "consortium.not_met.not_independent", ["does not meet", "a subsidiary of another member"]),
        ("We are a French SME; our consortium partners are a company in France and one in Germany. Eligible?",
         "consortium.not_met", ["does not meet", "France (two entities), Germany"]),
    ],
)  # fmt: skip
def test_consortium_verdict_from_text(text: str, verdict: str, says: list[str]) -> None:
    result = check(parse_profile(text), "innosup-1")
    first = result.by_kind("consortium")[0]
    assert first.code == verdict
    for words in says:
        assert words in first.text, (words, first.text)
    if "not_met" in verdict:
        assert "meets" not in first.text.replace("does not meet", "")


def test_consortium_extras() -> None:
    profile = CompanyProfile(
        country="PL",
        partners=[
            Partner("A", "DE", True),
            Partner("B", "DE", True),
            Partner("D", "FR", True),
            Partner("C", "US", True),
        ],
    )
    result = check(profile, "innosup-1")
    assert codes(result, "consortium") == [
        "consortium.met",
        "consortium.outside",
        "consortium.extra_partners",
    ]
    assert finding(result, "consortium.outside").text.startswith("C (United States) can join only")
    # Below the minimum, partners "beyond the minimum" make no sense: no extra-partners finding then.
    short = CompanyProfile(country="PL", partners=[Partner("A", "DE", True), Partner("B", "DE", True)])
    assert "consortium.extra_partners" not in codes(check(short, "innosup-1"))


def test_no_consortium_findings_for_clusterxchange() -> None:
    profile = CompanyProfile(country="PL", partners=[Partner("A", "DE")])
    assert codes(check(profile, "clusterxchange"), "consortium") == []


def test_scheme_selects_support_findings() -> None:
    innosup = codes(check(CompanyProfile(headcount=5), "innosup-1"), "support")
    cxc = codes(check(CompanyProfile(headcount=5), "clusterxchange"), "support")
    assert innosup == ["support.innosup.fstp"]
    assert cxc == ["support.cxc.participants", "support.cxc.lump_sum", "support.cxc.halved"]
    assert codes(check(CompanyProfile(headcount=5), "clusterxchange"), "calls") == []


def test_support_figures_are_those_of_the_sources() -> None:
    result = check(CompanyProfile(headcount=5), None)
    assert "EUR 60,000" in finding(result, "support.innosup.fstp").text
    assert "EUR 1,100" in finding(result, "support.cxc.lump_sum").text
    halved = finding(result, "support.cxc.halved").text
    assert "5 working days" in halved and "200 km" in halved


def test_unknown_scheme_checks_both_and_says_so() -> None:
    result = check(CompanyProfile(headcount=5), "Erasmus+")
    assert result.scheme is None
    assert "support.innosup.fstp" in codes(result) and "support.cxc.lump_sum" in codes(result)
    assert any("Erasmus+" in note for note in result.notes)


def test_scheme_named_in_the_message_is_used() -> None:
    result = check(parse_profile("We are 5 people in Kosovo, can we join ClusterXchange?"))
    assert result.scheme == "clusterxchange"
    assert "country.cosme.participant" in codes(result)


def _cutoff_2020() -> CallRecord:
    return CallRecord(
        "call-innosup-01-2018-2020-cutoff-2020",
        "INNOSUP-01-2018-2020, 2020 cut-off",
        ("INNOSUP-01-2018-2020",),
        date(2019, 11, 7),
        (Deadline(date(2020, 4, 2), "first stage"), Deadline(date(2020, 9, 8), "second stage")),
        25_150_000,
        "INNOSUP-1",
    )


def _topic() -> CallRecord:
    """The whole topic, as filed beside its cut-offs: no opening date, every cut-off's deadlines."""
    return CallRecord(
        "call-innosup-01-2018-2020",
        "INNOSUP-01-2018-2020: cluster facilitated projects for new industrial value chains (whole topic)",
        ("INNOSUP-01-2018-2020",),
        None,
        (
            Deadline(date(2018, 4, 12), "2018 cut-off, first stage"),
            Deadline(date(2020, 4, 2), "2020 cut-off, first stage"),
            Deadline(date(2020, 9, 8), "2020 cut-off, second stage"),
        ),
        None,
        "INNOSUP-1",
    )


@pytest.mark.parametrize(
    ("today", "code", "text", "terms"),
    [
        (date(2019, 10, 1), "calls.not_yet_open",
         "INNOSUP-01-2018-2020, 2020 cut-off is not yet open: it opens on 7 November 2019, with deadlines on "
         "2 April 2020 (first stage) and 8 September 2020 (second stage).",
         ["7 November 2019", "2 April 2020", "8 September 2020"]),
        (date(2020, 1, 15), "calls.open",
         "INNOSUP-01-2018-2020, 2020 cut-off is open: next deadline 2 April 2020 (first stage), then "
         "8 September 2020 (second stage).", ["2 April 2020", "8 September 2020"]),
        (date(2020, 6, 1), "calls.between_stages",
         "INNOSUP-01-2018-2020, 2020 cut-off is between stages: the deadline of 2 April 2020 (first stage) has "
         "passed; next deadline 8 September 2020 (second stage).", ["2 April 2020", "8 September 2020"]),
    ],
)  # fmt: skip
def test_calls_findings_follow_the_call_dates(today: date, code: str, text: str, terms: list[str]) -> None:
    profile = CompanyProfile(headcount=5)
    # The topic's record (no opening date, an old deadline) is dropped for the cut-off that holds the same dates.
    during = check(profile, "innosup-1", calls=[_topic(), _cutoff_2020()], today=today)
    (found,) = during.by_kind("calls")
    assert (found.code, found.text, found.support_terms) == (code, text, terms)
    assert "do not say when" not in found.text and "12 April 2018" not in found.text
    after = check(profile, "innosup-1", calls=[_topic(), _cutoff_2020()], today=date(2026, 1, 1))
    assert codes(after, "calls") == ["calls.innosup.closed", "calls.successor"]


def test_to_dict_is_plain_data() -> None:
    import json

    data = check(parse_profile(EXAMPLE)).to_dict()
    assert json.loads(json.dumps(data))["category"] == "small"


def test_declared_linked_enterprise_from_a_form_is_added_in_full() -> None:
    profile = CompanyProfile.from_form(
        {
            "headcount": 20,
            "turnover": 3e6,
            "holdings": [{"relation": "linked", "headcount": 100, "turnover": 30e6}],
        }
    )
    result = check(profile, "innosup-1")
    assert result.ownership == "linked"
    assert result.category == "medium"  # 120 staff, EUR 33 million
    assert result.provisional is False


def test_a_company_at_a_smaller_category_s_staff_ceiling_is_told_why_it_is_not_in_it() -> None:
    result = check(
        parse_profile("We have 50 staff and EUR 6 million turnover. Are we still a small enterprise?"), None
    )
    assert result.category == "medium"
    assert "fewer than 50 staff" in finding(result, "category.not.small").text
    assert "category.not.micro" not in codes(result)


# --- the self-check as an answer: which findings are shown, and the user's own figures -------------------------


def _chunk(text: str) -> Chunk:
    return Chunk(
        chunk_id="rules:0",
        doc_id="rules",
        text=text,
        title="Rules",
        section="",
        page=None,
        url="https://example.org",
        doc_type="guide",
        programme="",
        call_ids=(),
        language="en",
        position=0,
        content_hash="x",
    )


ANY = _chunk("any rule")


def _shown(question: str) -> list[str]:
    answer = run_self_check(question, lambda query, terms: (ANY, "quote"), [], date(2026, 1, 1))
    return [text for text, _, _ in answer.sentences]


def test_the_default_ownership_caveat_names_the_investors_that_keep_autonomy() -> None:
    shown = _shown(EXAMPLE)
    caveat = [t for t in shown if "25 %" in t]
    assert caveat[0].startswith("This result uses your own figures only")
    assert "venture capital companies, business angels investing less than EUR 1.25 million" in caveat[1]
    assert "universities" in caveat[1] and "small autonomous local authorities" in caveat[1]


@pytest.mark.parametrize(
    ("question", "first", "absent"),
    [
        ("Our consortium has three partners: one from France, one from Germany and one from Norway. Eligible for "
         "INNOSUP-1?", "Your consortium meets", ["enterprise under the EU SME definition", "This result uses"]),
        ("Our consortium has three partners from France, Germany and the USA. Eligible for INNOSUP-1?",
         "Your consortium does not meet", ["could be a micro enterprise"]),
        ("We are a French SME with 20 staff; our consortium partners are a company in France and one in Germany. "
         "Is our consortium eligible for Horizon 2020?", "Your consortium does not meet", []),
    ],
)  # fmt: skip
def test_a_consortium_question_leads_with_its_verdict(question: str, first: str, absent: list[str]) -> None:
    shown = _shown(question)
    assert shown[0].startswith(first), shown
    assert not any(words in text for words in absent for text in shown)


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("we have 40 staff and EUR 8M turnover, are we an SME?", ["40 staff", "EUR 8 million"]),
        ("we have 40 staff and 8 Mio € Umsatz, are we an SME?", ["40 staff", "EUR 8 million"]),
        ("we have 40 staff and 8 mln zł turnover, are we an SME?", ["40 staff", "PLN 8 million"]),
        ("we have 40 staff and EUR 8M turnover, a business angel invested EUR 1 million for 35 %. SME?",
         ["40 staff", "EUR 8 million", "35 %", "EUR 1 million"]),
        ("Our turnover is EUR 8,000,000 and we have 40 staff. Are we an SME?", ["40 staff", "EUR 8 million"]),
    ],
)  # fmt: skip
def test_the_users_own_figures_pass_the_citation_check_in_any_written_form(
    question: str, figures: list[str]
) -> None:
    answer = run_self_check(question, lambda query, terms: (ANY, "quote"), [], date(2026, 1, 1))
    given = given_figures(answer)
    for words in figures:
        assert words in given, (words, given)
    rule = _chunk(
        "A small enterprise has fewer than 50 staff and no more than EUR 10 million; micro: fewer than 10."
    )
    sentence = answer.sentences[0][0].rstrip(".") + " [1]."  # the category, stated with the figures
    assert check_answer(sentence, {1: rule}, {rule.chunk_id}, given=f"{question}; {given}").ok
    if "8M" in question:  # as written, "8M" holds no figure "8": without the parsed forms the check fails
        assert not check_answer(sentence, {1: rule}, {rule.chunk_id}, given=question).ok
