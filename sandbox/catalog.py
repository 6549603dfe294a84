"""The bot's registered slash commands, flattened to what a person can type.

Discord nests subcommands (type 1) and subcommand groups (type 2) inside a
command's ``options``; every other option type is a value the person fills
in. A `Leaf` is one typeable command path (``goal contribute``) with its
value options, read from the payloads the bot registered with the stand-in
(``StandIn.registered_commands()``), so the sandbox never hard-codes a command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]

SUBCOMMAND = 1
SUBCOMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11

#: How `help` describes each option type: what to type as its value.
TYPE_HINTS = {
    STRING: "text",
    INTEGER: "whole number",
    BOOLEAN: "true|false",
    USER: "member",
    CHANNEL: "#channel",
    ROLE: "@role",
    MENTIONABLE: "member or @role",
    NUMBER: "number",
    ATTACHMENT: "file path",
}


@dataclass(frozen=True)
class Leaf:
    """One command path a person can run, e.g. ``goal contribute``."""

    path: str
    description: str
    options: tuple[Payload, ...]
    default_member_permissions: int | None

    @property
    def option_names(self) -> list[str]:
        return [option["name"] for option in self.options]

    def option(self, name: str) -> Payload | None:
        return next((o for o in self.options if o["name"] == name), None)

    @property
    def shorthand_option(self) -> Payload | None:
        """The first required string option: where text without ``name:`` goes."""
        return next((o for o in self.options if o["type"] == STRING and o.get("required")), None)


def chat_commands(commands: Iterable[Payload]) -> list[Payload]:
    """Slash commands only (type 1), by name."""
    return sorted((c for c in commands if c.get("type", 1) == 1), key=lambda c: c["name"])


def leaves(commands: Iterable[Payload]) -> list[Leaf]:
    """Every typeable command path, sorted by path."""
    found: list[Leaf] = []
    for command in chat_commands(commands):
        raw = command.get("default_member_permissions")
        permissions = None if raw is None else int(raw)
        _walk(command, [command["name"]], permissions, found)
    return sorted(found, key=lambda leaf: leaf.path)


def _walk(node: Payload, path: list[str], permissions: int | None, found: list[Leaf]) -> None:
    subs = subcommands(node)
    if not subs:
        values = tuple(o for o in node.get("options") or [] if o.get("type") not in _NESTING)
        found.append(Leaf(" ".join(path), node.get("description", ""), values, permissions))
        return
    for sub in subs:
        _walk(sub, [*path, sub["name"]], permissions, found)


_NESTING = (SUBCOMMAND, SUBCOMMAND_GROUP)


def subcommands(node: Payload) -> list[Payload]:
    """The subcommands and groups directly under a command or group."""
    return [o for o in node.get("options") or [] if o.get("type") in _NESTING]


def find_command(commands: Sequence[Payload], name: str) -> Payload | None:
    """The slash command called ``name`` (any case)."""
    wanted = name.lower()
    return next((c for c in chat_commands(commands) if c["name"] == wanted), None)


def usage(leaf: Leaf) -> str:
    """``/goal contribute goal:<text> coins:<whole number> [period:all|month|week]``."""
    parts = [f"/{leaf.path}"]
    for option in leaf.options:
        part = f"{option['name']}:<{value_hint(option)}>"
        parts.append(part if option.get("required") else f"[{part}]")
    return " ".join(parts)


def value_hint(option: Payload) -> str:
    """What to type as this option's value."""
    choices = option.get("choices")
    if choices:
        return "|".join(str(c["name"]) for c in choices)
    return TYPE_HINTS.get(option["type"], "value")


def limits_text(option: Payload) -> str:
    """The option's range or length limits, e.g. ``1 to 1,000,000``; empty when none."""
    low, high = option.get("min_value"), option.get("max_value")
    if low is None and high is None:
        low, high = option.get("min_length"), option.get("max_length")
        unit = " characters"
    else:
        unit = ""
    if low is not None and high is not None:
        return f"{low:,} to {high:,}{unit}"
    if low is not None:
        return f"at least {low:,}{unit}"
    if high is not None:
        return f"at most {high:,}{unit}"
    return ""
