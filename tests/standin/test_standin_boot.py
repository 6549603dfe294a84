"""``standin/boot/sitecustomize.py`` redirects an unmodified bot running as a subprocess."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from standin import StandIn

BOOT = Path(__file__).resolve().parents[2] / "standin" / "boot"

BOT = """
import os

import discord
from discord import app_commands

client = discord.Client(intents=discord.Intents.default())
tree = app_commands.CommandTree(client)


@tree.command(description="Answer from a subprocess")
async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pong from a subprocess")


async def setup_hook() -> None:
    await tree.sync()


client.setup_hook = setup_hook
client.run(os.environ["DISCORD_TOKEN"])
"""


async def test_sitecustomize_redirects_a_bot_subprocess(standin: StandIn, tmp_path: Path) -> None:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    script = tmp_path / "bot.py"
    script.write_text(BOT)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BOOT), os.environ.get("PYTHONPATH")])),
        "COINHELP_STANDIN_URL": standin.url,
        "DISCORD_TOKEN": standin.token,
    }
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(script), env=env, stdout=stderr, stderr=stderr
        )
        try:
            await standin.wait_until_connected(timeout=20)
            handle = await standin.slash(guild, alice, "ping")
            await handle.response()
            assert handle.text == "pong from a subprocess"
        finally:
            process.terminate()
            await process.wait()
    assert standin.sync_count == 1
