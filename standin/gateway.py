"""The gateway: a websocket speaking Discord's gateway protocol to discord.py.

Flow: HELLO (heartbeat interval) → the client's IDENTIFY → READY (guilds as
unavailable stubs, ``resume_gateway_url`` pointing here) → one GUILD_CREATE
per guild. Every dispatch carries the session's next sequence number; the
session keeps what it sent so a client that lost its connection can RESUME
(the missed events are replayed, then RESUMED). A client that closes with 1000
or 1001 ends its session, as on Discord.

Transport compression: discord.py asks for ``compress=zlib-stream`` unless
the zstandard package is installed. Then there is one zlib compressor per
connection and every message is flushed with Z_SYNC_FLUSH (ending in
``00 00 ff ff``) and sent as a binary frame. Without ``compress`` (or for a
compression this side cannot produce) frames are plain text, which discord.py
also reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
import zlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from standin.models import Guild

if TYPE_CHECKING:
    from standin.server import StandIn

log = logging.getLogger("standin.gateway")

Payload = dict[str, Any]
Item = str | Callable[[], Awaitable[None]] | None

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41250

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

#: Which intent a dispatched event needs (INTERACTION_CREATE and READY need none).
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "MESSAGE_CREATE": GUILD_MESSAGES,
}

BUFFER = 5000  # dispatches kept per session for RESUME
HEARTBEAT_REQUESTS_PER_MINUTE = 40


class Connection:
    """One websocket; a writer task sends queued frames in order."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self.closed_by_server = False
        self._writer = asyncio.create_task(self._write(), name="standin-gateway-writer")

    def send(self, frame: str) -> None:
        self._queue.put_nowait(frame)

    def then(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` once everything queued before it has been written."""
        self._queue.put_nowait(callback)

    async def _write(self) -> None:
        while True:
            item = await self._queue.get()
            if item is None:
                return
            if not isinstance(item, str):
                await item()
                continue
            try:
                if self._zlib is not None:
                    data = self._zlib.compress(item.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(item)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway write failed: %s", exc)
                return

    async def close(self, code: int, message: str = "") -> None:
        self.closed_by_server = True
        await self.ws.close(code=code, message=message.encode())

    async def stop(self) -> None:
        self._queue.put_nowait(None)
        try:
            await asyncio.wait_for(self._writer, timeout=5)
        except TimeoutError:
            self._writer.cancel()


class Session:
    """A gateway session: survives its connection so the client can RESUME it."""

    def __init__(self, intents: int, shard: list[int] | None) -> None:
        self.id = uuid.uuid4().hex
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.sent: deque[tuple[int, str]] = deque(maxlen=BUFFER)
        self.connection: Connection | None = None
        self.ready = False
        self.acked_seq = 0  # the sequence the client reported in its last heartbeat
        self.requested: deque[float] = deque()  # when heartbeats were requested

    def dispatch(self, event: str, data: Payload) -> int:
        self.seq += 1
        frame = json.dumps({"op": DISPATCH, "t": event, "s": self.seq, "d": data})
        self.sent.append((self.seq, frame))
        if self.connection is not None:
            self.connection.send(frame)
        return self.seq

    def wants(self, event: str, data: Payload) -> bool:
        needed = EVENT_INTENTS.get(event, 0)
        if event == "MESSAGE_CREATE" and "guild_id" not in data:
            needed = DIRECT_MESSAGES
        return needed == 0 or bool(self.intents & needed)


class Gateway:
    """The /gateway endpoint and the bot's sessions."""

    def __init__(self, server: StandIn) -> None:
        self.server = server
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.connections: set[Connection] = set()
        self.identify_intents: list[int] = []
        self.compressions: list[str | None] = []

    @property
    def connected(self) -> bool:
        session = self.current
        return session is not None and session.ready and session.connection is not None

    def dispatch(self, event: str, data: Payload) -> int | None:
        """Send an event to the bot's current session (kept for RESUME if it is offline)."""
        session = self.current
        if session is None or not session.wants(event, data):
            return None
        return session.dispatch(event, data)

    def request_heartbeat(self) -> int | None:
        """Ask the bot for a heartbeat now (op 1). discord.py answers in order, after
        processing everything sent before, with the last sequence it processed; returns
        the sequence that answer will cover, or None when no bot is connected."""
        session = self.current
        if session is None or session.connection is None:
            return None
        # discord.py sends at most 110 frames a minute, heartbeats included, and blocks its
        # receive loop beyond that: stay well inside.
        now = time.monotonic()
        while session.requested and now - session.requested[0] > 60:
            session.requested.popleft()
        if len(session.requested) >= HEARTBEAT_REQUESTS_PER_MINUTE:
            log.debug("heartbeat request skipped (budget used)")
            return None
        session.requested.append(now)
        session.connection.send(json.dumps({"op": HEARTBEAT, "d": None}))
        return session.seq

    def announce_guild(self, guild: Guild) -> None:
        """A guild the bot joined after connecting: GUILD_CREATE without ``unavailable``."""
        session = self.current
        if session is None or not session.ready:
            return
        session.dispatch("GUILD_CREATE", self._guild_create(guild, session, initial=False))
        guild.announced = True

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's connection as Discord does on a hiccup; the client resumes."""
        session = self.current
        if session is not None and session.connection is not None:
            await session.connection.close(code)

    async def close(self) -> None:
        for connection in list(self.connections):
            await connection.close(1001, "stand-in shutting down")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress")
        connection = Connection(ws, compress)
        self.connections.add(connection)
        self.compressions.append(compress)
        log.debug("gateway connection (compress=%s)", compress)
        session: Session | None = None
        if request.query.get("encoding", "json") != "json":
            await connection.close(4002, "Only JSON encoding is supported.")
            self.connections.discard(connection)
            await connection.stop()
            return ws
        hello = {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}
        connection.send(json.dumps(hello))
        try:
            async for message in ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    await connection.close(4002, "Decode error.")
                    break
                try:
                    packet = json.loads(message.data)
                except ValueError:
                    await connection.close(4002, "Decode error.")
                    break
                session = await self._receive(connection, session, packet)
        finally:
            self.connections.discard(connection)
            if session is not None and session.connection is connection:
                session.connection = None
                if not connection.closed_by_server and ws.close_code in (1000, 1001):
                    log.debug("session %s ended by the client", session.id)
                    self.sessions.pop(session.id, None)
                    if self.current is session:
                        self.current = None
            await connection.stop()
            await self.server.notify()
        return ws

    async def _receive(
        self, connection: Connection, session: Session | None, packet: Payload
    ) -> Session | None:
        op = packet.get("op")
        data = packet.get("d")
        if op == HEARTBEAT:
            connection.send(json.dumps({"op": HEARTBEAT_ACK}))
            if session is not None and isinstance(data, int):
                # discord.py reports the last sequence it has processed.
                session.acked_seq = max(session.acked_seq, data)
                await self.server.notify()
        elif op == IDENTIFY:
            if session is not None:
                await connection.close(4005, "Already authenticated.")
                return session
            return await self._identify(connection, data or {})
        elif op == RESUME:
            return await self._resume(connection, data or {})
        elif session is None:
            await connection.close(4003, "Not authenticated.")
        elif op == REQUEST_GUILD_MEMBERS:
            self._members_chunk(session, data or {})
        elif op not in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
            await connection.close(4001, f"Unknown opcode {op}.")
        return session

    async def _identify(self, connection: Connection, data: Payload) -> Session | None:
        if data.get("token") != self.server.token:
            await connection.close(4004, "Authentication failed.")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0:
            await connection.close(4013, "Invalid intent(s).")
            return None
        if intents & PRIVILEGED_INTENTS & ~self.server.privileged_intents:
            await connection.close(4014, "Disallowed intent(s).")
            return None
        self.identify_intents.append(intents)
        session = Session(intents, data.get("shard"))
        self.sessions[session.id] = session
        self.current = session
        session.connection = connection
        session.dispatch("READY", self._ready(session))
        for guild in self.server.world.guilds.values():
            session.dispatch("GUILD_CREATE", self._guild_create(guild, session, initial=True))
            guild.announced = True

        async def ready() -> None:
            session.ready = True
            log.info("bot identified; %d guild(s) sent", len(self.server.world.guilds))
            await self.server.notify()

        connection.then(ready)
        return session

    async def _resume(self, connection: Connection, data: Payload) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.sent[0][0] if session and session.sent else 1
        if session is None or data.get("token") != self.server.token or seq < oldest - 1:
            connection.send(json.dumps({"op": INVALID_SESSION, "d": False}))
            return None
        if session.connection is not None and session.connection is not connection:
            await session.connection.close(4000, "Session resumed elsewhere.")
        for number, frame in session.sent:
            if number > seq:
                connection.send(frame)
        session.connection = connection
        self.current = session
        session.dispatch("RESUMED", {})

        async def resumed() -> None:
            log.info("bot resumed session %s from seq %s", session.id, seq)
            await self.server.notify()

        connection.then(resumed)
        return session

    def _members_chunk(self, session: Session, data: Payload) -> None:
        ids = data.get("guild_id")
        for guild_id in ids if isinstance(ids, list) else [ids]:
            guild = self.server.world.guilds.get(int(guild_id or 0))
            if guild is None:
                continue
            members = guild.members
            query = (data.get("query") or "").lower()
            if query:
                members = [m for m in members if m.name.lower().startswith(query)]
            wanted = {int(u) for u in data.get("user_ids") or []}
            if wanted:
                members = [m for m in members if m.id in wanted]
            if data.get("limit"):
                members = members[: int(data["limit"])]
            chunk: Payload = {
                "guild_id": str(guild.id),
                "members": [m.payload() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _ready(self, session: Session) -> Payload:
        server = self.server
        user = server.bot_user.payload()
        user.update({"verified": True, "mfa_enabled": False, "email": None, "bot": True})
        data: Payload = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g), "unavailable": True} for g in server.world.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": server.gateway_url,
            "application": {"id": str(server.application_id), "flags": server.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ['["standin-gateway",{"micros":0}]'],
        }
        if session.shard is not None:
            data["shard"] = session.shard
        return data

    def _guild_create(self, guild: Guild, session: Session, *, initial: bool) -> Payload:
        # Without the presence intent Discord sends only the bot's own member (and members
        # in voice); the rest come from a REQUEST_GUILD_MEMBERS chunk.
        members = guild.members if session.intents & GUILD_PRESENCES else [guild.bot_member]
        data = guild.payload(members=members, full=True)
        if initial:
            data["unavailable"] = False
        return data
