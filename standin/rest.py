"""REST endpoints other than commands and interactions: login, users, guilds, channels,
channel messages, DMs and the CDN; plus the middleware that checks the bot token and
records routes the stand-in does not know.

Discord answers a wrong token on ``GET /users/@me`` with 401 (discord.py turns
that into LoginFailure), a message to a channel the bot may not post in with
403 / 50013 "Missing Permissions", and an unknown channel or message with 404
(10003 / 10008).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from standin import limits
from standin import permissions as perms
from standin.httputil import BadBody, error, json_response, no_content, not_found, read_body
from standin.httputil import snowflake as to_id
from standin.ids import next_id
from standin.messages import Message
from standin.models import Channel, Guild

if TYPE_CHECKING:
    from standin.server import StandIn

log = logging.getLogger("standin.rest")

Payload = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_TOKEN_FREE = ("/webhooks/", "/interactions/")


class Rest:
    """Handlers for the plain REST API."""

    def __init__(self, server: StandIn) -> None:
        self.server = server
        self.world = server.world

    @staticmethod
    def middlewares(server: StandIn) -> list[Any]:
        @web.middleware
        async def discord_api(request: web.Request, handler: Handler) -> web.StreamResponse:
            where = f"{request.method} {request.path}"
            server.requests.append(where)
            if request.match_info.http_exception is not None:
                log.warning("unhandled route: %s", where)
                server.unhandled.append(where)
                return not_found()
            token_free = any(part in request.path for part in _TOKEN_FREE)
            authorized = request.headers.get("Authorization") == f"Bot {server.token}"
            if request.path.startswith("/api/") and not token_free and not authorized:
                return error(401, 0, "401: Unauthorized")
            try:
                return await handler(request)
            except BadBody as exc:
                server.violation(f"{where}: {exc}")
                return error(400, 50109, "The request body contains invalid JSON.")
            except web.HTTPException:
                raise
            except Exception:
                # A stand-in bug: answer at once (a 5xx would make discord.py retry with
                # back-off) and make the test fail through ``unhandled``.
                log.exception("stand-in error while handling %s", where)
                server.unhandled.append(f"{where} (stand-in error, see log)")
                return error(400, 0, "stand-in internal error")

        return [discord_api]

    # --- helpers --------------------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel | None:
        return self.world.channels.get(to_id(request.match_info["channel_id"]) or 0)

    def _guild(self, request: web.Request) -> Guild | None:
        return self.world.guilds.get(to_id(request.match_info["guild_id"]) or 0)

    def _message(self, channel: Channel, request: web.Request) -> Message | None:
        message = self.server.messages_by_id.get(to_id(request.match_info["message_id"]) or 0)
        if message is None or message.deleted or message.ephemeral:
            return None
        return message if message.channel_id == channel.id else None

    def _bot_permissions(self, channel: Channel) -> int:
        if channel.guild is None:
            return perms.ALL
        return channel.guild.bot_member.permissions_in(channel)

    # --- login, application, gateway ------------------------------------------------------

    async def me(self, request: web.Request) -> web.Response:
        data = self.server.bot_user.payload()
        data.update({"verified": True, "mfa_enabled": False, "email": None, "bot": True})
        return json_response(data)

    async def user(self, request: web.Request) -> web.Response:
        user = self.world.users.get(to_id(request.match_info["user_id"]) or 0)
        return json_response(user.payload()) if user else error(404, 10013, "Unknown User")

    async def application(self, request: web.Request) -> web.Response:
        server = self.server
        return json_response(
            {
                "id": str(server.application_id),
                "name": server.bot_user.name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": server.application_flags,
                "owner": server.app_owner.payload(),
                "team": None,
                "bot": server.bot_user.payload(),
                "rpc_origins": [],
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "approximate_guild_count": len(self.world.guilds),
                "integration_types_config": {"0": {}},
            }
        )

    async def gateway(self, request: web.Request) -> web.Response:
        data: Payload = {"url": self.server.gateway_url}
        if request.path.endswith("/bot"):
            data["shards"] = 1
            data["session_start_limit"] = {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            }
        return json_response(data)

    async def empty_list(self, request: web.Request) -> web.Response:
        return json_response([])

    async def application_emojis(self, request: web.Request) -> web.Response:
        return json_response({"items": []})

    # --- guilds ---------------------------------------------------------------------------

    async def guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        data = guild.payload()
        if request.query.get("with_counts") in ("true", "1", "True"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = len(guild.members)
        return json_response(data)

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response([c.payload() for c in guild.channels])

    async def guild_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response([r.payload() for r in guild.roles])

    async def guild_members(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        after = int(request.query.get("after", "0"))
        limit = min(int(request.query.get("limit", "1")), 1000)
        members = sorted((m for m in guild.members if m.id > after), key=lambda m: m.id)
        return json_response([m.payload() for m in members[:limit]])

    async def guild_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        member = guild.get_member(to_id(request.match_info["user_id"]) or 0)
        return json_response(member.payload()) if member else error(404, 10007, "Unknown Member")

    # --- channels and messages ------------------------------------------------------------

    async def channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        return json_response(channel.payload())

    async def create_dm(self, request: web.Request) -> web.Response:
        payload, _ = await read_body(request)
        user = self.world.users.get(int((payload or {}).get("recipient_id") or 0))
        if user is None:
            return error(400, 50035, "Invalid Form Body")
        return json_response(self.world.dm_channel(user).payload())

    async def post_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        where = f"POST /channels/{channel.id}/messages (#{channel.name})"
        allowed = self._bot_permissions(channel)
        if not perms.has(allowed, perms.VIEW_CHANNEL):
            return error(403, 50001, "Missing Access")
        payload, uploads = await read_body(request)
        if not perms.has(allowed, perms.SEND_MESSAGES) or (
            uploads and not perms.has(allowed, perms.ATTACH_FILES)
        ):
            log.info("refused (missing permissions): %s", where)
            return error(403, 50013, "Missing Permissions")
        payload = payload or {}
        problems = limits.check_message(payload)
        if problems:
            return self.server.refuse(where, problems)
        guild_id = channel.guild.id if channel.guild else None
        message = Message(next_id(), channel.id, guild_id, self.server.bot_user)
        files = self.server.store_uploads(uploads, channel.id)
        if not message.apply(payload, files, edit=False):
            return self.server.refuse_empty(where)
        self.server.publish(message, posted=True)
        await self.server.notify()
        return json_response(message.payload())

    async def get_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        found = self.server.messages(channel, include_interactions=True)
        before = to_id(request.query.get("before", ""))
        after = to_id(request.query.get("after", ""))
        if before:
            found = [m for m in found if m.id < before]
        if after:
            found = [m for m in found if m.id > after]
        limit = min(int(request.query.get("limit", "50")), 100)
        newest_first = list(reversed(found))
        if after and not before:
            newest_first = list(reversed(found[:limit]))
        return json_response([m.payload() for m in newest_first[:limit]])

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        message = self._message(channel, request)
        return json_response(message.payload()) if message else error(404, 10008, "Unknown Message")

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        message = self._message(channel, request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if message.author is not self.server.bot_user:
            return error(403, 50005, "Cannot edit a message authored by another user")
        where = f"PATCH /channels/{channel.id}/messages/{message.id} (#{channel.name})"
        payload, uploads = await read_body(request)
        payload = payload or {}
        problems = limits.check_message(payload)
        if problems:
            return self.server.refuse(where, problems)
        files = self.server.store_uploads(uploads, channel.id)
        if not message.apply(payload, files, edit=True):
            return self.server.refuse_empty(where)
        await self.server.notify()
        return json_response(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        message = self._message(channel, request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        own = message.author is self.server.bot_user
        if not own and not perms.has(self._bot_permissions(channel), perms.MANAGE_MESSAGES):
            return error(403, 50013, "Missing Permissions")
        message.deleted = True
        await self.server.notify()
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        if self._channel(request) is None:
            return error(404, 10003, "Unknown Channel")
        return no_content()

    async def cdn(self, request: web.Request) -> web.Response:
        stored = self.server.cdn.get(request.path)
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=stored.data, content_type=stored.content_type or "application/octet-stream"
        )

    def routes(self, prefix: str) -> list[web.RouteDef]:
        p = prefix
        app = f"{p}/applications/{{app_id}}"
        return [
            web.get(f"{p}/users/@me", self.me),
            web.get(f"{p}/users/{{user_id}}", self.user),
            web.post(f"{p}/users/@me/channels", self.create_dm),
            web.get(f"{p}/oauth2/applications/@me", self.application),
            web.get(f"{p}/applications/@me", self.application),
            web.get(f"{p}/gateway", self.gateway),
            web.get(f"{p}/gateway/bot", self.gateway),
            web.get(f"{app}/emojis", self.application_emojis),
            web.get(f"{app}/entitlements", self.empty_list),
            web.get(f"{app}/skus", self.empty_list),
            web.get(f"{p}/guilds/{{guild_id}}", self.guild),
            web.get(f"{p}/guilds/{{guild_id}}/channels", self.guild_channels),
            web.get(f"{p}/guilds/{{guild_id}}/roles", self.guild_roles),
            web.get(f"{p}/guilds/{{guild_id}}/members", self.guild_members),
            web.get(f"{p}/guilds/{{guild_id}}/members/{{user_id}}", self.guild_member),
            web.get(f"{p}/channels/{{channel_id}}", self.channel),
            web.post(f"{p}/channels/{{channel_id}}/messages", self.post_message),
            web.get(f"{p}/channels/{{channel_id}}/messages", self.get_messages),
            web.get(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self.get_message),
            web.patch(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self.edit_message),
            web.delete(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self.delete_message),
            web.post(f"{p}/channels/{{channel_id}}/typing", self.typing),
            web.get("/attachments/{channel_id}/{file_id}/{filename}", self.cdn),
        ]
