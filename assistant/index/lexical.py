"""bm25s over the chunks, with a tokenisation of its own that keeps identifiers whole.

Call identifiers and acronyms must match exactly (``INNOSUP-01-2018-2020`` is not ``INNOSUP-1-2015``), so
besides the words a hyphenated or dotted identifier is also kept as one token; its rarity gives it a high
weight.
Row ``i`` of the index is chunk ``i`` of the build's chunks.jsonl.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w\w+|\d", re.UNICODE)
_COMPOUND = re.compile(r"\w+(?:[-./]\w+)+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Lower-cased words without English stop words, then each compound identifier as one more token."""
    lowered = text.lower()
    stop = _stopwords()
    tokens = [t for t in _WORD.findall(lowered) if t not in stop]
    tokens.extend(m.group(0) for m in _COMPOUND.finditer(lowered))
    return tokens


class LexicalIndex:
    """A saved bm25s.BM25; search returns (row, score) pairs, best first, only rows with a positive score."""

    def __init__(self, retriever, size: int) -> None:
        self._bm25 = retriever
        self.size = size
        self._vocab = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([tokenize(t) for t in texts], show_progress=False)
        return cls(retriever, len(texts))

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(directory), show_progress=False)
        return cls(retriever, size)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        if k <= 0 or self.size == 0:
            return []
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        top = positive[np.argpartition(-scores[positive], k - 1)[:k]] if positive.size > k else positive
        order = top[np.lexsort((top, -scores[top]))]
        return [(int(i), float(scores[i])) for i in order]
