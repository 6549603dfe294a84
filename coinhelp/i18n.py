"""The languages coinhelp speaks, which one to answer in, and their catalogs.

    LANGUAGES           en, es, pt-BR, id, de, fr: the FAQ and every sentence
    language_of()       a Discord locale ("es-419", "en-GB") → its language, if supported
    choose_language()   the member's language, else the server's, else English
    format_number()     1,000 / 1.000 / 1 000, as each language writes them
    Catalogs            the gettext catalogs (locales/<language>/LC_MESSAGES/coinhelp.po)
    speak(), speaking() renders from then on, or inside the block, use that language

Every user-facing sentence is an English msgid in a template ({% trans %});
a language's catalog gives its translation. The catalogs are `.po` files read
with Babel when the bot starts, so there is no compiled file to keep in step.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
from collections.abc import Iterator, Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from coinhelp.errors import ConfigError

LANGUAGES = ("en", "es", "pt-BR", "id", "de", "fr")
DEFAULT_LANGUAGE = "en"
DOMAIN = "coinhelp"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"

# Each language by its own name, as moderators pick it in `language:` options.
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "es": "Español",
    "pt-BR": "Português (Brasil)",
    "id": "Bahasa Indonesia",
    "de": "Deutsch",
    "fr": "Français",
}

# Discord's locales (discord.Locale values) for each supported language.
DISCORD_LOCALES: Mapping[str, str] = {
    "en-US": "en",
    "en-GB": "en",
    "es-ES": "es",
    "es-419": "es",
    "pt-BR": "pt-BR",
    "id": "id",
    "de": "de",
    "fr": "fr",
}

# (thousands separator, decimal mark, fewest digits before a separator is used),
# from CLDR: Spanish writes 1000 but 10.000; French groups with a narrow no-break space.
_NUMBER_FORMATS: Mapping[str, tuple[str, str, int]] = {
    "en": (",", ".", 4),
    "es": (".", ",", 5),
    "pt-BR": (".", ",", 4),
    "id": (".", ",", 4),
    "de": (".", ",", 4),
    "fr": ("\u202f", ",", 4),
}


def language_of(locale: str | None) -> str | None:
    """The supported language of a Discord locale (`str(interaction.locale)`), or None."""
    if locale is None:
        return None
    return DISCORD_LOCALES.get(locale) or (locale if locale in LANGUAGES else None)


def choose_language(member_locale: str | None, server_language: str | None) -> str:
    """The member's language when supported, else the server's, else English (SPEC)."""
    return language_of(member_locale) or server_language or DEFAULT_LANGUAGE


def format_number(value: int | float, language: str) -> str:
    """`value` with the language's thousands separator and decimal mark."""
    group, decimal, min_digits = _NUMBER_FORMATS.get(language, _NUMBER_FORMATS["en"])
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    whole, _, fraction = text.partition(".")
    if len(whole.lstrip("-").replace(",", "")) < min_digits:
        whole = whole.replace(",", "")
    whole = whole.replace(",", group)
    return f"{whole}{decimal}{fraction}" if fraction else whole


class Catalogs:
    """Each supported language's translations, read once from `directory`."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translations: dict[str, NullTranslations] = {DEFAULT_LANGUAGE: NullTranslations()}
        for language in LANGUAGES:
            if language == DEFAULT_LANGUAGE:
                continue
            path = directory / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"
            self._translations[language] = _read(path) if path.is_file() else NullTranslations()

    def translations(self, language: str) -> NullTranslations:
        return self._translations.get(language) or self._translations[DEFAULT_LANGUAGE]

    def gettext(self, language: str, message: str) -> str:
        return self.translations(language).gettext(message)


def _read(path: Path) -> Translations:
    try:
        with path.open("rb") as po:
            catalog = read_po(po, domain=DOMAIN)
    except Exception as exc:
        raise ConfigError(f"cannot read the translations {path}: {exc}") from exc
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


_speaking: contextvars.ContextVar[str] = contextvars.ContextVar(
    "coinhelp_language", default=DEFAULT_LANGUAGE
)


def current_language() -> str:
    """The language renders use right now (see `speaking`)."""
    return _speaking.get()


def speak(language: str) -> None:
    """Render in `language` for the rest of the current task.

    discord.py runs each interaction in a task of its own, so the cogs call this
    once when an interaction arrives (cogs.common.speak_to)."""
    _speaking.set(language)


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Inside the block, templates render in `language`."""
    token = _speaking.set(language)
    try:
        yield
    finally:
        _speaking.reset(token)
