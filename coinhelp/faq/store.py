"""Each server's view of the FAQ: the curated entries merged with its own edits.

Moderators can override a curated entry's text, hide a curated entry, and add
their own (custom) entries. The curated files are never written; every edit
is a new version (coinhelp.faq.versions), and what a server shows is the
curated entries merged with the latest version of each of its keys.

Errors (all `UserError`, keys "faq.<name>", worded in templates/errors/faq.j2):

    NotFound      unknown key or version in this server
    InvalidInput  a field too long or empty, a bad key, a bad import file,
                  a server at its limits
    Conflict      the edit clashes with the current state: a name already
                  taken by another entry, nothing to reset, nothing changed

Reads (`entries`, `get`, `matcher`) are on the hot path of every /faq, /ask
and autocomplete, so each server's merged view is cached in memory and
dropped whenever that server writes; a server without edits shares the
curated view and its matcher (bench/commands.py times the commands on it).

Export and import (file shape in coinhelp.faq.transfer): the whole file is
checked before anything is written, and everything is written in one
transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import Conflict, InvalidInput, NotFound
from coinhelp.faq.entries import EntryText, FaqEntry, checked_key, checked_text, normal_key
from coinhelp.faq.names import Clash, NameIndex
from coinhelp.faq.transfer import (
    ImportProblem,
    export_text,
    import_refused,
    import_text,
    parse_import,
)
from coinhelp.faq.versions import (
    FaqVersion,
    State,
    Status,
    append_version,
    check_version_room,
    load_states,
    load_version,
    read_last_text,
    read_states,
    read_versions,
)
from coinhelp.matching.matcher import Matcher

log = logging.getLogger(__name__)

# A server may have at most this many keys in effect (overrides, custom
# entries and hidden curated entries), so no server can bloat the database.
MAX_ENTRIES_PER_GUILD = 500


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, as the keys in each group."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    hidden: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(slots=True)
class _GuildView:
    entries: Mapping[str, FaqEntry]
    states: Mapping[str, State]
    matcher: Matcher | None = None


class FaqStore:
    """Each server's FAQ: curated entries merged with that server's versions."""

    def __init__(
        self,
        db: Database,
        curated: Mapping[str, FaqEntry],
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._db = db
        self._curated = dict(curated)
        self._clock = clock
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
        entry = entries.get(normal_key(key))
        if entry is None:
            raise NotFound("faq.not_found", key=key)
        return entry

    async def matcher(self, guild_id: int) -> Matcher:
        """The matcher over the server's entries (cached; rebuilt after an edit)."""
        view = await self._view(guild_id)
        if view.entries is self._curated_view.entries:
            view = self._curated_view  # a server showing the curated entries shares their matcher
        if view.matcher is None:
            view.matcher = Matcher(view.entries.values())
        return view.matcher

    async def admin_keys(
        self, guild_id: int, typed: str = "", *, limit: int | None = None
    ) -> tuple[str, ...]:
        """Every key a moderator can act on: shown, hidden and deleted ones.

        Sorted; with `typed`, only keys containing it, those starting with it
        first (what /faqadmin autocomplete offers), at most `limit` of them.
        """
        view = await self._view(guild_id)
        keys = sorted({*self._curated, *view.states})
        wanted = normal_key(typed)
        if wanted:
            starts = [key for key in keys if key.startswith(wanted)]
            keys = starts + [key for key in keys if wanted in key and not key.startswith(wanted)]
        return tuple(keys[:limit])

    async def draft(self, guild_id: int, key: str) -> FaqEntry | None:
        """The text an edit of `key` should start from, or None for a new key.

        The shown entry if there is one, else the last text the key had here
        (a hidden override, a deleted custom entry), else the curated text.
        Raises InvalidInput for a key that is not a valid key.
        """
        key = checked_key(key)
        view = await self._view(guild_id)
        if key in view.entries:
            return view.entries[key]
        state = view.states.get(key)
        if state is not None and (state.status != "curated" or key not in self._curated):
            last = await read_last_text(self._db, guild_id, key)
            if last is not None:
                return self._entry(key, *last)
        return self._curated.get(key)

    async def history(self, guild_id: int, key: str) -> list[FaqVersion]:
        """The server's versions of `key`, newest first (empty for an unedited curated key).

        Raises NotFound for a key that is neither curated nor was ever used here.
        """
        key = normal_key(key)
        versions = await read_versions(self._db, guild_id, key, self._curated.get(key))
        if not versions and key not in self._curated:
            raise NotFound("faq.not_found", key=key)
        return versions[::-1]

    async def export_yaml(self, guild_id: int, *, header: str = "") -> str:
        """The server's overrides, custom entries and hidden keys as YAML.

        `header` (comment lines, templates/faq/export_header.j2) goes first.
        """
        return export_text(await read_states(self._db, guild_id), self._curated, header)

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
        key = checked_key(key)
        text = checked_text(key, title, aliases, body)
        async with self._db.write() as conn:
            states = await load_states(conn, guild_id)
            current = states.get(key)
            if current is not None and current.text == text:
                raise Conflict("faq.no_change", key=key)
            after = {**states, key: State(key, 0, "edited", text, self._clock())}
            clash = next(self._clashes(key, text, states, after), None)
            if clash is not None:
                raise Conflict("faq.name_taken", clash=clash)
            self._check_room(states, after)
            await check_version_room(conn, guild_id, 1)
            version = await append_version(
                conn, guild_id, key, current, "set", "edited", text, editor_id, self._clock()
            )
        self._invalidate(guild_id)
        log.info("faq: server %d set %s to version %d by %d", guild_id, key, version, editor_id)
        return await self._saved(guild_id, key, version)

    async def remove(self, guild_id: int, key: str, *, editor_id: int) -> FaqVersion:
        """Hide a curated entry, or delete a custom one, in this server.

        Raises NotFound (no such entry) and Conflict (already hidden).
        """
        key = normal_key(key)
        async with self._db.write() as conn:
            states = await load_states(conn, guild_id)
            current = states.get(key)
            if key not in self._merge(states):
                if key in self._curated:
                    raise Conflict("faq.already_hidden", key=key)
                raise NotFound("faq.not_found", key=key)
            await check_version_room(conn, guild_id, 1)
            version = await append_version(
                conn, guild_id, key, current, "remove", "hidden", None, editor_id, self._clock()
            )
        self._invalidate(guild_id)
        log.info("faq: server %d removed %s (version %d) by %d", guild_id, key, version, editor_id)
        return await self._saved(guild_id, key, version)

    async def reset(self, guild_id: int, key: str, *, editor_id: int) -> FaqVersion:
        """Drop the server's override or hiding of a curated entry.

        Raises NotFound (unknown key) and Conflict (a custom entry, which has
        no curated text, or an entry already showing the curated text).
        """
        key = normal_key(key)
        async with self._db.write() as conn:
            states = await load_states(conn, guild_id)
            current = states.get(key)
            if key not in self._curated:
                if current is None:
                    raise NotFound("faq.not_found", key=key)
                raise Conflict("faq.no_curated_text", key=key)
            if current is None or current.status == "curated":
                raise Conflict("faq.already_curated", key=key)
            await check_version_room(conn, guild_id, 1)
            version = await append_version(
                conn, guild_id, key, current, "reset", "curated", None, editor_id, self._clock()
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
        key = normal_key(key)
        async with self._db.write() as conn:
            target = await load_version(conn, guild_id, key, version)
            states = await load_states(conn, guild_id)
            current = states.get(key)
            if current is None:
                raise NotFound("faq.no_versions", key=key)
            if target is None:
                raise NotFound(
                    "faq.no_such_version", key=key, version=version, latest=current.version
                )
            status, text = target
            if current.status == status and current.text == text:
                raise Conflict("faq.already_shown", key=key, version=version)
            after = {**states, key: State(key, 0, status, text, self._clock())}
            if text is not None:
                clash = next(self._clashes(key, text, states, after), None)
                if clash is not None:
                    raise Conflict("faq.revert_name_taken", version=version, clash=clash)
            self._check_room(states, after)
            await check_version_room(conn, guild_id, 1)
            new_version = await append_version(
                conn,
                guild_id,
                key,
                current,
                "revert",
                status,
                text,
                editor_id,
                self._clock(),
                version,
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

    async def import_yaml(
        self, guild_id: int, data: str | bytes, *, editor_id: int
    ) -> ImportResult:
        """Load an export file (coinhelp.faq.transfer): all of it, or nothing.

        Bytes are read as UTF-8. Raises InvalidInput: too big, not UTF-8, not
        YAML, not the export's shape, or "faq.import_problems" with every
        problem found (line and reason): bad fields, names taken by other
        entries, keys that are not entries here. Also the server's limits.
        """
        parsed = await asyncio.to_thread(lambda: parse_import(import_text(data)))
        added: list[str] = []
        changed: list[str] = []
        hidden: list[str] = []
        unchanged: list[str] = []
        async with self._db.write() as conn:
            now = self._clock()  # one moment for the whole file
            states = await load_states(conn, guild_id)
            before = self._merge(states)
            after = dict(states)
            writes: list[tuple[str, Status, EntryText | None]] = []
            problems: list[ImportProblem] = []
            for item in parsed.entries:
                current = states.get(item.key)
                if current is not None and current.text == item.text:
                    unchanged.append(item.key)
                    continue
                if item.key in self._curated or item.key in before:
                    changed.append(item.key)
                else:
                    added.append(item.key)
                writes.append((item.key, "edited", item.text))
                after[item.key] = State(item.key, 0, "edited", item.text, now)
            for key, line in parsed.hidden:
                if key in before:
                    hidden.append(key)
                    writes.append((key, "hidden", None))
                    after[key] = State(key, 0, "hidden", None, now)
                elif key in self._curated or key in states:
                    unchanged.append(key)  # already hidden or deleted
                else:
                    problems.append(ImportProblem(line, None, "hidden_unknown", {"key": key}))
            self._check_room(states, after)
            await check_version_room(conn, guild_id, len(writes))
            names = NameIndex(self._merge(after).values())
            reported: set[frozenset[str]] = set()  # each clashing pair once
            written = {key for key, status, _ in writes if status == "edited"}
            for item in parsed.entries:
                if item.key not in written:
                    continue
                had = (before.get(item.key), self._curated.get(item.key))
                for clash in names.clashes(item.key, item.text.title, item.text.aliases, had=had):
                    pair = frozenset((item.key, clash.other_key))
                    if pair not in reported:
                        reported.add(pair)
                        problems.append(
                            ImportProblem(item.line, item.key, "name_clash", {"clash": clash})
                        )
                        break
            if problems:
                raise import_refused(problems)
            for key, status, text in writes:
                await append_version(
                    conn, guild_id, key, states.get(key), "import", status, text, editor_id, now
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
        states = await read_states(self._db, guild_id)
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

    def _merge(self, states: Mapping[str, State]) -> dict[str, FaqEntry]:
        """The entries shown given these latest versions: curated order, then custom by key."""
        merged: dict[str, FaqEntry] = {}
        for key, curated in self._curated.items():
            state = states.get(key)
            if state is None or state.status == "curated":
                merged[key] = curated
            elif state.text is not None:
                merged[key] = self._entry(key, state.text, state.created_at)
        for key in sorted(states.keys() - self._curated.keys()):
            state = states[key]
            if state.text is not None:
                merged[key] = self._entry(key, state.text, state.created_at)
        return merged

    def _entry(self, key: str, text: EntryText, edited: dt.datetime) -> FaqEntry:
        """A server's own text as an entry.

        An override keeps the curated keywords (they still describe the topic,
        and help /ask) but not the sources: those back the curated text, not
        the moderator's.
        """
        curated = self._curated.get(key)
        return FaqEntry(
            key=key,
            title=text.title,
            aliases=text.aliases,
            keywords=curated.keywords if curated is not None else (),
            body=text.body,
            sources=(),
            checked=edited.date(),
            origin="override" if curated is not None else "custom",
            # The topic is the same, so the questions people ask about it still apply.
            examples=curated.examples if curated is not None else (),
        )

    def _clashes(
        self, key: str, text: EntryText, before: Mapping[str, State], after: Mapping[str, State]
    ) -> Iterator[Clash]:
        """The names of `text` that another entry shows once `after` is saved.

        Names the key had before (shown or curated) never count against it.
        """
        had = (self._merge(before).get(key), self._curated.get(key))
        names = NameIndex(self._merge(after).values())
        return names.clashes(key, text.title, text.aliases, had=had)

    def _check_room(self, before: Mapping[str, State], after: Mapping[str, State]) -> None:
        """Raise InvalidInput if going from `before` to `after` passes the server's entry limit.

        Counts the keys in effect (overrides, custom entries, hidden curated
        entries); an edit that does not add one is always allowed.
        """
        in_effect = self._in_effect(after)
        if in_effect > MAX_ENTRIES_PER_GUILD and in_effect > self._in_effect(before):
            raise InvalidInput("faq.too_many_entries", count=in_effect, limit=MAX_ENTRIES_PER_GUILD)

    def _in_effect(self, states: Mapping[str, State]) -> int:
        return sum(
            1
            for key, state in states.items()
            if state.status == "edited" or (state.status == "hidden" and key in self._curated)
        )

    async def _saved(self, guild_id: int, key: str, version: int) -> FaqVersion:
        """The version just written, with what it changed."""
        for saved in await self.history(guild_id, key):
            if saved.version == version:
                return saved
        raise AssertionError(f"version {version} of {key} was written but cannot be read")
