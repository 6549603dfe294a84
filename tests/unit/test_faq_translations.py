"""The curated FAQ in every language: faq/<language>/ folders, checked against the English."""

from __future__ import annotations

from pathlib import Path

import pytest

from coinhelp.errors import ConfigError
from coinhelp.faq.curated import load_curated, load_curated_languages
from coinhelp.faq.names import NameIndex
from coinhelp.faq.translations import number_problems, numbers_in
from coinhelp.i18n import LANGUAGES

FAQ_DIR = Path(__file__).resolve().parents[2] / "faq"

ENTRY = """---
key: {key}
title: {title}
aliases: [{alias}]
keywords: [money back]
sources: ["TikTok Coin Policy"]
checked: 2026-11-20
---
{body}
"""


def write(
    directory: Path,
    key: str,
    *,
    title: str | None = None,
    alias: str | None = None,
    body: str = "Coins cost $0.99 for 65 and $99.99 for 6,607; wait 14 days.",
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = ENTRY.format(
        key=key, title=title or f"About {key}", alias=alias or f"{key} alias", body=body
    )
    (directory / f"{key}.md").write_text(text, encoding="utf-8")


def english_and_spanish(root: Path) -> None:
    for key in ("pricing", "refund"):
        write(root, key)
        write(
            root / "es",
            key,
            title=f"Sobre {key}",
            alias=f"alias de {key}",
            body="Las monedas: US$ 0,99 por 65 y US$ 99,99 por 6.607; espera 14 días.",
        )


# -- the shipped files -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> dict[str, dict[str, object]]:
    return {
        language: dict(entries) for language, entries in load_curated_languages(FAQ_DIR).items()
    }


def test_every_language_ships_every_english_entry(shipped: dict[str, dict[str, object]]) -> None:
    assert list(shipped) == list(LANGUAGES)
    english = shipped["en"]
    for language, entries in shipped.items():
        assert list(entries) == list(english), language
        for entry in load_curated_languages(FAQ_DIR)[language].values():
            assert entry.language == language and entry.fallback_from is None
            assert entry.origin == "curated"


def test_shipped_names_lead_to_one_entry_each_within_a_language() -> None:
    for language, entries in load_curated_languages(FAQ_DIR).items():
        names = NameIndex(entries.values())
        for entry in entries.values():
            assert list(names.clashes(entry.key, entry.title, entry.aliases)) == [], language


def test_load_curated_still_reads_english_only() -> None:
    english = load_curated(FAQ_DIR)
    assert english == dict(load_curated_languages(FAQ_DIR)["en"])


# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "translated"),
    [
        ("6,607 coins", "6.607 monedas"),
        ("6,607 coins", "6 607 pièces"),
        ("6,607 coins", "6\u202f607 pièces"),
        ("6,607 coins", "6607 moedas"),
        ("$0.99", "0,99 US$"),
        ("1,000,000 coins", "1.000.000 Münzen"),
        ("at 18.", "ab 18 Jahren"),
    ],
)
def test_a_number_is_the_same_however_a_language_writes_it(english: str, translated: str) -> None:
    assert number_problems(english, translated) == []


def test_a_number_the_translation_lacks_is_named_as_the_english_writes_it() -> None:
    assert number_problems("$99.99 for 6,607 coins", "99,99 US$ por 6.600 monedas") == [
        "the body lacks the number '6,607' of the English body"
    ]


def test_spaces_join_only_thousands() -> None:
    assert list(numbers_in("steps 1 2 and 3, then 10 000 or 14 days")) == [
        "1",
        "2",
        "3",
        "10000",
        "14",
    ]


# -- bad folders --------------------------------------------------------------------------


def test_a_host_folder_without_languages_loads_english_only(tmp_path: Path) -> None:
    write(tmp_path, "refund")
    assert list(load_curated_languages(tmp_path)) == ["en"]


def test_english_and_one_translation_load_each_in_its_language(tmp_path: Path) -> None:
    english_and_spanish(tmp_path)
    curated = load_curated_languages(tmp_path)
    assert list(curated) == ["en", "es"]
    assert curated["es"]["refund"].title == "Sobre refund"
    assert curated["es"]["refund"].language == "es"


def test_a_language_folder_missing_an_entry_names_the_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    english_and_spanish(tmp_path / "faq")
    (tmp_path / "faq" / "es" / "refund.md").unlink()
    with pytest.raises(ConfigError, match=r"^faq/es/refund\.md: is missing") as caught:
        load_curated_languages(tmp_path / "faq")
    assert len(str(caught.value).splitlines()) == 1


def test_a_language_folder_with_an_extra_entry_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    english_and_spanish(tmp_path / "faq")
    write(tmp_path / "faq" / "es", "sorteos", body="$0.99")
    with pytest.raises(ConfigError, match=r"faq/es/sorteos\.md: there is no English entry"):
        load_curated_languages(tmp_path / "faq")


def test_a_number_that_disagrees_names_the_file_and_the_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    english_and_spanish(tmp_path / "faq")
    write(tmp_path / "faq" / "es", "pricing", body="US$ 0,99 por 65 y US$ 99,99 por 6.607.")
    with pytest.raises(ConfigError) as caught:
        load_curated_languages(tmp_path / "faq")
    assert (
        str(caught.value) == "faq/es/pricing.md: the body lacks the number '14' of the English body"
    )


def test_names_clash_within_a_language_but_may_repeat_across_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    english_and_spanish(tmp_path / "faq")
    # The English alias of refund, as a Spanish alias too: allowed.
    write(tmp_path / "faq" / "es", "refund", title="Reembolsos", alias="refund alias")
    write(
        tmp_path / "faq" / "es",
        "pricing",
        title="Precios",
        alias="Reembolsos",
        body="0,99 65 99,99 6.607 14",
    )
    with pytest.raises(ConfigError) as caught:
        load_curated_languages(tmp_path / "faq")
    assert str(caught.value) == (
        "faq/es/refund.md: title 'Reembolsos' is already used by entry 'pricing'"
    )


def test_a_translation_breaking_the_shared_rules_names_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    english_and_spanish(tmp_path / "faq")
    write(tmp_path / "faq" / "de", "pricing")
    (tmp_path / "faq" / "de" / "refund.md").write_text("no front matter", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_curated_languages(tmp_path / "faq")
    assert str(caught.value).startswith("faq/de/refund.md: the file must start with")


def test_a_language_folder_in_the_wrong_case_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "faq", "refund")
    write(tmp_path / "faq" / "pt-br", "refund")
    with pytest.raises(ConfigError, match=r"faq/pt-br: name the folder 'pt-BR'"):
        load_curated_languages(tmp_path / "faq")
