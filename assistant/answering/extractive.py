"""The default answerer: it picks the retrieved sentences that answer the question and cites each one.

No language model is involved, so nothing can be invented: every sentence shown is a sentence of a source.
A sentence's score mixes its meaning's closeness to the question (the embedding model), the share of the
question's rarer words it contains, and whether it holds the kind of answer asked for (a date for "when",
an amount for "how much"). The best score is also the evidence the refusal threshold is calibrated on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import snowballstemmer

from assistant.answering.guard import is_instruction_sentence
from assistant.documents.model import Chunk
from assistant.documents.sentences import split_sentences
from assistant.glossary import fold

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE = re.compile(
    rf"\b(\d{{1,2}}\s+({_MONTHS})\s+\d{{4}}|({_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|(19|20)\d{{2}})\b",
    re.I,
)
MONEY = re.compile(r"(EUR|€|euro)\s*\d|\d[\d,.\s]*\s*(million|billion|EUR|euro|€)|\b\d+(\.\d+)?\s*%", re.I)
NUMBER = re.compile(
    r"\b\d+(?:[.,]\d+)?\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen)\b", re.I
)
PERCENT = re.compile(r"\d\s*%")

_STOP = set(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "and",
        "or",
        "not",
        "no",
        "do",
        "does",
        "did",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "much",
        "many",
        "any",
        "some",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "there",
        "their",
        "they",
        "them",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "he",
        "she",
        "his",
        "her",
        "as",
        "if",
        "than",
        "then",
        "so",
        "such",
        "about",
        "into",
        "over",
        "under",
        "between",
        "per",
        "each",
        "also",
        "only",
        "still",
        "yet",
        "all",
        "more",
        "most",
        "other",
        "own",
        "same",
        "too",
        "very",
        "just",
        "but",
        "get",
        "got",
        "have",
        "has",
        "had",
        "tell",
        "know",
        "please",
        "want",
        "need",
        "like",
    ]
)


# Chat filler that carries no subject, and how people write a word versus how the corpus writes it.
_FILLER = frozenset(
    [
        "actually",
        "roughly",
        "exactly",
        "really",
        "ok",
        "okay",
        "thanks",
        "thank",
        "hi",
        "hello",
        "called",
        "stand",
        "say",
        "vs",
        "versus",
        "compare",
        "difference",
        "between",
        "side",
        "whether",
        "possible",
        "overall",
        "gave",
        "give",
        "show",
        "explain",
        "mean",
        "means",
    ]
)
_CANONICAL = {
    "max": "maximum",
    "min": "minimum",
    "h2020": "horizon",
    "euro": "eur",
    "employee": "staff",
    "people": "staff",
    "person": "staff",
    "worker": "staff",
    "fte": "staff",
}


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    if token[0].isdigit():
        return token
    singular = token[:-1] if len(token) > 4 and token.endswith("s") and not token.endswith("ss") else token
    token = _CANONICAL.get(token) or _CANONICAL.get(singular) or token
    return _STEMMER.stemWord(token)


def content_words(text: str) -> list[str]:
    """Lower-case, accent-free word stems of weight, no stopwords: "applies" and "applied" meet."""
    return [
        _stem(token)
        for token in _TOKEN.findall(fold(text))
        if token not in _STOP and token not in _FILLER and len(token) >= 2
    ]


_GAP = re.compile(
    r"\b(do(?:es)? not (?:give|say|state|list|mention|publish|specify|confirm|name|report|show|document|cover|"
    r"explain|announce)|(?:sources?|copy|copies|documents?) do(?:es)? not include|did not (?:give|say|publish|state)|(?:is|are|was|were) not (?:given|published|stated|"
    r"confirmed|known|available|documented|covered)|could not be read|gives? no |no (?:stored |published )?source "
    r"(?:gives|says|states))",
    re.IGNORECASE,
)


def is_gap_statement(sentence: str) -> bool:
    """A sentence saying the sources lack a detail: quoting it as the answer would be a refusal in disguise."""
    return bool(_GAP.search(sentence))


def answer_type(question: str) -> str | None:
    """The kind of answer the question asks for, from its wording in English or the glossary's English."""
    q = fold(question)
    if re.search(r"\b(when|what date|which date|deadline|until when|how long ago|since when)\b", q):
        return "date"
    if re.search(
        r"\b(how much|amount|budget|maximum|max|cap|ceiling|threshold|limit|lump sum|funding rate|rate)\b", q
    ):
        return "money"
    if re.search(r"\b(what percentage|what share|what proportion|percent|%)\b", q):
        return "percent"
    if re.search(r"\b(how many|number of|how long|how big|how large|what size)\b", q):
        return "number"
    return None


_TYPE_PATTERN = {"date": DATE, "money": MONEY, "percent": PERCENT, "number": NUMBER}

