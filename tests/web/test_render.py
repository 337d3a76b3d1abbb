"""Page content from answers: nothing from a document may act, and links go only to citation URLs."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from assistant.web import render
from tests.web.fakes import HOSTILE, SOURCE_URL, answer, citation, refusal


def markdown_to_html(text: str) -> str:
    """A GFM-ish renderer with linkify on, harsher than the chat's own."""
    return MarkdownIt("gfm-like" if _has_linkify() else "commonmark").render(text)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The real tags of an HTML fragment with their attributes (escaped text is not a tag)."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def hrefs(html: str) -> list[str | None]:
    return [attrs.get("href") for tag, attrs in elements(html) if "href" in attrs]


def assert_inert(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in ("script", "img", "iframe", "object", "embed", "style", "svg"), html
        assert not any(name.startswith("on") or name in ("src", "style") for name in attrs), html


def _has_linkify() -> bool:
    try:
        import linkify_it  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "![x](http://tracker.example/t.png)",
        "<img src=x onerror=alert(1)>",
        "[a](javascript:alert(1)) and <https://evil.example>",
        "# Heading\n\n* item\n\n```\ncode\n```\n\n| a | b |\n|---|---|",
        "back\\slash \\<b>",
    ],
)
def test_escaped_markdown_renders_as_the_same_text(text: str) -> None:
    rendered = markdown_to_html(render.escape_markdown(text))
    assert {tag for tag, _ in elements(rendered)} <= {"p", "br"}, rendered


def test_answer_markdown_links_markers_to_their_sources_and_quotes_notices() -> None:
    a = answer("Lasts 1 month [1].", notices=["INNOSUP-1-2015: closed since 2015"])
    md = render.answer_markdown(a)
    html = markdown_to_html(md)
    assert '<a href="#cd-source-1">[1]</a>' in html and hrefs(html) == ["#cd-source-1"]
    assert "<blockquote>" in html and "closed since 2015" in html
    pending = render.answer_markdown(a, pending=True)
    assert pending.split("\n")[0].endswith("…") and hrefs(markdown_to_html(pending)) == []


def test_only_markers_of_listed_sources_become_links() -> None:
    text = "A [1], B [2], C [7], D \\[1], E [[2]] and [1](javascript:alert(1)) [2](#cd-source-2)."
    a = answer(text, citations=[citation(1), citation(2)])
    html = markdown_to_html(render.answer_markdown(a))
    assert set(hrefs(html)) == {"#cd-source-1", "#cd-source-2"}
    assert "[7]" in html and "javascript" in html  # as text
    assert_inert(html)
    assert "\\" in html  # the backslash before a marker stays text


def test_the_sanitiser_lets_through_only_source_anchors_besides_the_allowed_urls() -> None:
    fragment = "".join(
        f'<a href="{h}">x</a>'
        for h in ("#cd-source-3", "#cd-source-3x", "#top", "/#cd-source-1", "javascript:alert(1)", SOURCE_URL)
    )
    assert hrefs(render.sanitize_html(fragment)) == ["#cd-source-3"]


def test_sources_panel_shows_title_section_page_quote_and_the_citation_link() -> None:
    html = render.sources_html(answer(citations=[citation(1), citation(2, url="", title="No link doc")]))
    assert 'id="cd-source-1"' in html and "[1]" in html and "[2]" in html
    assert "ClusterXchange: who can take part" in html and "How long does an exchange last?" in html
    assert "p. 3" in html and "3 working days up to 1 month" in html
    assert hrefs(html) == [SOURCE_URL]
    assert_inert(html)
    assert 'rel="noopener noreferrer nofollow"' in html and "No source link" in html


def test_hostile_citation_fields_are_inert() -> None:
    bad = citation(
        1,
        url="javascript:alert(1)",
        title='<img src=x onerror="alert(1)">T',
        section="<script>alert(1)</script>",
        quote="${alert(1)} <a href='https://evil.example'>x</a>",
    )
    html = render.sources_html(answer(HOSTILE, citations=[bad], notices=["<b onclick=x>n</b>"]))
    assert_inert(html)
    assert hrefs(html) == []  # the only URL was not http(s)
    assert "${" not in html and "&#36;{alert(1)}" in html


def test_sanitizer_drops_links_not_in_the_allowed_set() -> None:
    fragment = f'<a href="{SOURCE_URL}">ok</a><a href="https://evil.example">bad</a><img src="{SOURCE_URL}">'
    html = render.sanitize_html(fragment, [SOURCE_URL])
    assert hrefs(html) == [SOURCE_URL]
    assert_inert(html)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        (SOURCE_URL, True),
        ("http://ec.europa.eu/x?y=1", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//evil.example", False),
        ("https://user:pw@evil.example", False),
        ('https://x.eu/"onmouseover=', False),
        ("", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert (render.safe_url(url) is not None) is ok


def test_a_refusal_shows_no_sources_but_keeps_notices() -> None:
    r = refusal()
    r.notices = ["The call is closed."]
    html = render.sources_html(r)
    assert "cd-no-sources" in html and "cd-source" not in html.replace("cd-no-sources", "")
    assert 'class="cd-notice"' in html and "The call is closed." in html


def test_status_line_is_escaped() -> None:
    html = render.status_html("Index <b>x</b> failed", "failed")
    assert "&lt;b&gt;" in html and "cd-bad" in html
