"""What every cog shares: replies, the moderator check and the one error path.

Errors reach users through a single function, `report_error`, used by the
command tree, by every view and by every modal:

- a `UserError` (from the core) or a failed check becomes an ephemeral
  message with its own words;
- anything else is logged with its traceback and a short reference id, and
  the user sees an ephemeral "something went wrong" quoting that id.
"""

from __future__ import annotations

import io
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from coinhelp.errors import InvalidInput, UserError
from coinhelp.i18n import LANGUAGE_NAMES, choose_language, language_of, speak

if TYPE_CHECKING:
    from coinhelp_discord.bot import CoinhelpBot

    Interaction = discord.Interaction[CoinhelpBot]
else:
    Interaction = discord.Interaction

log = logging.getLogger("coinhelp.errors")

_AUTOCOMPLETE = discord.InteractionType.autocomplete
_TREE_TYPES = (discord.InteractionType.application_command, _AUTOCOMPLETE)


def embed_from(parts: dict[str, str], colour: discord.Colour) -> discord.Embed:
    """An embed from a template's blocks: title, description, footer."""
    embed = discord.Embed(
        title=parts.get("title") or None,
        description=parts.get("description") or None,
        colour=colour,
    )
    if parts.get("footer"):
        embed.set_footer(text=parts["footer"])
    return embed


def attachment(interaction: discord.Interaction[Any], data: bytes, filename: str) -> discord.File:
    """`data` as a file for this interaction, or a clear error if Discord would refuse its size."""
    if len(data) > interaction.filesize_limit:
        raise InvalidInput(
            "common.file_too_large", size=len(data), limit=interaction.filesize_limit
        )
    return discord.File(io.BytesIO(data), filename=filename)


async def member_language(interaction: Interaction) -> str:
    """The language to answer this member in (SPEC): their Discord locale when
    coinhelp speaks it, else the server's language, else English."""
    language = language_of(str(interaction.locale))
    if language is not None or interaction.guild_id is None:
        return language or choose_language(None, None)
    settings = await interaction.client.guild_settings.get(interaction.guild_id)
    return choose_language(None, settings.language)


async def speak_to(interaction: Interaction) -> str:
    """Everything rendered for this interaction from now on is in the member's language."""
    language = await member_language(interaction)
    speak(language)
    return language


language_choices = app_commands.choices(
    language=[app_commands.Choice(name=name, value=code) for code, name in LANGUAGE_NAMES.items()]
)
"""Decorator: a command's `language` option offers the supported languages by their own names."""


class NotModerator(app_commands.CheckFailure):
    """The user is neither a Manage Server member nor holds the moderator role."""


async def reply(
    interaction: discord.Interaction[Any], content: str | None = None, **kwargs: Any
) -> discord.InteractionMessage | discord.WebhookMessage | None:
    """Answer an interaction whether or not it was already answered or deferred.

    Ephemeral unless the caller says otherwise. Returns the message sent when
    Discord reports it (a view needs it to disable itself on timeout); taking
    it from the callback's own response saves a second request.
    """
    kwargs.setdefault("ephemeral", True)
    if content is not None:
        kwargs["content"] = content
    if interaction.response.is_done():
        return await interaction.followup.send(**kwargs, wait=True)
    callback = await interaction.response.send_message(**kwargs)
    resource = callback.resource if callback is not None else None
    return resource if isinstance(resource, discord.InteractionMessage) else None


