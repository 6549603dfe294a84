"""Terms: what a text says, as light stems and concepts.

An entry's text becomes its terms with their weights (`term_weights`); a question
becomes *units* (`question_units`): one per meaningful word (its stem or any of its
concepts may match) and one per phrase. Words after "without", "no" or "instead
of" count less (they say what is *not* meant), and so does a word a question
compares with ("do coins work like vbucks"), which also loses its off-topic
concept: a comparison is not the topic.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from coinhelp.matching.calibration import NEGATED_WEIGHT
from coinhelp.matching.lexicon import AGE_NUMBER, OFF_TOPIC
from coinhelp.matching.profile import ENGLISH, Profile

_NEGATED_SPAN = 2  # meaningful words


def _phrase_end(words: list[str], stems: list[str], start: int, parts: tuple[str, ...]) -> int:
    """Where the phrase `parts` starting at `start` ends (exclusive), or -1."""
    position = start
    for index, part in enumerate(parts):
        if part == "*":
            continue
        gap = 2 if index > 0 and parts[index - 1] == "*" else 0
        for candidate in range(position, min(position + gap + 1, len(words))):
            if (part == "<num>" and AGE_NUMBER.match(words[candidate])) or (
                stems[candidate] == part
            ):
                position = candidate + 1
                break
        else:
            return -1
    return position


def _negated(words: list[str], profile: Profile) -> set[int]:
    """Positions of the meaningful words a negation applies to."""
    negated: set[int] = set()
    starts, stopwords = profile.lexicon.negation_starts, profile.stopwords
    for start, word in enumerate(words):
        if word not in starts:
            continue
        for trigger in profile.lexicon.negations:
            if tuple(words[start : start + len(trigger)]) != trigger:
                continue
            taken = 0
            for position in range(start + len(trigger), len(words)):
                if words[position] in stopwords:
                    continue
                negated.add(position)
                taken += 1
                if taken == _NEGATED_SPAN:
                    break
    return negated


def _compared(words: list[str], profile: Profile) -> set[int]:
    """Positions of the meaningful words a comparison applies to."""
    compared: set[int] = set()
    starts, stopwords = profile.lexicon.comparison_starts, profile.stopwords
    for start, word in enumerate(words):
        if word not in starts:
            continue
        for trigger in profile.lexicon.comparisons:
            end = start + len(trigger)
            if (
                tuple(words[start:end]) == trigger
                and end < len(words)
                and words[end] not in stopwords
            ):
                compared.add(end)
    return compared


def _meaningful(
    words: list[str], profile: Profile
) -> tuple[list[tuple[int, str, set[str]]], list[tuple[str, int, int]]]:
    """The meaningful words as (position, stem, concepts); the phrases as (concept,
    start, end)."""
    stems = list(map(profile.stem, words))
    present = frozenset(stems)
    content: list[tuple[int, str, set[str]]] = []
    phrases: list[tuple[str, int, int]] = []
    stopwords = profile.stopwords
    lexicon = profile.lexicon
    phrases_by_start = lexicon.phrases_by_start
    for position, word in enumerate(words):
        word_stem = stems[position]
        if word not in stopwords:
            content.append((position, word_stem, lexicon.concepts_of(word, word_stem)))
        first = "<num>" if word[0].isdigit() and AGE_NUMBER.match(word) else word_stem
        for phrase in phrases_by_start.get(first, ()):
            if not phrase.needs <= present:
                continue
            end = _phrase_end(words, stems, position, phrase.parts)
            if end >= 0:
                phrases.append((phrase.concept, position, end))
    return content, phrases


def term_weights(words: list[str], profile: Profile = ENGLISH) -> dict[str, float]:
    """Every term in `words` (stems and concepts) with its weight: 1, less if negated;
    `words` as `profile` splits a text."""
    content, phrases = _meaningful(words, profile)
    lexicon = profile.lexicon
    negated = _negated(words, profile) if lexicon.negation_starts.intersection(words) else set()
    weights: dict[str, float] = {}
    for position, word_stem, concepts in content:
        weight = NEGATED_WEIGHT if position in negated else 1.0
        for term in (word_stem, *concepts):
            if weights.get(term, 0.0) < weight:
                weights[term] = weight
    for concept, _, _ in phrases:
        weights[concept] = 1.0
    return weights


def question_units(
    words: list[str],
    weights: list[float] | None = None,
    vocabulary: Container[str] | None = None,
    profile: Profile = ENGLISH,
) -> list[dict[str, float]]:
    """What a question says, as units of alternatives (term → weight), any of which
    may match.

    Each meaningful word gives a unit: its stem and the concepts the word stands
    for. Each phrase gives a unit with its concept. Units that share a term are
    merged, so "my fav creator" says ~creator once and a repeated word counts once.
    `weights` scale each word's unit (typo-corrected words count a little less).
    With a `vocabulary` of known terms, a word that only matters as part of a
    phrase ("little" in "little brother") gives no unit of its own.
    """
    content, phrases = _meaningful(words, profile)
    lexicon = profile.lexicon
    negated = _negated(words, profile) if lexicon.negation_starts.intersection(words) else set()
    compared = _compared(words, profile) if lexicon.comparison_starts.intersection(words) else set()
    in_phrase = {n for _, start, end in phrases for n in range(start, end)}
    units: list[dict[str, float]] = [{concept: 1.0} for concept, _, _ in phrases]
    for position, word_stem, concepts in content:
        weight = weights[position] if weights else 1.0
        if position in negated:
            weight *= NEGATED_WEIGHT
        if position in compared and OFF_TOPIC.intersection(concepts):
            concepts = concepts - OFF_TOPIC
            weight *= NEGATED_WEIGHT
        if (
            vocabulary is not None
            and position in in_phrase
            and not concepts
            and word_stem not in vocabulary
        ):
            continue
        units.append(dict.fromkeys((word_stem, *concepts), weight))
    return _merge_overlapping(units)


def _merge_overlapping(units: list[dict[str, float]]) -> list[dict[str, float]]:
    """Units sharing a term, merged into one (each term keeps its highest weight)."""
    merged: list[dict[str, float]] = []
    owner: dict[str, int] = {}  # term → index in merged
    for unit in units:
        if owner.keys().isdisjoint(unit):  # the usual case: a group of its own
            for term in unit:
                owner[term] = len(merged)
            merged.append(dict(unit))
            continue
        into, *others = sorted({owner[term] for term in unit if term in owner})
        for other in others:  # fold the other groups into the first
            for term, weight in merged[other].items():
                merged[into][term] = max(merged[into].get(term, 0.0), weight)
            merged[other] = {}
        for term, weight in unit.items():
            merged[into][term] = max(merged[into].get(term, 0.0), weight)
        for term in merged[into]:
            owner[term] = into
    return [unit for unit in merged if unit]


@dataclass(frozen=True, slots=True)
class Query:
    """A question as the scoring reads it."""

    units: list[dict[str, float]]  # per unit: term → weight of the word behind it
