from assistant.conversation import condense, is_follow_up, last_user_question

HISTORY = [
    {"role": "user", "content": "What is the turnover ceiling for small enterprises?"},
    {"role": "assistant", "content": "At most EUR 10 million [1]."},
]


def test_follow_up_carries_the_subject():
    query = condense("And for medium-sized ones?", HISTORY)
    assert query.startswith("And for medium-sized ones?") and "turnover" in query and "ceiling" in query


def test_standalone_question_is_not_rewritten():
    question = "How long can a ClusterXchange exchange last for a visiting cluster organisation?"
    assert condense(question, HISTORY) == question
    assert not is_follow_up("What is it?", [])


def test_history_formats():
    assert last_user_question([("first question", "answer")]) == "first question"
    parts = [{"role": "user", "content": [{"type": "text", "text": "hello there"}]}]
    assert last_user_question(parts) == "hello there"


def _after(previous: str, follow_up: str) -> str:
    return condense(
        follow_up, [{"role": "user", "content": previous}, {"role": "assistant", "content": "..."}]
    )


def test_a_follow_up_naming_an_alternative_replaces_it():
    query = _after("Our cluster has a Bronze label. What do we do to move up to Silver?", "and for gold?")
    assert "label" in query and "Silver" not in query and "Bronze" not in query
    query = _after("What was the budget of the 2018 cut-off?", "and in 2020?")
    assert "budget" in query and "2018" not in query
    query = _after("Can a Polish SME join ClusterXchange?", "and a Norwegian one?")
    assert "ClusterXchange" in query and "Polish" not in query
    query = _after("What is the headcount ceiling for small enterprises?", "and for medium ones?")
    assert "headcount" in query and "small" not in query
