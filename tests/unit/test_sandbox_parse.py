"""The sandbox's command-line parser: lines as a person types them → typed options.

The commands are payloads shaped like what discord.py registers for coinhelp
(a command with an autocompleted string, a group with subcommands, ranges,
choices, a renamed channel option, an attachment).
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.catalog import ATTACHMENT, CHANNEL, ROLE, USER, leaves, usage
from sandbox.errors import InputError
from sandbox.parse import (
    ActAs,
    Blank,
    EntityRef,
    Help,
    MoveTo,
    Press,
    Quit,
    Slash,
    parse_line,
)

COMMANDS: list[dict[str, Any]] = [
    {
        "type": 1,
        "name": "faq",
        "description": "Show an answer from the TikTok coins FAQ.",
        "options": [
            {
                "type": 3,
                "name": "topic",
                "description": "An FAQ entry",
                "required": True,
                "autocomplete": True,
                "min_length": 1,
                "max_length": 100,
            }
        ],
    },
    {
        "type": 1,
        "name": "ask",
        "description": "Ask a question.",
        "options": [{"type": 3, "name": "question", "description": "q", "required": True}],
    },
    {
        "type": 1,
        "name": "goal",
        "description": "Pooled gifting goals.",
        "options": [
            {
                "type": 1,
                "name": "create",
                "description": "Open a goal.",
                "options": [
                    {"type": 3, "name": "name", "description": "n", "required": True},
                    {
                        "type": 4,
                        "name": "target",
                        "description": "t",
                        "required": True,
                        "min_value": 1,
                        "max_value": 100_000_000,
                    },
                    {"type": 3, "name": "deadline", "description": "d"},
                ],
            },
            {
                "type": 1,
                "name": "contribute",
                "description": "Pledge coins.",
                "options": [
                    {"type": 3, "name": "goal", "description": "g", "required": True},
                    {
                        "type": 4,
                        "name": "coins",
                        "description": "c",
                        "required": True,
                        "min_value": 1,
                        "max_value": 1_000_000,
                    },
                ],
            },
            {
                "type": 1,
                "name": "leaderboard",
                "description": "Top contributors.",
                "options": [
                    {"type": 3, "name": "goal", "description": "g"},
                    {
                        "type": 3,
                        "name": "period",
                        "description": "p",
                        "choices": [
                            {"name": "all", "value": "all"},
                            {"name": "month", "value": "month"},
                            {"name": "week", "value": "week"},
                        ],
                    },
                ],
            },
            {
                "type": 1,
                "name": "history",
                "description": "Ledger rows.",
                "options": [
                    {"type": 3, "name": "goal", "description": "g", "required": True},
                    {"type": 6, "name": "member", "description": "m"},
                ],
            },
            {"type": 1, "name": "list", "description": "Open goals."},
        ],
    },
    {
        "type": 1,
        "name": "coinhelp",
        "description": "About coinhelp.",
        "options": [
            {
                "type": 1,
                "name": "config",
                "description": "Settings.",
                "options": [
                    {"type": 7, "name": "announce-channel", "description": "c"},
                    {"type": 8, "name": "moderator-role", "description": "r"},
                ],
            }
        ],
    },
    {
        "type": 1,
        "name": "faqadmin",
        "description": "Moderators.",
        "default_member_permissions": "32",
        "options": [
            {
                "type": 1,
                "name": "import",
                "description": "Load a file.",
                "options": [{"type": 11, "name": "file", "description": "f", "required": True}],
            },
            {
                "type": 1,
                "name": "revert",
                "description": "Restore.",
                "options": [
                    {"type": 3, "name": "key", "description": "k", "required": True},
                    {"type": 4, "name": "version", "description": "v", "required": True},
                ],
            },
        ],
    },
    {
        "type": 1,
        "name": "tip",
        "description": "Options of the other types.",
        "options": [
            {"type": 5, "name": "public", "description": "b", "required": True},
            {"type": 10, "name": "share", "description": "n", "min_value": 0, "max_value": 1},
        ],
    },
]


PARSED = [
    ("/faq topic:refund", "faq", {"topic": "refund"}),
    # text without name: goes to the first required string option
    ("/faq refund", "faq", {"topic": "refund"}),
    ("/ask can i get my coins back", "ask", {"question": "can i get my coins back"}),
    # a word with a colon that is no option of the command stays in the value
    ("/ask what is this: a scam?", "ask", {"question": "what is this: a scam?"}),
    (
        "/goal create name:Birthday LIVE target:44999",
        "goal create",
        {"name": "Birthday LIVE", "target": 44999},
    ),
    # options in any order; values run until the next option name of the command
    (
        "/goal create target:1000 name:Big  birthday LIVE  deadline:2026-12-24 20:00",
        "goal create",
        {"target": 1000, "name": "Big  birthday LIVE", "deadline": "2026-12-24 20:00"},
    ),
    (
        "/goal contribute goal:Birthday LIVE coins:500",
        "goal contribute",
        {"goal": "Birthday LIVE", "coins": 500},
    ),
    (
        "/goal contribute Birthday LIVE coins:500",
        "goal contribute",
        {"goal": "Birthday LIVE", "coins": 500},
    ),
    ("/goal contribute goal:#3 coins:1,500", "goal contribute", {"goal": "#3", "coins": 1500}),
    (
        '/goal contribute goal:"Birthday LIVE" coins:5',
        "goal contribute",
        {"goal": "Birthday LIVE", "coins": 5},
    ),
    ("/GOAL Contribute GOAL:b COINS:5", "goal contribute", {"goal": "b", "coins": 5}),
    ("/goal leaderboard", "goal leaderboard", {}),
    ("/goal leaderboard period:Week", "goal leaderboard", {"period": "week"}),
    ("/goal list", "goal list", {}),
    (
        "/goal history goal:Birthday member:@alice",
        "goal history",
        {"goal": "Birthday", "member": EntityRef(USER, "@alice")},
    ),
    (
        "/coinhelp config announce-channel:#announcements moderator-role:@Mods",
        "coinhelp config",
        {
            "announce-channel": EntityRef(CHANNEL, "#announcements"),
            "moderator-role": EntityRef(ROLE, "@Mods"),
        },
    ),
    # _ works for -, as Discord option names are often typed
    (
        "/coinhelp config announce_channel:#general",
        "coinhelp config",
        {"announce-channel": EntityRef(CHANNEL, "#general")},
    ),
    (
        "/faqadmin import file:./faq.yaml",
        "faqadmin import",
        {"file": EntityRef(ATTACHMENT, "./faq.yaml")},
    ),
    ("/faqadmin revert key:refund version:2", "faqadmin revert", {"key": "refund", "version": 2}),
    ("/tip public:yes share:0.5", "tip", {"public": True, "share": 0.5}),
    ("/tip public:false", "tip", {"public": False}),
]


@pytest.mark.parametrize(("line", "path", "options"), PARSED, ids=[p[0] for p in PARSED])
def test_slash_commands_parse_to_typed_options(
    line: str, path: str, options: dict[str, object]
) -> None:
    action = parse_line(line, COMMANDS)
    assert isinstance(action, Slash)
    assert action.path == path
    assert action.options == options


REFUSED = [
    ("/fqa topic:refund", "unknown command /fqa (did you mean /faq?)"),
    ("/zzz", "unknown command /zzz"),
    ("/", "type a command after /"),
    ("/goal", "/goal needs a subcommand: create, contribute, leaderboard, history, list"),
    ("/goal goal:x", "/goal needs a subcommand"),
    ("/goal creat name:x target:5", "unknown command /goal creat (did you mean /goal create?)"),
    ("/goal contribute goal:Birthday", "missing required option coins"),
    ("/goal contribute", "missing required options goal, coins"),
    ("/goal contribute goal:x coins:lots", "coins must be a whole number, not 'lots'"),
    ("/goal contribute goal:x coins:1.5", "coins must be a whole number"),
    ("/goal contribute goal:x coins:0", "coins must be between 1 and 1,000,000 (not 0)"),
    ("/goal contribute goal:x coins:", "option coins needs a value"),
    ("/goal contribute gaol:x coins:5", "/goal contribute has no option gaol (did you mean goal?)"),
    (
        "/goal contribute goal:Birthday amount:5",
        "/goal contribute has no option amount (options: goal, coins); "
        "missing required option coins",
    ),
    ("/goal contribute goal:x coins:5 coins:6", "option coins is given twice"),
    ("/goal contribute x goal:y coins:5", "option goal is given twice"),
    ("/goal leaderboard period:year", "period must be one of: all, month, week"),
    ("/goal leaderboard everyone", "/goal leaderboard: which option is 'everyone'?"),
    ("/goal list please", "/goal list takes no options"),
    ("/coinhelp config channel:#general", "has no option channel (options: announce-channel"),
    ("/faq topic:" + "x" * 101, "topic must be between 1 and 100 characters (it has 101)"),
    ("/tip public:maybe", "public must be true or false, not 'maybe'"),
    ("/tip public:yes share:lots", "share must be a number, not 'lots'"),
    ("/tip public:yes share:2", "share must be between 0 and 1 (not 2.0)"),
    ("faq topic:refund", "slash commands start with /: try /faq topic:refund"),
    ("hello there", "unknown input 'hello'"),
    ("as", "as who?"),
    ("in", "in which channel?"),
    ("press x", "press which button?"),
    ("press 0", "press which button?"),
]


@pytest.mark.parametrize(("line", "message"), REFUSED, ids=[r[0][:40] for r in REFUSED])
def test_what_discords_client_would_refuse_is_refused_clearly(line: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_line(line, COMMANDS)
    assert message in refused.value.message


WORDS = [
    ("", Blank()),
    ("   ", Blank()),
    ("# a comment in a script", Blank()),
    ("as moderator", ActAs("moderator")),
    ("as @alice", ActAs("alice")),
    ("in #announcements", MoveTo("announcements")),
    ("in general", MoveTo("general")),
    ("press 2", Press(2)),
    ("2", Press(2)),
    ("help", Help("")),
    ("help /goal contribute", Help("goal contribute")),
    ("?", Help("")),
    ("quit", Quit()),
    ("EXIT", Quit()),
]


@pytest.mark.parametrize(("line", "action"), WORDS, ids=[w[0] or "empty" for w in WORDS])
def test_the_sandboxs_own_words(line: str, action: object) -> None:
    assert parse_line(line, COMMANDS) == action


def test_leaves_and_usage_come_from_the_registered_commands() -> None:
    by_path = {leaf.path: leaf for leaf in leaves(COMMANDS)}
    assert "goal contribute" in by_path and "goal" not in by_path
    assert by_path["faqadmin import"].default_member_permissions == 32
    assert usage(by_path["goal leaderboard"]) == (
        "/goal leaderboard [goal:<text>] [period:<all|month|week>]"
    )
    assert usage(by_path["goal contribute"]) == "/goal contribute goal:<text> coins:<whole number>"
