"""Each server's view of the FAQ: the curated entries merged with its own edits.

Moderators can override a curated entry's text, hide a curated entry, and add
their own (custom) entries. The curated files are never written; every edit
is a new row in `faq_versions` (append-only, see migration 0002), and the
current state of (server, key) is its latest version, one of:

    edited    the server shows this version's title, aliases and body
              (an override of a curated entry, or a custom entry)
    hidden    the server shows nothing for the key (a hidden curated entry,
              or a deleted custom entry; its history stays)
    curated   the server shows the curated text again (after a reset)

Errors (all `UserError`, messages meant for the moderator or member):

    NotFound      unknown key or version in this server
    InvalidInput  a field too long or empty, a bad key, a bad import file,
                  a server at its limits
    Conflict      the edit clashes with the current state: a name already
                  taken by another entry, nothing to reset, nothing changed

Reads (`entries`, `get`, `matcher`) are on the hot path of every /faq, /ask
and autocomplete, so each server's merged view is cached in memory and
dropped whenever that server writes; a server without edits shares the
curated view and its matcher.

Export/import file shape (`export_yaml` writes it, `import_yaml` reads it)::

    format: coinhelp-faq/1          # optional on import; refused if different
    entries:                        # overrides and custom entries, by key
      refund:
        title: Can I get my coins refunded?
        aliases:
        - money back
        body: |-
          Markdown text ...
    hidden:                         # curated keys this server hides
    - scams

Curated entries a server shows unchanged are not exported. Import merges: each
listed entry is set to the given text, each `hidden` key is hidden (a custom
key listed there is deleted), and whatever the file does not mention stays as
it is. The whole file is checked before anything is written, and everything
is written in one transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import difflib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import aiosqlite
import yaml

from coinhelp.db import Database
from coinhelp.errors import Conflict, InvalidInput, NotFound
from coinhelp.faqdata import KEY_MAX, KEY_PATTERN, FaqEntry, name_form, validate_fields
from coinhelp.matching.matcher import Matcher

log = logging.getLogger(__name__)

# A server may have at most this many keys in effect (overrides, custom
# entries and hidden curated entries), and at most this many versions in all,
# so no server can bloat the database.
MAX_ENTRIES_PER_GUILD = 500
MAX_VERSIONS_PER_GUILD = 20_000
IMPORT_MAX_BYTES = 1_000_000
EXPORT_FORMAT = "coinhelp-faq/1"
# An import refused for several reasons lists this many of them.
_PROBLEMS_SHOWN = 10

Action = Literal["set", "remove", "reset", "revert", "import"]
Status = Literal["edited", "hidden", "curated"]


@dataclass(frozen=True, slots=True)
class FaqVersion:
    """One saved version of a server's entry.

    `status` is what the server shows after it: its own text ("edited"),
    nothing ("hidden") or the curated text ("curated"); `title`, `aliases`
    and `body` are set only when edited. `changes` says briefly what changed
    against the version before, e.g. ("title changed", "body +2/−1 lines").
    """

    guild_id: int
    key: str
    version: int
    action: Action
    status: Status
    title: str | None
    aliases: tuple[str, ...]
    body: str | None
    editor_id: int
    created_at: dt.datetime
    reverted_from: int | None = None
    changes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """`changes` as one line."""
        return "; ".join(self.changes)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, as the keys in each group."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    hidden: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Content:
    title: str
    aliases: tuple[str, ...]
    body: str


@dataclass(frozen=True, slots=True)
class _State:
    """The latest version of one key in one server."""

    key: str
    version: int
    status: Status
    content: _Content | None
    created_at: dt.datetime


@dataclass(slots=True)
class _GuildView:
    entries: Mapping[str, FaqEntry]
    states: Mapping[str, _State]
    matcher: Matcher | None = None


@dataclass(frozen=True, slots=True)
class _ImportEntry:
    key: str
    content: _Content
    line: int


@dataclass(frozen=True, slots=True)
class _ImportFile:
    entries: tuple[_ImportEntry, ...]
    hidden: tuple[tuple[str, int], ...]  # (key, line)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_VERSION_COLUMNS = (
    "key, version, action, status, title, aliases, body, editor_id, created_at, reverted_from"
)
# The latest version of every key of one server.
_CURRENT_SQL = (
    "SELECT v.key, v.version, v.status, v.title, v.aliases, v.body, v.created_at"
    " FROM faq_versions AS v"
    " JOIN (SELECT key, MAX(version) AS version FROM faq_versions"
    "       WHERE guild_id = ? GROUP BY key) AS latest"
    " ON latest.key = v.key AND latest.version = v.version"
    " WHERE v.guild_id = ?"
)


class FaqStore:
    """Each server's FAQ: curated entries merged with that server's versions."""

    def __init__(
        self,
        db: Database,
        curated: Mapping[str, FaqEntry],
        *,
        now: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self._db = db
        self._curated = dict(curated)
        self._now = now
        self._curated_view = _GuildView(MappingProxyType(self._curated), MappingProxyType({}))
        self._views: dict[int, _GuildView] = {}
        # Bumped after every write of a server, so a read that started before
        # the write cannot put the old view back into the cache.
        self._generations: dict[int, int] = {}

    # ------------------------------------------------------------------ reads

    async def entries(self, guild_id: int) -> Mapping[str, FaqEntry]:
        """Every entry the server shows, by key (read-only; cached)."""
        return (await self._view(guild_id)).entries

    async def get(self, guild_id: int, key: str) -> FaqEntry:
        """The entry the server shows for `key`. Raises NotFound."""
        entries = await self.entries(guild_id)
        entry = entries.get(_normal_key(key))
        if entry is None:
            raise NotFound(f"There is no FAQ entry {_shown(key)} in this server.")
        return entry

    async def matcher(self, guild_id: int) -> Matcher:
        """The matcher over the server's entries (cached; rebuilt after an edit)."""
        view = await self._view(guild_id)
        if view.entries is self._curated_view.entries:
            view = self._curated_view  # a server showing the curated entries shares their matcher
        if view.matcher is None:
            view.matcher = Matcher(view.entries.values())
        return view.matcher

    async def admin_keys(self, guild_id: int) -> tuple[str, ...]:
        """Every key a moderator can act on, sorted: shown, hidden and deleted ones."""
        view = await self._view(guild_id)
        return tuple(sorted({*self._curated, *view.states}))

    async def draft(self, guild_id: int, key: str) -> FaqEntry | None:
        """The text an edit of `key` should start from, or None for a new key.

        The shown entry if there is one, else the last text the key had here
        (a hidden override, a deleted custom entry), else the curated text.
        Raises InvalidInput for a key that is not a valid key.
        """
        key = _new_key(key)
        view = await self._view(guild_id)
        if key in view.entries:
            return view.entries[key]
        state = view.states.get(key)
        if state is not None and (state.status != "curated" or key not in self._curated):
            rows = await self._db.fetchall(
                "SELECT title, aliases, body, created_at FROM faq_versions"
                " WHERE guild_id = ? AND key = ? AND status = 'edited'"
                " ORDER BY version DESC LIMIT 1",
                (guild_id, key),
            )
            if rows:
                content = _content_of(rows[0])
                assert content is not None  # the status is 'edited'
                return self._entry(key, content, _parse_time(rows[0]["created_at"]))
        return self._curated.get(key)

    async def history(self, guild_id: int, key: str) -> list[FaqVersion]:
        """The server's versions of `key`, newest first (empty for an unedited curated key).

        Raises NotFound for a key that is neither curated nor was ever used here.
        """
        key = _normal_key(key)
        rows = await self._db.fetchall(
            f"SELECT {_VERSION_COLUMNS} FROM faq_versions"
            " WHERE guild_id = ? AND key = ? ORDER BY version",
            (guild_id, key),
        )
        if not rows and key not in self._curated:
            raise NotFound(f"There is no FAQ entry {_shown(key)} in this server.")
        return list(reversed(self._versions(guild_id, key, rows)))

    async def export_yaml(self, guild_id: int) -> str:
        """The server's overrides, custom entries and hidden keys as YAML (see module doc)."""
        rows = await self._db.fetchall(_CURRENT_SQL, (guild_id, guild_id))
        states = {state.key: state for state in map(_state_of, rows)}
        entries: dict[str, dict[str, Any]] = {}
        hidden: list[str] = []
        for key in sorted(states):
            state = states[key]
            if state.content is not None:
                entries[key] = {
                    "title": state.content.title,
                    "aliases": list(state.content.aliases),
                    "body": state.content.body,
                }
            elif state.status == "hidden" and key in self._curated:
                hidden.append(key)
        document = {"format": EXPORT_FORMAT, "entries": entries, "hidden": hidden}
        header = (
            "# coinhelp FAQ export: this server's own entries, its changes to curated\n"
            "# entries, and the curated entries it hides. Curated entries shown\n"
            "# unchanged are not listed. Load it with /faqadmin import: listed entries\n"
            "# are set, hidden keys are hidden, anything not listed stays as it is.\n"
        )
        return header + yaml.dump(
            document,
            Dumper=_ExportDumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=1_000_000,
        )

    # ----------------------------------------------------------------- writes

    async def set(
        self,
        guild_id: int,
        key: str,
        *,
        title: str,
        aliases: Sequence[str],
        body: str,
        editor_id: int,
    ) -> FaqVersion:
        """Save new text for `key`: an override of a curated entry, or a custom entry.

        Raises InvalidInput (bad key or field, server at its limits) and
        Conflict (a name taken by another entry, or no change at all).
        """
        key = _new_key(key)
        content = _checked_content(key, title, aliases, body)
        async with self._db.write() as conn:
            states = await _load_states(conn, guild_id)
            current = states.get(key)
            if current is not None and current.content == content:
                raise Conflict(f"Nothing changed: {_shown(key)} already has exactly this text.")
            after = {**states, key: _State(key, 0, "edited", content, self._now())}
            had = (self._merge(states).get(key), self._curated.get(key))
            clash = _find_clash(key, content, _name_index(self._merge(after)), had)
            if clash is not None:
                raise Conflict(clash)
            self._check_room(states, after)
            await _check_version_room(conn, guild_id, 1)
            version = await self._append(
                conn, guild_id, key, current, "set", "edited", content, editor_id
            )
        self._invalidate(guild_id)
        log.info("faq: server %d set %s to version %d by %d", guild_id, key, version, editor_id)
        return await self._saved(guild_id, key, version)

    async def remove(self, guild_id: int, key: str, *, editor_id: int) -> FaqVersion:
        """Hide a curated entry, or delete a custom one, in this server.

        Raises NotFound (no such entry) and Conflict (already hidden).
        """
        key = _normal_key(key)
        async with self._db.write() as conn:
            states = await _load_states(conn, guild_id)
            current = states.get(key)
            if key not in self._merge(states):
                if key in self._curated:
                    raise Conflict(
                        f"{_shown(key)} is already hidden in this server; "
                        "`/faqadmin reset` shows the curated text again."
                    )
                raise NotFound(f"There is no FAQ entry {_shown(key)} in this server.")
            await _check_version_room(conn, guild_id, 1)
            version = await self._append(
                conn, guild_id, key, current, "remove", "hidden", None, editor_id
            )
        self._invalidate(guild_id)
        log.info("faq: server %d removed %s (version %d) by %d", guild_id, key, version, editor_id)
        return await self._saved(guild_id, key, version)

    async def reset(self, guild_id: int, key: str, *, editor_id: int) -> FaqVersion:
        """Drop the server's override or hiding of a curated entry.

        Raises NotFound (unknown key) and Conflict (a custom entry, which has
        no curated text, or an entry already showing the curated text).
        """
        key = _normal_key(key)
        async with self._db.write() as conn:
            states = await _load_states(conn, guild_id)
            current = states.get(key)
            if key not in self._curated:
                if current is None:
                    raise NotFound(f"There is no FAQ entry {_shown(key)} in this server.")
                raise Conflict(
                    f"{_shown(key)} is this server's own entry, so there is no curated text "
                    "to go back to; `/faqadmin remove` deletes it."
                )
            if current is None or current.status == "curated":
                raise Conflict(f"{_shown(key)} already shows the curated text; nothing to reset.")
            await _check_version_room(conn, guild_id, 1)
            version = await self._append(
                conn, guild_id, key, current, "reset", "curated", None, editor_id
            )
        self._invalidate(guild_id)
        log.info("faq: server %d reset %s (version %d) by %d", guild_id, key, version, editor_id)
        return await self._saved(guild_id, key, version)

    async def revert(self, guild_id: int, key: str, version: int, *, editor_id: int) -> FaqVersion:
        """Restore what version `version` of `key` showed, as a new version.

        Raises NotFound (unknown key or version in this server), Conflict
        (that is already what the server shows, or its names are now taken)
        and InvalidInput (the server is at its limits).
        """
        key = _normal_key(key)
        async with self._db.write() as conn:
            target = list(
                await conn.execute_fetchall(
                    "SELECT status, title, aliases, body FROM faq_versions"
                    " WHERE guild_id = ? AND key = ? AND version = ?",
                    (guild_id, key, version),
                )
            )
            states = await _load_states(conn, guild_id)
            current = states.get(key)
            if current is None:
                raise NotFound(f"{_shown(key)} has no saved versions in this server.")
            if not target:
                raise NotFound(
                    f"{_shown(key)} has no version {version} in this server; "
                    f"its versions are 1 to {current.version}."
                )
            status: Status = target[0]["status"]
            content = _content_of(target[0])
            if current.status == status and current.content == content:
                raise Conflict(
                    f"Version {version} of {_shown(key)} is what the server shows already; "
                    "nothing to revert."
                )
            after = {**states, key: _State(key, 0, status, content, self._now())}
            if content is not None:
                had = (self._merge(states).get(key), self._curated.get(key))
                clash = _find_clash(key, content, _name_index(self._merge(after)), had)
                if clash is not None:
                    raise Conflict(f"Cannot restore version {version}: {_lower_first(clash)}")
            self._check_room(states, after)
            await _check_version_room(conn, guild_id, 1)
            new_version = await self._append(
                conn, guild_id, key, current, "revert", status, content, editor_id, version
            )
        self._invalidate(guild_id)
        log.info(
            "faq: server %d reverted %s to version %d as version %d by %d",
            guild_id,
            key,
            version,
            new_version,
            editor_id,
        )
        return await self._saved(guild_id, key, new_version)

    async def import_yaml(self, guild_id: int, text: str, *, editor_id: int) -> ImportResult:
        """Load an export file (see module doc): all of it, or nothing.

        Raises InvalidInput with every problem found (line and reason): too
        big, not YAML, not the export shape, bad fields, names taken by other
        entries, or more than the server may hold.
        """
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > IMPORT_MAX_BYTES:
            raise InvalidInput(
                f"The file is {size / 1_000_000:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // 1_000_000} MB. Nothing was imported."
            )
        parsed = await asyncio.to_thread(_parse_import, text)
        added: list[str] = []
        changed: list[str] = []
        hidden: list[str] = []
        unchanged: list[str] = []
        async with self._db.write() as conn:
            states = await _load_states(conn, guild_id)
            before = self._merge(states)
            after = dict(states)
            writes: list[tuple[str, Status, _Content | None]] = []
            problems: list[str] = []
            for item in parsed.entries:
                current = states.get(item.key)
                if current is not None and current.content == item.content:
                    unchanged.append(item.key)
                    continue
                if item.key in self._curated or item.key in before:
                    changed.append(item.key)
                else:
                    added.append(item.key)
                writes.append((item.key, "edited", item.content))
                after[item.key] = _State(item.key, 0, "edited", item.content, self._now())
            for key, line in parsed.hidden:
                current = states.get(key)
                if key in before:
                    hidden.append(key)
                    writes.append((key, "hidden", None))
                    after[key] = _State(key, 0, "hidden", None, self._now())
                elif key in self._curated or current is not None:
                    unchanged.append(key)  # already hidden or deleted
                else:
                    problems.append(
                        f"line {line}: `hidden` lists {_shown(key)}, "
                        "which is not an FAQ entry in this server."
                    )
            self._check_room(states, after)
            await _check_version_room(conn, guild_id, len(writes))
            index = _name_index(self._merge(after))
            reported: set[frozenset[str]] = set()
            written = {key for key, status, _ in writes if status == "edited"}
            for item in parsed.entries:
                if item.key in written:
                    had = (before.get(item.key), self._curated.get(item.key))
                    clash = _find_clash(item.key, item.content, index, had, reported)
                    if clash is not None:
                        problems.append(
                            f"line {item.line}, entry {_shown(item.key)}: {_lower_first(clash)}"
                        )
            if problems:
                raise InvalidInput(_problems_message(problems))
            for key, status, content in writes:
                await self._append(
                    conn, guild_id, key, states.get(key), "import", status, content, editor_id
                )
        self._invalidate(guild_id)
        result = ImportResult(tuple(added), tuple(changed), tuple(hidden), tuple(unchanged))
        log.info(
            "faq: server %d import by %d: %d added, %d changed, %d hidden, %d unchanged",
            guild_id,
            editor_id,
            len(result.added),
            len(result.changed),
            len(result.hidden),
            len(result.unchanged),
        )
        return result

    # --------------------------------------------------------------- helpers

    async def _view(self, guild_id: int) -> _GuildView:
        view = self._views.get(guild_id)
        if view is not None:
            return view
        generation = self._generations.get(guild_id, 0)
        rows = await self._db.fetchall(_CURRENT_SQL, (guild_id, guild_id))
        states = {state.key: state for state in map(_state_of, rows)}
        if not states:
            view = self._curated_view
        elif all(state.status == "curated" for state in states.values()):
            # Only resets: the curated entries (and matcher, see matcher()).
            view = _GuildView(self._curated_view.entries, MappingProxyType(states))
        else:
            view = _GuildView(MappingProxyType(self._merge(states)), MappingProxyType(states))
        if self._generations.get(guild_id, 0) == generation:
            self._views[guild_id] = view
        return view

    def _invalidate(self, guild_id: int) -> None:
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._views.pop(guild_id, None)

    def _merge(self, states: Mapping[str, _State]) -> dict[str, FaqEntry]:
        """The entries shown given these latest versions: curated order, then custom by key."""
        merged: dict[str, FaqEntry] = {}
        for key, curated in self._curated.items():
            state = states.get(key)
            if state is None or state.status == "curated":
                merged[key] = curated
            elif state.content is not None:
                merged[key] = self._entry(key, state.content, state.created_at)
        for key in sorted(states.keys() - self._curated.keys()):
            state = states[key]
            if state.content is not None:
                merged[key] = self._entry(key, state.content, state.created_at)
        return merged

    def _entry(self, key: str, content: _Content, edited: dt.datetime) -> FaqEntry:
        """A server's own text as an entry.

        An override keeps the curated keywords (they still describe the topic,
        and help /ask) but not the sources: those back the curated text, not
        the moderator's.
        """
        curated = self._curated.get(key)
        return FaqEntry(
            key=key,
            title=content.title,
            aliases=content.aliases,
            keywords=curated.keywords if curated is not None else (),
            body=content.body,
            sources=(),
            checked=edited.date(),
            origin="override" if curated is not None else "custom",
            # The topic is the same, so the questions people ask about it still apply.
            examples=curated.examples if curated is not None else (),
        )

    def _check_room(self, before: Mapping[str, _State], after: Mapping[str, _State]) -> None:
        """Raise InvalidInput if going from `before` to `after` passes the server's entry limit.

        Counts the keys in effect (overrides, custom entries, hidden curated
        entries); an edit that does not add one is always allowed.
        """
        in_effect = self._in_effect(after)
        if in_effect > MAX_ENTRIES_PER_GUILD and in_effect > self._in_effect(before):
            raise InvalidInput(
                f"This would give the server {in_effect} changed, hidden or own FAQ entries; "
                f"the limit is {MAX_ENTRIES_PER_GUILD}. Reset or remove some first."
            )

    def _in_effect(self, states: Mapping[str, _State]) -> int:
        return sum(
            1
            for key, state in states.items()
            if state.status == "edited" or (state.status == "hidden" and key in self._curated)
        )

    async def _append(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        key: str,
        current: _State | None,
        action: Action,
        status: Status,
        content: _Content | None,
        editor_id: int,
        reverted_from: int | None = None,
    ) -> int:
        """Insert the next version of (guild_id, key) inside the caller's transaction."""
        # `current` was read in this same write transaction, and write
        # transactions are serialised, so the number cannot be taken meanwhile;
        # the primary key would refuse a duplicate anyway.
        version = 1 if current is None else current.version + 1
        await conn.execute(
            "INSERT INTO faq_versions(guild_id, key, version, action, status, title, aliases,"
            " body, editor_id, created_at, reverted_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                key,
                version,
                action,
                status,
                None if content is None else content.title,
                None if content is None else json.dumps(list(content.aliases), ensure_ascii=False),
                None if content is None else content.body,
                editor_id,
                self._now().astimezone(dt.UTC).isoformat(timespec="seconds"),
                reverted_from,
            ),
        )
        return version

    async def _saved(self, guild_id: int, key: str, version: int) -> FaqVersion:
        """The version just written, with what it changed."""
        for saved in await self.history(guild_id, key):
            if saved.version == version:
                return saved
        raise AssertionError(f"version {version} of {key} was written but cannot be read")

    def _versions(self, guild_id: int, key: str, rows: Iterable[sqlite3.Row]) -> list[FaqVersion]:
        """The rows (oldest first) as versions, each saying what it changed."""
        curated = self._curated.get(key)
        curated_content = (
            None if curated is None else _Content(curated.title, curated.aliases, curated.body)
        )
        # The last text the key had here (shown or not), to compare an edit with.
        last_text = curated_content
        previous_status: Status | None = None
        versions = []
        for row in rows:
            status: Status = row["status"]
            content = _content_of(row)
            changes: list[str] = []
            if row["reverted_from"] is not None:
                changes.append(f"restored version {row['reverted_from']}")
            if status == "hidden":
                changes.append("hidden" if curated is not None else "deleted")
            elif status == "curated":
                changes.append("back to the curated text")
            else:
                assert content is not None
                if last_text is None:
                    changes.append("new entry")
                else:
                    if previous_status == "hidden":
                        changes.append("shown again")
                    changes.extend(_differences(last_text, content) or ["no text changes"])
            if status == "edited":
                last_text = content
            elif status == "curated":
                last_text = curated_content
            previous_status = status
            versions.append(
                FaqVersion(
                    guild_id=guild_id,
                    key=key,
                    version=row["version"],
                    action=row["action"],
                    status=status,
                    title=None if content is None else content.title,
                    aliases=() if content is None else content.aliases,
                    body=None if content is None else content.body,
                    editor_id=row["editor_id"],
                    created_at=_parse_time(row["created_at"]),
                    reverted_from=row["reverted_from"],
                    changes=tuple(changes),
                )
            )
        return versions


