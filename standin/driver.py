"""The driver: acting as a Discord user, it sends the bot interactions exactly as
Discord would (slash commands, autocomplete, button clicks, select menus, modal
submits) and refuses what Discord's client would not let a person do: clicking a
disabled or missing button, seeing someone else's ephemeral message, submitting a
modal twice or with a required field empty.

Every interaction carries what discord.py 2.7 reads: ``id``, ``application_id``,
``type``, ``token``, ``version``, ``guild_id``, ``guild``, ``channel_id``,
``channel`` (with the member's ``permissions``), ``member`` (with computed
``permissions``), ``app_permissions``, ``locale``, ``guild_locale``,
``entitlements``, ``authorizing_integration_owners``, ``context`` and
``attachment_size_limit``; component and modal interactions also ``message``.
"""

# ruff: noqa: ASYNC109  (waiters take a timeout in seconds: it is the driver's public API)
from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from standin.errors import DriverError
from standin.ids import next_id
from standin.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
    ModalField,
)
from standin.messages import Message
from standin.models import Channel, Guild, Member, Role
from standin.options import OptionBuilder, check_can_use, resolve

if TYPE_CHECKING:
    from standin.server import StandIn

log = logging.getLogger("standin.driver")

Payload = dict[str, Any]

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what a server without boosts allows


