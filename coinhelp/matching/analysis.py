"""Entry analysis: what the matcher keeps of one FAQ entry.

Its terms with the weight of the best field they are in (title and aliases >
key and keywords > body), its names' terms for the name bonus, the words a typo
may become, its names as compared for autocomplete, and the term counts the
naive Bayes part learns from (names, keywords and example questions). Cached per
entry (entries are frozen values), so rebuilding a matcher after a moderator's
edit only analyses what changed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.names import name_form
from coinhelp.matching.calibration import (
    BAYES_EXAMPLE,
    BAYES_NAME,
    BODY_WEIGHT,
    KEYWORD_WEIGHT,
    NAME_WEIGHT,
)
from coinhelp.matching.profile import ENGLISH, Profile
from coinhelp.matching.terms import term_weights
from coinhelp.matching.words import WORD_RE

_FAQ_REFERENCE = re.compile(r"`/faq [^`]*`")


@dataclass(frozen=True, slots=True)
class EntryAnalysis:
    """An entry reduced to what the matcher needs."""

    weights: dict[str, float]  # every term → the weight of its best field
    strong: tuple[tuple[str, float], ...]  # terms in names, keywords or the key
    names: tuple[frozenset[str], ...]  # each title's and alias's terms, for the bonus
    words: frozenset[str]  # words of the names, keywords and key: what typos become
    forms: tuple[str, ...]  # key, aliases, title as compared by name_form
    form_words: frozenset[str]  # the words of those, for autocomplete
    counts: dict[str, float]  # term → how often the entry's texts use it (weighted)


@functools.lru_cache(maxsize=20_000)
def analyse(entry: FaqEntry, profile: Profile = ENGLISH) -> EntryAnalysis:
    """What the matcher keeps of `entry`, read as `profile`'s language (cached:
    entries are frozen values)."""
    split_words = profile.split_words
    weights: dict[str, float] = {}
    words: set[str] = set()
    counts: dict[str, float] = {}  # for naive Bayes: names, keywords and examples

    def add(text: str, weight: float) -> frozenset[str]:
        text_words = split_words(text)
        if weight > BODY_WEIGHT:
            words.update(text_words)
        found = term_weights(text_words, profile)
        for term, share in found.items():  # share < 1: negated, as in "without spending"
            if weights.get(term, 0.0) < weight * share:
                weights[term] = weight * share
            if weight > BODY_WEIGHT:
                counts[term] = counts.get(term, 0.0) + BAYES_NAME * share
        return frozenset(found)

    # The key is an identifier ("gift-returns") rather than a description: it counts
    # as a keyword; the title and aliases are the names.
    add(entry.key.replace("-", " "), KEYWORD_WEIGHT)
    names = [add(entry.title, NAME_WEIGHT)]
    names += [add(alias, NAME_WEIGHT) for alias in entry.aliases]
    for keyword in entry.keywords:
        add(keyword, KEYWORD_WEIGHT)
    # Example questions teach the Bayes part only: how people put a situation
    # ("my lil bro spent 50 bucks") is evidence, not the entry's name for itself.
    for example in entry.examples:
        for term, share in term_weights(split_words(example), profile).items():
            counts[term] = counts.get(term, 0.0) + BAYES_EXAMPLE * share
    strong = tuple(weights.items())
    # "See `/faq refund`" points elsewhere: the other topic is not this entry's.
    add(_FAQ_REFERENCE.sub(" ", entry.body), BODY_WEIGHT)
    forms = tuple(name_form(name) for name in (entry.key, *entry.aliases, entry.title))
    return EntryAnalysis(
        weights,
        strong,
        tuple(name for name in names if name),
        frozenset(words),
        forms,
        frozenset(word for form in forms for word in WORD_RE.findall(form)),
        counts,
    )


@functools.lru_cache(maxsize=1024)
def example_terms(examples: tuple[str, ...], profile: Profile = ENGLISH) -> frozenset[str]:
    """Every term of the example questions (cached: few entries have examples)."""
    return frozenset(
        term for text in examples for term in term_weights(profile.split_words(text), profile)
    )


@functools.lru_cache(maxsize=1024)
def example_words(examples: tuple[str, ...], profile: Profile = ENGLISH) -> Counter[str]:
    """In how many of the example questions each word is (cached, like the terms)."""
    return Counter(word for text in examples for word in set(profile.split_words(text)))
