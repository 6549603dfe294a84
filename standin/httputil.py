"""Reading requests and writing answers the way Discord's HTTP API does.

discord.py decodes a reply as JSON only when its Content-Type is exactly
``application/json`` (aiohttp's ``json_response`` appends ``; charset=utf-8``,
which makes discord.py treat the body as text). Errors carry Discord's
``{"message": ..., "code": ...}`` body. Message payloads with files arrive as
multipart: a ``payload_json`` part and ``files[n]`` parts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

Payload = dict[str, Any]


@dataclass
class Upload:
    """One ``files[n]`` part of a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str | None


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def error(status: int, code: int, message: str, errors: Payload | None = None) -> web.Response:
    body: Payload = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_response(body, status)


def no_content() -> web.Response:
    return web.Response(status=204)


def not_found() -> web.Response:
    return error(404, 0, "404: Not Found")


class BadBody(Exception):
    """The request body is not what Discord accepts."""


async def read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """The JSON payload (from the body or ``payload_json``) and any uploaded files."""
    content_type = request.content_type
    if content_type.startswith("multipart/"):
        payload: Any = None
        uploads: list[Upload] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, aiohttp.BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = _loads(await part.text())
            else:
                data = await part.read()
                uploads.append(
                    Upload(
                        part.name or "",
                        part.filename or "file",
                        bytes(data),
                        part.headers.get("Content-Type"),
                    )
                )
        uploads.sort(key=lambda u: _file_index(u.field))
        return payload, uploads
    raw = await request.read()
    if not raw:
        return None, []
    return _loads(raw.decode()), []


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BadBody(f"body is not JSON: {exc}") from exc


def _file_index(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else 0


def snowflake(value: str) -> int | None:
    """A path segment as a snowflake, or None when it is not one."""
    return int(value) if value.isdigit() else None
