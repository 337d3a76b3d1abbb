"""Heading-scoped chunks that fit what the embedding model reads (MiniLM truncates at 256 tokens)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from assistant.documents.model import Block, Chunk, Document, content_hash, make_chunk_id
from assistant.documents.sentences import split_sentences
from assistant.models import TokenCounter

# Bump when loaders or chunk boundaries change what is embedded: it forces a full rebuild of existing indexes.
CHUNKER_VERSION = "6"


_SOURCE_LIST = re.compile(r"^(sources?|references|bibliography)\b", re.IGNORECASE)


def _is_source_list(section: tuple[str, ...]) -> bool:
    """A list of addresses under "Sources": metadata the citations already carry, not facts to retrieve."""
    return bool(section) and bool(_SOURCE_LIST.match(section[-1]))


def _section_label(section: tuple[str, ...]) -> str:
    return " > ".join(section)


def _pieces(text: str, counter: TokenCounter, budget: int) -> Iterator[tuple[str, int]]:
    """Lines, or sentences of a long line, or words of a very long sentence; each with its token count."""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        size = counter.count(line)
        if size <= budget:
            yield line, size
            continue
        for sentence in split_sentences(line):
            size = counter.count(sentence)
            if size <= budget:
                yield sentence, size
                continue
            words, current = sentence.split(), []
            for word in words:
                if counter.count(word) > budget:  # a long URL or token soup: cut it where the budget ends
                    if current:
                        piece = " ".join(current)
                        yield piece, counter.count(piece)
                        current = []
                    yield from _split_word(word, counter, budget)
                    continue
                if current and counter.count(" ".join([*current, word])) > budget:
                    piece = " ".join(current)
                    yield piece, counter.count(piece)
                    current = []
                current.append(word)
            if current:
                piece = " ".join(current)
                yield piece, counter.count(piece)


def _split_word(word: str, counter: TokenCounter, budget: int) -> Iterator[tuple[str, int]]:
    """Consecutive character runs of one over-long word, each about the longest prefix that fits the budget.

    A galloping then binary search over prefix lengths, so the cost stays near-linear in the word's length.
    Every piece yielded has been counted: a tokenizer whose count is not monotonic in the length (WordPiece
    reads a word over 100 characters as one unknown token) can only make pieces shorter, never over budget.
    """
    rest = word
    while rest:
        n = len(rest)
        lo = min(budget, n)  # a character is at most one token, so this prefix fits; checked all the same
        if counter.count(rest[:lo]) > budget:
            lo = 1
        hi = n
        while lo < hi:
            probe = min(lo * 2, hi)
            if counter.count(rest[:probe]) <= budget:
                lo = probe
            else:
                hi = probe - 1
                break
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if counter.count(rest[:mid]) <= budget:
                lo = mid
            else:
                hi = mid - 1
        yield rest[:lo], counter.count(rest[:lo])
        rest = rest[lo:]


def _group(blocks: list[Block]) -> Iterator[tuple[tuple[str, ...], int | None, str]]:
    """Runs of blocks that share a section and a page: a chunk never crosses either."""
    current: list[Block] = []
    for block in blocks:
        if current and (block.section != current[-1].section or block.page != current[-1].page):
            yield current[0].section, current[0].page, "\n".join(b.text for b in current)
            current = []
        current.append(block)
    if current:
        yield current[0].section, current[0].page, "\n".join(b.text for b in current)


def chunk_document(doc: Document, counter: TokenCounter, max_tokens: int = 220) -> list[Chunk]:
    """Pack each section's lines into chunks whose embedded text (title, section, body) stays under max_tokens."""
    chunks: list[Chunk] = []
    deadlines = json.dumps(doc.deadlines, sort_keys=True)
    for section, page, text in _group(doc.blocks):
        if _is_source_list(section):
            continue
        label = _section_label(section)
        header = counter.count(" > ".join(p for p in (doc.title, label) if p)) + 2
        budget = max(32, max_tokens - header)
        lines: list[str] = []
        used = 0
        for piece, size in _pieces(text, counter, budget):
            if lines and used + size > budget:
                chunks.append(_make(doc, label, page, "\n".join(lines), len(chunks), deadlines))
                lines, used = [], 0
            lines.append(piece)
            used += size + 1
        if lines:
            chunks.append(_make(doc, label, page, "\n".join(lines), len(chunks), deadlines))
    return chunks


def _make(doc: Document, section: str, page: int | None, text: str, position: int, deadlines: str) -> Chunk:
    return Chunk(
        chunk_id=make_chunk_id(doc.doc_id, position, text),
        doc_id=doc.doc_id,
        text=text,
        title=doc.title,
        section=section,
        page=page,
        url=doc.url,
        doc_type=doc.doc_type,
        programme=doc.programme,
        call_ids=tuple(doc.call_ids),
        language=doc.language,
        position=position,
        content_hash=content_hash(f"{doc.title}\n{section}\n{text}"),
        path=doc.path,
        updated=doc.updated,
        opens=doc.opens,
        deadlines=deadlines,
        source_urls=tuple(doc.source_urls),
    )
