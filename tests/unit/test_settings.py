from pathlib import Path

import pytest

from coinhelp.errors import ConfigError
from coinhelp.settings import DEFAULT_FAQ_DIR, load_settings


def test_defaults_when_only_the_token_is_set(tmp_path: Path) -> None:
    settings = load_settings({"DISCORD_TOKEN": "abc"}, env_file=tmp_path / "missing.env")
    assert settings.discord_token == "abc"
    assert settings.db_path == Path("coinhelp.db")
    assert settings.faq_dir == DEFAULT_FAQ_DIR
    assert settings.log_level == "INFO"
    assert settings.log_format == "plain"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)


def test_web_port_0_turns_the_web_server_off_and_json_logs_can_be_chosen(tmp_path: Path) -> None:
    settings = load_settings(
        {"COINHELP_WEB_PORT": "0", "COINHELP_WEB_HOST": "0.0.0.0", "COINHELP_LOG_FORMAT": "JSON"},
        env_file=None,
    )
    assert (settings.web_host, settings.web_port, settings.log_format) == ("0.0.0.0", 0, "json")


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nCOINHELP_DB=file.db\nCOINHELP_LOG_LEVEL=debug\n")
    settings = load_settings({"COINHELP_DB": "env.db"}, env_file=env_file)
    assert settings.discord_token == "from-file"
    assert settings.db_path == Path("env.db")
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_token_counts_as_missing(tmp_path: Path, blank: str) -> None:
    settings = load_settings({"DISCORD_TOKEN": blank}, env_file=None)
    assert settings.discord_token is None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("COINHELP_LOG_LEVEL", "LOUD", "COINHELP_LOG_LEVEL must be one of"),
        ("COINHELP_FAQ_DIR", "/no/such/folder", "is not a directory"),
        ("COINHELP_LOG_FORMAT", "xml", "COINHELP_LOG_FORMAT must be one of plain, json"),
        ("COINHELP_WEB_PORT", "http", "COINHELP_WEB_PORT must be a port number"),
        ("COINHELP_WEB_PORT", "70000", "COINHELP_WEB_PORT must be a port number"),
    ],
)
def test_unusable_values_are_refused_with_the_variable_named(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({variable: value}, env_file=None)
