"""The matcher's data files: the shipped ones load, and a mistake in one stops the
import with a message naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from coinhelp.matching.lexicon import LEXICON_FILE, load_lexicon
from coinhelp.matching.words import (
    SHORTHAND_FILE,
    STOPWORDS,
    STOPWORDS_FILE,
    load_shorthand,
    load_stopwords,
    split_words,
)


def test_the_shipped_files_load() -> None:
    symbols, merges, shorthand = load_shorthand(SHORTHAND_FILE)
    assert symbols["$"] == " dollar " and merges[("tik", "tok")] == "tiktok"
    assert shorthand["2"] == "to" and shorthand["cant"] == "can not"
    assert load_stopwords(STOPWORDS_FILE) == STOPWORDS >= {"the", "lol", "lastweek"}
    lexicon = load_lexicon(LEXICON_FILE)
    assert ("instead", "of") in lexicon.negations and ("no",) in lexicon.negations
    assert ("similar", "to") in lexicon.comparisons
    words = ["can", "not", "you", "pay", "dollar", "5", "on", "tiktok"]
    assert split_words("Can't u pay $5 on Tik Tok?") == words


SHORTHAND = """
symbols: {"$": dollar}
merges: {tik tok: tiktok}
shorthand: {u: you}
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("symbols: {}\nmerges: {}\n", "expected exactly the sections"),
        (SHORTHAND.replace("u: you", "2: to"), "quote both as text"),  # YAML reads 2 as a number
        (SHORTHAND.replace("u: you", "U: you"), "'U' is not lowercase letters and digits"),
        (SHORTHAND.replace("u: you", "u r: you are"), "give one word"),
        (SHORTHAND.replace("tik tok", "tik tok now"), "give two words and the one they make"),
        (SHORTHAND.replace('"$"', '"$$"'), "is not one symbol character"),
        (SHORTHAND.replace("{u: you}", "[u, you]"), "shorthand: expected a mapping"),
        ("symbols: [", "not valid YAML"),
    ],
)
def test_a_bad_shorthand_file_is_refused_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "shorthand.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_shorthand(path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("stopwords: the a\n", "expected exactly the sections"),
        ("stopwords: the a\nfiller:\n", "filler: expected words"),
        ("stopwords: the don't\nfiller: lol\n", '"don\'t" is not lowercase letters and digits'),
    ],
)
def test_a_bad_stopwords_file_is_refused_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "stopwords.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_stopwords(path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


LEXICON = """
anchors: coin
negations: [without, "no"]
comparisons: [like]
concepts:
  refund: {words: refund}
off_topic:
  live: {phrases: [go live]}
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (LEXICON.replace("comparisons: [like]\n", ""), "expected exactly the sections"),
        (LEXICON.replace('"no"', "no"), "negations: expected words, got False"),  # unquoted
        (LEXICON.replace("[like]", "like"), "comparisons: expected a list"),
        (LEXICON.replace("{words: refund}", "{word: refund}"), "give only 'words' and 'phrases'"),
        (LEXICON.replace("{words: refund}", "{words: ''}"), "is empty or listed twice"),
    ],
)
def test_a_bad_lexicon_is_refused_naming_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_lexicon(path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


def test_the_lexicon_the_bad_ones_are_made_from_is_good(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(LEXICON, encoding="utf-8")
    lexicon = load_lexicon(path)
    assert lexicon.negations == (("without",), ("no",))
    assert set(lexicon.concepts) == {"refund", "live"}
