"""The pins that keep known advisories out, as installed, and the exposure rules where no fixed release exists.

docs/SECURITY.md lists the advisories; this keeps the pins and that list from drifting apart silently.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

import pytest

from assistant.settings import Settings
from tests.hardening.helpers import REPO

# package -> (pinned version, lowest version that carries the fixes named in docs/SECURITY.md)
FIXED_IN = {
    "pypdf": "6.6.2",  # CVE-2026-24688 (outline loop), and the xref /Prev loop fixed after it
    "gradio": "6.16.0",  # GHSA-j36p-7w88-g82j (FileExplorer traversal); CVE-2023-51449, CVE-2026-28414 older
}


def _pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project["dependencies"]:
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^;\s]+)", requirement)
        assert match, f"every dependency is pinned exactly: {requirement!r}"
        pins[match.group(1).lower()] = match.group(2)
    return pins


def _default(name: str) -> object:
    return Settings.model_fields[name].default


def _as_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


@pytest.mark.parametrize("package", sorted(FIXED_IN))
def test_pinned_and_installed_past_the_fixed_release(package: str) -> None:
    pinned = _pins()[package]
    assert version(package) == pinned, f"{package}: installed {version(package)}, pinned {pinned}"
    assert _as_tuple(pinned) >= _as_tuple(FIXED_IN[package])


def test_chroma_has_no_fixed_release_so_its_server_is_never_exposed() -> None:
    """CVE-2026-45829 affects every chromadb >= 1.0.0 through the server's HTTP API; nothing here runs that
    server beyond loopback, and the default is the embedded client, which opens no port at all."""
    assert version("chromadb") == _pins()["chromadb"]
    assert _default("chroma_mode") == "embedded" and _default("chroma_host") == "127.0.0.1"
    launches = []
    for path in [*REPO.glob("assistant/**/*.py"), *REPO.glob("scripts/**/*"), *REPO.glob("tests/**/*.py")]:
        if not path.is_file() or path.suffix not in (".py", ".sh", ""):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"[\"']run[\"'],\s*[\"']--path[\"'][^\n]*|chroma run [^\n`]*", text):
            launches.append((path.relative_to(REPO), match.group(0)))
    for where, command in launches:
        if "--host" in command:
            assert "127.0.0.1" in command, (where, command)


def test_the_web_server_binds_to_loopback_by_default() -> None:
    assert _default("host") == "127.0.0.1"
