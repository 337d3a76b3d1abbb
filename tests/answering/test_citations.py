from assistant.answering.citations import check_answer, figures, renumber
from tests.answering.chunks import make_chunk


def _chunk(cid: str, text: str):
    return make_chunk(0, text, chunk_id=cid, doc_id="d", title="T", section="", content_hash="h")


A = _chunk("a", "The cap is EUR 60,000 per SME. The call closed on 2 April 2020.")
B = _chunk("b", "Exchanges last from 3 working days up to 1 month.")


def test_valid_answer_passes():
    result = check_answer(
        "The cap is EUR 60 000 per SME [1]. Exchanges last up to 1 month [2].", {1: A, 2: B}, {"a", "b"}
    )
    assert result.ok, result.problems


def test_number_not_in_cited_chunk_fails():
    result = check_answer("The cap is EUR 70,000 per SME [1].", {1: A}, {"a"})
    assert not result.ok and "70000" in result.problems[0]


def test_date_must_be_in_the_cited_chunk_not_another():
    result = check_answer("The call closed on 2 April 2020 [2].", {1: A, 2: B}, {"a", "b"})
    assert not result.ok


def test_marker_to_unretrieved_chunk_and_uncited_sentence_fail():
    assert not check_answer("The cap is EUR 60,000 [3].", {1: A}, {"a"}).ok
    assert not check_answer("The cap is EUR 60,000 per SME.", {1: A}, {"a"}).ok
    assert not check_answer("The cap is EUR 60,000 [1].", {1: A}, {"b"}).ok


def test_renumber_in_order_of_first_use_and_drop_uncited():
    text, cited = renumber(
        "Exchanges last a month [2]. The cap is EUR 60,000 [1]. Again [2].", {1: A, 2: B, 3: A}
    )
    assert text == "Exchanges last a month [1]. The cap is EUR 60,000 [2]. Again [1]."
    assert cited == {1: B, 2: A}


def test_figures_normalise_separators():
    assert figures("EUR 60,000 and 1 100 on 2 April 2020 [1]") == ["60000", "1100", "2 april 2020"]
