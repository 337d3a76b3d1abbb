"""The Assistant: from a question (and the conversation so far) to a cited answer or an honest refusal."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from assistant.answering.answer import Answer, Citation, RetrievedChunk
from assistant.answering.answerability import (
    REASONS,
    asks_for_legal_action,
    asks_for_personal_data,
    programmes,
    unanswered,
)
from assistant.answering.citations import check_answer, make_citation
from assistant.answering.extractive import (
    IdfTable,
    Scored,
    content_words,
    coverage,
    is_gap_statement,
    question_parts,
    quotable_sentences,
    score_sentences,
    select,
)
from assistant.answering.guard import is_instruction_sentence, looks_like_injection
from assistant.answering.language import detect_language
from assistant.answering.prompts import (
    EMPTY_QUESTION,
    FRAME,
    REFUSAL_REASONS,
    TOO_LONG,
    off_limits_message,
    refusal_message,
)
from assistant.answering.selfcheck import given_figures, run_self_check, supporting_sentence
from assistant.answering.status import StatusAnswer, call_notices, status_answer
from assistant.calls import calls_from_chunks, find_calls, format_date, status_on
from assistant.conversation import condense
from assistant.documents.model import Chunk
from assistant.documents.sentences import split_sentences
from assistant.eligibility import (
    asks_about_consortium,
    asks_about_country_eligibility,
    detect_eligibility_question,
    parse_profile,
)
from assistant.glossary import english_view, is_glossary_word
from assistant.retrieval import HybridRetriever, Retrieval
from assistant.settings import Settings, get_settings

YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
NAME = re.compile(r"\b(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{3,}[\w-]*)")  # CamelCase names and acronyms
SUCCESSOR_QUERY = (
    "What replaced INNOSUP-1 and the Horizon 2020 cluster calls? Successor programmes Euroclusters"
)
# What came after the Horizon 2020 cluster calls, and the words that say it did.
SUCCESSOR_NAMES = re.compile(r"\bEuroclusters?\b|\bSingle Market Programme\b|\bHorizon Europe\b")
SUCCESSOR_VERBS = re.compile(r"\b(?:continu\w*|replac\w*|succeed\w*|took over|followed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Build:
    """What answers need from one index build, swapped as a whole so that no answer mixes two builds."""

    reader: Any
    retriever: HybridRetriever
    idf: IdfTable
    calls: list[Any]
    planted: frozenset[str]

    @classmethod
    def of(cls, reader: Any, settings: Settings) -> _Build:
        planted = planted_documents(reader.chunks)
        trusted = [c for c in reader.chunks if c.doc_id not in planted]
        return cls(
            reader,
            HybridRetriever(reader, settings),
            IdfTable(trusted),  # what a planted page alone mentions counts as not in the documents
            calls_from_chunks(trusted),
            planted,
        )


class Assistant:
    """Answers questions from one index build; ``reload_if_changed`` follows a new build being switched in."""

    def __init__(self, reader: Any, settings: Settings | None = None, llm: Any | None = None) -> None:
        self.settings = settings or get_settings()
        self._build = _Build.of(reader, self.settings)
        self._llm = llm
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index: Path | str | None = None, settings: Settings | None = None) -> Assistant:
        """The assistant over the current build of an index directory (the one from settings by default)."""
        from assistant.index.reader import IndexReader

        settings = settings or get_settings()
        reader = IndexReader.open(Path(index) if index else settings.index_dir, settings)
        llm = None
        if settings.llm_backend != "none":
            from assistant.answering.llm import LLMAnswerer

            llm = LLMAnswerer.from_settings(settings)
        return cls(reader, settings, llm)

    @property
    def reader(self) -> Any:
        return self._build.reader

    @property
    def _retriever(self) -> HybridRetriever:
        return self._build.retriever

    @property
    def build_id(self) -> str:
        return str(getattr(self._build.reader, "build_id", ""))

    def reload_if_changed(self) -> bool:
        """Swap to the newly current build, if one was switched in; answers in flight keep the old one."""
        old = self._build.reader
        is_current = getattr(old, "is_current", None)
        if is_current is None or is_current():
            return False
        from assistant.index.reader import IndexReader

        build = _Build.of(IndexReader.open(old.index_dir, self.settings), self.settings)
        with self._lock:
            self._build = build
        return True

    def warm_up(self, limit: int = 20_000, batch: int = 64) -> int:
        """Embed the corpus's quotable sentences once, so answers only embed the question (the query encoder
        caches sentence vectors). Meant for a background thread at server start; returns sentences embedded."""
        reader = self._build.reader
        encode = _sentence_encoder(reader.embedder)
        sentences = [text for chunk in reader.chunks for _, text in quotable_sentences(chunk)][:limit]
        sentences.sort(key=len)  # similar lengths batch with little padding
        for start in range(0, len(sentences), batch):
            encode(sentences[start : start + batch])
        return len(sentences)

    # The contract --------------------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        filters: dict[str, str] | None = None,
    ) -> Answer:
        """One answer: extractive by default, phrased by the LLM when one is configured and its answer checks out."""
        started = time.perf_counter()
        question = (question or "").strip()
        language = detect_language(question) if question else "en"
        early = self._screen(question, language)
        if early is not None:
            early.timings["total_ms"] = (time.perf_counter() - started) * 1000
            return early
        with self._lock:
            build = self._build
        if _self_check_applies(question):
            answer = self.check_eligibility(question, language=language)
            if answer is not None:
                answer.timings["total_ms"] = (time.perf_counter() - started) * 1000
                return answer
        standalone = (
            self._llm.condense(question, history) if self._llm is not None else condense(question, history)
        )
        query = build.retriever.search_query(standalone, language)
        retrieval = build.retriever.retrieve(query, filters=filters)
        answer = self._compose(question, standalone, query, language, retrieval, build)
        if self._llm is not None and not answer.refused:
            trusted = [h for h in retrieval.hits if h.chunk.doc_id not in build.planted]
            answer = self._llm.rephrase(question, language, answer, replace(retrieval, hits=trusted))
        answer.timings.update(retrieval.timings)
        answer.timings["total_ms"] = (time.perf_counter() - started) * 1000
        return answer

    def stream(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        filters: dict[str, str] | None = None,
    ) -> Iterator[Answer]:
        """Answers that grow word by word; the last one yielded is the complete, checked answer."""
        answer = self.ask(question, history, filters)
        words = answer.text.split(" ")
        step = max(1, -(-len(words) // 4))  # a few steps: each is a whole update of the page
        for end in range(step, len(words), step):
            partial = Answer(text=" ".join(words[:end]), refused=answer.refused, language=answer.language)
            yield partial
        yield answer

    # Steps ---------------------------------------------------------------------------------------------------

    def _screen(self, question: str, language: str) -> Answer | None:
        """Questions answered without retrieval: empty, too long, or trying to change the instructions."""
        if not question:
            return Answer(text=EMPTY_QUESTION, refused=True, refusal_reason=REFUSAL_REASONS["empty"])
        limit = self.settings.max_question_chars
        if len(question) > limit:
            template = TOO_LONG.get(language, TOO_LONG["en"])
            return Answer(
                text=template.format(n=len(question), limit=limit),
                refused=True,
                refusal_reason=REFUSAL_REASONS["too_long"],
                language=language,
            )
        for reason, asks in (
            ("personal_data", asks_for_personal_data),
            ("legal_advice", asks_for_legal_action),
        ):
            if asks(question):
                return Answer(
                    text=refusal_message(language),
                    refused=True,
                    refusal_reason=REASONS[reason],
                    language=language,
                )
        if looks_like_injection(question):
            return Answer(
                text=off_limits_message(language),
                refused=True,
                refusal_reason=REFUSAL_REASONS["injection"],
                language=language,
            )
        return None

    def _compose(
        self,
        question: str,
        standalone: str,
        query: str,
        language: str,
        retrieval: Retrieval,
        build: _Build,
    ) -> Answer:
        started = time.perf_counter()
        reader, idf = build.reader, build.idf
        chunks = [h.chunk for h in retrieval.hits]
        retrieved = [RetrievedChunk.of(h.chunk, h.score) for h in retrieval.hits]
        flagged = sorted({c.doc_id for c in chunks if c.doc_id in build.planted})
        trusted = [c for c in chunks if c.doc_id not in build.planted]
        today = self.settings.today_or_clock()
        status = status_answer(standalone, build.calls, reader.chunks, today, asked=question)
        unknown = [] if status else self._unknown_terms(question, language, idf)
        if unknown:
            answer = self._refusal(language, retrieved, query, flagged)
            answer.refusal_reason = f"{REFUSAL_REASONS['not_covered']}: {', '.join(unknown)}"
            return answer
        compared = question if language == "en" else english_view(question, language)
        if (
            compared
            and not status
            and standalone == question
            and coverage(compared, [f"{c.title} {c.section} {c.text}" for c in trusted[:3]], idf)
            < self.settings.min_coverage
        ):
            answer = self._refusal(language, retrieved, query, flagged)
            answer.refusal_reason = REFUSAL_REASONS["off_topic"]
            return answer
        focus = question if standalone != question else None
        scored = self._score(query, retrieval, chunks, build, focus=focus, language=language)
        evidence = scored[0].score if scored else 0.0
        neighbouring = (
            None if status else unanswered(query, scored, language, follow_up=standalone != question)
        )
        if neighbouring is not None:
            answer = self._refusal(language, retrieved, query, flagged)
            answer.refusal_reason = REASONS[neighbouring]
            answer.timings["evidence"] = round(evidence, 4)
            return answer
        sentences: list[tuple[str, Chunk]] = []
        answering = [s for s in scored if not is_gap_statement(s.sentence)]
        gap_margin = 0.15 if answering and answering[0] is not scored[0] else 1.0
        if (
            evidence >= self.settings.min_evidence
            and answering
            and answering[0].score >= max(self.settings.min_evidence, evidence - gap_margin)
        ):
            parts = self._part_answers(question, retrieval, chunks, build, language) if not focus else []
            chosen = select(
                answering, self.settings.max_answer_sentences, self.settings.answer_margin, required=parts
            )
            sentences = [(s.sentence, s.chunk) for s in chosen]
        prefix, prefix_citations, notices = (
            (status.sentences, status.citations, list(status.notices)) if status else ([], [], [])
        )
        if status is not None:  # nothing quoted may contradict the dated status that leads
            sentences = _agreeing(sentences, status, build.calls, today)
        if prefix:  # the dated status leads; two quoted sentences of context are enough after it
            sentences = sentences[:2]
        said = any(SUCCESSOR_NAMES.search(t) and SUCCESSOR_VERBS.search(t) for t, _ in sentences)
        if status and not said and not _open_on(build.calls, today):  # nothing open: say what came next
            extra = self._successor_sentence(build, {c for _, c in sentences})
            sentences += extra
            retrieved += [
                RetrievedChunk.of(c, 0.0)
                for _, c in extra
                if c.chunk_id not in {r.chunk_id for r in retrieved}
            ]
        if not sentences and not prefix:
            answer = self._refusal(language, retrieved, query, flagged)
            answer.timings["select_ms"] = (time.perf_counter() - started) * 1000
            answer.timings["evidence"] = round(evidence, 4)
            return answer
        body, citations, cited = _cite(prefix, prefix_citations, sentences, reader)
        shown = {r.chunk_id for r in retrieved}
        retrieved += [RetrievedChunk.of(c, 0.0) for c in cited.values() if c.chunk_id not in shown]
        dated = format_date(today) if status else ""  # a status sentence names today, which no source holds
        check = check_answer(body, cited, {c.chunk_id for c in cited.values()}, given=dated)
        text = f"{FRAME[language]} {body}" if language in FRAME else body
        if not status:
            notices = call_notices(build.calls, list(cited.values()), standalone, today)
        answer = Answer(
            text=text,
            citations=citations,
            retrieved=retrieved,
            language=language,
            notices=notices,
            query=query,
            flagged=flagged,
        )
        if not check.ok:
            answer.notices.append("Citation check: " + "; ".join(check.problems))
        answer.timings["select_ms"] = (time.perf_counter() - started) * 1000
        answer.timings["evidence"] = round(evidence, 4)
        return answer

    def _score(
        self,
        query: str,
        retrieval: Retrieval,
        chunks: list[Chunk],
        build: _Build,
        focus: str | None,
        language: str = "en",
    ) -> list[Scored]:
        chunks = [c for c in chunks if c.doc_id not in build.planted]  # a planted document is never quoted
        if not chunks:
            return []
        embedder = build.reader.embedder
        vector = retrieval.vector if retrieval.vector is not None else embedder.embed_query(query)
        return score_sentences(
            query,
            vector,
            chunks,
            _sentence_encoder(embedder),
            build.idf,
            focus=focus,
            known_only=language != "en",
        )

    def _part_answers(
        self, question: str, retrieval: Retrieval, chunks: list[Chunk], build: _Build, language: str
    ) -> list[Scored]:
        """The best sentence for each part of a many-part question, so that the answer does not stop at the
        part whose words dominate the whole."""
        parts = question_parts(question)
        if len(parts) < 2:
            return []
        if language != "en":  # each part searched with its English terms, as the whole question is
            parts = [build.retriever.search_query(part, language) for part in parts]
        encode = _sentence_encoder(build.reader.embedder)
        ranked = []
        for part, vector in zip(parts, encode(parts), strict=True):
            scored = self._score(part, replace(retrieval, vector=vector), chunks, build, None, language)
            ranked.append([s for s in scored if not is_gap_statement(s.sentence)])
        best: list[Scored] = []
        taken: set[tuple[str, int]] = set()
        # Parts whose answer is clearest choose first; no two parts answer with the same sentence.
        for answering in sorted(ranked, key=lambda a: a[0].score if a else 0.0, reverse=True):
            for candidate in answering:
                if candidate.score < self.settings.min_evidence:
                    break
                if (candidate.chunk.chunk_id, candidate.index) not in taken:
                    taken.add((candidate.chunk.chunk_id, candidate.index))
                    best.append(candidate)
                    break
        return best

    def _unknown_terms(self, question: str, language: str, idf: IdfTable) -> list[str]:
        """Future years, years, names and acronyms that no passage mentions: the documents cannot speak about
        them, whatever else the question shares with them."""
        this_year = self.settings.today_or_clock().year
        unknown = [y for y in YEAR.findall(question) if idf.df.get(y, 0) == 0 or int(y) > this_year]
        for token in [*NAME.findall(question), *programmes(question)]:
            if language != "en" and is_glossary_word(token):
                continue  # "KMU", "PME": the question's language's word for a term the corpus has
            words = content_words(token)
            if words and all(idf.df.get(w, 0) == 0 for w in words):
                unknown.append(token)
        return list(dict.fromkeys(unknown))

    def _successor_sentence(self, build: _Build, already: set[Chunk]) -> list[tuple[str, Chunk]]:
        """When nothing is open, the corpus's best sentence on what replaced these programmes."""
        retrieval = build.retriever.retrieve(SUCCESSOR_QUERY, k=4)
        chunks = [h.chunk for h in retrieval.hits]
        scored = self._score(SUCCESSOR_QUERY, retrieval, chunks, build, focus=None)
        fresh = [s for s in scored if s.chunk not in already and s.score >= self.settings.min_evidence]
        # A sentence that says what continued the calls answers "what replaced them"; one that only names the
        # successor, or only says there is one, is a pointer.
        naming = [
            s for s in fresh if SUCCESSOR_NAMES.search(s.sentence) and not s.sentence.rstrip().endswith("?")
        ]
        saying = [s for s in naming if SUCCESSOR_VERBS.search(s.sentence)]
        return [(item.sentence, item.chunk) for item in (saying or naming or fresh)[:1]]

    def check_eligibility(
        self,
        question: str = "",
        profile: Any = None,
        scheme: str | None = None,
        language: str | None = None,
    ) -> Answer | None:
        """The SME self-check as a cited answer, from a chat message or a form's ``CompanyProfile``; None when
        no conclusion could be supported by the corpus (the ordinary answer path then takes over)."""
        started = time.perf_counter()
        language = language or (detect_language(question) if question else "en")
        with self._lock:
            build = self._build
        reader, retriever = build.reader, build.retriever
        used: dict[str, Chunk] = {}

        def find(query: str, terms: list[str]) -> tuple[Chunk, str] | None:
            hits = [h.chunk for h in retriever.retrieve(query, k=8).hits]
            for chunk in [*hits, *reader.chunks]:
                if chunk.doc_id in build.planted:
                    continue
                quote = supporting_sentence(chunk, terms)
                if quote is not None:
                    used[chunk.chunk_id] = chunk
                    return chunk, quote
            return None

        today = self.settings.today_or_clock()
        result = run_self_check(question, find, build.calls, today, profile=profile, scheme=scheme)
        if not result.sentences:
            return None
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for text, chunk, quote in result.sentences:
            if chunk.chunk_id not in numbers:
                numbers[chunk.chunk_id] = len(numbers) + 1
                citations.append(make_citation(numbers[chunk.chunk_id], chunk, quote))
            for sentence in split_sentences(text):
                parts.append(f"{sentence.rstrip().rstrip('.')} [{numbers[chunk.chunk_id]}].")
        body = " ".join(parts)
        cited = {numbers[c.chunk_id]: c for c in used.values() if c.chunk_id in numbers}
        # The company's own figures, in whatever form it wrote them ("EUR 8M") and as the answer writes them.
        check = check_answer(body, cited, set(numbers), given=f"{question}; {given_figures(result)}")
        notices = [f"To be sure, we still need to know: {m}" for m in result.missing]
        if not check.ok:
            notices.append("Citation check: " + "; ".join(check.problems))
        answer = Answer(
            text=f"{FRAME[language]} {body}" if language in FRAME else body,
            citations=citations,
            retrieved=[RetrievedChunk.of(c, 1.0) for c in used.values()],
            language=language,
            notices=notices,
            query=question,
            backend="self-check",
        )
        answer.timings["selfcheck_ms"] = (time.perf_counter() - started) * 1000
        return answer

    def _refusal(
        self, language: str, retrieved: list[RetrievedChunk], query: str, flagged: list[str]
    ) -> Answer:
        return Answer(
            text=refusal_message(language),
            refused=True,
            refusal_reason=REFUSAL_REASONS["no_evidence"],
            retrieved=retrieved,
            language=language,
            query=query,
            flagged=flagged,
        )


