"""Words: a text split into lowercase words, symbols spelled out, chat shorthand
expanded; the stop words; English's light stem.

The English word tables are data, read and checked once at import:
data/shorthand.yaml (symbols, merged pairs, shorthand) and data/stopwords.yaml;
the other languages' tables are in their profiles (`profile`), which build their
own `WordSplitter` from the same pieces.

Entries and questions go through the same steps, so that "don't", "dont" and "do
not" meet, "$5" says dollar, "tik tok" is one word, and coins/coin meet. Words
are letters and digits of any script with their accents dropped: fans often
leave accents out, so "devolução" and "devolucao" must be one word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parents[1] / "data"
SHORTHAND_FILE = DATA_DIR / "shorthand.yaml"  # symbols, merged pairs, chat shorthand
STOPWORDS_FILE = DATA_DIR / "stopwords.yaml"  # stop words and chat filler

WORD_RE = re.compile(r"[^\W_]+")  # letters and digits of any script
NUMBER_RE = re.compile(r"^[0-9]+[ks]?$")  # 6607, 10k, 18s


def read_sections(
    path: Path, sections: set[str], optional: frozenset[str] = frozenset()
) -> dict[str, object]:
    """The YAML file `path` as its top-level sections, which must be `sections`
    (plus any of `optional`)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not sections <= set(data) <= sections | optional:
        raise ValueError(f"{path}: expected exactly the sections {', '.join(sorted(sections))}")
    return data


def fold(text: str) -> str:
    """`text` in lowercase without accents: "Você" → "voce", "Größe" → "grosse"."""
    text = text.casefold()
    if text.isascii():  # most text: nothing to drop
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char))


def words_of(path: Path, where: str, text: object) -> list[str]:
    """`text` as its words, each lowercase letters and digits (the only words a text
    is split into), at least one; accents dropped, as `WordSplitter` drops them."""
    if not isinstance(text, str) or not text.split():
        raise ValueError(f"{path}: {where}: expected words, got {text!r} (quote it?)")
    words = text.split()
    for word in words:
        if not WORD_RE.fullmatch(word) or word != word.lower():
            raise ValueError(f"{path}: {where}: {word!r} is not lowercase letters and digits")
    return [fold(word) for word in words]


def _pairs(path: Path, section: str, value: object) -> list[tuple[str, str]]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{path}: {section}: expected a mapping")
    for key, text in value.items():
        if not isinstance(key, str) or not isinstance(text, str):
            raise ValueError(f"{path}: {section}: {key!r}: {text!r}: quote both as text")
    return list(value.items())


def load_shorthand(
    path: Path,
) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, str]]:
    """The symbols, merged pairs and shorthand in `path`, checked: a mistake there must
    fail loudly, at import."""
    data = read_sections(path, {"symbols", "merges", "shorthand"})
    symbols: dict[str, str] = {}
    for symbol, spelled in _pairs(path, "symbols", data["symbols"]):
        if len(symbol) != 1 or symbol.isalnum() or symbol.isspace():
            raise ValueError(f"{path}: symbols: {symbol!r} is not one symbol character")
        # Spaced: "$5" reads as two words, "dollar 5".
        symbols[symbol] = f" {' '.join(words_of(path, f'symbols: {symbol}', spelled))} "
    merges: dict[tuple[str, str], str] = {}
    for pair, merged in _pairs(path, "merges", data["merges"]):
        words = words_of(path, f"merges: {pair}", pair)
        into = words_of(path, f"merges: {pair}", merged)
        if len(words) != 2 or len(into) != 1:
            raise ValueError(f"{path}: merges: {pair!r}: give two words and the one they make")
        merges[(words[0], words[1])] = into[0]
    shorthand: dict[str, str] = {}
    for word, meaning in _pairs(path, "shorthand", data["shorthand"]):
        if len(words_of(path, f"shorthand: {word}", word)) != 1:
            raise ValueError(f"{path}: shorthand: {word!r}: give one word")
        shorthand[word] = " ".join(words_of(path, f"shorthand: {word}", meaning))
    return symbols, merges, shorthand


def load_stopwords(path: Path) -> frozenset[str]:
    """The stop words and chat filler in `path`, checked like the shorthand."""
    data = read_sections(path, {"stopwords", "filler"})
    stopwords = words_of(path, "stopwords", data["stopwords"])
    filler = words_of(path, "filler", data["filler"])
    return frozenset(stopwords) | frozenset(filler)


class WordSplitter:
    """Splits a text into words the way one language's chat writes them.

    `symbols`: a symbol → its words, spaced; `merges`: two words that are one
    thing; `shorthand`: a word → what it stands for; `apostrophe_splits`: whether
    an apostrophe separates words ("l'argent") rather than joins them ("don't").
    """

    def __init__(
        self,
        symbols: Mapping[str, str],
        merges: Mapping[tuple[str, str], str],
        shorthand: Mapping[str, str],
        *,
        apostrophe_splits: bool = False,
    ) -> None:
        self._symbols = dict(symbols)
        self._merges = dict(merges)
        self._merge_seconds = frozenset(second for _, second in merges)
        self._shorthand = dict(shorthand)
        self._symbol_re = re.compile("|".join(re.escape(symbol) for symbol in symbols))
        self._apostrophe = " " if apostrophe_splits else ""

    def split(self, text: str) -> list[str]:
        """Lowercase words of `text` with symbols spelled out and shorthand expanded."""
        text = fold(text)  # café → cafe
        apostrophe = self._apostrophe
        text = text.replace("'", apostrophe).replace("’", apostrophe)  # don't → dont
        symbols = self._symbols
        text = self._symbol_re.sub(lambda match: symbols[match.group()], text)
        merged: list[str] = WORD_RE.findall(text)
        if not self._merge_seconds.isdisjoint(merged):  # rare: most text has no pair to merge
            merges = self._merges
            found, merged = merged, []
            for word in found:
                if merged and word in self._merge_seconds and (merged[-1], word) in merges:
                    merged[-1] = merges[(merged[-1], word)]
                else:
                    merged.append(word)
        shorthand = self._shorthand
        if shorthand.keys().isdisjoint(merged):  # no shorthand either (common)
            return merged
        words: list[str] = []
        for word in merged:
            expanded = shorthand.get(word)
            if expanded is None:
                words.append(word)
            else:
                words.extend(expanded.split())
        return words


# Chat shorthand → what it stands for, applied to single words before anything
# else; word pairs that are one thing, merged before that; symbols that carry
# meaning in a question about money.
SYMBOLS, MERGES, SHORTHAND = load_shorthand(SHORTHAND_FILE)

# Words that say nothing about which entry is meant, including chat filler and
# verbs every question has ("how does it work", "can someone explain").
STOPWORDS = load_stopwords(STOPWORDS_FILE)

# English: lowercase words of a text with symbols spelled out and shorthand expanded.
split_words = WordSplitter(SYMBOLS, MERGES, SHORTHAND).split


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English's light stem: enough to make coins/coin, expired/expires and sharing/share meet."""
    if not word.isalpha():
        return word
    if len(word) <= 3:
        # use/used/uses and age/aged/ages must meet: their longer forms lose the "e".
        return word[:-1] if len(word) == 3 and word.endswith("e") else word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith("ed"):
        word = _undouble(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) >= 3:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    # shipping → shipp → ship; but keep "ll", "ss" (sell, pass) as they are.
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word
