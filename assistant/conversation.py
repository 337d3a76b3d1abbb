"""Follow-up questions become standalone ones before retrieval, as chat-langchain does.

Only follow-ups are rewritten: a question that names its own subject is searched as asked. The deterministic
rewrite carries the subject of the previous question over ("And for medium-sized ones?" after a question about
small enterprises' ceilings searches for the ceilings of medium-sized ones); an LLM, when configured, may do it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answering.extractive import content_words
from assistant.eligibility.countries import find_countries

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|what about|how about|and what about|also|then|so|but|or|same for|what if|et|und|a|i|y|e|"
    r"et pour|und für|a co z|a dla|y para|e per|e per quanto|et qu'en est-il|wie steht es|co z|"
    r"¿y|y si|e se|und wenn|et si)\b",
    re.I,
)
_REFERRING = re.compile(
    r"\b(it|its|this|that|these|those|they|them|their|there|then|one|ones|same|above|former|latter|"
    r"il|elle|ils|elles|ce|cela|ça|celui|celle|es|sie|dies|diese|dieser|das|ten|ta|to|tego|tej|ich|oni|"
    r"esto|eso|esa|ese|ellos|questo|quello|quella|essi|loro)\b",
    re.I,
)


# Words naming one of several alternatives: a follow-up that names one replaces its sibling in the previous
# question ("and for gold?" after one about the silver label) instead of searching for both.
_ALTERNATIVES = (
    frozenset({"micro", "small", "medium", "medium-sized", "large"}),
    frozenset({"bronze", "silver", "gold"}),
    frozenset({"first", "second", "third", "final", "last"}),
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _messages(history: Sequence[Any] | None) -> list[dict[str, str]]:
    """Gradio messages, or (user, assistant) pairs, as a flat list of {role, content}."""
    messages: list[dict[str, str]] = []
    for item in history or []:
        if isinstance(item, dict) and "role" in item:
            content = item.get("content")
            if isinstance(content, list):  # Gradio may hold content parts
                content = " ".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)
            messages.append({"role": str(item["role"]), "content": str(content or "")})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            messages.append({"role": "user", "content": str(item[0] or "")})
            messages.append({"role": "assistant", "content": str(item[1] or "")})
    return messages


def last_user_question(history: Sequence[Any] | None) -> str | None:
    for message in reversed(_messages(history)):
        if message["role"] == "user" and message["content"].strip():
            return message["content"].strip()
    return None


def is_follow_up(question: str, history: Sequence[Any] | None) -> bool:
    """A question that leans on the conversation: it starts like a follow-up, points back, or is very short."""
    if not last_user_question(history):
        return False
    words = content_words(question)
    if _FOLLOW_UP_START.search(question):
        return True
    if _REFERRING.search(question) and len(words) <= 8:
        return True
    return len(words) <= 2


def condense(question: str, history: Sequence[Any] | None) -> str:
    """The standalone question to search with: the follow-up plus the subject words of the previous question."""
    if not is_follow_up(question, history):
        return question
    previous = last_user_question(history) or ""
    own = set(content_words(question))
    carried = [w for w in dict.fromkeys(_subject_words(previous)) if w not in own]
    carried = [w for w in carried if not _replaced_by(w, question)]
    return f"{question} ({' '.join(carried)})" if carried else question


def _replaced_by(word: str, question: str) -> bool:
    """Whether the follow-up names an alternative to ``word``: another size class, label level or stage,
    another year, another country."""
    own = {w.lower() for w in re.findall(r"[\w-]+", question)}
    if any(word.lower() in group and own & group and word.lower() not in own for group in _ALTERNATIVES):
        return True
    if _YEAR.fullmatch(word) and any(_YEAR.fullmatch(w) for w in own):
        return True
    return bool(find_countries(word)) and bool(find_countries(question))


def _subject_words(text: str) -> list[str]:
    """The previous question's words as written (case kept for identifiers), minus stopwords."""
    kept = []
    folded = set(content_words(text))
    for token in re.findall(r"[\w%€-]+", text):
        words = content_words(token)
        if words and words[0] in folded:
            kept.append(token)
    return kept


def history_text(history: Sequence[Any] | None, limit: int = 6) -> str:
    return "\n".join(f"{m['role']}: {m['content']}" for m in _messages(history)[-limit:])
