from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.answer import Answer
from assistant.evals.metrics import evidence_scores, score_run
from assistant.evals.runner import (
    CONFIGURATIONS,
    AssistantFactory,
    ConfigSkipped,
    RankedAssistant,
    ask_order,
    evaluate,
    run_items,
)
from assistant.settings import Settings
from tests.evals.fakes import FakeAsker, FakeFactory, answer, chunk, item


def echo(question: str, history: list[dict[str, str]] | None) -> Answer:
    return answer(f"said: {question}")


def test_follow_ups_get_the_exchange_they_follow_as_answered_in_this_run() -> None:
    items = [
        item("a", question="Who funds INNOSUP?"),
        item("b", kind="follow-up", question="And how much?", follow_up_of="a"),
        item("c", kind="follow-up", question="Until when?", follow_up_of="b"),
        item("d", question="Unrelated?"),
    ]
    asker = FakeAsker(echo)
    runs = run_items(asker, items)
    histories = dict(asker.calls)
    assert histories["Who funds INNOSUP?"] is None
    assert histories["Unrelated?"] is None
    first_exchange = [
        {"role": "user", "content": "Who funds INNOSUP?"},
        {"role": "assistant", "content": "said: Who funds INNOSUP?"},  # the answer given, not the reference
    ]
    assert histories["And how much?"] == first_exchange
    assert histories["Until when?"] == [
        *first_exchange,
        {"role": "user", "content": "And how much?"},
        {"role": "assistant", "content": "said: And how much?"},
    ]
    assert [r.item.id for r in runs] == ["a", "b", "c", "d"]
    assert runs[1].history == first_exchange


def test_a_follow_up_is_asked_after_its_first_turn_whatever_the_order() -> None:
    items = [item("b", follow_up_of="a", kind="follow-up"), item("x"), item("a")]
    assert [i.id for i in ask_order(items)] == ["a", "b", "x"]
    asker = FakeAsker(echo)
    runs = run_items(asker, items)
    assert [r.item.id for r in runs] == ["b", "x", "a"]  # results keep the items' order
    assert runs[0].history[0]["content"] == "question a?"


def test_an_exception_is_recorded_on_its_item_and_the_run_goes_on() -> None:
    def flaky(question: str, history: list[dict[str, str]] | None) -> Answer:
        if "boom" in question:
            raise RuntimeError("index gone")
        return answer("x")

    runs = run_items(FakeAsker(flaky), [item("a", question="boom"), item("b")])
    assert runs[0].answer is None and runs[0].error == "RuntimeError: index gone"
    assert runs[1].answer is not None and not runs[1].error


def test_evaluate_scores_skips_and_reuses_configurations() -> None:
    items = [item("a", [["60,000"]]), item("u", [], kind="unanswerable")]
    good = FakeAsker(lambda q, h: answer("EUR 60 000") if "a?" in q else answer("", refused=True))
    weak = FakeAsker(lambda q, h: answer("I think EUR 6,000"))
    factory = FakeFactory(
        {"default": good, "reference": weak, "llm": "no LLM backend configured"},
        identities={"default": "same", "minilm": "same"},
    )
    results = evaluate(items, ["default", "minilm", "llm", "reference"], factory, progress=False)
    assert results["default"].metrics["overall"]["key_fact_accuracy"]["value"] == 1.0
    assert results["default"].metrics["overall"]["refusal_accuracy"]["value"] == 1.0
    assert results["reference"].metrics["overall"]["key_fact_accuracy"]["value"] == 0.0
    assert results["minilm"].same_as == "default"
    assert results["minilm"].metrics == results["default"].metrics
    assert results["llm"].status == "skipped" and "no LLM" in results["llm"].reason
    assert factory.opened == ["default", "reference"]
    assert len(good.calls) == 3  # one warm-up, then each item once
    assert good.closed and weak.closed


def test_assistant_factory_settings_per_configuration(tmp_path) -> None:
    factory = AssistantFactory(None, {"top_k": "5", "llm_backend": "ollama"}, tmp_path)
    default = factory.settings_for(CONFIGURATIONS["default"])
    assert default.top_k == 5  # --set values are coerced by Settings
    assert default.llm_backend == "none"  # only the llm configuration uses the LLM
    assert factory.settings_for(CONFIGURATIONS["llm"]).llm_backend == "ollama"
    assert factory.settings_for(CONFIGURATIONS["e5"]).embedding_model == "e5"
    assert factory.identity(CONFIGURATIONS["minilm"]) == factory.identity(CONFIGURATIONS["default"])
    assert factory.identity(CONFIGURATIONS["e5"]) != factory.identity(CONFIGURATIONS["default"])
    with pytest.raises(ConfigSkipped, match="no LLM backend"):
        AssistantFactory(None, {}, tmp_path).settings_for(CONFIGURATIONS["llm"])
    if "retrieval_mode" in Settings.model_fields:
        assert factory.settings_for(CONFIGURATIONS["dense"]).retrieval_mode == "dense"
    else:
        with pytest.raises(ConfigSkipped, match="retrieval_mode"):
            factory.settings_for(CONFIGURATIONS["dense"])


