"""Message content, embeds and allowed mentions."""

from __future__ import annotations

from typing import Any

from standin.limits.base import (
    AUTHOR_NAME,
    CONTENT,
    EMBED_DESCRIPTION,
    EMBED_FIELDS,
    EMBED_TITLE,
    EMBED_TOTAL,
    EMBEDS,
    EPHEMERAL,
    FIELD_NAME,
    FIELD_VALUE,
    FILES,
    FOOTER_TEXT,
    IS_COMPONENTS_V2,
    IS_VOICE_MESSAGE,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    Path,
    Payload,
    Problem,
    check_url,
    length,
    too_long,
)
from standin.limits.components import check_components, check_components_v2


def check_message(data: Payload, *, path: Path = (), interaction: bool = False) -> list[Problem]:
    """Check the fields present in a message create/edit payload (each field on its own)."""
    problems: list[Problem] = []
    if data.get("content") is not None:
        problems += length(data["content"], (*path, "content"), CONTENT)
    embeds = data.get("embeds")
    if embeds:
        problems += check_embeds(embeds, (*path, "embeds"))
    flags = data.get("flags") or 0
    allowed = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2 | IS_VOICE_MESSAGE
    if interaction:
        allowed |= EPHEMERAL
    if flags & ~allowed:
        problems.append(
            Problem((*path, "flags"), "MESSAGE_FLAGS_INVALID", f"Invalid flags {flags & ~allowed}.")
        )
    components = data.get("components")
    if components:
        if flags & IS_COMPONENTS_V2:
            if data.get("content") or data.get("embeds"):
                problems.append(
                    Problem(
                        path,
                        "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                        "content and embeds cannot be used with the IS_COMPONENTS_V2 flag.",
                    )
                )
            problems += check_components_v2(components, (*path, "components"))
        else:
            problems += check_components(components, (*path, "components"))
    if data.get("allowed_mentions") is not None:
        problems += check_allowed_mentions(data["allowed_mentions"], (*path, "allowed_mentions"))
    attachments = data.get("attachments")
    if isinstance(attachments, list) and len(attachments) > FILES:
        problems.append(too_long((*path, "attachments"), FILES, len(attachments)))
    return problems


def check_embeds(embeds: Any, path: Path) -> list[Problem]:
    if not isinstance(embeds, list):
        return [Problem(path, "LIST_TYPE_CONVERT", "Must be an array.")]
    problems: list[Problem] = []
    if len(embeds) > EMBEDS:
        problems.append(too_long(path, EMBEDS, len(embeds)))
    total = 0
    for index, embed in enumerate(embeds):
        problems += _check_embed(embed, (*path, index))
        total += embed_text_length(embed)
    if total > EMBED_TOTAL:
        problems.append(
            Problem(
                path,
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL} (got {total}).",
            )
        )
    return problems


def embed_text_length(embed: Payload) -> int:
    """Characters Discord counts toward the 6000 per message: title, description,
    field names and values, footer text and author name."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for item in embed.get("fields") or []:
        total += len(item.get("name") or "") + len(item.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def _check_embed(embed: Payload, path: Path) -> list[Problem]:
    problems = length(embed.get("title"), (*path, "title"), EMBED_TITLE)
    problems += length(embed.get("description"), (*path, "description"), EMBED_DESCRIPTION)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        problems.append(too_long((*path, "fields"), EMBED_FIELDS, len(fields)))
    for index, item in enumerate(fields):
        where = (*path, "fields", index)
        problems += length(item.get("name"), (*where, "name"), FIELD_NAME, required=True)
        problems += length(item.get("value"), (*where, "value"), FIELD_VALUE, required=True)
    if "footer" in embed and embed["footer"] is not None:
        problems += length(
            embed["footer"].get("text"), (*path, "footer", "text"), FOOTER_TEXT, required=True
        )
        problems += check_url(embed["footer"].get("icon_url"), (*path, "footer", "icon_url"))
    if "author" in embed and embed["author"] is not None:
        problems += length(
            embed["author"].get("name"), (*path, "author", "name"), AUTHOR_NAME, required=True
        )
        problems += check_url(embed["author"].get("url"), (*path, "author", "url"))
        problems += check_url(embed["author"].get("icon_url"), (*path, "author", "icon_url"))
    problems += check_url(embed.get("url"), (*path, "url"))
    for key in ("image", "thumbnail"):
        if embed.get(key):
            problems += check_url(embed[key].get("url"), (*path, key, "url"))
    color = embed.get("color")
    if color is not None and not (isinstance(color, int) and 0 <= color <= 0xFFFFFF):
        problems.append(Problem((*path, "color"), "NUMBER_TYPE_MAX", "Must be 0 to 16777215."))
    return problems


def check_allowed_mentions(data: Any, path: Path) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(path, "DICT_TYPE_CONVERT", "Must be an object.")]
    problems: list[Problem] = []
    parse = data.get("parse") or []
    for index, item in enumerate(parse):
        if item not in ("users", "roles", "everyone"):
            problems.append(
                Problem(
                    (*path, "parse", index),
                    "BASE_TYPE_CHOICES",
                    f"Value must be one of users, roles, everyone (got {item!r}).",
                )
            )
    for key in ("users", "roles"):
        if key in parse and data.get(key):
            problems.append(
                Problem(
                    (*path, "parse"),
                    "SET_TYPE_ALREADY_CONTAINS_VALUE",
                    f"parse {key!r} and an explicit {key} list are mutually exclusive.",
                )
            )
        if len(data.get(key) or []) > 100:
            problems.append(too_long((*path, key), 100, len(data[key])))
    return problems
