"""The speller: a question's word no entry uses, corrected to the word it most
likely meant, or split into two words run together ("moneyback").

Symmetric-delete lookup (one edit, two for long words; swapping two neighbours
counts as one), then a check that the correction is plausible.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Iterable, Iterator

from coinhelp.matching.profile import Profile


def _deletes(word: str) -> Iterator[str]:
    for index in range(len(word)):
        yield word[:index] + word[index + 1 :]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from a to b; limit+1 if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before_previous, previous = previous, current
    return previous[-1]


def _index_deletes(words: Iterable[str]) -> dict[str, list[str]]:
    """Symmetric-delete index: each word and each one-letter deletion → the words."""
    index: dict[str, list[str]] = {}
    for word in words:
        if len(word) < 3 or not word.isalpha():
            continue
        index.setdefault(word, []).append(word)
        for deleted in set(_deletes(word)):
            index.setdefault(deleted, []).append(word)
    return index


@functools.cache
def base_targets(profile: Profile) -> frozenset[str]:
    """The words every matcher of a language corrects typos to: the lexicon's and the
    stop words."""
    return profile.lexicon.words | profile.stopwords


@functools.cache
def _base_deletes(profile: Profile) -> dict[str, list[str]]:
    """The base targets' symmetric-delete index, built once per language."""
    return _index_deletes(base_targets(profile))


class Speller:
    """Corrects a word to the closest target word: symmetric-delete lookup, then a check.

    Targets are the entries' name and keyword words (`counts`: in how many entries)
    and the lexicon's and stop words of `profile`'s language, so "teh" is not a
    mystery word.
    """

    def __init__(self, counts: Counter[str], profile: Profile) -> None:
        base = base_targets(profile)
        self._stopwords = profile.stopwords
        self._base_deletes = _base_deletes(profile)
        self.frequency: dict[str, float] = dict.fromkeys(base, 0.5)
        for word, count in counts.items():
            self.frequency[word] = self.frequency.get(word, 0.0) + count
        self.deletes = _index_deletes(word for word in counts if word not in base)
        self.sorted_words = sorted(word for word in self.frequency if word.isalpha())

    def __contains__(self, word: object) -> bool:
        return word in self.frequency

    def correct(
        self, word: str, *, inserted_only: bool = False, named_only: bool = False
    ) -> str | None:
        """The target word `word` most likely meant, or None when nothing is close enough.

        `inserted_only`: only a word that `word` left one letter out of; `named_only`:
        only a word of the entries' texts or the lexicon, not one known from example
        questions alone.
        """
        if len(word) < 3 or not word.isalpha():
            return None
        limit = 1 if len(word) < 8 else 2
        keys = {word, *_deletes(word)}
        if limit == 2:
            keys |= {twice for once in _deletes(word) for twice in _deletes(once)}
        best: tuple[int, bool, float, str] | None = None
        base_deletes = self._base_deletes
        for key in keys:
            for candidate in (*base_deletes.get(key, ()), *self.deletes.get(key, ())):
                if inserted_only and len(candidate) != len(word) + 1:
                    continue
                if named_only and (candidate == word or not self.frequency[candidate]):
                    continue
                distance = edit_distance(word, candidate, limit)
                if distance > limit or not self._plausible(word, candidate, distance):
                    continue
                # Among equally close words prefer one the typo left a letter out of
                # (hackd → hacked rather than hack): people drop letters more often.
                rank = (
                    distance,
                    len(candidate) <= len(word),
                    -self.frequency[candidate],
                    candidate,
                )
                if best is None or rank < best:
                    best = rank
        return best[3] if best else None

    @staticmethod
    def _plausible(word: str, candidate: str, distance: int) -> bool:
        # Short words are too easily another word: "shop" is not "show", "died" is
        # not "did". Trust them only with a letter left out (bak → back) or two
        # letters swapped. Longer words keep their first letter, which people
        # rarely get wrong, unless the one edit is a swap.
        if len(word) <= 4:
            return len(candidate) == len(word) + 1 or sorted(candidate) == sorted(word)
        if word[0] != candidate[0]:
            return distance == 1 and sorted(candidate) == sorted(word)
        return True

    def split(self, word: str) -> tuple[str, str] | None:
        """Two target words run together ("moneyback"), or None."""
        if len(word) < 6 or not word.isalpha():
            return None
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if self._part(left) and self._part(right):
                return left, right
        return None

    def _part(self, word: str) -> bool:
        # A short stop word is too easily a piece of something else: "bitcoin" is
        # not "bit coin".
        return word in self.frequency and (len(word) > 3 or word not in self._stopwords)

    def complete(self, prefix: str) -> str | None:
        """The most common target word starting with `prefix`, or None."""
        start = bisect.bisect_left(self.sorted_words, prefix)
        best: tuple[float, str] | None = None
        for word in self.sorted_words[start:]:
            if not word.startswith(prefix):
                break
            if best is None or self.frequency[word] > best[0]:
                best = (self.frequency[word], word)
        return best[1] if best else None
