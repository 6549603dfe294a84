"""The curated FAQ files: every shipped one loads, and every kind of bad file is refused.

Also the rules every entry obeys (coinhelp.faq.entries) and the one name rule
(coinhelp.faq.names), which the curated files share with moderator edits.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from coinhelp.errors import ConfigError
from coinhelp.faq.curated import REQUIRED_KEYS, in_english, load_curated
from coinhelp.faq.entries import (
    ALIAS_MAX,
    ALIASES_MAX_COUNT,
    BODY_MAX,
    KEY_MAX,
    TITLE_MAX,
    FaqEntry,
    validate_fields,
)
from coinhelp.faq.names import NameIndex

FAQ_DIR = Path(__file__).resolve().parents[2] / "faq"


# -- the shipped files -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> dict[str, FaqEntry]:
    return load_curated(FAQ_DIR)


def test_every_shipped_file_loads_and_every_promised_key_exists(
    shipped: dict[str, FaqEntry],
) -> None:
    assert set(REQUIRED_KEYS) <= set(shipped)
    assert list(shipped) == sorted(shipped)
    files = {path.stem for path in FAQ_DIR.glob("*.md") if path.name != "README.md"}
    assert files == set(shipped)
    for entry in shipped.values():
        assert entry.origin == "curated"
        assert entry.checked == dt.date(2026, 11, 20)
        assert entry.sources and entry.aliases and entry.keywords
        assert len(entry.body) <= BODY_MAX // 2, f"{entry.key}: keep bodies well under the limit"


def test_shipped_text_never_pings_and_only_links_to_tiktok(shipped: dict[str, FaqEntry]) -> None:
    for entry in shipped.values():
        text = " ".join((entry.title, entry.body, *entry.sources))
        assert "@everyone" not in text and "@here" not in text, entry.key
        for host in re.findall(r"https?://([^/\s]+)", text):
            assert host == "tiktok.com" or host.endswith(".tiktok.com"), (entry.key, host)


def test_shipped_sources_name_both_explainer_articles(shipped: dict[str, FaqEntry]) -> None:
    for key, entry in shipped.items():
        if key == "goals-help":  # about this bot, not about TikTok's coins
            continue
        sources = " ".join(entry.sources)
        assert "TikTok Recharge: how to recharge TikTok coins" in sources, key
        assert "Your essential guide to TikTok Coins" in sources, key


@pytest.mark.parametrize(
    ("key", "facts"),
    [
        ("refund", ["14 days", "day after", "not spent", "defective", "law"]),
        ("gift-returns", ["final", "Diamonds"]),
        ("age", ["18", "13", "Parents"]),
        ("pricing", ["$0.99 for 65 coins", "$99.99 for 6,607 coins", "checkout", "promotions"]),
        ("regional-prices", ["VPN", "terms", "flagged", "official website"]),
        ("expiry", ["no expiry"]),
        ("recharge-app", ["1. ", "8. ", "Settings and privacy", "Balance", "vary"]),
        ("recharge-web", ["1. ", "4. ", "custom amount", "PayPal", "fee", "vary"]),
        ("send-gifts", ["gift icon", "present icon", "Rose", "1 coin", "Lion", "TikTok Universe"]),
        ("scams", ["generator", "banned", "invalid", "third-party"]),
        ("account-security", ["two-factor", "password", "transaction history"]),
        ("purchase-limits", ["may cap"]),
        ("free-support", ["Like", "Comment", "Share", "Follow", "duets", "challenges"]),
        ("goals-help", ["/goal create", "/goal contribute", "/goal show", "/goal leaderboard"]),
        ("goals-help", ["No coins move through the bot", "25%", "50%", "75%", "100%"]),
    ],
)
def test_shipped_answers_state_the_facts(
    shipped: dict[str, FaqEntry], key: str, facts: list[str]
) -> None:
    for fact in facts:
        assert fact.casefold() in shipped[key].body.casefold(), f"{key}: {fact!r}"


def test_shipped_names_lead_to_one_entry_each(shipped: dict[str, FaqEntry]) -> None:
    names = NameIndex(shipped.values())
    for entry in shipped.values():
        assert list(names.clashes(entry.key, entry.title, entry.aliases)) == []


# -- bad files ---------------------------------------------------------------------------

GOOD = """---
key: {key}
title: Can I get a refund for TikTok coins?
aliases: [{alias}]
keywords: [money back, refnd]
sources: ["TikTok Coin Policy"]
checked: 2026-11-20
---
Usually not: coins you have not spent can be cancelled within 14 days.
"""


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def good(key: str = "refund", alias: str = "coin refund") -> str:
    return GOOD.format(key=key, alias=alias)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            good().replace("title: Can I get a refund for TikTok coins?\n", ""),
            "field 'title' is missing",
        ),
        (good().replace("key: refund", "key: Refund_Coins"), "field 'key'"),
        (good().replace("key: refund", "key: refunds"), "file is named 'refund'"),
        (good().replace("checked: 2026-11-20", "checked: 2026-13-45"), "field 'checked'"),
        (good().replace("checked: 2026-11-20", "checked: soon"), "field 'checked'"),
        (good().replace("checked: 2026-11-20\n", ""), "field 'checked' is missing"),
        (good().replace("aliases: [coin refund]", "aliases: [coin refund"), "not valid YAML"),
        (good().replace("keywords: [money back, refnd]", "keywords: money back"), "list of text"),
        (good().replace("keywords: [money back, refnd]", "keywords: [18, refnd]"), "quotes"),
        (good().split("---\nUsually")[0] + "---\n\n   \n", "field 'body' is empty"),
        (good().replace("Can I get a refund", "A" * (TITLE_MAX + 1)), "the limit is 256"),
        (good().replace("coin refund", "x" * (ALIAS_MAX + 1)), "the limit is 100"),
        (
            good().replace("coin refund", ", ".join(f"a{n}" for n in range(ALIASES_MAX_COUNT + 1))),
            "the limit is 10",
        ),
        (good().replace("coin refund", "coin refund, Coin  Refund"), "twice"),
        (good() + "x" * BODY_MAX, "the limit is 4000"),
        (
            good().replace('sources: ["TikTok Coin Policy"]', "sources: []"),
            "field 'sources' is empty",
        ),
        (
            good().replace("TikTok Coin Policy", "see https://coins.example.com/free"),
            "coins.example.com",
        ),
        (good() + "\nHey @everyone!\n", "@everyone"),
        (good().replace("checked:", "chekced: 2026-11-20\nchecked:"), "unknown field 'chekced'"),
        (good().replace("---\nkey", "key", 1), "must start with a line '---'"),
        (good().replace("\n---\nUsually", "\nUsually"), "never closed"),
        ("---\n- just\n- a list\n---\nbody\n", "fields (key: value)"),
    ],
    ids=[
        "missing-title",
        "bad-key",
        "key-not-file-name",
        "bad-date",
        "date-not-a-date",
        "missing-date",
        "malformed-yaml",
        "keywords-not-a-list",
        "number-keyword",
        "empty-body",
        "title-too-long",
        "alias-too-long",
        "too-many-aliases",
        "alias-twice",
        "body-too-long",
        "no-sources",
        "foreign-link",
        "mass-mention",
        "unknown-field",
        "no-front-matter",
        "front-matter-not-closed",
        "front-matter-not-a-mapping",
    ],
)
def test_a_bad_file_is_refused_naming_file_and_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    monkeypatch.chdir(tmp_path)
    faq = tmp_path / "faq"
    faq.mkdir()
    write(faq, "refund.md", text)
    write(faq, "age.md", good("age", "minimum age"))
    with pytest.raises(ConfigError) as caught:
        load_curated(faq)
    message = str(caught.value)
    assert message.startswith("faq/refund.md: "), message
    assert problem in message
    assert "age.md" not in message  # the good file is not blamed


def test_an_alias_used_by_two_files_names_the_second_and_the_owner(tmp_path: Path) -> None:
    write(tmp_path, "age.md", good("age", "minimum age"))
    write(tmp_path, "refund.md", good("refund", "Minimum  age"))
    with pytest.raises(
        ConfigError, match=r"refund\.md: alias 'Minimum  age' is already used by entry 'age'"
    ):
        load_curated(tmp_path)


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write(
        tmp_path, "refund.md", good().replace("title: Can I get a refund for TikTok coins?\n", "")
    )
    write(tmp_path, "age.md", good("age").replace("checked: 2026-11-20", "checked: never"))
    with pytest.raises(ConfigError) as caught:
        load_curated(tmp_path)
    lines = str(caught.value).splitlines()
    assert any("age.md" in line and "'checked'" in line for line in lines)
    assert any("refund.md" in line and "'title' is missing" in line for line in lines)


def test_readme_and_other_files_are_not_entries(tmp_path: Path) -> None:
    write(tmp_path, "refund.md", good())
    write(tmp_path, "README.md", "# How to edit these files\nNo front matter here.\n")
    write(tmp_path, "notes.txt", "not an entry")
    entries = load_curated(tmp_path)
    assert list(entries) == ["refund"]
    entry = entries["refund"]
    assert entry.aliases == ("coin refund",) and entry.keywords == ("money back", "refnd")
    assert entry.checked == dt.date(2026, 11, 20)
    assert entry.body.startswith("Usually not")


def test_a_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_curated(tmp_path / "nowhere")


# -- the rules others reuse ------------------------------------------------------------


def fields(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "key": "house-rules",
        "title": "What are the gifting rules here?",
        "aliases": ["rules"],
        "keywords": [],
        "body": "Be kind.",
        "sources": [],
    }
    return base | changes


def test_valid_fields_have_no_problems() -> None:
    assert validate_fields(**fields()) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"key": None}, "field 'key' is missing"),
        ({"key": "-bad-"}, "lowercase letters and digits"),
        ({"key": "a" * (KEY_MAX + 1)}, "the limit is 50"),
        ({"title": "   "}, "field 'title' is empty"),
        ({"title": 42}, "field 'title' must be text"),
        ({"aliases": "rules"}, "field 'aliases' must be a list of text"),
        ({"aliases": ["rules", ""]}, "item 2: is empty"),
        ({"body": "x" * (BODY_MAX + 1)}, "the limit is 4000"),
        ({"body": None}, "field 'body' is missing"),
    ],
)
def test_each_rule_reports_a_readable_problem(changes: dict[str, object], problem: str) -> None:
    problems = in_english(validate_fields(**fields(**changes)))
    assert len(problems) == 1 and problem in problems[0], problems


def test_name_clashes_ignore_the_entry_itself_and_case() -> None:
    entry = FaqEntry(
        key="refund",
        title="Refunds",
        aliases=("coin refund",),
        keywords=(),
        body="No.",
        sources=(),
        checked=dt.date(2026, 11, 20),
    )
    names = NameIndex([entry])
    assert list(names.clashes("refund", "Refunds", ["coin refund"])) == []
    clashes = names.clashes("other", "Other", ["Coin Refund", "REFUND"])
    assert [(c.kind, c.text, c.other_key, c.other_kind) for c in clashes] == [
        ("alias", "Coin Refund", "refund", "alias"),
        ("alias", "REFUND", "refund", "key"),
    ]


def test_a_title_or_key_used_by_another_file_is_refused_too(tmp_path: Path) -> None:
    write(tmp_path, "age.md", good("age", "refund"))
    write(tmp_path, "refund.md", good("refund", "coin refund"))
    with pytest.raises(ConfigError) as caught:
        load_curated(tmp_path)
    assert "refund.md: key 'refund' is already used by entry 'age'" in str(caught.value)
    assert "refund.md: title 'Can I get a refund for TikTok coins?'" in str(caught.value)
