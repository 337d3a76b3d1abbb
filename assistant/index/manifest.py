"""The on-disk layout of an index and the manifest that says what a build holds.

Layout::

    <index_dir>/
        .lock                       one writer at a time (filelock)
        current                     JSON pointer {"build_id", "previous"}, replaced atomically (os.replace)
        builds/<build-id>/
            chunks.jsonl            every chunk (Chunk.to_dict), in bm25 order
            vectors.npy             float32 (n, d), the same order; reused by the next build
            vector_keys.json        content hash of each row of vectors.npy
            bm25/                   bm25s.BM25.save
            chroma/                 PersistentClient (embedded mode only)
            manifest.json           written last: a build without it is half-written

A build is complete when its manifest exists; it serves once ``current`` names it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
LEXICAL_VERSION = "1"
COLLECTION_PREFIX = "clusterdesk-"
_COLLECTION_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")

MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
VECTOR_KEYS = "vector_keys.json"
BM25_DIR = "bm25"
CHROMA_DIR = "chroma"
POINTER = "current"
LOCK = ".lock"


def chunker_version() -> str:
    """The chunker's version, so a change of chunk boundaries forces a full rebuild."""
    try:
        from assistant.documents.chunking import CHUNKER_VERSION
    except ImportError:
        return "1"
    return str(CHUNKER_VERSION)


def new_build_id() -> str:
    """Sortable by time, unique enough for two builds in one second, and a valid Chroma collection suffix."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


def collection_name(build_id: str) -> str:
    name = COLLECTION_PREFIX + build_id
    if not _COLLECTION_RE.match(name) or ".." in name:
        raise ValueError(f"invalid Chroma collection name {name!r}")
    return name


def builds_dir(index_dir: Path) -> Path:
    return Path(index_dir) / "builds"


def build_dir(index_dir: Path, build_id: str) -> Path:
    return builds_dir(index_dir) / build_id


@dataclass
class Manifest:
    """What a build holds and how it was made; the reader refuses a build made with another model."""

    build_id: str
    created: str
    model: str
    dimension: int
    chunker_version: str
    chunk_max_tokens: int
    chroma_mode: str
    collection: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {"sha256", "chunks"}
    total_chunks: int = 0
    embedded: int = 0
    reused: int = 0
    lexical_version: str = LEXICAL_VERSION
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, directory: Path) -> None:
        write_json_atomic(Path(directory) / MANIFEST, self.to_dict())

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        return cls.from_dict(json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8")))

    def file_hashes(self) -> dict[str, str]:
        return {path: info["sha256"] for path, info in self.files.items()}


def write_json_atomic(path: Path, data: Any) -> None:
    """Write beside the target, flush, then os.replace: readers see the old file or the new, never half."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Pointer:
    build_id: str
    previous: str | None = None


def read_pointer(index_dir: Path) -> Pointer | None:
    """The build that serves, and the one a rollback returns to; None before the first ingest."""
    path = Path(index_dir) / POINTER
    try:
        raw = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not raw:
        return None
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
            return Pointer(str(data["build_id"]), data.get("previous"))
        except (ValueError, KeyError, TypeError):
            return None  # never written by us (we replace atomically): treat as no index, the next ingest heals it
    return Pointer(raw.splitlines()[0].strip())


def write_pointer(index_dir: Path, pointer: Pointer) -> None:
    """The one atomic switch: both names change together, so a kill leaves either the old pair or the new."""
    data = {"build_id": pointer.build_id, "previous": pointer.previous, "switched": now_iso()}
    write_json_atomic(Path(index_dir) / POINTER, data)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def is_complete(directory: Path) -> bool:
    return (Path(directory) / MANIFEST).is_file()
