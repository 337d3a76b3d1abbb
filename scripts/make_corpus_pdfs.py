"""Render the Markdown sources in scripts/pdf_sources/ into multi-page corpus PDFs.

Each source ``scripts/pdf_sources/<name>.md`` starts with the corpus front matter (see corpus/README.md).
The script writes

- ``corpus/pdf/<name>.pdf``: the rendered document (DejaVu Sans, so that characters such as the euro sign
  work), with bold headings, one outline (bookmark) entry per ``##`` section and the front-matter title as the
  PDF metadata title;
- ``corpus/pdf/<name>.pdf.yml``: the sidecar, the front matter copied verbatim plus
  ``source_file: scripts/pdf_sources/<name>.md``.

Layout rule: every ``##`` section starts on a new page when the current page is more than half full, so each
section sits on one page and page citations point at a whole section.

The output is deterministic: the creation date is fixed and fpdf2 derives the file identifier from the
content, so a rerun on unchanged sources gives the same bytes.

Usage::

    python scripts/make_corpus_pdfs.py            # render every source
    python scripts/make_corpus_pdfs.py NAME ...   # render only these sources (file stem)
    python scripts/make_corpus_pdfs.py --check    # exit 1 if any PDF or sidecar is missing or stale
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "pdf_sources"
OUT_DIR = ROOT / "corpus" / "pdf"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
CREATION_DATE = datetime(2026, 11, 20, tzinfo=UTC)

REQUIRED_FIELDS = ("id", "title", "doc_type", "programme", "call_ids", "source_urls", "updated", "language")
PROGRAMMES = {
    "INNOSUP-1",
    "Horizon 2020",
    "SME definition",
    "ClusterXchange",
    "ECCP",
    "Cluster labels",
    "ESCP",
    "COSME",
    "Successors",
}
ID_PREFIX = {"guide": "guide-", "call": "call-", "project": "project-", "faq": "faq-"}

BODY_SIZE = 11
H2_SIZE = 13.0
BODY_LINE = 5.6
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


class SourceError(ValueError):
    """A PDF source file is malformed (front matter missing, invalid or incomplete)."""


def split_front_matter(text: str, path: Path) -> tuple[str, dict, str]:
    """Return (raw front matter text, parsed front matter, Markdown body)."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise SourceError(f"{path}: no YAML front matter between '---' lines")
    raw, body = match.group(1), match.group(2)
    meta = yaml.safe_load(raw)
    if not isinstance(meta, dict):
        raise SourceError(f"{path}: front matter is not a mapping")
    missing = [field for field in REQUIRED_FIELDS if field not in meta]
    if missing:
        raise SourceError(f"{path}: front matter lacks {', '.join(missing)}")
    if meta["programme"] not in PROGRAMMES:
        raise SourceError(f"{path}: unknown programme {meta['programme']!r}")
    prefix = ID_PREFIX.get(meta["doc_type"])
    if prefix is None or not str(meta["id"]).startswith(prefix):
        raise SourceError(f"{path}: id {meta['id']!r} does not match doc_type {meta['doc_type']!r}")
    if meta.get("language") != "en":
        raise SourceError(f"{path}: language must be 'en'")
    return raw, meta, body


def inline(text: str) -> str:
    """Strip inline Markdown (bold, italics markers, code, links) to plain text."""
    text = LINK.sub(r"\1 (\2)", text)
    text = text.replace("**", "").replace("`", "")
    return re.sub(r"(?<!\w)_(\S[^_]*\S)_(?!\w)", r"\1", text)