_QUESTION_WORDS = (
    "who|whom|which|what|when|where|why|how|is|are|was|were|did|does|do|can|since"
    "|quand|combien|qui|quel|quelle|quels|quelles|où|comment|pourquoi|est-ce"
    "|wann|wie|wer|was|welche|welcher|welches|wo|warum|gibt"
    "|cuándo|cuánto|cuánta|cuántos|cuántas|quién|quiénes|qué|cuál|cuáles|dónde|cómo"
    "|quando|quanto|quanta|quanti|quante|chi|quale|quali|dove|come|quem|qual|quais|onde"
    "|kiedy|ile|kto|jaki|jaka|jakie|gdzie|jak|czy|wanneer|hoeveel|wat|welke|waar|hoe"
    "|kdy|kolik|kdo|kde|när|hur|vem|vilka|vad|hvornår|hvor|hvem|hvad|milloin|kuinka|mikor|mennyi"
    "|kada|koliko|tko|kdaj|când|cât|câte|cine|unde|πότε|πόσο|πόσα|ποιος|ποια|кога|колко|кой|коя"
)
# "and" in the supported languages, when a new question follows it.
_AND = r"and|und|et|y|e|i|en|och|og|ja|és|a|și|και|и"
_NEXT_PART = re.compile(
    rf"[?？]\s+(?=\S)|[,;]?\s+(?:{_AND})\s+(?:with\s+)?(?=(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"[A-Z][\w.+-]*")


def question_parts(question: str) -> list[str]:
    """The separate questions in one ("Which sector was NEPTUNE in and which countries were involved?"),
    each carrying the names of the whole so that "which countries were involved" still means NEPTUNE's."""
    parts = [p.strip(" ?¿,;") for p in _NEXT_PART.split(question) if len(p.split()) >= 2]
    if len(parts) < 2:
        return [question]
    openers = {part.split()[0] for part in parts}  # "Wie", "Kdo": a question word, whatever its language
    names = [
        name.rstrip(".")
        for name in _CAPITALISED.findall(question)
        if name.lower() not in _STOP and name.lower() not in _FILLER and name not in openers
    ]
    return [" ".join([part, *[n for n in dict.fromkeys(names) if n not in part]]) for part in parts]


@dataclass
class Scored:
    sentence: str
    chunk: Chunk
    rank: int
    index: int
    score: float
    semantic: float
    lexical: float
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)


class IdfTable:
    """Inverse document frequencies over the index's chunks: rare words weigh more in the overlap score."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        df: Counter[str] = Counter()
        for chunk in chunks:
            df.update(set(content_words(f"{chunk.title} {chunk.section} {chunk.text}")))
        self.n = max(1, len(chunks))
        self.df = df

    def idf(self, word: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(word, 0)))


def coverage(question: str, texts: Sequence[str], idf: IdfTable) -> float:
    """IDF-weighted share of the question's words that occur anywhere in the given passages."""
    words = set(content_words(question))
    present: set[str] = set()
    for text in texts:
        present.update(content_words(text))
    total = sum(idf.idf(w) for w in words)
    return sum(idf.idf(w) for w in words if w in present) / total if total else 1.0


def _overlap(
    query_words: list[str], sentence_words: set[str], idf: IdfTable, known_only: bool = False
) -> float:
    """IDF-weighted share of the question's words found; ``known_only`` ignores words no passage has (for
    questions in other languages, whose own words the English corpus cannot hold)."""
    unique = {w for w in query_words if idf.df.get(w, 0)} if known_only else set(query_words)
    if not unique:
        return 0.0
    total = sum(idf.idf(w) for w in unique)
    found = sum(idf.idf(w) for w in unique if w in sentence_words)
    return found / total if total else 0.0


_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


def _units(text: str) -> list[str]:
    """Sentences, with a sentence that ends in a colon kept together with the list it introduces."""
    units: list[str] = []
    open_list = False
    for sentence in split_sentences(text):
        is_item = bool(_LIST_LINE.match(sentence))
        if is_item and units and (open_list or units[-1].endswith(":")):
            item = _LIST_LINE.sub("", sentence).strip().rstrip(".;")
            units[-1] = f"{units[-1]}; {item}" if open_list else f"{units[-1]} {item}"
            open_list = True
            continue
        if open_list:
            units[-1] += "."
        units.append(sentence)
        open_list = False
    if open_list:
        units[-1] += "."
    return units


def quotable_sentences(chunk: Chunk) -> list[tuple[int, str]]:
    """The sentences of a chunk that may be quoted: long enough to say something, never an instruction."""
    found = []
    for index, sentence in enumerate(_units(chunk.text)):
        text = sentence.lstrip("-• ").strip()
        if len(text.split()) >= 4 and not is_instruction_sentence(text):
            found.append((index, text))
    return found


