"""FAQ entries: the shared value type, the keys, and the rules every entry's fields obey.

The same rules hold for the curated files (coinhelp.faq.curated), moderator
edits and imported files (coinhelp.faq.store, coinhelp.faq.transfer), so every
entry in the bot obeys the same limits.

A rule that fails gives a `Problem`: a key and values, no sentence. Its key
names a macro in `templates/faq/_macros.j2`, which words it for a moderator
(inside the error `faq.invalid_fields`) and, through the same macro, for the
person hosting the bot (a curated file's ConfigError, coinhelp.faq.curated).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from coinhelp.errors import InvalidInput
from coinhelp.faq.names import name_form
from coinhelp.i18n import DEFAULT_LANGUAGE

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Limits. Titles become embed titles (Discord: 256); aliases show up in autocomplete
# choices (Discord: 100); bodies are edited in a modal text input (Discord: 4000).
KEY_MAX = 50
TITLE_MAX = 256
ALIAS_MAX = 100
ALIASES_MAX_COUNT = 10
KEYWORD_MAX = 100
KEYWORDS_MAX_COUNT = 60
EXAMPLE_MAX = 300  # a question as typed in a Discord message, not an essay
EXAMPLES_MAX_COUNT = 100
BODY_MAX = 4000
SOURCE_MAX = 300
SOURCES_MAX_COUNT = 10

Origin = Literal["curated", "override", "custom"]


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One FAQ answer as a server sees it.

    `checked` is the date the curated text was last checked, or the date a
    moderator last edited this server's version. `examples` are questions the
    entry answers, as people typed them: the matcher learns from them. Only
    curated files have them (last, with a default, so entries built elsewhere
    need not name them).

    `language` is the language the entry is shown in. When the entry has no
    text of its own in that language (a custom entry written in another one,
    a curated entry the host's FAQ folder lacks in it), `fallback_from` names
    the language whose text stands in, so the answer can say so.
    """

    key: str
    title: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    body: str
    sources: tuple[str, ...]
    checked: dt.date
    origin: Origin = "curated"
    examples: tuple[str, ...] = ()
    language: str = DEFAULT_LANGUAGE
    fallback_from: str | None = None

    @property
    def text_language(self) -> str:
        """The language the title, aliases and body are written in."""
        return self.fallback_from or self.language


@dataclass(frozen=True, slots=True)
class EntryText:
    """What a server writes for an entry: its title, aliases and body."""

    title: str
    aliases: tuple[str, ...]
    body: str


class Problem(NamedTuple):
    """One broken rule: the macro `key` in templates/faq/_macros.j2, called with `params`."""

    key: str
    params: Mapping[str, Any]


def _problem(key: str, /, **params: Any) -> Problem:
    return Problem(key, params)


# -- keys --------------------------------------------------------------------------


def is_key(text: str) -> bool:
    """Whether `text` is a valid key: lowercase words joined by single hyphens, not too long."""
    return len(text) <= KEY_MAX and KEY_PATTERN.fullmatch(text) is not None


def normal_key(key: str) -> str:
    """A key as typed, trimmed and lowercased (lookups of invalid keys find nothing)."""
    return key.strip().lower()


def checked_key(key: str) -> str:
    """`key` normalised for saving. Raises InvalidInput for a key that breaks the rule."""
    key = normal_key(key)
    if not key:
        raise InvalidInput("faq.key_empty")
    if len(key) > KEY_MAX:
        raise InvalidInput("faq.key_too_long", length=len(key), limit=KEY_MAX)
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput("faq.key_invalid", key=key)
    return key


# -- rules for one entry -----------------------------------------------------------