# ---------------------------------------------------------------- validation


def _normal_key(key: str) -> str:
    """A key as typed, trimmed and lowercased (lookups of invalid keys find nothing)."""
    return key.strip().lower()


def _new_key(key: str) -> str:
    """`key` normalised for saving. Raises InvalidInput for a key that breaks the rule."""
    key = _normal_key(key)
    if not key:
        raise InvalidInput(
            "The key is empty; use lowercase words joined by hyphens, like `my-topic`."
        )
    if len(key) > KEY_MAX:
        raise InvalidInput(f"The key is {len(key)} characters long; the limit is {KEY_MAX}.")
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput(
            f"{_shown(key)} is not a valid key: use lowercase letters and digits, "
            "words joined by single hyphens, like `my-topic`."
        )
    return key


def _checked_content(key: str, title: str, aliases: Sequence[str], body: str) -> _Content:
    """The fields as saved: title and aliases trimmed, blank aliases dropped.

    The body is kept exactly as written. The rules are faqdata's, the same
    for curated and server entries, plus one line for a title or an alias.
    Raises InvalidInput naming every problem.
    """
    if isinstance(aliases, str):
        raise TypeError("aliases must be a sequence of strings, not one string")
    title = title.strip()
    kept = [alias.strip() for alias in aliases if alias.strip()]
    problems = validate_fields(key=key, title=title, aliases=kept, body=body)
    for name, text in (("title", title), *(("alias", alias) for alias in kept)):
        if "\n" in text or "\r" in text:
            problems.append(f"the {name} {_clip(text)!r} must be a single line")
    if problems:
        raise InvalidInput(_upper_first("; ".join(problems)) + ".")
    return _Content(title, tuple(kept), body)