def score_sentences(
    question: str,
    query_vector: np.ndarray,
    chunks: Sequence[Chunk],
    embed: Callable[[list[str]], np.ndarray],
    idf: IdfTable,
    *,
    focus: str | None = None,
    max_chunks: int = 6,
    max_embedded: int = 14,
    known_only: bool = False,
) -> list[Scored]:
    """Every quotable sentence of the top chunks with its score, best first."""
    candidates = [
        (text, chunk, rank, index)
        for rank, chunk in enumerate(chunks[:max_chunks])
        for index, text in quotable_sentences(chunk)
    ]
    if not candidates:
        return []
    query_words = content_words(question)
    focus_words = content_words(focus) if focus else []
    wanted = answer_type(question)
    pattern = _TYPE_PATTERN.get(wanted) if wanted else None
    partial: list[tuple[float, float, tuple[str, Chunk, int, int]]] = []
    for candidate in candidates:
        text, chunk, rank, _index = candidate
        words = set(content_words(f"{chunk.title} {chunk.section} {text}"))
        lexical = 0.5 * _overlap(query_words, set(content_words(text)), idf, known_only) + 0.5 * _overlap(
            query_words, words, idf, known_only
        )
        bonus = 0.04 / (1 + rank) - (0.05 if not chunk.section else 0.0)
        if focus_words:
            bonus += 0.15 * _overlap(focus_words, words, idf)
        if pattern is not None:
            bonus += 0.08 if pattern.search(text) else -0.06
        partial.append((lexical, bonus, candidate))
    # Only the most promising sentences are embedded: the model is the expensive part of an answer.
    partial.sort(key=lambda p: 0.4 * p[0] + p[1] + 0.05 / (1 + p[2][2]), reverse=True)
    partial = partial[:max_embedded]
    vectors = embed([p[2][0] for p in partial])
    semantic = vectors @ query_vector
    scored = [
        Scored(
            text, chunk, rank, index, 0.6 * float(sem) + 0.4 * lexical + bonus, float(sem), lexical, vector
        )
        for (lexical, bonus, (text, chunk, rank, index)), sem, vector in zip(
            partial, semantic, vectors, strict=True
        )
    ]
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored


_SAME_MEANING = 0.86  # cosine above which two sentences say the same thing in other words
_SAME_FIGURES = 0.65  # cosine above which a sentence repeating only figures already shown adds nothing


_YEAR = re.compile(r"(?:19|20)\d\d")


_FULL_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}\b", re.I)


def _numbers(sentence: str) -> set[str]:
    """The figures a sentence states, a date whole ("15 February 2019"), a bare year aside: "the October 2019
    presentation" dates a source, not a fact."""
    dates = {" ".join(m.group(0).lower().split()) for m in _FULL_DATE.finditer(sentence)}
    rest = _FULL_DATE.sub(" ", sentence)
    found = {m.group(0).lower() for m in NUMBER.finditer(rest)}
    return dates | {n for n in found if not _YEAR.fullmatch(n)}


def _redundant(candidate: Scored, chosen: list[Scored]) -> bool:
    """A sentence that repeats one already chosen, in its words, its meaning, or its figures: sources often
    restate a fact, and each restatement shown is a part of the question left unanswered."""
    numbers = _numbers(candidate.sentence)
    if numbers - set().union(*(_numbers(other.sentence) for other in chosen)):
        return False  # a figure not shown yet is news, however familiar the words around it
    words = set(content_words(candidate.sentence))
    for other in chosen:
        seen = set(content_words(other.sentence))
        if words and len(words & seen) / len(words) > 0.7:
            return True
        if candidate.vector is None or other.vector is None:
            continue
        similarity = float(candidate.vector @ other.vector)
        if similarity >= _SAME_MEANING:
            return True
        if numbers and similarity >= _SAME_FIGURES and numbers <= _numbers(other.sentence):
            return True
    return False


def select(
    scored: list[Scored], max_sentences: int, margin: float = 0.1, required: Sequence[Scored] = ()
) -> list[Scored]:
    """The best sentence, the best answer to each part of a many-part question, then others nearly as good
    that add something; in reading order per source."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    for part_best in required:
        if len(chosen) < max_sentences and not _redundant(part_best, chosen):
            chosen.append(part_best)
    for candidate in scored[1:]:
        if len(chosen) >= max_sentences:
            break
        if candidate.score < best.score - margin:
            break
        if not _redundant(candidate, chosen):
            chosen.append(candidate)
    # A sentence that follows the best one in its chunk often finishes its thought ("The cap may be exceeded...").
    follower = [
        s
        for s in scored
        if s.chunk.chunk_id == best.chunk.chunk_id and s.index == best.index + 1 and s not in chosen
    ]
    if (
        follower
        and len(chosen) < max_sentences
        and follower[0].score >= best.score - 2 * margin
        and not _redundant(follower[0], chosen)
    ):
        chosen.append(follower[0])
    return sorted(chosen, key=lambda s: (s.chunk.chunk_id != best.chunk.chunk_id, s.rank, s.index))
