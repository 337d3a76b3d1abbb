"""PDF files for the document tests; the makers themselves live in tests/fixtures_pdf.py for reuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import fixtures_pdf


@pytest.fixture(scope="session")
def bomb_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page whose content inflates to 2 GB (the file is ~2 MB)."""
    return fixtures_pdf.make_bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf")


@pytest.fixture(scope="session")
def many_pages_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 pages, each saying ``Page i of 2000``; reading all of it takes about a second."""
    return fixtures_pdf.make_many_pages_pdf(tmp_path_factory.mktemp("many") / "many.pdf", 2000)


@pytest.fixture(scope="session")
def guide_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ordinary guide: three pages, the second blank, the third in Greek and Polish."""
    return fixtures_pdf.make_text_pdf(
        tmp_path_factory.mktemp("guide") / "guide.pdf",
        [
            "Cluster Excellence Programme\nSMEs may receive support for inno-\nvation vouchers.",
            "",
            "Ελληνικά: καινοτομία. Polski: zażółć gęślą jaźń.",
        ],
        title="Guide for Applicants 2026",
    )
