"""Typed settings, read from the environment and a `.env` file.

Variables already set in the environment win over the `.env` file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from coinhelp.errors import ConfigError
from coinhelp.shipped import CURATED_FAQ_DIR

DEFAULT_FAQ_DIR = CURATED_FAQ_DIR
DEFAULT_DB = "coinhelp.db"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
LOG_FORMATS = ("plain", "json")
DEFAULT_WEB_HOST = "127.0.0.1"
DEFAULT_WEB_PORT = 8080


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str | None
    db_path: Path
    faq_dir: Path
    log_level: str
    log_format: str = "plain"
    web_host: str = DEFAULT_WEB_HOST
    web_port: int = 0
    """The web server's port; 0 turns it off. load_settings() defaults to
    DEFAULT_WEB_PORT; Settings built in code (tests, the benchmark) get no web
    server unless they ask for one."""

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Build settings from `environ` (default: os.environ) over `env_file`.

    Raises ConfigError for a value that cannot be used.
    """
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    token = values.get("DISCORD_TOKEN", "").strip() or None
    level = values.get("COINHELP_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"COINHELP_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}"
        )
    faq_dir = Path(values.get("COINHELP_FAQ_DIR", "").strip() or DEFAULT_FAQ_DIR)
    if not faq_dir.is_dir():
        raise ConfigError(f"COINHELP_FAQ_DIR {str(faq_dir)!r} is not a directory")
    log_format = values.get("COINHELP_LOG_FORMAT", "").strip().lower() or "plain"
    if log_format not in LOG_FORMATS:
        raise ConfigError(
            f"COINHELP_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}"
        )
    db_path = Path(values.get("COINHELP_DB", "").strip() or DEFAULT_DB)
    web_host = values.get("COINHELP_WEB_HOST", "").strip() or DEFAULT_WEB_HOST
    web_port = _port(values.get("COINHELP_WEB_PORT", "").strip() or str(DEFAULT_WEB_PORT))
    return Settings(
        discord_token=token,
        db_path=db_path,
        faq_dir=faq_dir,
        log_level=level,
        log_format=log_format,
        web_host=web_host,
        web_port=web_port,
    )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise ConfigError(f"COINHELP_WEB_PORT must be a port number (0 turns it off), not {text!r}")
    return int(text)
