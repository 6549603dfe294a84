"""The stand-in itself: a loopback Discord that an unmodified discord.py connects to.

``StandIn`` owns the aiohttp application (REST under ``/api/v10``, the
gateway at ``/gateway``, a CDN at ``/attachments``), the world model, the
messages the bot sent, the interactions tests started, and the record of
everything the bot did that Discord would have refused (``violations``) or
that the stand-in does not know (``unhandled``).
"""

# ruff: noqa: ASYNC109  (waiters take a timeout in seconds: it is the stand-in's public API)
from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from standin import limits
from standin.commands import CommandStore
from standin.driver import Driver
from standin.errors import ResponseTimeout
from standin.gateway import PRIVILEGED_INTENTS, Gateway
from standin.httputil import Upload, error
from standin.ids import next_id
from standin.interactions import InteractionHandle
from standin.messages import Message, StoredFile
from standin.models import Channel, Guild, Member, User, World
from standin.rest import Rest
from standin.webhooks import Webhooks

log = logging.getLogger("standin")

Payload = dict[str, Any]

# Application flags Discord sets when the privileged intents are switched on in the portal
# (the *_LIMITED variants, as for a bot in fewer than 100 servers).
_INTENT_FLAGS = {1 << 8: 1 << 13, 1 << 1: 1 << 15, 1 << 15: 1 << 19}
_COMMAND_BADGE = 1 << 23


