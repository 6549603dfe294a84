"""Reusable UI: a pager that only the member who opened it can turn."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from cogs.common import InvokerView, reply

PageLoader = Callable[[int], Awaitable[tuple[discord.Embed, int]]]
"""Given a page index, the page's embed and the current number of pages."""


class PagerView(InvokerView):
    """◀ / ▶ buttons over pages that are loaded on demand.

    Pages are loaded when shown, so a leaderboard page is always current and
    a long history is never held in memory whole.
    """

    def __init__(self, owner_id: int, load: PageLoader, *, page_count: int, timeout: float = 300.0):
        super().__init__(owner_id, timeout=timeout)
        self.load = load
        self.page = 0
        self.page_count = page_count
        self._sync_buttons()

    @classmethod
    async def start(
        cls,
        interaction: discord.Interaction[Any],
        load: PageLoader,
        *,
        ephemeral: bool = False,
        expires_after: float = 300.0,
    ) -> None:
        """Answer `interaction` with page one, with buttons only if there is more.

        After `expires_after` seconds without a click the buttons are disabled.
        """
        embed, page_count = await load(0)
        if page_count <= 1:
            await reply(interaction, embed=embed, ephemeral=ephemeral)
            return
        view = cls(interaction.user.id, load, page_count=page_count, timeout=expires_after)
        view.message = await reply(interaction, embed=embed, view=view, ephemeral=ephemeral)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page <= 0
        self.next.disabled = self.page >= self.page_count - 1
        self.position.label = f"{self.page + 1} / {self.page_count}"

    async def _show(self, interaction: discord.Interaction[Any], page: int) -> None:
        embed, self.page_count = await self.load(page)
        self.page = max(0, min(page, self.page_count - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(
        label="◀", style=discord.ButtonStyle.secondary, custom_id="coinhelp:pager:previous"
    )
    async def previous(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(
        label="1 / 1",
        style=discord.ButtonStyle.secondary,
        disabled=True,
        custom_id="coinhelp:pager:position",
    )
    async def position(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]
    ) -> None:
        """A label, not a control: it is always disabled."""

    @discord.ui.button(
        label="▶", style=discord.ButtonStyle.secondary, custom_id="coinhelp:pager:next"
    )
    async def next(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.page + 1)
