"""The translation catalogs keep up with the templates and the slash commands.

coinhelp/locales/coinhelp.pot must hold exactly the sentences the bot can show,
and each language's coinhelp.po every one of them. After changing a sentence:
`python scripts/catalogs.py extract`, then `update`, then translate what
`check` lists (coinhelp/locales/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES
from scripts.catalogs import TEMPLATE, extracted, po_path, problems

TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]


def messages(catalog: Catalog) -> set[tuple[object, str | None]]:
    """(msgid, context) of every message; a plural's msgid is (singular, plural)."""
    return {(message.id, message.context) for message in catalog if message.id}


def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


@pytest.fixture(scope="module")
def sentences() -> set[tuple[object, str | None]]:
    return messages(extracted())


def test_the_template_catalog_holds_exactly_the_sentences_shown(
    sentences: set[tuple[object, str | None]],
) -> None:
    saved = messages(read(TEMPLATE))
    assert sorted(sentences - saved, key=str) == [], "run: python scripts/catalogs.py extract"
    assert sorted(saved - sentences, key=str) == [], "run: python scripts/catalogs.py extract"


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_has_every_sentence_and_its_plural_forms(language: str) -> None:
    catalog = read(po_path(language))
    missing = messages(read(TEMPLATE)) - messages(catalog)
    assert sorted(missing, key=str) == [], "run: python scripts/catalogs.py update"
    # The order of the plural forms translators fill in (README.md): Babel's, from CLDR.
    expected = Catalog(locale=language.replace("-", "_"))
    assert (catalog.plural_forms, catalog.num_plurals) == (
        expected.plural_forms,
        expected.num_plurals,
    )


def test_every_language_is_fully_translated() -> None:
    """No sentence falls back to English: none missing, untranslated or fuzzy."""
    assert problems() == []


def test_every_translation_keeps_the_placeholders_of_its_english() -> None:
    """A translation that drops or renames a %(name)s would fail when rendered."""
    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = []
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        with po_path(language).open("rb") as source:
            catalog = read_po(source)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set().union(*(placeholder.findall(text) for text in ids))
            for text in strings:
                if text and not set(placeholder.findall(text)) <= wanted | {"count"}:
                    wrong.append((language, message.id, text))
    assert wrong == []
