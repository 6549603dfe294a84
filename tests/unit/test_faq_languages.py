"""FaqStore in each language: its own versions, hiding, fallbacks, files, the old database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from coinhelp.db import Database, load_migrations
from coinhelp.errors import Conflict, InvalidInput, NotFound
from coinhelp.faq.curated import Curated
from coinhelp.faq.edits import TextRef
from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.store import FaqStore
from coinhelp.i18n import LANGUAGES
from coinhelp.render import Renderer

GUILD_A = 111
GUILD_B = 222
MOD = 9001
EDIT_TIME = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def entry(key: str, title: str, alias: str, body: str, language: str = "en") -> FaqEntry:
    return FaqEntry(
        key=key,
        title=title,
        aliases=(alias,),
        keywords=(key,),
        body=body,
        sources=("TikTok Coin Policy",),
        checked=dt.date(2025, 1, 1),
        language=language,
    )


ENGLISH = {
    "refund": entry("refund", "Refunds", "money back", "Within 14 days."),
    "scams": entry("scams", "Scams", "free coins", "Never share your password."),
}
SPANISH = {
    "refund": entry("refund", "Reembolsos", "devolución", "En 14 días.", "es"),
    "scams": entry("scams", "Estafas", "monedas gratis", "Nunca compartas tu contraseña.", "es"),
}
# A host whose FAQ folder has English and Spanish only: the others fall back.
CURATED: Curated = {"en": ENGLISH, "es": SPANISH}


@pytest.fixture
def store(db: Database) -> FaqStore:
    return FaqStore(db, CURATED, clock=lambda: EDIT_TIME)


async def set_text(
    store: FaqStore,
    key: str,
    language: str,
    *,
    title: str = "A title",
    aliases: tuple[str, ...] = (),
    body: str = "A body.",
    guild: int = GUILD_A,
) -> int:
    saved = await store.set(
        guild, key, title=title, aliases=aliases, body=body, editor_id=MOD, language=language
    )
    assert saved.language == language
    return saved.version


# -- reading ----------------------------------------------------------------------------


async def test_each_language_shows_its_curated_text(store: FaqStore) -> None:
    assert dict(await store.entries(GUILD_A)) == ENGLISH
    assert dict(await store.entries(GUILD_A, "es")) == SPANISH
    assert (await store.get(GUILD_A, "refund", "es")).title == "Reembolsos"
    assert await store.matcher(GUILD_A, "es") is not await store.matcher(GUILD_A, "en")
    assert await store.matcher(GUILD_A, "es") is await store.matcher(GUILD_B, "es")


async def test_a_language_the_folder_lacks_shows_english_marked_as_a_fallback(
    store: FaqStore,
) -> None:
    shown = await store.get(GUILD_A, "refund", "fr")
    assert shown == dataclasses.replace(ENGLISH["refund"], language="fr", fallback_from="en")
    assert shown.text_language == "en"
    assert list(await store.entries(GUILD_A, "de")) == list(ENGLISH)


async def test_an_unsupported_language_is_a_programming_error(store: FaqStore) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        await store.entries(GUILD_A, "it")


# -- versions per language --------------------------------------------------------------


async def test_each_languages_text_is_versioned_on_its_own(store: FaqStore) -> None:
    assert await set_text(store, "refund", "en", title="Our refunds") == 1
    assert await set_text(store, "refund", "es", title="Nuestros reembolsos") == 1
    assert await set_text(store, "refund", "es", title="Reembolsos aquí") == 2

    assert (await store.get(GUILD_A, "refund")).title == "Our refunds"
    assert (await store.get(GUILD_A, "refund", "es")).title == "Reembolsos aquí"
    assert (await store.get(GUILD_A, "refund", "fr")).title == "Our refunds"  # borrowed
    assert [v.version for v in await store.history(GUILD_A, "refund", "es")] == [2, 1]
    assert [v.version for v in await store.history(GUILD_A, "refund", "en")] == [1]
    assert await store.history(GUILD_A, "refund", "de") == []

    reverted = await store.revert(GUILD_A, "refund", 1, editor_id=MOD, language="es")
    assert (reverted.version, reverted.language) == (3, "es")
    assert (await store.get(GUILD_A, "refund", "es")).title == "Nuestros reembolsos"
    assert (await store.get(GUILD_A, "refund")).title == "Our refunds"

    await store.reset(GUILD_A, "refund", editor_id=MOD, language="es")
    assert await store.get(GUILD_A, "refund", "es") == SPANISH["refund"]
    assert (await store.get(GUILD_A, "refund")).title == "Our refunds"
    with pytest.raises(Conflict):
        await store.reset(GUILD_A, "refund", editor_id=MOD, language="es")


async def test_an_override_in_a_language_keeps_that_languages_keywords(store: FaqStore) -> None:
    await set_text(store, "refund", "es", title="Reembolsos aquí")
    shown = await store.get(GUILD_A, "refund", "es")
    assert (shown.origin, shown.language, shown.fallback_from) == ("override", "es", None)
    assert shown.keywords == SPANISH["refund"].keywords


async def test_an_edit_in_one_language_refreshes_every_language_of_that_server(
    store: FaqStore,
) -> None:
    before = {language: await store.matcher(GUILD_A, language) for language in LANGUAGES}
    await set_text(store, "vip", "en", title="VIP perks")
    for language in LANGUAGES:
        assert "vip" in await store.entries(GUILD_A, language)
        assert await store.matcher(GUILD_A, language) is not before[language]
    assert "vip" not in await store.entries(GUILD_B, "es")


# -- hiding -----------------------------------------------------------------------------


async def test_hiding_in_one_language_hides_in_that_language_only(store: FaqStore) -> None:
    removed = await store.remove(GUILD_A, "scams", editor_id=MOD, language="es")
    assert (removed.language, removed.status) == ("es", "hidden")
    assert "scams" not in await store.entries(GUILD_A, "es")
    assert "scams" in await store.entries(GUILD_A, "en")
    assert "scams" in await store.entries(GUILD_A, "fr")
    with pytest.raises(NotFound):
        await store.get(GUILD_A, "scams", "es")
    with pytest.raises(Conflict):
        await store.remove(GUILD_A, "scams", editor_id=MOD, language="es")
    draft = await store.draft(GUILD_A, "scams", "es")
    assert draft is not None and draft.title == "Estafas"


# -- custom entries and fallbacks ------------------------------------------------------


async def test_a_custom_entry_falls_back_to_english_where_it_has_no_text(
    store: FaqStore,
) -> None:
    await set_text(store, "vip", "en", title="VIP perks", aliases=("vip",))
    await set_text(store, "vip", "de", title="VIP-Vorteile")

    assert (await store.get(GUILD_A, "vip", "de")).title == "VIP-Vorteile"
    borrowed = await store.get(GUILD_A, "vip", "es")
    assert (borrowed.title, borrowed.origin) == ("VIP perks", "custom")
    assert (borrowed.language, borrowed.fallback_from) == ("es", "en")
    draft = await store.draft(GUILD_A, "vip", "es")
    assert draft is not None and draft.title == "VIP perks"  # a translation starts from it
    assert "vip" in await store.admin_keys(GUILD_A)


async def test_a_custom_entry_written_in_another_language_shows_in_english_too(
    store: FaqStore,
) -> None:
    await set_text(store, "sorteos", "es", title="Sorteos")
    shown = await store.get(GUILD_A, "sorteos", "en")
    assert (shown.title, shown.fallback_from) == ("Sorteos", "es")
    assert await store.history(GUILD_A, "sorteos", "en") == []

    await store.remove(GUILD_A, "sorteos", editor_id=MOD, language="es")
    for language in LANGUAGES:
        assert "sorteos" not in await store.entries(GUILD_A, language)


async def test_deleting_the_english_text_of_a_custom_entry_removes_what_borrowed_it(
    store: FaqStore,
) -> None:
    await set_text(store, "vip", "en", title="VIP perks")
    await set_text(store, "vip", "fr", title="Avantages VIP")
    await store.remove(GUILD_A, "vip", editor_id=MOD, language="en")
    assert (await store.get(GUILD_A, "vip", "es")).fallback_from == "fr"
    assert "vip" not in await store.entries(GUILD_A, "en")


async def test_names_may_repeat_across_languages_but_not_within_one(store: FaqStore) -> None:
    await set_text(store, "vip", "en", title="VIP")
    await set_text(store, "vip", "es", title="VIP", aliases=("money back",))  # an English alias
    assert (await store.get(GUILD_A, "vip", "es")).aliases == ("money back",)
    with pytest.raises(Conflict, match=r"faq\.name_taken"):
        await set_text(store, "cuentas", "es", title="Cuentas", aliases=("Estafas",))


async def test_a_text_is_checked_in_the_languages_that_borrow_it(store: FaqStore) -> None:
    # A Spanish-only entry shows in English too, beside the English "Refunds".
    with pytest.raises(Conflict, match=r"faq\.name_taken"):
        await set_text(store, "vip", "es", title="Refunds")
    # Once the entry has an English text, the Spanish one shows in Spanish only.
    await set_text(store, "vip", "en", title="VIP")
    await set_text(store, "vip", "es", title="Refunds")
    assert (await store.get(GUILD_A, "vip", "es")).title == "Refunds"


# -- export and import -----------------------------------------------------------------


async def test_export_then_import_carries_every_language(store: FaqStore) -> None:
    await set_text(store, "refund", "en", title="Our refunds", aliases=("chargeback",))
    await set_text(store, "refund", "pt-BR", title="Reembolsos aqui")
    await set_text(store, "vip", "en", title="VIP perks")
    await set_text(store, "vip", "id", title="Keuntungan VIP")
    await store.remove(GUILD_A, "vip", editor_id=MOD, language="de")
    await store.remove(GUILD_A, "scams", editor_id=MOD, language="fr")
    await store.remove(GUILD_A, "scams", editor_id=MOD, language="en")

    exported = await store.export_yaml(GUILD_A)
    document = yaml.safe_load(exported)
    assert document["format"] == "coinhelp-faq/2"
    assert list(document["entries"]["refund"]) == ["en", "pt-BR"]
    assert document["hidden"] == {"en": ["scams"], "de": ["vip"], "fr": ["scams"]}

    result = await store.import_yaml(GUILD_B, exported, editor_id=MOD)
    assert set(result.added) == {TextRef("vip", "en"), TextRef("vip", "id")}
    assert set(result.changed) == {TextRef("refund", "en"), TextRef("refund", "pt-BR")}
    assert set(result.hidden) == {
        TextRef("scams", "en"),
        TextRef("vip", "de"),
        TextRef("scams", "fr"),
    }
    for language in LANGUAGES:
        assert dict(await store.entries(GUILD_B, language)) == dict(
            await store.entries(GUILD_A, language)
        ), language
    assert await store.export_yaml(GUILD_B) == exported
    again = await store.import_yaml(GUILD_B, exported, editor_id=MOD)
    assert (again.added, again.changed, again.hidden) == ((), (), ())


async def test_a_file_of_the_first_format_imports_as_english(store: FaqStore) -> None:
    old = (
        "format: coinhelp-faq/1\n"
        "entries:\n"
        "  refund:\n"
        "    title: Our refunds\n"
        "    aliases:\n"
        "    - chargeback\n"
        "    body: Ask a moderator.\n"
        "hidden:\n"
        "- scams\n"
    )
    result = await store.import_yaml(GUILD_A, old, editor_id=MOD)
    assert (result.changed, result.hidden) == (
        (TextRef("refund", "en"),),
        (TextRef("scams", "en"),),
    )
    assert (await store.get(GUILD_A, "refund")).title == "Our refunds"
    assert await store.get(GUILD_A, "refund", "es") == SPANISH["refund"]
    assert "scams" in await store.entries(GUILD_A, "es")
    assert "scams" not in await store.entries(GUILD_A, "en")


async def test_a_file_without_a_format_is_read_in_the_shape_it_has(store: FaqStore) -> None:
    text = (
        "entries:\n  vip:\n    es:\n      title: VIP\n      body: Hola.\nhidden:\n  es: [scams]\n"
    )
    result = await store.import_yaml(GUILD_A, text, editor_id=MOD)
    assert (result.added, result.hidden) == ((TextRef("vip", "es"),), (TextRef("scams", "es"),))


async def test_a_bad_file_lists_every_problem_with_its_line(store: FaqStore, db: Database) -> None:
    text = (
        "format: coinhelp-faq/2\n"  # 1
        "entries:\n"  # 2
        "  refund:\n"  # 3
        "    it:\n"  # 4
        "      title: Rimborsi\n"  # 5
        "      body: Ciao.\n"  # 6
        "    es:\n"  # 7
        "      title: Reembolsos nuevos\n"  # 8
        "  vip:\n"  # 9
        "    en:\n"  # 10
        "      title: VIP\n"  # 11
        "      body: Hi.\n"  # 12
        "hidden:\n"  # 13
        "  en: [vip]\n"  # 14
        "  klingon: [scams]\n"  # 15
    )
    with pytest.raises(InvalidInput) as caught:
        await store.import_yaml(GUILD_A, text, editor_id=MOD)
    said = Renderer().error(caught.value)
    for line, reason in [
        (4, "`it` is not a language of the FAQ"),
        (7, "`body` is missing"),
        (14, "is both in `hidden` and in `entries` (line 10)"),
        (15, "`klingon` is not a language of the FAQ"),
    ]:
        assert f"line {line}" in said and reason in said, (line, said)
    row = await db.lookup_one("SELECT COUNT(*) FROM faq_texts")
    assert row is not None and row[0] == 0


async def test_hiding_a_key_unknown_here_is_refused_with_its_line(store: FaqStore) -> None:
    text = (
        "entries:\n  vip:\n    es:\n      title: VIP\n      body: Hola.\nhidden:\n  de: [ghost]\n"
    )
    with pytest.raises(InvalidInput) as caught:
        await store.import_yaml(GUILD_A, text, editor_id=MOD)
    assert "line 7: `hidden` lists `ghost`, which is not an FAQ entry" in Renderer().error(
        caught.value
    )
    assert "vip" not in await store.entries(GUILD_A, "es")


# -- the database before languages -----------------------------------------------------


async def test_english_edits_from_before_languages_survive_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    before = load_migrations()[:4]
    old = await Database.open(path, migrations=before)
    async with old.write() as conn:
        for version, status, title in ((1, "edited", "Our refunds"), (2, "hidden", None)):
            await conn.execute(
                "INSERT INTO faq_versions(guild_id, key, version, action, status, title,"
                " aliases, body, editor_id, created_at) VALUES (?, 'refund', ?, ?, ?, ?, ?, ?,"
                " ?, '2026-01-01T00:00:00+00:00')",
                (
                    GUILD_A,
                    version,
                    "set" if status == "edited" else "remove",
                    status,
                    title,
                    None if title is None else json.dumps(["chargeback"]),
                    None if title is None else "Ask us.",
                    MOD,
                ),
            )
        await conn.execute(
            "INSERT INTO faq_versions(guild_id, key, version, action, status, title, aliases,"
            " body, editor_id, created_at) VALUES (?, 'vip', 1, 'set', 'edited', 'VIP', '[]',"
            " 'Perks.', ?, '2026-01-01T00:00:00+00:00')",
            (GUILD_A, MOD),
        )
    await old.close()

    db = await Database.open(path)
    try:
        store = FaqStore(db, CURATED)
        assert "refund" not in await store.entries(GUILD_A)  # still hidden, in English
        assert await store.get(GUILD_A, "refund", "es") == SPANISH["refund"]
        assert (await store.get(GUILD_A, "vip")).body == "Perks."
        history = await store.history(GUILD_A, "refund")
        assert [(v.version, v.language, v.status) for v in history] == [
            (2, "en", "hidden"),
            (1, "en", "edited"),
        ]
        draft = await store.draft(GUILD_A, "refund")
        assert draft is not None and draft.aliases == ("chargeback",)
        assert (await store.revert(GUILD_A, "refund", 1, editor_id=MOD)).version == 3
    finally:
        await db.close()
