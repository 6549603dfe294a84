"""Interaction callbacks and the interaction webhook (followups, ``@original``).

Discord's rules enforced here: the initial response (POST .../callback) must
come within 3 s (else 404 / 10062 "Unknown interaction") and only once (else
400 / 40060); its type must suit the interaction (4, 5, 9 for commands; also
6, 7 for components and modal submits from a component; 8 only for
autocomplete); followups and ``@original`` edits need an initial response
first (else 404 / 10015 and 10008). discord.py posts callbacks with
``?with_response=1`` and reads the answer: the interaction-callback object
with ``interaction.response_message_id`` and ``resource.message`` (it stores
views under that message id; without it button clicks are silently dropped).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from standin import limits
from standin.httputil import Upload, error, json_response, no_content, read_body
from standin.httputil import snowflake as to_id
from standin.ids import next_id
from standin.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    KINDS,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    PING,
    InteractionHandle,
    Modal,
)
from standin.limits.base import EPHEMERAL, LOADING
from standin.messages import Message

if TYPE_CHECKING:
    from standin.server import StandIn

log = logging.getLogger("standin.webhooks")

Payload = dict[str, Any]

_ALLOWED = {
    PING: {1},
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}
_TYPE_NAMES = {
    PING: "ping",
    APPLICATION_COMMAND: "application command",
    MESSAGE_COMPONENT: "component",
    AUTOCOMPLETE: "autocomplete",
    MODAL_SUBMIT: "modal submit",
}


class Webhooks:
    """POST /interactions/{id}/{token}/callback and /webhooks/{app}/{token}/..."""

    def __init__(self, server: StandIn) -> None:
        self.server = server

    # --- the initial response -----------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        server = self.server
        handle = server.interactions.get(to_id(request.match_info["interaction_id"]) or 0)
        if handle is None or handle.token != request.match_info["token"]:
            server.violation(f"{request.path}: callback for an unknown interaction")
            return error(404, 10062, "Unknown interaction")
        where = f"{handle.label}: initial response"
        payload, uploads = await read_body(request)
        if handle.kind is not None:
            server.violation(
                f"{where}: a second initial response (already answered: {handle.kind})"
            )
            return error(400, 40060, "Interaction has already been acknowledged.")
        elapsed = asyncio.get_running_loop().time() - handle.created
        if elapsed > server.response_deadline:
            text = (
                f"{where}: sent {elapsed:.3f} s after the interaction "
                f"(Discord allows {server.response_deadline:g} s)"
            )
            server.violation(text)
            handle.rejections.append(text)
            handle.expired = True
            await server.notify()
            return error(404, 10062, "Unknown interaction")
        payload = payload if isinstance(payload, dict) else {}
        kind = payload.get("type")
        data = payload.get("data") or {}
        problems = self._check(handle, kind, data)
        if problems:
            handle.rejections += [f"{where}: {p}" for p in problems]
            response = server.refuse(where, problems)
            await server.notify()
            return response
        assert isinstance(kind, int)  # _check accepted it
        refused = self._apply(handle, kind, data, uploads)
        if refused is not None:
            handle.rejections.append(f"{where}: empty message")
            await server.notify()
            return refused
        log.debug("%s answered: %s", handle.label, handle.kind)
        await server.notify()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        return json_response(self._callback_object(handle, kind))

    def _check(self, handle: InteractionHandle, kind: Any, data: Payload) -> list[limits.Problem]:
        allowed = set(_ALLOWED.get(handle.type, set()))
        if handle.type == MODAL_SUBMIT and handle.source_message is None:
            allowed -= {6, 7}
        if kind not in allowed:
            name = _TYPE_NAMES.get(handle.type, str(handle.type))
            return [
                limits.Problem(
                    ("type",),
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    f"Response type {kind!r} is not valid for a {name} interaction "
                    f"(allowed: {sorted(allowed)}).",
                )
            ]
        if kind in (4, 7):
            return limits.check_message(data, path=("data",), interaction=True)
        if kind == 8:
            return limits.check_choices(data, handle.option_type)
        if kind == 9:
            return limits.check_modal(data)
        return []

    def _apply(
        self, handle: InteractionHandle, kind: int, data: Payload, uploads: list[Upload]
    ) -> web.Response | None:
        server = self.server
        where = f"{handle.label}: initial response"
        if kind in (4, 5):
            message = self._new_message(handle, original=True)
            if kind == 5:
                message.flags = ((data.get("flags") or 0) & EPHEMERAL) | LOADING
            else:
                message.flags = (data.get("flags") or 0) & EPHEMERAL
                files = server.store_uploads(
                    uploads, handle.channel.id, ephemeral=message.ephemeral
                )
                if not message.apply(data, files, edit=False):
                    return server.refuse_empty(where)
            handle.message = message
            server.publish(message, posted=False)
        elif kind in (6, 7):
            source = handle.source_message
            assert source is not None
            if kind == 7:
                files = server.store_uploads(uploads, handle.channel.id, ephemeral=source.ephemeral)
                if not source.apply(data, files, edit=True):
                    return server.refuse_empty(where)
            handle.message = source
        elif kind == 8:
            handle.choices = list(data.get("choices") or [])
        elif kind == 9:
            handle.modal = Modal.from_payload(data)
        handle._acknowledged(KINDS[kind])
        return None

    def _callback_object(self, handle: InteractionHandle, kind: int) -> Payload:
        interaction: Payload = {"id": str(handle.id), "type": handle.type}
        resource: Payload = {"type": kind}
        message = handle.message if kind in (4, 5, 6, 7) else None
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = kind == 5
            interaction["response_message_ephemeral"] = message.ephemeral
            resource["message"] = message.payload()
        return {"interaction": interaction, "resource": resource}

    def _new_message(self, handle: InteractionHandle, *, original: bool) -> Message:
        server = self.server
        metadata: Payload = {
            "id": str(handle.id),
            "type": handle.type,
            "user": handle.member.user.payload(),
            "authorizing_integration_owners": {"0": str(handle.guild.id)},
        }
        if handle.type == APPLICATION_COMMAND:
            metadata["name"] = handle.payload["data"]["name"]
        if handle.source_message is not None:
            metadata["interacted_message_id"] = str(handle.source_message.id)
        return Message(
            next_id(),
            handle.channel.id,
            handle.guild.id,
            server.bot_user,
            type=20 if original and handle.type == APPLICATION_COMMAND else 0,
            webhook_id=server.application_id,
            application_id=server.application_id,
            interaction_metadata=metadata,
        )

    # --- followups and @original --------------------------------------------------------

    def _handle(self, request: web.Request) -> InteractionHandle | None:
        if to_id(request.match_info["app_id"]) != self.server.application_id:
            return None
        return self.server.by_token.get(request.match_info["token"])

    async def followup(self, request: web.Request) -> web.Response:
        server = self.server
        handle = self._handle(request)
        if handle is None:
            return error(404, 10015, "Unknown Webhook")
        where = f"{handle.label}: followup"
        payload, uploads = await read_body(request)
        if handle.kind is None or handle.kind in ("autocomplete", "pong"):
            state = "before the initial response" if handle.kind is None else f"after {handle.kind}"
            server.violation(f"{where}: sent {state}")
            return error(404, 10015, "Unknown Webhook")
        payload = payload if isinstance(payload, dict) else {}
        problems = limits.check_message(payload, interaction=True)
        if problems:
            return server.refuse(where, problems)
        original = handle.message
        if handle.kind == "deferred" and original is not None and original.loading:
            # The first followup after a "thinking" defer becomes the original response.
            files = server.store_uploads(uploads, handle.channel.id, ephemeral=original.ephemeral)
            if not original.apply(payload, files, edit=False):
                return server.refuse_empty(where)
            original.flags &= ~LOADING
            handle.edits += 1
            message = original
        else:
            message = self._new_message(handle, original=False)
            message.flags = (payload.get("flags") or 0) & EPHEMERAL
            files = server.store_uploads(uploads, handle.channel.id, ephemeral=message.ephemeral)
            if not message.apply(payload, files, edit=False):
                return server.refuse_empty(where)
            handle.followups.append(message)
            server.publish(message, posted=False)
        await server.notify()
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(message.payload())
        return no_content()

    def _target(self, handle: InteractionHandle, request: web.Request) -> Message | None:
        raw = request.match_info["message_id"]
        if raw == "@original":
            return handle.message
        wanted = to_id(raw)
        for message in handle.messages:
            if message.id == wanted:
                return message
        return None

    async def get_message(self, request: web.Request) -> web.Response:
        handle = self._handle(request)
        if handle is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._target(handle, request)
        if message is None or message.deleted:
            return error(404, 10008, "Unknown Message")
        return json_response(message.payload())

    async def edit_message(self, request: web.Request) -> web.Response:
        server = self.server
        handle = self._handle(request)
        if handle is None:
            return error(404, 10015, "Unknown Webhook")
        where = f"{handle.label}: edit of {request.match_info['message_id']}"
        payload, uploads = await read_body(request)
        message = self._target(handle, request)
        if message is None or message.deleted:
            server.violation(f"{where}: no such message (edited before the initial response?)")
            return error(404, 10008, "Unknown Message")
        payload = payload if isinstance(payload, dict) else {}
        problems = limits.check_message(payload, interaction=True)
        if problems:
            return server.refuse(where, problems)
        files = server.store_uploads(uploads, handle.channel.id, ephemeral=message.ephemeral)
        if not message.apply(payload, files, edit=True):
            return server.refuse_empty(where)
        message.flags &= ~LOADING
        if message is handle.message:
            handle.edits += 1
        await server.notify()
        return json_response(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        handle = self._handle(request)
        if handle is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._target(handle, request)
        if message is None or message.deleted:
            return error(404, 10008, "Unknown Message")
        message.deleted = True
        await self.server.notify()
        return no_content()

    def routes(self, prefix: str) -> list[web.RouteDef]:
        hook = f"{prefix}/webhooks/{{app_id}}/{{token}}"
        return [
            web.post(f"{prefix}/interactions/{{interaction_id}}/{{token}}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(f"{hook}/messages/{{message_id}}", self.get_message),
            web.patch(f"{hook}/messages/{{message_id}}", self.edit_message),
            web.delete(f"{hook}/messages/{{message_id}}", self.delete_message),
        ]
