"""Application commands: registration endpoints and the stored command list.

Discord keeps a command's id across bulk overwrites when its name and type
stay the same, bumps ``version`` when its content changes, and answers with
full objects (``id``, ``application_id``, ``version``, ``guild_id`` for guild
commands, ``default_member_permissions`` as a decimal string or null).
Commands are checked against Discord's limits first; an invalid list is
refused whole with 400 / 50035.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from standin import limits
from standin.httputil import error, json_response, no_content, read_body, snowflake
from standin.ids import next_id

if TYPE_CHECKING:
    from standin.server import StandIn

log = logging.getLogger("standin.commands")

Payload = dict[str, Any]

_CONTENT_KEYS = (
    "name",
    "description",
    "options",
    "default_member_permissions",
    "dm_permission",
    "contexts",
    "integration_types",
    "nsfw",
    "name_localizations",
    "description_localizations",
)


class CommandStore:
    """Global commands and per-guild commands, as Discord stores them."""

    def __init__(self, server: StandIn) -> None:
        self.server = server
        self.global_commands: list[Payload] = []
        self.guild_commands: dict[int, list[Payload]] = {}

    def listing(self, guild_id: int | None) -> list[Payload]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, [])

    def find(self, guild_id: int, name: str, kind: int = 1) -> Payload | None:
        """The command a member of ``guild_id`` sees under ``name`` (guild ones first)."""
        for command in [*self.guild_commands.get(guild_id, []), *self.global_commands]:
            if command["name"] == name and command.get("type", 1) == kind:
                return command
        return None

    def visible(self, guild_id: int) -> list[Payload]:
        return [*self.guild_commands.get(guild_id, []), *self.global_commands]

    def _stored(self, data: Payload, guild_id: int | None, previous: Payload | None) -> Payload:
        permissions = data.get("default_member_permissions")
        stored: Payload = {
            "id": previous["id"] if previous else str(next_id()),
            "application_id": str(self.server.application_id),
            "version": previous["version"] if previous else str(next_id()),
            "type": data.get("type", 1),
            "name": data["name"],
            "description": data.get("description", ""),
            "options": data.get("options") or [],
            "default_member_permissions": None if permissions is None else str(permissions),
            "nsfw": bool(data.get("nsfw", False)),
            "contexts": data.get("contexts"),
            "integration_types": data.get("integration_types") or [0],
            "name_localizations": data.get("name_localizations"),
            "description_localizations": data.get("description_localizations"),
        }
        if guild_id is None:
            stored["dm_permission"] = data.get("dm_permission", True)
        else:
            stored["guild_id"] = str(guild_id)
        if previous is not None and any(
            previous.get(k) != stored.get(k) for k in _CONTENT_KEYS if k != "dm_permission"
        ):
            stored["version"] = str(next_id())
        return stored

    def _refuse(self, request: web.Request, problems: list[limits.Problem]) -> web.Response:
        return self.server.refuse(f"{request.method} {request.path} (commands)", problems)

    def _guild_id(self, request: web.Request) -> int | None:
        raw = request.match_info.get("guild_id")
        return None if raw is None else snowflake(raw)

    def _check_app(self, request: web.Request) -> web.Response | None:
        if snowflake(request.match_info["app_id"]) != self.server.application_id:
            return error(403, 50001, "Missing Access")
        guild_id = self._guild_id(request)
        if "guild_id" in request.match_info and guild_id not in self.server.world.guilds:
            return error(403, 50001, "Missing Access")
        return None

    async def list_commands(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        return json_response(self.listing(self._guild_id(request)))

    async def overwrite(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        payload, _ = await read_body(request)
        problems = limits.check_commands(payload)
        if problems:
            return self._refuse(request, problems)
        guild_id = self._guild_id(request)
        current = self.listing(guild_id)
        by_key = {(c["name"], c.get("type", 1)): c for c in current}
        new = [
            self._stored(item, guild_id, by_key.get((item["name"], item.get("type", 1))))
            for item in payload
        ]
        current[:] = new
        self.server.sync_count += 1
        log.info("commands overwritten (%s): %s", guild_id or "global", [c["name"] for c in new])
        await self.server.notify()
        return json_response(new)

    async def create(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        payload, _ = await read_body(request)
        problems = limits.check_command(payload or {})
        if problems:
            return self._refuse(request, problems)
        guild_id = self._guild_id(request)
        current = self.listing(guild_id)
        key = (payload["name"], payload.get("type", 1))
        previous = next((c for c in current if (c["name"], c.get("type", 1)) == key), None)
        stored = self._stored(payload, guild_id, previous)
        if previous is not None:
            current[current.index(previous)] = stored
        else:
            current.append(stored)
        await self.server.notify()
        return json_response(stored, 200 if previous else 201)

    def _find_by_id(self, request: web.Request) -> tuple[list[Payload], Payload | None]:
        current = self.listing(self._guild_id(request))
        wanted = request.match_info["command_id"]
        return current, next((c for c in current if c["id"] == wanted), None)

    async def get(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        _, command = self._find_by_id(request)
        if command is None:
            return error(404, 10063, "Unknown application command")
        return json_response(command)

    async def edit(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        current, command = self._find_by_id(request)
        if command is None:
            return error(404, 10063, "Unknown application command")
        payload, _ = await read_body(request)
        merged = {**command, **(payload or {})}
        problems = limits.check_command(merged)
        if problems:
            return self._refuse(request, problems)
        stored = self._stored(merged, self._guild_id(request), command)
        current[current.index(command)] = stored
        await self.server.notify()
        return json_response(stored)

    async def delete(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        current, command = self._find_by_id(request)
        if command is None:
            return error(404, 10063, "Unknown application command")
        current.remove(command)
        await self.server.notify()
        return no_content()

    async def permissions(self, request: web.Request) -> web.Response:
        refused = self._check_app(request)
        if refused is not None:
            return refused
        return json_response([])

    def routes(self, prefix: str) -> list[web.RouteDef]:
        routes: list[web.RouteDef] = []
        for base in (
            f"{prefix}/applications/{{app_id}}/commands",
            f"{prefix}/applications/{{app_id}}/guilds/{{guild_id}}/commands",
        ):
            routes += [
                web.get(base, self.list_commands),
                web.put(base, self.overwrite),
                web.post(base, self.create),
                web.get(base + "/permissions", self.permissions),
                web.get(base + "/{command_id}", self.get),
                web.patch(base + "/{command_id}", self.edit),
                web.delete(base + "/{command_id}", self.delete),
            ]
        return routes
