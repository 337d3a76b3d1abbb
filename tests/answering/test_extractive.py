"""Sentence selection: restatements make way for the other parts of a question, in every language."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.extractive import Scored, question_parts, select
from tests.answering.chunks import make_chunk


def chunk(n: int):
    return make_chunk(n, title="ClusterXchange", section="Money")


def unit(angle_degrees: float) -> np.ndarray:
    """A 2-d unit vector: the cosine of two of them is the cosine of the angle between them."""
    angle = np.radians(angle_degrees)
    return np.array([np.cos(angle), np.sin(angle)])


def scored(sentence: str, score: float, angle: float, n: int) -> Scored:
    return Scored(sentence, chunk(n), n, 0, score, score, 0.5, vector=unit(angle))


def chosen_sentences(candidates: list[Scored], limit: int = 5) -> list[str]:
    return [s.sentence for s in select(candidates, limit, margin=0.5)]


def test_a_restatement_in_other_words_is_dropped():
    best = scored("The maximum contribution per visiting organisation is EUR 1,100.", 0.9, 0, 0)
    again = scored(
        "DG GROW described the support as lump sums of at most EUR 1,100 per visitor.", 0.85, 30, 1
    )
    halved = scored("The lump sum is halved when the stay is shorter than 5 working days.", 0.8, 80, 2)
    shown = chosen_sentences([best, again, halved])
    assert again.sentence not in shown  # cosine 0.77 and only figures already shown
    assert shown[:1] == [best.sentence] and halved.sentence in shown


def test_same_meaning_is_dropped_even_without_figures():
    best = scored("Travel days are not counted in an exchange.", 0.9, 0, 0)
    same = scored("Days spent travelling do not count towards an exchange.", 0.85, 20, 1)  # cosine 0.94
    assert chosen_sentences([best, same]) == [best.sentence]


def test_a_sentence_with_a_new_figure_is_kept_however_familiar_its_words():
    best = scored("A ClusterXchange exchange lasts at least 3 working days.", 0.9, 0, 0)
    longest = scored("A ClusterXchange exchange lasts at most 1 month.", 0.8, 10, 1)  # cosine 0.98
    assert chosen_sentences([best, longest]) == [best.sentence, longest.sentence]


def test_distinct_facts_far_apart_in_meaning_are_all_kept():
    sentences = [
        scored("More than 2,700 start-ups applied.", 0.9, 0, 0),
        scored("It selected more than 60 start-ups and SMEs.", 0.85, 40, 1),
        scored("It distributed EUR 2.1 million in funding.", 0.8, 80, 2),
    ]
    assert chosen_sentences(sentences) == [s.sentence for s in sentences]


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Wie hoch ist die ClusterXchange-Pauschale, und wann wird sie halbiert?",
            ["Wie hoch ist die ClusterXchange-Pauschale", "wann wird sie halbiert ClusterXchange-Pauschale"],
        ),
        (
            "¿Cuántas start-ups se presentaron a IMPACT Connected Car y cuánto dinero repartió?",
            [
                "Cuántas start-ups se presentaron a IMPACT Connected Car",
                "cuánto dinero repartió IMPACT Connected Car",
            ],
        ),
        (
            "Kdo vedl projekt SuperBIO a kolik měl partnerů?",
            ["Kdo vedl projekt SuperBIO", "kolik měl partnerů SuperBIO"],
        ),
        (
            "Quel est le plafond de DIVA et quand l'appel a-t-il fermé ?",
            ["Quel est le plafond de DIVA", "quand l'appel a-t-il fermé DIVA"],
        ),
        ("Jaki jest budżet i kiedy był termin?", ["Jaki jest budżet", "kiedy był termin"]),
        ("Qu'est-ce que INNOSUP-1 et ClusterXchange ?", ["Qu'est-ce que INNOSUP-1 et ClusterXchange ?"]),
    ],
)
def test_many_part_questions_split_in_other_languages_and_keep_their_names(question, parts):
    assert question_parts(question) == parts


def test_a_year_that_dates_a_source_is_not_news_but_a_date_is():
    best = scored("The maximum contribution per visiting organisation is EUR 1,100.", 0.9, 0, 0)
    dated = scored(
        "The October 2019 presentation also described lump sums of at most EUR 1,100.", 0.85, 45, 1
    )
    assert chosen_sentences([best, dated]) == [best.sentence]  # cosine 0.71, and only EUR 1,100 again
    opened = scored("The second open call opened on 15 November 2018.", 0.9, 0, 0)
    closed = scored("The second open call closed on 15 February 2019.", 0.85, 20, 1)
    assert chosen_sentences([opened, closed]) == [opened.sentence, closed.sentence]
