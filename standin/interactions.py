"""One interaction as the stand-in tracks it, and the handle tests drive it with.

Discord's rules that bite: the initial response must arrive within 3 seconds
of the interaction (later: 404 "Unknown interaction", code 10062); there is
exactly one initial response (a second: 400, code 40060); a deferred
response (type 5) shows "thinking" until the bot edits ``@original`` or sends
its first followup, which then fills the original; a component interaction
answered with type 6 or 7 makes the clicked message the "original".
"""

# ruff: noqa: ASYNC109  (waiters take a timeout in seconds: it is the driver's public API)
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from standin.errors import InteractionFailed
from standin.messages import Button, Message, Select
from standin.models import Channel, Guild, Member

if TYPE_CHECKING:
    from standin.server import StandIn

Payload = dict[str, Any]

PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

#: Callback types by name, as ``InteractionHandle.kind`` reports them.
KINDS = {
    1: "pong",
    4: "message",
    5: "deferred",
    6: "deferred_update",
    7: "update",
    8: "autocomplete",
    9: "modal",
}


@dataclass
class ModalField:
    """One input of a modal as the bot sent it (``wrapper`` 1 = action row, 18 = label)."""

    custom_id: str
    type: int
    label: str | None
    style: int
    value: str | None
    placeholder: str | None
    min_length: int | None
    max_length: int | None
    required: bool
    wrapper: int
    component_id: int | None = None
    options: list[Payload] = field(default_factory=list)

    @property
    def min(self) -> int | None:
        return self.min_length

    @property
    def max(self) -> int | None:
        return self.max_length


@dataclass
class Modal:
    """A modal the bot opened: title, custom id and its inputs in order."""

    title: str
    custom_id: str
    fields: list[ModalField]
    components: list[Payload]

    @classmethod
    def from_payload(cls, data: Payload) -> Modal:
        fields: list[ModalField] = []
        for component in data.get("components") or []:
            kind = component.get("type")
            if kind == 1:
                for inner in component.get("components") or []:
                    fields.append(_modal_field(inner, inner.get("label"), 1, component.get("id")))
            elif kind == 18:
                inner = component.get("component") or {}
                fields.append(_modal_field(inner, component.get("label"), 18, component.get("id")))
        components = data.get("components") or []
        return cls(data.get("title", ""), data.get("custom_id", ""), fields, components)

    def field(self, custom_id: str) -> ModalField:
        for item in self.fields:
            if item.custom_id == custom_id:
                return item
        raise KeyError(custom_id)


def _modal_field(inner: Payload, label: str | None, wrapper: int, wrapper_id: Any) -> ModalField:
    return ModalField(
        custom_id=inner.get("custom_id", ""),
        type=inner.get("type", 4),
        label=label,
        style=inner.get("style", 1),
        value=inner.get("value"),
        placeholder=inner.get("placeholder"),
        min_length=inner.get("min_length"),
        max_length=inner.get("max_length"),
        required=bool(inner.get("required", True)),
        wrapper=wrapper,
        component_id=wrapper_id,
        options=list(inner.get("options") or []),
    )


