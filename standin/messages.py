"""Messages the bot sent, as the stand-in stores them and as Discord renders them.

Discord applies a message edit field by field: a field absent from the PATCH
stays as it was; ``attachments`` lists the files to keep (by id) plus new
uploads (by upload index). Ephemeral messages (flag 64) exist only for the
invoking user and never appear in channel history. Mentions ping according
to ``allowed_mentions``: when the bot sends none, Discord parses every
@everyone/@here, role and user mention in the content; mentions inside
embeds never ping.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from standin.ids import iso, snowflake_time
from standin.limits import walk_components
from standin.limits.base import EPHEMERAL, LOADING, SUPPRESS_EMBEDS
from standin.models import User

Payload = dict[str, Any]

_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_USER_MENTION = re.compile(r"<@!?(\d+)>")


@dataclass(eq=False)
class StoredFile:
    """A file on the stand-in's CDN (sent by the bot or uploaded by a test)."""

    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None
    ephemeral: bool = False

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        if self.description:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


class Button(NamedTuple):
    label: str | None
    custom_id: str | None
    style: int
    disabled: bool
    url: str | None
    emoji: str | None


class Select(NamedTuple):
    custom_id: str
    type: int
    options: list[Payload]
    placeholder: str | None
    min_values: int
    max_values: int
    disabled: bool


class Pings(NamedTuple):
    """Who a message notifies: @everyone/@here, role ids, user ids."""

    everyone: bool
    roles: tuple[int, ...]
    users: tuple[int, ...]

    @property
    def any_mass_ping(self) -> bool:
        """@everyone, @here or a role."""
        return self.everyone or bool(self.roles)


