"""An Answer as safe page content: escaped Markdown for the chat, sanitised HTML for the sources panel.

Everything shown comes from documents or a model, so nothing in it may act: every Markdown sign is escaped (a
document's ``![x](http://...)`` stays text, not an image from outside), HTML goes through nh3 with a short list
of tags, and the only links are the ``url`` fields the answer's citations carry, which the corpus declares, and
the same-page ``#cd-source-n`` links that take each ``[n]`` marker in the chat to its entry in the sources panel.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import nh3

from assistant import Answer

# Every sign that means something to Markdown, GFM autolinks (`:` `@` `.` `www.`), HTML or LaTeX.
_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:@$=^&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A marker [n] once escaped: \[n\], not itself behind an escaped backslash (which would be the text "\[n]").
_ESCAPED_MARKER = re.compile(r"(?<!\\)((?:\\\\)*)\\\[(\d{1,3})\\\]")
SOURCE_ANCHOR = re.compile(r"#cd-source-\d{1,3}")

ALLOWED_TAGS = {
    "br",
    "div",
    "h1",
    "p",
    "span",
    "strong",
    "em",
    "ol",
    "ul",
    "li",
    "a",
    "blockquote",
    "small",
    "h3",
}
ALLOWED_ATTRIBUTES = {"*": {"class", "id", "role"}, "a": {"href", "target"}}
LINK_REL = "noopener noreferrer nofollow"

NO_SOURCES = "No sources: this answer does not rest on the documents."
WAITING = "Sources appear here with the answer."


def escape_markdown(text: str) -> str:
    """Text shown literally by a Markdown renderer, whatever it contains."""
    text = _CONTROL.sub("", text or "")
    return _MARKDOWN_SIGNS.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) URL without credentials, or None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    if any(c.isspace() or c in "<>\"'`" for c in url):
        return None
    return url


def citation_urls(answer: Answer) -> set[str]:
    """The only links an answer may show: its citations' source URLs."""
    return {u for u in (safe_url(c.url) for c in answer.citations) if u}


def sanitize_html(fragment: str, allowed_urls: Iterable[str] = ()) -> str:
    """nh3 with our short tag list; a link survives only when its href is one of ``allowed_urls``."""
    allowed = set(allowed_urls)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return value if value in allowed or SOURCE_ANCHOR.fullmatch(value) else None
        if attribute == "target":
            return "_blank" if value == "_blank" else None
        return value

    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        link_rel=LINK_REL,
        url_schemes={"http", "https"},
        strip_comments=True,
    )
    # gr.HTML fills a template; a `${` from a document must stay text.
    return cleaned.replace("$", "&#36;")


def source_anchor(n: int) -> str:
    return f"#cd-source-{int(n)}"


def link_markers(escaped: str, numbers: Iterable[int]) -> str:
    """Each escaped ``[n]`` whose source is listed becomes a Markdown link to ``#cd-source-n``, its entry in the
    sources panel; every other sign stays escaped text."""
    known = {int(n) for n in numbers}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(2))
        if n not in known:
            return match.group(0)
        return f"{match.group(1)}[\\[{n}\\]]({source_anchor(n)})"

    return _ESCAPED_MARKER.sub(link, escaped)


def answer_markdown(answer: Answer, *, pending: bool = False) -> str:
    """The chat message: the answer with its [n] markers linked to their sources, then call-status notices as a
    quoted note."""
    body = link_markers(escape_markdown(answer.text), [] if pending else [c.n for c in answer.citations])
    if pending:
        body += " …"
    notes = [f"> **Note:** {escape_markdown(n)}" for n in answer.notices]
    return "\n\n".join([body, *notes]) if notes else body


def _where(citation: Any) -> str:
    parts = []
    if citation.section:
        parts.append(html.escape(citation.section))
    if citation.page:
        parts.append(f"p. {int(citation.page)}")
    return " · ".join(parts)


def notices_html(notices: Iterable[str]) -> str:
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    return (
        f'<div class="cd-notice" role="alert"><strong>Please note</strong><ul>{items}</ul></div>'
        if items
        else ""
    )


def sources_html(answer: Answer | None, *, pending: bool = False) -> str:
    """The sources panel: notices first, then each [n] with title, section, page, link and the quote."""
    if answer is None or pending:
        return sanitize_html(f'<p class="cd-muted">{html.escape(WAITING)}</p>')
    parts = [notices_html(answer.notices)]
    if answer.refused or not answer.citations:
        parts.append(f'<p class="cd-muted cd-no-sources">{html.escape(NO_SOURCES)}</p>')
        return sanitize_html("".join(parts))
    urls = citation_urls(answer)
    items = []
    for c in answer.citations:
        url = safe_url(c.url)
        link = (
            f'<a class="cd-link" href="{html.escape(url, quote=True)}" target="_blank">Official source</a>'
            if url
            else '<span class="cd-muted">No source link in the corpus</span>'
        )
        where = _where(c)
        items.append(
            f'<li class="cd-source" id="cd-source-{int(c.n)}">'
            f'<span class="cd-n">[{int(c.n)}]</span> <strong class="cd-title">{html.escape(c.title)}</strong>'
            + (f'<br><small class="cd-where">{where}</small>' if where else "")
            + f'<blockquote class="cd-quote">{html.escape(c.quote)}</blockquote>{link}</li>'
        )
    parts.append(f'<h3 class="cd-heading">Sources</h3><ol class="cd-sources">{"".join(items)}</ol>')
    return sanitize_html("".join(parts), urls)


def status_html(text: str, state: str) -> str:
    """The one status line at the top of the page: index loaded, loading, building, or failed."""
    css = {"ready": "cd-ok", "failed": "cd-bad"}.get(state, "cd-wait")
    return sanitize_html(f'<p class="cd-status {css}" role="status">{html.escape(text)}</p>')