def _name_index(shown: Mapping[str, FaqEntry]) -> dict[str, list[tuple[str, str]]]:
    """Every name a user can type (key, title, alias) -> the (entry key, kind) using it."""
    index: dict[str, list[tuple[str, str]]] = {}
    for entry in shown.values():
        for kind, text in _names(entry.key, entry.title, entry.aliases):
            index.setdefault(name_form(text), []).append((entry.key, kind))
    return index


def _names(key: str, title: str, aliases: Iterable[str]) -> list[tuple[str, str]]:
    return [("key", key), ("title", title), *(("alias", alias) for alias in aliases)]


def _find_clash(
    key: str,
    content: _Content,
    index: Mapping[str, list[tuple[str, str]]],
    had: Iterable[FaqEntry | None] = (),
    reported: set[frozenset[str]] | None = None,
) -> str | None:
    """Why `key`'s names clash with another shown entry's key, title or alias, or None.

    A name a user can type must lead to one entry only. Names the key already
    had (`had`: its shown and curated entries) are not held against an edit,
    so curated data can never block one. `reported` collects clashing pairs
    so that each pair is reported once.
    """
    kept = {
        name_form(text)
        for entry in had
        if entry is not None
        for _, text in _names(entry.key, entry.title, entry.aliases)
    }
    for kind, text in _names(key, content.title, content.aliases):
        if name_form(text) in kept:
            continue
        for other_key, other_kind in index.get(name_form(text), ()):
            if other_key == key:
                continue
            if reported is not None:
                pair = frozenset((key, other_key))
                if pair in reported:
                    continue
                reported.add(pair)
            return (
                f"The {kind} “{_clip(text)}” is already used by the entry {_shown(other_key)} "
                f"(as its {other_kind}); each name must lead to one entry."
            )
    return None


