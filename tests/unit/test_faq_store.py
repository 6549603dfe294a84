"""FaqStore: each server's FAQ, as moderators edit it and members read it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from coinhelp.db import Database
from coinhelp.errors import Conflict, InvalidInput, NotFound, UserError
from coinhelp.faq.edits import ImportResult, TextRef
from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.store import FaqStore
from coinhelp.faq.transfer import IMPORT_MAX_BYTES
from coinhelp.faq.versions import FaqVersion
from coinhelp.render import Renderer

GUILD_A = 111
GUILD_B = 222
MOD = 9001
OTHER_MOD = 9002
EDIT_TIME = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def entry(key: str, title: str, *aliases: str, body: str = "Curated answer.") -> FaqEntry:
    return FaqEntry(
        key=key,
        title=title,
        aliases=aliases,
        keywords=(key.replace("-", " "),),
        body=body,
        sources=(f"https://example.com/{key}",),
        checked=dt.date(2025, 1, 1),
    )


CURATED = {
    "refund": entry(
        "refund",
        "Can I get my coins refunded?",
        "money back",
        body="Line one.\nLine two.\nLine three.",
    ),
    "scams": entry("scams", "Spotting coin scams", "free coins", "coin-generator"),
    "recharge-app": entry("recharge-app", "Buying coins in the app", "buy coins"),
}

# Everything a moderator might paste that a template engine would act on.
TRICKY_BODY = (
    "{{ 7*7 }} and {% for x in range(3) %}{{ x }}{% endfor %} {# note #}\n"
    "{{ ''.__class__.__mro__ }} ${HOME} %(name)s <@&123> @everyone\n"
    "  indented line with trailing spaces   \n"
    "\ttabbed: key: value # not a comment\r\n"
    "- not a list\n"
    "| not a block\n"
    "emoji 🎁 and “quotes” and 'single' and \"double\" and \\backslash\n\n"
)


RENDERER = Renderer()


def en(key: str) -> TextRef:
    """The English text of `key`, as an import reports it."""
    return TextRef(key, "en")


@pytest.fixture
def store(db: Database) -> FaqStore:
    return FaqStore(db, {"en": CURATED}, clock=lambda: EDIT_TIME)


@contextlib.contextmanager
def refused(error: type[UserError], words: str) -> Iterator[pytest.ExceptionInfo[UserError]]:
    """Like pytest.raises(error, match=words), matching the sentence the user reads."""
    with pytest.raises(error) as raised:
        yield raised
    said = RENDERER.error(raised.value)
    assert re.search(words, said), said


def changes(version: FaqVersion) -> tuple[str, ...]:
    """What /faqadmin history says the version changed, one phrase per change."""
    phrases = RENDERER.template("faq/_macros.j2").module
    return tuple(str(getattr(phrases, c.key)(**c.params)) for c in version.changes)


def summary(version: FaqVersion) -> str:
    return "; ".join(changes(version))


async def set_entry(
    store: FaqStore,
    key: str,
    *,
    guild: int = GUILD_A,
    title: str = "A title",
    aliases: tuple[str, ...] = (),
    body: str = "A body.",
    editor: int = MOD,
) -> FaqVersion:
    return await store.set(guild, key, title=title, aliases=aliases, body=body, editor_id=editor)


async def version_count(db: Database) -> int:
    row = await db.lookup_one("SELECT COUNT(*) FROM faq_texts")
    assert row is not None
    return int(row[0])


# --------------------------------------------------------------- reading


async def test_a_server_without_edits_sees_the_curated_faq(store: FaqStore) -> None:
    entries = await store.entries(GUILD_A)
    assert dict(entries) == CURATED
    assert await store.get(GUILD_A, "Refund ") == CURATED["refund"]
    assert await store.matcher(GUILD_A) is await store.matcher(GUILD_B)


async def test_an_unknown_key_is_not_found_with_a_readable_message(store: FaqStore) -> None:
    with refused(NotFound, "no FAQ entry `nope` in this server"):
        await store.get(GUILD_A, "nope")
    with refused(NotFound, "no FAQ entry “How do I get coins” in"):
        await store.get(GUILD_A, "How do I get `coins`")


# --------------------------------------------------------------- set


async def test_set_overrides_a_curated_entry_in_that_server_only(store: FaqStore) -> None:
    saved = await set_entry(
        store, "refund", title="Refunds here", aliases=("money back",), body="Ask a mod."
    )

    assert (saved.version, saved.action, saved.status, saved.editor_id) == (1, "set", "edited", MOD)
    shown = await store.get(GUILD_A, "refund")
    assert (shown.title, shown.body, shown.origin) == ("Refunds here", "Ask a mod.", "override")
    assert shown.checked == EDIT_TIME.date()
    assert shown.keywords == CURATED["refund"].keywords  # still helps /ask find it
    assert shown.sources == ()  # the curated sources back the curated text only
    assert await store.get(GUILD_B, "refund") == CURATED["refund"]


async def test_set_adds_a_custom_entry_after_the_curated_ones(store: FaqStore) -> None:
    await set_entry(store, "VIP-Perks", title="VIP perks", aliases=("vip", " ", "perks"))

    entries = await store.entries(GUILD_A)
    assert list(entries) == [*CURATED, "vip-perks"]
    custom = entries["vip-perks"]
    assert (custom.origin, custom.aliases, custom.keywords) == ("custom", ("vip", "perks"), ())
    assert "vip-perks" not in await store.entries(GUILD_B)


async def test_saving_the_same_text_again_is_refused_as_no_change(store: FaqStore) -> None:
    await set_entry(store, "vip", body="Same.")
    with refused(Conflict, "Nothing changed"):
        await set_entry(store, "vip", body="Same.")


@pytest.mark.parametrize(
    ("key", "fields", "message"),
    [
        ("Bad Key", {}, "not a valid key"),
        ("a--b", {}, "not a valid key"),
        ("", {}, "key is empty"),
        ("k" * 51, {}, "limit is 50"),
        ("ok", {"title": "  "}, "Field 'title' is empty"),
        ("ok", {"title": "t" * 257}, "257 characters long; the limit is 256"),
        ("ok", {"title": "two\nlines"}, "The title 'two\\nlines' must be a single line"),
        ("ok", {"body": " \n "}, "Field 'body' is empty"),
        ("ok", {"body": "b" * 4001}, "4001 characters long; the limit is 4000"),
        ("ok", {"aliases": tuple(f"a{i}" for i in range(11))}, "has 11 items; the limit is 10"),
        ("ok", {"aliases": ("a" * 101,)}, "limit is 100"),
        ("ok", {"aliases": ("Same", " same ")}, "Field 'aliases' lists 'same' twice"),
    ],
)
async def test_bad_fields_are_refused_and_nothing_is_saved(
    store: FaqStore, db: Database, key: str, fields: dict[str, Any], message: str
) -> None:
    with refused(InvalidInput, re.escape(message)):
        await set_entry(store, key, **fields)
    assert await version_count(db) == 0
    assert dict(await store.entries(GUILD_A)) == CURATED


async def test_limits_are_inclusive(store: FaqStore) -> None:
    key = "k" * 50
    await set_entry(
        store, key, title="t" * 256, aliases=tuple(f"{i}" * 100 for i in range(10)), body="b" * 4000
    )
    assert len((await store.get(GUILD_A, key)).aliases) == 10


@pytest.mark.parametrize(
    ("key", "title", "aliases", "taken"),
    [
        (
            "vip",
            "VIP",
            ("FREE  coins",),
            "alias “FREE  coins” is already used by the entry `scams`",
        ),
        ("vip", "VIP", ("scams",), "alias “scams” is already used by the entry `scams`"),
        ("coin-generator", "Gen", (), "key “coin-generator” is already used by the entry `scams`"),
        (
            "vip",
            "VIP",
            ("Money  BACK",),
            "alias “Money  BACK” is already used by the entry `refund`",
        ),
        ("vip", "buying coins in  the app", (), "title “buying coins in  the app”"),
        ("scams", "Scams", ("buy coins",), "entry `recharge-app` (as its alias)"),
    ],
)
async def test_a_name_used_by_another_entry_is_refused_naming_it(
    store: FaqStore, db: Database, key: str, title: str, aliases: tuple[str, ...], taken: str
) -> None:
    with refused(Conflict, re.escape(taken)):
        await set_entry(store, key, title=title, aliases=aliases)
    assert await version_count(db) == 0


async def test_names_of_a_hidden_entry_are_free_to_use(store: FaqStore) -> None:
    await store.remove(GUILD_A, "scams", editor_id=MOD)
    await set_entry(store, "giveaways", title="Giveaways", aliases=("free coins",))
    assert (await store.get(GUILD_A, "giveaways")).aliases == ("free coins",)


async def test_names_an_entry_already_had_never_block_editing_it(db: Database) -> None:
    clashing = {
        "one": entry("one", "One", "shared"),
        "two": entry("two", "Two", "shared"),
    }
    store = FaqStore(db, {"en": clashing})
    await set_entry(store, "two", title="Two", aliases=("shared",), body="New text.")
    assert (await store.get(GUILD_A, "two")).body == "New text."


async def test_the_server_cannot_grow_past_its_entry_limit(
    db: Database,
) -> None:
    store = FaqStore(db, {"en": CURATED}, clock=lambda: EDIT_TIME, max_entries=2)
    await set_entry(store, "one", title="One")
    await store.remove(GUILD_A, "scams", editor_id=MOD)
    with refused(InvalidInput, "the limit is 2"):
        await set_entry(store, "two", title="Two")
    await set_entry(store, "one", title="One", body="Editing an existing one is fine.")


# --------------------------------------------------------------- remove


@pytest.mark.parametrize(
    ("key", "change", "again"),
    [
        ("scams", "hidden", Conflict),  # curated: hidden, and already hidden the second time
        ("vip", "deleted", NotFound),  # custom: deleted, then it no longer exists
    ],
)
async def test_remove_takes_the_entry_out_of_that_server_only(
    store: FaqStore, key: str, change: str, again: type[Exception]
) -> None:
    await set_entry(store, "vip", title="VIP", guild=GUILD_A)
    await set_entry(store, "vip", title="VIP", guild=GUILD_B)

    removed = await store.remove(GUILD_A, key, editor_id=OTHER_MOD)

    assert (removed.action, removed.status, changes(removed)) == ("remove", "hidden", (change,))
    assert key not in await store.entries(GUILD_A)
    assert key in await store.entries(GUILD_B)
    with pytest.raises(NotFound):
        await store.get(GUILD_A, key)
    with pytest.raises(again):
        await store.remove(GUILD_A, key, editor_id=MOD)


async def test_remove_of_an_unknown_key_is_not_found(store: FaqStore) -> None:
    with refused(NotFound, "no FAQ entry `ghost`"):
        await store.remove(GUILD_A, "ghost", editor_id=MOD)


# --------------------------------------------------------------- reset


async def test_reset_brings_back_the_curated_text(store: FaqStore) -> None:
    await set_entry(store, "refund", title="Ours")
    await store.remove(GUILD_A, "refund", editor_id=MOD)

    reset = await store.reset(GUILD_A, "refund", editor_id=MOD)

    assert (reset.version, reset.action, changes(reset)) == (
        3,
        "reset",
        ("back to the curated text",),
    )
    assert await store.get(GUILD_A, "refund") == CURATED["refund"]
    with refused(Conflict, "already shows the curated text"):
        await store.reset(GUILD_A, "refund", editor_id=MOD)


async def test_a_reset_only_server_shares_the_curated_matcher(store: FaqStore) -> None:
    await set_entry(store, "refund", title="Ours")
    await store.reset(GUILD_A, "refund", editor_id=MOD)
    assert await store.matcher(GUILD_A) is await store.matcher(GUILD_B)
    assert "refund" in await store.admin_keys(GUILD_A)


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        ("vip", Conflict, "this server's own entry, so there is no curated text"),
        ("ghost", NotFound, "no FAQ entry `ghost`"),
        ("scams", Conflict, "already shows the curated text"),
    ],
)
async def test_reset_without_an_override_says_why(
    store: FaqStore, key: str, error: type[Exception], message: str
) -> None:
    await set_entry(store, "vip", title="VIP")
    with refused(error, message):
        await store.reset(GUILD_A, key, editor_id=MOD)


# --------------------------------------------------------------- history


async def test_history_says_who_when_and_what_changed_newest_first(store: FaqStore) -> None:
    await set_entry(
        store,
        "refund",
        title="Refunds",
        aliases=("money back", "chargeback"),
        body="Line one.\nLine 2!\nLine three.\nLine four.",
        editor=MOD,
    )
    await set_entry(
        store,
        "refund",
        title="Refunds",
        aliases=("chargeback",),
        body="Line one.\nLine 2!\nLine three.\nLine four.",
        editor=OTHER_MOD,
    )
    await store.remove(GUILD_A, "refund", editor_id=MOD)
    await set_entry(store, "refund", title="Refunds", aliases=("chargeback",), body="Short.")
    await store.reset(GUILD_A, "refund", editor_id=OTHER_MOD)

    history = await store.history(GUILD_A, "refund")

    assert [(v.version, v.action, v.editor_id, summary(v)) for v in history] == [
        (5, "reset", OTHER_MOD, "back to the curated text"),
        (4, "set", MOD, "shown again; body +1/−4 lines"),
        (3, "remove", MOD, "hidden"),
        (2, "set", OTHER_MOD, "aliases −money back"),
        (1, "set", MOD, "title changed; aliases +chargeback; body +2/−1 lines"),
    ]
    assert all(v.created_at == EDIT_TIME for v in history)
    assert history[1].body == "Short." and history[2].body is None


async def test_history_of_a_custom_entry_starts_with_new_entry(store: FaqStore) -> None:
    await set_entry(store, "vip", title="VIP")
    await set_entry(store, "vip", title="VIP!")
    assert [summary(v) for v in await store.history(GUILD_A, "vip")] == [
        "title changed",
        "new entry",
    ]


async def test_history_of_an_unedited_curated_key_is_empty_and_of_a_stranger_not_found(
    store: FaqStore,
) -> None:
    assert await store.history(GUILD_A, "scams") == []
    with pytest.raises(NotFound):
        await store.history(GUILD_A, "ghost")


# --------------------------------------------------------------- revert


async def test_revert_restores_an_old_version_as_a_new_one(store: FaqStore) -> None:
    await set_entry(store, "vip", title="First", aliases=("v1",), body="One.")
    await set_entry(store, "vip", title="Second", aliases=("v2",), body="Two.")

    reverted = await store.revert(GUILD_A, "vip", 1, editor_id=OTHER_MOD)

    assert (reverted.version, reverted.action, reverted.reverted_from) == (3, "revert", 1)
    assert changes(reverted) == (
        "restored version 1",
        "title changed",
        "aliases +v1 −v2",
        "body +1/−1 lines",
    )
    shown = await store.get(GUILD_A, "vip")
    assert (shown.title, shown.aliases, shown.body) == ("First", ("v1",), "One.")
    assert [v.version for v in await store.history(GUILD_A, "vip")] == [3, 2, 1]


async def test_revert_to_a_removal_hides_again(store: FaqStore) -> None:
    await store.remove(GUILD_A, "scams", editor_id=MOD)
    await store.reset(GUILD_A, "scams", editor_id=MOD)
    reverted = await store.revert(GUILD_A, "scams", 1, editor_id=MOD)
    assert changes(reverted) == ("restored version 1", "hidden")
    assert "scams" not in await store.entries(GUILD_A)


@pytest.mark.parametrize(
    ("key", "version", "error", "message"),
    [
        ("vip", 7, NotFound, "`vip` has no version 7 in this server; its versions are 1 to 2"),
        ("vip", 2, Conflict, "is what the server shows already"),
        ("scams", 1, NotFound, "`scams` has no saved versions"),
    ],
)
async def test_revert_refuses_what_it_cannot_restore(
    store: FaqStore, key: str, version: int, error: type[Exception], message: str
) -> None:
    await set_entry(store, "vip", body="One.")
    await set_entry(store, "vip", body="Two.")
    with refused(error, message):
        await store.revert(GUILD_A, key, version, editor_id=MOD)


async def test_revert_refuses_names_taken_since(store: FaqStore) -> None:
    await set_entry(store, "vip", title="VIP", aliases=("perks",))
    await set_entry(store, "vip", title="VIP", aliases=())
    await set_entry(store, "perks-list", title="Perks", aliases=("perks",))
    with refused(Conflict, "Cannot restore version 1: the alias “perks”"):
        await store.revert(GUILD_A, "vip", 1, editor_id=MOD)


# --------------------------------------------------------------- servers


async def test_one_servers_edits_are_invisible_to_another(store: FaqStore) -> None:
    await set_entry(store, "refund", title="A's refunds", guild=GUILD_A)
    await set_entry(store, "a-only", title="A only", guild=GUILD_A)
    await store.remove(GUILD_A, "scams", editor_id=MOD)

    assert dict(await store.entries(GUILD_B)) == CURATED
    assert await store.history(GUILD_B, "refund") == []
    with pytest.raises(NotFound):
        await store.history(GUILD_B, "a-only")
    with pytest.raises(NotFound):
        await store.revert(GUILD_B, "refund", 1, editor_id=MOD)
    with pytest.raises(NotFound):
        await store.revert(GUILD_B, "a-only", 1, editor_id=MOD)
    with pytest.raises(NotFound):
        await store.remove(GUILD_B, "a-only", editor_id=MOD)
    with refused(Conflict, "already shows the curated text"):
        await store.reset(GUILD_B, "refund", editor_id=MOD)
    assert "a-only" not in await store.export_yaml(GUILD_B)
    # The same key in B starts its own history at version 1.
    assert (await set_entry(store, "a-only", title="B's own", guild=GUILD_B)).version == 1


# --------------------------------------------------------------- concurrency and cache


async def test_concurrent_edits_get_versions_one_to_twenty(store: FaqStore) -> None:
    saved = await asyncio.gather(*(set_entry(store, "vip", body=f"Body {n}.") for n in range(20)))
    assert sorted(v.version for v in saved) == list(range(1, 21))
    assert [v.version for v in await store.history(GUILD_A, "vip")] == list(range(20, 0, -1))


async def test_an_edit_shows_at_once_in_entries_and_matcher(store: FaqStore) -> None:
    before = await store.matcher(GUILD_A)
    assert "vip-perks" not in await store.entries(GUILD_A)

    await set_entry(store, "vip-perks", title="VIP perks")

    assert (await store.get(GUILD_A, "vip-perks")).title == "VIP perks"
    after = await store.matcher(GUILD_A)
    assert after is not before
    assert "vip-perks" in [found.key for found in after.complete("vip-perks")]
    assert await store.matcher(GUILD_B) is before

    await store.remove(GUILD_A, "vip-perks", editor_id=MOD)
    assert "vip-perks" not in await store.entries(GUILD_A)
    assert "vip-perks" not in [
        found.key for found in (await store.matcher(GUILD_A)).complete("vip")
    ]


async def test_reads_after_the_first_cost_no_sql(
    store: FaqStore, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_entry(store, "vip", title="VIP")
    calls = 0
    real_fetchall = db.lookup

    async def counting_fetchall(sql: str, params: Any = ()) -> list[sqlite3.Row]:
        nonlocal calls
        calls += 1
        return await real_fetchall(sql, params)

    monkeypatch.setattr(db, "lookup", counting_fetchall)
    for _ in range(50):
        await store.entries(GUILD_A)
        await store.get(GUILD_A, "vip")
        await store.matcher(GUILD_A)
    assert calls == 1


async def test_a_read_racing_an_edit_does_not_cache_the_old_view(
    store: FaqStore, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fetchall = db.lookup
    read_done = asyncio.Event()
    release = asyncio.Event()

    async def slow_fetchall(sql: str, params: Any = ()) -> list[sqlite3.Row]:
        rows = await real_fetchall(sql, params)
        read_done.set()
        await release.wait()
        return rows

    monkeypatch.setattr(db, "lookup", slow_fetchall)
    stale_read = asyncio.create_task(store.entries(GUILD_A))
    await read_done.wait()
    monkeypatch.setattr(db, "lookup", real_fetchall)
    await set_entry(store, "vip", title="VIP")
    release.set()
    assert "vip" not in await stale_read  # it began before the edit ...
    assert "vip" in await store.entries(GUILD_A)  # ... but did not stick


# --------------------------------------------------------------- export and import


async def test_export_then_import_reproduces_the_server(store: FaqStore, db: Database) -> None:
    await set_entry(store, "refund", title="Our refunds", aliases=("chargeback",), body="Ask.")
    await set_entry(store, "vip-perks", title="VIP perks", aliases=("vip",), body=TRICKY_BODY)
    await set_entry(store, "old", title="Old")
    await store.remove(GUILD_A, "old", editor_id=MOD)
    await store.remove(GUILD_A, "scams", editor_id=MOD)

    header = RENDERER.text("faq/export_header.j2")
    exported = await store.export_yaml(GUILD_A, header=header)
    result = await store.import_yaml(GUILD_B, exported, editor_id=OTHER_MOD)

    assert result == ImportResult(
        added=(en("vip-perks"),), changed=(en("refund"),), hidden=(en("scams"),), unchanged=()
    )
    assert dict(await store.entries(GUILD_B)) == dict(await store.entries(GUILD_A))
    assert await store.export_yaml(GUILD_B, header=header) == exported
    assert [(v.action, v.editor_id) for v in await store.history(GUILD_B, "refund")] == [
        ("import", OTHER_MOD)
    ]
    versions = await version_count(db)
    again = await store.import_yaml(GUILD_A, exported, editor_id=MOD)
    assert again.unchanged == (en("refund"), en("vip-perks"), en("scams"))
    assert await version_count(db) == versions


async def test_the_export_is_readable_yaml_in_the_documented_shape(store: FaqStore) -> None:
    await set_entry(store, "vip", title="VIP", aliases=("perks",), body="Line 1\nLine 2")
    await store.remove(GUILD_A, "scams", editor_id=MOD)
    exported = await store.export_yaml(GUILD_A, header=RENDERER.text("faq/export_header.j2"))
    assert exported.startswith("# coinhelp FAQ export")
    assert "\n# are set, hidden keys are hidden, anything not listed stays as it is.\n" in exported
    assert (
        "format: coinhelp-faq/2\n"
        "entries:\n"
        "  vip:\n"
        "    en:\n"
        "      title: VIP\n"
        "      aliases:\n"
        "      - perks\n"
        "      body: |-\n"
        "        Line 1\n"
        "        Line 2\n"
        "hidden:\n"
        "  en:\n"
        "  - scams\n"
    ) in exported


async def test_import_leaves_entries_the_file_does_not_mention(store: FaqStore) -> None:
    await set_entry(store, "keep-me", title="Keep me")
    text = "entries:\n  new-one:\n    title: New one\n    body: Hello.\n"
    result = await store.import_yaml(GUILD_A, text, editor_id=MOD)
    assert result.added == (en("new-one"),)
    assert {"keep-me", "new-one"} <= set(await store.entries(GUILD_A))


async def test_template_syntax_is_stored_byte_for_byte(store: FaqStore) -> None:
    title = "{{ config.items() }} {% if %}"
    aliases = ("{{ 7*7 }}", "{% raw %}")
    await set_entry(store, "tricky", title=title, aliases=aliases, body=TRICKY_BODY)

    stored = await store.get(GUILD_A, "tricky")
    assert (stored.title, stored.aliases, stored.body) == (title, aliases, TRICKY_BODY)

    await store.import_yaml(GUILD_B, await store.export_yaml(GUILD_A), editor_id=MOD)
    imported = await store.get(GUILD_B, "tricky")
    assert (imported.title, imported.aliases, imported.body) == (title, aliases, TRICKY_BODY)
    assert imported.body.encode() == TRICKY_BODY.encode()


# Two good entries (lines 1-7); each case appends one bad part from line 8.
GOOD_FILE = (
    "entries:\n"
    "  other-good:\n    title: Other good\n    body: Fine.\n"
    "  good-one:\n    title: Good\n    body: Fine.\n"
)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            "  bad-one:\n    title: Bad\n    body: " + "x" * 4001 + "\n",
            "line 8, entry `bad-one`: field 'body' is 4001 characters long; the limit is 4000.",
        ),
        ("  bad-one:\n    title: Bad\n", "line 8, entry `bad-one`: `body` is missing"),
        (
            "  bad-one:\n    title: Bad\n    body: B\n    colour: red\n",
            "line 11, entry `bad-one`: unknown field `colour`",
        ),
        (
            "  Bad One:\n    title: Bad\n    body: B\n",
            "line 8, entry “Bad One”: keys are lowercase",
        ),
        (
            "  bad-one:\n    title: Bad\n    aliases: free coins\n    body: B\n",
            "line 8, entry `bad-one`: `title` and `body` should be text, and `aliases` a list",
        ),
        (
            "  bad-one:\n    title: Bad\n    aliases: [free coins]\n    body: B\n",
            "line 8, entry `bad-one`: the alias “free coins” is already used by the entry `scams`",
        ),
        (
            "  good-one:\n    title: Again\n    body: B\n",
            "line 8, entry `good-one`: this key appears twice",
        ),
        ("hidden: [ghost]\n", "line 8: `hidden` lists `ghost`, which is not an FAQ entry"),
        ("hidden: [good-one]\n", "line 8: `good-one` is both in `hidden` and in `entries`"),
        ("format: something-else\n", "line 8: the format should be `coinhelp-faq/2`"),
    ],
)
async def test_one_bad_part_refuses_the_whole_file(
    store: FaqStore, db: Database, bad: str, message: str
) -> None:
    await set_entry(store, "other-good", title="Other good", body="Old.")
    before = dict(await store.entries(GUILD_A))
    versions = await version_count(db)

    with pytest.raises(InvalidInput) as raised:
        await store.import_yaml(GUILD_A, GOOD_FILE + bad, editor_id=MOD)

    said = RENDERER.error(raised.value)
    assert said.startswith("Nothing was imported")
    assert message in said
    assert dict(await store.entries(GUILD_A)) == before
    assert await version_count(db) == versions


async def test_every_problem_in_a_file_is_listed_at_once(store: FaqStore) -> None:
    text = "entries:\n" + "".join(f"  bad-{n}:\n    title: T{n}\n" for n in range(12))
    with pytest.raises(InvalidInput) as raised:
        await store.import_yaml(GUILD_A, text, editor_id=MOD)
    said = RENDERER.error(raised.value)
    assert said.count("`body` is missing") == 10
    assert said.endswith("… and 2 more.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entries:\n  a:\n    title: A\n   body: wrong indent\n", "line 4"),
        ("entries:\n  a: {title: A\n", "line 3"),
        ("entries: [\n", "line 2"),
        ("", "The file is empty"),
        ("- just\n- a list\n", "line 1: the file should start with `entries:`"),
        ("entries: 5\n", "line 1: `entries` should map each key"),
        ("colour: red\n", "line 1: unknown field `colour`"),
        ("a: 1\n---\nb: 2\n", "line 2"),
    ],
)
async def test_an_unreadable_file_reports_the_line(
    store: FaqStore, db: Database, text: str, message: str
) -> None:
    with refused(InvalidInput, message):
        await store.import_yaml(GUILD_A, text, editor_id=MOD)
    assert await version_count(db) == 0


async def test_a_file_over_one_megabyte_is_refused_unread(store: FaqStore) -> None:
    text = "entries:\n" + "#" * IMPORT_MAX_BYTES
    with refused(InvalidInput, "FAQ files can be up to 1 MB"):
        await store.import_yaml(GUILD_A, text, editor_id=MOD)


async def test_an_import_past_the_entry_limit_changes_nothing(
    db: Database,
) -> None:
    store = FaqStore(db, {"en": CURATED}, clock=lambda: EDIT_TIME, max_entries=2)
    text = "entries:\n" + "".join(f"  e{n}:\n    title: T{n}\n    body: B\n" for n in range(3))
    with refused(InvalidInput, "the limit is 2"):
        await store.import_yaml(GUILD_A, text, editor_id=MOD)
    assert await version_count(db) == 0


async def test_yaml_types_are_read_as_the_text_written(store: FaqStore) -> None:
    text = "entries:\n  yes:\n    title: 1.50\n    aliases: [no, ~, null]\n    body: true\n"
    await store.import_yaml(GUILD_A, text, editor_id=MOD)
    shown = await store.get(GUILD_A, "yes")
    assert (shown.title, shown.aliases, shown.body) == ("1.50", ("no",), "true")


# --------------------------------------------------------------- moderator helpers


async def test_draft_starts_from_the_last_text_the_key_had(store: FaqStore) -> None:
    await set_entry(store, "refund", title="Ours", body="Our text.")
    await store.remove(GUILD_A, "refund", editor_id=MOD)
    draft = await store.draft(GUILD_A, "refund")
    assert draft is not None and draft.body == "Our text."
    assert await store.draft(GUILD_A, "scams") == CURATED["scams"]
    assert await store.draft(GUILD_A, "brand-new") is None
    with pytest.raises(InvalidInput):
        await store.draft(GUILD_A, "Not a key!")


async def test_admin_keys_include_hidden_and_deleted_entries(store: FaqStore) -> None:
    await set_entry(store, "vip", title="VIP")
    await store.remove(GUILD_A, "vip", editor_id=MOD)
    await store.remove(GUILD_A, "scams", editor_id=MOD)
    assert await store.admin_keys(GUILD_A) == ("recharge-app", "refund", "scams", "vip")
    assert await store.admin_keys(GUILD_B) == ("recharge-app", "refund", "scams")


async def test_versions_can_never_be_rewritten(store: FaqStore, db: Database) -> None:
    await set_entry(store, "vip", title="VIP")
    for statement in ("UPDATE faq_texts SET body = 'x'", "DELETE FROM faq_texts"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.write() as conn:
                await conn.execute(statement)
    assert (await store.get(GUILD_A, "vip")).body == "A body."


async def test_an_override_keeps_the_curated_example_questions(tmp_path) -> None:
    """/ask still recognises the topic after a server rewrites its answer."""
    import datetime as dt

    from coinhelp.db import Database
    from coinhelp.faq.entries import FaqEntry
    from coinhelp.faq.store import FaqStore

    curated = FaqEntry(
        key="refund",
        title="Refunds",
        aliases=(),
        keywords=("refund",),
        body="Curated.",
        sources=("TikTok",),
        checked=dt.date(2026, 11, 20),
        examples=("can i get my money back",),
    )
    db = await Database.open(tmp_path / "faq.db")
    try:
        store = FaqStore(db, {"en": {"refund": curated}})
        await store.set(1, "refund", title="Refunds here", aliases=[], body="Ours.", editor_id=9)
        assert (await store.get(1, "refund")).examples == curated.examples
    finally:
        await db.close()


async def test_admin_keys_for_autocomplete_put_keys_starting_with_the_text_first(
    store: FaqStore,
) -> None:
    await set_entry(store, "presale", title="Presale")
    assert await store.admin_keys(GUILD_A, " RE") == ("recharge-app", "refund", "presale")
    assert await store.admin_keys(GUILD_A, "re", limit=2) == ("recharge-app", "refund")
    assert await store.admin_keys(GUILD_A, "nothing-like-it") == ()


async def test_an_import_file_must_be_utf8(store: FaqStore) -> None:
    with refused(InvalidInput, "not UTF-8 text"):
        await store.import_yaml(GUILD_A, b"\xff\xfe\x00binary", editor_id=MOD)
    text = "entries:\n  cafe:\n    title: Café ☕\n    body: Crème.\n"
    result = await store.import_yaml(GUILD_A, text.encode(), editor_id=MOD)
    assert result.added == (en("cafe"),)
    assert (await store.get(GUILD_A, "cafe")).title == "Café ☕"
