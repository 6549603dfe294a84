"""Autocomplete answers and choice values."""

from __future__ import annotations

from typing import Any

from standin.limits.base import (
    CHOICE_NAME,
    CHOICE_VALUE,
    CHOICES,
    MAX_SAFE_INTEGER,
    Path,
    Payload,
    Problem,
    length,
    too_long,
)


def check_choices(data: Payload, option_type: int | None, path: Path = ("data",)) -> list[Problem]:
    """An autocomplete answer: at most 25 choices, names 1-100, values of the option's type."""
    choices = data.get("choices")
    if not isinstance(choices, list):
        return [Problem((*path, "choices"), "BASE_TYPE_REQUIRED", "choices is required.")]
    problems: list[Problem] = []
    if len(choices) > CHOICES:
        problems.append(too_long((*path, "choices"), CHOICES, len(choices)))
    for index, choice in enumerate(choices):
        where = (*path, "choices", index)
        problems += length(choice.get("name"), (*where, "name"), CHOICE_NAME, required=True)
        problems += check_choice_value(choice.get("value"), option_type, (*where, "value"))
    return problems


def check_choice_value(value: Any, option_type: int | None, path: Path) -> list[Problem]:
    if option_type == 4:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_SAFE_INTEGER:
            return [Problem(path, "NUMBER_TYPE_COERCE", f"Value {value!r} is not a valid integer.")]
        return []
    if option_type == 10:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [Problem(path, "NUMBER_TYPE_COERCE", f"Value {value!r} is not a valid number.")]
        return []
    if isinstance(value, str):
        return length(value, path, CHOICE_VALUE)
    if option_type == 3:
        return [Problem(path, "STRING_TYPE_CONVERT", f"Value {value!r} is not a string.")]
    return []