async def _check_version_room(conn: aiosqlite.Connection, guild_id: int, count: int) -> None:
    """Raise InvalidInput if `count` more versions would pass the server's limit."""
    rows = await conn.execute_fetchall(
        "SELECT COUNT(*) FROM faq_versions WHERE guild_id = ?", (guild_id,)
    )
    existing = int(next(iter(rows))[0])
    if existing + count > MAX_VERSIONS_PER_GUILD:
        raise InvalidInput(
            f"This server has saved {existing} FAQ versions; the limit is "
            f"{MAX_VERSIONS_PER_GUILD}. Ask the bot's host to archive old history."
        )


# ------------------------------------------------------------------- rows


async def _load_states(conn: aiosqlite.Connection, guild_id: int) -> dict[str, _State]:
    """The latest version of every key of the server, read inside a write transaction."""
    rows = await conn.execute_fetchall(_CURRENT_SQL, (guild_id, guild_id))
    return {state.key: state for state in map(_state_of, rows)}


def _state_of(row: sqlite3.Row) -> _State:
    return _State(
        key=row["key"],
        version=row["version"],
        status=row["status"],
        content=_content_of(row),
        created_at=_parse_time(row["created_at"]),
    )


def _content_of(row: sqlite3.Row) -> _Content | None:
    if row["title"] is None:
        return None
    return _Content(row["title"], tuple(json.loads(row["aliases"])), row["body"])


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# -------------------------------------------------------------- what changed


