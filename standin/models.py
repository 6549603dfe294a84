"""The stand-in's world: users, guilds, roles, channels and members.

Objects here are plain Python; ``payload()`` renders them as Discord's JSON
(ids as strings, permissions as decimal strings). discord.py is strict about a
few keys Discord always sends: member objects need ``flags``, text channels
need ``position``, roles need ``name``. Everything a guild gains after the bot
connected is announced on the gateway (GUILD_ROLE_CREATE, CHANNEL_CREATE,
GUILD_MEMBER_ADD, ...) through the world's listener.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from standin import permissions as perms
from standin.ids import iso, next_id, utcnow

Payload = dict[str, Any]
EventListener = Callable[[str, Payload], object]

TEXT_CHANNEL = 0
DM_CHANNEL = 1


@dataclass(eq=False)
class User:
    """A Discord user (a person or the bot)."""

    id: int
    name: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    guild: Guild
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    managed: bool = False
    color: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return "@everyone" if self.id == self.guild.id else f"<@&{self.id}>"

    def set_permissions(self, value: int) -> None:
        """Change the role's permissions (announced as GUILD_ROLE_UPDATE)."""
        self.permissions = value
        self.guild.world.emit(
            "GUILD_ROLE_UPDATE", {"guild_id": str(self.guild.id), "role": self.payload()}
        )

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Overwrite:
    """A channel permission overwrite: ``kind`` 0 = role, 1 = member."""

    id: int
    kind: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> Payload:
        return {
            "id": str(self.id),
            "type": self.kind,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Channel:
    """A guild text channel (type 0) or a DM channel (type 1, ``guild`` is None)."""

    id: int
    guild: Guild | None
    name: str
    type: int = TEXT_CHANNEL
    position: int = 0
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient: User | None = None
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def bot_can_send(self) -> bool:
        """Whether the bot may post here (a member overwrite denying SEND_MESSAGES when not)."""
        if self.guild is None:
            return True
        return perms.has(self.guild.bot_member.permissions_in(self), perms.SEND_MESSAGES)

    @bot_can_send.setter
    def bot_can_send(self, value: bool) -> None:
        if self.guild is None:
            return
        bot_id = self.guild.bot_member.id
        self.overwrites = [o for o in self.overwrites if not (o.kind == 1 and o.id == bot_id)]
        if not value:
            self.overwrites.append(Overwrite(bot_id, 1, deny=perms.SEND_MESSAGES))
        if self.guild.announced:
            self.guild.world.emit("CHANNEL_UPDATE", self.payload())

    def payload(self) -> Payload:
        if self.guild is None:
            recipients = [self.recipient.payload()] if self.recipient else []
            return {
                "id": str(self.id),
                "type": DM_CHANNEL,
                "last_message_id": _opt_str(self.last_message_id),
                "recipients": recipients,
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "topic": self.topic,
            "nsfw": False,
            "parent_id": None,
            "last_message_id": _opt_str(self.last_message_id),
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    """A user's membership in a guild."""

    guild: Guild
    user: User
    roles: list[Role] = field(default_factory=list)
    joined_at: datetime.datetime = field(default_factory=utcnow)
    nick: str | None = None
    locale: str = "en-US"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def display_name(self) -> str:
        return self.nick or self.user.global_name or self.user.name

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def is_owner(self) -> bool:
        return self.guild.owner_id == self.id

    @property
    def guild_permissions(self) -> int:
        """@everyone + roles; the owner and administrators get every permission."""
        if self.is_owner:
            return perms.ALL
        value = self.guild.everyone.permissions
        for role in self.roles:
            value |= role.permissions
        return perms.ALL if value & perms.ADMINISTRATOR else value

    def permissions_in(self, channel: Channel) -> int:
        """Guild permissions with the channel's overwrites applied (Discord's order)."""
        base = self.guild_permissions
        if base & perms.ADMINISTRATOR:
            return perms.ALL
        by_role = {o.id: o for o in channel.overwrites if o.kind == 0}
        everyone = by_role.get(self.guild.id)
        if everyone is not None:
            base = (base & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role in self.roles:
            overwrite = by_role.get(role.id)
            if overwrite is not None:
                allow |= overwrite.allow
                deny |= overwrite.deny
        base = (base & ~deny) | allow
        for overwrite in channel.overwrites:
            if overwrite.kind == 1 and overwrite.id == self.id:
                base = (base & ~overwrite.deny) | overwrite.allow
        if not base & perms.VIEW_CHANNEL:
            return 0
        return base

    def add_roles(self, *roles: Role) -> None:
        """Give the member roles (announced as GUILD_MEMBER_UPDATE)."""
        for role in roles:
            if role not in self.roles:
                self.roles.append(role)
        self._announce_update()

    def remove_roles(self, *roles: Role) -> None:
        """Take roles away (announced as GUILD_MEMBER_UPDATE)."""
        self.roles = [r for r in self.roles if r not in roles]
        self._announce_update()

    def _announce_update(self) -> None:
        if self.guild.announced:
            data = self.payload()
            data["guild_id"] = str(self.guild.id)
            self.guild.world.emit("GUILD_MEMBER_UPDATE", data)

    def payload(self, *, with_user: bool = True, channel: Channel | None = None) -> Payload:
        """Discord's guild member object; with ``channel``, adds ``permissions`` there."""
        data: Payload = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r.id) for r in self.roles],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
            "avatar_decoration_data": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if channel is not None:
            data["permissions"] = str(self.permissions_in(channel))
        return data


class Guild:
    """A Discord server with @everyone, the bot (with its managed role) and #general."""

    def __init__(self, world: World, name: str) -> None:
        self.world = world
        self.id = next_id()
        self.name = name
        self.owner_id = next_id()  # an owner who is not a member until add_member(is_owner=True)
        self.created = utcnow()
        self.announced = False  # set once the bot has been sent this guild's GUILD_CREATE
        self.roles: list[Role] = [Role(self.id, self, "@everyone", perms.DEFAULT_EVERYONE)]
        self.channels: list[Channel] = []
        self.members: list[Member] = []
        bot = world.bot_user
        self.bot_role = Role(
            next_id(), self, bot.name, perms.DEFAULT_BOT, position=1, managed=True, bot_id=bot.id
        )
        self.roles.append(self.bot_role)
        self.bot_member = Member(self, bot, roles=[self.bot_role])
        self.members.append(self.bot_member)
        self.default_channel = self.add_channel("general")

    def __repr__(self) -> str:
        return f"<Guild id={self.id} name={self.name!r}>"

    @property
    def everyone(self) -> Role:
        return self.roles[0]

    @property
    def owner(self) -> Member | None:
        return self.get_member(self.owner_id)

    def get_member(self, user_id: int) -> Member | None:
        return next((m for m in self.members if m.id == user_id), None)

    def get_channel(self, channel_id: int) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def get_role(self, role_id: int) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def add_role(
        self, name: str, permissions: int = 0, *, mentionable: bool = False, color: int = 0
    ) -> Role:
        """Create a role (positions increase in creation order)."""
        role = Role(
            next_id(),
            self,
            name,
            permissions,
            position=len(self.roles),
            mentionable=mentionable,
            color=color,
        )
        self.roles.append(role)
        if self.announced:
            self.world.emit("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.payload()})
        return role

    def add_channel(
        self, name: str, *, bot_can_send: bool = True, topic: str | None = None
    ) -> Channel:
        """Create a text channel; ``bot_can_send=False`` denies the bot SEND_MESSAGES there."""
        channel = Channel(next_id(), self, name, position=len(self.channels), topic=topic)
        self.channels.append(channel)
        self.world.channels[channel.id] = channel
        if not bot_can_send:
            channel.overwrites.append(Overwrite(self.bot_member.id, 1, deny=perms.SEND_MESSAGES))
        if self.announced:
            self.world.emit("CHANNEL_CREATE", channel.payload())
        return channel

    def add_member(
        self,
        name: str,
        *,
        permissions: int = 0,
        roles: Iterable[Role] = (),
        is_owner: bool = False,
        nick: str | None = None,
        locale: str = "en-US",
    ) -> Member:
        """Add a person. ``permissions`` come from a role made for them, as on Discord,
        where a member's permissions only ever come from roles."""
        user = self.world.new_user(name)
        member = Member(self, user, roles=list(roles), nick=nick, locale=locale)
        if permissions:
            member.roles.append(self.add_role(f"{name} permissions", permissions))
        self.members.append(member)
        if is_owner:
            self.owner_id = user.id
        if self.announced:
            data = member.payload()
            data["guild_id"] = str(self.id)
            self.world.emit("GUILD_MEMBER_ADD", data)
        return member

    def payload(self, *, members: Iterable[Member] | None = None, full: bool = False) -> Payload:
        """The guild object; ``full`` gives the GUILD_CREATE form with channels and members."""
        data: Payload = {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.default_channel.id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }
        if full:
            data.update(
                {
                    "joined_at": iso(self.bot_member.joined_at),
                    "large": False,
                    "member_count": len(self.members),
                    "channels": [c.payload() for c in self.channels],
                    "members": [m.payload() for m in (members or [])],
                    "threads": [],
                    "voice_states": [],
                    "presences": [],
                    "stage_instances": [],
                    "guild_scheduled_events": [],
                    "soundboard_sounds": [],
                }
            )
        return data


@dataclass
class Attachment:
    """A file a test attaches to a command option (uploaded to the stand-in's CDN)."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None


class World:
    """Everything the stand-in knows: users, guilds, channels (including DMs)."""

    def __init__(self, bot_user: User) -> None:
        self.bot_user = bot_user
        self.users: dict[int, User] = {bot_user.id: bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.listener: EventListener | None = None

    def emit(self, event: str, data: Payload) -> None:
        if self.listener is not None:
            self.listener(event, data)

    def new_user(self, name: str) -> User:
        user = User(next_id(), name)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str) -> Guild:
        guild = Guild(self, name)
        self.guilds[guild.id] = guild
        return guild

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user`` (made on first use)."""
        for channel in self.channels.values():
            if channel.guild is None and channel.recipient is user:
                return channel
        channel = Channel(next_id(), None, user.name, type=DM_CHANNEL, recipient=user)
        self.channels[channel.id] = channel
        return channel

    def member_of(self, guild_id: int | None, user_id: int) -> Member | None:
        guild = self.guilds.get(guild_id or 0)
        return guild.get_member(user_id) if guild else None


def _opt_str(value: int | None) -> str | None:
    return None if value is None else str(value)
