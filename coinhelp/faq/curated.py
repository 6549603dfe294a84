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

The English entries are `faq/*.md`; each other language's are `faq/<language>/*.md`
(folder names as in coinhelp.i18n.LANGUAGES), the same keys in the same format,
their bodies keeping every number of the English ones (coinhelp.faq.translations).
Names are one entry's each within a language; they may repeat across languages.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coinhelp.errors import ConfigError
from coinhelp.faq.entries import KEY_PATTERN, FaqEntry, Problem, validate_fields
from coinhelp.faq.names import NameIndex
from coinhelp.faq.translations import number_problems
from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES
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

Curated = Mapping[str, Mapping[str, FaqEntry]]
"""The curated entries of each language: language -> key -> entry. English is
always there; a language whose folder the host's FAQ lacks is left out."""

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


@dataclass(slots=True)
class _Folder:
    """One folder's entries, what file each came from, and its problems."""

    entries: dict[str, FaqEntry] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    stems: set[str] = field(default_factory=set)  # every entry file, valid or not
    problems: list[str] = field(default_factory=list)


def load_curated(directory: Path, language: str = DEFAULT_LANGUAGE) -> dict[str, FaqEntry]:
    """Every curated entry in `directory` (each `*.md` except README.md), by key.

    The entries are in `language`; language folders inside `directory` are not
    read (load_curated_languages reads them). Raises ConfigError listing every
    problem found, one line per problem, each starting with the file it is in.
    """
    if not directory.is_dir():
        raise ConfigError(f"curated FAQ directory {str(directory)!r} does not exist")
    folder = _read_folder(directory, language)
    if folder.problems:
        raise ConfigError("\n".join(folder.problems))
    return folder.entries


def load_curated_languages(directory: Path) -> Curated:
    """The English entries in `directory` and each language's in `directory/<language>/`.

    A language folder that exists must hold exactly the English keys, and each
    translated body every number of the English body (coinhelp.faq.translations);
    names are one entry's each within a language. A missing folder is allowed
    (a host's own FAQ may be English only): that language is left out, and its
    readers get the English text. Raises ConfigError listing every problem,
    one line each, starting with the file.
    """
    if not directory.is_dir():
        raise ConfigError(f"curated FAQ directory {str(directory)!r} does not exist")
    english = _read_folder(directory, DEFAULT_LANGUAGE)
    problems = list(english.problems)
    curated: dict[str, dict[str, FaqEntry]] = {DEFAULT_LANGUAGE: english.entries}
    problems += _misnamed_language_folders(directory)
    for language in LANGUAGES:
        subdirectory = directory / language
        if language == DEFAULT_LANGUAGE or not subdirectory.is_dir():
            continue
        translated = _read_folder(subdirectory, language)
        problems += translated.problems
        problems += _compare_with_english(subdirectory, translated, english)
        curated[language] = translated.entries
    if problems:
        raise ConfigError("\n".join(problems))
    missing = [language for language in LANGUAGES if language not in curated]
    if missing:
        log.info("no curated FAQ in %s: those readers get English", ", ".join(missing))
    return curated


def _read_folder(directory: Path, language: str) -> _Folder:
    files = sorted(
        path
        for path in directory.glob("*.md")
        if path.is_file() and path.name.casefold() != "readme.md"
    )
    folder = _Folder()
    names = NameIndex()
    for path in files:
        shown = _shown(path)
        folder.stems.add(path.stem)
        try:
            entry = _parse(path.read_text(encoding="utf-8"), path.stem, language)
        except UnicodeDecodeError:
            folder.problems.append(f"{shown}: is not UTF-8 text")
            continue
        except _Invalid as exc:
            folder.problems += [f"{shown}: {problem}" for problem in exc.problems]
            continue
        if entry.key in folder.entries:  # only possible on case-insensitive file systems
            folder.problems.append(
                f"{shown}: key {entry.key!r} is also in {_shown(folder.paths[entry.key])}"
            )
            continue
        for clash in names.clashes(entry.key, entry.title, entry.aliases):
            folder.problems.append(
                f"{shown}: {clash.kind} {clash.text!r} is already used by entry {clash.other_key!r}"
            )
        names.add(entry)
        folder.entries[entry.key] = entry
        folder.paths[entry.key] = path
    folder.entries = dict(sorted(folder.entries.items()))
    if not folder.problems:
        if not folder.entries:
            log.warning("no curated FAQ entries in %s", directory)
        log.info("loaded %d curated FAQ entries from %s", len(folder.entries), directory)
    return folder


def _compare_with_english(directory: Path, translated: _Folder, english: _Folder) -> list[str]:
    """A language folder's problems against the English one: keys, then numbers."""
    problems = [
        f"{_shown(directory / f'{key}.md')}: is missing: every English entry needs a"
        f" translation (faq/{key}.md)"
        for key in sorted(english.stems - translated.stems)
    ]
    problems += [
        f"{_shown(directory / f'{key}.md')}: there is no English entry {key!r} to translate"
        f" (faq/{key}.md): add it or remove this file"
        for key in sorted(translated.stems - english.stems)
    ]
    for key, entry in translated.entries.items():
        original = english.entries.get(key)
        if original is not None:
            problems += [
                f"{_shown(translated.paths[key])}: {problem}"
                for problem in number_problems(original.body, entry.body)
            ]
    return problems


def _misnamed_language_folders(directory: Path) -> list[str]:
    """Folders named like a language in another case ("pt-br"): they would be skipped."""
    by_folded = {language.casefold(): language for language in LANGUAGES}
    return [
        f"{_shown(path)}: name the folder {by_folded[path.name.casefold()]!r}"
        " (as written in the list of languages), or it is not read"
        for path in sorted(directory.iterdir())
        if path.is_dir()
        and path.name.casefold() in by_folded
        and path.name != by_folded[path.name.casefold()]
    ]


def parse_curated(text: str, *, stem: str, language: str = DEFAULT_LANGUAGE) -> FaqEntry:
    """One curated file's text as an entry; `stem` is its file name without `.md`.

    Raises ConfigError listing the problems found, separated by "; ".
    """
    try:
        return _parse(text, stem, language)
    except _Invalid as exc:
        raise ConfigError(str(exc)) from None


def _parse(text: str, stem: str, language: str) -> FaqEntry:
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
        language=language,
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
