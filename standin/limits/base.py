"""Shared pieces of the limit checks: :class:`Problem`, the 50035 error tree, constants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]
Path = tuple[str | int, ...]

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_WIDTH = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_PLACEHOLDER = 150
V2_COMPONENTS = 40
V2_TEXT = 4000
FILES = 10
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
TEXT_INPUT_PLACEHOLDER = 100
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
COMMAND_TOTAL = 4000
MAX_SAFE_INTEGER = 2**53

EPHEMERAL = 1 << 6
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_VOICE_MESSAGE = 1 << 13
IS_COMPONENTS_V2 = 1 << 15
LOADING = 1 << 7

NAME_PATTERN = re.compile(r"^[-_'\w]{1,32}$")
URL_SCHEMES = ("http://", "https://", "attachment://")
SELECT_TYPES = (3, 5, 6, 7, 8)
V2_TYPES = (1, 9, 10, 11, 12, 13, 14, 17)


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a path into the payload), Discord's error code, a message."""

    path: Path
    code: str
    message: str

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in self.path) or "(payload)"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def form_errors(problems: list[Problem]) -> Payload:
    """Discord's nested ``errors`` object for a 50035 answer."""
    errors: Payload = {}
    for problem in problems:
        node = errors
        for key in problem.path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return errors


def too_long(path: Path, limit: int, got: int) -> Problem:
    return Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length (got {got}).")


def length(value: Any, path: Path, limit: int, *, required: bool = False) -> list[Problem]:
    if value is None or value == "":
        if required:
            return [Problem(path, "BASE_TYPE_REQUIRED", "This field is required")]
        return []
    if not isinstance(value, str):
        return [Problem(path, "STRING_TYPE_CONVERT", f"Must be a string (got {value!r}).")]
    if len(value) > limit:
        return [too_long(path, limit, len(value))]
    return []


def check_url(value: Any, path: Path) -> list[Problem]:
    if value is None:
        return []
    if not isinstance(value, str) or not value.startswith(URL_SCHEMES):
        return [Problem(path, "URL_TYPE_INVALID_URL", f"Not a well formed URL ({value!r}).")]
    return []
