"""The quick mode's warm-up: asking each item once leaves the answers' sentences cached, never the questions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.bench.common import bench_settings
from assistant.bench.queries import run_interleaved, warm_up_by_asking
from assistant.models import HashEmbedder
from tests.bench.conftest import STUB_QA


class CachingHash(HashEmbedder):
    """The stand-in embedder with a query cache like the ONNX encoder's."""

    def __init__(self) -> None:
        self.cache: dict[str, np.ndarray] = {}
        self.misses: list[str] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        for text in texts:
            if text not in self.cache:
                self.misses.append(text)
                self.cache[text] = self.embed_passages([text])[0]
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, self.dimension))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def retain_cached(self, keep) -> int:
        self.cache = {t: v for t, v in self.cache.items() if t in keep}
        return len(self.cache)


def test_warm_up_by_asking_keeps_sentences_and_drops_questions(stub_index: Path, tiny_config):
    from assistant.answering.extractive import quotable_sentences
    from assistant.core import Assistant
    from assistant.evals.dataset import load_items
    from assistant.index.reader import IndexReader

    settings = bench_settings(tiny_config, stub_index)
    embedder = CachingHash()
    assistant = Assistant(IndexReader.open(stub_index, settings, embedder=embedder), settings)
    items = load_items([STUB_QA])
    kept = warm_up_by_asking(assistant, items)
    sentences = {text for chunk in assistant.reader.chunks for _, text in quotable_sentences(chunk)}
    assert kept == len(embedder.cache) > 0
    assert set(embedder.cache) <= sentences
    assert not {item.question for item in items} & set(embedder.cache)


def _timed_pass_embeds(stub_index: Path, tiny_config, by_asking: bool) -> list[str]:
    from assistant.core import Assistant
    from assistant.evals.dataset import load_items
    from assistant.index.reader import IndexReader

    settings = bench_settings(tiny_config, stub_index)
    embedder = CachingHash()
    assistant = Assistant(IndexReader.open(stub_index, settings, embedder=embedder), settings)
    items = load_items([STUB_QA])
    if by_asking:
        warm_up_by_asking(assistant, items)
    else:
        assistant.warm_up()
    embedder.misses.clear()
    run_interleaved([assistant], items)
    return embedder.misses


def test_the_warm_pass_embeds_the_same_texts_after_either_warm_up(stub_index: Path, tiny_config):
    """Asking each item once is as warm as the corpus-wide warm-up for those items, and no warmer."""
    after_corpus = _timed_pass_embeds(stub_index, tiny_config, by_asking=False)
    after_asking = _timed_pass_embeds(stub_index, tiny_config, by_asking=True)
    assert after_asking == after_corpus and after_corpus  # the questions, embedded afresh either way
