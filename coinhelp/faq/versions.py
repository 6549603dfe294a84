"""The versions of each server's entries: the append-only `faq_texts` table.

Every moderator edit is a new row (migrations 0002 and 0005 refuse updates and
deletes). Each language's text of an entry is versioned on its own: the
current state of (server, key, language) is its latest version, one of:

    edited    the server shows this version's title, aliases and body
              (an override of a curated entry, or a custom entry)
    hidden    the server shows nothing for the key (a hidden curated entry,
              or a deleted custom entry; its history stays)
    curated   the server shows the curated text again (after a reset)

The states of a server are `States`: language -> key -> its latest version.

This module holds the table's SQL (reads, appends, the version limit) and says
what each version changed (`Change`, worded by templates/faq/_macros.j2);
coinhelp.faq.store decides which versions to write.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import aiosqlite

from coinhelp.db import Database
from coinhelp.errors import InvalidInput
from coinhelp.faq.entries import EntryText, FaqEntry
from coinhelp.i18n import LANGUAGES

# A server may save at most this many versions in all, so no server can bloat
# the database.
MAX_VERSIONS_PER_GUILD = 20_000

Action = Literal["set", "remove", "reset", "revert", "import"]
Status = Literal["edited", "hidden", "curated"]


class Change(NamedTuple):
    """One thing a version changed: the macro `key` in templates/faq/_macros.j2, with `params`."""

    key: str
    params: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class FaqVersion:
    """One saved version of a server's entry.

    `status` is what the server shows after it: its own text ("edited"),
    nothing ("hidden") or the curated text ("curated"); `title`, `aliases`
    and `body` are set only when edited. `changes` says what changed against
    the version before ("title changed", "body +2/−1 lines" once worded).
    """

    guild_id: int
    key: str
    language: str
    version: int
    action: Action
    status: Status
    title: str | None
    aliases: tuple[str, ...]
    body: str | None
    editor_id: int
    created_at: dt.datetime
    reverted_from: int | None = None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True, slots=True)
class State:
    """The latest version of one key's text in one language, in one server."""

    key: str
    language: str
    version: int
    status: Status
    text: EntryText | None
    created_at: dt.datetime


States = dict[str, dict[str, State]]
"""A server's latest versions: language -> key -> state (languages without one left out)."""


# ---------------------------------------------------------------------- rows

_VERSION_COLUMNS = (
    "key, language, version, action, status, title, aliases, body, editor_id, created_at,"
    " reverted_from"
)
# The latest version of every (key, language) of one server.
_CURRENT_SQL = (
    "SELECT v.key, v.language, v.version, v.status, v.title, v.aliases, v.body, v.created_at"
    " FROM faq_texts AS v"
    " JOIN (SELECT key, language, MAX(version) AS version FROM faq_texts"
    "       WHERE guild_id = ? GROUP BY key, language) AS latest"
    " ON latest.key = v.key AND latest.language = v.language AND latest.version = v.version"
    " WHERE v.guild_id = ?"
)


async def read_states(db: Database, guild_id: int) -> States:
    """The latest version of every key of the server, in every language."""
    return _states_of(await db.lookup(_CURRENT_SQL, (guild_id, guild_id)))


async def load_states(conn: aiosqlite.Connection, guild_id: int) -> States:
    """The latest version of every key of the server, read inside a write transaction."""
    return _states_of(await conn.execute_fetchall(_CURRENT_SQL, (guild_id, guild_id)))


async def load_version(
    conn: aiosqlite.Connection, guild_id: int, key: str, language: str, version: int
) -> tuple[Status, EntryText | None] | None:
    """What version `version` of `key` in `language` showed (status and text), or None."""
    rows = list(
        await conn.execute_fetchall(
            "SELECT status, title, aliases, body FROM faq_texts"
            " WHERE guild_id = ? AND key = ? AND language = ? AND version = ?",
            (guild_id, key, language, version),
        )
    )
    return (rows[0]["status"], _text_of(rows[0])) if rows else None


async def read_last_text(
    db: Database, guild_id: int, key: str, language: str
) -> tuple[EntryText, dt.datetime] | None:
    """The last text `key` had in `language` in the server (shown or not) and when it
    was saved, or None."""
    rows = await db.lookup(
        "SELECT title, aliases, body, created_at FROM faq_texts"
        " WHERE guild_id = ? AND key = ? AND language = ? AND status = 'edited'"
        " ORDER BY version DESC LIMIT 1",
        (guild_id, key, language),
    )
    if not rows:
        return None
    text = _text_of(rows[0])
    assert text is not None  # the status is 'edited'
    return text, _parse_time(rows[0]["created_at"])


def _states_of(rows: Iterable[sqlite3.Row]) -> States:
    states: States = {}
    for row in rows:
        state = _state_of(row)
        states.setdefault(state.language, {})[state.key] = state
    # In the order of LANGUAGES, each language's keys sorted: the same on every read.
    return {
        language: dict(sorted(states[language].items()))
        for language in LANGUAGES
        if language in states
    }


def _state_of(row: sqlite3.Row) -> State:
    return State(
        key=row["key"],
        language=row["language"],
        version=row["version"],
        status=row["status"],
        text=_text_of(row),
        created_at=_parse_time(row["created_at"]),
    )


