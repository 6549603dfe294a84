"""What an edit would leave a server showing, and whether it may: the rules writes obey.

Plain functions of the curated entries and a server's states (coinhelp.faq.versions),
so coinhelp.faq.store can check an edit inside its write transaction before
writing anything:

    with_states      the states after some new versions (a copy)
    name_clashes     names an edited text would share with another entry, in
                     every language where the text shows (its own, and those
                     that borrow it: coinhelp.faq.shown)
    check_room       the server's limit on keys in effect
    plan_import      what a checked import file would write, and its problems
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from coinhelp.errors import InvalidInput
from coinhelp.faq.curated import Curated
from coinhelp.faq.entries import EntryText, FaqEntry
from coinhelp.faq.names import Clash, NameIndex
from coinhelp.faq.shown import curated_entry, shown_entries
from coinhelp.faq.transfer import ImportFile, ImportProblem
from coinhelp.faq.versions import State, States
from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES


class TextRef(NamedTuple):
    """One language's text of an entry."""

    key: str
    language: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, as the texts (key and language) in each group."""

    added: tuple[TextRef, ...]
    changed: tuple[TextRef, ...]
    hidden: tuple[TextRef, ...]
    unchanged: tuple[TextRef, ...]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The versions an import writes (all at `now`), what it reports, and its problems."""

    writes: tuple[State, ...]
    after: States
    result: ImportResult
    problems: tuple[ImportProblem, ...]


def with_states(states: States, *changes: State) -> States:
    """`states` with `changes` as the latest versions of their keys (a copy)."""
    copy = {language: dict(by_key) for language, by_key in states.items()}
    for state in changes:
        copy.setdefault(state.language, {})[state.key] = state
    return copy


def name_clashes(
    curated: Curated, key: str, language: str, text: EntryText, before: States, after: States
) -> Iterator[Clash]:
    """The names of `text` (of `key` in `language`) that another entry shows once
    `after` is saved, in every language where the text shows.

    Names the key had before (shown or curated) in a language never count against it.
    """
    for shown_in in LANGUAGES:
        entries = shown_entries(curated, after, shown_in)
        entry = entries.get(key)
        if entry is None or entry.text_language != language:
            continue
        had = (
            shown_entries(curated, before, shown_in).get(key),
            curated_entry(curated, key, shown_in),
        )
        yield from NameIndex(entries.values()).clashes(key, text.title, text.aliases, had=had)


def check_room(curated_keys: Container[str], before: States, after: States, limit: int) -> None:
    """Raise InvalidInput if going from `before` to `after` passes the server's entry limit.

    Counts the keys in effect (overrides, custom entries, hidden curated
    entries, in any language); an edit that does not add one is always allowed.
    """
    in_effect = _in_effect(curated_keys, after)
    if in_effect > limit and in_effect > _in_effect(curated_keys, before):
        raise InvalidInput("faq.too_many_entries", count=in_effect, limit=limit)


def _in_effect(curated_keys: Container[str], states: States) -> int:
    return len(
        {
            key
            for by_key in states.values()
            for key, state in by_key.items()
            if state.status == "edited" or (state.status == "hidden" and key in curated_keys)
        }
    )


def plan_import(
    curated: Curated, states: States, parsed: ImportFile, now: dt.datetime
) -> ImportPlan:
    """What importing `parsed` into a server with `states` writes, and why it may not.

    A listed text equal to the server's is unchanged; a hidden key is hidden in
    its language where it would show once the file's texts are written (so a
    custom entry's text hidden in one language survives a round trip).
    """
    curated_keys = curated[DEFAULT_LANGUAGE]
    added: list[TextRef] = []
    changed: list[TextRef] = []
    hidden: list[TextRef] = []
    unchanged: list[TextRef] = []
    before = {language: shown_entries(curated, states, language) for language in LANGUAGES}
    writes: list[State] = []
    problems: list[ImportProblem] = []
    for item in parsed.entries:
        ref = TextRef(item.key, item.language)
        current = states.get(item.language, {}).get(item.key)
        if current is not None and current.text == item.text:
            unchanged.append(ref)
            continue
        if item.key in curated_keys or item.key in before[item.language]:
            changed.append(ref)
        else:
            added.append(ref)
        writes.append(State(item.key, item.language, 0, "edited", item.text, now))
    with_texts = with_states(states, *writes)
    known = {*curated_keys, *(key for by_key in with_texts.values() for key in by_key)}
    shown = {language: shown_entries(curated, with_texts, language) for language in LANGUAGES}
    for hide in parsed.hidden:
        ref = TextRef(hide.key, hide.language)
        if hide.key in shown[hide.language]:
            hidden.append(ref)
            writes.append(State(hide.key, hide.language, 0, "hidden", None, now))
        elif hide.key in known:
            unchanged.append(ref)  # already hidden or deleted
        else:
            problems.append(ImportProblem(hide.line, None, "hidden_unknown", {"key": hide.key}))
    after = with_states(states, *writes)
    problems += _import_clashes(curated, parsed, writes, before, after)
    result = ImportResult(tuple(added), tuple(changed), tuple(hidden), tuple(unchanged))
    return ImportPlan(tuple(writes), after, result, tuple(problems))


def _import_clashes(
    curated: Curated,
    parsed: ImportFile,
    writes: list[State],
    before: Mapping[str, Mapping[str, FaqEntry]],
    after: States,
) -> list[ImportProblem]:
    """A problem for each written text whose names another entry shows, each pair once."""
    written = {(write.key, write.language) for write in writes if write.status == "edited"}
    problems: list[ImportProblem] = []
    reported: set[frozenset[str]] = set()
    for shown_in in LANGUAGES:
        entries = shown_entries(curated, after, shown_in)
        names = NameIndex(entries.values())
        for item in parsed.entries:
            entry = entries.get(item.key)
            if (item.key, item.language) not in written or entry is None:
                continue
            if entry.text_language != item.language:
                continue
            had = (before[shown_in].get(item.key), curated_entry(curated, item.key, shown_in))
            for clash in names.clashes(item.key, item.text.title, item.text.aliases, had=had):
                pair = frozenset((item.key, clash.other_key))
                if pair not in reported:
                    reported.add(pair)
                    problems.append(
                        ImportProblem(item.line, item.key, "name_clash", {"clash": clash})
                    )
                    break
    return problems