def _differences(before: _Content, after: _Content) -> list[str]:
    """What changed from `before` to `after`, e.g. ["title changed", "aliases +a −b"]."""
    changes = []
    if before.title != after.title:
        changes.append("title changed")
    added = [alias for alias in after.aliases if alias not in before.aliases]
    removed = [alias for alias in before.aliases if alias not in after.aliases]
    if added or removed:
        parts = [f"+{_clip(alias, 30)}" for alias in added]
        parts += [f"−{_clip(alias, 30)}" for alias in removed]
        changes.append("aliases " + " ".join(parts))
    elif before.aliases != after.aliases:
        changes.append("aliases reordered")
    if before.body != after.body:
        plus = minus = 0
        old_lines, new_lines = before.body.splitlines(), after.body.splitlines()
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                minus += i2 - i1
                plus += j2 - j1
        changes.append(f"body +{plus}/−{minus} lines" if plus or minus else "body whitespace")
    return changes


# ----------------------------------------------------------------- export


class _ExportDumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks, so bodies read as they look."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted style when a literal block cannot hold
    # the text exactly (trailing spaces, special characters), so this is lossless.
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ExportDumper.add_representer(str, _represent_text)


# ----------------------------------------------------------------- import

_YAML_STR = "tag:yaml.org,2002:str"
_YAML_NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENTRY_FIELDS = ("title", "aliases", "body")


