"""The names' index: entries by key, title and alias, for an exact name, a name
starting with what was typed, or names containing its words (autocomplete).

A prefix of one or two letters starts thousands of names among 10,000 entries:
lookups go through sorted lists and word indexes, and only the leading names are
put in order.
"""

from __future__ import annotations

import bisect
import heapq
import operator
from collections.abc import Sequence

from coinhelp.faq.names import name_form
from coinhelp.matching.analysis import EntryAnalysis
from coinhelp.matching.words import WORD_RE

# An unfinished last word that starts at most this many of the names' words is
# looked up through those words; a shorter, commoner start is checked against each
# remaining entry's words instead.
PREFIX_WORDS_MAX = 64


def bare_name(text: str) -> str:
    """A name or question compared as a whole: spacing, case and end punctuation ignored."""
    return name_form(text).strip(" ?!.")


class NameIndex:
    """The names of one set of entries (in a fixed order), referred to by index."""

    def __init__(self, analysed: Sequence[EntryAnalysis], keys: Sequence[str]) -> None:
        """Sorted names for prefix search; name word → entries for word prefixes."""
        self._keys = keys
        names: list[tuple[str, int, int]] = []  # (name, 0 for a key, entry)
        by_word: dict[str, set[int]] = {}
        for index, item in enumerate(analysed):
            names.append((item.forms[0], 0, index))
            names.extend((form, 1, index) for form in item.forms[1:])
            for word in item.form_words:
                by_word.setdefault(word, set()).add(index)
        names.sort()
        self._names_sorted = names
        # The order among names with the same prefix, aligned with _names_sorted.
        self._name_order = [(rank, len(form), index) for form, rank, index in names]
        self._form_words = [item.form_words for item in analysed]
        self._by_word = by_word
        self._words_sorted = sorted(by_word)
        self._by_bare_name: dict[str, int] = {}
        for form, _, index in sorted(names, key=operator.itemgetter(1)):
            self._by_bare_name.setdefault(bare_name(form), index)  # a key wins over an alias

    def named(self, text: str) -> int | None:
        """The entry with a key, title or alias equal to `text` (as `name_form`
        compares names); a key wins over a title or alias, then the first entry."""
        wanted = name_form(text)
        names = self._names_sorted
        found = bisect.bisect_left(names, (wanted,))
        if found < len(names) and names[found][0] == wanted:
            return names[found][2]
        return None

    def asked(self, question: str) -> int | None:
        """The entry a question names outright, end punctuation ignored ("refund?")."""
        return self._by_bare_name.get(bare_name(question))

    def prefixed(self, wanted: str, limit: int) -> list[int]:
        """Entries with a name starting with `wanted`: exact first, keys first, short
        first; at least the first `limit` different entries, when there are that many.
        """
        names = self._names_sorted
        start = bisect.bisect_left(names, (wanted,))
        end = bisect.bisect_left(names, (wanted + "\U0010ffff",), start)
        exact = start
        while exact < end and names[exact][0] == wanted:
            exact += 1
        leading = sorted(self._name_order[start:exact])
        rest = self._name_order[exact:end]
        wanted_count = limit
        while True:  # an entry may have several names here: take more until enough
            chosen = heapq.nsmallest(wanted_count, rest)
            indexes = [index for *_, index in (*leading, *chosen)]
            if len(chosen) == len(rest) or len(set(indexes)) >= limit:
                return indexes
            wanted_count *= 2

    def containing(self, wanted: str) -> list[int]:
        """Entries whose names have every word of `wanted`, the last as a prefix."""
        words = WORD_RE.findall(wanted)
        if not words:
            return []
        *whole, last = words
        found: set[int] = set()
        if whole:
            # The whole words narrow the entries down first; the last one is then
            # looked for among their names' words only (a letter or two starts
            # thousands of words among 10,000 entries).
            by_word = self._by_word
            narrowed = sorted((by_word.get(word, set()) for word in whole), key=len)
            found = set(narrowed[0]).intersection(*narrowed[1:])
            completions = self._completions(last)
            if len(completions) <= PREFIX_WORDS_MAX:
                # Few words start with `last`: their entries, among the narrowed ones.
                found &= set().union(*(by_word[word] for word in completions))
            else:
                form_words = self._form_words
                found = {
                    index
                    for index in found
                    if any(word.startswith(last) for word in form_words[index])
                }
        else:
            for word in self._completions(last):
                found |= self._by_word[word]
        keys = self._keys
        return sorted(found, key=lambda index: keys[index])

    def _completions(self, prefix: str) -> list[str]:
        """The names' words that start with `prefix`."""
        words_sorted = self._words_sorted
        start = bisect.bisect_left(words_sorted, prefix)
        end = bisect.bisect_left(words_sorted, prefix + "\U0010ffff", start)
        return words_sorted[start:end]
