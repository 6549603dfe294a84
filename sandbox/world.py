"""The demo server the sandbox starts: who is there, and finding them by name.

"TikTok Fans" has #general and #announcements, the members alice, bob and
member2, a moderator with the Manage Server permission, helper, who holds
the @Mods role (a moderator once ``/coinhelp config moderator-role:@Mods``
says so), and joana, whose Discord is in Brazilian Portuguese (locale pt-BR).

The server's ids are the same on every run, so a database kept with ``--db``
shows the same goals and FAQ edits next time (the bot keys its data by server
and member id). The stand-in makes fresh ids for everything; while the demo
server is built, `stable_ids` hands out fixed ones instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import standin.models
from sandbox.catalog import ATTACHMENT, CHANNEL, MENTIONABLE, ROLE, USER
from sandbox.errors import InputError
from sandbox.parse import EntityRef
from standin import Attachment, Channel, Guild, Member, Role, StandIn, permissions

GUILD_NAME = "TikTok Fans"
MEMBER_NAMES = ("alice", "bob", "member2")
MODERATOR = "moderator"
HELPER = "helper"
# Members whose Discord client is in another language: name → Discord locale.
OTHER_LOCALES = {"joana": "pt-BR"}
MODS_ROLE = "Mods"
FIRST_MEMBER = "alice"

# A snowflake from 2024-01-01: older than every id the stand-in makes later, so
# messages still sort after the server they are posted in.
_STABLE_ID_BASE = (1_704_067_200_000 - 1_420_070_400_000) << 22
UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # what Discord allows a server without boosts


@contextmanager
def stable_ids() -> Iterator[None]:
    """While active, the stand-in's world objects get the same ids on every run."""
    counter = itertools.count(_STABLE_ID_BASE, 1 << 12)
    with mock.patch.object(standin.models, "next_id", new=lambda: next(counter)):
        yield


@dataclass
class DemoWorld:
    """The demo server in the stand-in, and name lookups over it."""

    standin: StandIn
    guild: Guild
    general: Channel
    announcements: Channel
    mods: Role

    @classmethod
    def build(cls, server: StandIn) -> DemoWorld:
        """Add the demo server to ``server`` (before the bot connects)."""
        with stable_ids():
            guild = server.add_guild(GUILD_NAME)
            announcements = guild.add_channel("announcements", topic="Goal milestones")
            mods = guild.add_role(MODS_ROLE)
            for name in MEMBER_NAMES:
                guild.add_member(name)
            guild.add_member(MODERATOR, permissions=permissions.MANAGE_GUILD)
            guild.add_member(HELPER, roles=[mods])
            for name, locale in OTHER_LOCALES.items():
                guild.add_member(name, locale=locale)
        return cls(server, guild, guild.default_channel, announcements, mods)

    # -- who and where -----------------------------------------------------------

    @property
    def people(self) -> list[Member]:
        """Everyone but the bot."""
        return [m for m in self.guild.members if not m.user.bot]

    def describe_member(self, member: Member) -> str:
        """``moderator (Manage Server)``, ``helper (@Mods)``, ``alice``."""
        notes = []
        if permissions.has(member.guild_permissions, permissions.MANAGE_GUILD):
            notes.append("Manage Server")
        notes += [
            f"@{role.name}" for role in member.roles if not role.name.endswith(" permissions")
        ]
        if member.locale != "en-US":
            notes.append(f"Discord in {member.locale}")
        return f"{member.name} ({', '.join(notes)})" if notes else member.name

    def member(self, name: str) -> Member:
        wanted = name.strip().lstrip("@").casefold()
        for member in self.people:
            if wanted in (member.name.casefold(), member.display_name.casefold()):
                return member
        names = ", ".join(m.name for m in self.people)
        raise InputError(f"no member called {name!r} here (members: {names})")

    def channel(self, name: str) -> Channel:
        wanted = name.strip().lstrip("#").casefold()
        for channel in self.guild.channels:
            if channel.name.casefold() == wanted:
                return channel
        names = ", ".join(f"#{c.name}" for c in self.guild.channels)
        raise InputError(f"no channel called {name!r} here (channels: {names})")

    def role(self, name: str) -> Role:
        wanted = name.strip().lstrip("@").casefold()
        roles = [
            r for r in self.guild.roles if not r.managed and not r.name.endswith(" permissions")
        ]
        for role in roles:
            if role.name.casefold().lstrip("@") == wanted:
                return role
        names = ", ".join(r.name if r.name.startswith("@") else f"@{r.name}" for r in roles)
        raise InputError(f"no role called {name!r} here (roles: {names})")

    def resolve(self, ref: EntityRef, option: str) -> Member | Channel | Role | Attachment:
        """The object an option value names; InputError if there is none."""
        if ref.type == USER:
            return self.member(ref.text)
        if ref.type == CHANNEL:
            return self.channel(ref.text)
        if ref.type == ROLE:
            return self.role(ref.text)
        if ref.type == MENTIONABLE:
            try:
                return self.member(ref.text)
            except InputError:
                pass
            try:
                return self.role(ref.text)
            except InputError:
                raise InputError(f"{option}: no member or role called {ref.text!r}") from None
        if ref.type == ATTACHMENT:
            return read_upload(ref.text, option)
        raise InputError(f"{option}: cannot fill an option of type {ref.type}")

    # -- names for ids, to show mentions as Discord does ---------------------------

    def user_name(self, user_id: int) -> str | None:
        member = self.guild.get_member(user_id)
        if member is not None:
            return member.display_name
        user = self.standin.world.users.get(user_id)
        return user.name if user else None

    def channel_name(self, channel_id: int) -> str | None:
        channel = self.standin.world.channels.get(channel_id)
        return channel.name if channel else None

    def role_name(self, role_id: int) -> str | None:
        role = self.guild.get_role(role_id)
        return role.name.lstrip("@") if role else None


def read_upload(text: str, option: str) -> Attachment:
    """A local file, as a person would attach it to the option."""
    path = Path(text).expanduser()
    if not path.is_file():
        raise InputError(f"{option}: no file at {text!r}")
    size = path.stat().st_size
    if size > UPLOAD_MAX_BYTES:
        raise InputError(f"{option}: {text!r} is larger than Discord's 10 MB upload limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option}: cannot read {text!r} ({exc.strerror})") from None
    return Attachment(path.name, data)
