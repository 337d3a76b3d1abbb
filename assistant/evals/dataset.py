"""The eval file format (defined in evals/README.md): one JSON object per line, checked strictly on load.

Loading rejects what would make scores meaningless (a missing field, a duplicate id, a follow-up whose first turn
is not asked before it). Content checks that need the corpus or judgement (is each key fact in the reference
answer?) are separate, in ``check_items``, so a draft set can still be scored while it is being written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evals.matching import group_matched, normalise

KINDS = (
    "fact",
    "eligibility",
    "procedure",
    "comparison",
    "multi-hop",
    "multilingual",
    "unanswerable",
    "injection",
    "follow-up",
)
REFUSAL_KINDS = frozenset({"unanswerable", "injection"})
REQUIRED = ("id", "question", "answer", "must_include", "kind", "lang")
OPTIONAL = ("follow_up_of", "gold_doc_ids", "source")


class EvalFormatError(ValueError):
    """An eval file that does not follow the format; the message names the file and line."""


@dataclass(frozen=True)
class EvalItem:
    """One question with what a right answer must contain; ``must_refuse`` items have no key facts."""

    id: str
    question: str
    answer: str
    must_include: tuple[tuple[str, ...], ...]
    kind: str
    lang: str
    follow_up_of: str | None = None
    gold_doc_ids: tuple[str, ...] = ()
    source: str = ""
    origin: str = field(default="", compare=False)

    @property
    def must_refuse(self) -> bool:
        return self.kind in REFUSAL_KINDS

    @property
    def answerable(self) -> bool:
        return not self.must_refuse

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "must_include": [list(g) for g in self.must_include],
            "kind": self.kind,
            "lang": self.lang,
        }
        if self.follow_up_of:
            data["follow_up_of"] = self.follow_up_of
        if self.gold_doc_ids:
            data["gold_doc_ids"] = list(self.gold_doc_ids)
        if self.source:
            data["source"] = self.source
        return data


def _string(obj: dict[str, Any], key: str, where: str, *, allow_empty: bool = False) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise EvalFormatError(f"{where}: `{key}` must be a non-empty string, got {value!r}")
    return value


def parse_item(obj: Any, where: str) -> EvalItem:
    """One decoded line to an item, or an EvalFormatError saying exactly which field is wrong."""
    if not isinstance(obj, dict):
        raise EvalFormatError(f"{where}: each line must be a JSON object")
    missing = [k for k in REQUIRED if k not in obj]
    if missing:
        raise EvalFormatError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(obj) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise EvalFormatError(f"{where}: unknown field(s) {', '.join(unknown)}")
    item_id = _string(obj, "id", where)
    where = f"{where} (id {item_id})"
    kind = _string(obj, "kind", where)
    if kind not in KINDS:
        raise EvalFormatError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    lang = _string(obj, "lang", where)
    if len(lang) != 2 or not lang.isalpha() or not lang.islower():
        raise EvalFormatError(f"{where}: lang {lang!r} must be a lowercase ISO 639-1 code such as 'en'")
    groups = obj["must_include"]
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g) for g in groups
    ):
        raise EvalFormatError(f"{where}: must_include must be a list of non-empty lists of non-empty strings")
    if kind in REFUSAL_KINDS and groups:
        raise EvalFormatError(f"{where}: a {kind} item must be refused, so its must_include must be empty")
    if kind not in REFUSAL_KINDS and not groups:
        raise EvalFormatError(f"{where}: an answerable ({kind}) item needs at least one must_include list")
    follow_up_of = obj.get("follow_up_of")
    if follow_up_of is not None and (not isinstance(follow_up_of, str) or not follow_up_of):
        raise EvalFormatError(f"{where}: follow_up_of must be the id of an earlier item")
    gold = obj.get("gold_doc_ids", [])
    if not isinstance(gold, list) or not all(isinstance(d, str) and d for d in gold):
        raise EvalFormatError(f"{where}: gold_doc_ids must be a list of document ids")
    source = obj.get("source", "")
    if not isinstance(source, str):
        raise EvalFormatError(f"{where}: source must be a string")
    return EvalItem(
        id=item_id,
        question=_string(obj, "question", where),
        answer=_string(obj, "answer", where),
        must_include=tuple(tuple(g) for g in groups),
        kind=kind,
        lang=lang,
        follow_up_of=follow_up_of,
        gold_doc_ids=tuple(gold),
        source=source,
    )


def parse_lines(lines: Iterable[str], name: str) -> list[EvalItem]:
    """Items in file order; ids unique and every follow-up pointing at an item that comes before it."""
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFormatError(f"{where}: not valid JSON ({exc.msg})") from None
        item = parse_item(obj, where)
        if item.id in seen:
            raise EvalFormatError(f"{where}: id {item.id!r} is used twice")
        if item.follow_up_of is not None and item.follow_up_of not in seen:
            raise EvalFormatError(
                f"{where}: follow_up_of {item.follow_up_of!r} must name an item earlier in the file"
            )
        seen.add(item.id)
        items.append(EvalItem(**{**item.__dict__, "origin": name}))
    return items


def load_items(paths: Sequence[Path]) -> list[EvalItem]:
    """Every item of every file, in order; an id used in two files is an error, since baselines match by id."""
    items: list[EvalItem] = []
    origin: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise EvalFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
        for item in parse_lines(text.splitlines(), str(path)):
            if item.id in origin:
                raise EvalFormatError(f"{path}: id {item.id!r} is also used in {origin[item.id]}")
            origin[item.id] = str(path)
            items.append(item)
    if not items:
        raise EvalFormatError(f"no items in {', '.join(str(p) for p in paths)}")
    return items


def check_items(items: Sequence[EvalItem], corpus_texts: Sequence[str] | None = None) -> list[str]:
    """Content problems: a key fact missing from the reference answer or from every corpus document.

    Each inner list of must_include must match the item's own reference answer, and (when corpus texts are given)
    match at least one document; different lists may match different documents, as multi-hop items need.
    """
    problems: list[str] = []
    corpus = None if corpus_texts is None else [normalise(t) for t in corpus_texts]
    for item in items:
        for group in item.must_include:
            if not group_matched(group, item.answer):
                problems.append(f"{item.id}: none of {list(group)} is in the reference answer")
            if corpus is not None and not any(group_matched(group, text) for text in corpus):
                problems.append(f"{item.id}: none of {list(group)} is in any corpus document")
    return problems
