from pathlib import Path

from assistant.documents.corpus import load_corpus
from assistant.settings import Settings


def _write(root: Path, name: str, data: bytes | str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def test_bad_files_are_reported_and_the_rest_loaded(tmp_path):
    root = tmp_path / "corpus"
    _write(root, "guides/a.md", "---\nid: a\n---\n## S\n\nText about SMEs.")
    _write(root, "guides/copy-of-a.md", "---\nid: a\n---\n## S\n\nText about SMEs.")
    _write(root, "guides/same-id.md", "---\nid: a\n---\n## S\n\nOther text.")
    _write(root, "empty.md", b"")
    _write(root, "latin1.txt", "caf\xe9".encode("latin-1"))
    _write(root, "big.txt", "x" * 3_000_000)
    _write(root, "README.md", "# How to add documents")
    _write(root, ".hidden.md", "secret")
    _write(root, "notes.yml", "id: x")
    result = load_corpus([root], Settings(max_file_mb=1))
    assert [d.doc_id for d in result.documents] == ["a"]
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["corpus/guides/copy-of-a.md"].startswith("same content as corpus/guides/a.md")
    assert "already used" in reasons["corpus/guides/same-id.md"]
    assert reasons["corpus/empty.md"] == "empty file"
    assert "undecodable" in reasons["corpus/latin1.txt"]
    assert "too large" in reasons["corpus/big.txt"]
    assert not any("README" in p or "hidden" in p or "yml" in p for p in reasons)
    assert set(result.file_hashes) == {"corpus/guides/a.md"}
