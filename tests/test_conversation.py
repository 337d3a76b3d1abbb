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