def _open_on(calls: list[Any], today: date) -> list[Any]:
    """Calls not closed on ``today``: open, not yet open, between stages or with a deadline ahead."""
    return [r for r in calls if status_on(r, today).is_upcoming]


# A quoted sentence that itself says a call is closed ("are now closed", "have also closed", "no ... is still
# open"), or that one is open.
_SAYS_CLOSED = re.compile(
    r"\b(?:is|are|was|were|has|have|had)\s+(?:now\s+|also\s+|all\s+|already\s+|since\s+)*(?:been\s+)?closed\b|"
    r"\bclosed\s+(?:on|in|since|by|at)\b|\bno\b[^.;]{0,80}\b(?:is|are)\s+(?:still\s+|now\s+)?open\b|"
    r"\bnone\b[^.;]{0,60}\b(?:is|are)\s+(?:still\s+|now\s+)?open\b|\bno\s+new\b[^.;]{0,40}\bwill\s+open\b",
    re.IGNORECASE,
)
_SAYS_OPEN = re.compile(r"\b(?:is|are)\s+(?:still\s+|now\s+|currently\s+)open\b", re.IGNORECASE)
# A quoted FAQ answer that opens with its verdict ("No. INNOLABS ended in 2019, ...") answers its own question.
_VERDICT = re.compile(r"^\s*(no|yes)\b\s*[.,:;]", re.IGNORECASE)


