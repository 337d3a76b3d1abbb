"""Makers of real and hostile PDF files, shared by the document, ingest and hardening tests.

Each maker writes one file at ``path`` and returns ``path``. Ordinary files come from fpdf2 (and pypdf's
writer for encryption); hostile ones are hand-written bytes, because no well-behaved writer produces them.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --- Ordinary files -----------------------------------------------------------------------------------------


def text_pdf_bytes(pages: list[str], title: str | None = None, headings: list[str] | None = None) -> bytes:
    """A PDF made by fpdf2, one page per string (an empty string gives a blank page).

    ``headings[i]``, when not empty, is printed at the top of page i and bookmarked in the outline.
    """
    from fpdf import FPDF

    pdf = FPDF()
    if title is not None:
        pdf.set_title(title)
    if all(_latin1(text) for text in pages):
        pdf.set_font("helvetica", size=11)
    else:
        pdf.add_font("DejaVu", "", str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
    for index, text in enumerate(pages):
        pdf.add_page()
        heading = headings[index] if headings and index < len(headings) else ""
        if heading:
            pdf.start_section(heading)
            pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def make_text_pdf(
    path: Path, pages: list[str], title: str | None = "Test document", headings: list[str] | None = None
) -> Path:
    path.write_bytes(text_pdf_bytes(pages, title, headings))
    return path


def make_encrypted_pdf(
    path: Path,
    password: str,
    pages: list[str] | None = None,
    *,
    owner_password: str = "owner-secret",
    algorithm: str = "RC4-128",
) -> Path:
    """Encrypted by pypdf; ``password=""`` gives a file that opens without one (owner restrictions only)."""
    from pypdf import PdfReader, PdfWriter

    source = text_pdf_bytes(pages or ["Confidential call text about cluster funding."], "Encrypted")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password=password, owner_password=owner_password, algorithm=algorithm)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_image_only_pdf(path: Path, pages: int = 1) -> Path:
    """Pages that carry only a picture, like a scan without OCR."""
    from fpdf import FPDF

    pdf = FPDF()
    png = _noise_png(200, 260)
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(png), x=10, y=10, w=180)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_truncated_pdf(path: Path, fraction: float = 0.5, pages: int = 6) -> Path:
    """A real PDF cut short, as an interrupted download leaves it."""
    data = text_pdf_bytes(
        [f"Page {n}: the cluster partnership applies for funding." for n in range(1, pages + 1)]
    )
    path.write_bytes(data[: max(1, int(len(data) * fraction))])
    return path


# --- Files that only pretend to be PDFs ---------------------------------------------------------------------


def make_empty_pdf(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def make_garbage_pdf(path: Path, size: int = 64_000, seed: int = 7) -> Path:
    """A PDF header followed by random bytes."""
    path.write_bytes(b"%PDF-1.7\n" + random.Random(seed).randbytes(size))
    return path


def make_html_pdf(path: Path) -> Path:
    """An error page saved under a .pdf name, as a failed download leaves it."""
    path.write_bytes(
        b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
        b"<body><h1>Not Found</h1><p>The document has moved.</p></body></html>\n"
    )
    return path


def make_zip_pdf(path: Path) -> Path:
    """A ZIP archive (a DOCX looks the same) under a .pdf name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>call text</w:document>")
    path.write_bytes(buffer.getvalue())
    return path


# --- Hand-written hostile PDFs ------------------------------------------------------------------------------


