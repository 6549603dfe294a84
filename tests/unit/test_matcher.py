"""The matcher: /ask over the labelled question set, and /faq's autocomplete and suggestions.

The question set (tests/data/faq_questions.yaml) was written by people who had not
seen the matcher. Its `tune` split is training and tuning data: its answerable
questions are the curated entries' example questions, and the lexicon, weights and
thresholds were tuned while looking at it. Its `holdout` split was never looked at
while tuning, and is what the accuracy test measures (against the 90% goal, which it
does not reach yet: see HOLDOUT_ACCURACY_MIN). Run with `-s` to see the
report: top-1 accuracy and the rate of correct "none" per split and source, and a
cross-validated figure for the tune split.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import random
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from coinhelp.faq.curated import REQUIRED_KEYS, load_curated
from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.names import name_form
from coinhelp.matching import questions
from coinhelp.matching.lexicon import ANCHORS, OFF_TOPIC
from coinhelp.matching.matcher import AskResult, Matcher
from coinhelp.matching.speller import edit_distance
from coinhelp.matching.terms import term_weights
from coinhelp.matching.words import split_words, stem

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "tests" / "data" / "faq_questions.yaml"

# The goal for questions the matcher has never seen: top-1 over the questions an
# entry answers, and "none" over the questions the FAQ does not cover.
ACCURACY_GOAL = 0.90
NONE_RATE_GOAL = 0.90
# What the holdout split actually gets (top-1 47/59 = 79.7%, none 14/17 = 82.4% when
# first measured, after all tuning; with blind2's holdout merged in, 86/102 = 84.3% and
# 27/29 = 93.1% before round 3's changes, 87/102 = 85.3% and 27/29 = 93.1% after; with
# blind3's holdout merged in, 119/142 = 83.8% and 36/38 = 94.7% before round 4's
# changes, 121/142 = 85.2% and 35/38 = 92.1% after):
# top-1 is below the goal, so the test asserts these floors to catch regressions, and
# prints where the matcher stands against the goal.
HOLDOUT_ACCURACY_MIN = 0.85
HOLDOUT_NONE_RATE_MIN = 0.90
FOLDS = 5  # cross-validation over the tune split


@pytest.fixture(scope="module")
def curated() -> dict[str, FaqEntry]:
    return load_curated(ROOT / "faq")


@pytest.fixture(scope="module")
def matcher(curated: dict[str, FaqEntry]) -> Matcher:
    return Matcher(curated.values())


def load_questions() -> list[dict[str, str]]:
    questions: list[dict[str, str]] = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))[
        "questions"
    ]
    for item in questions:
        item.setdefault("source", "first set")
    return questions


def entry(
    key: str,
    title: str,
    *aliases: str,
    keywords: tuple[str, ...] = (),
    body: str = "x",
    examples: tuple[str, ...] = (),
) -> FaqEntry:
    return FaqEntry(
        key=key,
        title=title,
        aliases=aliases,
        keywords=keywords,
        body=body,
        sources=(),
        checked=dt.date(2026, 11, 20),
        origin="custom",
        examples=examples,
    )


# -- the labelled question set ----------------------------------------------------------


def test_the_question_set_covers_every_entry_and_enough_off_topic_questions() -> None:
    questions = load_questions()
    by_key = collections.Counter(item["expect"] for item in questions)
    assert set(by_key) == {*REQUIRED_KEYS, "none"}
    assert all(by_key[key] >= 10 for key in REQUIRED_KEYS), by_key
    assert sum(by_key[key] for key in REQUIRED_KEYS) >= 160
    assert by_key["none"] >= 40
    assert {item["split"] for item in questions} == {"tune", "holdout"}
    assert {item["source"] for item in questions} <= {
        "first set",
        "blind1",
        "blind2",
        "blind3",
        "blind4",
    }
    holdout = [item for item in questions if item["split"] == "holdout"]
    held_keys = collections.Counter(item["expect"] for item in holdout)
    assert all(held_keys[key] >= 2 for key in REQUIRED_KEYS), held_keys
    assert sum(held_keys[key] for key in REQUIRED_KEYS) >= 50
    assert held_keys["none"] >= 15
    texts = [name_form(item["q"]) for item in questions]
    assert len(texts) == len(set(texts)), "a question is listed twice"


def test_examples_are_tune_questions_of_their_entry_and_never_holdout(
    curated: dict[str, FaqEntry],
) -> None:
    """What the matcher trains on must never be what the accuracy is measured on."""
    questions = load_questions()
    label = {name_form(item["q"]): (item["expect"], item["split"]) for item in questions}
    for key in REQUIRED_KEYS:
        assert len(curated[key].examples) >= 10, key
        for example in curated[key].examples:
            assert label.get(name_form(example)) == (key, "tune"), (key, example)


def test_no_curated_entry_uses_an_off_topic_concept_and_every_anchor_is_used(
    curated: dict[str, FaqEntry],
) -> None:
    """Off-topic concepts mark what the curated FAQ leaves out; anchors name its subject."""
    used: set[str] = set()
    for item in curated.values():
        for text in (item.key.replace("-", " "), item.title, *item.aliases, *item.keywords):
            used |= term_weights(split_words(text)).keys()
        off_topic = set(term_weights(split_words(item.body))) & OFF_TOPIC
        assert not off_topic, (item.key, "body", off_topic)
    assert not used & OFF_TOPIC, used & OFF_TOPIC
    assert used >= ANCHORS, ANCHORS - used


def _tally(pairs: Iterable[tuple[dict[str, str], AskResult]]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for item, result in pairs:
        if item["expect"] == "none":
            counts["off-topic"] += 1
            counts["none"] += result.kind == "none"
        else:
            right = result.kind != "none" and result.candidates[0] == item["expect"]
            counts["on-topic"] += 1
            counts["top-1"] += right
            counts["answered"] += right and result.kind == "answer"
            counts["wrong answer"] += result.kind == "answer" and not right
    return counts


def _line(name: str, counts: collections.Counter[str]) -> str:
    on, off = max(counts["on-topic"], 1), max(counts["off-topic"], 1)
    return (
        f"  {name:<28} top-1 {counts['top-1']}/{counts['on-topic']} = {counts['top-1'] / on:.1%}"
        f" (answered outright {counts['answered']}, wrong answers {counts['wrong answer']});"
        f" none {counts['none']}/{counts['off-topic']} = {counts['none'] / off:.1%}"
    )


def test_ask_finds_the_right_entry_and_says_none_when_nothing_fits(matcher: Matcher) -> None:
    """Over the whole set (the issue's bar) and, honestly, on the unseen holdout split."""
    groups: dict[str, list[tuple[dict[str, str], AskResult]]] = collections.defaultdict(list)
    misses = []
    for item in load_questions():
        result = matcher.ask(item["q"])
        for group in (item["split"], f"{item['split']}, {item['source']}"):
            groups[group].append((item, result))
        expected = item["expect"]
        wrong = (result.kind == "none") != (expected == "none") or (
            expected != "none" and result.candidates[0] != expected
        )
        if wrong and item["split"] == "tune":  # holdout misses stay unseen: no tuning on them
            misses.append(f"  {expected:<17} got {result}: {item['q']}")

    holdout = _tally(groups["holdout"])
    accuracy = holdout["top-1"] / holdout["on-topic"]
    none_rate = holdout["none"] / holdout["off-topic"]
    lines = ["", "matcher on tests/data/faq_questions.yaml (tune = training data):"]
    lines += [_line(name, _tally(pairs)) for name, pairs in sorted(groups.items())]
    lines.append(
        f"  holdout against the goal: top-1 {accuracy:.1%} (goal {ACCURACY_GOAL:.0%}),"
        f" none {none_rate:.1%} (goal {NONE_RATE_GOAL:.0%})"
    )
    print("\n".join([*lines, "misses in the tune split:", *misses]))

    # The bar the FAQ issue sets, over the whole labelled set ...
    whole = _tally(pair for split in ("tune", "holdout") for pair in groups[split])
    assert whole["top-1"] / whole["on-topic"] >= ACCURACY_GOAL, "\n".join(lines)
    assert whole["none"] / whole["off-topic"] >= NONE_RATE_GOAL, "\n".join(lines)
    # ... and floors on the questions no tuning has seen, which predict new questions.
    assert accuracy >= HOLDOUT_ACCURACY_MIN, "\n".join(lines)
    assert none_rate >= HOLDOUT_NONE_RATE_MIN, "\n".join(lines)


def test_cross_validated_accuracy_on_the_tune_split(curated: dict[str, FaqEntry]) -> None:
    """k-fold over the tune split: each question is asked of a matcher whose examples
    did not include it. A guard for the learning part; being tune data, it is not the
    honest figure (the lexicon and thresholds were tuned on these questions)."""
    tune = [item for item in load_questions() if item["split"] == "tune"]
    order = list(range(len(tune)))
    random.Random(7).shuffle(order)
    fold = {index: position % FOLDS for position, index in enumerate(order)}
    pairs = []
    for number in range(FOLDS):
        examples: dict[str, list[str]] = collections.defaultdict(list)
        for index, item in enumerate(tune):
            if fold[index] != number and item["expect"] != "none":
                examples[item["expect"]].append(item["q"])
        matcher = Matcher(
            dataclasses.replace(value, examples=tuple(examples[value.key]))
            for value in curated.values()
        )
        pairs += [
            (item, matcher.ask(item["q"]))
            for index, item in enumerate(tune)
            if fold[index] == number
        ]
    counts = _tally(pairs)
    line = _line(f"tune, {FOLDS}-fold", counts)
    print("\n" + line)
    assert counts["top-1"] / counts["on-topic"] >= ACCURACY_GOAL, line
    assert counts["none"] / counts["off-topic"] >= NONE_RATE_GOAL, line


# -- ask ------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "???", "🙂🙂🙂", "asdfghjkl qwertz", "x" * 300])
def test_an_empty_or_garbage_question_gets_none(matcher: Matcher, question: str) -> None:
    assert matcher.ask(question) == AskResult("none", ())


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("refund", "refund"),  # an alias
        ("Do TikTok coins expire?", "expiry"),  # the title
        ("GIFT-RETURNS", "gift-returns"),  # the key
    ],
)
def test_a_question_that_is_an_entry_name_answers_it(
    matcher: Matcher, curated: dict[str, FaqEntry], question: str, key: str
) -> None:
    assert matcher.ask(question) == AskResult("answer", (curated[key],), (1.0,))


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("how do i get my money bak for coins i didnt use", "refund"),  # typo, shorthand
        ("can u undo a rose", "gift-returns"),  # a concept: undo + gift
        ("r free coin generators legit", "scams"),
        ("wat age do u need to buy coins", "age"),
        ("y is it cheaper on the website", "recharge-web"),
        ("how do i protect my acc", "account-security"),  # acc → account
        ("wats the maxium i can recharg", "purchase-limits"),  # two typos
        ("how can i help a streamer without spending anything", "free-support"),  # negation
        ("my lil bro spent 50 bucks on my phone can i reverse it", "refund"),  # a situation
        ("sent a lion by accident 😭", "gift-returns"),
        ("is it 18+ to buy coins", "age"),  # "+" is read
    ],
)
def test_typos_slang_and_paraphrases_find_the_entry(
    matcher: Matcher, question: str, key: str
) -> None:
    result = matcher.ask(question)
    assert result.kind != "none" and result.candidates[0] == key, result


