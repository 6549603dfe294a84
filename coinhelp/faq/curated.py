"""Loading the curated entries: the Markdown files with YAML front matter in `faq/`.

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

Each file obeys the rules of coinhelp.faq.entries and a few of its own (sources,
links, no @everyone); across files, each name leads to one entry
(coinhelp.faq.names). A bad file stops the bot with a ConfigError for the host,
in English: the shared rules are worded by their templates (`in_english`), the
curated-only ones here.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from coinhelp.errors import ConfigError
from coinhelp.faq.entries import KEY_PATTERN, FaqEntry, Problem, validate_fields
from coinhelp.faq.names import NameIndex
from coinhelp.render import MASS_MENTION, Renderer

log = logging.getLogger(__name__)

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


def in_english(problems: Iterable[Problem]) -> list[str]:
    """Each problem as the host reads it: worded by its macro in templates/faq/_macros.j2."""
    problems = list(problems)
    if not problems:
        return []
    macros = Renderer().template("faq/_macros.j2").module
    return [str(getattr(macros, problem.key)(**problem.params)).strip() for problem in problems]


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
    names = NameIndex()
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
        for clash in names.clashes(entry.key, entry.title, entry.aliases):
            problems.append(
                f"{shown}: {clash.kind} {clash.text!r} is already used by entry {clash.other_key!r}"
            )
        names.add(entry)
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
    problems += in_english(
        validate_fields(
            key=front.get("key"),
            title=front.get("title"),
            aliases=front.get("aliases"),
            keywords=front.get("keywords"),
            sources=front.get("sources"),
            examples=front.get("examples", []),  # optional
            body=body,
        )
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
    if MASS_MENTION.search(body):
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
