"""Language profiles: what the matcher needs to know of each supported language.

A profile is the language's word splitting (symbols, merged pairs, chat
shorthand, apostrophes), its stop words, its stemmer and its lexicon. English's
is built from data/shorthand.yaml, data/stopwords.yaml and data/lexicon.yaml
with the light stem of `words`, exactly as the English matcher always worked.
Every other language's profile is data/language-<language>.yaml (its header
explains the format) with a Snowball stemmer, on top of English's: fans mix
English into every language ("refund", "gift", "pls", "tik tok"), so English's
stop words, merged pairs, symbols, shorthand (where the language has no meaning
of its own for the word) and lexicon count as well. Profiles are read and
checked once, on first use; a mistake fails loudly, naming the file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import Stemmer  # PyStemmer: the Snowball stemmers, in C

from coinhelp.i18n import LANGUAGES
from coinhelp.matching.calibration import ENGLISH_THRESHOLDS, THRESHOLD_NAMES, Thresholds
from coinhelp.matching.lexicon import (
    ENGLISH_INDEX,
    ENGLISH_LEXICON,
    LEXICON_SECTIONS,
    LexiconIndex,
    parse_lexicon,
)
from coinhelp.matching.words import (
    MERGES,
    SHORTHAND,
    STOPWORDS,
    SYMBOLS,
    WordSplitter,
    read_sections,
    split_words,
    stem,
    words_of,
)

DATA_DIR = Path(__file__).parents[1] / "data"
PROFILE_SECTIONS = frozenset(
    {"stemmer", "apostrophes", "stopwords", "merges", "shorthand", *LEXICON_SECTIONS}
)
OPTIONAL_SECTIONS = frozenset({"calibration"})
STEMS_CACHED = 65536  # per language: people keep using the same words


@dataclass(frozen=True, eq=False, slots=True)
class Profile:
    """One language as the matcher reads it (compared by identity: one per language)."""

    language: str
    split_words: Callable[[str], list[str]]  # a text → its words (see WordSplitter)
    stem: Callable[[str], str]  # a word → its stem
    stopwords: frozenset[str]  # words that say nothing about which entry is meant
    lexicon: LexiconIndex
    thresholds: Thresholds = field(default=ENGLISH_THRESHOLDS)  # when /ask answers


ENGLISH = Profile("en", split_words, stem, STOPWORDS, ENGLISH_INDEX)


def snowball_stem(algorithm: str) -> Callable[[str], str]:
    """Snowball's stemmer `algorithm` for words without accents, as the splitter
    gives them (so that "devolução" and "devolucao" share a stem)."""
    stemmer = Stemmer.Stemmer(algorithm)
    stem_word = stemmer.stemWord

    @functools.lru_cache(maxsize=STEMS_CACHED)
    def stem_folded(word: str) -> str:
        if not word.isalpha():  # numbers, "10k", "2fa"
            return word
        return stem_word(word)

    return stem_folded


def load_profile(path: Path, language: str) -> Profile:
    """The profile in `path` for `language` (not English), checked."""
    data = read_sections(path, set(PROFILE_SECTIONS), OPTIONAL_SECTIONS)
    algorithm = data["stemmer"]
    if algorithm not in Stemmer.algorithms():
        raise ValueError(f"{path}: stemmer: {algorithm!r} is not a Snowball stemmer")
    apostrophes = data["apostrophes"]
    if apostrophes not in ("join", "split"):
        raise ValueError(f"{path}: apostrophes: give 'join' (don't → dont) or 'split' (l'ami)")
    merges = dict(MERGES)
    for pair, merged in _mapping(path, "merges", data["merges"]).items():
        words = words_of(path, f"merges: {pair}", pair)
        into = words_of(path, f"merges: {pair}", merged)
        if len(words) != 2 or len(into) != 1:
            raise ValueError(f"{path}: merges: {pair!r}: give two words and the one they make")
        merges[(words[0], words[1])] = into[0]
    shorthand = dict(SHORTHAND)
    for word, meaning in _mapping(path, "shorthand", data["shorthand"]).items():
        words = words_of(path, f"shorthand: {word}", word)
        if len(words) != 1:
            raise ValueError(f"{path}: shorthand: {word!r}: give one word")
        shorthand[words[0]] = " ".join(words_of(path, f"shorthand: {word}", meaning))
    shorthand = {word: meaning for word, meaning in shorthand.items() if word != meaning}
    splitter = WordSplitter(SYMBOLS, merges, shorthand, apostrophe_splits=apostrophes == "split")
    stopwords = STOPWORDS | frozenset(words_of(path, "stopwords", data["stopwords"]))
    stem_of = snowball_stem(str(algorithm))
    lexicon = parse_lexicon(path, data, ENGLISH_LEXICON.concepts)
    index = LexiconIndex(lexicon, stem_of, ENGLISH_LEXICON)
    thresholds = _thresholds(path, data.get("calibration"))
    return Profile(language, splitter.split, stem_of, stopwords, index, thresholds)


def _thresholds(path: Path, value: object) -> Thresholds:
    """English's thresholds with the `calibration:` section's values instead."""
    if value is None:
        return ENGLISH_THRESHOLDS
    if not isinstance(value, dict):
        raise ValueError(f"{path}: calibration: expected a mapping")
    for name, number in value.items():
        if name not in THRESHOLD_NAMES:
            raise ValueError(
                f"{path}: calibration: {name!r} is not one of {', '.join(THRESHOLD_NAMES)}"
            )
        if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number < 2:
            raise ValueError(f"{path}: calibration: {name}: expected a number between 0 and 2")
    return Thresholds(**{name: float(number) for name, number in value.items()})


def _mapping(path: Path, section: str, value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{path}: {section}: expected a mapping")
    for key, text in value.items():
        if not isinstance(key, str) or not isinstance(text, str):
            raise ValueError(f"{path}: {section}: {key!r}: {text!r}: quote both as text")
    return value


@functools.cache
def profile_for(language: str) -> Profile:
    """The profile of a supported language, read once."""
    if language == ENGLISH.language:
        return ENGLISH
    if language not in LANGUAGES:
        raise ValueError(f"no matcher profile for language {language!r}")
    return load_profile(DATA_DIR / f"language-{language}.yaml", language)
