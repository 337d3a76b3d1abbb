"""Find and load every corpus file, reporting the ones that cannot be indexed instead of failing on them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.loaders import LOADERS, SUPPORTED_SUFFIXES, load_pdf
from assistant.documents.model import Document
from assistant.errors import DocumentSkipped
from assistant.settings import Settings

SKIPPED_NAMES = {"readme.md", "readme.txt", "license", "license.md"}


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class CorpusLoad:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)


def discover(dirs: Iterable[Path]) -> list[tuple[Path, str]]:
    """Corpus files as (absolute path, label), sorted; hidden files, sidecars and READMEs are not documents."""
    found: list[tuple[Path, str]] = []
    for root in dirs:
        root = Path(root)
        if root.is_file():
            found.append((root.resolve(), root.name))
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith((".", "_")) for part in rel.parts) or not path.is_file():
                continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.lower() in SKIPPED_NAMES:
                continue
            label = (Path(root.name) / rel).as_posix()
            found.append((path.resolve(), label))
    return found


def load_file(path: Path, label: str, raw: bytes, settings: Settings) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(
            path,
            label,
            raw,
            timeout_s=settings.pdf_timeout_s,
            memory_mb=settings.pdf_memory_mb,
            max_pages=settings.pdf_max_pages,
        )
    return LOADERS[suffix](path, label, raw)


def load_corpus(dirs: Iterable[Path], settings: Settings) -> CorpusLoad:
    """Every loadable document once; duplicates (same bytes or same id), empty and broken files are skipped."""
    result = CorpusLoad()
    seen_content: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    limit = int(settings.max_file_mb * 1024 * 1024)
    for path, label in discover(dirs):
        try:
            size = path.stat().st_size
            if size == 0:
                raise DocumentSkipped("empty file")
            if size > limit:
                raise DocumentSkipped(
                    f"file too large: {size / 1_048_576:.1f} MB over {settings.max_file_mb:g} MB"
                )
            raw = path.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            if digest in seen_content:
                raise DocumentSkipped(f"same content as {seen_content[digest]} (indexed once)")
            seen_content[digest] = label
            doc = load_file(path, label, raw, settings)
            if not doc.blocks:
                raise DocumentSkipped("no text found")
            if doc.doc_id in seen_ids:
                raise DocumentSkipped(f"document id {doc.doc_id!r} is already used by {seen_ids[doc.doc_id]}")
            seen_ids[doc.doc_id] = label
        except DocumentSkipped as exc:
            result.skipped.append(Skipped(label, exc.reason))
            continue
        except OSError as exc:
            result.skipped.append(Skipped(label, f"cannot read file: {exc.strerror or exc}"))
            continue
        except Exception as exc:  # a loader bug must cost one file, never the whole ingest
            result.skipped.append(Skipped(label, f"could not be parsed ({type(exc).__name__})"))
            continue
        result.file_hashes[label] = digest
        result.documents.append(doc)
    return result
