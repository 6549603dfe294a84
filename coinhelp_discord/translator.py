"""Slash-command descriptions in every supported language, from the gettext catalogs.

discord.py asks its Translator for each string of the command tree in each of
Discord's 32 locales when it syncs. Command, group and option names stay
English (SPEC: people share them as typed); descriptions and choice names
(what the member reads in the picker) come from the same catalogs as every
other sentence. Unsupported locales, and strings without a translation, give
None: Discord then shows the English text.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Location

from coinhelp.i18n import DEFAULT_LANGUAGE, DISCORD_LOCALES, Catalogs

log = logging.getLogger(__name__)

NAMES = frozenset({Location.command_name, Location.group_name, Location.parameter_name})
DESCRIPTION_MAX = 100
"""Discord's limit for a description and for a choice's name; a longer one fails the sync."""


class CatalogTranslator(app_commands.Translator):
    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = DISCORD_LOCALES.get(locale.value)
        if language is None or language == DEFAULT_LANGUAGE or context.location in NAMES:
            return None
        translated = self._catalogs.gettext(language, string.message)
        if translated == string.message:
            return None
        if len(translated) > DESCRIPTION_MAX:
            log.warning("%s translation of %r is too long for Discord", language, string.message)
            return None
        return translated


class RecordingTranslator(app_commands.Translator):
    """Notes every string the command tree would have translated (for extracting them
    into the catalogs), translating none."""

    def __init__(self) -> None:
        self.strings: dict[str, set[str]] = {}
        """message → the places it stands (command description, choice name ...)"""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location not in NAMES:
            self.strings.setdefault(string.message, set()).add(context.location.name)
        return None
