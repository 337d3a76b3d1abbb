import re

from assistant.settings import Settings, settings_table


def test_readme_documents_every_setting(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(ASSISTANT_[A-Z_]+)`", readme))
    expected = {f"ASSISTANT_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), (
        "run: python -m assistant settings --markdown, and paste into README"
    )
    assert documented - expected - {"ASSISTANT_CONFIG"} == set()


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
