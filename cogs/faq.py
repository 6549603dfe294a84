"""/faq, /ask and /faqadmin: answers from the curated FAQ and this server's edits."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, NamedTuple

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import (
    CoinhelpModal,
    Interaction,
    attachment,
    embed_from,
    ensure_moderator,
    language_choices,
    reply,
)
from cogs.views import freed_once_sent, owner_only
from coinhelp.errors import InvalidInput, NotFound
from coinhelp.faq.entries import (
    ALIAS_MAX,
    ALIASES_MAX_COUNT,
    BODY_MAX,
    TITLE_MAX,
    FaqEntry,
    normal_key,
)
from coinhelp.faq.transfer import check_import_size
from coinhelp.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    current_language,
    language_of,
    speak,
    speaking,
)
from coinhelp.matching.language import default_guesser
from coinhelp.render import CHOICES_MAX, EMBED_DESCRIPTION_MAX, Renderer, one_line, split_pages

if TYPE_CHECKING:
    from coinhelp_discord.bot import CoinhelpBot

COLOUR = discord.Colour.from_rgb(37, 244, 238)
HISTORY_PAGE = 8
QUESTION_MAX = 300
ANSWERS_KEPT = 1024  # rendered answers kept (see rendered_answer)
LANGUAGE_OPTION = "Which language's text (default: your Discord language, else English)"


class Faq(commands.Cog):
    """Answers about TikTok coins."""

    def __init__(self, bot: CoinhelpBot) -> None:
        self.bot = bot

    # -- rendering -----------------------------------------------------------

    def answer_embeds(self, entry: FaqEntry, language: str) -> list[discord.Embed]:
        """The entry as embeds, its labels in `language` (the entry's own text is
        already in it, unless borrowed: then a note says so); a body longer than
        one embed continues in the next."""
        answer = rendered_answer(self.bot.renderer, entry, language)
        embeds = [discord.Embed(description=page, colour=COLOUR) for page in answer.pages]
        embeds[0].title = answer.title
        if answer.sources:
            embeds[-1].add_field(name=answer.sources_label, value=answer.sources, inline=False)
        embeds[-1].set_footer(text=answer.footer)
        return embeds

    async def lookup(self, guild_id: int, topic: str, language: str) -> FaqEntry:
        """The entry named by key, title or alias, in `language`; NotFound lists close matches."""
        matcher = await self.bot.faq.matcher(guild_id, language)
        entry = matcher.named(topic)
        if entry is not None:
            return entry
        suggestions = matcher.suggest(topic, limit=3)
        raise NotFound("faq.unknown_topic", topic=topic, suggestions=suggestions)

    async def topic_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        matcher = await self.bot.faq.matcher(interaction.guild_id or 0, current_language())
        return [
            app_commands.Choice(name=one_line(f"{entry.title} · {entry.key}"), value=entry.key)
            for entry in matcher.complete(current, limit=CHOICES_MAX)
        ]

    # -- member commands -----------------------------------------------------

    @app_commands.command(name="faq")
    @app_commands.guild_only()
    @app_commands.describe(topic="An FAQ entry: start typing to see the topics")
    async def faq(self, interaction: Interaction, topic: app_commands.Range[str, 1, 100]) -> None:
        """Show an answer from the TikTok coins FAQ."""
        language = current_language()  # the member's (cogs.common.speak_to)
        entry = await self.lookup(interaction.guild_id or 0, topic, language)
        await interaction.response.send_message(embeds=self.answer_embeds(entry, language))

    @faq.autocomplete("topic")
    async def faq_topic_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.topic_autocomplete(interaction, current)

    @app_commands.command(name="ask")
    @app_commands.guild_only()
    @app_commands.describe(question="Your question about TikTok coins, in your own words")
    async def ask(
        self, interaction: Interaction, question: app_commands.Range[str, 1, QUESTION_MAX]
    ) -> None:
        """Ask a question about TikTok coins in your own words."""
        guild_id = interaction.guild_id or 0
        # SPEC: the answer is in the language the question is written in; the
        # member's own language only breaks ties.
        language = default_guesser().guess(question, prefer=current_language())
        speak(language)
        result = (await self.bot.faq.matcher(guild_id, language)).ask(question)
        if result.kind == "answer":
            embeds = self.answer_embeds(result.entries[0], language)
            await interaction.response.send_message(embeds=embeds)
        elif result.kind == "unsure":
            with freed_once_sent(discord.ui.View(timeout=None)) as view:
                for entry in result.entries[:3]:
                    view.add_item(
                        EntryButton(interaction.user.id, language, entry.key, entry.title)
                    )
                await reply(
                    interaction,
                    self.bot.renderer.text("faq/did_you_mean.j2", question=question),
                    view=view,
                )
        else:
            settings = await self.bot.guild_settings.get(guild_id)
            await reply(
                interaction,
                self.bot.renderer.text(
                    "faq/no_answer.j2", moderator_role_id=settings.moderator_role_id
                ),
            )


class RenderedAnswer(NamedTuple):
    title: str
    pages: tuple[str, ...]
    sources_label: str
    sources: str
    footer: str


@functools.lru_cache(maxsize=ANSWERS_KEPT)
def rendered_answer(renderer: Renderer, entry: FaqEntry, language: str) -> RenderedAnswer:
    """An entry's answer in `language`, rendered once: the text depends on these
    alone, and an edit makes a new entry (FaqEntry is frozen)."""
    with speaking(language):
        parts = renderer.parts("faq/answer.j2", entry=entry)
    pages = tuple(split_pages(parts["description"], EMBED_DESCRIPTION_MAX))
    return RenderedAnswer(
        parts["title"], pages, parts["sources_label"], parts["sources"], parts["footer"]
    )


class EntryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        r"coinhelp:faq:pick:(?P<owner>[0-9]{1,20}):(?P<language>[a-zA-Z-]{2,5})"
        r":(?P<key>[a-z0-9-]{1,50})"
    ),
):
    """A "did you mean" choice: shows that entry in place of the question.

    Its custom id holds who asked, the question's language and the entry's
    key, so the bot keeps nothing per question and the choice works until it
    is used.
    """

    def __init__(self, owner_id: int, language: str, key: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=one_line(label, 80),
                custom_id=f"coinhelp:faq:pick:{owner_id}:{language}:{key}",
                style=discord.ButtonStyle.primary,
            )
        )
        self.owner_id = owner_id
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.key = key

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> EntryButton:
        label = getattr(item, "label", None) or match["key"]
        return cls(int(match["owner"]), match["language"], match["key"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async def show() -> None:
            answers = interaction.client.get_cog(Faq.__cog_name__)
            assert isinstance(answers, Faq)
            speak(self.language)
            entry = await answers.lookup(interaction.guild_id or 0, self.key, self.language)
            await interaction.response.edit_message(
                content=None, embeds=answers.answer_embeds(entry, self.language), view=None
            )

        await owner_only(interaction, self.owner_id, show)


# -- moderators ------------------------------------------------------------------


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FaqAdmin(commands.GroupCog, group_name="faqadmin"):
    """Moderators: adjust this server's FAQ."""

    def __init__(self, bot: CoinhelpBot, answers: Faq) -> None:
        self.bot = bot
        self.answers = answers
        self.history_pages = bot.pagers.add("faqedits", self.history_page, ephemeral=True)

    async def cog_unload(self) -> None:
        self.bot.pagers.pop("faqedits", None)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # Checked in code on every call: default permissions only hide the
        # commands, and servers can change who sees them.
        return await ensure_moderator(interaction)

    async def key_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Every key a moderator can act on here, hidden and deleted ones included."""
        keys = await self.bot.faq.admin_keys(interaction.guild_id or 0, current, limit=CHOICES_MAX)
        return [app_commands.Choice(name=key, value=key) for key in keys]

    @app_commands.command(name="set")
    @app_commands.describe(
        key="The entry to edit, or a new key (lowercase-with-hyphens)",
        language=LANGUAGE_OPTION,
    )
    @app_commands.autocomplete(key=key_autocomplete)
    @language_choices
    async def set_(
        self,
        interaction: Interaction,
        key: app_commands.Range[str, 1, 50],
        language: str | None = None,
    ) -> None:
        """Edit an entry (or add a new one) for this server in a form."""
        key, language = normal_key(key), text_language(interaction, language)
        current = await self.bot.faq.draft(interaction.guild_id or 0, key, language)
        await interaction.response.send_modal(FaqEntryModal(self, key, language, current))

    @app_commands.command(name="remove")
    @app_commands.describe(language=LANGUAGE_OPTION)
    @app_commands.autocomplete(key=key_autocomplete)
    @language_choices
    async def remove(self, interaction: Interaction, key: str, language: str | None = None) -> None:
        """Hide a curated entry, or delete a custom one, in this server."""
        version = await self.bot.faq.remove(
            interaction.guild_id or 0,
            key,
            editor_id=interaction.user.id,
            language=text_language(interaction, language),
        )
        await reply(interaction, self.bot.renderer.text("faq/removed.j2", version=version))

    @app_commands.command(name="reset")
    @app_commands.describe(language=LANGUAGE_OPTION)
    @app_commands.autocomplete(key=key_autocomplete)
    @language_choices
    async def reset(self, interaction: Interaction, key: str, language: str | None = None) -> None:
        """Drop this server's changes to a curated entry; the curated text shows again."""
        version = await self.bot.faq.reset(
            interaction.guild_id or 0,
            key,
            editor_id=interaction.user.id,
            language=text_language(interaction, language),
        )
        await reply(interaction, self.bot.renderer.text("faq/reset.j2", version=version))

    @app_commands.command(name="history")
    @app_commands.describe(language=LANGUAGE_OPTION)
    @app_commands.autocomplete(key=key_autocomplete)
    @language_choices
    async def history(
        self, interaction: Interaction, key: str, language: str | None = None
    ) -> None:
        """Every version of this server's entry: who, when, what changed."""
        state = history_state(text_language(interaction, language), normal_key(key))
        await self.history_pages.start(interaction, state)

    async def history_page(
        self, interaction: Interaction, state: str, index: int
    ) -> tuple[discord.Embed, int]:
        await ensure_moderator(interaction)  # also for page buttons, pressed any time later
        language, key = read_history_state(state)
        versions = await self.bot.faq.history(interaction.guild_id or 0, key, language)
        if not versions:
            raise NotFound("faq.no_edits", key=key)
        pages = [versions[i : i + HISTORY_PAGE] for i in range(0, len(versions), HISTORY_PAGE)]
        index = min(index, len(pages) - 1)
        parts = self.bot.renderer.parts(
            "faq/history.j2", key=key, versions=pages[index], page=index, pages=len(pages)
        )
        return embed_from(parts, COLOUR), len(pages)

    @app_commands.command(name="revert")
    @app_commands.autocomplete(key=key_autocomplete)
    @app_commands.describe(
        version="The version number shown by /faqadmin history", language=LANGUAGE_OPTION
    )
    @language_choices
    async def revert(
        self,
        interaction: Interaction,
        key: str,
        version: app_commands.Range[int, 1, 1_000_000],
        language: str | None = None,
    ) -> None:
        """Restore an earlier version of an entry as a new version."""
        restored = await self.bot.faq.revert(
            interaction.guild_id or 0,
            key,
            version,
            editor_id=interaction.user.id,
            language=text_language(interaction, language),
        )
        await reply(interaction, self.bot.renderer.text("faq/reverted.j2", version=restored))

    @app_commands.command(name="export")
    async def export(self, interaction: Interaction) -> None:
        """This server's FAQ changes as a YAML file."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        header = self.bot.renderer.text("faq/export_header.j2")
        text = await self.bot.faq.export_yaml(interaction.guild_id or 0, header=header)
        file = attachment(interaction, text.encode(), "coinhelp-faq.yaml")
        await reply(interaction, self.bot.renderer.text("faq/exported.j2"), file=file)

    @app_commands.command(name="import")
    @app_commands.describe(file="A YAML file made by /faqadmin export")
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        """Load FAQ entries from a YAML file; a bad file changes nothing."""
        check_import_size(file.size)  # before downloading it
        # Downloading and checking a large file can take longer than Discord's 3 s.
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.faq.import_yaml(
            interaction.guild_id or 0, await file.read(), editor_id=interaction.user.id
        )
        await reply(interaction, self.bot.renderer.text("faq/imported.j2", result=result))


class FaqEntryModal(CoinhelpModal):
    """Title, aliases and body of one entry, prefilled with what the server sees now."""

    def __init__(self, admin: FaqAdmin, key: str, language: str, current: FaqEntry | None) -> None:
        words = admin.bot.renderer.parts("faq/edit_modal.j2", key=key)
        super().__init__(title=words["title"], custom_id="coinhelp:faq:edit")
        self.admin = admin
        self.key = key
        self.language = language
        self.entry_title: discord.ui.TextInput[FaqEntryModal] = discord.ui.TextInput(
            label=words["title_label"],
            custom_id="coinhelp:faq:title",
            default=current.title if current else None,
            max_length=TITLE_MAX,
        )
        self.aliases: discord.ui.TextInput[FaqEntryModal] = discord.ui.TextInput(
            label=words["aliases_label"],
            custom_id="coinhelp:faq:aliases",
            default=", ".join(current.aliases) if current else None,
            required=False,
            max_length=ALIASES_MAX_COUNT * (ALIAS_MAX + 2),  # and ", " between them
        )
        self.body: discord.ui.TextInput[FaqEntryModal] = discord.ui.TextInput(
            label=words["body_label"],
            custom_id="coinhelp:faq:body",
            style=discord.TextStyle.paragraph,
            default=current.body if current else None,
            max_length=BODY_MAX,
        )
        for item in (self.entry_title, self.aliases, self.body):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        aliases = [alias.strip() for alias in self.aliases.value.split(",") if alias.strip()]
        version = await self.admin.bot.faq.set(
            interaction.guild_id or 0,
            self.key,
            title=self.entry_title.value,
            aliases=aliases,
            body=self.body.value,
            editor_id=interaction.user.id,
            language=self.language,
        )
        entry = await self.admin.bot.faq.get(interaction.guild_id or 0, self.key, self.language)
        await interaction.response.send_message(
            self.admin.bot.renderer.text("faq/saved.j2", version=version),
            embeds=self.admin.answers.answer_embeds(entry, self.language),
            ephemeral=True,
        )


def text_language(interaction: Interaction, chosen: str | None) -> str:
    """The language of the text a moderator edits: the one chosen, else their own
    Discord language when coinhelp speaks it, else English (SPEC)."""
    if chosen:
        language = language_of(chosen)
        if language is None:  # Discord offers only the choices; a raw payload may not
            raise InvalidInput(
                "settings.language_unsupported", language=chosen, languages=LANGUAGES
            )
        return language
    return language_of(str(interaction.locale)) or DEFAULT_LANGUAGE


def history_state(language: str, key: str) -> str:
    """A history list's state in its page buttons: the language's number, then the key
    (one character for the language keeps the longest key inside a custom id)."""
    return f"{LANGUAGES.index(language)}{key}"


def read_history_state(state: str) -> tuple[str, str]:
    if not state[:1].isdigit() or int(state[0]) >= len(LANGUAGES) or not state[1:]:
        raise InvalidInput("common.out_of_date")
    return LANGUAGES[int(state[0])], state[1:]


async def setup(bot: CoinhelpBot) -> None:
    bot.add_dynamic_items(EntryButton)
    answers = Faq(bot)
    await bot.add_cog(answers)
    await bot.add_cog(FaqAdmin(bot, answers))
