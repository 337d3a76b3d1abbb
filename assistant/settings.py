"""One settings object for the library, the CLI and the web app.

Every setting is read from the environment as ``ASSISTANT_<NAME>`` or from a TOML file (``ASSISTANT_CONFIG``, or
``clusterdesk.toml`` in the working directory). Each field carries its help text; the README's settings table is
generated from these fields (``python -m assistant settings --markdown``) and a test keeps the two in step.

A typo must not pass silently: ``ASSISTANT_CONFIG`` naming a file that does not exist, a TOML file that does not
parse, a key the settings do not have, or a value of the wrong type raise ``SettingsError`` with a one-line message
that names the file or the setting. Only the default ``clusterdesk.toml`` is optional.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import AssistantError

CONFIG_ENV = "ASSISTANT_CONFIG"
DEFAULT_CONFIG_FILE = "clusterdesk.toml"


class SettingsError(AssistantError, ValueError):
    """A setting or the settings file is wrong; the message names the file or the setting to fix."""


def _config_file() -> Path | None:
    """The TOML file to read: the one ``ASSISTANT_CONFIG`` names (it must exist), else ``clusterdesk.toml`` if any."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise SettingsError(f"{CONFIG_ENV} names {path}, which is not a file")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def _toml_source(settings_cls: type[BaseSettings], path: Path) -> TomlConfigSettingsSource:
    """The file's values, refusing a file that does not parse and keys that are not settings."""
    try:
        source = TomlConfigSettingsSource(settings_cls, toml_file=path)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from None
    fields = list(settings_cls.model_fields)
    for key in source.toml_data:
        if key not in settings_cls.model_fields:
            guess = difflib.get_close_matches(key.lower().removeprefix("assistant_"), fields, n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            raise SettingsError(f"{path}: unknown setting {key!r}{hint}")
    return source


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
            sources.append(_toml_source(settings_cls, config))
        return tuple(sources)

    def today_or_clock(self) -> date:
        return self.today or date.today()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment.

    Raises ``SettingsError`` (one line naming the setting) for a value of the wrong type, as for a bad file.
    """
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ()))
        where = f"{name} (ASSISTANT_{name.upper()})" if name else "settings"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise SettingsError(f"invalid setting {where}: {first.get('msg')}{more}") from None


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
