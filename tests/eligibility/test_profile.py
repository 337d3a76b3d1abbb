"""Reading a company's facts from a chat message or a form."""

from __future__ import annotations

import pytest

from assistant.eligibility.numbers import Money
from assistant.eligibility.profile import (
    CompanyProfile,
    asks_about_consortium,
    asks_about_country_eligibility,
    detect_eligibility_question,
    detect_scheme,
    normalise_scheme,
    parse_profile,
)

M = 1_000_000


@pytest.mark.parametrize(
    ("text", "headcount", "turnover", "balance", "country"),
    [
        ("we are 40 people in Poland with EUR 8 million turnover, can we get support?", 40, Money(8 * M), None, "PL"),
        ("Jesteśmy polską firmą, zatrudniamy 40 osób, obrót 8 mln zł.", 40, Money(8 * M, "PLN"), None, "PL"),
        ("Nous sommes 45 salariés en France, chiffre d'affaires 9 M€, bilan de 5 millions d'euros.", 45,
         Money(9 * M), Money(5 * M), "FR"),
        ("Wir haben 120 Mitarbeiter in Deutschland, Umsatz 8 Mio, Bilanzsumme 30 Mio. EUR", 120, Money(8 * M),
         Money(30 * M), "DE"),
        ("Somos 30 empleados en España con una facturación de 8 millones de euros", 30, Money(8 * M), None, "ES"),
        ("Siamo 45 dipendenti in Italia, fatturato di 8 milioni di euro", 45, Money(8 * M), None, "IT"),
        ("40 FTE, turnover of 12m, based in Norway", 40, Money(12 * M), None, "NO"),
    ],
)  # fmt: skip
def test_parse_profile_in_six_languages(
    text: str, headcount: float, turnover: Money | None, balance: Money | None, country: str
) -> None:
    profile = parse_profile(text)
    assert profile.headcount == headcount
    assert profile.turnover == turnover
    assert profile.balance_sheet == balance
    assert profile.country == country


def test_a_figure_without_currency_is_read_as_euro_and_said_so() -> None:
    profile = parse_profile("40 staff, turnover of 12m")
    assert profile.turnover == Money(12 * M, "EUR")
    assert any("No currency" in note for note in profile.notes)


def test_an_amount_that_is_neither_turnover_nor_balance_sheet_is_asked_about() -> None:
    profile = parse_profile("We have EUR 8 million and 40 staff")
    assert profile.turnover is None and profile.balance_sheet is None
    assert profile.unclear == ["EUR 8 million: is this your annual turnover or your balance-sheet total?"]


@pytest.mark.parametrize(
    ("text", "holder", "share", "direction", "investment"),
    [
        (
            "A business angel holds 30 % of our shares after investing EUR 1 million",
            "business_angel",
            30,
            "in_us",
            1e6,
        ),
        ("A venture capital fund owns 40 % of the company", "venture_capital", 40, "in_us", None),
        ("Die Universität hält 30 % der Anteile", "university", 30, "in_us", None),
        ("We hold 35 % of another company", "enterprise", 35, "by_us", None),
        ("A municipality owns 30 % of us", "local_authority", 30, "in_us", None),
        # The direction is read in the clause that holds the percentage, not in the whole sentence before it.
        ("we have 40 staff and EUR 8M turnover, a venture capital fund holds 30 % of our shares. are we an SME?",
         "venture_capital", 30, "in_us", None),
        ("we have 40 staff and EUR 8M turnover, a business angel invested EUR 1 million for 35 %. are we an SME?",
         "business_angel", 35, "in_us", 1e6),
        ("We have 40 staff and a company holds 30 % of our capital", "enterprise", 30, "in_us", None),
        ("We have 40 staff; 30 % of our shares are held by a university", "university", 30, "in_us", None),
        ("We are 30 % owned by an institutional investor", "institutional_investor", 30, "in_us", None),
        ("we have 40 staff and hold 30 % of a supplier", "enterprise", 30, "by_us", None),
        ("We have 40 staff and we own 35 % of another company", "enterprise", 35, "by_us", None),
        ("Our company holds a 40 % stake in a supplier", "enterprise", 40, "by_us", None),
        ("We have a 30 % stake in a start-up", "enterprise", 30, "by_us", None),
        ("Wir haben 40 Mitarbeiter, ein Unternehmen hält 30 % unserer Anteile", "enterprise", 30, "in_us", None),
        ("Wir halten 30 % an einem Zulieferer", "enterprise", 30, "by_us", None),
        ("Nous avons 40 salariés, une société détient 30 % de notre capital", "enterprise", 30, "in_us", None),
    ],
)  # fmt: skip
def test_holdings_from_text(
    text: str, holder: str, share: float, direction: str, investment: float | None
) -> None:
    (holding,) = parse_profile(text).holdings
    assert (holding.holder, holding.share, holding.direction, holding.investment_eur) == (
        holder,
        share,
        direction,
        investment,
    )