class Driver:
    """Builds interactions and hands them to the bot over the gateway."""

    def __init__(self, server: StandIn) -> None:
        self.server = server

    # --- slash commands and autocomplete ---------------------------------------------------

    async def slash(
        self,
        guild: Guild,
        member: Member,
        path: str,
        *,
        channel: Channel | None,
        raw_options: list[Payload] | None,
        check_permissions: bool,
        options: dict[str, Any],
    ) -> InteractionHandle:
        channel = self._place(guild, member, channel)
        target = resolve(self.server.commands, guild.id, path)
        if check_permissions:
            check_can_use(target, member, channel)
        builder = OptionBuilder(self.server, member, channel)
        leaf = raw_options if raw_options is not None else builder.build(target, options)
        data: Payload = {
            "id": target.command["id"],
            "name": target.command["name"],
            "type": 1,
            "options": target.nest(leaf),
        }
        if target.command.get("guild_id"):
            data["guild_id"] = target.command["guild_id"]
        if builder.resolved:
            data["resolved"] = builder.resolved
        return self._send(APPLICATION_COMMAND, guild, channel, member, data, label=target.path)

    async def autocomplete(
        self,
        guild: Guild,
        member: Member,
        path: str,
        *,
        focused: str,
        channel: Channel | None,
        options: dict[str, Any],
        timeout: float,
    ) -> list[Payload]:
        channel = self._place(guild, member, channel)
        target = resolve(self.server.commands, guild.id, path)
        check_can_use(target, member, channel)
        builder = OptionBuilder(self.server, member, channel, focused=focused)
        leaf = builder.build(target, options)
        data: Payload = {
            "id": target.command["id"],
            "name": target.command["name"],
            "type": 1,
            "options": target.nest(leaf),
        }
        if target.command.get("guild_id"):
            data["guild_id"] = target.command["guild_id"]
        label = f"{target.path} (autocomplete {builder.focused!r})"
        handle = self._send(
            AUTOCOMPLETE,
            guild,
            channel,
            member,
            data,
            label=label,
            option_type=builder.focused_type,
        )
        await handle.response(timeout)
        if handle.kind != "autocomplete" or handle.choices is None:
            raise DriverError(f"{label}: the bot answered {handle.kind!r}, not choices.")
        return handle.choices

    # --- components ---------------------------------------------------------------------------

    async def click(
        self,
        handle: InteractionHandle,
        target: str,
        member: Member | None,
        message: Message | None,
    ) -> InteractionHandle:
        clicker = member or handle.member
        candidates = [message] if message is not None else handle.messages
        found: tuple[Message, Payload] | None = None
        for key in ("custom_id", "label"):
            for candidate in candidates:
                if candidate.deleted:
                    continue
                button = next((b for b in _buttons(candidate) if b.get(key) == target), None)
                if button is not None:
                    found = (candidate, button)
                    break
            if found:
                break
        if found is None:
            shown = [(b.label or b.custom_id) for m in candidates for b in m.buttons]
            raise DriverError(f"No button {target!r} on {handle.label} (buttons: {shown}).")
        source, button = found
        self._can_see(source, clicker, handle)
        name = button.get("label") or button.get("custom_id")
        if button.get("disabled"):
            raise DriverError(f"Button {name!r} on {handle.label} is disabled.")
        if button.get("style") == 5 or not button.get("custom_id"):
            raise DriverError(
                f"Button {name!r} is a link button: clicking opens a URL, no interaction."
            )
        data: Payload = {"custom_id": button["custom_id"], "component_type": 2}
        if button.get("id") is not None:
            data["id"] = button["id"]
        return self._send(
            MESSAGE_COMPONENT,
            handle.guild,
            handle.channel,
            clicker,
            data,
            label=f"button {name!r} on {handle.label}",
            source=source,
        )

    async def select(
        self,
        handle: InteractionHandle,
        custom_id: str,
        values: list[Any],
        member: Member | None,
        message: Message | None,
    ) -> InteractionHandle:
        clicker = member or handle.member
        candidates = [message] if message is not None else handle.messages
        for source in candidates:
            select = next((s for s in source.selects if s.custom_id == custom_id), None)
            if select is not None and not source.deleted:
                break
        else:
            raise DriverError(f"No select menu {custom_id!r} on {handle.label}.")
        self._can_see(source, clicker, handle)
        if select.disabled:
            raise DriverError(f"Select menu {custom_id!r} is disabled.")
        if not select.min_values <= len(values) <= select.max_values:
            raise DriverError(
                f"Select menu {custom_id!r} takes {select.min_values}..{select.max_values} values."
            )
        data: Payload = {"custom_id": custom_id, "component_type": select.type}
        if select.type == 3:
            offered = [o.get("value") for o in select.options]
            unknown = [v for v in values if v not in offered]
            if unknown:
                raise DriverError(f"Select menu {custom_id!r} has no option(s) {unknown}.")
            data["values"] = list(values)
        else:
            data["values"], data["resolved"] = _entity_values(values, handle.channel, clicker)
        return self._send(
            MESSAGE_COMPONENT,
            handle.guild,
            handle.channel,
            clicker,
            data,
            label=f"select {custom_id!r} on {handle.label}",
            source=source,
        )

    async def submit_modal(
        self, handle: InteractionHandle, values: dict[str, Any], member: Member | None
    ) -> InteractionHandle:
        modal = handle.modal
        if modal is None:
            raise DriverError(f"{handle.label} opened no modal (answered {handle.kind!r}).")
        if member is not None and member is not handle.member:
            raise DriverError(f"Only {handle.member.name} sees the modal from {handle.label}.")
        if handle.modal_submitted:
            raise DriverError(f"The modal from {handle.label} was already submitted.")
        known = {f.custom_id for f in modal.fields}
        unknown = sorted(set(values) - known)
        if unknown:
            raise DriverError(
                f"Modal {modal.title!r} has no field(s) {unknown} (fields: {sorted(known)})."
            )
        components = [_submitted(f, values.get(f.custom_id), modal.title) for f in modal.fields]
        handle.modal_submitted = True
        data: Payload = {"custom_id": modal.custom_id, "components": components}
        source = handle.source_message if handle.type == MESSAGE_COMPONENT else None
        return self._send(
            MODAL_SUBMIT,
            handle.guild,
            handle.channel,
            handle.member,
            data,
            label=f"modal {modal.title!r} from {handle.label}",
            source=source,
        )

    # --- plumbing -----------------------------------------------------------------------------

    def _place(self, guild: Guild, member: Member, channel: Channel | None) -> Channel:
        if self.server.gateway.current is None:
            raise DriverError("No bot is connected to the stand-in (await wait_until_connected()).")
        channel = channel or guild.default_channel
        if member.guild is not guild:
            raise DriverError(f"{member.name} is not a member of {guild.name}.")
        if channel.guild is not guild:
            raise DriverError(f"#{channel.name} is not a channel of {guild.name}.")
        return channel

    def _can_see(self, message: Message, member: Member, handle: InteractionHandle) -> None:
        if not message.ephemeral:
            return
        viewer = (message.interaction_metadata or {}).get("user", {}).get("id")
        if viewer is not None and viewer != str(member.id):
            raise DriverError(
                f"{member.name} cannot see the ephemeral message from {handle.label}; only its "
                "invoker can."
            )

    def _send(
        self,
        kind: int,
        guild: Guild,
        channel: Channel,
        member: Member,
        data: Payload,
        *,
        label: str,
        source: Message | None = None,
        option_type: int | None = None,
    ) -> InteractionHandle:
        server = self.server
        if server.gateway.current is None:
            raise DriverError("No bot is connected to the stand-in (await wait_until_connected()).")
        interaction_id = next_id()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
        channel_data = channel.payload()
        channel_data.pop("permission_overwrites", None)
        channel_data["permissions"] = str(member.permissions_in(channel))
        payload: Payload = {
            "id": str(interaction_id),
            "application_id": str(server.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": channel_data,
            "member": member.payload(channel=channel),
            "token": token,
            "version": 1,
            "app_permissions": str(guild.bot_member.permissions_in(channel)),
            "locale": member.locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if source is not None:
            payload["message"] = source.payload()
        handle = InteractionHandle(
            server,
            interaction_id=interaction_id,
            token=token,
            type=kind,
            guild=guild,
            channel=channel,
            member=member,
            payload=payload,
            label=label,
            source_message=source,
            option_type=option_type,
        )
        server.remember(handle)
        log.debug("sending %s as %s", label, member.name)
        server.gateway.dispatch("INTERACTION_CREATE", payload)
        return handle


def _buttons(message: Message) -> list[Payload]:
    from standin.limits import walk_components

    return [c for c in walk_components(message.components) if c.get("type") == 2]


def _entity_values(
    values: list[Any], channel: Channel, member: Member
) -> tuple[list[str], Payload]:
    resolved: Payload = {}
    ids: list[str] = []
    for value in values:
        if isinstance(value, Member):
            resolved.setdefault("users", {})[str(value.id)] = value.user.payload()
            resolved.setdefault("members", {})[str(value.id)] = value.payload(
                with_user=False, channel=channel
            )
        elif isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        elif isinstance(value, Channel):
            data = value.payload()
            data.pop("permission_overwrites", None)
            data["permissions"] = str(member.permissions_in(value))
            resolved.setdefault("channels", {})[str(value.id)] = data
        else:
            raise DriverError(f"A select menu value must be a member, role or channel: {value!r}")
        ids.append(str(value.id))
    return ids, resolved


def _submitted(item: ModalField, given: Any, title: str) -> Payload:
    """One modal component as Discord sends it back, wrapped as the bot sent it."""
    if item.type == 4:
        value = (item.value or "") if given is None else given
        name = f"Modal {title!r} field {item.custom_id!r}"
        if not isinstance(value, str):
            raise DriverError(f"{name} takes text, got {value!r}.")
        if item.required and not value:
            raise DriverError(f"{name} is required.")
        low, high = item.min_length, item.max_length
        too_short = low is not None and len(value) < low
        too_long = high is not None and len(value) > high
        if value and (too_short or too_long):
            raise DriverError(f"{name}: length {len(value)} not in {low}..{high}.")
        inner: Payload = {"type": 4, "custom_id": item.custom_id, "value": value}
    else:
        chosen = list(given) if given is not None else []
        if item.required and not chosen:
            raise DriverError(f"Modal {title!r} field {item.custom_id!r} is required.")
        inner = {"type": item.type, "custom_id": item.custom_id, "values": chosen}
    if item.wrapper == 18:
        wrapped: Payload = {"type": 18, "component": inner}
    else:
        wrapped = {"type": 1, "components": [inner]}
    if item.component_id is not None:
        wrapped["id"] = item.component_id
    return wrapped
