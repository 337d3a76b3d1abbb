from pathlib import Path

from assistant.documents.corpus import discover, load_corpus
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


def test_the_same_text_with_other_line_endings_is_indexed_once(tmp_path):
    root = tmp_path / "corpus"
    text = "# Vouchers\n\n## Amount\n\nAn SME receives a voucher\nof up to EUR 10,000.\n"
    _write(root, "a.md", text)
    _write(root, "b-windows.md", text.replace("\n", "\r\n"))
    _write(root, "c-bom.md", "\ufeff" + text.replace("\n", "\r\n"))
    result = load_corpus([root], Settings())
    assert [d.path for d in result.documents] == ["corpus/a.md"]
    assert {s.path: s.reason for s in result.skipped} == {
        "corpus/b-windows.md": "same content as corpus/a.md (indexed once)",
        "corpus/c-bom.md": "same content as corpus/a.md (indexed once)",
    }
    assert set(result.file_hashes) == {"corpus/a.md"}


def test_a_copy_of_a_broken_file_is_reported_for_what_is_wrong_with_it(tmp_path):
    root = tmp_path / "corpus"
    broken = "---\nid: [unclosed\n---\nSome text."
    _write(root, "a.md", broken)
    _write(root, "b.md", broken)
    _write(root, "c.md", "---\nid: c\n---\nGood text.")
    result = load_corpus([root], Settings())
    assert [d.doc_id for d in result.documents] == ["c"]
    reasons = {s.path: s.reason for s in result.skipped}
    assert set(reasons) == {"corpus/a.md", "corpus/b.md"}
    assert all("not valid YAML" in r and "same content" not in r for r in reasons.values())


def test_two_corpus_folders_with_one_name_get_distinct_labels(tmp_path):
    first, second = tmp_path / "a" / "corpus", tmp_path / "b" / "corpus"
    _write(first, "guides/g.md", "# G\n\nCluster labels are awarded by ECEI.")
    _write(second, "guides/g.md", "# G\n\nClusterXchange pays up to EUR 1,100.")
    _write(second, "only-here.md", "# H\n\nOnly in the second folder.")
    result = load_corpus([first, second, first], Settings())
    paths = [d.path for d in result.documents]
    assert paths == ["a/corpus/guides/g.md", "b/corpus/guides/g.md", "b/corpus/only-here.md"]
    assert len({d.doc_id for d in result.documents}) == 3 and result.skipped == []
    assert set(result.file_hashes) == set(paths)
    assert [label for _, label in discover([first])] == ["corpus/guides/g.md"]  # one folder: labels as before