def _parse_import(text: str) -> _ImportFile:
    """The file's entries and hidden keys, each checked. Raises InvalidInput listing problems."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        reason = exc.problem or exc.context or "unreadable"
        if exc.context and reason.startswith("but "):  # "expected a single document ..."
            reason = f"{exc.context} {reason}"
        raise InvalidInput(
            f"The file is not valid YAML ({where}{reason}). Nothing was imported."
        ) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"The file is not valid YAML ({exc}). Nothing was imported.") from exc
    except RecursionError as exc:
        raise InvalidInput("The file is nested too deeply to be an FAQ export.") from exc
    if root is None:
        raise InvalidInput("The file is empty. Nothing was imported.")
    if not isinstance(root, yaml.MappingNode):
        raise InvalidInput(
            f"line {_line(root)}: the file should start with `entries:` (and optionally "
            "`format:` and `hidden:`), like a /faqadmin export. Nothing was imported."
        )
    problems: list[str] = []
    entries: list[_ImportEntry] = []
    hidden: list[tuple[str, int]] = []
    seen_fields: set[str] = set()
    for key_node, value_node in root.value:
        field = _scalar(key_node)
        if field in seen_fields:
            problems.append(f"line {_line(key_node)}: `{_clip(field or '?')}` appears twice.")
            continue
        seen_fields.add(field or "")
        if field == "format":
            if _scalar(value_node) != EXPORT_FORMAT:
                problems.append(
                    f"line {_line(value_node)}: the format should be `{EXPORT_FORMAT}`; "
                    "this file comes from something else."
                )
        elif field == "entries":
            entries.extend(_parse_entries(value_node, problems))
        elif field == "hidden":
            hidden.extend(_parse_hidden(value_node, problems))
        else:
            problems.append(
                f"line {_line(key_node)}: unknown field `{_clip(field or '?')}`; "
                "expected `format`, `entries` and `hidden`."
            )
    listed = {item.key: item.line for item in entries}
    for key, line in hidden:
        if key in listed:
            problems.append(
                f"line {line}: {_shown(key)} is both in `hidden` and in `entries` "
                f"(line {listed[key]}); keep one."
            )
    if problems:
        raise InvalidInput(_problems_message(problems))
    return _ImportFile(tuple(entries), tuple(hidden))


def _parse_entries(node: yaml.Node, problems: list[str]) -> list[_ImportEntry]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"line {_line(node)}: `entries` should map each key to its fields.")
        return []
    entries: list[_ImportEntry] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        raw_key = _scalar(key_node)
        line = _line(key_node)
        if raw_key is None:
            problems.append(f"line {line}: an entry's key should be plain text.")
            continue
        where = f"line {line}, entry {_shown(raw_key)}"
        if not KEY_PATTERN.fullmatch(raw_key) or len(raw_key) > KEY_MAX:
            problems.append(
                f"{where}: keys are lowercase letters and digits, words joined by single "
                f"hyphens, at most {KEY_MAX} characters, like `my-topic`."
            )
            continue
        key = raw_key
        if key in seen:
            problems.append(f"{where}: this key appears twice.")
            continue
        seen.add(key)
        if not isinstance(value_node, yaml.MappingNode):
            problems.append(f"{where}: give the entry `title`, `aliases` and `body`.")
            continue
        fields: dict[str, yaml.Node] = {}
        bad = False
        for field_node, field_value in value_node.value:
            field = _scalar(field_node) or "?"
            if field not in _ENTRY_FIELDS:
                problems.append(
                    f"line {_line(field_node)}, entry {_shown(key)}: unknown field "
                    f"`{_clip(field)}`; expected `title`, `aliases` and `body`."
                )
                bad = True
            elif field in fields:
                problems.append(
                    f"line {_line(field_node)}, entry {_shown(key)}: `{field}` appears twice."
                )
                bad = True
            else:
                fields[field] = field_value
        missing = [field for field in ("title", "body") if field not in fields]
        if missing:
            problems.append(f"{where}: `{missing[0]}` is missing.")
            continue
        if bad:
            continue
        title = _text(fields["title"])
        body = _text(fields["body"])
        aliases = _texts(fields["aliases"]) if "aliases" in fields else []
        if title is None or body is None or aliases is None:
            problems.append(
                f"{where}: `title` and `body` should be text, and `aliases` a list of text."
            )
            continue
        try:
            content = _checked_content(key, title, aliases, body)
        except InvalidInput as exc:
            problems.append(f"{where}: {_lower_first(exc.message)}")
            continue
        entries.append(_ImportEntry(key, content, line))
    return entries


def _parse_hidden(node: yaml.Node, problems: list[str]) -> list[tuple[str, int]]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(f"line {_line(node)}: `hidden` should be a list of keys.")
        return []
    hidden: list[tuple[str, int]] = []
    seen: set[str] = set()
    for item in node.value:
        key = _scalar(item)
        if key is None or not KEY_PATTERN.fullmatch(key) or len(key) > KEY_MAX:
            problems.append(f"line {_line(item)}: `hidden` should list keys like `my-topic`.")
        elif key not in seen:
            seen.add(key)
            hidden.append((key, _line(item)))
    return hidden


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _YAML_NULL


def _scalar(node: yaml.Node) -> str | None:
    """A scalar's text exactly as written (no type conversion), or None."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def _text(node: yaml.Node) -> str | None:
    """A text field: "" for an empty value, None if it is not a single value."""
    if _is_null(node):
        return ""
    return _scalar(node)


