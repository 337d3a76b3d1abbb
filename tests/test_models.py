"""Query vectors against the model's own: the tokenizer, the fp32 ONNX export and the fallback to torch.

Passages are embedded by torch (sentence-transformers) and queries by ONNX, so the two must agree: issue 7 asks for
a cosine of at least 0.999 on every question. These tests use the real packaged model and the eval questions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant import models
from assistant.models import (
    MINILM_MAX_TOKENS,
    MiniLMEmbedder,
    OnnxMiniLM,
    QueryEncoderUnavailable,
    ensure_fp32_onnx,
    export_fp32_onnx,
    fp32_onnx_path,
    get_embedder,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
MIN_COSINE = 0.999  # issue 7
ODD_TEXTS = [
    "Jaki jest maksymalny obrót i suma bilansowa dla średniego przedsiębiorstwa?",
    "Ünïcödé ÀÉÎÕÜ straße Œuvre 中文字符 ﬁ ligature \t tabs\n newline",
    "  leading and trailing spaces  ",
    "",
    "word " * 400,  # past 256 tokens: truncated the same way
]


def _questions() -> list[str]:
    lines = (REPO / "evals" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    return list(dict.fromkeys(questions))


@pytest.fixture(scope="module")
def torch_embedder() -> MiniLMEmbedder:
    return get_embedder("minilm", "torch")  # type: ignore[return-value]


@pytest.fixture(scope="module")
def fp32_file(tmp_path_factory: pytest.TempPathFactory, torch_embedder: MiniLMEmbedder) -> Path:
    """A fresh export (not the machine's cached one), so the export itself is what is tested."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    return export_fp32_onnx(torch_embedder.torch_model, fp32_onnx_path(cache))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.asarray(a) * np.asarray(b)).sum(axis=1)


def test_the_onnx_tokenizer_gives_the_ids_sentence_transformers_gives(torch_embedder):
    model = torch_embedder.torch_model
    assert model.max_seq_length == MINILM_MAX_TOKENS
    onnx = OnnxMiniLM()
    for text in [*_questions(), *ODD_TEXTS]:
        theirs = model.tokenize([text])["input_ids"][0].tolist()
        ours = onnx._tok.encode(text).ids
        assert ours == theirs, text
    assert len(onnx._tok.encode("word " * 400).ids) == MINILM_MAX_TOKENS


def test_fp32_onnx_query_vectors_match_torch_on_every_eval_question(torch_embedder, fp32_file):
    questions = _questions()
    assert len(questions) > 200
    reference = torch_embedder.embed_passages(questions)
    onnx = OnnxMiniLM(fp32_file)
    one_by_one = np.stack([onnx.embed([q])[0] for q in questions])
    batcher = OnnxMiniLM(fp32_file)  # padded batches (as the warm-up's) give the same vectors
    batched = np.concatenate([batcher.embed(questions[i : i + 64]) for i in range(0, len(questions), 64)])
    for vectors in (one_by_one, batched):
        cosines = _cosines(vectors, reference)
        worst = questions[int(np.argmin(cosines))]
        assert cosines.min() >= MIN_COSINE, f"cosine {cosines.min():.5f} for {worst!r}"
        assert cosines.min() >= 0.9999  # fp32 is the same computation: far above the target
    odd = OnnxMiniLM(fp32_file).embed(ODD_TEXTS)
    assert _cosines(odd, torch_embedder.embed_passages(ODD_TEXTS)).min() >= MIN_COSINE


def test_the_embedder_serves_queries_from_the_export(torch_embedder, fp32_file):
    embedder = MiniLMEmbedder("onnx-fp32", cache_dir=fp32_file.parent)
    question = "What is the maximum ClusterXchange lump sum for a visiting organisation?"
    vector = embedder.embed_query(question)
    assert embedder.query_encoder_in_use == "onnx-fp32" and not embedder.fallback_reason
    assert "_model" not in embedder.__dict__  # a serving process needs no torch model for its queries
    assert float(vector @ torch_embedder.embed_query(question)) >= 0.9999


def test_without_an_export_queries_fall_back_to_torch(tmp_path, monkeypatch, torch_embedder):
    def broken(model, dest):
        raise ModuleNotFoundError("No module named 'onnx'")

    monkeypatch.setattr(models, "export_fp32_onnx", broken)
    embedder = MiniLMEmbedder("onnx-fp32", cache_dir=tmp_path)
    embedder.__dict__["_model"] = torch_embedder.torch_model  # the loaded model, not a second one
    question = "Who can take part in ClusterXchange?"
    vector = embedder.embed_query(question)
    assert embedder.query_encoder_in_use == "torch"
    assert "onnx" in embedder.fallback_reason
    assert np.allclose(vector, torch_embedder.embed_query(question), atol=1e-6)
    with pytest.raises(QueryEncoderUnavailable):  # remembered: one attempt per process, not one per query
        ensure_fp32_onnx(lambda: torch_embedder.torch_model, tmp_path)
    assert not list(tmp_path.glob("*.onnx"))


def test_a_bad_export_is_not_kept(tmp_path, monkeypatch, torch_embedder):
    monkeypatch.setattr(models, "FP32_EXPORT_MIN_COSINE", 1.1)  # no export can pass this check
    dest = fp32_onnx_path(tmp_path)
    with pytest.raises(ValueError, match="disagrees"):
        export_fp32_onnx(torch_embedder.torch_model, dest)
    assert not dest.exists() and not list(tmp_path.glob("*.tmp"))


def test_unknown_query_encoder_is_refused():
    with pytest.raises(ValueError, match="query encoder"):
        MiniLMEmbedder("onnx-fp16")
