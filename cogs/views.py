"""Buttons that carry their own state: paged lists, and buttons only their owner may press.

Every button the bot sends keeps what it needs in its custom id: which list,
whose it is, which page. So the bot holds nothing per message: no view waits
in memory for a click (on a busy night hundreds of leaderboards cost nothing
once answered), buttons keep working after a restart, and a page is loaded
when it is shown, so it is always current.

Discord sends back only custom ids the bot put on its own messages; they are
still parsed strictly, and the server always comes from the click itself.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from cogs.common import reply, report_error, speak_to
from coinhelp.errors import InvalidInput

if TYPE_CHECKING:
    from coinhelp_discord.bot import CoinhelpBot

    Interaction = discord.Interaction[CoinhelpBot]
else:
    Interaction = discord.Interaction

CUSTOM_ID_MAX = 100
STATE_MAX = 51

V = TypeVar("V", bound=discord.ui.View)

PageLoader = Callable[[Interaction, str, int], Awaitable[tuple[discord.Embed, int]]]
"""Given the click (or command), the list's state and a page index: that page's
embed and the current number of pages."""


async def owner_only(
    interaction: discord.Interaction[Any], owner_id: int, action: Callable[[], Awaitable[None]]
) -> None:
    """Run a button's `action` for its owner; tell anyone else privately.

    Errors take the bot's one error path (discord.py would only log them).
    """
    try:
        await speak_to(interaction)
        if interaction.user.id != owner_id:
            raise InvalidInput("common.not_yours")
        await action()
    except Exception as error:
        await report_error(interaction, error)


@contextlib.contextmanager
def freed_once_sent(view: V) -> Iterator[V]:
    """`view` for one message; once it is sent, its items are taken off it.

    Every item the bot sends carries its state, so discord.py keeps nothing of
    the view afterwards. What is left is a cycle, each item pointing back at the
    view, that only the garbage collector could free, and each of its passes
    holds up every waiting interaction. Without its items the view is freed as
    soon as it is sent (bench/ measures the collector's work per answer).
    """
    try:
        yield view
    finally:
        view.clear_items()


def state_fields(state: str, count: int) -> list[int]:
    """A list state made of `count` whole numbers joined by '.', or InvalidInput."""
    fields = state.split(".")
    if len(fields) != count or not all(field.isdigit() for field in fields):
        raise InvalidInput("common.out_of_date")
    return [int(field) for field in fields]


class Pager:
    """One kind of paged list (a leaderboard, a goal's history...), ◀ / ▶ to turn."""

    def __init__(self, kind: str, load: PageLoader, *, ephemeral: bool = False) -> None:
        if not re.fullmatch(r"[a-z]{1,8}", kind):
            raise ValueError(f"pager kind {kind!r} must be 1-8 lowercase letters")
        self.kind = kind
        self.load = load
        self.ephemeral = ephemeral

    async def start(self, interaction: Interaction, state: str = "") -> None:
        """Answer with page one; with buttons only if there is more."""
        embed, count = await self.load(interaction, state, 0)
        if count <= 1:
            await reply(interaction, embed=embed, ephemeral=self.ephemeral)
            return
        with freed_once_sent(self.controls(interaction.user.id, state, 0, count)) as view:
            await reply(interaction, embed=embed, view=view, ephemeral=self.ephemeral)

    async def turn(self, interaction: Interaction, state: str, page: int) -> None:
        """Show `page` in place; the last page if the list has shrunk since."""
        embed, count = await self.load(interaction, state, page)
        if page >= count > 0:
            page = count - 1
            embed, count = await self.load(interaction, state, page)
        if count <= 1:
            await interaction.response.edit_message(embed=embed, view=None)
            return
        with freed_once_sent(self.controls(interaction.user.id, state, page, count)) as view:
            await interaction.response.edit_message(embed=embed, view=view)

    def controls(self, owner_id: int, state: str, page: int, count: int) -> discord.ui.View:
        """◀, "page / pages" and ▶; every item stateless, so nothing is kept."""
        view = discord.ui.View(timeout=None)
        view.add_item(PageButton(self.kind, owner_id, max(page - 1, 0), state, "◀", page <= 0))
        view.add_item(PagePosition(page, count))
        view.add_item(PageButton(self.kind, owner_id, page + 1, state, "▶", page >= count - 1))
        return view


class Pagers(dict[str, Pager]):
    """The bot's pagers by kind, for buttons to find theirs."""

    def add(self, kind: str, load: PageLoader, *, ephemeral: bool = False) -> Pager:
        if kind in self:
            raise ValueError(f"a pager of kind {kind!r} is already registered")
        self[kind] = pager = Pager(kind, load, ephemeral=ephemeral)
        return pager


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"coinhelp:pg:(?P<kind>[a-z]{1,8}):(?P<owner>[0-9]{1,20}):(?P<page>[0-9]{1,6}):(?P<state>[^:]{0,50})",
):
    """◀ or ▶: turns its list to the page in its custom id."""

    def __init__(
        self, kind: str, owner_id: int, page: int, state: str, label: str, disabled: bool
    ) -> None:
        custom_id = f"coinhelp:pg:{kind}:{owner_id}:{page}:{state}"
        if len(state) > STATE_MAX or ":" in state or len(custom_id) > CUSTOM_ID_MAX:
            raise ValueError(f"list state {state!r} does not fit in a custom id")
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
                disabled=disabled,
            )
        )
        self.kind = kind
        self.owner_id = owner_id
        self.page = page
        self.state = state

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        label = getattr(item, "label", None) or ""
        disabled = bool(getattr(item, "disabled", False))
        return cls(
            match["kind"], int(match["owner"]), int(match["page"]), match["state"], label, disabled
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async def turn() -> None:
            bot: CoinhelpBot = interaction.client
            pager = bot.pagers.get(self.kind)
            if pager is None:
                raise InvalidInput("common.out_of_date")
            await pager.turn(interaction, self.state, self.page)

        await owner_only(interaction, self.owner_id, turn)


class PagePosition(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"coinhelp:pgat:(?P<page>[0-9]{1,6})",
):
    """The "2 / 5" between the arrows: a label, always disabled, never pressed."""

    def __init__(self, page: int, count: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{page + 1} / {count}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"coinhelp:pgat:{page}",
                disabled=True,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PagePosition:
        position = cls(0, 1)
        position.item.label = getattr(item, "label", None)
        return position
