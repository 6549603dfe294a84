"""Which supported language a question is written in, from its own words.

Each language has a table of its most common words with their Zipf
frequencies (coinhelp/data/words/<language>.txt, made by
scripts/make_word_frequencies.py). A question scores, per language, the sum of
its words' frequencies there, a rare floor for a word the language does not
have; the best score wins. Accents are optional (fans often leave them out),
and English words fans mix into every language ("refund", "gift", "live")
weigh little against the language's own small words ("de", "yang", "ich").
The member's Discord locale only breaks near-ties: a Brazilian with an English
client still writes Portuguese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES

WORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "words"
UNKNOWN_WORD = 2.0
"""The Zipf frequency a language gives a word it does not list (rarer than any listed)."""
FOLDED_PENALTY = 0.3
"""A word matched only without its accents counts a little less."""
PREFERRED_BONUS = 0.5
"""What the member's locale adds to its language: enough to break a tie, no more."""

_LETTERS = re.compile(r"[^\W\d_]+")


def fold(word: str) -> str:
    """`word` without accents: "você" → "voce", "größe" → "große"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def letter_words(text: str) -> list[str]:
    """The words of `text` made of letters (any script), lowercased."""
    return _LETTERS.findall(text.casefold())


class LanguageGuesser:
    """Tells which of `tables`' languages a text is written in."""

    def __init__(self, tables: Mapping[str, Mapping[str, float]]) -> None:
        self._tables: dict[str, dict[str, float]] = {}
        for language, table in tables.items():
            known = dict(table)
            for word, zipf in table.items():
                folded = fold(word)
                if folded != word:
                    known[folded] = max(known.get(folded, 0.0), zipf - FOLDED_PENALTY)
            self._tables[language] = known

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._tables)

    def scores(self, text: str, prefer: str | None = None) -> dict[str, float]:
        """Each language's score for `text` (higher: more likely)."""
        words = letter_words(text)
        scores = dict.fromkeys(self._tables, 0.0)
        for language, table in self._tables.items():
            total = 0.0
            for word in words:
                zipf = table.get(word)
                if zipf is None:
                    zipf = table.get(fold(word), UNKNOWN_WORD)
                total += zipf
            scores[language] = total
        if prefer in scores:
            scores[prefer] += PREFERRED_BONUS
        return scores

    def guess(self, text: str, prefer: str | None = None) -> str:
        """The language `text` is most likely written in; `prefer` (the member's
        language) for a text with no words, and to break near-ties."""
        scores = self.scores(text, prefer)
        if not any(scores.values()):
            return prefer if prefer in scores else DEFAULT_LANGUAGE
        return max(scores, key=scores.__getitem__)


def read_table(path: Path) -> dict[str, float]:
    """A words file: `word<TAB>zipf` per line."""
    table: dict[str, float] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        word, _, zipf = line.partition("\t")
        try:
            table[word] = float(zipf)
        except ValueError:
            raise ValueError(f"{path}:{number}: expected 'word<TAB>zipf'") from None
    return table


@cache
def default_guesser() -> LanguageGuesser:
    """The guesser for the supported languages, built once."""
    return LanguageGuesser(
        {language: read_table(WORDS_DIR / f"{language}.txt") for language in LANGUAGES}
    )
