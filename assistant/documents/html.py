"""Saved web pages: keep what a reader sees in the page's main content, with its headings; drop the chrome."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PreformattedString

from assistant.documents.model import Block
from assistant.documents.normalise import normalise_inline, normalise_text

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "form",
    "button",
    "input",
    "select",
    "nav",
    "footer",
    "aside",
    "head",
)
_CHROME = re.compile(r"cookie|consent|banner|navbar|menu|breadcrumb|skip-link|social|share", re.I)
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|!|$)"
    r"|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|!|$)"
    r"|(?<![-\w])color\s*:\s*(?:#fff(?:fff)?\b|white\b|transparent\b|rgba?\(\s*255\s*,\s*255\s*,\s*255\b)"
    r"|left\s*:\s*-\d{3,}px|text-indent\s*:\s*-\d{3,}",
    re.I,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TEXT_TAGS = ("p", "li", "dt", "dd", "blockquote", "pre", "td", "th", "figcaption", "caption", "address")
_OWNS_TEXT = frozenset((*_HEADINGS, *_TEXT_TAGS))
# Elements that flow inside a line of text: loose text in them belongs to the block around them.
_INLINE_NAMES = (
    "a abbr b bdi bdo br cite code data del dfn em font i img ins kbd label mark q s samp small span"
)
_INLINE = frozenset((_INLINE_NAMES + " strong sub sup time tt u var wbr").split())


def _meta(soup: BeautifulSoup) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    deadlines = []
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "")
        if not name.startswith("cd:"):
            continue
        key, value = name[3:], normalise_inline(str(tag.get("content") or ""))
        if key in ("call_ids", "source_urls"):
            meta.setdefault(key, []).append(value)
        elif key == "deadline":
            stage, _, when = value.rpartition("|")
            deadlines.append({"stage": stage or "deadline", "date": when})
        else:
            meta[key] = value
    if deadlines:
        meta["deadlines"] = deadlines
    return meta


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if _HIDDEN_STYLE.search(str(tag.get("style", ""))):
        return True
    marks = " ".join([*(tag.get("class") or []), str(tag.get("id") or ""), str(tag.get("role") or "")])
    return bool(_CHROME.search(marks)) or tag.get("role") == "navigation"


def parse_html(markup: str) -> tuple[dict[str, Any], str | None, list[Block]]:
    """Front-matter-like metadata from ``cd:*`` meta tags, the page title, and the visible blocks of its content."""
    soup = BeautifulSoup(markup, "html.parser")
    meta = _meta(soup)
    page_title = normalise_inline(soup.title.get_text()) if soup.title else None
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_hidden(tag):
            tag.decompose()
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article") or soup.body or soup

    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    title: str | None = None
    # text outside any p/li/td/heading, gathered per enclosing block element (a div, a section, the root)
    loose: list[str] = []
    loose_owner: Tag | None = None
    inside: dict[int, bool] = {}  # id(tag) -> within a heading or text element (its text is read with it)
    owner: dict[int, Tag] = {}  # id(tag) -> the nearest enclosing non-inline element, itself included

    def add(text: str, prefix: str = "") -> None:
        text = " ".join(normalise_text(text).split())
        if text:
            blocks.append(Block(text=prefix + text, section=tuple(h for _, h in path)))

    def flush() -> None:
        nonlocal loose_owner
        if loose:
            add(" ".join(loose))
            loose.clear()
        loose_owner = None

    # One pass in document order; parents come before their children, so both maps fill as we go.
    for node in root.descendants:
        if isinstance(node, Tag):
            parent_inside = inside.get(id(node.parent), False)
            inside[id(node)] = parent_inside or node.name in _OWNS_TEXT
            is_inline = node.name in _INLINE
            owner[id(node)] = owner.get(id(node.parent), root) if is_inline else node
            if node.name in _HEADINGS:
                if not parent_inside:
                    flush()
                text = normalise_inline(node.get_text(" "))
                if not text:
                    continue
                level = int(node.name[1])
                if level == 1 and title is None:
                    title = text
                    path = []
                    continue
                path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, text)]
            elif node.name in _TEXT_TAGS:
                if parent_inside:
                    continue  # nested text (a <p> inside an <li>) is read with its outer element
                flush()
                add(node.get_text(" "), "- " if node.name == "li" else "")
            elif not is_inline and not parent_inside:
                flush()  # a new block element starts: loose text before it is a block of its own
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            if inside.get(id(node.parent), False) or not node.strip():
                continue
            where = owner.get(id(node.parent), root)
            if where is not loose_owner:
                flush()
                loose_owner = where
            loose.append(str(node))
    flush()
    if not blocks:
        text = normalise_text(root.get_text("\n"))
        if text:
            blocks.append(Block(text=text))
    return meta, title or page_title, _merge_runs(blocks)


def _merge_runs(blocks: list[Block]) -> list[Block]:
    """Consecutive blocks under the same heading become one block, one line each, as Markdown paragraphs are."""
    merged: list[Block] = []
    for block in blocks:
        if merged and merged[-1].section == block.section:
            merged[-1] = Block(text=merged[-1].text + "\n" + block.text, section=block.section)
        else:
            merged.append(block)
    return merged