def assemble_pdf(objects: dict[int, bytes], *, root: int = 1, info: int | None = None) -> bytes:
    """Object bodies (without ``N 0 obj``) to a PDF with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for number in range(1, size):
        out += (
            f"{offsets[number]:010d} 00000 n \n".encode() if number in offsets else b"0000000000 65535 f \n"
        )
    info_ref = f" /Info {info} 0 R" if info else ""
    out += f"trailer\n<< /Size {size} /Root {root} 0 R{info_ref} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def text_content(lines: list[str]) -> bytes:
    """A content stream that shows each line with Helvetica (font resource /F1)."""
    shown = b"".join(b"(" + _pdf_string(line) + b") Tj T*\n" for line in lines)
    return b"BT /F1 11 Tf 14 TL 72 770 Td\n" + shown + b"ET"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
RESOURCES = "/Resources << /Font << /F1 3 0 R >> >>"
A4_PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + RESOURCES + " /Contents {content} 0 R >>"


def make_many_pages_pdf(path: Path, n: int) -> Path:
    """``n`` pages, each saying ``Page i of n``; hand-written because fpdf2 takes seconds for thousands."""
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    kids = []
    for i in range(n):
        page, content = 4 + 2 * i, 5 + 2 * i
        kids.append(f"{page} 0 R")
        objects[page] = A4_PAGE.format(content=content).encode()
        objects[content] = stream(text_content([f"Page {i + 1} of {n}: eligibility of SME consortia."]))
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {n} >>".encode()
    path.write_bytes(assemble_pdf(objects))
    return path


def make_huge_page_pdf(path: Path, chars: int = 1_000_000, mediabox: str = "0 0 595 842") -> Path:
    """One page with ``chars`` characters of text (lines of 100) and the given MediaBox."""
    line = ("innovation " * 10)[:100]
    lines = [line] * max(1, chars // len(line))
    content = zlib.compress(text_content(lines), 6)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: f"<< /Type /Page /Parent 2 0 R /MediaBox [{mediabox}] {RESOURCES} /Contents 5 0 R >>".encode(),
        5: stream(content, " /Filter /FlateDecode"),
    }
    path.write_bytes(assemble_pdf(objects))
    return path


def bomb_stream(inflated_mb: int) -> bytes:
    """A zlib stream of a few MB that inflates to ``inflated_mb`` MB of zeros.

    Compressing gigabytes takes seconds, so one 16 MB block is compressed and repeated: after a full flush the
    compressor's state is the same each time, so every later block compresses to the same bytes. The stream is
    closed by hand with an empty final block and the Adler-32 of that many zeros.
    """
    block = bytes(16 << 20)
    count = max(1, inflated_mb // 16)
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    total = count * len(block)
    adler = ((total % 65521) << 16) | 1
    return first + repeat * (count - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def make_bomb_pdf(path: Path, inflated_mb: int = 2048, *, text_page: bool = False) -> Path:
    """A page whose content inflates to ``inflated_mb`` MB of zeros; ``text_page`` adds a page before it."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: FONT,
        4: A4_PAGE.format(content=5).encode(),
        5: stream(bomb_stream(inflated_mb), " /Filter /FlateDecode"),
    }
    kids = "4 0 R"
    if text_page:
        objects[6] = A4_PAGE.format(content=7).encode()
        objects[7] = stream(text_content(["A harmless page before the bomb."]))
        kids = "6 0 R 4 0 R"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {kids.count('R')} >>".encode()
    path.write_bytes(assemble_pdf(objects))
    return path


CYCLIC_KINDS = ("kids", "self", "parent", "outline", "xobject")


def make_cyclic_pdf(path: Path, kind: str = "kids") -> Path:
    """Objects that refer back to themselves; ``kind`` is one of ``CYCLIC_KINDS``.

    kids: the page tree lists its own node among its kids; self: a page tree that is only itself;
    parent: a page inherits its resources through a /Parent loop; outline: bookmarks whose /Next loops;
    xobject: a form XObject that draws itself.
    """
    page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {res} /Contents 5 0 R >>"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: page.format(res=RESOURCES).encode(),
        5: stream(text_content([f"Cyclic structure ({kind}) with some text."])),
    }
    if kind == "kids":
        objects[2] = b"<< /Type /Pages /Kids [4 0 R 2 0 R] /Count 2 >>"
    elif kind == "self":
        objects[2] = b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"
    elif kind == "parent":
        objects[2] = b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Parent 6 0 R >>"
        objects[4] = b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>"
        objects[6] = b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"
    elif kind == "outline":
        objects[1] = b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R /PageMode /UseOutlines >>"
        objects[6] = b"<< /Type /Outlines /First 7 0 R /Last 8 0 R /Count 2 >>"
        objects[7] = b"<< /Title (Call) /Parent 6 0 R /Next 8 0 R /Prev 8 0 R /Dest [4 0 R /Fit] >>"
        objects[8] = b"<< /Title (Budget) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /Dest [4 0 R /Fit] >>"
    elif kind == "xobject":
        objects[4] = page.format(
            res="/Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >>"
        ).encode()
        objects[5] = stream(text_content(["Text before the looping form."]) + b"\n/X1 Do")
        objects[6] = stream(
            b"/X1 Do BT /F1 11 Tf 72 700 Td (form) Tj ET",
            " /Type /XObject /Subtype /Form /BBox [0 0 595 842]"
            " /Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >>",
        )
    else:
        raise ValueError(f"unknown kind {kind!r}; one of {CYCLIC_KINDS}")
    path.write_bytes(assemble_pdf(objects))
    return path


def make_deeply_nested_pdf(path: Path, depth: int = 100_000) -> Path:
    """A page dictionary holding an array nested ``depth`` levels deep: recursion in any naive parser."""
    deep = "/Deep " + "[" * depth + "]" * depth
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: (A4_PAGE.format(content=5)[: -len(">>")] + deep + " >>").encode(),
        5: stream(text_content(["Text under a deep structure."])),
    }
    path.write_bytes(assemble_pdf(objects))
    return path


# --- Helpers ------------------------------------------------------------------------------------------------


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _noise_png(width: int, height: int, seed: int = 3) -> bytes:
    """A grey-noise PNG written with zlib alone, so no imaging library is needed."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
