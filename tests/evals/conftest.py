"""Fixtures for the eval tests; the fakes themselves live in tests/evals/fakes.py."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def qa_rows() -> list[dict[str, Any]]:
    """A small valid eval set: facts with money and dates, a follow-up, a refusal, a French item."""
    return [
        {
            "id": "q1",
            "question": "How much can an SME get?",
            "answer": "Up to EUR 60,000 per SME.",
            "must_include": [["60,000"], ["SME"]],
            "kind": "fact",
            "lang": "en",
            "gold_doc_ids": ["guide-a"],
            "source": "S-13",
        },
        {
            "id": "q2",
            "question": "And when is the deadline?",
            "answer": "The deadline is 2 April 2020.",
            "must_include": [["2 April 2020"]],
            "kind": "follow-up",
            "lang": "en",
            "follow_up_of": "q1",
        },
        {
            "id": "q3",
            "question": "Quel est le montant maximal par PME ?",
            "answer": "Jusqu'à 60 000 EUR par PME.",
            "must_include": [["60 000", "60,000"]],
            "kind": "multilingual",
            "lang": "fr",
        },
        {
            "id": "q4",
            "question": "Who will win the 2030 football cup?",
            "answer": "The documents do not say.",
            "must_include": [],
            "kind": "unanswerable",
            "lang": "en",
        },
    ]
