"""Small real corpora (Markdown with front matter) and settings that use the fast stand-in embedder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.models import HashEmbedder
from assistant.settings import Settings


def write_doc(
    root: Path,
    doc_id: str,
    title: str,
    sections: dict[str, str],
    *,
    doc_type: str = "guide",
    programme: str = "INNOSUP-1",
    call_ids: tuple[str, ...] = (),
    language: str = "en",
) -> Path:
    """One corpus file the real loader reads: YAML front matter, then a heading per section."""
    calls = "[" + ", ".join(call_ids) + "]"
    lines = [
        "---",
        f"id: {doc_id}",
        f'title: "{title}"',
        f"doc_type: {doc_type}",
        f"programme: {programme}",
        f"call_ids: {calls}",
        "source_urls:",
        f"  - https://example.eu/{doc_id}",
        "updated: 2026-01-15",
        f"language: {language}",
        "---",
        "",
        f"# {title}",
        "",
    ]
    for heading, body in sections.items():
        lines += [f"## {heading}", "", body, ""]
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{doc_id}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def small_corpus(root: Path) -> Path:
    """Four documents with distinct facts, types, programmes, call ids and one French page."""
    write_doc(
        root,
        "guide-cascade",
        "Cascade funding in INNOSUP-1",
        {
            "What cascade funding is": "Cascade funding, or financial support to third parties, lets a "
            "project pass EU money on to SMEs through innovation vouchers.",
            "The ceiling": "Each third party may receive at most EUR 60,000 of financial support in one "
            "project.",
        },
        call_ids=("INNOSUP-01-2018-2020",),
    )
    write_doc(
        root,
        "call-innosup-2018",
        "INNOSUP-01-2018-2020 call",
        {
            "Deadlines": "The last cut-off of INNOSUP-01-2018-2020 closed on 8 September 2020 at 17:00 "
            "Brussels time.",
            "Budget": "The topic had an indicative budget of EUR 25 million for cluster facilitated "
            "projects.",
        },
        doc_type="call",
        call_ids=("INNOSUP-01-2018-2020",),
    )
    write_doc(
        root,
        "faq-sme",
        "SME definition FAQ",
        {
            "Headcount": "A medium-sized enterprise employs fewer than 250 staff and has a turnover of at "
            "most EUR 50 million.",
            "Ownership": "Partner and linked enterprises count towards the staff headcount and the "
            "financial limits.",
        },
        doc_type="faq",
        programme="SME",
    )
    write_doc(
        root,
        "guide-fr",
        "Les clusters européens",
        {
            "Présentation": "Le programme ClusterXchange finance des échanges courts entre organisations "
            "de clusters."
        },
        programme="ClusterXchange",
        language="fr",
    )
    return root


class OtherHashEmbedder(HashEmbedder):
    """Another 'model': same mechanics, another name, so the index must treat its vectors as foreign."""

    name = "hash-bow-64-other"


def make_settings(tmp_path: Path, **overrides) -> Settings:
    """Validated settings with the fast stand-in embedder and small chunks, all state under tmp_path."""
    values = {
        "embedding_model": "hash",
        "index_dir": tmp_path / "index",
        "corpus_dirs": [tmp_path / "corpus"],
        "chunk_max_tokens": 60,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    return lambda **overrides: make_settings(tmp_path, **overrides)


@pytest.fixture
def settings(settings_for) -> Settings:
    return settings_for()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return small_corpus(tmp_path / "corpus")


@pytest.fixture
def doc_writer() -> Callable[..., Path]:
    return write_doc


@pytest.fixture
def other_embedder() -> OtherHashEmbedder:
    return OtherHashEmbedder()