def validate_fields(
    *,
    key: object,
    title: object,
    aliases: object,
    body: object,
    keywords: object = (),
    sources: object = (),
    examples: object = (),
) -> list[Problem]:
    """Every problem with one entry's fields; empty when all is well.

    Values may be anything (they come from YAML, modals or imported files); `None`
    means the field is missing. Aliases, keywords, sources and examples may be
    empty lists.
    """
    problems: list[Problem] = []
    problems += _check_key(key)
    problems += _check_text("title", title, TITLE_MAX)
    problems += _check_list("aliases", aliases, ALIAS_MAX, ALIASES_MAX_COUNT)
    problems += _check_list("keywords", keywords, KEYWORD_MAX, KEYWORDS_MAX_COUNT)
    problems += _check_list("sources", sources, SOURCE_MAX, SOURCES_MAX_COUNT)
    problems += _check_list("examples", examples, EXAMPLE_MAX, EXAMPLES_MAX_COUNT)
    problems += _check_text("body", body, BODY_MAX)
    return problems


def _check_key(key: object) -> list[Problem]:
    if key is None:
        return [_problem("field_missing", field="key")]
    if not isinstance(key, str):
        return [_problem("field_not_text", field="key")]
    if len(key) > KEY_MAX:
        return [_problem("field_too_long", field="key", length=len(key), limit=KEY_MAX)]
    if not KEY_PATTERN.match(key):
        return [_problem("key_malformed", key=key)]
    return []


def _check_text(field: str, value: object, limit: int) -> list[Problem]:
    if value is None:
        return [_problem("field_missing", field=field)]
    if not isinstance(value, str):
        return [_problem("field_not_text", field=field)]
    if not value.strip():
        return [_problem("field_empty", field=field)]
    if len(value) > limit:
        return [_problem("field_too_long", field=field, length=len(value), limit=limit)]
    return []


def _check_list(field: str, value: object, item_limit: int, count_limit: int) -> list[Problem]:
    if value is None:
        return [_problem("field_missing", field=field)]
    if isinstance(value, str) or not isinstance(value, list | tuple):
        return [_problem("field_not_a_list", field=field)]
    problems: list[Problem] = []
    if len(value) > count_limit:
        problems.append(
            _problem("too_many_items", field=field, count=len(value), limit=count_limit)
        )
    seen: set[str] = set()
    for number, item in enumerate(value, start=1):
        if isinstance(item, int | float | bool | dt.date):
            # YAML reads 18 or yes as a number or a boolean: quoting keeps the text.
            problems.append(_problem("item_needs_quotes", field=field, number=number))
        elif not isinstance(item, str):
            problems.append(_problem("item_not_text", field=field, number=number))
        elif not item.strip():
            problems.append(_problem("item_empty", field=field, number=number))
        elif len(item) > item_limit:
            problems.append(
                _problem(
                    "item_too_long", field=field, number=number, length=len(item), limit=item_limit
                )
            )
        elif name_form(item) in seen:
            problems.append(_problem("item_twice", field=field, item=item))
        else:
            seen.add(name_form(item))
    return problems


# -- what a server writes ----------------------------------------------------------


def entry_text(title: str, aliases: Sequence[str], body: str) -> EntryText:
    """The fields as saved: title and aliases trimmed, blank aliases dropped, body as is."""
    if isinstance(aliases, str):
        raise TypeError("aliases must be a sequence of strings, not one string")
    return EntryText(title.strip(), tuple(a.strip() for a in aliases if a.strip()), body)


def text_problems(key: str, text: EntryText) -> list[Problem]:
    """The rules of `validate_fields`, plus one line for a title or an alias."""
    problems = validate_fields(
        key=key, title=text.title, aliases=list(text.aliases), body=text.body
    )
    for name, line in (("title", text.title), *(("alias", alias) for alias in text.aliases)):
        if "\n" in line or "\r" in line:
            problems.append(_problem("not_one_line", name=name, text=line))
    return problems


def checked_text(key: str, title: str, aliases: Sequence[str], body: str) -> EntryText:
    """`entry_text`, refused with InvalidInput ("faq.invalid_fields") naming every problem."""
    text = entry_text(title, aliases, body)
    problems = text_problems(key, text)
    if problems:
        raise InvalidInput("faq.invalid_fields", problems=problems)
    return text