def _text_of(row: sqlite3.Row) -> EntryText | None:
    """The title, aliases and body a row saved, or None if it saved none."""
    if row["title"] is None:
        return None
    return EntryText(row["title"], tuple(json.loads(row["aliases"])), row["body"])


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


async def check_version_room(conn: aiosqlite.Connection, guild_id: int, count: int) -> None:
    """Raise InvalidInput if `count` more versions would pass the server's limit."""
    rows = await conn.execute_fetchall(
        "SELECT COUNT(*) FROM faq_texts WHERE guild_id = ?", (guild_id,)
    )
    existing = int(next(iter(rows))[0])
    if existing + count > MAX_VERSIONS_PER_GUILD:
        raise InvalidInput("faq.too_many_versions", count=existing, limit=MAX_VERSIONS_PER_GUILD)


async def append_version(
    conn: aiosqlite.Connection,
    guild_id: int,
    key: str,
    language: str,
    current: State | None,
    action: Action,
    status: Status,
    text: EntryText | None,
    editor_id: int,
    now: dt.datetime,
    reverted_from: int | None = None,
) -> int:
    """Insert the version after `current` of (guild_id, key, language) inside the
    caller's transaction."""
    # `current` was read in this same write transaction, and write
    # transactions are serialised, so the number cannot be taken meanwhile;
    # the primary key would refuse a duplicate anyway.
    version = 1 if current is None else current.version + 1
    await conn.execute(
        "INSERT INTO faq_texts(guild_id, key, language, version, action, status, title,"
        " aliases, body, editor_id, created_at, reverted_from)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            key,
            language,
            version,
            action,
            status,
            None if text is None else text.title,
            None if text is None else json.dumps(list(text.aliases), ensure_ascii=False),
            None if text is None else text.body,
            editor_id,
            now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            reverted_from,
        ),
    )
    return version


# ----------------------------------------------------------------- history


async def read_versions(
    db: Database, guild_id: int, key: str, language: str, curated: FaqEntry | None
) -> list[FaqVersion]:
    """Every version of `key` in `language` in the server, oldest first, each saying
    what it changed.

    `curated` is the key's curated entry in that language (or the English one
    standing in for it), if any: what the first edit changed.
    """
    rows = await db.lookup(
        f"SELECT {_VERSION_COLUMNS} FROM faq_texts"
        " WHERE guild_id = ? AND key = ? AND language = ? ORDER BY version",
        (guild_id, key, language),
    )
    return _versions_of(guild_id, key, language, curated, rows)


def _versions_of(
    guild_id: int,
    key: str,
    language: str,
    curated: FaqEntry | None,
    rows: Iterable[sqlite3.Row],
) -> list[FaqVersion]:
    curated_text = (
        None if curated is None else EntryText(curated.title, curated.aliases, curated.body)
    )
    # The last text the key had here (shown or not), to compare an edit with.
    last_text = curated_text
    previous_status: Status | None = None
    versions = []
    for row in rows:
        status: Status = row["status"]
        text = _text_of(row)
        changes: list[Change] = []
        if row["reverted_from"] is not None:
            changes.append(Change("restored_version", {"version": row["reverted_from"]}))
        if status == "hidden":
            changes.append(Change("entry_hidden" if curated is not None else "entry_deleted"))
        elif status == "curated":
            changes.append(Change("back_to_curated"))
        else:
            assert text is not None
            if last_text is None:
                changes.append(Change("new_entry"))
            else:
                if previous_status == "hidden":
                    changes.append(Change("shown_again"))
                changes.extend(differences(last_text, text) or [Change("no_text_changes")])
        if status == "edited":
            last_text = text
        elif status == "curated":
            last_text = curated_text
        previous_status = status
        versions.append(
            FaqVersion(
                guild_id=guild_id,
                key=key,
                language=language,
                version=row["version"],
                action=row["action"],
                status=status,
                title=None if text is None else text.title,
                aliases=() if text is None else text.aliases,
                body=None if text is None else text.body,
                editor_id=row["editor_id"],
                created_at=_parse_time(row["created_at"]),
                reverted_from=row["reverted_from"],
                changes=tuple(changes),
            )
        )
    return versions


def differences(before: EntryText, after: EntryText) -> list[Change]:
    """What changed from `before` to `after`: title, aliases (added, removed), body lines."""
    changes = []
    if before.title != after.title:
        changes.append(Change("title_changed"))
    added = [alias for alias in after.aliases if alias not in before.aliases]
    removed = [alias for alias in before.aliases if alias not in after.aliases]
    if added or removed:
        changes.append(Change("aliases_changed", {"added": added, "removed": removed}))
    elif before.aliases != after.aliases:
        changes.append(Change("aliases_reordered"))
    if before.body != after.body:
        plus = minus = 0
        old_lines, new_lines = before.body.splitlines(), after.body.splitlines()
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                minus += i2 - i1
                plus += j2 - j1
        if plus or minus:
            changes.append(Change("body_changed", {"added": plus, "removed": minus}))
        else:
            changes.append(Change("body_whitespace"))
    return changes
