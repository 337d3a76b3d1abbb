"""The SME ceilings and the ownership rules, at and just past every threshold."""

from __future__ import annotations

import pytest

from assistant.eligibility.sme import (
    Category,
    Holding,
    Relation,
    aggregate,
    assess_ownership,
    classify,
)

M = 1_000_000
C = Category


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "expected"),
    [
        # headcount thresholds, finances well within every ceiling
        (9, 1 * M, 1 * M, C.MICRO),
        (10, 1 * M, 1 * M, C.SMALL),
        (49, 1 * M, 1 * M, C.SMALL),
        (50, 1 * M, 1 * M, C.MEDIUM),
        (249, 1 * M, 1 * M, C.MEDIUM),
        (250, 1 * M, 1 * M, C.NOT_SME),
        # EUR 2 million: at the ceiling is within, just above is out
        (5, 2 * M, 3 * M, C.MICRO),
        (5, 3 * M, 2 * M, C.MICRO),
        (5, 2 * M + 1, 2 * M + 1, C.SMALL),
        # EUR 10 million
        (40, 10 * M, 20 * M, C.SMALL),
        (40, 20 * M, 10 * M, C.SMALL),
        (40, 10 * M + 1, 10 * M + 1, C.MEDIUM),
        # EUR 50 million turnover / EUR 43 million balance sheet
        (100, 50 * M, 60 * M, C.MEDIUM),
        (100, 60 * M, 43 * M, C.MEDIUM),
        (100, 50 * M + 1, 43 * M + 1, C.NOT_SME),
        # the corpus example: 40 staff, EUR 15 million turnover, EUR 8 million balance sheet
        (40, 15 * M, 8 * M, C.SMALL),
        # either-or: one ceiling met is enough, both missed is not
        (9, 50 * M, 1 * M, C.MICRO),
        (9, 1 * M, 40 * M, C.MICRO),
        (9, 3 * M, 3 * M, C.SMALL),
    ],
)
def test_category_at_the_thresholds(
    staff: float, turnover: float, balance: float, expected: Category
) -> None:
    result = classify(staff, turnover, balance)
    assert result.category is expected
    assert result.missing == ()


def test_one_financial_figure_is_enough_when_it_is_within() -> None:
    result = classify(40, 8 * M, None)
    assert result.category is C.SMALL
    assert result.missing == ()


def test_turnover_above_small_with_unknown_balance_sheet_asks_for_the_balance_sheet() -> None:
    result = classify(40, 12 * M, None)
    assert result.category is C.UNKNOWN
    assert result.possible == (C.SMALL, C.MEDIUM)
    assert result.is_sme is True
    assert result.missing == ("balance_sheet",)


def test_headcount_is_required() -> None:
    result = classify(None, 1 * M, 1 * M)
    assert result.category is C.UNKNOWN
    assert result.missing == ("headcount",)
    assert result.possible == (C.MICRO, C.SMALL, C.MEDIUM, C.NOT_SME)


def test_finances_above_every_ceiling_settle_it_without_the_headcount() -> None:
    result = classify(None, 60 * M, 50 * M)
    assert result.category is C.NOT_SME
    assert result.is_sme is False
    assert result.missing == ()


def test_250_staff_settle_it_without_finances() -> None:
    assert classify(250, None, None).category is C.NOT_SME


def test_headcount_only_leaves_the_finances_missing() -> None:
    result = classify(40, None, None)
    assert result.possible == (C.SMALL, C.MEDIUM, C.NOT_SME)
    assert set(result.missing) == {"turnover", "balance_sheet"}
    assert result.is_sme is None


def test_nothing_known() -> None:
    result = classify(None, None, None)
    assert result.category is C.UNKNOWN
    assert set(result.missing) == {"headcount", "turnover", "balance_sheet"}


@pytest.mark.parametrize(
    ("holding", "relation", "exempt"),
    [
        (Holding(24.9), Relation.AUTONOMOUS, False),
        (Holding(25), Relation.PARTNER, False),
        (Holding(50), Relation.PARTNER, False),
        (Holding(50.1), Relation.LINKED, False),
        (Holding(30, direction="by_us"), Relation.PARTNER, False),
        (Holding(60, direction="by_us"), Relation.LINKED, False),
        (Holding(30, holder="venture_capital"), Relation.AUTONOMOUS, True),
        (Holding(30, holder="university"), Relation.AUTONOMOUS, True),
        (Holding(30, holder="public_investment_corporation"), Relation.AUTONOMOUS, True),
        (Holding(30, holder="institutional_investor"), Relation.AUTONOMOUS, True),
        (Holding(60, holder="venture_capital"), Relation.LINKED, False),
        (Holding(30, holder="business_angel", investment_eur=1_249_999), Relation.AUTONOMOUS, True),
        (Holding(30, holder="business_angel", investment_eur=1_250_000), Relation.PARTNER, False),
        (Holding(30, holder="business_angel"), Relation.UNKNOWN, False),
        (Holding(30, holder="local_authority", small_local_authority=True), Relation.AUTONOMOUS, True),
        (Holding(30, holder="local_authority", small_local_authority=False), Relation.PARTNER, False),
        (Holding(30, holder="local_authority"), Relation.UNKNOWN, False),
        (Holding(None, holder="group"), Relation.LINKED, False),
        (Holding(None), Relation.UNKNOWN, False),
        (Holding(None, declared="partner"), Relation.PARTNER, False),
    ],
)
def test_ownership(holding: Holding, relation: Relation, exempt: bool) -> None:
    result = assess_ownership([holding])
    assert result.relation is relation
    assert result.verdicts[0].exempt is exempt


def test_ownership_not_stated_is_unknown_and_asked_for() -> None:
    result = assess_ownership([], stated=False)
    assert result.relation is Relation.UNKNOWN
    assert result.missing == ("ownership",)


def test_ownership_stated_independent_is_autonomous() -> None:
    assert assess_ownership([], stated=True).relation is Relation.AUTONOMOUS


def test_linked_outranks_partner() -> None:
    assert assess_ownership([Holding(30), Holding(70)]).relation is Relation.LINKED


def test_aggregation_follows_the_corpus_worked_example() -> None:
    """A: 30 staff, EUR 4 million; holds 40 % of B (20 staff, EUR 5 million); 70 % owned by C (100, EUR 30 million)."""
    ownership = assess_ownership(
        [
            Holding(40, direction="by_us", headcount=20, turnover=5 * M),
            Holding(70, headcount=100, turnover=30 * M),
        ]
    )
    headcount, turnover, balance = aggregate(30, 4 * M, None, ownership)  # type: ignore[misc]
    assert (headcount, turnover, balance) == (138, 36 * M, None)
    assert classify(headcount, turnover, balance).category is C.MEDIUM


def test_aggregation_needs_the_other_enterprises_figures() -> None:
    assert aggregate(30, 4 * M, None, assess_ownership([Holding(40)])) is None
