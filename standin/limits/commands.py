"""Application command registration."""

from __future__ import annotations

from typing import Any

from standin.limits.base import (
    CHOICE_NAME,
    CHOICES,
    COMMAND_DESCRIPTION,
    COMMAND_NAME,
    COMMAND_OPTIONS,
    COMMAND_TOTAL,
    NAME_PATTERN,
    Path,
    Payload,
    Problem,
    length,
    too_long,
)
from standin.limits.choices import check_choice_value


def check_commands(commands: Any) -> list[Problem]:
    """A bulk overwrite: each command, unique names per type, at most 100 slash commands."""
    if not isinstance(commands, list):
        return [Problem((), "LIST_TYPE_CONVERT", "Must be an array.")]
    problems: list[Problem] = []
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        problems += check_command(command, (index,))
        key = (command.get("name", ""), command.get("type", 1))
        if key in seen:
            problems.append(
                Problem(
                    (index, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({key[0]!r}).",
                )
            )
        seen.add(key)
    slash = sum(1 for c in commands if c.get("type", 1) == 1)
    if slash > 100:
        problems.append(too_long((), 100, slash))
    return problems


def check_command(command: Payload, path: Path = ()) -> list[Problem]:
    kind = command.get("type", 1)
    problems: list[Problem] = []
    name = command.get("name")
    if kind == 1:
        problems += _check_name(name, (*path, "name"))
        problems += _check_description(command.get("description"), (*path, "description"))
        problems += _check_options(command.get("options") or [], (*path, "options"), depth=0)
    else:
        problems += length(name, (*path, "name"), COMMAND_NAME, required=True)
        if command.get("description"):
            problems.append(
                Problem(
                    (*path, "description"),
                    "BASE_TYPE_BAD_VALUE",
                    "Context menu commands cannot have a description.",
                )
            )
    total = _command_characters(command)
    if total > COMMAND_TOTAL:
        problems.append(
            Problem(
                path,
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({total} > {COMMAND_TOTAL} characters).",
            )
        )
    return problems


def _check_name(name: Any, path: Path) -> list[Problem]:
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or name != name.lower():
        return [
            Problem(
                path,
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid ({name!r}): 1-32 lowercase letters, digits, - or _.",
            )
        ]
    return []


def _check_description(value: Any, path: Path) -> list[Problem]:
    return length(value, path, COMMAND_DESCRIPTION, required=True)


def _check_options(options: list[Payload], path: Path, *, depth: int) -> list[Problem]:
    problems: list[Problem] = []
    if len(options) > COMMAND_OPTIONS:
        problems.append(too_long(path, COMMAND_OPTIONS, len(options)))
    kinds = {o.get("type") for o in options}
    if kinds & {1, 2} and kinds - {1, 2}:
        problems.append(
            Problem(
                path,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Subcommands cannot be mixed with other options.",
            )
        )
    seen_optional = False
    names: set[str] = set()
    for index, option in enumerate(options):
        where = (*path, index)
        kind = option.get("type")
        problems += _check_name(option.get("name"), (*where, "name"))
        problems += _check_description(option.get("description"), (*where, "description"))
        if option.get("name") in names:
            problems.append(
                Problem(
                    (*where, "name"),
                    "APPLICATION_COMMAND_OPTION_NAME_DUPLICATED",
                    f"Option name {option.get('name')!r} is duplicated.",
                )
            )
        names.add(str(option.get("name")))
        if kind not in range(1, 12):
            problems.append(
                Problem((*where, "type"), "BASE_TYPE_CHOICES", f"Invalid option type {kind!r}.")
            )
        if kind in (1, 2):
            if (kind == 2 and depth > 0) or (kind == 1 and depth > 1):
                problems.append(
                    Problem(
                        (*where, "type"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Subcommands nest at most: group > subcommand.",
                    )
                )
            sub = option.get("options") or []
            if kind == 2 and any(o.get("type") != 1 for o in sub):
                problems.append(
                    Problem(
                        (*where, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "A subcommand group holds only subcommands.",
                    )
                )
            problems += _check_options(sub, (*where, "options"), depth=depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(
                    Problem(
                        (*where, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options.",
                    )
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if choices and kind not in (3, 4, 10):
            problems.append(
                Problem(
                    (*where, "choices"),
                    "BASE_TYPE_BAD_VALUE",
                    "Only string, integer and number options have choices.",
                )
            )
        if choices and option.get("autocomplete"):
            problems.append(
                Problem(
                    (*where, "autocomplete"),
                    "BASE_TYPE_BAD_VALUE",
                    "Autocomplete cannot be used with choices.",
                )
            )
        if len(choices) > CHOICES:
            problems.append(too_long((*where, "choices"), CHOICES, len(choices)))
        for choice_index, choice in enumerate(choices):
            at = (*where, "choices", choice_index)
            problems += length(choice.get("name"), (*at, "name"), CHOICE_NAME, required=True)
            problems += check_choice_value(choice.get("value"), kind, (*at, "value"))
        for key, limit in (("min_length", 6000), ("max_length", 6000)):
            value = option.get(key)
            if value is not None and not 0 <= value <= limit:
                problems.append(
                    Problem((*where, key), "NUMBER_TYPE_MAX", f"{key} must be 0-{limit}.")
                )
    return problems


def _command_characters(command: Payload) -> int:
    total = len(command.get("name") or "") + len(command.get("description") or "")
    for option in command.get("options") or []:
        total += _command_characters(option)
        for choice in option.get("choices") or []:
            total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    return total
