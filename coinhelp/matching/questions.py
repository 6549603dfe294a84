"""Reading a question: each word as typed, corrected or split, then the units
the scoring takes.

A word no entry uses is a typo (corrected by the speller), two words run together
("moneyback"), a word people used in example questions, or a word nobody knows
(which counts against every entry). How each word is read is the same for every
question, and people keep using the same words: readings are kept per matcher.
"""

from __future__ import annotations

import logging
from collections.abc import Container

from coinhelp.matching.calibration import CORRECTED_WEIGHT, NUMBER_WEIGHT
from coinhelp.matching.profile import Profile
from coinhelp.matching.speller import Speller, base_targets
from coinhelp.matching.terms import Query, question_units
from coinhelp.matching.words import NUMBER_RE

log = logging.getLogger(__name__)

# Questions' words read so far (typos looked up, runs split), kept per matcher.
WORD_READINGS_MAX = 4096

Reading = tuple[tuple[str, ...], tuple[float, ...]]
"""A question's word as read: the word(s) it stands for, each with its weight."""


class QuestionReader:
    """Reads questions in `profile`'s language for one set of entries.

    `known_terms`: the terms the entries' texts use; `name_terms`: the terms of
    their names and keywords; `example_terms`: the terms of their example questions.
    """

    def __init__(
        self,
        profile: Profile,
        speller: Speller,
        known_terms: Container[str],
        name_terms: Container[str],
        example_terms: Container[str],
    ) -> None:
        self._profile = profile
        self._split_words = profile.split_words
        self._stem = profile.stem
        self._base_targets = base_targets(profile)
        self._speller = speller
        self._known_terms = known_terms
        self._name_terms = name_terms
        self._example_terms = example_terms
        self.readings: dict[str, Reading] = {}

    def query(self, text: str, *, last_is_prefix: bool = False) -> Query:
        """`text` as units, typos fixed; `last_is_prefix`: the last word is unfinished."""
        words = self._split_words(text)
        unfinished = words.pop() if last_is_prefix and words else None
        readings = self.readings
        fixed: list[str] = []
        weights: list[float] = []
        for word in words:
            read = readings.get(word) or self._read_word(word)
            fixed += read[0]
            weights += read[1]
        if unfinished is not None:
            read = self._read_unfinished(unfinished)
            fixed += read[0]
            weights += read[1]
        units = question_units(fixed, weights, self._name_terms, self._profile)
        return Query([unit for unit in units if max(unit.values()) > 0])

    def _read_word(self, word: str) -> Reading:
        """How a question's word is read: as typed, corrected or split, with its
        weight. The same for every question, so kept (the last WORD_READINGS_MAX)."""
        readings = self.readings
        reading = readings.get(word)
        if reading is not None:
            return reading
        reading = self._read_known(word) or self._read_unknown(word)
        if len(readings) >= WORD_READINGS_MAX:
            readings.clear()
        readings[word] = reading
        return reading

    def _read_unfinished(self, word: str) -> Reading:
        """The last word of a half-typed topic: known, or the word it starts."""
        known = self._read_known(word)
        if known is not None:
            return known
        completed = self._speller.complete(word)
        if completed is not None:
            return (completed,), (CORRECTED_WEIGHT,)
        return self._read_word(word)

    def _read_known(self, word: str) -> Reading | None:
        """A number, a word the entries use, or one from the example questions."""
        if NUMBER_RE.match(word):
            # "6607 coins", "im 15": a number helps when an entry names it (a
            # number in a body, like the 5 of "5 minutes", is no topic); any
            # other number is just an amount and must not sink the question.
            return (word,), (NUMBER_WEIGHT if word in self._name_terms else 0.0,)
        stem = self._stem
        if stem(word) in self._known_terms:
            return (word,), (1.0,)
        if word in self._speller:
            # A word known only from example questions may itself be a typo that
            # people keep making ("suport", "actualy"): read it as the entries' or
            # a stop word when one is a letter away, so it counts like that word.
            named = (
                None if word in self._base_targets else self._speller.correct(word, named_only=True)
            )
            if named is not None and (
                stem(named) in self._known_terms or named in self._profile.stopwords
            ):
                return (named,), (CORRECTED_WEIGHT,)
            return (word,), (1.0,)
        return None

    def _read_unknown(self, word: str) -> Reading:
        """A word neither the entries nor the examples use: a typo, two words run
        together, or a word nobody knows."""
        stem = self._stem
        correction = self._speller.correct(word)
        if correction is None and stem(word) in self._example_terms:
            # A word people used in an example question ("rent", "cousin"): known,
            # though no entry text has it. Checked after typos, as an example may
            # itself have one ("bak" is still "back").
            return (word,), (1.0,)
        if correction is None and stem(word) != word:
            # "folowing": its stem "folow" lacks a letter of "follow". Only a
            # left-out letter: "crash" is not "cash".
            correction = self._speller.correct(stem(word), inserted_only=True)
        if correction is not None:
            log.debug("read %r as %r", word, correction)
            return (correction,), (CORRECTED_WEIGHT,)
        halves = self._speller.split(word)
        if halves is not None:
            return halves, (CORRECTED_WEIGHT, CORRECTED_WEIGHT)
        return (word,), (1.0,)  # unknown: its unit counts against every entry