def user_error(error: BaseException) -> UserError | None:
    """What the user should be told about `error`, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.TransformerError):
        # A transformer that raised a UserError explains itself.
        if isinstance(error.__cause__, UserError):
            return error.__cause__
        return InvalidInput("common.invalid_value", value=error.value)
    if isinstance(error, UserError):
        return error
    if isinstance(error, NotModerator):
        return UserError("common.not_moderator")
    if isinstance(error, app_commands.NoPrivateMessage):
        return UserError("common.server_only")
    if isinstance(error, app_commands.MissingPermissions):
        return UserError("common.missing_permissions", permissions=error.missing_permissions)
    if isinstance(error, app_commands.CommandOnCooldown):
        return UserError("common.cooldown", seconds=error.retry_after)
    if isinstance(error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
        return UserError("common.command_changed")
    if isinstance(error, app_commands.CheckFailure):
        return UserError("common.not_here")
    return None


async def report_error(interaction: Interaction, error: BaseException) -> None:
    """Tell the user what went wrong, privately; log bugs with a reference id."""
    await speak_to(interaction)
    told = user_error(error)
    outcome = "user_error" if told is not None else "error"
    interaction.extras["outcome"] = outcome
    if interaction.type not in _TREE_TYPES:  # the tree counts its own (CoinhelpTree._call)
        interaction.client.metrics.interaction_failed(
            interaction.type.value, namespace(interaction), outcome
        )
    if told is None:
        reference = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else "-"
        log.error(
            "unexpected error, reference %s (command %s, guild %s, user %s)",
            reference,
            command,
            interaction.guild_id,
            interaction.user.id,
            exc_info=error,
            extra={"guild_id": interaction.guild_id, "reference": reference},
        )
        told = UserError("common.bug", reference=reference)
    try:
        await reply(interaction, interaction.client.renderer.error(told), ephemeral=True)
    except discord.HTTPException:
        log.warning(
            "could not deliver an error message for interaction %s",
            interaction.id,
            extra={"guild_id": interaction.guild_id},
        )


class CoinhelpTree(app_commands.CommandTree["CoinhelpBot"]):
    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)

    async def _call(self, interaction: Interaction) -> None:
        # discord.py's one entry for slash commands and autocompletes (private,
        # but the only place that sees both end): timed for the metrics.
        started = time.perf_counter()
        outcome = "ok"
        try:
            await speak_to(interaction)
            await super()._call(interaction)
        except app_commands.AppCommandError as exc:  # reported by the caller, on_error
            outcome = "user_error" if user_error(exc) is not None else "error"
            raise
        finally:
            if "outcome" in interaction.extras:
                outcome = interaction.extras["outcome"]
            elif interaction.command_failed and outcome == "ok":
                outcome = "refused"
            kind = "autocomplete" if interaction.type is _AUTOCOMPLETE else "command"
            command = interaction.command.qualified_name if interaction.command else "unknown"
            interaction.client.metrics.interaction_finished(
                kind, command, outcome, time.perf_counter() - started
            )


def namespace(interaction: Interaction) -> str:
    """A component's or form's custom id without its per-message part
    (`coinhelp:goals:leaderboard:...` → `coinhelp:goals:leaderboard`)."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    return ":".join(custom_id.split(":")[:3]) or "unknown"


async def is_moderator(interaction: Interaction) -> bool:
    """Manage Server in this server, or the role set with /coinhelp config."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    # Discord computes the member's permissions into every interaction: no cache needed.
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    settings = await interaction.client.guild_settings.get(interaction.guild_id)
    role_id = settings.moderator_role_id
    return role_id is not None and interaction.user.get_role(role_id) is not None


async def ensure_moderator(interaction: Interaction) -> bool:
    """True for moderators; raises NotModerator for everyone else."""
    if not await is_moderator(interaction):
        raise NotModerator()
    return True


moderator_only = app_commands.check(ensure_moderator)
"""Decorator: the command runs only for moderators (checked in code, every time)."""


class CoinhelpModal(discord.ui.Modal):
    """A modal in the member's language whose errors take the bot's one error path."""

    async def interaction_check(self, interaction: Interaction, /) -> bool:  # type: ignore[override]
        await speak_to(interaction)
        return True

    # discord.py's stubs give Modal.on_error the view signature; a modal has no item.
    async def on_error(  # type: ignore[override]
        self, interaction: Interaction, error: Exception
    ) -> None:
        await report_error(interaction, error)
