"""The matcher: a question's answer (/ask) and topics for a half-typed name (/faq).

`Matcher.ask` reads the question (`questions`), ranks the entries (`scoring`),
and decides: the best score and its margin over the runner-up decide between
answer, unsure and none; a question that names the FAQ's subject (coins, gifts,
diamonds, refunds, goals, or a concept such as buying, a pack, a gift or
spending) and nothing off-topic needs a weaker match than small talk does.
`Matcher.complete` and `Matcher.suggest` go through the names' index
(`names`), then fall back on the same scoring for typos.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.names import name_form
from coinhelp.matching.analysis import EntryAnalysis, analyse, example_words
from coinhelp.matching.calibration import EXAMPLE_WORD_MIN, FUZZY_MIN, FUZZY_SHARE
from coinhelp.matching.lexicon import OFF_TOPIC
from coinhelp.matching.names import NameIndex
from coinhelp.matching.profile import Profile, profile_for
from coinhelp.matching.questions import QuestionReader
from coinhelp.matching.scoring import Scorer
from coinhelp.matching.speller import Speller
from coinhelp.matching.terms import Query

Kind = Literal["answer", "unsure", "none"]


@dataclass(frozen=True, slots=True, repr=False)
class AskResult:
    """What `Matcher.ask` concluded.

    `entries` are the candidate entries, best first: one for "answer", two or three
    for "unsure" (one if only one entry is a candidate), none for "none". `scores`
    are their scores (0 to about 2: the text score, up to about 1.2, plus 0.7 times
    the Bayes posterior; an exact name scores 1.0), for logs and debugging.
    """

    kind: Kind
    entries: tuple[FaqEntry, ...]
    scores: tuple[float, ...] = ()

    @property
    def candidates(self) -> tuple[str, ...]:
        """The candidate entries' keys, best first."""
        return tuple([entry.key for entry in self.entries])

    def __repr__(self) -> str:  # keys rather than whole entries, for logs
        return f"AskResult({self.kind!r}, {self.candidates!r}, {self.scores!r})"


