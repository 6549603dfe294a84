"""Tab completion for the sandbox prompt: command names, option names, option values.

Values come from where Discord's client gets them: an option with
``autocomplete`` asks the bot itself (through ``ask_bot``, which sends an
autocomplete interaction and waits for the bot's choices), an option with
``choices`` offers those, and members, channels, roles and local files are
offered by name. Each completion is the whole line after completing it (the
line is readline's one "word", since values contain spaces) and a label to
list when several match.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Sequence
from typing import Any

from sandbox.catalog import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    MENTIONABLE,
    ROLE,
    USER,
    Leaf,
    Payload,
    chat_commands,
    find_command,
    leaves,
    subcommands,
)
from sandbox.console import Completion
from sandbox.errors import SandboxError
from sandbox.parse import EntityRef, Value, convert, option_markers, split_word

AskBot = Callable[[str, str, dict[str, Any]], list[Payload]]
"""``(command path, focused option, option values)`` → the bot's autocomplete choices."""

WORDS = ("as ", "in #", "press ", "help ", "quit")


class LineCompleter:
    """Completions for a line typed so far."""

    def __init__(
        self,
        commands: Callable[[], Sequence[Payload]],
        *,
        members: Callable[[], list[str]],
        channels: Callable[[], list[str]],
        roles: Callable[[], list[str]],
        ask_bot: AskBot,
        resolve: Callable[[EntityRef, str], Any],
    ) -> None:
        self.commands = commands
        self.members = members
        self.channels = channels
        self.roles = roles
        self.ask_bot = ask_bot
        self.resolve = resolve

    def __call__(self, text: str) -> list[Completion]:
        if text.startswith("/"):
            return self.slash(text)
        return self.words(text)

    # -- the sandbox's words ---------------------------------------------------------------

    def words(self, text: str) -> list[Completion]:
        word, rest = split_word(text)
        if not rest and not text.endswith(" "):
            names = [*WORDS, *(f"/{c['name']} " for c in chat_commands(self.commands()))]
            return [(name, name.strip()) for name in names if name.startswith(text.lstrip())]
        argument = rest.lstrip()
        prefix = text[: len(text) - len(argument)]
        options = {
            "as": self.members(),
            "in": [f"#{name}" for name in self.channels()],
            "help": [leaf.path for leaf in leaves(self.commands())],
        }.get(word.lower(), [])
        return [
            (prefix + name, name)
            for name in options
            if name.lower().startswith(argument.lower().lstrip("#"))
            or name.lower().startswith(argument.lower())
        ]

    # -- slash commands ----------------------------------------------------------------------

    def slash(self, text: str) -> list[Completion]:
        commands = self.commands()
        name, rest = split_word(text[1:])
        if not rest and not text.endswith(" "):
            return [
                (f"/{c['name']} ", f"/{c['name']}")
                for c in chat_commands(commands)
                if c["name"].startswith(name.lower())
            ]
        node = find_command(commands, name)
        if node is None:
            return []
        path = [node["name"]]
        while subs := subcommands(node):
            word, after = split_word(rest)
            if not after and (not word or not rest.endswith(" ")):
                prefix = text[: len(text) - len(word)]
                return [
                    (f"{prefix}{s['name']} ", s["name"])
                    for s in subs
                    if s["name"].startswith(word.lower())
                ]
            match = next((s for s in subs if s["name"] == word.lower()), None)
            if match is None:
                return []
            node, rest = match, after
            path.append(match["name"])
        leaf = next(leaf for leaf in leaves(commands) if leaf.path == " ".join(path))
        return self.options(leaf, text, rest)

    def options(self, leaf: Leaf, text: str, rest: str) -> list[Completion]:
        """Option names not given yet, and values for the option being typed."""
        start = len(text) - len(rest)
        markers = option_markers(leaf, rest, strict=False)
        given = {name for _, _, name in markers}
        tail = rest.split(" ")[-1]
        found: list[Completion] = []
        if ":" not in tail:
            stem = text[: len(text) - len(tail)]
            found += [
                (f"{stem}{name}:", f"{name}:")
                for name in leaf.option_names
                if name not in given and name.startswith(tail.lower())
            ]
        if markers:
            _, value_start, focused = markers[-1]
            typed = rest[value_start:]
        elif leaf.shorthand_option is not None and rest.strip():
            focused, value_start, typed = leaf.shorthand_option["name"], 0, rest
        else:
            return found
        if typed.endswith(" ") and typed.strip():
            return found  # the value is done: only option names now
        lead = len(typed) - len(typed.lstrip())
        stem = text[: start + value_start + lead]
        others = self._values(leaf, rest, markers)
        found += [
            (stem + value + ("" if value.endswith("/") else " "), label)
            for value, label in self.values(leaf, focused, typed.strip(), others)
        ]
        return found

    def values(
        self, leaf: Leaf, name: str, typed: str, others: dict[str, Any]
    ) -> list[tuple[str, str]]:
        """``(value to insert, label)`` for option ``name`` of ``leaf``, given ``typed``."""
        option = leaf.option(name)
        if option is None:
            return []
        if option.get("autocomplete"):
            choices = self.ask_bot(leaf.path, name, {**others, name: typed})
            return [(str(c["value"]), _label(c)) for c in choices]
        if option.get("choices"):
            names = [str(c["name"]) for c in option["choices"]]
        elif option["type"] == BOOLEAN:
            names = ["true", "false"]
        elif option["type"] == USER:
            names = self.members()
        elif option["type"] == CHANNEL:
            names = [f"#{c}" for c in self.channels()]
        elif option["type"] == ROLE:
            names = [f"@{r}" for r in self.roles()]
        elif option["type"] == MENTIONABLE:
            names = [*self.members(), *(f"@{r}" for r in self.roles())]
        elif option["type"] == ATTACHMENT:
            names = _paths(typed)
        else:
            names = []
        wanted = typed.lower()
        return [(n, n) for n in names if n.lower().startswith(wanted)]

    def _values(self, leaf: Leaf, rest: str, markers: list[tuple[int, int, str]]) -> dict[str, Any]:
        """The options typed before the last one (the one being typed), as the bot
        should see them. Values that would not be sent (mistyped, unknown member) are
        left out.
        """
        values: dict[str, Any] = {}
        ends = [start for start, _, _ in markers[1:]]
        for (_, value_start, name), end in zip(markers, ends, strict=False):
            option = leaf.option(name)
            if option is None or option["type"] == ATTACHMENT:
                continue
            try:
                value: Value = convert(option, rest[value_start:end].strip())
                values[name] = self.resolve(value, name) if isinstance(value, EntityRef) else value
            except SandboxError:
                continue
        return values


def _label(choice: Payload) -> str:
    """``refund · Can I get a refund?``: the value to type, and the bot's name for it."""
    value, name = str(choice["value"]), str(choice["name"])
    return value if name == value else f"{value} · {name}"


def _paths(typed: str) -> list[str]:
    """Local files and folders starting with ``typed`` (folders end with /)."""
    pattern = os.path.expanduser(typed) + "*"
    return sorted(p + "/" if os.path.isdir(p) else p for p in glob.glob(pattern))[:50]
