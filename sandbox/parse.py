"""One typed line → what to do: a slash command with typed options, or a sandbox word.

Slash commands read as in Discord's client::

    /faq topic:refund
    /ask can i get my coins back          text without name: fills the first
                                          required string option (question)
    /goal create name:Birthday LIVE target:44999
                                          a value runs until the next
                                          " optionname:" of that command
    /coinhelp config announce-channel:#announcements moderator-role:@Mods
    /faqadmin import file:./faq.yaml      attachments by local file path

Everything is checked against the commands the bot registered, the way
Discord's client checks it before sending: unknown command or option, missing
required options, values of the wrong type, outside ``choices`` or outside the
option's range all raise `InputError`. Members, channels, roles and files stay
names here (`EntityRef`); the demo world resolves them.

The sandbox's own words: ``as <member>``, ``in #<channel>``, ``press <n>``
(or just ``<n>``), ``help [command]``, ``quit``; blank lines and lines
starting with ``#`` are skipped.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.catalog import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    USER,
    Leaf,
    Payload,
    find_command,
    leaves,
    subcommands,
    usage,
)
from sandbox.errors import InputError

# "name:" preceded by the start of the text or by whitespace.
_MARKER = re.compile(r"(?:^|(?<=\s))([A-Za-z0-9_-]+):")
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}
_QUIT = {"quit", "exit", "bye"}
_ENTITY_TYPES = (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT)


@dataclass(frozen=True)
class EntityRef:
    """A member, channel, role (or either) or file, as the person named it."""

    type: int
    text: str


Value = str | int | float | bool | EntityRef


@dataclass(frozen=True)
class Slash:
    """Run a slash command with these option values."""

    leaf: Leaf
    options: dict[str, Value]

    @property
    def path(self) -> str:
        return self.leaf.path


@dataclass(frozen=True)
class ActAs:
    """Type as another member from now on."""

    member: str


@dataclass(frozen=True)
class MoveTo:
    """Type in another channel from now on."""

    channel: str


@dataclass(frozen=True)
class Press:
    """Press button ``number`` (1-based) of the last message that had buttons."""

    number: int


@dataclass(frozen=True)
class Help:
    """List what can be typed, or one command's options (``topic``: a command path)."""

    topic: str = ""


@dataclass(frozen=True)
class Quit:
    """Leave the sandbox."""


@dataclass(frozen=True)
class Blank:
    """An empty line or a ``#`` comment: nothing to do."""


Action = Slash | ActAs | MoveTo | Press | Help | Quit | Blank


def parse_line(line: str, commands: Sequence[Payload]) -> Action:
    """What ``line`` asks for; raises InputError for what cannot be sent."""
    text = line.strip()
    if not text or text.startswith("#"):
        return Blank()
    if text.startswith("/"):
        return parse_slash(text, commands)
    word, rest = split_word(text)
    word = word.lower()
    if word in _QUIT:
        return Quit()
    if word in ("help", "?"):
        return Help(rest.strip().lstrip("/"))
    if word == "as":
        if not rest.strip():
            raise InputError("as who? e.g. as moderator")
        return ActAs(rest.strip().lstrip("@"))
    if word == "in":
        if not rest.strip():
            raise InputError("in which channel? e.g. in #announcements")
        return MoveTo(rest.strip().lstrip("#"))
    if word == "press" or (word.isdigit() and not rest):
        number = rest.strip() if word == "press" else word
        if not number.isdigit() or int(number) < 1:
            raise InputError("press which button? e.g. press 2")
        return Press(int(number))
    if find_command(commands, word) is not None:
        raise InputError(f"slash commands start with /: try /{text}")
    raise InputError(
        f"unknown input {word!r}: type a slash command (e.g. /faq topic:refund) or help"
    )


def parse_slash(text: str, commands: Sequence[Payload]) -> Slash:
    """``/goal contribute goal:Birthday LIVE coins:500`` → the leaf and typed options."""
    name, rest = split_word(text.strip().removeprefix("/"))
    if not name:
        raise InputError("type a command after /, e.g. /faq topic:refund (help lists them)")
    command = find_command(commands, name)
    if command is None:
        names = [c["name"] for c in commands if c.get("type", 1) == 1]
        raise InputError(f"unknown command /{name}{_did_you_mean(name, names, '/')}")
    path = [command["name"]]
    node = command
    while subs := subcommands(node):
        word, after = split_word(rest)
        names = [s["name"] for s in subs]
        if not word or ":" in word:
            raise InputError(f"/{' '.join(path)} needs a subcommand: {', '.join(names)}")
        match = next((s for s in subs if s["name"] == word.lower()), None)
        if match is None:
            prefix = "/" + " ".join(path) + " "
            raise InputError(f"unknown command {prefix}{word}{_did_you_mean(word, names, prefix)}")
        path.append(match["name"])
        node, rest = match, after
    leaf = next(leaf for leaf in leaves(commands) if leaf.path == " ".join(path))
    return Slash(leaf, parse_options(leaf, rest))