def test_only_the_default_configuration_failing_to_open_ends_the_run(tmp_path) -> None:
    from assistant.errors import AssistantError

    factory = AssistantFactory(tmp_path / "no-index", {}, tmp_path)
    with pytest.raises(AssistantError):
        factory.open(CONFIGURATIONS["default"])
    with pytest.raises(ConfigSkipped, match="could not open"):
        factory.open(CONFIGURATIONS["lexical"])


def test_the_ranking_is_asked_after_the_timed_answer_for_ten_chunks() -> None:
    calls: list[tuple[str, int]] = []

    class Ranking(FakeAsker):
        def ranking(self, question, answer, k, history=None, filters=None):
            calls.append((question, k))
            return [chunk(f"r{n}", "EUR 60,000" if n == 7 else "nothing") for n in range(1, k + 1)]

    asker = Ranking(lambda q, h: answer("no idea", [chunk("r1", "nothing")]))
    runs = run_items(asker, [item("a", [["60,000"]], question="How much?")])
    assert calls == [("How much?", 10)]
    assert [r.chunk_id for r in runs[0].ranked] == [f"r{n}" for n in range(1, 11)]
    assert score_run(runs[0])["evidence_recall_at_10"] is True
    assert score_run(runs[0])["evidence_recall_at_5"] is False


def write_docs(root: Path, count: int) -> Path:
    root.mkdir()
    for n in range(count):
        body = (
            f'---\nid: doc-{n:02d}\ntitle: "Topic {n}"\ndoc_type: guide\nlanguage: en\n---\n\n'
            f"## Section {n}\n\nThe cluster programme number {n} pays EUR {n + 1},000 to each SME for "
            f"innovation vouchers in region {n}.\n"
        )
        (root / f"doc-{n:02d}.md").write_text(body, encoding="utf-8")
    return root


def test_with_top_k_3_the_retrieval_metrics_still_see_ten_chunks(tmp_path: Path) -> None:
    """The real Assistant (stand-in embedder): the answer keeps top_k=3, the metrics score a ranking of 10 whose
    top 3 are the answer's own."""
    from assistant.index import ingest
    from assistant.models import HashEmbedder

    corpus = write_docs(tmp_path / "corpus", 14)
    index = tmp_path / "index"
    settings = Settings(index_dir=index, corpus_dirs=[corpus], embedding_model="hash")
    ingest([corpus], settings, index_dir=index, embedder=HashEmbedder())
    overrides = {"top_k": "3", "embedding_model": "hash", "corpus_dirs": [str(corpus)]}
    factory = AssistantFactory(index, overrides, tmp_path / "work")
    asker = factory.open(CONFIGURATIONS["default"])
    assert isinstance(asker, RankedAssistant) and asker.assistant.settings.top_k == 3
    items = [
        item("a", [["EUR 12,000"]], question="How much does cluster programme number 11 pay to each SME?"),
        item("b", [["region 4"]], kind="follow-up", question="And in which region?", follow_up_of="a"),
    ]
    result = evaluate(items, ["default"], factory, progress=False, warm_up=False)["default"]
    for run, scores in zip(result.runs, result.scores, strict=True):
        said = [r.chunk_id for r in run.answer.retrieved]
        ranked = [r.chunk_id for r in run.ranked]
        assert len(ranked) == 10 and len(set(ranked)) == 10
        hits = [r for r in said if r in ranked[:3]]
        assert said[: len(hits)] == ranked[: len(hits)] and len(hits) == min(3, len(said))  # same search
        assert scores == score_run(run)
        texts = [r.text for r in run.ranked]
        assert (
            scores["evidence_recall_at_10"]
            is evidence_scores(run.item.must_include, texts)["evidence_recall_at_10"]
        )
    # The follow-up is ranked on the query its answer searched with (condensed with the history), not bare.
    follow = result.runs[1]
    assert follow.answer.query.startswith("And in which region? (") and "programme" in follow.answer.query
    again = asker.ranking(follow.item.question, follow.answer, 10, history=follow.history)
    assert [r.chunk_id for r in again] == [r.chunk_id for r in follow.ranked]
    assert result.runs[0].ranked[0].doc_id == "doc-11" and follow.ranked[0].doc_id == "doc-11"
