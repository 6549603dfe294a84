"""The matcher in every supported language other than English (English: test_matcher.py).

Each language's curated FAQ (faq/<language>/) is matched against its labelled
questions (tests/data/questions/<language>.yaml, written blind). Their `tune`
split is training and tuning data: its answerable questions are examples of their
entries, and the language's profile (coinhelp/data/language-<language>.yaml) was
written while looking at it, its `calibration:` thresholds chosen on it (a grid
search maximising top-1 plus correct "none"). The `holdout` split was never
looked at one by one; the test asserts its totals. Run with `-s` to see the table.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml

from coinhelp.faq.curated import load_curated
from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.names import name_form
from coinhelp.matching.calibration import ENGLISH_THRESHOLDS
from coinhelp.matching.lexicon import OFF_TOPIC
from coinhelp.matching.matcher import AskResult, Matcher
from coinhelp.matching.profile import DATA_DIR, load_profile, profile_for
from coinhelp.matching.terms import term_weights

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("es", "pt-BR", "id", "de", "fr")

# The goal on each language's holdout split: top-1 over the answerable questions,
# "none" over the off-topic ones.
ACCURACY_GOAL = 0.90
NONE_RATE_GOAL = 0.90
# What each holdout split gets (answerable top-1, off-topic none, out of 17 and 7),
# asserted as floors to catch regressions; the table shows them against the goal.
HOLDOUT_MIN = {
    "es": (17, 7),
    "pt-BR": (16, 7),
    "id": (16, 7),
    "de": (16, 6),
    "fr": (15, 7),
}


@pytest.fixture(scope="module")
def curated() -> dict[str, dict[str, FaqEntry]]:
    return {language: load_curated(ROOT / "faq" / language) for language in LANGUAGES}


@pytest.fixture(scope="module")
def matchers(curated: dict[str, dict[str, FaqEntry]]) -> dict[str, Matcher]:
    return {
        language: Matcher(entries.values(), language=language)
        for language, entries in curated.items()
    }


def load_questions(language: str) -> list[dict[str, str]]:
    path = ROOT / "tests" / "data" / "questions" / f"{language}.yaml"
    questions: list[dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return questions


def _tally(pairs: list[tuple[dict[str, str], AskResult]]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for item, result in pairs:
        if item["expect"] == "none":
            counts["off-topic"] += 1
            counts["none"] += result.kind == "none"
        else:
            counts["on-topic"] += 1
            counts["top-1"] += result.kind != "none" and result.candidates[0] == item["expect"]
    return counts


def test_every_profile_loads_once() -> None:
    for language in LANGUAGES:
        profile = profile_for(language)
        assert profile_for(language) is profile
        assert profile.language == language and profile.stopwords and profile.lexicon.anchors
    with pytest.raises(ValueError, match="no matcher profile"):
        profile_for("xx")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("\nstemmer: portuguese", "\nstemmer: klingon", "is not a Snowball stemmer"),
        ("\napostrophes: join", "\napostrophes: maybe", "apostrophes: give 'join'"),
        ("\n  refund:\n", "\n  refunds:\n", "'refunds' is not one of English's concepts"),
        ("\n  golive:\n", "\n  sync:\n", "'sync' is not one of English's off_topic"),
        ("  vc: voce\n", "  vc: Voce\n", "'Voce' is not lowercase letters and digits"),
        ("merges:\n", "merge:\n", "expected exactly the sections"),
        ("  unsure_min: 0.85\n", "  unsure_floor: 0.85\n", "'unsure_floor' is not one of"),
        ("  unsure_min: 0.85\n", "  unsure_min: high\n", "unsure_min: expected a number"),
        ("calibration:\n  unsure", "calibration: 0.85\nx:\n  unsure", "expected exactly"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_file(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    text = (DATA_DIR / "language-pt-BR.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "language-pt-BR.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_profile(path, "pt-BR")
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


def test_a_profile_overrides_only_the_thresholds_it_names() -> None:
    assert profile_for("de").thresholds == ENGLISH_THRESHOLDS  # no calibration section
    portuguese = profile_for("pt-BR").thresholds
    assert portuguese.unsure_min != ENGLISH_THRESHOLDS.unsure_min
    assert portuguese.answer_min == ENGLISH_THRESHOLDS.answer_min


def test_words_keep_every_letter_and_accents_are_optional() -> None:
    portuguese = profile_for("pt-BR")
    assert portuguese.split_words("Devolução?") == portuguese.split_words("devolucao")
    assert profile_for("en").split_words("alınır") == ["alınır"]  # not "al n r"
    assert profile_for("fr").split_words("l'argent") == ["l", "argent"]
    assert profile_for("de").split_words("gibt's") == ["gibt", "es"]
    assert portuguese.split_words("vc sabe oq é?") == ["voce", "sabe", "o", "que", "e"]
    assert profile_for("id").split_words("gmn udh") == ["gimana", "sudah"]
    assert portuguese.stem("moedas") == portuguese.stem("moeda")


def test_english_words_fans_mix_in_count_in_every_language() -> None:
    for language in LANGUAGES:
        profile = profile_for(language)
        terms = term_weights(profile.split_words("refunds for gifts, top up coins"), profile)
        assert {"~refund", "~gift", "~buy"} <= terms.keys(), language


def test_every_answerable_tune_question_is_an_example_of_its_entry(
    curated: dict[str, dict[str, FaqEntry]],
) -> None:
    for language, entries in curated.items():
        for item in load_questions(language):
            if item["split"] == "tune" and item["expect"] != "none":
                examples = {name_form(text) for text in entries[item["expect"]].examples}
                assert name_form(item["q"]) in examples, (language, item["q"])


def test_off_topic_concepts_stay_off_the_entries_names(
    curated: dict[str, dict[str, FaqEntry]],
) -> None:
    """An off-topic concept the entries use stops counting against them: only the
    comparisons in `coins` ("like robux") and the English words of the FAQ files
    (English's lexicon has them off topic) may."""
    allowed = {"~games", "~growth", "~audience", "~tech"}
    for language, entries in curated.items():
        profile = profile_for(language)
        for entry in entries.values():
            for text in (entry.title, *entry.aliases):
                found = term_weights(profile.split_words(text), profile).keys() & OFF_TOPIC
                assert found <= allowed, (language, entry.key, text, found)


def test_ask_on_each_language_holdout(matchers: dict[str, Matcher]) -> None:
    lines = [
        "",
        "matcher per language (tests/data/questions/<language>.yaml; tune = training data):",
        f"  {'language':<8} {'tune top-1':>12} {'tune none':>10} {'holdout top-1':>14}"
        f" {'holdout none':>13}",
    ]
    failures = []
    for language, matcher in matchers.items():
        groups: dict[str, list[tuple[dict[str, str], AskResult]]] = collections.defaultdict(list)
        for item in load_questions(language):
            groups[item["split"]].append((item, matcher.ask(item["q"])))
        tune, holdout = _tally(groups["tune"]), _tally(groups["holdout"])
        lines.append(
            f"  {language:<8} {tune['top-1']:>5}/{tune['on-topic']:<3} {tune['none']:>5}/"
            f"{tune['off-topic']:<4} {holdout['top-1']:>7}/{holdout['on-topic']:<3}"
            f" {holdout['none']:>8}/{holdout['off-topic']:<3}"
            f"  ({holdout['top-1'] / holdout['on-topic']:.0%},"
            f" {holdout['none'] / holdout['off-topic']:.0%})"
        )
        top_min, none_min = HOLDOUT_MIN[language]
        if holdout["top-1"] < top_min or holdout["none"] < none_min:
            failures.append(language)
    lines.append(f"  goal on holdout: top-1 {ACCURACY_GOAL:.0%}, none {NONE_RATE_GOAL:.0%}")
    print("\n".join(lines))
    assert not failures, "\n".join(lines)


def test_a_language_matcher_answers_in_its_own_words(matchers: dict[str, Matcher]) -> None:
    asked = {
        "pt-BR": ("da pra pedir reembolso das moedas?", "refund"),
        "es": ("cuanto cuestan las monedas", "pricing"),
        "id": ("gmn cara top up koin di hp", "recharge-app"),
        "de": ("verfallen meine münzen irgendwann", "expiry"),
        "fr": ("jsp comment envoyer un cadeau en live", "send-gifts"),
    }
    for language, (question, key) in asked.items():
        result = matchers[language].ask(question)
        assert result.kind != "none" and result.candidates[0] == key, (language, result)
