"""A server's language setting, beside its other settings (coinhelp.guildsettings)."""

from __future__ import annotations

import pytest

from coinhelp.db import Database
from coinhelp.errors import InvalidInput
from coinhelp.guildsettings import SETTINGS, GuildSettingsStore
from coinhelp.render import Renderer

GUILD = 1
OTHER_GUILD = 2
MOD = 9


async def test_a_server_has_no_language_until_one_is_set(db: Database) -> None:
    store = GuildSettingsStore(db)
    assert (await store.get(GUILD)).language is None
    assert "language" in SETTINGS


@pytest.mark.parametrize(
    ("given", "stored"), [("es", "es"), ("pt-BR", "pt-BR"), ("es-419", "es"), ("en-GB", "en")]
)
async def test_a_language_or_a_discord_locale_of_one_is_stored_as_the_language(
    db: Database, given: str, stored: str
) -> None:
    store = GuildSettingsStore(db)
    saved = await store.update(GUILD, language=given, updated_by=MOD)
    assert saved.language == stored
    assert (await store.get(OTHER_GUILD)).language is None


async def test_the_language_is_read_and_changed_with_the_other_settings(db: Database) -> None:
    store = GuildSettingsStore(db)
    await store.update(GUILD, announce_channel_id=50, language="de", updated_by=MOD)
    changed = await store.update(GUILD, moderator_role_id=70, updated_by=MOD)
    assert (changed.announce_channel_id, changed.moderator_role_id, changed.language) == (
        50,
        70,
        "de",
    )
    cleared = await store.update(GUILD, clear=("language",), updated_by=MOD)
    assert (cleared.announce_channel_id, cleared.language) == (50, None)


async def test_a_language_coinhelp_does_not_speak_is_refused_with_the_choices(
    db: Database,
) -> None:
    store = GuildSettingsStore(db)
    with pytest.raises(InvalidInput, match=r"settings\.language_unsupported") as caught:
        await store.update(GUILD, language="it", updated_by=MOD)
    assert Renderer().error(caught.value) == (
        "coinhelp does not speak 'it'; choose one of `en`, `es`, `pt-BR`, `id`, `de`, `fr`."
    )
    with pytest.raises(InvalidInput, match=r"settings\.set_and_clear"):
        await store.update(GUILD, language="fr", clear=("language",), updated_by=MOD)
    assert (await store.get(GUILD)).language is None
