"""coinhelp's translation catalogs: extract the English sentences, update each language, check.

    python scripts/catalogs.py extract   the sentences → coinhelp/locales/coinhelp.pot
    python scripts/catalogs.py update    merge the .pot into every language's coinhelp.po
    python scripts/catalogs.py check     fail on a missing, untranslated or fuzzy message

Sentences come from two places. The templates' {% trans %} blocks, read with
Babel's Jinja2 extractor using the same options the bot renders with
(JINJA_OPTIONS, kept in step with coinhelp.render). And the slash commands'
descriptions and choice names, which pybabel cannot see (they are decorator
arguments and docstrings): the real command tree is built and handed a
translator that records every string discord.py asks it for.

A translator edits coinhelp/locales/<language>/LC_MESSAGES/coinhelp.po with
any PO editor; a reworded English sentence turns its translation fuzzy, and
`check` (run by the tests) fails until someone looks at it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from coinhelp.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALES_DIR
from coinhelp.render import JINJA_OPTIONS
from coinhelp.shipped import TEMPLATES_DIR

TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
# A template comment `{# Translators: ... #}` just before a sentence is shown to
# its translators (an auto comment in the catalogs).
COMMENT_TAG = "Translators:"


def po_path(language: str) -> Path:
    return LOCALES_DIR / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def extracted() -> Catalog:
    """Every English sentence the bot can show, as a catalog template."""
    template = Catalog(domain=DOMAIN, project="coinhelp", fuzzy=False)
    options = {key: str(value).lower() for key, value in JINJA_OPTIONS.items()}
    for filename, lineno, message, comments, context in extract_from_dir(
        TEMPLATES_DIR,
        method_map=[("**.j2", "jinja2")],
        options_map={"**.j2": options},
        comment_tags=(COMMENT_TAG,),
        strip_comment_tags=True,
    ):
        template.add(
            message,
            locations=[(f"templates/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    for message, places in sorted(asyncio.run(command_strings()).items()):
        template.add(message, auto_comments=[f"slash command: {', '.join(sorted(places))}"])
    return template


async def command_strings() -> dict[str, set[str]]:
    """Every description and choice name of the slash commands, as Discord would get them."""
    from coinhelp.db import Database
    from coinhelp.faq.curated import load_curated_languages
    from coinhelp.settings import DEFAULT_FAQ_DIR, Settings
    from coinhelp_discord.bot import EXTENSIONS, create_bot
    from coinhelp_discord.translator import RecordingTranslator

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(None, Path(folder) / "db", DEFAULT_FAQ_DIR, "WARNING")
        db = await Database.open(settings.db_path)
        try:
            bot = create_bot(settings, db, load_curated_languages(DEFAULT_FAQ_DIR))
            for extension in EXTENSIONS:
                await bot.load_extension(extension)
            recorder = RecordingTranslator()
            for command in bot.tree.get_commands():
                await command.get_translated_payload(bot.tree, recorder)
            await bot.close()
        finally:
            await db.close()
    return recorder.strings


def extract() -> None:
    template = extracted()  # all of it first: a failure must not leave a truncated .pot
    LOCALES_DIR.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as out:
        write_po(out, template, width=100, omit_header=False, sort_output=False)
    print(f"wrote {TEMPLATE}")


def update() -> None:
    with TEMPLATE.open("rb") as source:
        template = read_po(source)
    if not any(message.id for message in template):
        raise SystemExit(f"{TEMPLATE} has no messages: run extract first")
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        path = po_path(language)
        if path.is_file():
            with path.open("rb") as existing:
                catalog = read_po(existing, locale=language.replace("-", "_"))
        else:
            catalog = Catalog(locale=language.replace("-", "_"), domain=DOMAIN)
        catalog.update(template)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True)
        print(f"updated {path}")


def problems() -> list[str]:
    """What keeps a language from showing every sentence translated."""
    wanted = {message.id for message in extracted() if message.id}
    found: list[str] = []
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        path = po_path(language)
        if not path.is_file():
            found.append(f"{language}: no catalog at {path}")
            continue
        with path.open("rb") as source:
            catalog = read_po(source)
        have = {message.id: message for message in catalog if message.id}
        for msgid in sorted(wanted - set(have), key=str):
            found.append(f"{language}: not in the catalog (run update): {msgid!r}")
        for msgid, message in have.items():
            if msgid not in wanted:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{language}: fuzzy (English changed): {msgid!r}")
            elif not all(strings):
                found.append(f"{language}: untranslated: {msgid!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["extract", "update", "check"])
    action = parser.parse_args(argv).action
    if action == "extract":
        extract()
    elif action == "update":
        update()
    else:
        found = problems()
        for problem in found:
            print(problem)
        print(f"{len(found)} problems")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
