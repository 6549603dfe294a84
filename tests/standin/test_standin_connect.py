"""Logging in, the gateway (zlib-stream, RESUME, late guilds), REST basics."""

from __future__ import annotations

import json
import zlib

import aiohttp
import discord
import pytest
from standin_testbot import ProbeBot, Scene, run_bot

from standin import DriverError, StandIn


async def test_bot_connects_over_zlib_stream_and_syncs(scene: Scene) -> None:
    server = scene.server
    assert server.connected
    assert server.gateway.compressions == ["zlib-stream"]
    assert server.sync_count == 1
    names = sorted(c["name"] for c in server.registered_commands())
    assert names[:4] == ["announce", "counter", "file", "follow"]
    modonly = next(c for c in server.registered_commands() if c["name"] == "modonly")
    assert modonly["default_member_permissions"] == str(1 << 5)
    assert modonly["application_id"] == str(server.application_id)
    assert modonly["id"] and modonly["version"]
    assert scene.bot.user is not None and scene.bot.user.id == server.bot_user.id
    assert scene.bot.get_guild(scene.guild.id) is not None


async def test_wrong_token_is_a_login_failure(standin: StandIn) -> None:
    client = discord.Client(intents=discord.Intents.default())
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_gateway_without_compression_speaks_text(standin: StandIn) -> None:
    url = standin.gateway_url + "?v=10&encoding=json"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        hello = await ws.receive()
        assert hello.type is aiohttp.WSMsgType.TEXT
        assert json.loads(hello.data)["op"] == 10
        await ws.send_str(json.dumps({"op": 1, "d": None}))
        ack = await ws.receive()
        assert json.loads(ack.data) == {"op": 11}


async def test_zlib_stream_frames_end_with_sync_flush(standin: StandIn) -> None:
    async with aiohttp.ClientSession() as session:
        url = standin.gateway_url + "?v=10&encoding=json&compress=zlib-stream"
        async with session.ws_connect(url) as ws:
            frame = await ws.receive()
            assert frame.type is aiohttp.WSMsgType.BINARY
            assert frame.data.endswith(b"\x00\x00\xff\xff")
            inflater = zlib.decompressobj()
            assert json.loads(inflater.decompress(frame.data))["op"] == 10
            await ws.send_str(json.dumps({"op": 2, "d": {"token": "wrong", "intents": 1}}))
            closing = await ws.receive()
            assert closing.type is aiohttp.WSMsgType.CLOSE
            assert closing.data == 4004


async def test_unknown_route_is_recorded(standin: StandIn) -> None:
    headers = {"Authorization": f"Bot {standin.token}"}
    url = standin.api_base + "/no/such/route"
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        assert response.status == 404
        assert response.headers["Content-Type"] == "application/json"
        assert await response.json() == {"message": "404: Not Found", "code": 0}
    assert standin.unhandled == ["GET /api/v10/no/such/route"]
    standin.unhandled.clear()


async def test_resume_replays_what_the_bot_missed(scene: Scene) -> None:
    server = scene.server
    await server.disconnect_bot()
    handle = await server.slash(scene.guild, scene.alice, "ping")  # sent while disconnected
    await handle.response()
    assert handle.text == "pong"
    await scene.bot.resumed.wait()
    assert len(server.gateway.identify_intents) == 1  # resumed, not identified again


async def test_guild_added_later_is_sent_to_the_bot(scene: Scene) -> None:
    guild = scene.server.add_guild("Later")
    member = guild.add_member("carol")
    handle = await scene.server.slash(guild, member, "ping")
    assert (await handle.response()).text == "pong"
    # GUILD_CREATE went out before the interaction, so the bot has the guild by now.
    cached = scene.bot.get_guild(guild.id)
    assert cached is not None and cached.name == "Later"
    assert cached.get_channel(guild.default_channel.id) is not None


async def test_two_bots_in_a_row_on_one_standin(standin: StandIn) -> None:
    standin.add_guild("Fans")
    for _ in range(2):
        bot = ProbeBot()
        task = await run_bot(standin, bot)
        await bot.close()
        await task
    assert standin.sync_count == 2
    assert not standin.connected


async def test_no_bot_no_interactions(standin: StandIn) -> None:
    guild = standin.add_guild("Fans")
    with pytest.raises(DriverError, match="No bot is connected"):
        await standin.slash(guild, guild.add_member("alice"), "ping")


async def test_wait_for_follows_the_bots_own_state(scene: Scene) -> None:
    guild = scene.server.add_guild("Later")
    await scene.server.wait_for(lambda: scene.bot.get_guild(guild.id) is not None, 5, "the guild")
    role = guild.add_role("helpers")
    await scene.server.sync_bot()
    cached = scene.bot.get_guild(guild.id)
    assert cached is not None and cached.get_role(role.id) is not None
