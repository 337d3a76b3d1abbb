from pathlib import Path

import pytest

from assistant import cli
from assistant.ingest_cli import main as ingest_main
from assistant.settings import Settings, SettingsError, get_settings, settings_table


def test_readme_holds_exactly_the_generated_table(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert table == settings_table(), "run: python -m assistant settings --markdown, and paste into README"


def test_table_lists_every_field_with_help():
    table = settings_table()
    for name, field in Settings.model_fields.items():
        assert f"ASSISTANT_{name.upper()}" in table and field.description


def test_environment_and_toml(tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text('top_k = 5\nhost = "127.0.0.2"\n')
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    monkeypatch.setenv("ASSISTANT_TOP_K", "7")
    settings = Settings()
    assert settings.top_k == 7 and settings.host == "127.0.0.2"


def test_default_config_file_is_optional_and_read_when_present(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Settings().top_k == 8
    (tmp_path / "clusterdesk.toml").write_text("top_k = 3\n")
    assert Settings().top_k == 3


def test_a_named_config_file_that_is_missing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "clusterdsk.toml"))
    with pytest.raises(
        SettingsError, match=r"ASSISTANT_CONFIG names .*clusterdsk\.toml, which is not a file"
    ):
        Settings()


@pytest.mark.parametrize(
    "content, message",
    [
        ("top_kk = 5\n", r"c\.toml: unknown setting 'top_kk' \(did you mean 'top_k'\?\)"),
        ("ASSISTANT_TOP_K = 5\n", r"unknown setting 'ASSISTANT_TOP_K' \(did you mean 'top_k'\?\)"),
        ("top_k = \n", r"c\.toml is not valid TOML"),
    ],
)
def test_unknown_keys_and_bad_toml_are_errors(tmp_path, monkeypatch, content, message):
    config = tmp_path / "c.toml"
    config.write_text(content)
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    with pytest.raises(SettingsError, match=message):
        Settings()


def test_a_wrong_value_names_the_setting(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TOP_K", "many")
    with pytest.raises(SettingsError, match=r"invalid setting top_k \(ASSISTANT_TOP_K\)"):
        get_settings()


@pytest.mark.parametrize("where", ["missing", "typo"])
def test_the_commands_print_one_line_instead_of_a_traceback(tmp_path, monkeypatch, capsys, where):
    config = tmp_path / "c.toml"
    if where == "typo":
        config.write_text("index_dri = 'x'\n")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    expected = "c.toml, which is not a file" if where == "missing" else "unknown setting 'index_dri'"

    assert cli.main(["settings"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err and "Traceback" not in err and err.count("\n") == 1

    assert ingest_main(["--corpus", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ingest: ") and expected in err and "Traceback" not in err and err.count("\n") == 1
    assert not Path(tmp_path / "index").exists()
