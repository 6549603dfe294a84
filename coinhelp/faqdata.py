"""FAQ entries: the shared value type, the rules every entry obeys, and loading
the curated files in `faq/`.

A curated entry is one Markdown file with YAML front matter (see faq/README.md):

    ---
    key: refund
    title: Can I get a refund for TikTok coins?
    aliases: [coin refund]
    keywords: [money back, refnd]
    examples: ["my little brother bought coins on my card can i get refunded"]
    sources: ["TikTok Coin Policy"]
    checked: 2026-11-20
    ---
    The answer, in Discord Markdown.

`examples` (optional) are questions people really asked that the entry answers;
the matcher learns from them how people describe a situation ("my lil bro spent
50 bucks on my phone"), which titles and keywords alone don't say.

`validate_fields` holds the rules for one entry's fields; moderator edits and
imports are checked with it too, so every entry in the bot obeys the same limits.
`load_curated` applies them to every file and also checks what only makes sense
across files (unique keys and aliases).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from coinhelp.errors import ConfigError

log = logging.getLogger(__name__)

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

# The keys the product promises (SPEC, section FAQ).
REQUIRED_KEYS = (
    "coins",
    "recharge-app",
    "recharge-web",
    "pricing",
    "refund",
    "gift-returns",
    "age",
    "expiry",
    "diamonds",
    "send-gifts",
    "scams",
    "account-security",
    "purchase-limits",
    "regional-prices",
    "free-support",
    "goals-help",
)

FRONT_MATTER_FIELDS = ("key", "title", "aliases", "keywords", "examples", "sources", "checked")

# Curated text may only point at TikTok itself: a link elsewhere in a shipped
# answer is exactly what the scams entry warns people about.
_URL = re.compile(r"https?://([^/\s:]+)", re.IGNORECASE)
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)

Origin = Literal["curated", "override", "custom"]


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that dates stay text.

    A date YAML cannot build (2026-13-45) would otherwise fail the whole file with
    a bare ValueError; as text it reaches `_parse_date`, which names the field.
    """


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


