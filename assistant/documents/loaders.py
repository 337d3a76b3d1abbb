"""Loaders for the corpus formats: Markdown with YAML front matter, saved HTML pages, plain text and PDF.

Each turns bytes on disk into a ``Document`` of heading-scoped ``Block``s. Anything a person would not see on the
page (scripts, navigation, cookie banners, hidden elements) is dropped, so it can neither be retrieved nor quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from assistant.documents.model import Block, Document
from assistant.documents.normalise import normalise_inline, normalise_text
from assistant.errors import DocumentSkipped

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")

KNOWN_FIELDS = (
    "id",
    "title",
    "doc_type",
    "programme",
    "call_ids",
    "source_urls",
    "updated",
    "language",
    "opens",
    "deadlines",
    "budget",
)


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM; anything else is reported rather than guessed."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentSkipped("undecodable text (broken UTF-16)") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentSkipped(f"undecodable text: not UTF-8 (byte {exc.start})") from exc


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def apply_metadata(doc: Document, meta: dict[str, Any]) -> Document:
    """Copy front-matter fields onto the document, keeping unknown keys in ``extra``."""
    if meta.get("id"):
        doc.doc_id = str(meta["id"]).strip()
    if meta.get("title"):
        doc.title = normalise_inline(str(meta["title"]))
    doc.doc_type = str(meta.get("doc_type") or doc.doc_type).strip()
    doc.programme = str(meta.get("programme") or doc.programme).strip()
    doc.call_ids = _as_list(meta.get("call_ids")) or doc.call_ids
    doc.source_urls = _as_list(meta.get("source_urls")) or doc.source_urls
    doc.updated = _iso(meta.get("updated")) or doc.updated
    doc.language = str(meta.get("language") or doc.language).strip()
    doc.opens = _iso(meta.get("opens"))
    deadlines = []
    for item in meta.get("deadlines") or []:
        if isinstance(item, dict) and item.get("date"):
            deadlines.append(
                {"stage": str(item.get("stage") or "deadline"), "date": _iso(item["date"]) or ""}
            )
    doc.deadlines = deadlines
    budget = meta.get("budget")
    try:
        doc.budget = float(budget) if budget not in (None, "") else None
    except (TypeError, ValueError):
        doc.budget = None
    doc.extra = {k: v for k, v in meta.items() if k not in KNOWN_FIELDS}
    return doc


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentSkipped(f"front matter is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(meta, dict):
        raise DocumentSkipped("front matter is not a mapping of fields")
    return meta, text[match.end() :]


def _clean_markdown_line(line: str) -> str:
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_EMPHASIS.sub("", line)
    if line.lstrip().startswith("|"):
        if _TABLE_RULE.match(line.strip()):
            return ""
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        line = " | ".join(c for c in cells if c)
    return line.rstrip()


def _blocks_from_markdown(body: str) -> tuple[list[Block], str | None]:
    """Blocks of text under their heading path; the first H1 is the title, not a section."""
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    title: str | None = None
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        text = normalise_text(_join_wrapped(paragraph))
        paragraph.clear()
        if text:
            blocks.append(Block(text=text, section=tuple(h for _, h in path)))

    for raw in body.split("\n"):
        if raw.strip().startswith("```"):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _HEADING.match(raw)
        if heading:
            flush()
            level, text = len(heading.group(1)), normalise_inline(_clean_markdown_line(heading.group(2)))
            if level == 1 and title is None and not blocks:
                title = text
                continue
            path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, text)]
            continue
        line = _clean_markdown_line(raw)
        if not line.strip():
            flush()
        else:
            paragraph.append(line)
    flush()
    return blocks, title


_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d{1,2}[.)])\s+")


def _join_wrapped(lines: list[str]) -> str:
    """A paragraph's wrapped lines joined with spaces; list items and table rows keep a line each."""
    out: list[str] = []
    for line in lines:
        starts_item = bool(_LIST_ITEM.match(line)) or " | " in line
        if out and not starts_item and " | " not in out[-1]:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line.strip())
    return "\n".join(out)