def test_a_percentage_that_is_not_about_ownership_is_ignored() -> None:
    assert parse_profile("Our sales grew by 30 % last year").holdings == []


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("We are a subsidiary of a large group with 40 staff", True),
        ("We are a Spanish company; our partners are our own subsidiary in Portugal and a university.", True),
        # A partner's subsidiary says nothing about the company's own group.
        (
            "Our consortium: a company from Spain, its subsidiary from Portugal and a university from Italy.",
            False,
        ),
        ("We have 40 staff and partners in Germany, one of them a subsidiary of Siemens.", False),
    ],
)
def test_group_membership_is_read(text: str, group: bool) -> None:
    profile = parse_profile(text)
    assert ([h.holder for h in profile.holdings] == ["group"]) is group


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("We are an independent company with 20 staff", True),
        ("Wir sind ein unabhängiges Unternehmen", True),
        ("Jesteśmy niezależną firmą", True),
        ("We have 20 staff", False),
        ("We have 20 staff and three independent partners in Germany, France and Spain", False),
        ("Our consortium has three partners from France, Germany and Italy, all independent.", False),
        ("We are independent; our consortium partners are in Germany and Norway.", True),
    ],
)
def test_ownership_stated(text: str, stated: bool) -> None:
    assert parse_profile(text).ownership_stated is stated


def test_partners_from_text() -> None:
    profile = parse_profile("We are a Polish SME; our consortium partners are in Germany and Norway.")
    assert profile.country == "PL"
    assert [p.country for p in profile.partners] == ["DE", "NO"]


@pytest.mark.parametrize(
    ("text", "own", "partners"),
    [
        ("Our consortium has three partners: one from France, one from Germany and one from Norway.", None,
         [("FR", None), ("DE", None), ("NO", None)]),
        ("Our consortium has three partners: two from France and one from Germany.", None,
         [("FR", None), ("FR", None), ("DE", None)]),
        ("Our consortium has three partners from France, Germany and the USA.", None,
         [("FR", None), ("DE", None), ("US", None)]),
        ("Our consortium has three partners from France, Germany and Italy, all independent.", None,
         [("FR", True), ("DE", True), ("IT", True)]),
        ("We are a Spanish company; our partners are our own subsidiary in Portugal and a university in Italy.",
         "ES", [("PT", False), ("IT", None)]),
        ("We are a Spanish company; our partners are a university in Italy and our own subsidiary in Portugal.",
         "ES", [("IT", None), ("PT", False)]),
        ("Our consortium: a company from Spain, its subsidiary from Portugal and a university from Italy.", None,
         [("ES", None), ("PT", False), ("IT", None)]),
        ("We are a Polish SME working with partners in Germany and in Austria, which is our sister company.", "PL",
         [("DE", None), ("AT", False)]),
        ("We are a French SME; our consortium partners are a company in France and one in Germany.", "FR",
         [("FR", None), ("DE", None)]),
    ],
)  # fmt: skip
def test_consortium_members_their_number_and_independence(
    text: str, own: str | None, partners: list[tuple[str, bool | None]]
) -> None:
    profile = parse_profile(text)
    assert profile.country == own
    assert [(p.country, p.independent) for p in profile.partners] == partners
    assert all(p.relation for p in profile.partners if p.independent is False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our consortium has three partners: one from France, one from Germany and one from Norway. Eligible?", True),
        ("Our consortium: a company from Spain, its subsidiary from Portugal and a university from Italy. Eligible "
         "for Horizon 2020?", True),
        ("Our consortium has three partners from France, Germany and the USA. Eligible for INNOSUP-1?", True),
        ("We are a Polish SME; our consortium partners are in Germany and Norway. Can we apply?", True),
        ("Can a partner from the USA join an INNOSUP-1 consortium?", False),
        ("How many countries does an INNOSUP-1 consortium need?", False),
        ("Could a company from Norway, Israel or Turkey apply to an INNOSUP-1 project call?", False),
        ("Our consortium has partners in France and Germany.", False),
    ],
)  # fmt: skip
def test_a_consortium_with_its_countries_is_a_question_for_the_check(text: str, expected: bool) -> None:
    assert asks_about_consortium(text) is expected


