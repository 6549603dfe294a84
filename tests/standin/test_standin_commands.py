"""Slash commands through the driver: options, resolved objects, response kinds, files."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from standin_testbot import Scene

from standin import Attachment, DriverError


async def test_slash_command_answers_fixed_text(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "ping")
    await handle.response()
    assert handle.kind == "message"
    assert handle.text == "pong"
    assert not handle.ephemeral
    assert handle.message is not None
    assert scene.server.messages(scene.guild.default_channel) == []  # not a channel post
    visible = scene.server.messages(scene.guild.default_channel, include_interactions=True)
    assert visible == [handle.message]


async def test_interaction_payload_is_complete(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.mod, "ping")
    payload = handle.payload
    expected = [
        "id",
        "application_id",
        "type",
        "data",
        "guild_id",
        "guild",
        "channel_id",
        "channel",
        "member",
        "token",
        "version",
        "app_permissions",
        "locale",
        "guild_locale",
        "entitlements",
        "authorizing_integration_owners",
        "context",
        "attachment_size_limit",
    ]
    for key in expected:
        assert key in payload, key
    assert payload["member"]["flags"] == 0
    assert int(payload["member"]["permissions"]) & (1 << 5)  # the mod's MANAGE_GUILD
    assert int(payload["channel"]["permissions"]) == int(payload["member"]["permissions"])
    await handle.response()


async def test_subcommand_group_with_typed_options(scene: Scene) -> None:
    guild = scene.guild
    news = guild.add_channel("news")
    handle = await scene.server.slash(
        guild,
        scene.alice,
        "kit typed",
        number=42,
        who=scene.bob,
        where=news,
        file=Attachment("notes.txt", b"attached bytes"),
    )
    await handle.response()
    assert handle.text == ("number=42 who=bob where=news file=notes.txt:attached bytes note=None")
    options = handle.payload["data"]["options"][0]
    assert options["type"] == 1 and options["name"] == "typed"
    resolved = handle.payload["data"]["resolved"]
    assert set(resolved) == {"users", "members", "channels", "attachments"}


async def test_nested_group_boolean_and_number(scene: Scene) -> None:
    handle = await scene.server.slash(
        scene.guild, scene.alice, "kit deep inner", flag=True, ratio=0.5
    )
    await handle.response()
    assert handle.text == "flag=True ratio=0.5"
    group = handle.payload["data"]["options"][0]
    assert group["type"] == 2 and group["options"][0]["type"] == 1


async def test_kwargs_map_to_hyphenated_and_renamed_options(scene: Scene) -> None:
    handle = await scene.server.slash(
        scene.guild, scene.alice, "goal contribute", goal="New year", coins=5
    )
    assert (await handle.response()).text == "5 coins to New year"


@pytest.mark.parametrize(
    ("path", "options", "message"),
    [
        ("nope", {}, "not a slash command"),
        ("kit", {}, "needs a subcommand"),
        ("kit typo", {}, "no subcommand"),
        ("goal contribute", {"goal": "x"}, "required option 'coins' is missing"),
        ("goal contribute", {"goal": "x", "coins": 5, "extra": 1}, "no option 'extra'"),
        ("goal contribute", {"goal": "x", "coins": "5"}, "needs a number"),
        ("goal contribute", {"goal": "x", "coins": 0}, "not in 1..1000000"),
        ("goal contribute", {"goal": "x", "coins": True}, "needs a number"),
        ("kit deep inner", {"flag": "yes", "ratio": 1}, "True or False"),
    ],
)
async def test_the_client_refuses_what_a_person_cannot_send(
    scene: Scene, path: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(DriverError, match=message):
        await scene.server.slash(scene.guild, scene.alice, path, **options)
    assert scene.server.interactions == {}


async def test_raw_options_escape_hatch(scene: Scene) -> None:
    raw = [{"type": 3, "name": "goal", "value": "x"}, {"type": 4, "name": "coins", "value": -7}]
    handle = await scene.server.slash(scene.guild, scene.alice, "goal contribute", raw_options=raw)
    assert (await handle.response()).text == "-7 coins to x"


async def test_default_member_permissions_hide_a_command(scene: Scene) -> None:
    with pytest.raises(DriverError, match="hidden from alice"):
        await scene.server.slash(scene.guild, scene.alice, "modonly")
    handle = await scene.server.slash(scene.guild, scene.mod, "modonly")
    assert (await handle.response()).text == "manage_guild=True"
    bypass = await scene.server.slash(scene.guild, scene.alice, "modonly", check_permissions=False)
    assert (await bypass.response()).text == "manage_guild=False"


async def test_deferred_then_edited(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "slow")
    await handle.response()
    assert handle.kind == "deferred"
    message = await handle.wait_edit()
    assert message.text == "done thinking"
    assert not message.loading


async def test_deferred_then_followup_fills_the_original(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "later")
    await handle.response()
    assert handle.kind == "deferred" and handle.ephemeral
    await handle.wait_edit()
    assert handle.text == "filled in"
    assert handle.followups == []


async def test_followup_after_a_message(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "follow")
    await handle.response()
    second = await handle.wait_followup()
    assert handle.text == "first"
    assert second.text == "second" and second.ephemeral


async def test_ephemeral_reply(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "secret")
    await handle.response()
    assert handle.ephemeral and handle.text == "only you"
    assert scene.server.messages(scene.guild.default_channel, include_interactions=True) == []


async def test_file_and_embed_sent_by_the_bot(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "file")
    await handle.response()
    assert handle.attachments == [("hello.txt", b"hello file")]
    assert handle.embeds[0]["title"] == "Report"
    assert handle.text == "here\nReport\nsee attachment\nrows\n1"
    assert handle.message is not None
    url = handle.message.files[0].url
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert await response.read() == b"hello file"
        assert response.content_type == "text/plain"


async def test_channel_posts_and_allowed_mentions(scene: Scene) -> None:
    server, guild = scene.server, scene.guild
    news = guild.add_channel("news")
    handle = await server.slash(guild, scene.alice, "announce", where=news)
    await handle.response()
    assert handle.text == "posted"
    posted = await server.wait_for_message(news)
    assert posted.content == "@everyone news"
    assert posted.allowed_mentions == {"parse": []}
    assert not posted.pings.any_mass_ping
    assert server.messages(news) == [posted]
    again = await server.slash(guild, scene.bob, "announce", where=news)
    second = await server.wait_for_message(news)  # the next one, not the first again
    assert second is not posted and second.content == "@everyone news"
    await again.wait_for(lambda: again.responded)
    assert again.text == "posted"


async def test_channel_the_bot_may_not_post_in(scene: Scene) -> None:
    server, guild = scene.server, scene.guild
    locked = guild.add_channel("locked", bot_can_send=False)
    handle = await server.slash(guild, scene.alice, "announce", where=locked)
    await handle.response()
    assert handle.text == "cannot post there"
    assert server.messages(locked) == []
    assert server.violations == []


async def test_many_interactions_at_the_same_moment(scene: Scene) -> None:
    people = [scene.guild.add_member(f"fan{i}") for i in range(20)]
    handles = await asyncio.gather(
        *(
            scene.server.slash(scene.guild, p, "goal contribute", goal="x", coins=i + 1)
            for i, p in enumerate(people)
        )
    )
    await asyncio.gather(*(h.response() for h in handles))
    assert [h.text for h in handles] == [f"{i + 1} coins to x" for i in range(20)]


async def test_options_dict_for_names_that_clash(scene: Scene) -> None:
    news = scene.guild.add_channel("news")
    handle = await scene.server.slash(scene.guild, scene.alice, "announce", options={"where": news})
    assert (await handle.response()).text == "posted"
    assert (await scene.server.wait_for_message(news)).effective_allowed_mentions == {"parse": []}


async def test_a_stand_in_told_to_keep_little_forgets_old_interactions(scene: Scene) -> None:
    """Benchmarks bound what the stand-in remembers; recent interactions still work."""
    server = scene.server
    server.keep = 5
    channel = scene.guild.default_channel
    handles = []
    for _ in range(30):
        handle = await server.slash(scene.guild, scene.alice, "ping")
        await handle.response()
        handles.append(handle)
    assert len(server.interactions) == len(server.by_token) == 5
    assert list(server.interactions) == [handle.id for handle in handles[-5:]]
    assert len(server.messages_by_id) <= 10
    assert len(server.messages(channel, include_interactions=True)) <= 20
    assert handles[-1].message in server.messages(channel, include_interactions=True)
    last = await server.slash(scene.guild, scene.bob, "ping")
    await last.response()
    assert last.text == "pong"