def _agreeing(
    sentences: list[tuple[str, Chunk]], status: StatusAnswer, calls: list[Any], today: date
) -> list[tuple[str, Chunk]]:
    """The quoted sentences that do not contradict the dated status: one saying a call is closed goes when that
    call (or, when it names none, the call the answer is about) still has a date ahead, and one saying a call is
    open goes when it is closed. For a question about all calls, only the stated calls' own passages remain."""
    by_doc = {r.doc_id: r for r in calls}
    stated = {r.doc_id for r in status.about}
    kept = []
    for sentence, chunk in sentences:
        if not status.named and chunk.doc_id not in stated:
            continue
        verdict = _VERDICT.match(sentence)
        if verdict and (verdict.group(1).lower() == "no") == status.upcoming:
            continue
        says_closed = bool(_SAYS_CLOSED.search(sentence))
        says_open = not says_closed and bool(_SAYS_OPEN.search(sentence))
        if says_closed or says_open:
            mentioned = find_calls(calls, sentence) or [r for r in [by_doc.get(chunk.doc_id)] if r]
            ahead = any(status_on(r, today).is_upcoming for r in mentioned) if mentioned else status.upcoming
            if ahead == says_closed:
                continue
        kept.append((sentence, chunk))
    return kept


def _self_check_applies(question: str) -> bool:
    """An eligibility question that gives the company's size, or its country and a scheme, or a consortium's
    members and their countries: the self-check can conclude something from each."""
    if asks_about_country_eligibility(question) or asks_about_consortium(question):
        return True
    if not detect_eligibility_question(question):
        return False
    profile = parse_profile(question)
    return profile.headcount is not None or profile.turnover is not None or profile.balance_sheet is not None


