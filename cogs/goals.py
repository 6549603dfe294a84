"""/goal: pooled gifting goals on the append-only ledger.

Discord side only: options are parsed here, every rule lives in the
coinhelp.goals package; each command makes one call into it, with the goal
as the member typed it. Milestones and summaries are announced
after the pledge is committed; a failed announcement is logged and never
undoes a pledge.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common import Interaction, attachment, embed_from, moderator_only, reply
from cogs.views import state_fields
from coinhelp.errors import InvalidInput
from coinhelp.goals import rules
from coinhelp.goals.values import (
    CLOSED_BY_MODERATOR,
    PERIODS,
    SERVER_SCOPE,
    Goal,
    GoalSummary,
    Period,
)
from coinhelp.i18n import DEFAULT_LANGUAGE, speaking
from coinhelp.render import CHOICES_MAX, one_line

if TYPE_CHECKING:
    from coinhelp_discord.bot import CoinhelpBot

log = logging.getLogger("coinhelp.goals")

COLOUR = discord.Colour.from_rgb(255, 196, 0)
PAGE_SIZE = 10
# Upper bound on how long the deadline task sleeps, so a clock change or a
# missed wake-up costs at most this much delay.
MAX_DEADLINE_SLEEP = 300.0


@app_commands.guild_only()
class Goals(commands.GroupCog, group_name="goal"):
    """Pooled gifting goals: pledge coins together toward a target."""

    def __init__(self, bot: CoinhelpBot) -> None:
        self.bot = bot
        self.goal_list = bot.pagers.add("goals", self.goal_list_page)
        self.board = bot.pagers.add("board", self.board_page)
        self.ledger_rows = bot.pagers.add("rows", self.ledger_rows_page)
        self._deadline_wake = asyncio.Event()
        self._deadline_task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._deadline_task = asyncio.create_task(self._close_due_goals_forever())

    async def cog_unload(self) -> None:
        for kind in ("goals", "board", "rows"):
            self.bot.pagers.pop(kind, None)
        if self._deadline_task is not None:
            self._deadline_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deadline_task

    # -- shared pieces -------------------------------------------------------

    def embed(self, template: str, **context: object) -> discord.Embed:
        return embed_from(self.bot.renderer.parts(template, **context), COLOUR)

    async def goal_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        goals = await self.bot.ledger.goals.search(
            interaction.guild_id or 0, current, limit=CHOICES_MAX
        )
        return [
            app_commands.Choice(
                name=one_line(self.bot.renderer.text("goals/choice.j2", goal=goal)),
                value=str(goal.id),
            )
            for goal in goals
        ]

    async def announce(self, goal: Goal, template: str, **context: object) -> None:
        """Post `template` to the server's announcement channel, or where the goal
        was created, in the server's language (SPEC: announcements are for everyone).

        Never raises: the pledge or close that led here is already committed.
        """
        settings = await self.bot.guild_settings.get(goal.guild_id)
        channel_id = settings.announce_channel_id or goal.channel_id
        with speaking(settings.language or DEFAULT_LANGUAGE):
            embed = self.embed(template, rules=rules, **context)
        try:
            await self.bot.get_partial_messageable(channel_id).send(embed=embed)
        except discord.HTTPException as exc:
            self.bot.metrics.announcements_failed.inc()
            log.warning(
                "could not announce in channel %s of guild %s for goal %s: %s",
                channel_id,
                goal.guild_id,
                goal.id,
                exc,
                extra={"guild_id": goal.guild_id},
            )

    async def announce_summary(self, summary: GoalSummary) -> None:
        await self.announce(summary.goal, "goals/summary.j2", summary=summary)

    # -- member commands -----------------------------------------------------

    @app_commands.command(name="create")
    @app_commands.describe(
        name="What the goal is called, e.g. Birthday LIVE",
        target="Target in coins",
        deadline="UTC date or date-time, e.g. 2026-12-24 or 2026-12-24 20:00",
        creator="The TikTok creator the gifts are for",
        description="A line about the goal",
    )
    @moderator_only
    async def create(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 100],
        target: app_commands.Range[int, 1, rules.TARGET_MAX],
        deadline: app_commands.Range[str, 1, 40] | None = None,
        creator: app_commands.Range[str, 1, 100] | None = None,
        description: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Open a gifting goal for this server (moderators)."""
        goal = await self.bot.ledger.goals.create(
            interaction.guild_id or 0,
            name=name,
            target=target,
            deadline=deadline,
            creator=creator,
            description=description,
            channel_id=interaction.channel_id or 0,
            created_by=interaction.user.id,
        )
        self._deadline_wake.set()
        await interaction.response.send_message(
            embed=self.embed("goals/created.j2", goal=goal, rules=rules)
        )

    @app_commands.command(name="list")
    async def list_(self, interaction: Interaction) -> None:
        """Open goals in this server, with their progress."""
        await self.goal_list.start(interaction)

    async def goal_list_page(
        self, interaction: Interaction, state: str, index: int
    ) -> tuple[discord.Embed, int]:
        goals = await self.bot.ledger.goals.listing(interaction.guild_id or 0)
        pages = max(1, -(-len(goals) // PAGE_SIZE))
        shown = goals[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]
        return self.embed("goals/list.j2", goals=shown, page=index, pages=pages, rules=rules), pages

    @app_commands.command(name="show")
    @app_commands.autocomplete(goal=goal_autocomplete)
    async def show(self, interaction: Interaction, goal: app_commands.Range[str, 1, 100]) -> None:
        """A goal's progress: total, target, contributors, deadline, dollar estimate."""
        progress = await self.bot.ledger.goals.progress(interaction.guild_id or 0, goal)
        await interaction.response.send_message(
            embed=self.embed("goals/show.j2", progress=progress, rules=rules)
        )

    @app_commands.command(name="contribute")
    @app_commands.autocomplete(goal=goal_autocomplete)
    @app_commands.describe(coins="How many coins you pledge (1 to 1,000,000)")
    async def contribute(
        self,
        interaction: Interaction,
        goal: app_commands.Range[str, 1, 100],
        coins: app_commands.Range[int, rules.PLEDGE_MIN, rules.PLEDGE_MAX],
    ) -> None:
        """Pledge coins toward a goal."""
        pledge = await self.bot.ledger.pledges.contribute(
            interaction.guild_id or 0,
            goal,
            member_id=interaction.user.id,
            coins=coins,
            interaction_id=interaction.id,
        )
        await interaction.response.send_message(
            self.bot.renderer.text(
                "goals/pledged.j2", pledge=pledge, member_id=interaction.user.id, rules=rules
            )
        )
        for percent in pledge.milestones_crossed:
            await self.announce(pledge.goal, "goals/milestone.j2", pledge=pledge, percent=percent)

    @app_commands.command(name="leaderboard")
    @app_commands.autocomplete(goal=goal_autocomplete)
    @app_commands.describe(
        goal="A goal; leave empty for the whole server", period="All time, this month or this week"
    )
    async def leaderboard(
        self,
        interaction: Interaction,
        goal: app_commands.Range[str, 1, 100] | None = None,
        period: Period = "all",
    ) -> None:
        """Top contributors, 10 a page, and your own rank."""
        guild_id = interaction.guild_id or 0
        scope = await self.bot.ledger.goals.resolve(guild_id, goal) if goal else SERVER_SCOPE
        await self.board.start(interaction, f"{scope}.{PERIODS.index(period)}")

    async def board_page(
        self, interaction: Interaction, state: str, index: int
    ) -> tuple[discord.Embed, int]:
        """State: goal id (0: the whole server) and the period's index in PERIODS."""
        goal_id, period_index = state_fields(state, 2)
        if period_index >= len(PERIODS):
            raise InvalidInput("common.out_of_date")
        board = await self.bot.ledger.standings.board(
            interaction.guild_id or 0,
            goal_id if goal_id != SERVER_SCOPE else None,
            PERIODS[period_index],
            member_id=interaction.user.id,
            offset=index * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        pages = board.page.pages(PAGE_SIZE)
        embed = self.embed(
            "goals/leaderboard.j2",
            goal=board.goal,
            period=board.period,
            page=board.page,
            index=index,
            pages=pages,
            mine=board.mine,
            member_id=interaction.user.id,
        )
        return embed, pages

    @app_commands.command(name="history")
    @app_commands.autocomplete(goal=goal_autocomplete)
    @app_commands.describe(member="Only this member's rows")
    async def history(
        self,
        interaction: Interaction,
        goal: app_commands.Range[str, 1, 100],
        member: discord.User | None = None,
    ) -> None:
        """A goal's ledger rows with their entry ids."""
        goal_id = await self.bot.ledger.goals.resolve(interaction.guild_id or 0, goal)
        await self.ledger_rows.start(interaction, f"{goal_id}.{member.id if member else 0}")

    async def ledger_rows_page(
        self, interaction: Interaction, state: str, index: int
    ) -> tuple[discord.Embed, int]:
        """State: goal id and member id (0: every member)."""
        goal_id, member = state_fields(state, 2)
        member_id = member or None
        found, page = await self.bot.ledger.history.page(
            interaction.guild_id or 0,
            goal_id,
            member_id=member_id,
            offset=index * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        embed = self.embed(
            "goals/history.j2",
            goal=found,
            page=page,
            index=index,
            pages=page.pages(PAGE_SIZE),
            member_id=member_id,
        )
        return embed, page.pages(PAGE_SIZE)

    # -- moderators ------------------------------------------------------------

    @app_commands.command(name="void")
    @app_commands.describe(
        entry="The entry id from /goal history", reason="Why it is cancelled (kept in the ledger)"
    )
    @moderator_only
    async def void(
        self,
        interaction: Interaction,
        entry: app_commands.Range[int, 1, 2**53],
        reason: app_commands.Range[str, 1, 200],
    ) -> None:
        """Cancel a contribution by appending a void row (moderators)."""
        void = await self.bot.ledger.voids.cancel(
            interaction.guild_id or 0,
            entry,
            reason=reason,
            moderator_id=interaction.user.id,
            interaction_id=interaction.id,
        )
        await reply(
            interaction, self.bot.renderer.text("goals/voided.j2", void=void), ephemeral=False
        )

    @app_commands.command(name="close")
    @app_commands.autocomplete(goal=goal_autocomplete)
    @moderator_only
    async def close(self, interaction: Interaction, goal: app_commands.Range[str, 1, 100]) -> None:
        """Close a goal and post its final summary (moderators)."""
        summary = await self.bot.ledger.goals.close(
            interaction.guild_id or 0,
            goal,
            closed_by=interaction.user.id,
            reason=CLOSED_BY_MODERATOR,
        )
        await interaction.response.send_message(
            self.bot.renderer.text("goals/closed.j2", summary=summary), ephemeral=True
        )
        await self.announce_summary(summary)

    @app_commands.command(name="export")
    @app_commands.autocomplete(goal=goal_autocomplete)
    @moderator_only
    async def export(self, interaction: Interaction, goal: app_commands.Range[str, 1, 100]) -> None:
        """A goal's ledger as a CSV file (moderators)."""
        # A goal with many pledges takes a moment to export: answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        found, text = await self.bot.ledger.history.export_csv(interaction.guild_id or 0, goal)
        # A byte-order mark makes spreadsheet programs read the file as UTF-8.
        file = attachment(interaction, text.encode("utf-8-sig"), f"coinhelp-goal-{found.id}.csv")
        await reply(interaction, self.bot.renderer.text("goals/exported.j2", goal=found), file=file)

    # -- deadlines -------------------------------------------------------------

    async def _close_due_goals_forever(self) -> None:
        """Close goals whose deadline passed, also ones that fell due while the bot was down.

        Starts in setup_hook, after login: posting a summary needs only REST,
        so it does not wait for on_ready (which discord.py delays by seconds).
        """
        while True:
            try:
                for summary in await self.bot.ledger.goals.close_due():
                    log.info(
                        "goal %s reached its deadline and was closed",
                        summary.goal.id,
                        extra={"guild_id": summary.goal.guild_id},
                    )
                    await self.announce_summary(summary)
                next_deadline = await self.bot.ledger.goals.next_deadline()
            except Exception:
                log.exception("closing overdue goals failed; retrying later")
                next_deadline = None
            delay = MAX_DEADLINE_SLEEP
            if next_deadline is not None:
                until = next_deadline - self.bot.ledger.clock()
                delay = min(delay, max(0.0, until.total_seconds()))
            self._deadline_wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._deadline_wake.wait(), timeout=delay)


async def setup(bot: CoinhelpBot) -> None:
    await bot.add_cog(Goals(bot))