def test_cluster_membership() -> None:
    assert parse_profile("We are a member of a regional cluster").cluster_member is True
    assert parse_profile("We are not a member of any cluster").cluster_member is False
    assert parse_profile("We have 20 staff").cluster_member is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we are 40 people in Poland with EUR 8 million turnover, can we get support?", True),
        ("Are we an SME with 40 staff and EUR 12m turnover?", True),
        ("Czy jesteśmy MŚP? Zatrudniamy 40 osób, obrót 8 mln zł.", True),
        ("Sommes-nous éligibles ? 45 salariés, chiffre d'affaires 9 M€", True),
        ("Können wir teilnehmen? Wir haben 120 Mitarbeiter.", True),
        ("¿Podemos participar? Somos 30 empleados en España", True),
        ("Possiamo partecipare? Siamo 45 dipendenti", True),
        ("We are a Norwegian company, can we take part in ClusterXchange?", True),
        ("What is the SME definition?", False),
        ("Is INNOSUP-1 still open?", False),
        ("What is the maximum per SME in INNOSUP-1 open calls?", False),
        ("How many staff does a small enterprise have?", False),
        ("We have 40 staff.", False),
        ("", False),
    ],
)
def test_detect_eligibility_question(text: str, expected: bool) -> None:
    assert detect_eligibility_question(text) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("INNOSUP-1", "innosup-1"),
        ("Horizon 2020", "innosup-1"),
        ("H2020", "innosup-1"),
        ("innosup-1", "innosup-1"),
        ("ClusterXchange", "clusterxchange"),
        ("COSME", "clusterxchange"),
        ("cxc", "clusterxchange"),
        ("Erasmus", None),
        (None, None),
    ],
)
def test_normalise_scheme(value: str | None, expected: str | None) -> None:
    assert normalise_scheme(value) == expected


def test_detect_scheme_needs_exactly_one() -> None:
    assert detect_scheme("Can we join an INNOSUP-1 open call?") == "innosup-1"
    assert detect_scheme("Can we go on a ClusterXchange visit?") == "clusterxchange"
    assert detect_scheme("INNOSUP-1 or ClusterXchange?") is None
    assert detect_scheme("Can we get support?") is None


def test_profile_from_form() -> None:
    profile = CompanyProfile.from_form(
        {
            "headcount": "40",
            "turnover": 8_000_000,
            "balance_sheet": "5 Mio",
            "country": "Pologne",
            "ownership": "independent",
            "partners": [
                {"name": "Uni A", "country": "DE"},
                "Cluster B (Norway)",
                {"name": "C", "country": "??"},
            ],
            "cluster_member": "yes",
            "scheme": "Horizon 2020",
        }
    )
    assert profile.headcount == 40
    assert profile.turnover == Money(8 * M)
    assert profile.balance_sheet == Money(5 * M)
    assert profile.country == "PL"
    assert profile.ownership_stated is True
    assert [(p.name, p.country) for p in profile.partners] == [
        ("Uni A", "DE"),
        ("Cluster B", "NO"),
        ("C", None),
    ]
    assert profile.cluster_member is True
    assert profile.scheme == "innosup-1"


def test_form_currency_applies_to_plain_numbers() -> None:
    profile = CompanyProfile.from_form({"turnover": 8_000_000, "currency": "pln"})
    assert profile.turnover == Money(8 * M, "PLN")


def test_form_holdings() -> None:
    profile = CompanyProfile.from_form(
        {"holdings": [{"share": 30, "holder": "business_angel", "investment": "EUR 1 million"}]}
    )
    (holding,) = profile.holdings
    assert (holding.share, holding.holder, holding.investment_eur) == (30.0, "business_angel", 1e6)
    assert profile.ownership_stated is True


def test_unknown_country_in_form_is_reported() -> None:
    profile = CompanyProfile.from_form({"country": "Atlantis"})
    assert profile.country is None
    assert profile.unclear == ["country not recognised: Atlantis"]


@pytest.mark.parametrize(
    ("text", "headcount"),
    [
        ("Can we count as small with fewer than 50 employees?", 49),
        ("Wir haben weniger als 10 Mitarbeiter", 9),
        ("we have more than 250 staff", 251),
    ],
)
def test_bounded_headcounts(text: str, headcount: float) -> None:
    profile = parse_profile(text)
    assert profile.headcount == headcount
    assert profile.notes and f"{headcount:g} staff" in profile.notes[0]


def test_form_declared_relation() -> None:
    profile = CompanyProfile.from_form(
        {"holdings": [{"relation": "linked", "headcount": 100, "turnover": 30e6}]}
    )
    assert profile.holdings[0].declared == "linked"


def test_an_ordinal_hire_gives_the_headcount() -> None:
    profile = parse_profile(
        "We just hired our 50th employee (turnover EUR 6M). Are we still a small enterprise?"
    )
    assert profile.headcount == 50 and profile.turnover == Money(6 * M)


@pytest.mark.parametrize(
    "text",
    [
        "Is a Serbian SME eligible for both INNOSUP-1 and ClusterXchange?",
        "An Israeli start-up asks whether it can do INNOSUP-1 and ClusterXchange.",
        "A Ukrainian SME, 12 staff, cluster member: ClusterXchange and INNOSUP open calls possible?",
    ],
)
def test_a_country_and_a_scheme_make_an_eligibility_question(text: str) -> None:
    assert asks_about_country_eligibility(text)


@pytest.mark.parametrize(
    "text",
    [
        "We already visited a cluster in Italy via ClusterXchange. Can we go again to Spain?",
        "Is a Serbian SME eligible?",  # no scheme named: the ordinary answer path takes it
        "How many INNOSUP-1 projects were coordinated from Germany?",
    ],
)
def test_a_country_alone_is_not_an_eligibility_question(text: str) -> None:
    assert not asks_about_country_eligibility(text)