class InteractionHandle:
    """A Discord interaction sent to the bot, and everything the bot answered.

    ``message`` is the original response as it stands now (for a component
    interaction answered by updating, the clicked message); ``followups`` the
    followup messages in order. Waiters are event driven and time out with a
    clear error.
    """

    def __init__(
        self,
        server: StandIn,
        *,
        interaction_id: int,
        token: str,
        type: int,
        guild: Guild,
        channel: Channel,
        member: Member,
        payload: Payload,
        label: str,
        source_message: Message | None = None,
        option_type: int | None = None,
    ) -> None:
        self._server = server
        self.id = interaction_id
        self.token = token
        self.type = type
        self.guild = guild
        self.channel = channel
        self.member = member
        self.payload = payload
        self.label = label
        self.source_message = source_message
        self.option_type = option_type  # the focused option's type, for autocomplete
        self.created = asyncio.get_running_loop().time()
        self.kind: str | None = None
        self.message: Message | None = None
        self.followups: list[Message] = []
        self.modal: Modal | None = None
        self.modal_submitted = False
        self.choices: list[Payload] | None = None
        self.edits = 0
        self.rejections: list[str] = []
        self.expired = False
        self._deadline = asyncio.get_running_loop().call_later(
            server.response_deadline, self._expire
        )

    def __repr__(self) -> str:
        return f"<InteractionHandle {self.label} kind={self.kind}>"

    def _expire(self) -> None:
        self.expired = True
        self._server.notify_soon()

    def _acknowledged(self, kind: str) -> None:
        self.kind = kind
        self._deadline.cancel()

    def stop_clock(self) -> None:
        """Stop the 3 s deadline timer (the stand-in is closing)."""
        self._deadline.cancel()

    # --- what the bot answered ------------------------------------------------------------

    @property
    def responded(self) -> bool:
        return self.kind is not None

    @property
    def ephemeral(self) -> bool:
        return self.message is not None and self.message.ephemeral

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[Payload]:
        return self.message.embeds if self.message else []

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        return self.message.attachments if self.message else []

    @property
    def text(self) -> str:
        """The original response's content and embed texts (see ``Message.text``)."""
        return self.message.text if self.message else ""

    @property
    def buttons(self) -> list[Button]:
        return self.message.buttons if self.message else []

    @property
    def selects(self) -> list[Select]:
        return self.message.selects if self.message else []

    @property
    def messages(self) -> list[Message]:
        """The original response (if any) and the followups."""
        return ([self.message] if self.message else []) + self.followups

    # --- waiting --------------------------------------------------------------------------

    async def response(self, timeout: float = 10.0) -> InteractionHandle:
        """Wait for the initial response; returns this handle.

        Raises InteractionFailed as soon as Discord's 3 s deadline passed without a
        valid answer, ResponseTimeout after ``timeout``.
        """
        await self._server.wait_for(
            lambda: self.kind is not None or self.expired,
            timeout,
            f"the bot to answer {self.label}",
            follow_bot=False,
        )
        if self.kind is None:
            detail = "; ".join(self.rejections) or "no answer at all"
            raise InteractionFailed(
                f"{self.label}: no valid initial response within "
                f"{self._server.response_deadline:g} s (Discord shows 'This interaction "
                f"failed'): {detail}"
            )
        return self

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` is true (re-checked on every change)."""
        await self._server.wait_for(predicate, timeout, f"a condition on {self.label}")

    async def wait_edit(self, count: int = 1, timeout: float = 10.0) -> Message:
        """Wait until the bot edited the original response ``count`` times; returns it."""
        await self._server.wait_for(
            lambda: self.edits >= count,
            timeout,
            f"edit #{count} of the response to {self.label}",
            follow_bot=False,
        )
        assert self.message is not None
        return self.message

    async def wait_followup(self, n: int = 1, timeout: float = 10.0) -> Message:
        """Wait for the ``n``-th followup message (1-based); returns it."""
        await self._server.wait_for(
            lambda: len(self.followups) >= n,
            timeout,
            f"followup #{n} to {self.label}",
            follow_bot=False,
        )
        return self.followups[n - 1]

    # --- acting on it ---------------------------------------------------------------------

    async def click(
        self,
        label_or_custom_id: str,
        member: Member | None = None,
        *,
        message: Message | None = None,
    ) -> InteractionHandle:
        """Click a button on the original response or a followup (or ``message``)."""
        return await self._server.driver.click(self, label_or_custom_id, member, message)

    async def select(
        self,
        custom_id: str,
        values: list[Any],
        member: Member | None = None,
        *,
        message: Message | None = None,
    ) -> InteractionHandle:
        """Choose ``values`` in a select menu (strings; members/roles/channels for the
        entity selects)."""
        return await self._server.driver.select(self, custom_id, values, member, message)

    async def submit_modal(
        self, values: dict[str, Any] | None = None, member: Member | None = None
    ) -> InteractionHandle:
        """Submit the modal the bot opened; untouched fields keep their prefilled value."""
        return await self._server.driver.submit_modal(self, values or {}, member)