class _Invalid(Exception):
    """A curated file's problems (internal: load_curated turns them into ConfigError)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One FAQ answer as a server sees it.

    `checked` is the date the curated text was last checked, or the date a
    moderator last edited this server's version. `examples` are questions the
    entry answers, as people typed them: the matcher learns from them. Only
    curated files have them (last, with a default, so entries built elsewhere
    need not name them).
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


def name_form(text: str) -> str:
    """How names (keys, titles, aliases) are compared: case and spacing ignored."""
    return " ".join(text.split()).casefold()


# -- rules for one entry ----------------------------------------------------------


def validate_fields(
    *,
    key: object,
    title: object,
    aliases: object,
    body: object,
    keywords: object = (),
    sources: object = (),
    examples: object = (),
) -> list[str]:
    """Every problem with one entry's fields, as sentences; empty when all is well.

    Values may be anything (they come from YAML, modals or imported files); `None`
    means the field is missing. Aliases, keywords, sources and examples may be
    empty lists.
    """
    problems: list[str] = []
    problems += _check_key(key)
    problems += _check_text("title", title, TITLE_MAX)
    problems += _check_list("aliases", aliases, ALIAS_MAX, ALIASES_MAX_COUNT)
    problems += _check_list("keywords", keywords, KEYWORD_MAX, KEYWORDS_MAX_COUNT)
    problems += _check_list("sources", sources, SOURCE_MAX, SOURCES_MAX_COUNT)
    problems += _check_list("examples", examples, EXAMPLE_MAX, EXAMPLES_MAX_COUNT)
    problems += _check_text("body", body, BODY_MAX)
    return problems


def _check_key(key: object) -> list[str]:
    if key is None:
        return ["field 'key' is missing"]
    if not isinstance(key, str):
        return ["field 'key' must be text"]
    if len(key) > KEY_MAX:
        return [f"field 'key' is {len(key)} characters long; the limit is {KEY_MAX}"]
    if not KEY_PATTERN.match(key):
        return [
            f"field 'key' is {key!r}: use lowercase letters and digits joined by "
            "single hyphens, like 'gift-returns'"
        ]
    return []


def _check_text(field: str, value: object, limit: int) -> list[str]:
    if value is None:
        return [f"field {field!r} is missing"]
    if not isinstance(value, str):
        return [f"field {field!r} must be text"]
    if not value.strip():
        return [f"field {field!r} is empty"]
    if len(value) > limit:
        return [f"field {field!r} is {len(value)} characters long; the limit is {limit}"]
    return []


def _check_list(field: str, value: object, item_limit: int, count_limit: int) -> list[str]:
    if value is None:
        return [f"field {field!r} is missing"]
    if isinstance(value, str) or not isinstance(value, list | tuple):
        return [f"field {field!r} must be a list of text"]
    problems: list[str] = []
    if len(value) > count_limit:
        problems.append(f"field {field!r} has {len(value)} items; the limit is {count_limit}")
    seen: set[str] = set()
    for number, item in enumerate(value, start=1):
        if isinstance(item, int | float | bool | dt.date):
            # YAML reads 18 or yes as a number or a boolean: quoting keeps the text.
            problems.append(f"field {field!r}, item {number}: must be text; put it in quotes")
        elif not isinstance(item, str):
            problems.append(f"field {field!r}, item {number}: must be text")
        elif not item.strip():
            problems.append(f"field {field!r}, item {number}: is empty")
        elif len(item) > item_limit:
            problems.append(
                f"field {field!r}, item {number}: is {len(item)} characters long; "
                f"the limit is {item_limit}"
            )
        elif name_form(item) in seen:
            problems.append(f"field {field!r} lists {item!r} twice")
        else:
            seen.add(name_form(item))
    return problems


def name_clashes(key: str, aliases: Iterable[str], others: Iterable[FaqEntry]) -> list[str]:
    """Problems when an entry's aliases collide with other entries' keys or aliases.

    An alias must name exactly one entry, or `/faq topic:<alias>` would be ambiguous.
    `others` may include the entry itself (same key); it is skipped.
    """
    taken: dict[str, str] = {}
    for other in others:
        if other.key == key:
            continue
        for name in (other.key, *other.aliases):
            taken.setdefault(name_form(name), other.key)
    problems = []
    for alias in aliases:
        owner = taken.get(name_form(alias))
        if owner is not None:
            problems.append(f"alias {alias!r} is already used by entry {owner!r}")
    return problems


# -- curated files ------------------------------------------------------------------


def load_curated(directory: Path) -> dict[str, FaqEntry]:
    """Every curated entry in `directory` (each `*.md` except README.md), by key.

    Raises ConfigError listing every problem found, one line per problem, each
    starting with the file it is in.
    """
    if not directory.is_dir():
        raise ConfigError(f"curated FAQ directory {str(directory)!r} does not exist")
    files = sorted(
        path
        for path in directory.glob("*.md")
        if path.is_file() and path.name.casefold() != "readme.md"
    )
    problems: list[str] = []
    entries: dict[str, FaqEntry] = {}
    where_defined: dict[str, Path] = {}
    for path in files:
        shown = _shown(path)
        try:
            entry = _parse(path.read_text(encoding="utf-8"), path.stem)
        except UnicodeDecodeError:
            problems.append(f"{shown}: is not UTF-8 text")
            continue
        except _Invalid as exc:
            problems += [f"{shown}: {problem}" for problem in exc.problems]
            continue
        if entry.key in entries:  # only possible on case-insensitive file systems
            problems.append(
                f"{shown}: key {entry.key!r} is also in {_shown(where_defined[entry.key])}"
            )
            continue
        for problem in name_clashes(entry.key, entry.aliases, entries.values()):
            problems.append(f"{shown}: {problem}")
        entries[entry.key] = entry
        where_defined[entry.key] = path
    if problems:
        raise ConfigError("\n".join(problems))
    if not entries:
        log.warning("no curated FAQ entries in %s", directory)
    log.info("loaded %d curated FAQ entries from %s", len(entries), directory)
    return dict(sorted(entries.items()))


def parse_curated(text: str, *, stem: str) -> FaqEntry:
    """One curated file's text as an entry; `stem` is its file name without `.md`.

    Raises ConfigError listing the problems found, separated by "; ".
    """
    try:
        return _parse(text, stem)
    except _Invalid as exc:
        raise ConfigError(str(exc)) from None


def _parse(text: str, stem: str) -> FaqEntry:
    front, body, problems = _split_front_matter(text)
    if problems:
        raise _Invalid(problems)
    problems += [f"unknown field {name!r}" for name in front if name not in FRONT_MATTER_FIELDS]
    problems += validate_fields(
        key=front.get("key"),
        title=front.get("title"),
        aliases=front.get("aliases"),
        keywords=front.get("keywords"),
        sources=front.get("sources"),
        examples=front.get("examples", []),  # optional
        body=body,
    )
    key = front.get("key")
    if isinstance(key, str) and KEY_PATTERN.match(key) and key != stem:
        problems.append(
            f"field 'key' is {key!r} but the file is named {stem!r}.md; make them equal"
        )
    sources = front.get("sources")
    if isinstance(sources, list) and not sources:
        problems.append("field 'sources' is empty: name at least one source")
    problems += _check_links("sources", sources)
    problems += _check_links("body", body)
    if _MASS_MENTION.search(body):
        problems.append("body mentions @everyone or @here")
    checked = _parse_date(front.get("checked"), problems)
    if problems or checked is None:
        raise _Invalid(problems)
    return FaqEntry(
        key=front["key"],
        title=front["title"].strip(),
        aliases=tuple(alias.strip() for alias in front["aliases"]),
        keywords=tuple(keyword.strip() for keyword in front["keywords"]),
        body=body,
        sources=tuple(source.strip() for source in front["sources"]),
        checked=checked,
        origin="curated",
        examples=tuple(example.strip() for example in front.get("examples", [])),
    )


def _split_front_matter(text: str) -> tuple[dict[str, Any], str, list[str]]:
    """(front matter, body, problems): front matter between the first two `---` lines."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, "", ["the file must start with a line '---' opening the YAML front matter"]
    try:
        end = next(n for n in range(1, len(lines)) if lines[n].strip() == "---")
    except StopIteration:
        return {}, "", ["the YAML front matter is never closed by a line '---'"]
    try:
        # A SafeLoader subclass: builds plain data only, like yaml.safe_load.
        front = yaml.load("\n".join(lines[1:end]), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        reason = getattr(exc, "problem", None) or "cannot be parsed"
        return {}, "", [f"the front matter is not valid YAML{where}: {reason}"]
    if front is None:
        front = {}
    if not isinstance(front, dict):
        return {}, "", ["the front matter must be fields (key: value), one a line"]
    body = "\n".join(lines[end + 1 :]).strip()
    return {str(name): value for name, value in front.items()}, body, []


def _parse_date(value: object, problems: list[str]) -> dt.date | None:
    if value is None:
        problems.append("field 'checked' is missing")
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):  # _Loader keeps dates as text
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(f"field 'checked' is {value!r}: write a date like 2026-11-20")
    return None


def _check_links(field: str, value: object) -> list[str]:
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    problems = []
    for text in texts:
        if not isinstance(text, str):
            continue
        for match in _URL.finditer(text):
            host = match.group(1).casefold()
            if host != "tiktok.com" and not host.endswith(".tiktok.com"):
                problems.append(f"field {field!r} links to {host}: only tiktok.com links")
    return problems


def _shown(path: Path) -> str:
    """The path as a host would type it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
