"""Section 5: `/ask` and autocomplete with many FAQ entries (the matcher alone).

A server's FAQ is the curated entries plus its own. Sizes above the curated
count are filled with synthetic custom entries: titles, aliases, keywords and
bodies drawn from the curated entries' own words (so common terms have long
posting lists, as in a big real FAQ) mixed with made-up topic words (so there
are many distinct topics). Questions are the labelled /ask set plus questions
built from synthetic entries' titles, some with a typo; autocomplete input is
what people type into the topic box, plus prefixes of synthetic titles.

Timed: building a matcher cold (no entry analysed before) and rebuilding it
after an edit (what a moderator's change costs), then `Matcher.ask` and
`Matcher.complete` per call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bench.commands import TYPED, questions
from bench.stats import Summary, timed
from bench.workload import settle
from bench.world import curated
from coinhelp.faq.entries import FaqEntry
from coinhelp.matching.analysis import analyse
from coinhelp.matching.matcher import Matcher
from coinhelp.matching.words import stem

_WORD = re.compile(r"[a-z]{3,}")
_SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vo", "qui", "ne", "dar", "po", "li", "zen")


@dataclass(frozen=True, slots=True)
class FaqResult:
    entries: int
    build_cold_s: float
    rebuild_s: float
    ask: Summary
    complete: Summary


def _curated_words() -> list[str]:
    """Words of the curated entries, most frequent first (with repeats, for weighting)."""
    counts: Counter[str] = Counter()
    for entry in curated().values():
        text = " ".join((entry.title, *entry.aliases, *entry.keywords, entry.body)).lower()
        counts.update(_WORD.findall(text))
    return [word for word, count in counts.most_common(400) for _ in range(min(count, 20))]


def _made_up_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_entries(count: int, seed: int = 5) -> list[FaqEntry]:
    """`count` custom entries with distinct keys and titles."""
    rng = random.Random(seed)
    common = _curated_words()
    topics = _made_up_words(rng, max(200, count // 2))

    def phrase(low: int, high: int) -> str:
        words = [rng.choice(topics)]
        words += [rng.choice(common) for _ in range(rng.randint(low, high))]
        rng.shuffle(words)
        return " ".join(words)

    entries = []
    for index in range(count):
        topic = rng.choice(topics)
        title = f"{phrase(2, 5).capitalize()} {topic}?"
        entries.append(
            FaqEntry(
                key=f"{topic}-{index}",
                title=title,
                aliases=tuple(phrase(1, 3) for _ in range(rng.randint(0, 3))),
                keywords=tuple(phrase(0, 2) for _ in range(rng.randint(2, 8))),
                body=" ".join(phrase(6, 12) + "." for _ in range(rng.randint(4, 10))),
                sources=(),
                checked=dt.date(2026, 1, 1),
                origin="custom",
            )
        )
    return entries


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + word[position + 1 :]


def _inputs(entries: Sequence[FaqEntry], calls: int) -> tuple[list[str], list[str]]:
    """Questions for ask and typed text for complete, about half on synthetic entries."""
    rng = random.Random(11)
    synthetic = [entry for entry in entries if entry.origin == "custom"]
    asked = list(questions())
    typed = list(TYPED)
    if synthetic:
        for _ in range(calls):
            entry = rng.choice(synthetic)
            words = entry.title.rstrip("?").lower().split()
            rng.shuffle(words)
            words[0] = _typo(words[0], rng)
            asked.append("how do i " + " ".join(words[:4]))
            typed.append(entry.title[: rng.randint(2, 12)].lower())
    rng.shuffle(asked)
    rng.shuffle(typed)
    return asked, typed


def _clear_analysis_cache() -> None:
    """Forget entries analysed and words stemmed earlier, so a build is cold."""
    analyse.cache_clear()
    stem.cache_clear()


def measure_faq(size: int, calls: int) -> FaqResult:
    """Matcher build and per-call times over `size` entries (curated first)."""
    shipped = list(curated().values())
    entries = (shipped + synthetic_entries(max(0, size - len(shipped))))[:size]
    _clear_analysis_cache()
    settle()
    began = time.perf_counter()
    matcher = Matcher(entries)
    cold = time.perf_counter() - began
    edited = list(entries)
    edited[-1] = dataclasses.replace(edited[-1], body=edited[-1].body + " Edited.")
    began = time.perf_counter()
    Matcher(edited)
    rebuild = time.perf_counter() - began
    asked, typed = _inputs(entries, calls)
    ask_iter = itertools.cycle(asked)
    typed_iter = itertools.cycle(typed)
    for _ in range(min(20, calls)):  # warm-up
        matcher.ask(next(ask_iter))
        matcher.complete(next(typed_iter))
    settle()
    ask_seconds = timed(lambda: matcher.ask(next(ask_iter)), calls)
    settle()
    complete_seconds = timed(lambda: matcher.complete(next(typed_iter)), calls)
    return FaqResult(
        entries=len(entries),
        build_cold_s=cold,
        rebuild_s=rebuild,
        ask=Summary.of(ask_seconds, sum(ask_seconds)),
        complete=Summary.of(complete_seconds, sum(complete_seconds)),
    )
