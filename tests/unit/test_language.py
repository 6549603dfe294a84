"""Which language a question is written in, and the language rules of SPEC."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coinhelp.i18n import LANGUAGES, choose_language, format_number, language_of
from coinhelp.matching.language import default_guesser

QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "questions"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("¿cómo puedo recargar monedas en tiktok?", "es"),
        ("quanto custa 1000 moedas", "pt-BR"),
        ("umur berapa boleh beli koin", "id"),
        ("kann ich coins über die website kaufen", "de"),
        ("est-ce que les pièces expirent", "fr"),
        ("can i get a refund", "en"),
        ("vc sabe se da pra pedir refund das coins", "pt-BR"),
        ("gmn cara top up koin lewat web", "id"),
    ],
)
def test_a_question_is_read_in_its_own_language_whatever_the_client(
    question: str, language: str
) -> None:
    assert default_guesser().guess(question, prefer="en") == language
    assert default_guesser().guess(question, prefer="fr" if language != "fr" else "de") == language


def test_the_locale_decides_when_the_words_do_not() -> None:
    assert default_guesser().guess("refund?", prefer="fr") == "fr"
    assert default_guesser().guess("🙏", prefer="id") == "id"
    assert default_guesser().guess("", prefer=None) == "en"


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_the_blind_questions_are_read_in_their_language(split: str) -> None:
    """Every blind question of each language, asked by a member whose client is
    in English (the hardest case: the locale pulls the wrong way)."""
    wrong = []
    total = 0
    for language in LANGUAGES:
        questions = yaml.safe_load((QUESTIONS / f"{language}.yaml").read_text("utf-8"))
        for item in questions["questions"]:
            if item["split"] != split:
                continue
            total += 1
            guessed = default_guesser().guess(item["q"], prefer="en")
            if guessed != language:
                wrong.append((language, guessed, item["q"]))
    assert total > 140
    assert len(wrong) <= total * 0.02, wrong


@pytest.mark.parametrize(
    ("locale", "server", "expected"),
    [
        ("pt-BR", None, "pt-BR"),
        ("es-419", "de", "es"),
        ("en-GB", "fr", "en"),
        ("ja", "fr", "fr"),
        ("ja", None, "en"),
        (None, None, "en"),
    ],
)
def test_the_member_locale_then_the_server_language_then_english(
    locale: str | None, server: str | None, expected: str
) -> None:
    assert choose_language(locale, server) == expected


def test_only_supported_locales_have_a_language() -> None:
    assert language_of("es-ES") == language_of("es-419") == "es"
    assert language_of("pt-PT") is None
    assert language_of("zh-CN") is None


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "44,999"),
        ("es", "44.999"),
        ("pt-BR", "44.999"),
        ("de", "44.999"),
        ("fr", "44\u202f999"),
    ],
)
def test_numbers_are_written_as_each_language_writes_them(language: str, shown: str) -> None:
    assert format_number(44_999, language) == shown


def test_spanish_leaves_four_digit_numbers_ungrouped() -> None:
    assert format_number(1000, "es") == "1000"
    assert format_number(1000, "pt-BR") == "1.000"
