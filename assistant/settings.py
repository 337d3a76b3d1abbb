"""One settings object for the library, the CLI and the web app.

Every setting is read from the environment as ``ASSISTANT_<NAME>`` or from a TOML file (``ASSISTANT_CONFIG``, or
``clusterdesk.toml`` in the working directory). Each field carries its help text; the README's settings table is
generated from these fields (``python -m assistant settings --markdown``) and a test keeps the two in step.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_ENV = "ASSISTANT_CONFIG"
DEFAULT_CONFIG_FILE = "clusterdesk.toml"


def _config_file() -> Path | None:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


class Settings(BaseSettings):
    """Everything a deployment may change, with the defaults that ship."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", validate_default=True)

    # Storage and ingestion
    index_dir: Path = Field(Path(".index"), description="Directory holding the index builds and `current`.")
    corpus_dirs: list[Path] = Field(
        default_factory=lambda: [Path("corpus")],
        description="Corpus folders ingested by default (JSON list).",
    )
    embedding_model: Literal["minilm", "e5", "hash"] = Field(
        "minilm",
        description="Embedding model: `minilm` (all-MiniLM-L6-v2), `e5` (multilingual-e5-small) or `hash` (test stand-in).",
    )
    query_encoder: Literal["onnx-fp32", "onnx-int8", "torch"] = Field(
        "onnx-fp32",
        description="How MiniLM query vectors are computed: `onnx-fp32` (the packaged model exported once to "
        "ONNX: torch's vectors, about 3x faster), `onnx-int8` (the packaged int8 file: cosine to torch down to "
        "0.9988) or `torch`.",
    )
    chunk_max_tokens: int = Field(220, description="Largest chunk, in tokens of the embedding model.")
    max_file_mb: float = Field(50.0, description="Files larger than this are skipped at ingest.")
    pdf_timeout_s: float = Field(60.0, description="Time limit for reading one PDF (child process).")
    pdf_memory_mb: int = Field(1024, description="Memory limit for the child process that reads one PDF.")
    pdf_max_pages: int = Field(1500, description="PDFs with more pages are read up to this page and noted.")
    keep_builds: int = Field(2, description="Index builds kept on disk: the current one and the rollback.")
    chroma_mode: Literal["embedded", "server"] = Field(
        "embedded", description="`embedded` (PersistentClient in the build) or `server` (a `chroma run`)."
    )
    chroma_host: str = Field("127.0.0.1", description="Chroma server host when `chroma_mode=server`.")
    chroma_port: int = Field(8000, description="Chroma server port when `chroma_mode=server`.")

    # Retrieval and answering
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = Field(
        "hybrid",
        description="`hybrid` fuses dense and lexical search; the others isolate one for comparisons.",
    )
    top_k: int = Field(8, description="Chunks retrieved and shown as evidence for an answer.")
    candidates: int = Field(
        40, description="Candidates taken from each of dense and lexical search before fusion."
    )
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant.")
    max_answer_sentences: int = Field(5, description="Most sentences in an extractive answer.")
    answer_margin: float = Field(
        0.3, description="Sentences scoring within this of the best one join the answer (up to the maximum)."
    )
    min_coverage: float = Field(
        0.26,
        description="Refuse a question when less of its (weighted) words than this occur in the top passages (for other languages: its English view).",
    )
    min_evidence: float = Field(
        0.35,
        description="Refuse when the best sentence's evidence score is below this (calibrated on the evals).",
    )
    today: date | None = Field(
        None, description="Fix today's date (ISO) for call status; empty means the clock."
    )
    max_question_chars: int = Field(
        2000, description="Longer questions get a polite message instead of an answer."
    )

    warm_up: bool = Field(
        True,
        description="At server start, embed the corpus's sentences in the background so answers are fast.",
    )

    # Optional LLM
    llm_backend: Literal["none", "llamacpp", "openai", "ollama"] = Field(
        "none", description="`none` answers extractively; otherwise the chat model that phrases answers."
    )
    llm_base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="Base URL of an OpenAI-compatible or Ollama server."
    )
    llm_model: str = Field("local", description="Model name sent to the LLM server.")
    llm_model_path: Path | None = Field(
        None, description="GGUF file for `llm_backend=llamacpp` (in-process)."
    )
    llm_api_key: str = Field("not-needed", description="API key for an OpenAI-compatible server.")
    llm_timeout_s: float = Field(
        60.0, description="Time limit for one LLM call; on timeout the extractive answer stands."
    )

    # Web
    host: str = Field("127.0.0.1", description="Web server host (loopback by default).")
    port: int = Field(7860, description="Web server port.")
    concurrency_limit: int = Field(4, description="Answers computed at once by the web app.")
    queue_size: int = Field(32, description="Requests waiting beyond the concurrency limit before `busy`.")
    feedback_db: Path = Field(Path(".data/feedback.sqlite3"), description="SQLite file for answer feedback.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = _config_file()
        if config is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)

    def today_or_clock(self) -> date:
        return self.today or date.today()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings()


def settings_table() -> str:
    """The Markdown table of every setting, used by the README and the CLI."""
    rows = ["| Environment variable | Default | What it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default
        if isinstance(default, list):
            default = "[" + ", ".join(f'"{d}"' for d in default) + "]"
        shown = "" if default is None else str(default)
        rows.append(f"| `ASSISTANT_{name.upper()}` | `{shown}` | {field.description} |")
    return "\n".join(rows)
