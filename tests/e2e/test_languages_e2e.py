"""coinhelp in the member's language, through the Discord stand-in.

Members here have their Discord client in another language (the interaction's
`locale`), as members of Brazilian, Spanish, Indonesian, German or French fan
servers do. What they read must be in that language; what they type in
another language is answered in the language they typed.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from world import Server, curated, settings

from coinhelp.faq.curated import load_curated
from coinhelp.i18n import LOCALES_DIR, Catalogs
from coinhelp.settings import DEFAULT_FAQ_DIR
from coinhelp_discord.on_standin import bot_on_standin
from standin import Member, StandIn
from standin.permissions import MANAGE_GUILD

# (Discord locale, language folder, a question as fans there type it, the entry it asks for)
ASKED = [
    ("es-ES", "es", "¿cómo puedo recargar monedas en tiktok?", "recharge-app"),
    ("pt-BR", "pt-BR", "quanto custa 1000 moedas", "pricing"),
    ("id", "id", "umur berapa boleh beli koin", "age"),
    ("de", "de", "kann ich coins über die website kaufen", "recharge-web"),
    ("fr", "fr", "est-ce que je peux me faire rembourser mes pièces", "refund"),
]


def member(server: Server, locale: str) -> Member:
    return server.guild.add_member(f"fan-{locale}", locale=locale)


def title(language: str, key: str) -> str:
    return load_curated(DEFAULT_FAQ_DIR / language)[key].title


@pytest.mark.parametrize(("locale", "language", "question", "key"), ASKED)
async def test_faq_shows_the_entry_in_the_members_language(
    server: Server, locale: str, language: str, question: str, key: str
) -> None:
    handle = await server.run(member(server, locale), "faq", topic="refund")
    embed = handle.embeds[0]
    assert embed["title"] == title(language, "refund")
    assert embed["footer"]["text"].startswith("faq: refund · ")


@pytest.mark.parametrize(("locale", "language", "question", "key"), ASKED)
async def test_ask_answers_in_the_language_the_question_is_written_in(
    server: Server, locale: str, language: str, question: str, key: str
) -> None:
    """Asked from an English client: the question's own words decide. The right
    entry comes in that language, as the answer or as the first "did you mean"."""
    handle = await server.run(server.alice, "ask", question=question)
    if handle.embeds:
        embed = handle.embeds[0]
        assert embed["footer"]["text"].startswith(f"faq: {key}")
        assert embed["title"] == title(language, key)
    else:
        assert handle.buttons, handle.content
        assert handle.buttons[0].label == title(language, key)[:80]
        assert "Did you mean" not in handle.content  # the question's language, not English
        picked = await (await handle.click(handle.buttons[0].label)).response()
        assert picked.message.embeds[0]["title"] == title(language, key)


async def test_an_english_question_from_a_portuguese_client_gets_english(server: Server) -> None:
    handle = await server.run(
        member(server, "pt-BR"), "ask", question="how do i get my money bak for coins i didnt use"
    )
    assert handle.embeds[0]["title"] == title(".", "refund")


async def test_errors_and_buttons_follow_the_members_locale(server: Server) -> None:
    fan = member(server, "es-ES")
    handle = await server.run(fan, "goal show", goal="nope")
    assert handle.ephemeral
    assert "There is no such goal" not in handle.content
    assert "objetivo" in handle.content.lower() or "meta" in handle.content.lower()


async def test_an_unsupported_locale_gets_the_servers_language_else_english(
    server: Server,
) -> None:
    fan = member(server, "ja")
    english = await server.run(fan, "faq", topic="refund")
    assert english.embeds[0]["title"] == title(".", "refund")
    await server.run(server.mod, "coinhelp config", language="de")
    german = await server.run(fan, "faq", topic="refund")
    assert german.embeds[0]["title"] == title("de", "refund")


async def test_command_descriptions_are_localized_and_names_stay_english(
    server: Server,
) -> None:
    commands = {command["name"]: command for command in server.standin.registered_commands()}
    ask = commands["ask"]
    assert set(ask["description_localizations"]) >= {"es-ES", "es-419", "pt-BR", "id", "de", "fr"}
    assert ask["description_localizations"]["pt-BR"] != ask["description"]
    assert not ask.get("name_localizations")
    option = ask["options"][0]
    assert option["name"] == "question"
    assert option["description_localizations"]["de"] != option["description"]


async def test_announcements_use_the_servers_language(server: Server) -> None:
    await server.run(server.mod, "coinhelp config", language="fr")
    await server.run(server.mod, "goal create", name="Anniversaire", target=100)
    await server.run(server.alice, "goal contribute", goal="Anniversaire", coins=30)
    announced = await server.standin.wait_for_message(server.general)
    assert "Palier de 25\u202f% atteint" in announced.text
    assert "reached" not in announced.text


async def test_a_changed_translation_is_synced_once(standin: StandIn, tmp_path: Path) -> None:
    """The sync fingerprint covers the translated payload: a translator's fix
    reaches Discord on the next start, and only then."""
    standin.add_guild("Fans")
    db_path = tmp_path / "coinhelp.db"
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)

    async def start_and_stop() -> dict[str, str]:
        async with bot_on_standin(
            standin, settings(db_path), curated=curated(), catalogs=Catalogs(locales)
        ):
            ask = next(c for c in standin.registered_commands() if c["name"] == "ask")
            return dict(ask["description_localizations"])

    before = await start_and_stop()
    assert standin.sync_count == 1
    po = locales / "de" / "LC_MESSAGES" / "coinhelp.po"
    english = "Ask a question about TikTok coins in your own words."
    with po.open("rb") as source:
        catalog = read_po(source)
    catalog[english].string = "Stell deine Frage zu TikTok-Münzen, ganz wie du willst."
    with po.open("wb") as out:
        write_po(out, catalog)

    after = await start_and_stop()
    assert standin.sync_count == 2
    assert after["de"] == "Stell deine Frage zu TikTok-Münzen, ganz wie du willst."
    assert after["de"] != before["de"] and after["fr"] == before["fr"]
    await start_and_stop()
    assert standin.sync_count == 2, "an unchanged translation must not sync again"


LOCALES = [(locale, language) for locale, language, _, _ in ASKED]


@functools.cache
def catalogs() -> Catalogs:
    return Catalogs()


def translated(language: str, english: str, **values: object) -> str:
    """`english` as the bot's catalog for `language` words it, with `values` filled in."""
    return catalogs().gettext(language, english) % values