def blocks(body: str) -> list[tuple[str, str]]:
    """Split a Markdown body into (kind, text) blocks: h1, h2, h3, bullet, para."""
    out: list[tuple[str, str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(("para", inline(" ".join(para))))
            para.clear()

    for line in body.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith(("# ", "## ", "### ")):
            flush()
            level, _, heading = stripped.partition(" ")
            out.append((f"h{len(level)}", inline(heading.strip())))
        elif stripped.startswith(("- ", "* ")):
            flush()
            out.append(("bullet", inline(stripped[2:].strip())))
        elif out and out[-1][0] == "bullet" and not para and line.startswith("  "):
            out[-1] = ("bullet", out[-1][1] + " " + inline(stripped))
        else:
            para.append(stripped)
    flush()
    return out


class CorpusPDF(FPDF):
    """A4 document with DejaVu fonts.

    No running header or footer: the loader reads page text as it is, and a printed "Page 3" would end up in the
    chunks. The viewer's page index is the page that citations name.
    """

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(left=20, top=20, right=20)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font("DejaVu", "", str(FONT_REGULAR))
        self.add_font("DejaVu", "B", str(FONT_BOLD))
        self.set_creation_date(CREATION_DATE)

    def more_than_half_full(self) -> bool:
        return self.get_y() > self.h / 2


def heading_size(pdf: FPDF, text: str, largest: float = H2_SIZE, smallest: float = 9.0) -> float:
    """The largest bold size (in steps of 0.5 pt) at which ``text`` fits on one line."""
    size = largest
    while size > smallest:
        pdf.set_font("DejaVu", "B", size)
        if pdf.get_string_width(text) <= pdf.epw - 1:
            break
        size -= 0.5
    return size


def render(meta: dict, body: str) -> bytes:
    pdf = CorpusPDF()
    pdf.set_title(str(meta["title"]))
    pdf.set_author("Clusterdesk")
    pdf.set_subject(f"{meta['doc_type']} - {meta['programme']}")
    pdf.set_keywords(", ".join([str(meta["programme"]), *map(str, meta.get("call_ids") or [])]))
    pdf.set_creator("scripts/make_corpus_pdfs.py")
    pdf.set_lang("en")
    pdf.add_page()
    first_h2 = True
    for kind, text in blocks(body):
        if kind == "h1":
            pdf.set_font("DejaVu", "B", 17)
            pdf.multi_cell(0, 8.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(5)
        elif kind == "h2":
            if not first_h2 and pdf.more_than_half_full():
                pdf.add_page()
            elif not first_h2:
                pdf.ln(3)
            first_h2 = False
            # The outline entry lets the loader find where the section starts; it matches the heading against
            # one line of page text, so the heading is set in a size that keeps it on one line.
            pdf.start_section(text, level=0)
            pdf.set_font("DejaVu", "B", heading_size(pdf, text))
            pdf.multi_cell(0, 6.8, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "h3":
            pdf.ln(1)
            pdf.set_font("DejaVu", "B", BODY_SIZE)
            pdf.multi_cell(0, BODY_LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "bullet":
            pdf.set_font("DejaVu", "", BODY_SIZE)
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(5, BODY_LINE, "•")
            pdf.multi_cell(0, BODY_LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            pdf.set_font("DejaVu", "", BODY_SIZE)
            pdf.multi_cell(0, BODY_LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())


def sidecar(raw_front_matter: str, source: Path) -> str:
    relative = source.relative_to(ROOT).as_posix()
    return raw_front_matter.rstrip("\n") + f"\nsource_file: {relative}\n"


def build(source: Path) -> tuple[Path, bytes, Path, str]:
    raw, meta, body = split_front_matter(source.read_text(encoding="utf-8"), source)
    pdf_path = OUT_DIR / f"{source.stem}.pdf"
    yml_path = OUT_DIR / f"{source.stem}.pdf.yml"
    return pdf_path, render(meta, body), yml_path, sidecar(raw, source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="source file stems to render (default: all)")
    parser.add_argument("--check", action="store_true", help="only check that the outputs are up to date")
    args = parser.parse_args(argv)

    sources = sorted(SOURCES.glob("*.md"))
    if args.names:
        wanted = set(args.names)
        sources = [s for s in sources if s.stem in wanted]
        unknown = wanted - {s.stem for s in sources}
        if unknown:
            parser.error(f"no source named {', '.join(sorted(unknown))} in {SOURCES}")
    if not sources:
        parser.error(f"no Markdown sources in {SOURCES}")

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for source in sources:
        pdf_path, pdf_bytes, yml_path, yml_text = build(source)
        if args.check:
            if not pdf_path.exists() or pdf_path.read_bytes() != pdf_bytes:
                stale.append(pdf_path)
            if not yml_path.exists() or yml_path.read_text(encoding="utf-8") != yml_text:
                stale.append(yml_path)
            continue
        pdf_path.write_bytes(pdf_bytes)
        yml_path.write_text(yml_text, encoding="utf-8")
        print(f"wrote {pdf_path.relative_to(ROOT)} and {yml_path.name}")
    if stale:
        for path in stale:
            print(f"stale or missing: {path.relative_to(ROOT)}", file=sys.stderr)
        print("run: python scripts/make_corpus_pdfs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
