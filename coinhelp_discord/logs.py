"""The process's logging: plain lines or JSON, and the server each line is about.

`COINHELP_LOG_FORMAT=plain` (the default) writes one readable line per
record, coloured only on a terminal (a container's log collector stores the
escape codes as text otherwise); `json` writes one JSON object per line for
log collectors that parse fields.

Everything logged while the bot handles an interaction names that
interaction's server: `deliveries.py` sets `current_guild` around the
dispatch of each interaction, and the tasks discord.py starts for it (the
command, its checks, views, listeners) inherit the value, so cogs need not
pass the guild id to every log call. A record may also carry
`extra={"guild_id": ..., "reference": ...}` itself; `reference` is the id a
user was shown with "something went wrong".
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import sys
from typing import Any, TextIO

current_guild: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_guild", default=None
)
"""The server whose interaction is being handled in this task, if any."""

FIELDS = ("guild_id", "reference")
"""Record attributes that become fields of a JSON line and `key=value` of a plain one."""

# Start-up notes that are noise for a text-only bot.
_VOICE_NOTE = "voice will NOT be supported"

_LEVEL_COLOURS = {
    logging.DEBUG: "\x1b[37m",
    logging.INFO: "\x1b[34;1m",
    logging.WARNING: "\x1b[33;1m",
    logging.ERROR: "\x1b[31m",
    logging.CRITICAL: "\x1b[41m",
}
_RESET = "\x1b[0m"


def with_context(record: logging.LogRecord) -> bool:
    """A handler filter: fills in `guild_id` from `current_guild`, drops voice notes."""
    if getattr(record, "guild_id", None) is None:
        record.guild_id = current_guild.get()
    return _VOICE_NOTE not in str(record.msg)


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger: message guild_id=... reference=...`, coloured on request."""

    def __init__(self, *, colour: bool = False) -> None:
        super().__init__("%(asctime)s %(levelname)-8s %(name)s: %(message)s")
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        levelname = record.levelname
        if self.colour:
            record.levelname = f"{_LEVEL_COLOURS.get(record.levelno, '')}{levelname:<8}{_RESET}"
        try:
            line = super().format(record)
        finally:
            record.levelname = levelname
        extras = " ".join(
            f"{name}={value}"
            for name in FIELDS
            if (value := getattr(record, name, None)) is not None
        )
        if not extras:
            return line
        first, newline, rest = line.partition("\n")  # after the message, before a traceback
        return f"{first} {extras}{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context fields and,
    for an exception, its traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and not when NO_COLOR is set or TERM is dumb."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def setup_logging(level: int, log_format: str = "plain", stream: TextIO | None = None) -> None:
    """Every logger (discord.py's too) to `stream` (default stderr) at `level`, in
    `log_format` ("plain" or "json"). Replaces the root logger's handlers."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter(colour=wants_colour(stream)))
    handler.addFilter(with_context)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