def _default_doc(path: Path, rel: str) -> Document:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(rel).with_suffix("").as_posix().lower()).strip("-")
    return Document(doc_id=stem or "document", path=rel, title=path.stem.replace("-", " ").title(), blocks=[])


def load_markdown(path: Path, rel: str, raw: bytes) -> Document:
    meta, body = split_front_matter(normalise_text_keep_lines(decode_text(raw)))
    doc = apply_metadata(_default_doc(path, rel), meta)
    blocks, heading_title = _blocks_from_markdown(body)
    if heading_title and not meta.get("title"):
        doc.title = heading_title
    doc.blocks = blocks
    return doc


def load_text(path: Path, rel: str, raw: bytes) -> Document:
    meta, body = split_front_matter(normalise_text_keep_lines(decode_text(raw)))
    doc = apply_metadata(_default_doc(path, rel), meta)
    doc.blocks = [Block(text=p) for p in (normalise_text(p) for p in body.split("\n\n")) if p]
    return doc


def normalise_text_keep_lines(text: str) -> str:
    """Strip invisible characters before parsing, keeping the line structure Markdown relies on."""
    return "\n".join(
        normalise_text(line) if line.strip() else "" for line in text.replace("\r\n", "\n").split("\n")
    )


def load_html(path: Path, rel: str, raw: bytes) -> Document:
    from assistant.documents.html import parse_html

    meta, title, blocks = parse_html(decode_text(raw))
    doc = apply_metadata(_default_doc(path, rel), meta)
    if title and not meta.get("title"):
        doc.title = title
    doc.blocks = blocks
    return doc


def load_pdf(
    path: Path, rel: str, raw: bytes, *, timeout_s: float, memory_mb: int, max_pages: int
) -> Document:
    from assistant.documents.pdf import read_pdf

    result = read_pdf(path, timeout_s=timeout_s, memory_mb=memory_mb, max_pages=max_pages)
    doc = _default_doc(path, rel)
    if result.title:
        doc.title = normalise_inline(result.title)
    sidecar = path.with_name(path.name + ".yml")
    if sidecar.is_file():
        try:
            meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DocumentSkipped(f"sidecar {sidecar.name} is not valid YAML") from exc
        if isinstance(meta, dict):
            apply_metadata(doc, meta)
    outline = getattr(result, "outline", None) or []
    doc.blocks = pdf_blocks(result.pages, outline)
    if not doc.blocks:
        raise DocumentSkipped("no extractable text: scanned pages need OCR")
    notes = list(getattr(result, "notes", []))
    if notes:
        doc.extra["pdf_notes"] = notes
    # read only in part: pages past a limit, text cut, or pages without text (scanned) or unreadable
    if getattr(result, "truncated", False) or getattr(result, "pages_missing", False):
        doc.extra["pdf_partial"] = True
    return doc


def pdf_blocks(pages: list[tuple[int, str]], outline: list[tuple[str, int]]) -> list[Block]:
    """Blocks per page; when the PDF has an outline, its entries mark where sections start on each page."""
    headings_by_page: dict[int, list[str]] = {}
    for heading, page in outline:
        headings_by_page.setdefault(page, []).append(normalise_inline(heading))
    blocks: list[Block] = []
    section: tuple[str, ...] = ()
    for number, raw_text in pages:
        text = normalise_text(raw_text)
        if not text:
            continue
        current: list[str] = []
        wanted = list(headings_by_page.get(number, []))
        for line in text.split("\n"):
            stripped = line.strip()
            if wanted and stripped and normalise_inline(stripped) == wanted[0]:
                joined = normalise_text(_join_wrapped([c for c in current if c.strip()]))
                if joined:
                    blocks.append(Block(text=joined, section=section, page=number))
                current = []
                section = (wanted.pop(0),)
                continue
            current.append(line)
        joined = normalise_text(_join_wrapped([c for c in current if c.strip()]))
        if joined:
            blocks.append(Block(text=joined, section=section, page=number))
    return blocks


Loader = Callable[[Path, str, bytes], Document]

LOADERS: dict[str, Loader] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
}
SUPPORTED_SUFFIXES = (*LOADERS, ".pdf")
