"""Each server's view of the FAQ, in each language: the curated entries merged with its edits.

Moderators can override a curated entry's text, hide a curated entry, and add
their own (custom) entries, in each language on its own. The curated files
are never written; every edit is a new version of one language's text
(coinhelp.faq.versions), and what a server shows in a language follows the
rule in coinhelp.faq.shown (its own text, else the curated one, else another
language's, marked as a fallback).

Errors (all `UserError`, keys "faq.<name>", worded in templates/errors/faq.j2):

    NotFound      unknown key or version in this server
    InvalidInput  a field too long or empty, a bad key, a bad import file,
                  a server at its limits
    Conflict      the edit clashes with the current state: a name already
                  taken by another entry, nothing to reset, nothing changed

Reads (`entries`, `get`, `matcher`) are on the hot path of every /faq, /ask
and autocomplete, so each server's states and its view in each language are
cached in memory and dropped (every language) whenever that server writes;
a server without edits shares the curated view and its matcher of each
language (bench/commands.py times the commands on it).

Export and import (file shape in coinhelp.faq.transfer): the whole file is
checked before anything is written, and everything is written in one
transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import aiosqlite

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import Conflict, NotFound
from coinhelp.faq.curated import Curated
from coinhelp.faq.edits import (
    ImportResult,
    check_room,
    name_clashes,
    plan_import,
    with_states,
)
from coinhelp.faq.entries import EntryText, FaqEntry, checked_key, checked_text, normal_key
from coinhelp.faq.shown import curated_entry, server_entry, shown_entries
from coinhelp.faq.transfer import export_text, import_refused, import_text, parse_import
from coinhelp.faq.versions import (
    Action,
    FaqVersion,
    State,
    States,
    Status,
    append_version,
    check_version_room,
    load_states,
    load_version,
    read_last_text,
    read_states,
    read_versions,
)
from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES
from coinhelp.matching.matcher import Matcher

log = logging.getLogger(__name__)

# A server may have at most this many keys in effect (overrides, custom
# entries and hidden curated entries, in any language), so no server can
# bloat the database.
MAX_ENTRIES_PER_GUILD = 500


@dataclass(slots=True)
class _View:
    """A server's entries in one language, the states they come from, their matcher."""

    entries: Mapping[str, FaqEntry]
    states: Mapping[str, State]
    matcher: Matcher | None = None


_NO_STATES: Mapping[str, State] = MappingProxyType({})