def _has_planted_instructions(chunk: Chunk) -> bool:
    lines = [chunk.title, chunk.section, *chunk.text.split("\n")]
    return any(is_instruction_sentence(line) for line in lines if line)


def planted_documents(chunks: Sequence[Chunk]) -> frozenset[str]:
    """Documents with a passage addressed to the assistant. Nothing of theirs is quoted or dated: the sentence
    that gives the order is only the visible part of the attack, and a plain-looking "the deadline is ..." beside
    it is just as planted."""
    return frozenset(c.doc_id for c in chunks if _has_planted_instructions(c))


def _sentence_encoder(embedder: Any):
    """Sentences are scored with the fast query encoder when the model has one."""
    batch = getattr(embedder, "embed_queries", None)
    return batch if callable(batch) else embedder.embed_passages


def _cite(
    prefix: list[str], prefix_citations: list[Citation], sentences: list[tuple[str, Chunk]], reader: Any
) -> tuple[str, list[Citation], dict[int, Chunk]]:
    """Status sentences (already numbered) then quoted sentences, markers numbered in order of first use."""
    citations = list(prefix_citations)
    numbers = {c.chunk_id: c.n for c in citations}
    cited: dict[int, Chunk] = {c.n: reader.get(c.chunk_id) for c in citations}
    parts = list(prefix)
    for sentence, chunk in sentences:
        if chunk.chunk_id not in numbers:
            numbers[chunk.chunk_id] = len(numbers) + 1
            citations.append(make_citation(numbers[chunk.chunk_id], chunk, sentence))
            cited[numbers[chunk.chunk_id]] = chunk
        sentence = sentence.rstrip()
        stop = sentence[-1] if sentence[-1:] in ".!?" else "."
        sentence = sentence[:-1].rstrip() if sentence[-1:] in ".!?" else sentence
        parts.append(f"{sentence} [{numbers[chunk.chunk_id]}]{stop}")
    return " ".join(parts), citations, cited
