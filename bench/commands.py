"""Section 2: each user command through the stand-in, on the generated database.

Each request is a member of one of the data's servers running the command as
a person would: `/faq` with a topic picked from autocomplete, typing into that
autocomplete, `/ask` with questions people really asked (the labelled set in
tests/data), and the `/goal` commands on that server's goals (passing the id
the goal autocomplete offers). Every answer is checked, so an error message can
never be timed as a fast success.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from bench.data import COINS
from bench.workload import Workload, expect
from bench.world import World, curated

QUESTIONS_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "faq_questions.yaml"
_FALLBACK_QUESTIONS = (
    "how do i get a refund for coins",
    "why are coins cheaper on the website",
    "can u undo a rose",
    "whats the wifi password",
)
# What people type into /faq's topic box: prefixes, words, typos, half questions.
TYPED = (
    "",
    "r",
    "ref",
    "refund",
    "coin",
    "how much",
    "gift ret",
    "diamnd",
    "scam",
    "recharge w",
    "age",
    "buy coins cheap",
    "expir",
    "send gif",
    "my acount got hacked",
    "regional",
)
_FAILED = ("Something went wrong", "There is no such goal", "no valid initial response")


@functools.cache
def questions() -> tuple[str, ...]:
    """Questions from the labelled /ask set (answerable ones and off-topic ones)."""
    try:
        items = yaml.safe_load(QUESTIONS_FILE.read_text("utf-8"))["questions"]
        return tuple(str(item["q"]) for item in items)
    except (OSError, KeyError, TypeError):
        return _FALLBACK_QUESTIONS


def _ok(text: str) -> bool:
    return not any(marker in text for marker in _FAILED)


async def faq(world: World, number: int) -> None:
    server, member = world.pick(number)
    keys = list(curated())
    key = keys[number % len(keys)]
    handle = await world.standin.slash(server.guild, member, "faq", topic=key)
    await handle.response()
    expect(handle.kind == "message" and f"faq: {key}" in handle.text, "/faq", handle.text)


async def faq_autocomplete(world: World, number: int) -> None:
    server, member = world.pick(number)
    typed = TYPED[number % len(TYPED)]
    choices = await world.standin.autocomplete(
        server.guild, member, "faq", focused="topic", topic=typed
    )
    expect(isinstance(choices, list) and len(choices) <= 25, "/faq autocomplete", str(choices))


async def ask(world: World, number: int) -> None:
    server, member = world.pick(number)
    asked = questions()
    handle = await world.standin.slash(
        server.guild, member, "ask", question=asked[number % len(asked)]
    )
    await handle.response()
    expect(handle.kind == "message" and _ok(handle.text), "/ask", handle.text)


async def goal_show(world: World, number: int) -> None:
    server, member = world.pick(number)
    goal = world.goal(server, number)
    handle = await world.standin.slash(server.guild, member, "goal show", goal=str(goal))
    await handle.response()
    expect(f"goal #{goal}" in handle.text and _ok(handle.text), "/goal show", handle.text)


async def goal_contribute(world: World, number: int) -> None:
    server, member = world.pick(number)
    goal = world.goal(server, number)
    coins = COINS[number % len(COINS)]
    handle = await world.standin.slash(
        server.guild, member, "goal contribute", goal=str(goal), coins=coins
    )
    await handle.response()
    expect("Entry #" in handle.content, "/goal contribute", handle.text)


async def goal_leaderboard(world: World, number: int) -> None:
    """Alternately a goal's leaderboard and the whole server's (all time)."""
    server, member = world.pick(number)
    options: dict[str, Any] = {"goal": str(world.goal(server, number))} if number % 2 else {}
    handle = await world.standin.slash(server.guild, member, "goal leaderboard", options=options)
    await handle.response()
    expect("Top contributors" in handle.text and _ok(handle.text), "/goal leaderboard", handle.text)


async def goal_history(world: World, number: int) -> None:
    server, member = world.pick(number)
    goal = world.goal(server, number)
    handle = await world.standin.slash(server.guild, member, "goal history", goal=str(goal))
    await handle.response()
    expect(f"goal #{goal}" in handle.text and _ok(handle.text), "/goal history", handle.text)


COMMANDS: tuple[Workload, ...] = (
    Workload("faq", "/faq", faq),
    Workload("faq_autocomplete", "/faq autocomplete", faq_autocomplete),
    Workload("ask", "/ask", ask),
    Workload("goal_show", "/goal show", goal_show),
    Workload("goal_contribute", "/goal contribute", goal_contribute),
    Workload("goal_leaderboard", "/goal leaderboard", goal_leaderboard),
    Workload("goal_history", "/goal history", goal_history),
)
"""The user commands, in the order the issue lists them."""
