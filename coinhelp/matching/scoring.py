"""Scoring: how well each entry explains a question, as two scores added up.

- the *text score*: the share of the question's units, weighted by idf (so
  "coin" counts little and "vpn" a lot), that the entry's own text explains,
  each term weighted by the field it came from (title and aliases > key and
  keywords > body), plus a bonus when the question covers an entry's title or
  alias. It works from entry text alone, so a server's own entries are found
  as well as the curated ones;
- a *naive Bayes* posterior, P(entry | question), learnt from each entry's
  names, keywords and example questions (`FaqEntry.examples`: questions people
  really asked, shipped with the curated entries). It weighs evidence the way
  people word a situation ("spent 50 bucks", "drunk") and keeps some mass for
  "none of them" (a background class), so a question that fits no entry well
  gets a low posterior everywhere.

A word no entry knows counts against every entry, and an off-topic concept
(going live, other games, editing videos ...: topics the curated FAQ leaves out
on purpose) counts more: that is what turns "anyone up for valorant" or "how do
i add music to my tiktok" into `none` rather than a guess.

Speed: candidates come from inverted indexes of names, keywords and example
questions, and only the leading ones are scored in full, so a call stays cheap
with 10,000 entries (bench/faq.py measures it).
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections import Counter
from collections.abc import Sequence, Set

from coinhelp.faq.entries import FaqEntry
from coinhelp.matching.analysis import EntryAnalysis, example_terms
from coinhelp.matching.calibration import (
    BAYES_ALPHA,
    BAYES_BACKGROUND,
    BAYES_SHARE,
    CONCEPT_CREDIT,
    NAME_BONUS,
    OFF_TOPIC_WEIGHT,
    UNKNOWN_WEIGHT,
)
from coinhelp.matching.lexicon import OFF_TOPIC
from coinhelp.matching.profile import ENGLISH, Profile
from coinhelp.matching.terms import Query

# Bounds that keep a call cheap with 10,000 entries. A term in the names and
# keywords of more entries than COMMON_TERM_MIN and COMMON_TERM_SHARE of them
# ("coin" in a big server) has a tiny idf: it does not pick candidates (the rarer
# terms do), though it still counts in the leaders' full score. Should every term
# be that common, the first POSTINGS_WALK_MAX postings pick them. CANDIDATES: how
# many leaders by the first score are scored in full.
COMMON_TERM_MIN = 200
COMMON_TERM_SHARE = 0.1
POSTINGS_WALK_MAX = 2000
CANDIDATES = 50

_Terms = tuple[tuple[str, float], ...]
"""A unit of a question as (term, value) pairs."""


class Scorer:
    """Scores one set of entries (in a fixed order) against questions.

    Entries are referred to by their index in that order. What reading a question
    needs to know of the entries is public: `idf` (every term any entry uses),
    `postings` (the terms of names and keywords → entries), `example_postings`
    (the terms of example questions → entries) and `unknown_idf` (what a word no
    entry knows weighs).
    """

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        analysed: Sequence[EntryAnalysis],
        profile: Profile = ENGLISH,
    ) -> None:
        self._weights = [item.weights for item in analysed]

        # Document frequency over every field; an inverted index over names and
        # keywords only: they say what an entry is about, and an entry whose body
        # alone matches can never score high enough to be an answer.
        frequency: Counter[str] = Counter()
        postings: dict[str, list[tuple[int, float]]] = {}
        for index, item in enumerate(analysed):
            frequency.update(item.weights.keys())
            for term, weight in item.strong:
                postings.setdefault(term, []).append((index, weight))
        count = len(entries)
        self._count = count
        self.idf = {term: _idf(count, found) for term, found in frequency.items()}
        self.postings = postings
        self.unknown_idf = _idf(count, 1) * UNKNOWN_WEIGHT
        # For the name bonus (see _text_scores): each title's and alias's terms with
        # their summed idf (positive, as every idf is); per term of those, the least
        # such sum among the names that have it (a question sharing only that term
        # covers most of that name); and all those terms.
        self._names = [
            tuple((name, sum(self.idf[term] for term in name)) for name in item.names)
            for item in analysed
        ]
        self._lightest_name: list[dict[str, float]] = []
        for names in self._names:
            lightest: dict[str, float] = {}
            for name, weight in sorted(names, key=operator.itemgetter(1), reverse=True):
                lightest.update(dict.fromkeys(name, weight))  # lighter names come later
            self._lightest_name.append(lightest)
        self._name_terms = [frozenset(lightest) for lightest in self._lightest_name]
        # The keys, for ordering ties; how many entries a term may be in and still
        # pick candidates (see COMMON_TERM_MIN).
        self._keys = [entry.key for entry in entries]
        self._common = max(COMMON_TERM_MIN, int(COMMON_TERM_SHARE * count))
        self._build_bayes(entries, analysed, profile)

    def _build_bayes(
        self, entries: Sequence[FaqEntry], analysed: Sequence[EntryAnalysis], profile: Profile
    ) -> None:
        """Log-ratios for the naive Bayes part, and an index of example questions' terms."""
        # Entries whose example questions use a term: Bayes may propose them even
        # when their names and keywords don't.
        self.example_postings: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            for term in example_terms(entry.examples, profile):
                self.example_postings.setdefault(term, []).append(index)
        # The first CANDIDATES of them, the ones a question's term adds to the leaders.
        self._example_leads = {
            term: tuple(indexes[:CANDIDATES]) for term, indexes in self.example_postings.items()
        }
        background: dict[str, float] = {}
        for item in analysed:
            for term, found in item.counts.items():
                background[term] = background.get(term, 0.0) + found
        self._background = background
        self._vocabulary_size = len(background) + 1
        self._background_total = sum(background.values()) + self._vocabulary_size
        self._count_totals = [
            sum(item.counts.values()) + BAYES_ALPHA * self._vocabulary_size for item in analysed
        ]
        # log P(term | entry) / P(term) for a term the entry never uses; rounded, so
        # that entries of about the same length form one class (see _posterior).
        self._absent = [
            round(math.log(BAYES_ALPHA * self._vocabulary_size / total), 3)
            for total in self._count_totals
        ]
        self._absent_classes = sorted(Counter(self._absent).items())
        # The same, unrounded: what a candidate's own likelihood uses.
        self._absent_exact = [
            math.log(BAYES_ALPHA * self._vocabulary_size / total) for total in self._count_totals
        ]
        # log P(term | entry) / P(term) for each term an entry uses: computed once
        # here rather than on every question.
        alpha_vocabulary = BAYES_ALPHA * self._vocabulary_size
        self._log_ratios: list[dict[str, float]] = []
        for item, denominator in zip(analysed, self._count_totals, strict=True):
            ratios = {}
            for term, found in item.counts.items():
                prior = (background.get(term, 0.0) + 1.0) / self._background_total
                ratios[term] = math.log((found + alpha_vocabulary * prior) / (denominator * prior))
            self._log_ratios.append(ratios)

    def rank(self, query: Query) -> list[tuple[int, float]]:
        """(entry index, score) of the leading entries for the query, best first."""
        scored = self._text_scores(query)
        if not scored:
            return []
        posterior = self._posterior(query, [index for index, _ in scored])
        ranked = [
            (index, score + BAYES_SHARE * probability)
            for (index, score), probability in zip(scored, posterior, strict=True)
        ]
        keys = self._keys
        ranked.sort(key=lambda item: (-item[1], keys[item[0]]))
        return ranked

    def information(self, query: Query) -> float:
        """How much the question says: its units' idf, the way `rank` weighs them."""
        total = 0.0
        for unit in query.units:
            known = [weight * self.idf[term] for term, weight in unit.items() if term in self.idf]
            total += max(known) if known else self.unknown_idf * max(unit.values())
        return max(total, 1e-9)

    def _first_scores(
        self, units: list[_Terms], limit: int, *, truncate: bool = False
    ) -> dict[int, float]:
        """Entry index → score from names and keywords, over terms in at most `limit`
        entries (or, with `truncate`, the first `limit` entries of every term)."""
        all_postings = self.postings

        def walked(term: str) -> Sequence[tuple[int, float]]:
            postings = all_postings.get(term, ())
            if truncate:
                return postings[:limit]
            return postings if len(postings) <= limit else ()

        first: dict[int, float] = {}
        first_of = first.get
        for items in units:
            if len(items) == 1:
                # Most units are one word with no concept: a term lists an entry at
                # most once, and with a positive weight, so its scores go straight to
                # the total.
                ((term, value),) = items
                if value > 0.0:
                    for index, weight in walked(term):
                        first[index] = first_of(index, 0.0) + value * weight
                continue
            best: dict[int, float] = {}  # the unit's best-matching term, per entry
            best_of = best.get
            for term, value in items:
                postings = walked(term)
                if not best and value > 0.0:  # the first term found: nothing to beat yet
                    best = {index: value * weight for index, weight in postings}
                    best_of = best.get
                    continue
                for index, weight in postings:
                    score = value * weight
                    if best_of(index, 0.0) < score:
                        best[index] = score
            for index, value in best.items():
                first[index] = first_of(index, 0.0) + value
        return first

    def _text_scores(self, query: Query) -> list[tuple[int, float]]:
        """(entry index, text score) of the candidate entries for the query."""
        idf = self.idf
        total = 0.0
        units: list[_Terms] = []  # (term, value) per unit the entries know
        for unit in query.units:
            values: dict[str, float] = {}
            for term, weight in unit.items():
                if term in idf:
                    values[term] = weight * idf[term]
            if not values:
                # No entry knows any term of this unit (an unknown word, a concept no
                # entry has): it counts against every entry.
                weight = OFF_TOPIC_WEIGHT if OFF_TOPIC.intersection(unit) else 1.0
                total += weight * self.unknown_idf * max(unit.values())
                continue
            unit_total = max(values.values())
            if len(values) < len(unit) and any(
                term in OFF_TOPIC and term not in idf for term in unit
            ):
                # A topic the FAQ leaves out ("edit a video"), even if a body happens
                # to use the word: it weighs like a word nobody knows.
                total += max(
                    0.0, OFF_TOPIC_WEIGHT * self.unknown_idf * max(unit.values()) - unit_total
                )
            total += unit_total
            # A concept stands for the word the asker typed: matching it is worth at
            # least a share of that word, however common the concept is. (A unit of
            # one term is worth all of it already.)
            if len(values) > 1:
                for term in values:
                    if term.startswith("~"):
                        values[term] = max(values[term], CONCEPT_CREDIT * unit_total)
            units.append(tuple(values.items()))
        if total <= 0:
            return []
        # Candidates and a first score from names and keywords ...
        first = self._first_scores(units, self._common)
        if not first:
            first = self._first_scores(units, POSTINGS_WALK_MAX, truncate=True)
        # ... then the leaders in full, bodies included, with the name bonus: the
        # best by that first score, and entries whose example questions use a term.
        example_leads = self._example_leads
        leaders = dict.fromkeys(
            itertools.chain(
                heapq.nlargest(CANDIDATES, first, key=first.__getitem__),
                *(
                    example_leads[term]
                    for unit in query.units
                    for term in unit
                    if term in example_leads
                ),
            )
        )
        asked = {term for items in units for term, _ in items}
        all_weights = self._weights
        name_terms = self._name_terms
        lightest_name = self._lightest_name
        scored = []
        for index in leaders:
            weights = all_weights[index]
            value = 0.0
            # Each unit adds its best-matching term's value; a term the entry doesn't
            # have adds nothing (and most of them it doesn't have).
            for items in units:
                if len(items) == 1:  # most units: one word with no concept
                    term, asked_value = items[0]
                    if term in weights:
                        value += asked_value * weights[term]
                    continue
                best = 0.0  # no value is negative
                for term, asked_value in items:
                    if term in weights:
                        score = asked_value * weights[term]
                        if score > best:
                            best = score
                value += best
            # The name bonus. Most leaders share one term with their names or none,
            # and one term covers most of the lightest name that has it.
            shared = name_terms[index] & asked
            if not shared:
                cover = 0.0
            elif len(shared) == 1:
                (term,) = shared
                cover = idf[term] / lightest_name[index][term]
            else:
                cover = self._name_cover(index, asked, shared)
            scored.append((index, value / total * (1.0 + NAME_BONUS * cover)))
        return scored

    def _posterior(self, query: Query, candidates: list[int]) -> list[float]:
        """Naive Bayes: P(entry | question) of each candidate (in the same order),
        among all entries and a background class.

        Each entry is a bag of terms from its names, keywords and example questions;
        a unit counts with its best-explained term. The background keeps a share of
        the mass for "none of them", so only a question the entries explain better
        than the FAQ as a whole gets a high posterior.
        """
        unit_items = [tuple(unit.items()) for unit in query.units]
        log_ratios = self._log_ratios
        absent_exact = self._absent_exact
        logs: list[float] = []  # log-likelihood ratio, per candidate
        for index in candidates:
            ratio_of = log_ratios[index].get
            absent = absent_exact[index]  # the log-ratio of a term the entry never uses
            log_likelihood = 0.0
            for items in unit_items:
                if len(items) == 1:  # most units: one word with no concept
                    term, weight = items[0]
                    log_likelihood += weight * ratio_of(term, absent)
                    continue
                best = -math.inf  # the unit's best-explained term
                for term, weight in items:
                    value = weight * ratio_of(term, absent)
                    if value > best:
                        best = value
                log_likelihood += best
            logs.append(log_likelihood)
        # Entries that are not candidates are taken as sharing no term with the
        # question, so their likelihood depends only on their length: summed by
        # length class (all entries, minus the candidates), a call stays cheap with
        # 10,000 entries. The background class ("none of them") explains every term
        # as well as the FAQ as a whole does: its log-ratio is 0.
        absent_weight = sum([min(unit.values()) for unit in query.units])
        top = max(*logs, absent_weight * self._absent_classes[-1][0], 0.0)
        exp = math.exp
        exps = [exp(value - top) for value in logs]
        rest = sum(
            [count * exp(absent_weight * absent - top) for absent, count in self._absent_classes]
        )
        absent_rounded = self._absent
        rest -= sum([exp(absent_weight * absent_rounded[index] - top) for index in candidates])
        background = BAYES_BACKGROUND * self._count * exp(-top)
        norm = sum(exps) + max(rest, 0.0) + background
        return [value / norm for value in exps]

    def _name_cover(self, index: int, asked: set[str], shared: Set[str]) -> float:
        """The share of the entry's best-covered title or alias the query contains
        (`shared`: the terms the query has of any of them)."""
        idf = self.idf
        names = self._names[index]
        if len(shared) == 2:
            # A name has one of the two terms or both. With one, the lightest name
            # that has it covers most; with both, their idf (a sum of two, the same
            # whichever is added first) over the name's.
            first, second = shared
            lightest = self._lightest_name[index]
            best = max(idf[first] / lightest[first], idf[second] / lightest[second])
            both = idf[first] + idf[second]
            for name, weight in names:
                if first in name and second in name and both / weight > best:
                    best = both / weight
            return best
        # Three or more: summed in the order of `name & asked`, as a floating-point
        # sum of three may come out a hair different in another order.
        best = 0.0
        for name, weight in names:
            if weight > 0 and not name.isdisjoint(asked):
                cover = sum(map(idf.__getitem__, name & asked)) / weight
                if cover > best:
                    best = cover
        return best


def _idf(count: int, frequency: int) -> float:
    """Rarer terms count more; BM25's form, always positive."""
    return math.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