def parse_options(leaf: Leaf, text: str) -> dict[str, Value]:
    """Split ``text`` at the leaf's ``name:`` markers and convert each value."""
    markers = option_markers(leaf, text)
    lead = text[: markers[0][0] if markers else len(text)].strip()
    raw: list[tuple[str, str]] = []
    if lead:
        target = leaf.shorthand_option
        if target is None:
            if not leaf.options:
                raise InputError(f"/{leaf.path} takes no options")
            raise InputError(
                f"/{leaf.path}: which option is {lead!r}? Write name:value, e.g. {usage(leaf)}"
            )
        raw.append((target["name"], lead))
    for index, (_, value_start, name) in enumerate(markers):
        end = markers[index + 1][0] if index + 1 < len(markers) else len(text)
        raw.append((name, text[value_start:end].strip()))
    values: dict[str, Value] = {}
    for name, value in raw:
        if name in values:
            raise InputError(f"option {name} is given twice")
        option = leaf.option(name)
        assert option is not None  # markers only name the leaf's options
        values[name] = convert(option, _unquote(value))
    missing = [o["name"] for o in leaf.options if o.get("required") and o["name"] not in values]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        missing_text = f"missing required option{plural} {', '.join(missing)}"
        # `amount:5` for `coins`: read as part of the value before it, but it is
        # most likely the missing option under another name.
        unknown = [m.group(1) for m in _MARKER.finditer(text) if not known_option(leaf, m.group(1))]
        if unknown:
            raise InputError(
                f"/{leaf.path} has no option {unknown[0]} "
                f"(options: {', '.join(leaf.option_names)}); {missing_text}"
            )
        raise InputError(missing_text)
    return values


def option_markers(leaf: Leaf, text: str, *, strict: bool = True) -> list[tuple[int, int, str]]:
    """``(marker start, value start, option name)`` for each ``name:`` of this leaf.

    A ``word:`` that is no option of the leaf is part of a value (``/ask what
    is this: a scam?``); ``strict`` refuses one that is a near miss of an option
    name, or that starts the text of a leaf no free text could belong to.
    """
    markers: list[tuple[int, int, str]] = []
    for match in _MARKER.finditer(text):
        typed = match.group(1)
        name = known_option(leaf, typed)
        if name is not None:
            markers.append((match.start(), match.end(), name))
            continue
        if not strict:
            continue
        close = difflib.get_close_matches(typed.lower(), leaf.option_names, n=1, cutoff=0.75)
        first = not text[: match.start()].strip()
        if close or (first and leaf.shorthand_option is None):
            known = ", ".join(leaf.option_names) or "none"
            hint = f"did you mean {close[0]}?" if close else f"options: {known}"
            raise InputError(f"/{leaf.path} has no option {typed} ({hint})")
    return markers


def known_option(leaf: Leaf, typed: str) -> str | None:
    """The leaf's option that ``typed`` names (any case; ``_`` and ``-`` alike)."""
    wanted = typed.lower()
    for name in leaf.option_names:
        if wanted in (name, name.replace("-", "_"), name.replace("_", "-")):
            return name
    return None


def convert(option: Payload, text: str) -> Value:
    """The value Discord's client would send for ``text``; InputError if it would refuse."""
    name, kind = option["name"], option["type"]
    if not text:
        raise InputError(f"option {name} needs a value")
    choices = option.get("choices")
    if choices:
        for choice in choices:
            if text.casefold() in (str(choice["name"]).casefold(), str(choice["value"]).casefold()):
                value: Value = choice["value"]
                return value
        names = ", ".join(str(c["name"]) for c in choices)
        raise InputError(f"{name} must be one of: {names}")
    if kind == STRING:
        _check_range(name, len(text), option.get("min_length"), option.get("max_length"), "text")
        return text
    if kind == INTEGER:
        cleaned = text.replace(",", "").replace("_", "")
        if not _INTEGER.fullmatch(cleaned):
            raise InputError(f"{name} must be a whole number, not {text!r}")
        number = int(cleaned)
        _check_range(name, number, option.get("min_value"), option.get("max_value"), "number")
        return number
    if kind == NUMBER:
        try:
            real = float(text.replace(",", ""))
        except ValueError:
            real = math.nan
        if not math.isfinite(real):
            raise InputError(f"{name} must be a number, not {text!r}")
        _check_range(name, real, option.get("min_value"), option.get("max_value"), "number")
        return real
    if kind == BOOLEAN:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise InputError(f"{name} must be true or false, not {text!r}")
    if kind in _ENTITY_TYPES:
        return EntityRef(kind, text)
    raise InputError(f"option {name} has a type the sandbox cannot fill ({kind})")


def _check_range(name: str, value: float, low: float | None, high: float | None, what: str) -> None:
    if (low is None or value >= low) and (high is None or value <= high):
        return
    unit = " characters" if what == "text" else ""
    if low is not None and high is not None:
        bounds = f"between {low:,} and {high:,}{unit}"
    elif low is not None:
        bounds = f"at least {low:,}{unit}"
    else:
        bounds = f"at most {high:,}{unit}"
    got = f"it has {value:,}" if what == "text" else f"not {value:,}"
    raise InputError(f"{name} must be {bounds} ({got})")


def split_word(text: str) -> tuple[str, str]:
    """The first whitespace-separated word and the rest (with its leading space)."""
    stripped = text.lstrip()
    match = re.match(r"\S+", stripped)
    if match is None:
        return "", ""
    return match.group(0), stripped[match.end() :]


def _unquote(value: str) -> str:
    """``"Birthday LIVE"`` → ``Birthday LIVE`` (one pair of matching quotes)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _did_you_mean(typed: str, names: Sequence[str], prefix: str) -> str:
    close = difflib.get_close_matches(typed.lower(), list(names), n=1, cutoff=0.6)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""