class Matcher:
    """Answers questions and completes topics over one server's FAQ entries in one
    language (`language`: one of coinhelp.i18n.LANGUAGES; the entries and the
    questions are in it, plus the English words fans mix in).

    Build a new one when the entries change; it keeps no reference to the caller's
    collection.
    """

    def __init__(self, entries: Iterable[FaqEntry], language: str = "en") -> None:
        self.entries: list[FaqEntry] = list(entries)
        profile = profile_for(language)
        self.language = language
        analysed = [analyse(entry, profile) for entry in self.entries]
        self._scorer = Scorer(self.entries, analysed, profile)
        self._postings = self._scorer.postings
        self._anchors = profile.lexicon.anchors
        self._thresholds = profile.thresholds
        self._reader = QuestionReader(
            profile,
            _speller(self.entries, analysed, profile),
            self._scorer.idf,
            self._postings,
            self._scorer.example_postings,
        )
        self._names = NameIndex(analysed, [entry.key for entry in self.entries])

    def __len__(self) -> int:
        return len(self.entries)

    # -- questions ------------------------------------------------------------------

    def ask(self, question: str) -> AskResult:
        """The entry that answers `question`, two or three candidates, or none."""
        named = self._names.asked(question)
        if named is not None:  # the question is an entry's key, title or alias
            return AskResult("answer", (self.entries[named],), (1.0,))
        query = self._reader.query(question)
        ranked = self._scorer.rank(query)
        anchored = self._anchored(query)
        limits = self._thresholds
        floor = limits.anchored_min if anchored else limits.unsure_min
        if not anchored and ranked:
            # Common words only ("is tiktok down?", "what phone case do you use"):
            # almost any entry covers them, and they say too little to answer.
            scorer = self._scorer
            floor *= max(1.0, limits.sparse_share * scorer.unknown_idf / scorer.information(query))
        if not ranked or ranked[0][1] < floor:
            return AskResult("none", ())
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= limits.answer_min and runner_up < best * limits.answer_margin:
            return self._result("answer", ranked[:1])
        close = [item for item in ranked[:3] if item[1] >= best * limits.candidate_share]
        if len(close) >= 2:
            return self._result("unsure", close)
        if best >= limits.answer_min:
            return self._result("answer", ranked[:1])
        # Likely, but not sure enough to answer outright: offer it, with the
        # runner-up as the alternative.
        return self._result("unsure", ranked[:2])

    def _anchored(self, query: Query) -> bool:
        """Whether the question names the FAQ's own subject (coins, gifts, diamonds ...)
        and nothing the FAQ leaves out.

        Such a question is about an entry even when its wording is new to the
        matcher, so a weaker match may be offered; a question without them must
        match well, or it is small talk or another topic.
        """
        anchored = False
        for unit in query.units:
            for term in unit:
                if term in OFF_TOPIC:
                    return False
                if term in self._anchors and term in self._postings:
                    anchored = True
        return anchored

    def scores(self, question: str, limit: int = 5) -> list[tuple[str, float]]:
        """The best-scoring entry keys for `question`: for debugging and calibrating."""
        ranked = self._scorer.rank(self._reader.query(question))[:limit]
        return [(self.entries[index].key, round(score, 3)) for index, score in ranked]

    def _result(self, kind: Kind, ranked: list[tuple[int, float]]) -> AskResult:
        entries = self.entries
        return AskResult(
            kind,
            tuple([entries[index] for index, _ in ranked]),
            tuple([round(score, 3) for _, score in ranked]),
        )

    # -- topics ---------------------------------------------------------------------

    def named(self, text: str) -> FaqEntry | None:
        """The entry whose key, title or an alias is `text` (spacing and case
        ignored), or None. A key wins over another entry's title or alias."""
        index = self._names.named(text)
        return None if index is None else self.entries[index]

    def complete(self, text: str, limit: int = 25) -> list[FaqEntry]:
        """Entries for an autocomplete over keys, titles and aliases.

        Names starting with `text` come first; then names containing its words (the
        last one possibly unfinished); then entries that match it despite typos.
        Empty text lists the entries by key.
        """
        if limit <= 0:
            return []
        wanted = name_form(text)
        if not wanted:
            return sorted(self.entries, key=operator.attrgetter("key"))[:limit]
        found: dict[int, None] = {}
        prefixed = functools.partial(self._names.prefixed, limit=limit)
        for stage in (prefixed, self._names.containing, self._fuzzy):
            for index in stage(wanted):
                found.setdefault(index)
                if len(found) >= limit:
                    return [self.entries[index] for index in found]
        return [self.entries[index] for index in found]

    def suggest(self, text: str, limit: int = 3) -> list[FaqEntry]:
        """The closest entries to `text`, for a "not found" message; may be empty."""
        return self.complete(text, limit) if name_form(text) else []

    def _fuzzy(self, wanted: str) -> list[int]:
        """Entries matching `wanted` as a question whose last word may be unfinished."""
        ranked = self._scorer.rank(self._reader.query(wanted, last_is_prefix=True))
        if not ranked:
            return []
        floor = max(FUZZY_MIN, ranked[0][1] * FUZZY_SHARE)
        return [index for index, score in ranked if score >= floor]


def _speller(entries: list[FaqEntry], analysed: list[EntryAnalysis], profile: Profile) -> Speller:
    """A speller whose targets are the entries' name and keyword words, and the words
    people keep using in example questions."""
    targets = Counter(word for item in analysed for word in item.words)
    # Words people keep using in example questions ("following", "sharing") are
    # what a typo most likely meant as well; a word in one example only may be a
    # typo itself.
    counted: Counter[str] = Counter()
    for entry in entries:
        counted.update(example_words(entry.examples, profile))
    for word, found in counted.items():
        if found >= EXAMPLE_WORD_MIN and word not in targets:
            targets[word] = 0
    return Speller(targets, profile)