def _texts(node: yaml.Node) -> list[str] | None:
    """A list of text (an empty value is an empty list), or None."""
    if _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        return None
    texts = [_text(item) for item in node.value]
    return None if any(text is None for text in texts) else [t for t in texts if t is not None]


# ----------------------------------------------------------------- messages


def _problems_message(problems: Sequence[str]) -> str:
    shown = "\n".join(f"• {problem}" for problem in problems[:_PROBLEMS_SHOWN])
    more = len(problems) - _PROBLEMS_SHOWN
    tail = f"\n… and {more} more." if more > 0 else ""
    return f"Nothing was imported; fix the file and try again:\n{shown}{tail}"


def _upper_first(message: str) -> str:
    return message[:1].upper() + message[1:]


def _lower_first(message: str) -> str:
    """A sentence continued after a colon."""
    return message[:1].lower() + message[1:]


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(key: str) -> str:
    """A key as quoted in a message: in backticks if valid, else quoted and clipped."""
    if KEY_PATTERN.fullmatch(key) and len(key) <= KEY_MAX:
        return f"`{key}`"
    return f"“{_clip(key.replace('`', ''), 40)}”"


__all__ = [
    "EXPORT_FORMAT",
    "IMPORT_MAX_BYTES",
    "MAX_ENTRIES_PER_GUILD",
    "MAX_VERSIONS_PER_GUILD",
    "FaqStore",
    "FaqVersion",
    "ImportResult",
]