@pytest.mark.parametrize(("locale", "language"), LOCALES)
async def test_goal_commands_speak_the_members_language(
    server: Server, locale: str, language: str
) -> None:
    moderator = server.guild.add_member(f"mod-{locale}", permissions=MANAGE_GUILD, locale=locale)
    fan = member(server, locale)
    created = await server.run(moderator, "goal create", name="Birthday LIVE", target=1000)
    assert created.embeds[0]["title"] == translated(
        language, "New goal: %(name)s", name="Birthday LIVE"
    )
    board = await server.run(fan, "goal leaderboard")
    assert translated(language, "Top contributors") in board.embeds[0]["title"]
    pledged = await server.run(fan, "goal contribute", goal="Birthday LIVE", coins=5)
    assert not pledged.ephemeral and "pledged" not in pledged.content
    closed_error = await server.run(fan, "goal close", goal="Birthday LIVE")
    assert closed_error.ephemeral
    assert closed_error.content == translated(
        language,
        "Only moderators can do that: you need the Manage Server permission or this "
        "server's moderator role.",
    )


@pytest.mark.parametrize(("locale", "language"), LOCALES)
async def test_coinhelp_about_and_the_faq_form_speak_the_members_language(
    server: Server, locale: str, language: str
) -> None:
    moderator = server.guild.add_member(f"mod-{locale}", permissions=MANAGE_GUILD, locale=locale)
    about = await server.run(moderator, "coinhelp about")
    assert about.embeds[0]["footer"]["text"] == translated(
        language, "coinhelp · not affiliated with TikTok"
    )
    opened = await server.standin.slash(server.guild, moderator, "faqadmin set", key="refund")
    await opened.response()
    assert opened.modal is not None
    labels = [field.label for field in opened.modal.fields]
    assert labels == [
        translated(language, "Title"),
        translated(language, "Aliases (comma-separated)"),
        translated(language, "Answer (Discord Markdown)"),
    ]
    # The form edits the moderator's own language's text, prefilled with it.
    assert opened.modal.field("coinhelp:faq:title").value == title(language, "refund")


async def test_a_language_discord_would_not_offer_is_refused_clearly(server: Server) -> None:
    raw = [
        {"name": "key", "type": 3, "value": "refund"},
        {"name": "language", "type": 3, "value": "xx"},
    ]
    handle = await (
        await server.standin.slash(
            server.guild, server.mod, "faqadmin history", raw_options=raw, channel=server.general
        )
    ).response()
    assert handle.ephemeral
    assert "coinhelp does not speak 'xx'" in handle.content


async def test_topic_autocomplete_shows_titles_in_the_members_language(server: Server) -> None:
    fan = member(server, "pt-BR")
    choices = await server.standin.autocomplete(
        server.guild, fan, "faq", focused="topic", topic="reembolso"
    )
    assert choices and choices[0]["value"] == "refund"
    assert choices[0]["name"].startswith(title("pt-BR", "refund")[:60])


async def test_an_entry_written_only_in_english_says_so_in_the_members_language(
    server: Server,
) -> None:
    """A moderator's own entry has no Portuguese text: a Portuguese member gets the
    English text, with a note in Portuguese saying why."""
    opened = await server.run(server.mod, "faqadmin set", key="meetup", language="en")
    fields = {
        "coinhelp:faq:title": "When is the fan meetup?",
        "coinhelp:faq:aliases": "meetup",
        "coinhelp:faq:body": "Every first Saturday, in #events.",
    }
    await (await opened.submit_modal(fields)).response()
    shown = await server.run(member(server, "pt-BR"), "faq", topic="meetup")
    description = shown.embeds[0]["description"]
    note = translated(
        "pt-BR",
        "This answer isn't written in your language yet, so here it is as it was written.",
    )
    assert description.startswith(f"*{note}*")
    assert description.endswith("Every first Saturday, in #events.")
    english = await server.run(server.alice, "faq", topic="meetup")
    assert english.embeds[0]["description"] == "Every first Saturday, in #events."
