"""Quantities as people write them, in six languages."""

from __future__ import annotations

import pytest

from assistant.eligibility.numbers import (
    find_quantities,
    format_money,
    parse_headcount,
    parse_money,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("40", False, 40.0),
        ("8 000 000", False, 8_000_000.0),
        ("8\u00a0000\u00a0000", False, 8_000_000.0),
        ("8.000.000", False, 8_000_000.0),
        ("8,000,000", False, 8_000_000.0),
        ("12,000", False, 12_000.0),
        ("8,5", False, 8.5),
        ("8.5", False, 8.5),
        ("1,25", False, 1.25),
        ("1.250", False, 1250.0),
        ("1.250", True, 1.25),
        ("1,234,567.89", False, 1_234_567.89),
        ("1.234.567,89", False, 1_234_567.89),
        ("abc", False, None),
    ],
)
def test_parse_number(text: str, hint: bool, expected: float | None) -> None:
    assert parse_number(text, decimal_hint=hint) == expected


def _figures(text: str) -> list[tuple[str, float, str | None, str | None]]:
    return [(q.kind, q.value, q.currency, q.role) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40 staff", [("headcount", 40, None, None)]),
        ("40 people", [("headcount", 40, None, None)]),
        ("40 employees", [("headcount", 40, None, None)]),
        ("40 FTE", [("headcount", 40, None, None)]),
        ("a team of 12", [("headcount", 12, None, None)]),
        ("employees: 40", [("headcount", 40, None, None)]),
        ("EUR 8M turnover", [("money", 8e6, "EUR", "turnover")]),
        ("€8m sales", [("money", 8e6, "EUR", "turnover")]),
        ("8 million euros turnover", [("money", 8e6, "EUR", "turnover")]),
        ("Umsatz 8 Mio €", [("money", 8e6, "EUR", "turnover")]),
        ("8 Mio. EUR Umsatz", [("money", 8e6, "EUR", "turnover")]),
        ("Umsatz 8,5 Mio", [("money", 8.5e6, None, "turnover")]),
        ("turnover EUR 8.5 million", [("money", 8.5e6, "EUR", "turnover")]),
        ("8 000 000 EUR turnover", [("money", 8e6, "EUR", "turnover")]),
        ("turnover of 12m", [("money", 12e6, None, "turnover")]),
        ("obrót 8 mln zł", [("money", 8e6, "PLN", "turnover")]),
        ("obrót 8 mln", [("money", 8e6, None, "turnover")]),
        ("bilan de 5 millions d'euros", [("money", 5e6, "EUR", "balance_sheet")]),
        ("un chiffre d'affaires de 9 M€", [("money", 9e6, "EUR", "turnover")]),
        ("eine Bilanzsumme von 30 Mio. EUR", [("money", 30e6, "EUR", "balance_sheet")]),
        ("suma bilansowa 4 mln EUR", [("money", 4e6, "EUR", "balance_sheet")]),
        ("facturación de 8 millones de euros", [("money", 8e6, "EUR", "turnover")]),
        ("un balance de 3 millones de euros", [("money", 3e6, "EUR", "balance_sheet")]),
        ("fatturato di 8 milioni di euro", [("money", 8e6, "EUR", "turnover")]),
        ("bilancio di 2 milioni di euro", [("money", 2e6, "EUR", "balance_sheet")]),
        ("turnover GBP 3 million", [("money", 3e6, "GBP", "turnover")]),
        ("a business angel holds 30 %", [("percent", 30, None, None)]),
        ("25 Prozent", [("percent", 25, None, None)]),
    ],
)
def test_find_quantities(text: str, expected: list[tuple[str, float, str | None, str | None]]) -> None:
    assert _figures(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "turnover of EUR 8 million and balance sheet of EUR 5 million",
            [("money", 8e6, "EUR", "turnover"), ("money", 5e6, "EUR", "balance_sheet")],
        ),
        (
            "EUR 8M turnover, EUR 5M balance sheet",
            [("money", 8e6, "EUR", "turnover"), ("money", 5e6, "EUR", "balance_sheet")],
        ),
        (
            "turnover: EUR 8 million, balance sheet: EUR 5 million",
            [("money", 8e6, "EUR", "turnover"), ("money", 5e6, "EUR", "balance_sheet")],
        ),
        (
            "zatrudniamy 40 osób, obrót 8 mln zł",
            [("headcount", 40, None, None), ("money", 8e6, "PLN", "turnover")],
        ),
        (
            "Wir haben 120 Mitarbeiter und eine Bilanzsumme von 30 Mio. EUR",
            [("headcount", 120, None, None), ("money", 30e6, "EUR", "balance_sheet")],
        ),
        (
            "fatturato di 8 milioni di euro, 45 dipendenti",
            [("money", 8e6, "EUR", "turnover"), ("headcount", 45, None, None)],
        ),
    ],
)
def test_roles_are_told_apart_by_nearby_keywords(text: str, expected: list) -> None:
    assert _figures(text) == expected


def test_a_year_next_to_a_keyword_is_not_the_turnover() -> None:
    assert _figures("Our turnover in 2019 was EUR 8 million") == [("money", 8e6, "EUR", "turnover")]


def test_numbers_without_unit_or_keyword_are_ignored() -> None:
    assert _figures("we started in 2015 with 3 founders and 2 products") == []


def test_an_amount_without_a_keyword_keeps_no_role() -> None:
    assert _figures("We have EUR 8 million") == [("money", 8e6, "EUR", None)]


def test_an_investment_is_not_a_turnover() -> None:
    assert _figures("a business angel invested EUR 1 million") == [("money", 1e6, "EUR", "investment")]


@pytest.mark.parametrize(
    ("text", "default", "amount", "currency"),
    [
        ("8 Mio", "EUR", 8e6, "EUR"),
        ("8000000", "EUR", 8e6, "EUR"),
        ("8 mln zł", "EUR", 8e6, "PLN"),
        ("CHF 2.5 million", "EUR", 2.5e6, "CHF"),
        ("12m", None, 12e6, None),
    ],
)
def test_parse_money(text: str, default: str | None, amount: float, currency: str | None) -> None:
    money = parse_money(text, default_currency=default)
    assert money is not None
    assert (money.amount, money.currency) == (amount, currency)


def test_money_in_another_currency_has_no_euro_value() -> None:
    assert parse_money("8 mln zł").eur is None
    assert parse_money("EUR 8 million").eur == 8e6


@pytest.mark.parametrize(
    ("value", "expected"), [(40, 40.0), ("40", 40.0), ("40 FTE", 40.0), ("12,5", 12.5), ("", None)]
)
def test_parse_headcount(value: object, expected: float | None) -> None:
    assert parse_headcount(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (60_000, "EUR 60,000"),
        (1_100, "EUR 1,100"),
        (10_000_000, "EUR 10 million"),
        (1_250_000, "EUR 1.25 million"),
        (25_150_000, "EUR 25.15 million"),
        (4_997_882.5, "EUR 4,997,882.50"),
    ],
)
def test_format_money_follows_the_corpus_style(amount: float, expected: str) -> None:
    assert format_money(amount) == expected