class FaqStore:
    """Each server's FAQ in each language: curated entries merged with that server's versions."""

    def __init__(
        self,
        db: Database,
        curated: Curated,
        *,
        clock: Clock = utc_now,
        max_entries: int = MAX_ENTRIES_PER_GUILD,
    ) -> None:
        """`max_entries`: how many changed, hidden or own entries a server may have."""
        if DEFAULT_LANGUAGE not in curated:
            raise ValueError("the curated entries must include English")
        self._db = db
        self._curated_by_language: Curated = {
            language: MappingProxyType(dict(entries)) for language, entries in curated.items()
        }
        # The English entries: their keys are the curated keys (every language has the same).
        self._curated = self._curated_by_language[DEFAULT_LANGUAGE]
        self._clock = clock
        self._max_entries = max_entries
        self._curated_views = {
            language: _View(
                MappingProxyType(shown_entries(self._curated_by_language, {}, language)), _NO_STATES
            )
            for language in LANGUAGES
        }
        self._states: dict[int, States] = {}
        self._views: dict[tuple[int, str], _View] = {}
        # Bumped after every write of a server, so a read that started before
        # the write cannot put the old view back into the cache.
        self._generations: dict[int, int] = {}

    def build_curated_matchers(self) -> None:
        """Build the matcher of the curated entries in every language now, rather
        than on each language's first question (where the build holds up the
        interactions waiting behind it, once). Servers without edits share these.
        The benchmark calls it to measure a bot past its first questions."""
        for language, view in self._curated_views.items():
            if view.matcher is None:
                view.matcher = Matcher(view.entries.values(), language)

    # ------------------------------------------------------------------ reads

    async def entries(
        self, guild_id: int, language: str = DEFAULT_LANGUAGE
    ) -> Mapping[str, FaqEntry]:
        """Every entry the server shows in `language`, by key (read-only; cached)."""
        return (await self._view(guild_id, language)).entries

    async def get(self, guild_id: int, key: str, language: str = DEFAULT_LANGUAGE) -> FaqEntry:
        """The entry the server shows for `key` in `language`. Raises NotFound."""
        entries = await self.entries(guild_id, language)
        entry = entries.get(normal_key(key))
        if entry is None:
            raise NotFound("faq.not_found", key=key)
        return entry

    async def matcher(self, guild_id: int, language: str = DEFAULT_LANGUAGE) -> Matcher:
        """The matcher over the server's entries in `language` (cached; rebuilt after an edit)."""
        view = await self._view(guild_id, language)
        curated_view = self._curated_views[language]
        if view.entries is curated_view.entries:
            view = curated_view  # a server showing the curated entries shares their matcher
        if view.matcher is None:
            view.matcher = Matcher(view.entries.values(), language)
        return view.matcher

    async def admin_keys(
        self, guild_id: int, typed: str = "", *, limit: int | None = None
    ) -> tuple[str, ...]:
        """Every key a moderator can act on, in any language: shown, hidden and deleted ones.

        Sorted; with `typed`, only keys containing it, those starting with it
        first (what /faqadmin autocomplete offers), at most `limit` of them.
        """
        states = await self._guild_states(guild_id)
        keys = sorted({*self._curated, *(key for by_key in states.values() for key in by_key)})
        wanted = normal_key(typed)
        if wanted:
            starts = [key for key in keys if key.startswith(wanted)]
            keys = starts + [key for key in keys if wanted in key and not key.startswith(wanted)]
        return tuple(keys[:limit])

    async def draft(
        self, guild_id: int, key: str, language: str = DEFAULT_LANGUAGE
    ) -> FaqEntry | None:
        """The text an edit of `key` in `language` should start from, or None for a new key.

        The shown entry if there is one (another language's text, when it has
        none of its own), else the last text the key had here in `language` (a
        hidden override, a deleted custom entry), else the curated text.
        Raises InvalidInput for a key that is not a valid key.
        """
        key = checked_key(key)
        view = await self._view(guild_id, language)
        if key in view.entries:
            return view.entries[key]
        state = view.states.get(key)
        if state is not None and (state.status != "curated" or key not in self._curated):
            last = await read_last_text(self._db, guild_id, key, language)
            if last is not None:
                return server_entry(self._curated_by_language, key, language, *last)
        return curated_entry(self._curated_by_language, key, language)

    async def history(
        self, guild_id: int, key: str, language: str = DEFAULT_LANGUAGE
    ) -> list[FaqVersion]:
        """The server's versions of `key` in `language`, newest first (empty for a text
        never edited there).

        Raises NotFound for a key that is neither curated nor was ever used here.
        """
        key = normal_key(key)
        _check_language(language)
        curated = curated_entry(self._curated_by_language, key, language)
        versions = await read_versions(self._db, guild_id, key, language, curated)
        if not versions and curated is None:
            states = await self._guild_states(guild_id)
            if not any(key in by_key for by_key in states.values()):
                raise NotFound("faq.not_found", key=key)
        return versions[::-1]

    async def export_yaml(self, guild_id: int, *, header: str = "") -> str:
        """The server's overrides, custom entries and hidden keys, in every language, as YAML.

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
        language: str = DEFAULT_LANGUAGE,
    ) -> FaqVersion:
        """Save new text for `key` in `language`: an override of a curated entry, or a
        custom entry.

        Raises InvalidInput (bad key or field, server at its limits) and
        Conflict (a name taken by another entry, or no change at all).
        """
        key = checked_key(key)
        _check_language(language)
        text = checked_text(key, title, aliases, body)
        async with self._db.write() as conn:
            states = await load_states(conn, guild_id)
            current = states.get(language, {}).get(key)
            if current is not None and current.text == text:
                raise Conflict("faq.no_change", key=key)
            after = with_states(states, State(key, language, 0, "edited", text, self._clock()))
            clash = next(
                name_clashes(self._curated_by_language, key, language, text, states, after), None
            )
            if clash is not None:
                raise Conflict("faq.name_taken", clash=clash)
            check_room(self._curated, states, after, self._max_entries)
            version = await self._append(
                conn, guild_id, key, language, current, "set", "edited", text, editor_id
            )
        return await self._written(guild_id, key, language, version, editor_id)

    async def remove(
        self, guild_id: int, key: str, *, editor_id: int, language: str = DEFAULT_LANGUAGE
    ) -> FaqVersion:
        """Hide a curated entry, or delete a custom one, in this server, in `language` only.

        Raises NotFound (no such entry) and Conflict (already hidden).
        """
        key = normal_key(key)
        _check_language(language)
        async with self._db.write() as conn:
            states = await load_states(conn, guild_id)
            current = states.get(language, {}).get(key)
            if key not in shown_entries(self._curated_by_language, states, language):
                if key in self._curated:
                    raise Conflict("faq.already_hidden", key=key)
                raise NotFound("faq.not_found", key=key)
            version = await self._append(
                conn, guild_id, key, language, current, "remove", "hidden", None, editor_id
            )
        return await self._written(guild_id, key, language, version, editor_id)

    async def reset(
        self, guild_id: int, key: str, *, editor_id: int, language: str = DEFAULT_LANGUAGE
    ) -> FaqVersion:
        """Drop the server's override or hiding of a curated entry in `language`.

        Raises NotFound (unknown key) and Conflict (a custom entry, which has
        no curated text, or an entry already showing the curated text).
        """
        key = normal_key(key)
        _check_language(language)
        async with self._db.write() as conn:
            states = await load_states(conn, guild_id)
            current = states.get(language, {}).get(key)
            if key not in self._curated:
                if not any(key in by_key for by_key in states.values()):
                    raise NotFound("faq.not_found", key=key)
                raise Conflict("faq.no_curated_text", key=key)
            if current is None or current.status == "curated":
                raise Conflict("faq.already_curated", key=key)
            version = await self._append(
                conn, guild_id, key, language, current, "reset", "curated", None, editor_id
            )
        return await self._written(guild_id, key, language, version, editor_id)

    async def revert(
        self,
        guild_id: int,
        key: str,
        version: int,
        *,
        editor_id: int,
        language: str = DEFAULT_LANGUAGE,
    ) -> FaqVersion:
        """Restore what version `version` of `key` in `language` showed, as a new version.

        Raises NotFound (unknown key or version in this server), Conflict
        (that is already what the server shows, or its names are now taken)
        and InvalidInput (the server is at its limits).
        """
        key = normal_key(key)
        _check_language(language)
        async with self._db.write() as conn:
            target = await load_version(conn, guild_id, key, language, version)
            states = await load_states(conn, guild_id)
            current = states.get(language, {}).get(key)
            if current is None:
                raise NotFound("faq.no_versions", key=key)
            if target is None:
                raise NotFound(
                    "faq.no_such_version", key=key, version=version, latest=current.version
                )
            status, text = target
            if current.status == status and current.text == text:
                raise Conflict("faq.already_shown", key=key, version=version)
            after = with_states(states, State(key, language, 0, status, text, self._clock()))
            if text is not None:
                clash = next(
                    name_clashes(self._curated_by_language, key, language, text, states, after),
                    None,
                )
                if clash is not None:
                    raise Conflict("faq.revert_name_taken", version=version, clash=clash)
            check_room(self._curated, states, after, self._max_entries)
            new_version = await self._append(
                conn, guild_id, key, language, current, "revert", status, text, editor_id, version
            )
        return await self._written(guild_id, key, language, new_version, editor_id)

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
        async with self._db.write() as conn:
            now = self._clock()  # one moment for the whole file
            states = await load_states(conn, guild_id)
            plan = plan_import(self._curated_by_language, states, parsed, now)
            check_room(self._curated, states, plan.after, self._max_entries)
            await check_version_room(conn, guild_id, len(plan.writes))
            if plan.problems:
                raise import_refused(list(plan.problems))
            for write in plan.writes:
                await append_version(
                    conn,
                    guild_id,
                    write.key,
                    write.language,
                    states.get(write.language, {}).get(write.key),
                    "import",
                    write.status,
                    write.text,
                    editor_id,
                    now,
                )
        self._invalidate(guild_id)
        result = plan.result
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

    async def _guild_states(self, guild_id: int) -> States:
        """The server's latest versions (cached until it writes)."""
        states = self._states.get(guild_id)
        if states is None:
            generation = self._generations.get(guild_id, 0)
            states = await read_states(self._db, guild_id)
            if self._generations.get(guild_id, 0) == generation:
                self._states[guild_id] = states
        return states

    async def _view(self, guild_id: int, language: str) -> _View:
        view = self._views.get((guild_id, language))
        if view is not None:
            return view
        _check_language(language)
        generation = self._generations.get(guild_id, 0)
        states = await self._guild_states(guild_id)
        curated_view = self._curated_views[language]
        own_states = MappingProxyType(states.get(language, {}))
        if not states:
            view = curated_view
        elif all(s.status == "curated" for by_key in states.values() for s in by_key.values()):
            # Only resets: the curated entries (and matcher, see matcher()).
            view = _View(curated_view.entries, own_states)
        else:
            view = _View(MappingProxyType(self._shown(states, language)), own_states)
        if self._generations.get(guild_id, 0) == generation:
            self._views[(guild_id, language)] = view
        return view

    def _invalidate(self, guild_id: int) -> None:
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._states.pop(guild_id, None)
        for language in LANGUAGES:
            self._views.pop((guild_id, language), None)

    def _shown(self, states: States, language: str) -> dict[str, FaqEntry]:
        return shown_entries(self._curated_by_language, states, language)

    async def _append(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        key: str,
        language: str,
        current: State | None,
        action: Action,
        status: Status,
        text: EntryText | None,
        editor_id: int,
        reverted_from: int | None = None,
    ) -> int:
        """One new version of one text, if the server has room for it; its number."""
        await check_version_room(conn, guild_id, 1)
        return await append_version(
            conn,
            guild_id,
            key,
            language,
            current,
            action,
            status,
            text,
            editor_id,
            self._clock(),
            reverted_from,
        )

    async def _written(
        self, guild_id: int, key: str, language: str, version: int, editor_id: int
    ) -> FaqVersion:
        """After a write: the server's views are stale; the version just written,
        with what it changed, logged."""
        self._invalidate(guild_id)
        for saved in await self.history(guild_id, key, language):
            if saved.version == version:
                log.info(
                    "faq: server %d %s %s (%s): version %d by %d",
                    guild_id,
                    saved.action,
                    key,
                    language,
                    version,
                    editor_id,
                    extra={"guild_id": guild_id},
                )
                return saved
        raise AssertionError(
            f"version {version} of {key} ({language}) was written but cannot be read"
        )


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
