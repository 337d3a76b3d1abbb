"""Find and load every corpus file, reporting the ones that cannot be indexed instead of failing on them."""

from __future__ import annotations

import hashlib
import json
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
    """Corpus files as (absolute path, label), sorted; hidden files, sidecars and READMEs are not documents.

    A label is the file's path under its corpus folder, led by the folder's name (``corpus/guides/a.md``). Two
    folders of the same name (``/a/corpus``, ``/b/corpus``) are told apart by as many of their parent folders as
    it takes (``a/corpus/...``, ``b/corpus/...``), so no two files share a label. A folder or file given twice
    is read once.
    """
    roots: list[Path] = []
    for root in dirs:
        root = Path(root).resolve()
        if root not in roots:
            roots.append(root)
    files: list[
        tuple[int, Path, Path]
    ] = []  # (root index, absolute path, path relative to the root's parent)
    seen: set[Path] = set()
    for i, root in enumerate(roots):
        if root.is_file():
            candidates = [(root, Path(root.name))]
        else:
            candidates = []
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if any(part.startswith((".", "_")) for part in rel.parts) or not path.is_file():
                    continue
                if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.lower() in SKIPPED_NAMES:
                    continue
                candidates.append((path, Path(root.name) / rel))
        for path, rel in candidates:
            if path not in seen:
                seen.add(path)
                files.append((i, path, rel))
    depth = [1] * len(roots)  # how many trailing parts of each root's path lead its labels
    while True:
        labels = [_label(roots[i], rel, depth[i]) for i, _, rel in files]
        owners: dict[str, set[int]] = {}
        for (i, _, _), label in zip(files, labels, strict=True):
            owners.setdefault(label, set()).add(i)
        clashing = {i for group in owners.values() if len(group) > 1 for i in group}
        longer = [i for i in clashing if depth[i] < len(roots[i].parts) - 1]
        if not longer:
            return [(path, label) for (_, path, _), label in zip(files, labels, strict=True)]
        for i in longer:
            depth[i] += 1


def _label(root: Path, rel: Path, depth: int) -> str:
    """``rel`` (which starts with the root's own name) led by ``depth - 1`` more of the root's parent folders."""
    parents = root.parts[1:-1]  # without the anchor and the root's own name
    lead = parents[len(parents) - (depth - 1) :] if depth > 1 else ()
    return Path(*lead, rel).as_posix()


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


def text_digest(doc: Document) -> str:
    """A hash of what would be indexed (the normalised text of each block, its section and page), so copies that
    differ only in line endings, a BOM, invisible characters or the file name count as the same content."""
    blocks = [[b.text, list(b.section), b.page] for b in doc.blocks]
    return hashlib.sha256(json.dumps(blocks, ensure_ascii=False).encode("utf-8")).hexdigest()


def load_corpus(dirs: Iterable[Path], settings: Settings) -> CorpusLoad:
    """Every loadable document once; duplicates (same bytes, same text or same id), empty and broken files are
    skipped. A content hash counts as seen only once its file has loaded: a second copy of a broken file is
    read and reported for what is wrong with it, never as "indexed once"."""
    result = CorpusLoad()
    seen_content: dict[str, str] = {}  # sha256 of the bytes -> label of the indexed file
    seen_text: dict[str, str] = {}  # text_digest -> label of the indexed file
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
        except DocumentSkipped as exc:
            result.skipped.append(Skipped(label, exc.reason))
            continue
        except OSError as exc:
            result.skipped.append(Skipped(label, f"cannot read file: {exc.strerror or exc}"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest in seen_content:
            result.skipped.append(Skipped(label, f"same content as {seen_content[digest]} (indexed once)"))
            continue
        try:
            doc = load_file(path, label, raw, settings)
            if not doc.blocks:
                raise DocumentSkipped("no text found")
            text = text_digest(doc)
            if text in seen_text:
                raise DocumentSkipped(f"same content as {seen_text[text]} (indexed once)")
            if doc.doc_id in seen_ids:
                raise DocumentSkipped(f"document id {doc.doc_id!r} is already used by {seen_ids[doc.doc_id]}")
        except DocumentSkipped as exc:
            reason = exc.reason
        except OSError as exc:
            reason = f"cannot read file: {exc.strerror or exc}"
        except Exception as exc:  # a loader bug must cost one file, never the whole ingest
            reason = f"could not be parsed ({type(exc).__name__})"
        else:
            seen_content[digest] = seen_text[text] = seen_ids[doc.doc_id] = label
            result.file_hashes[label] = digest
            result.documents.append(doc)
            continue
        result.skipped.append(Skipped(label, reason))
    return result