@dataclass(eq=False)
class Message:
    """A message as it stands now (edits applied in place; ``edits`` counts them)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[Payload] = field(default_factory=list)
    components: list[Payload] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: Payload | None = None
    tts: bool = False
    type: int = 0
    message_reference: Payload | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: Payload | None = None
    edited_at: datetime.datetime | None = None
    edits: int = 0
    deleted: bool = False

    def __repr__(self) -> str:
        return f"<Message id={self.id} content={self.content[:40]!r} embeds={len(self.embeds)}>"

    @property
    def created_at(self) -> datetime.datetime:
        return snowflake_time(self.id)

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        """``[(filename, bytes), ...]``."""
        return [(f.filename, f.data) for f in self.files]

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred response still showing "thinking"."""
        return bool(self.flags & LOADING)

    @property
    def text(self) -> str:
        """Content, every embed's author/title/description/fields/footer and components v2
        text displays, one per line: handy for ``in`` assertions."""
        parts = [self.content] if self.content else []
        for embed in self.embeds:
            parts.append((embed.get("author") or {}).get("name") or "")
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for item in embed.get("fields") or []:
                parts += [item.get("name") or "", item.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        for component in walk_components(self.components):
            if component.get("type") == 10:
                parts.append(component.get("content") or "")
        return "\n".join(p for p in parts if p)

    @property
    def buttons(self) -> list[Button]:
        return [
            Button(
                c.get("label"),
                c.get("custom_id"),
                c.get("style", 1),
                bool(c.get("disabled", False)),
                c.get("url"),
                (c.get("emoji") or {}).get("name"),
            )
            for c in walk_components(self.components)
            if c.get("type") == 2
        ]

    @property
    def selects(self) -> list[Select]:
        return [
            Select(
                c.get("custom_id", ""),
                c.get("type", 3),
                list(c.get("options") or []),
                c.get("placeholder"),
                c.get("min_values", 1),
                c.get("max_values", 1),
                bool(c.get("disabled", False)),
            )
            for c in walk_components(self.components)
            if c.get("type") in (3, 5, 6, 7, 8)
        ]

    @property
    def effective_allowed_mentions(self) -> Payload:
        """What Discord applies: the bot's ``allowed_mentions``, or parse-everything when it
        sent none."""
        if self.allowed_mentions is None:
            return {"parse": ["users", "roles", "everyone"]}
        return self.allowed_mentions

    @property
    def pings(self) -> Pings:
        """Who Discord would notify, from the content and the ``allowed_mentions`` sent."""
        text = self.content + "".join(
            c.get("content") or "" for c in walk_components(self.components) if c.get("type") == 10
        )
        if self.allowed_mentions is None:
            parse = {"users", "roles", "everyone"}
            users: list[str] = []
            roles: list[str] = []
        else:
            parse = set(self.allowed_mentions.get("parse") or [])
            users = [str(u) for u in self.allowed_mentions.get("users") or []]
            roles = [str(r) for r in self.allowed_mentions.get("roles") or []]
        everyone = ("@everyone" in text or "@here" in text) and "everyone" in parse
        role_ids = tuple(
            int(r) for r in _ROLE_MENTION.findall(text) if "roles" in parse or r in roles
        )
        user_ids = tuple(
            int(u) for u in _USER_MENTION.findall(text) if "users" in parse or u in users
        )
        return Pings(everyone, role_ids, user_ids)

    def apply(self, data: Payload, uploads: list[StoredFile], *, edit: bool) -> bool:
        """Apply a create or edit payload (``uploads``: the multipart files in order).

        Returns False and changes nothing when the result would be an empty message,
        which Discord refuses (400 / 50006).
        """
        content = (data["content"] or "") if "content" in data else self.content
        embeds = list(data["embeds"] or []) if "embeds" in data else self.embeds
        components = list(data["components"] or []) if "components" in data else self.components
        files = _attachments_after(self.files, data.get("attachments"), uploads, edit=edit)
        if not (content or embeds or components or files):
            return False
        self.content, self.embeds, self.components, self.files = content, embeds, components, files
        if "allowed_mentions" in data:
            self.allowed_mentions = data["allowed_mentions"]
        if not edit:
            # Ephemerality is fixed when the message is made (or by the defer it fills).
            self.flags = (self.flags & EPHEMERAL) | ((data.get("flags") or 0) & ~EPHEMERAL)
            self.tts = bool(data.get("tts", False))
            self.message_reference = data.get("message_reference")
        else:
            if data.get("flags") is not None:
                keep = self.flags & ~SUPPRESS_EMBEDS
                self.flags = keep | (data["flags"] & SUPPRESS_EMBEDS)
            self.edits += 1
            self.edited_at = datetime.datetime.now(datetime.UTC)
        return True

    def is_empty(self) -> bool:
        """Discord refuses a message without content, embeds, components, files or sticker."""
        return not (self.content or self.embeds or self.components or self.files)

    def payload(self) -> Payload:
        pings = self.pings
        data: Payload = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": self.tts,
            "mention_everyone": pings.everyone,
            "mentions": [],
            "mention_roles": [str(r) for r in pings.roles],
            "attachments": [f.payload() for f in self.files],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data


def _attachments_after(
    current: list[StoredFile], listed: Any, uploads: list[StoredFile], *, edit: bool
) -> list[StoredFile]:
    """Discord's ``attachments`` rule: listed existing ids are kept, listed upload indexes
    are added; without the key an edit keeps what it had and adds any uploads."""
    if not isinstance(listed, list):
        return [*current, *uploads] if edit else list(uploads)
    by_id = {str(f.id): f for f in current}
    result: list[StoredFile] = []
    for entry in listed:
        key = str(entry.get("id"))
        if key in by_id:
            result.append(by_id[key])
            continue
        if key.isdigit() and int(key) < len(uploads):
            upload = uploads[int(key)]
            if entry.get("filename"):
                upload.filename = entry["filename"]
            if entry.get("description"):
                upload.description = entry["description"]
            result.append(upload)
    listed_uploads = {id(f) for f in result}
    result += [u for u in uploads if id(u) not in listed_uploads]
    return result