def test_a_word_is_read_the_same_every_time_and_the_readings_kept_stay_bounded(
    curated: dict[str, FaqEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(questions, "WORD_READINGS_MAX", 50)
    matcher = Matcher(curated.values())
    typo = "how do i get my money bak for coins i didnt use"
    first = matcher.ask(typo)
    rng = random.Random(7)
    for _ in range(120):  # made-up words, enough to fill the kept readings twice
        matcher.ask(" ".join("".join(rng.choices("bcdfghjklmnpqrstvwxz", k=7)) for _ in range(3)))
    assert len(matcher._reader.readings) <= 50
    assert matcher.ask(typo) == first == Matcher(curated.values()).ask(typo)
    assert first.candidates[:1] == ("refund",)


def test_unsure_offers_two_or_three_candidates_best_first() -> None:
    entries = [
        entry("gift-rules", "Rules for gifting in this server", keywords=("gift rules",)),
        entry("gift-etiquette", "Gifting etiquette and rules", keywords=("gift manners",)),
        entry("vpn", "Can I use a VPN?"),
    ]
    result = Matcher(entries).ask("what are the rules for gifting")
    assert result.kind == "unsure", result
    assert 2 <= len(result.candidates) <= 3
    assert set(result.candidates[:2]) == {"gift-rules", "gift-etiquette"}
    assert list(result.scores) == sorted(result.scores, reverse=True)
    assert len(result.scores) == len(result.candidates)


def test_example_questions_teach_wording_the_entry_text_lacks() -> None:
    plain = [
        entry("refund", "Can I get a refund for coins?", keywords=("money back",)),
        entry("scams", "Are coin sellers legit?", keywords=("seller",)),
        entry("expiry", "Do coins expire?"),
    ]
    question = "my nephew spent 30 dollars on coins on my tablet without asking, can i cancel that"
    assert Matcher(plain).ask(question).kind == "none"
    examples = (
        "my lil bro spent 40 bucks on my phone without asking, can i reverse it",
        "my kid bought coins without asking me, help",
        "my little sister used my card to buy coins, can i undo that",
        "my son spent my money on coins",
    )
    taught = [dataclasses.replace(plain[0], examples=examples), *plain[1:]]
    result = Matcher(taught).ask(question)
    assert result.kind != "none" and result.candidates[0] == "refund", result


def test_off_topic_questions_get_none_unless_a_server_entry_takes_the_topic_up(
    curated: dict[str, FaqEntry],
) -> None:
    for question in ("how do i go live", "how do i add music to my tiktok", "is dogecoin legit"):
        assert Matcher(curated.values()).ask(question).kind == "none", question
    own = entry("go-live", "How do I go live?", body="You need 1,000 followers and to be 18.")
    result = Matcher([*curated.values(), own]).ask("how do i go live")
    assert result.candidates[:1] == ("go-live",), result


def test_a_question_naming_coins_is_offered_a_weak_match_small_talk_is_not(
    matcher: Matcher,
) -> None:
    result = matcher.ask("ok dumb question but what do people do with coins")
    assert result.kind != "none" and result.candidates[0] == "coins", result
    assert matcher.ask("is tiktok down for anyone else").kind == "none"


def test_custom_entries_without_keywords_are_found_by_title_and_body() -> None:
    entries = [
        entry("movie-night", "When is the next movie night?", body="Fridays at 8pm UTC."),
        entry("vpn", "Can I use a VPN to buy coins?"),
    ]
    matcher = Matcher(entries)
    assert matcher.ask("when's the next movie nite").candidates[:1] == ("movie-night",)
    assert matcher.ask("anyone up for valorant").kind == "none"


def test_a_result_is_a_frozen_value() -> None:
    result = AskResult("answer", (entry("refund", "Refunds"),), (1.0,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kind = "none"  # type: ignore[misc]


def test_a_result_carries_its_candidates_entries_best_first(
    matcher: Matcher, curated: dict[str, FaqEntry]
) -> None:
    for question in ("how do i get my money bak for coins i didnt use", "coins and gifts"):
        result = matcher.ask(question)
        assert result.entries and all(curated[e.key] is e for e in result.entries), result
        assert result.candidates == tuple(e.key for e in result.entries)
        assert (
            repr(result) == f"AskResult({result.kind!r}, {result.candidates!r}, {result.scores!r})"
        )


def test_the_core_never_imports_discord() -> None:
    code = (
        "import sys, coinhelp.matching.matcher, coinhelp.faq.curated;"
        " sys.exit('discord' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


# -- named, complete and suggest --------------------------------------------------------


def test_named_finds_an_entry_by_key_title_or_alias_ignoring_spacing_and_case() -> None:
    entries = [
        entry("expiry", "Do coins expire?", "refund", "coin lifetime"),
        entry("refund", "Can I get a refund?", "money back"),
        entry("lifetime", "Coin lifetime", "coin lifetime"),
    ]
    matcher = Matcher(entries)
    assert matcher.named(" REFUND ") is entries[1]  # a key, before an earlier entry's alias
    assert matcher.named("can  i get a\tRefund?") is entries[1]  # the title
    assert matcher.named("Money Back") is entries[1]  # an alias
    assert matcher.named("coin lifetime") is entries[0]  # the first entry with the name
    assert matcher.named("Do coins expire") is None  # a title is the whole title
    assert matcher.named("refunds") is None
    assert matcher.named("") is None


def test_empty_text_lists_entries_by_key_up_to_the_limit(
    matcher: Matcher, curated: dict[str, FaqEntry]
) -> None:
    assert [e.key for e in matcher.complete("")] == sorted(curated)
    assert [e.key for e in matcher.complete("", limit=5)] == sorted(curated)[:5]
    assert matcher.complete("refund", limit=0) == []


def test_prefix_matches_come_first_then_fuzzy_matches() -> None:
    entries = [
        entry("refund", "Can I get a refund?", "money back"),
        entry("refund-window", "How long is the refund window?"),
        entry("reversal", "Gift reversals", keywords=("refund a gift",)),
        entry("age", "How old must I be?"),
    ]
    matcher = Matcher(entries)
    keys = [e.key for e in matcher.complete("refund")]
    assert keys[:2] == ["refund", "refund-window"]  # names starting with the text
    assert "reversal" in keys[2:]  # found through its keyword, after the prefixes
    assert "age" not in keys
    assert [e.key for e in matcher.complete("refnd")][:1] == ["refund"]  # a typo


def test_complete_matches_aliases_and_words_inside_titles() -> None:
    entries = [
        entry("regional-prices", "Why do prices differ between countries?", "vpn coins"),
        entry("recharge-web", "How do I buy coins on the website?", "web recharge"),
    ]
    matcher = Matcher(entries)
    assert [e.key for e in matcher.complete("vpn")] == ["regional-prices"]
    assert [e.key for e in matcher.complete("web rech")][:1] == ["recharge-web"]
    assert [e.key for e in matcher.complete("countr")] == ["regional-prices"]
    assert [e.key for e in matcher.complete("buy coins web")][:1] == ["recharge-web"]


def test_complete_never_returns_more_than_the_limit_nor_duplicates(matcher: Matcher) -> None:
    for text in ("", "c", "co", "coin", "how do i", "gift"):
        for limit in (1, 3, 25):
            keys = [e.key for e in matcher.complete(text, limit=limit)]
            assert len(keys) <= limit and len(keys) == len(set(keys)), (text, limit, keys)


def test_suggest_offers_close_entries_and_nothing_for_nonsense(matcher: Matcher) -> None:
    assert [e.key for e in matcher.suggest("refunds please")][:1] == ["refund"]
    assert [e.key for e in matcher.suggest("diamnds")][:1] == ["diamonds"]
    assert len(matcher.suggest("gift")) == 3
    assert len(matcher.suggest("gift", limit=2)) == 2
    assert matcher.suggest("xyzzy") == []
    assert matcher.suggest("") == []


# -- building blocks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("refund", "refund", 0), ("refnd", "refund", 1), ("recieve", "receive", 1), ("ab", "ba", 1)],
)
def test_edit_distance_counts_a_swap_as_one(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance


def test_light_stems_join_word_forms() -> None:
    assert stem("coins") == stem("coin")
    assert stem("expired") == stem("expires") == stem("expire")
    assert stem("sharing") == stem("shares") == stem("share")
    assert stem("used") == stem("use")
