"""/coinhelp: about the bot, and this server's settings."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import Interaction, embed_from, language_choices, moderator_only
from coinhelp import __version__
from coinhelp.guildsettings import Setting
from coinhelp.i18n import LANGUAGE_NAMES

if TYPE_CHECKING:
    from coinhelp_discord.bot import CoinhelpBot

COLOUR = discord.Colour.from_rgb(254, 44, 85)


@app_commands.guild_only()
class Coinhelp(commands.GroupCog, group_name="coinhelp"):
    """About coinhelp and this server's settings."""

    def __init__(self, bot: CoinhelpBot) -> None:
        self.bot = bot

    @app_commands.command(name="about")
    async def about(self, interaction: Interaction) -> None:
        """Version, uptime, latency and how to get help."""
        latency = self.bot.latency
        entries = await self.bot.faq.entries(interaction.guild_id or 0)
        parts = self.bot.renderer.parts(
            "coinhelp/about.j2",
            version=__version__,
            uptime=format_duration(self.bot.uptime),
            latency_ms=None
            if math.isinf(latency) or math.isnan(latency)
            else round(latency * 1000),
            faq_count=len(entries),
        )
        await interaction.response.send_message(embed=embed_from(parts, COLOUR), ephemeral=True)

    @app_commands.command(name="config")
    @app_commands.rename(announce_channel="announce-channel", moderator_role="moderator-role")
    @app_commands.describe(
        announce_channel="Where milestone and goal-summary announcements are posted",
        moderator_role="Members with this role count as coinhelp moderators",
        language="Announcements, and members whose Discord language coinhelp doesn't speak",
        clear="Put a setting back to its default",
    )
    @language_choices
    @moderator_only
    async def config(
        self,
        interaction: Interaction,
        announce_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
        language: str | None = None,
        clear: Setting | None = None,
    ) -> None:
        """Show or change where announcements go and who counts as a moderator."""
        assert interaction.guild is not None  # guild_only
        store = self.bot.guild_settings
        changed = any(
            value is not None for value in (announce_channel, moderator_role, language, clear)
        )
        if changed:
            settings = await store.update(
                interaction.guild.id,
                announce_channel_id=announce_channel.id if announce_channel else None,
                moderator_role_id=moderator_role.id if moderator_role else None,
                language=language,
                clear=(clear,) if clear else (),
                updated_by=interaction.user.id,
            )
        else:
            settings = await store.get(interaction.guild.id)
        channel = (
            interaction.guild.get_channel(settings.announce_channel_id)
            if settings.announce_channel_id
            else None
        )
        me = interaction.guild.me
        cannot_post = (
            isinstance(channel, discord.TextChannel)
            and me is not None
            and not channel.permissions_for(me).send_messages
        )
        parts = self.bot.renderer.parts(
            "coinhelp/config.j2",
            changed=changed,
            announce_channel_id=settings.announce_channel_id,
            moderator_role_id=settings.moderator_role_id,
            language=LANGUAGE_NAMES.get(settings.language or ""),
            cannot_post=cannot_post,
        )
        await interaction.response.send_message(embed=embed_from(parts, COLOUR), ephemeral=True)


def format_duration(seconds: float) -> str:
    """3725 → '1h 2m 5s'."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    units = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{value}{unit}" for value, unit in units if value] or ["0s"]
    return " ".join(shown[:3])


async def setup(bot: CoinhelpBot) -> None:
    await bot.add_cog(Coinhelp(bot))
