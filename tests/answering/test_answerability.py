"""The checks that refuse a question the best sentences only seem to answer: a neighbouring year, another
programme, a detail the sources say they lack, a figure nobody gives."""

from __future__ import annotations

import pytest

from assistant.answering.answerability import (
    REASONS,
    asks_for_legal_action,
    asks_for_personal_data,
    asks_only_for_figures,
    asks_only_for_money,
    programmes,
    unanswered,
)
from assistant.answering.extractive import Scored, question_parts
from tests.answering.chunks import make_chunk


def chunk(n: int = 0):
    return make_chunk(n)


def scored(sentence: str, score: float, lexical: float = 0.5, n: int = 0) -> Scored:
    return Scored(sentence, chunk(n), rank=n, index=n, score=score, semantic=score, lexical=lexical)


def test_a_sentence_about_another_year_does_not_answer_the_year_asked():
    best = [scored("The 2020 cut-off of INNOSUP-01-2018-2020 had a budget of EUR 25.15 million.", 0.9)]
    assert unanswered("What was the budget of the 2019 cut-off?", best) == "other_year"
    assert unanswered("What was the budget of the 2020 cut-off?", best) is None


def test_years_inside_identifiers_are_not_the_year_a_sentence_is_about():
    best = [scored("INNOSUP-01-2018-2020 had a final cut-off.", 0.9)]
    assert unanswered("What happened in 2019?", best) is None  # no standalone year in the sentence


def test_a_sentence_about_another_programme_does_not_answer():
    best = [scored("Horizon 2020 pays indirect costs as a flat rate of 25 % of direct costs.", 0.9)]
    assert unanswered("Does Horizon Europe keep the 25% flat rate?", best) == "other_programme"
    assert unanswered("Does H2020 pay a 25% flat rate?", best) is None  # the same programme, its short name
    assert programmes("Erasmus+ or COSME or the Single Market Programme") == {
        "Erasmus+",
        "COSME",
        "Single Market Programme",
    }


def test_a_close_gap_statement_refuses_in_english_only():
    gap = scored("The stored sources do not give PARSEC's amount per SME.", 0.65, lexical=0.76)
    other = scored("PARSEC open calls were open to start-ups and SMEs.", 0.56, lexical=0.63, n=1)
    assert unanswered("How much can one SME get from PARSEC?", [gap, other]) == "gap"
    assert unanswered("How much can one SME get from PARSEC?", [gap, other], language="de") is None
    assert unanswered("And PARSEC?", [gap, other], follow_up=True) is None


def test_a_gap_statement_that_fits_less_well_than_an_answer_does_not_refuse():
    gap = scored("The sources do not say whether a formal minimum of clusters applied.", 0.58, lexical=0.37)
    answer = scored(
        "An INNOSUP-1 consortium needed partners from at least 3 countries.", 0.53, lexical=0.56, n=1
    )
    assert unanswered("How many partners did a consortium need?", [gap, answer]) is None


def test_a_question_for_figures_needs_a_sentence_with_one():
    vague = [scored("KATANA designed its funding scheme around transparency.", 0.6)]
    assert unanswered("How many SMEs did KATANA fund and how much did each get?", vague) == "no_figure"
    assert unanswered("How big was KATANA and who coordinated it?", vague) is None  # "who" needs no figure
    assert asks_only_for_figures("When did it open and when did it close?")
    assert not asks_only_for_figures("When did it open and who ran it?")


def test_a_question_for_money_needs_an_amount_not_just_any_number():
    count = [scored("A Gold audit assesses more than 30 indicators.", 0.8)]
    assert unanswered("How much does a Gold label audit cost?", count) == "no_figure"
    amount = [*count, scored("The maximum lump sum is EUR 1,100.", 0.7, n=1)]
    assert unanswered("How much does a Gold label audit cost?", amount) is None
    share = [scored("At least 75 % of the budget goes to SMEs.", 0.8)]
    assert unanswered("How much of the budget must go to SMEs?", share) is None
    duration = [scored("An exchange lasts at most 1 month.", 0.8)]
    assert unanswered("What is the maximum length of an exchange?", duration) is None
    assert asks_only_for_money("What was the budget of the 2020 cut-off?")
    assert not asks_only_for_money("How much funding can an SME get and when did the call close?")


def test_every_reason_is_explained():
    assert set(REASONS) >= {"gap", "other_year", "other_programme", "no_figure", "personal_data"}


@pytest.mark.parametrize(
    "question",
    ["Can you give me Dr Anna Sobczak's personal mobile number?", "What is her home address?"],
)
def test_personal_contact_details_are_never_ours_to_give(question: str):
    assert asks_for_personal_data(question)


def test_ordinary_contact_questions_are_not_personal_data():
    assert not asks_for_personal_data("How do I contact the ClusterXchange help desk?")
    assert not asks_for_personal_data("What is the number of SMEs funded by Block.IS?")


def test_a_many_part_question_splits_and_each_part_keeps_the_names():
    assert question_parts("Which sector was NEPTUNE in and which countries were involved?") == [
        "Which sector was NEPTUNE in",
        "which countries were involved NEPTUNE",
    ]
    assert question_parts("When did KATANA start? Who coordinated it?") == [
        "When did KATANA start",
        "Who coordinated it KATANA",
    ]
    assert question_parts("What is INNOSUP-1 and ClusterXchange?") == [
        "What is INNOSUP-1 and ClusterXchange?"
    ]


def test_advice_on_a_legal_dispute_is_not_ours_to_give():
    assert asks_for_legal_action("Our partner hasn't paid us. Should we sue them and in which court?")
    assert not asks_for_legal_action("Who audits cascade funding: the European Court of Auditors?")