class StandIn:
    """A fake Discord on 127.0.0.1 for one bot application."""

    def __init__(
        self,
        token: str = "standin-token",
        *,
        application_id: int | None = None,
        bot_name: str = "coinhelp",
        response_deadline: float = 3.0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        keep: int | None = None,
    ) -> None:
        """``keep``: remember only about this many recent interactions, messages and
        requests (None: everything, for tests to inspect). A benchmark sets it, so
        the stand-in's own records don't pile up in the process it shares with the
        bot, where every garbage collection would walk them."""
        if keep is not None and keep < 1:
            raise ValueError("keep must be at least 1")
        self.keep = keep
        self.token = token
        self.bot_user = User(application_id or next_id(), bot_name, bot=True)
        self.application_id = application_id or self.bot_user.id
        self.response_deadline = response_deadline
        self.privileged_intents = privileged_intents
        self.world = World(self.bot_user)
        self.app_owner = self.world.new_user("app-owner")
        self.violations: list[str] = []
        self.unhandled: list[str] = []
        self.requests: list[str] = []
        self.sync_count = 0
        self.commands = CommandStore(self)
        self.interactions: dict[int, InteractionHandle] = {}
        self.by_token: dict[str, InteractionHandle] = {}
        self.messages_by_id: dict[int, Message] = {}
        self.cdn: dict[str, StoredFile] = {}
        self._posts: dict[int, list[Message]] = {}
        self._visible: dict[int, list[Message]] = {}
        self._consumed: dict[int, set[int]] = {}
        self.gateway = Gateway(self)
        self.driver = Driver(self)
        self.world.listener = self.gateway.dispatch
        self._condition = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._pending: set[asyncio.Task[None]] = set()

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> StandIn:
        """Bind 127.0.0.1 on a free port and serve."""
        app = web.Application(middlewares=Rest.middlewares(self), client_max_size=64 * 1024**2)
        prefix = "/api/v{version:\\d+}"
        app.add_routes(Rest(self).routes(prefix))
        app.add_routes(self.commands.routes(prefix))
        app.add_routes(Webhooks(self).routes(prefix))
        app.add_routes([web.get("/gateway", self.gateway.handle)])
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        log.info("stand-in listening on %s", self.url)
        return self

    async def close(self) -> None:
        """Close the bot's connections and stop serving."""
        for handle in self.interactions.values():
            handle.stop_clock()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for task in list(self._pending):
            task.cancel()

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the stand-in is not started (await standin.start())")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def application_flags(self) -> int:
        flags = _COMMAND_BADGE
        for intent, flag in _INTENT_FLAGS.items():
            if self.privileged_intents & intent:
                flags |= flag
        return flags

    # --- world ----------------------------------------------------------------------------

    def add_guild(self, name: str = "Fans") -> Guild:
        """A server with #general, @everyone and the bot; sent to a connected bot at once."""
        guild = self.world.add_guild(name)
        self.gateway.announce_guild(guild)
        return guild

    @property
    def guilds(self) -> list[Guild]:
        return list(self.world.guilds.values())

    # --- the bot's connection ---------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.gateway.connected

    async def wait_until_connected(self, timeout: float = 10.0) -> None:
        """Wait until a bot session identified and was sent every GUILD_CREATE."""
        await self.wait_for(
            lambda: self.gateway.connected, timeout, "the bot to connect", follow_bot=False
        )

    async def sync_bot(self, timeout: float = 10.0) -> None:
        """Wait until the bot has processed every gateway event sent to it so far."""
        session = self.gateway.current
        target = self.gateway.request_heartbeat()
        if session is None or target is None:
            return
        await self.wait_for(
            lambda: session.acked_seq >= target, timeout, "the bot to catch up", follow_bot=False
        )

    async def disconnect_bot(self, code: int = 4000) -> None:
        """Drop the bot's gateway connection; discord.py reconnects and RESUMEs."""
        await self.gateway.drop(code)

    # --- driving ----------------------------------------------------------------------------

    async def slash(
        self,
        guild: Guild,
        member: Member,
        command: str,
        *,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        raw_options: list[Payload] | None = None,
        check_permissions: bool = True,
        **kwargs: Any,
    ) -> InteractionHandle:
        """Run ``/command`` ("goal contribute" for subcommands) as ``member`` would.

        Option values come as keyword arguments (``announce_channel=`` fills
        ``announce-channel``) or in ``options`` (for names that clash with this method's
        parameters, such as an option called ``channel``). ``channel`` is where the command
        is typed (default: the guild's #general). ``raw_options`` replaces the leaf options
        with exactly what you give, unchecked; ``check_permissions=False`` skips the
        client's ``default_member_permissions`` gate.
        """
        return await self.driver.slash(
            guild,
            member,
            command,
            channel=channel,
            raw_options=raw_options,
            check_permissions=check_permissions,
            options={**(options or {}), **kwargs},
        )

    async def autocomplete(
        self,
        guild: Guild,
        member: Member,
        command: str,
        *,
        focused: str,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        timeout: float = 10.0,
        **kwargs: Any,
    ) -> list[Payload]:
        """Type into option ``focused`` of ``/command``; returns the choices the bot offered.

        The focused option's value is the text typed so far (``topic="ref"``); other
        options are what the person already filled in.
        """
        return await self.driver.autocomplete(
            guild,
            member,
            command,
            focused=focused,
            channel=channel,
            options={**(options or {}), **kwargs},
            timeout=timeout,
        )

    # --- observing ----------------------------------------------------------------------------

    def registered_commands(self, guild: Guild | None = None) -> list[Payload]:
        """Commands the bot registered (global, or that guild's own)."""
        return list(self.commands.listing(guild.id if guild else None))

    def messages(self, channel: Channel, *, include_interactions: bool = False) -> list[Message]:
        """Messages the bot posted to ``channel`` through the channel API (oldest first).

        With ``include_interactions``, everything visible in the channel: also the public
        interaction responses and followups.
        """
        source = self._visible if include_interactions else self._posts
        return [m for m in source.get(channel.id, []) if not m.deleted]

    async def wait_for_message(
        self,
        channel: Channel,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float = 10.0,
    ) -> Message:
        """The oldest channel-API message in ``channel`` not yet returned by this method
        that satisfies ``predicate``, waiting for it to be posted."""
        consumed = self._consumed.setdefault(channel.id, set())

        def find() -> Message | None:
            for message in self.messages(channel):
                if message.id not in consumed and (predicate is None or predicate(message)):
                    return message
            return None

        what = f"a message in #{channel.name}"
        await self.wait_for(lambda: find() is not None, timeout, what, follow_bot=False)
        found = find()
        assert found is not None
        consumed.add(found.id)
        return found

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,
        what: str = "a condition",
        *,
        follow_bot: bool = True,
    ) -> None:
        """Wait until ``predicate()`` holds.

        It is re-checked whenever the stand-in's state changes, and whenever the bot has
        processed the events sent to it so far: after each new event the stand-in asks for a
        heartbeat, which discord.py sends only once it has handled everything before it. So
        a predicate on the bot's own state (``bot.get_guild(...)``) works too.
        ``follow_bot=False`` skips those heartbeats (for predicates on the stand-in only).
        """
        try:
            async with asyncio.timeout(timeout):
                async with self._condition:
                    covered = -1
                    while not predicate():
                        seq = self.gateway.current.seq if self.gateway.current else -1
                        wanted = follow_bot and seq > covered
                        if wanted and self.gateway.request_heartbeat() is not None:
                            covered = seq
                        await self._condition.wait()
        except TimeoutError:
            hint = f"; violations so far: {self.violations}" if self.violations else ""
            message = f"timed out after {timeout:g} s waiting for {what}{hint}"
            raise ResponseTimeout(message) from None

    async def notify(self) -> None:
        """Wake every waiter (called after each change)."""
        async with self._condition:
            self._condition.notify_all()

    def notify_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self.notify())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # --- records used by the handlers ---------------------------------------------------------

    def violation(self, text: str) -> None:
        """The bot did something Discord refuses."""
        log.warning("violation: %s", text)
        self.violations.append(text)

    def refuse(self, where: str, problems: list[limits.Problem]) -> web.Response:
        """Record the problems as violations; Discord's 400 / 50035 answer."""
        for problem in problems:
            self.violation(f"{where}: {problem}")
        return error(400, 50035, "Invalid Form Body", limits.form_errors(problems))

    def refuse_empty(self, where: str) -> web.Response:
        self.violation(f"{where}: empty message (no content, embeds, components or files)")
        return error(400, 50006, "Cannot send an empty message")

    def store_uploads(
        self, uploads: list[Upload], channel_id: int, *, ephemeral: bool = False
    ) -> list[StoredFile]:
        return [
            self.store_file(channel_id, u.filename, u.data, u.content_type, ephemeral=ephemeral)
            for u in uploads
        ]

    def store_file(
        self,
        channel_id: int,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        *,
        ephemeral: bool = False,
    ) -> StoredFile:
        """Put a file on the stand-in's CDN; its ``url`` serves the bytes."""
        file_id = next_id()
        path = f"/attachments/{channel_id}/{file_id}/{filename}"
        if content_type is None or content_type == "application/octet-stream":
            content_type = mimetypes.guess_type(filename)[0] or content_type
        url = self.url + path
        stored = StoredFile(file_id, filename, data, content_type, url, ephemeral=ephemeral)
        self.cdn[path] = stored
        return stored

    def remember(self, handle: InteractionHandle) -> None:
        """Record a new interaction (the oldest ones go when ``keep`` is set)."""
        self.interactions[handle.id] = handle
        self.by_token[handle.token] = handle
        if self.keep is not None and len(self.interactions) > self.keep:
            oldest = self.interactions.pop(next(iter(self.interactions)))
            oldest.stop_clock()
            self.by_token.pop(oldest.token, None)
            _forget_oldest(self.requests, self.keep)

    def publish(self, message: Message, *, posted: bool) -> None:
        """Record a new message; ``posted`` when it came through the channel API."""
        self.messages_by_id[message.id] = message
        if self.keep is not None:
            while len(self.messages_by_id) > 2 * self.keep:
                del self.messages_by_id[next(iter(self.messages_by_id))]
            for listing in (self._visible, self._posts):
                _forget_oldest(listing.get(message.channel_id, []), 2 * self.keep)
        if message.ephemeral:
            return
        channel = self.world.channels.get(message.channel_id)
        if channel is not None:
            channel.last_message_id = message.id
        self._visible.setdefault(message.channel_id, []).append(message)
        if posted:
            self._posts.setdefault(message.channel_id, []).append(message)
        data = message.payload()
        if message.guild_id is not None:
            member = self.world.member_of(message.guild_id, message.author.id)
            if member is not None:
                data["member"] = member.payload(with_user=False)
        self.gateway.dispatch("MESSAGE_CREATE", data)


def _forget_oldest(items: list[Any], keep: int) -> None:
    """Drop the oldest items of a record once it holds twice `keep` (amortised O(1))."""
    if len(items) > 2 * keep:
        del items[:-keep]
