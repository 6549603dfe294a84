"""A tiny discord.py bot (not coinhelp) that exercises every feature of the stand-in."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field

import discord
from discord import app_commands

from standin import Guild, Member, StandIn

GOALS = ["Birthday LIVE", "Battle night", "New year"]


class Counter(discord.ui.View):
    """+1 / Done buttons and a colour select; only the invoker may press them."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=None)
        self.owner_id = owner_id
        self.count = 0

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("not your counter", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="+1", custom_id="counter:add", style=discord.ButtonStyle.primary)
    async def add(
        self, interaction: discord.Interaction, button: discord.ui.Button[Counter]
    ) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"count {self.count}", view=self)

    @discord.ui.button(label="Done", custom_id="counter:done")
    async def done(
        self, interaction: discord.Interaction, button: discord.ui.Button[Counter]
    ) -> None:
        for child in self.children:
            if isinstance(child, discord.ui.Button | discord.ui.Select):
                child.disabled = True
        await interaction.response.edit_message(content=f"final {self.count}", view=self)
        self.stop()

    @discord.ui.select(
        custom_id="counter:colour",
        options=[
            discord.SelectOption(label="Red", value="red"),
            discord.SelectOption(label="Blue", value="blue"),
        ],
    )
    async def colour(
        self, interaction: discord.Interaction, select: discord.ui.Select[Counter]
    ) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}")


class Note(discord.ui.Modal, title="Edit note"):
    """One text input in an action row, one inside a Label (type 18)."""

    heading: discord.ui.TextInput[Note] = discord.ui.TextInput(
        label="Title", custom_id="note:title", default="Draft", max_length=45
    )
    body: discord.ui.Label[Note] = discord.ui.Label(
        text="Body",
        component=discord.ui.TextInput(custom_id="note:body", style=discord.TextStyle.paragraph),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.body.component, discord.ui.TextInput)
        await interaction.response.send_message(
            f"saved {self.heading.value}: {self.body.component.value}"
        )


class ProbeBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)
        self.release = asyncio.Event()
        self.late_refused = asyncio.Event()
        self.resumed = asyncio.Event()
        add_commands(self)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_resumed(self) -> None:
        self.resumed.set()


def add_commands(bot: ProbeBot) -> None:
    tree = bot.tree

    @tree.command(description="Answer pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    kit = app_commands.Group(name="kit", description="Typed options")

    @kit.command(description="Every option type that needs resolving")
    async def typed(
        interaction: discord.Interaction,
        number: app_commands.Range[int, 1, 100],
        who: discord.Member,
        where: discord.TextChannel,
        file: discord.Attachment,
        note: str | None = None,
    ) -> None:
        data = await file.read()
        await interaction.response.send_message(
            f"number={number} who={who.name} where={where.name} "
            f"file={file.filename}:{data.decode()} note={note}"
        )

    deep = app_commands.Group(name="deep", description="A nested group", parent=kit)

    @deep.command(description="Innermost subcommand")
    async def inner(interaction: discord.Interaction, flag: bool, ratio: float) -> None:
        await interaction.response.send_message(f"flag={flag} ratio={ratio}")

    tree.add_command(kit)

    goal = app_commands.Group(name="goal", description="Pooled goals")

    @goal.command(description="Pledge coins")
    @app_commands.rename(goal_name="goal")
    async def contribute(
        interaction: discord.Interaction,
        goal_name: str,
        coins: app_commands.Range[int, 1, 1_000_000],
    ) -> None:
        await interaction.response.send_message(f"{coins} coins to {goal_name}")

    @contribute.autocomplete("goal_name")
    async def goal_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=g, value=g) for g in GOALS if current.lower() in g.lower()]

    tree.add_command(goal)

    @tree.command(description="Autocomplete that offers too much")
    async def many(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(topic)

    @many.autocomplete("topic")
    async def many_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"t{i}", value=f"t{i}") for i in range(26)]

    @tree.command(description="Defer, then edit")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="done thinking")

    @tree.command(description="Defer, then a followup")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("filled in")

    @tree.command(description="Answer and follow up")
    async def follow(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        await interaction.followup.send("second", ephemeral=True)

    @tree.command(description="Ephemeral answer")
    async def secret(interaction: discord.Interaction) -> None:
        view = Counter(interaction.user.id)
        await interaction.response.send_message("only you", ephemeral=True, view=view)

    @tree.command(description="Buttons")
    async def counter(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("count 0", view=Counter(interaction.user.id))

    @tree.command(description="A modal")
    async def note(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Note())

    @tree.command(description="A file")
    async def file(interaction: discord.Interaction) -> None:
        upload = discord.File(io.BytesIO(b"hello file"), filename="hello.txt")
        embed = discord.Embed(title="Report", description="see attachment")
        embed.add_field(name="rows", value="1")
        await interaction.response.send_message("here", file=upload, embed=embed)

    @tree.command(description="Post to a channel")
    async def announce(interaction: discord.Interaction, where: discord.TextChannel) -> None:
        try:
            await where.send("@everyone news", allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            await interaction.response.send_message("cannot post there", ephemeral=True)
            return
        await interaction.response.send_message("posted", ephemeral=True)

    @tree.command(description="Moderators only")
    @app_commands.default_permissions(manage_guild=True)
    async def modonly(interaction: discord.Interaction) -> None:
        allowed = interaction.permissions.manage_guild
        await interaction.response.send_message(f"manage_guild={allowed}")

    @tree.command(description="Too long")
    async def toolong(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as exc:
            await interaction.response.send_message(f"refused {exc.status} {exc.code}")

    @tree.command(description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        interaction.response._response_type = None  # get past discord.py's own guard
        try:
            await interaction.response.send_message("two")
        except discord.HTTPException as exc:
            await interaction.followup.send(f"second refused {exc.code}")

    @tree.command(description="Answers late")
    async def late(interaction: discord.Interaction) -> None:
        await bot.release.wait()
        try:
            await interaction.response.send_message("late")
        except discord.NotFound:
            bot.late_refused.set()


@dataclass
class Scene:
    """A running test bot in a guild with three people."""

    server: StandIn
    bot: ProbeBot
    guild: Guild
    alice: Member
    bob: Member
    mod: Member
    extra: dict[str, object] = field(default_factory=dict)


async def run_bot(server: StandIn, bot: discord.Client) -> asyncio.Task[None]:
    task = asyncio.create_task(bot.start(server.token))
    connected = asyncio.create_task(server.wait_until_connected())
    done, _ = await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        connected.cancel()
        task.result()
        raise RuntimeError("the bot stopped before connecting")
    connected.result()
    return task
