"""What the bot sent, as text for a terminal, close to how Discord shows it.

A message is a header (who posted it, where, whether only you can see it),
its content, each embed as a panel behind a bar (title, body, fields,
footer), the files it carries and its buttons numbered for ``press <n>``::

    coinhelp (only you can see this):
      │ Top contributors · whole server · all time
      │ 1. @alice · 300 coins ← you
      │ 3 contributors
      [1] ◀ (disabled)  [2] 1 / 2 (disabled)  [3] ▶

Discord Markdown is rendered the way Discord renders it: ``**bold**`` becomes
bold on a terminal and plain text in a transcript, mentions (``<@id>``,
``<#id>``, ``<@&id>``) become names and timestamps (``<t:…:f>``) dates in UTC.
On a terminal (``Look.color``) embeds get a bar in their colour; piped, the
output is plain text that reads well in a transcript.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sandbox.catalog import Leaf, limits_text, usage, value_hint
from standin import Button, Message, ModalField
from standin.limits import walk_components

Payload = dict[str, Any]

INDENT = "  "
PLAIN_BAR = "│ "

_BOLD, _DIM, _ITALIC, _UNDERLINE, _STRIKE, _RESET = "1", "2", "3", "4", "9", "0"
_RED, _CYAN = "31", "36"

_ESCAPED = re.compile(r"\\([\\*_`~|>#\[\]()\-.!<:@])")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_COMMAND = re.compile(r"</([\w -]+):\d+>")
_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_LINK = re.compile(r"\[([^\]]+)\]\((<?https?://[^)\s]+>?)\)")
_BOLD_MD = re.compile(r"\*\*(.+?)\*\*")
_UNDERLINE_MD = re.compile(r"__(.+?)__")
_ITALIC_MD = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
_STRIKE_MD = re.compile(r"~~(.+?)~~")
_SPOILER_MD = re.compile(r"\|\|(.+?)\|\|")
_CODE_MD = re.compile(r"`([^`\n]+)`")
_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)
_HEADING = re.compile(r"^(#{1,3}) +(.*)$")
_SUBTEXT = re.compile(r"^-# +(.*)$")


class Names(Protocol):
    """Names for the ids in mentions (None: unknown id)."""

    def user_name(self, user_id: int) -> str | None: ...

    def channel_name(self, channel_id: int) -> str | None: ...

    def role_name(self, role_id: int) -> str | None: ...


@dataclass(frozen=True)
class Look:
    """How to draw: ``color`` for a terminal (ANSI styles), ``width`` to wrap at."""

    color: bool = False
    width: int = 80

    def paint(self, text: str, *codes: str) -> str:
        if not self.color or not codes or not text:
            return text
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"

    def bar(self, colour: int | None) -> str:
        if not self.color:
            return PLAIN_BAR
        if not colour:
            return self.paint("▌", _DIM) + " "
        red, green, blue = (colour >> 16) & 255, (colour >> 8) & 255, colour & 255
        return f"\x1b[38;2;{red};{green};{blue}m▌\x1b[0m "


@dataclass(frozen=True)
class ShownFile:
    """A file the bot sent, as saved on this computer (``inline``: small text shown as is)."""

    filename: str
    size: int
    path: str
    inline: str | None


# -- messages ----------------------------------------------------------------------------------


def message_lines(
    message: Message,
    names: Names,
    look: Look,
    *,
    author: str,
    channel: str | None = None,
    updated: bool = False,
    files: Sequence[ShownFile] = (),
) -> list[str]:
    """The message as it stands now, under a header naming ``author`` (and ``channel``)."""
    notes = []
    if updated:
        notes.append("updated")
    if message.ephemeral:
        notes.append("only you can see this")
    header = f"[#{channel}] " if channel else ""
    header += look.paint(author, _BOLD) + (f" ({', '.join(notes)})" if notes else "") + ":"
    lines = [header]
    if message.loading:
        lines.append(INDENT + look.paint(f"{author} is thinking…", _ITALIC))
    width = look.width - len(INDENT)
    if message.content:
        lines += block_lines(message.content, names, look, INDENT, width)
    for embed in message.embeds:
        lines += embed_lines(embed, names, look)
    for component in _text_displays(message.components):
        lines += block_lines(component, names, look, INDENT, width)
    for file in files:
        lines += file_lines(file, look)
    if message.buttons:
        lines.append(INDENT + buttons_line(message.buttons, look))
    for select in message.selects:
        options = ", ".join(str(o.get("label")) for o in select.options)
        lines.append(INDENT + f"(a menu: {select.placeholder or select.custom_id}: {options})")
    return lines


def embed_lines(embed: Payload, names: Names, look: Look) -> list[str]:
    """One embed as a panel: author, title, description, fields, footer behind a bar."""
    bar = INDENT + look.bar(embed.get("color"))
    width = look.width - len(INDENT) - 2

    def text(value: str, *codes: str) -> list[str]:
        return [look.paint(line, *codes) for line in block_lines(value, names, look, "", width)]

    body: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        body += text(author)
    if embed.get("title"):
        body += text(embed["title"], _BOLD)
    if embed.get("description"):
        body += text(embed["description"])
    for item in embed.get("fields") or []:
        body += ["", *text(item["name"], _BOLD), *text(item.get("value") or "")]
    for key in ("image", "thumbnail"):
        if (embed.get(key) or {}).get("url"):
            body.append(f"[{key}: {embed[key]['url']}]")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        body += ["", *text(footer, _DIM)]
    return [(bar + line).rstrip() for line in body]


def buttons_line(buttons: Sequence[Button], look: Look) -> str:
    """``[1] ◀ (disabled)  [2] 1 / 3 (disabled)  [3] ▶``: numbered for ``press``."""
    shown = []
    for number, button in enumerate(buttons, start=1):
        label = " ".join(p for p in (button.emoji, button.label) if p) or button.custom_id or "?"
        if button.url:
            shown.append(f"[link] {label} → {button.url}")
        elif button.disabled:
            shown.append(look.paint(f"[{number}] {label} (disabled)", _DIM))
        else:
            shown.append(look.paint(f"[{number}]", _CYAN) + f" {label}")
    return "  ".join(shown)


def file_lines(file: ShownFile, look: Look) -> list[str]:
    lines = [f"{INDENT}📎 {file.filename} ({human_size(file.size)}) saved to {file.path}"]
    if file.inline is not None:
        lines += [INDENT + look.bar(None) + line for line in file.inline.splitlines()]
    return lines


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _text_displays(components: list[Payload]) -> list[str]:
    return [c.get("content") or "" for c in walk_components(components) if c.get("type") == 10]


# -- Markdown ----------------------------------------------------------------------------------


def block_lines(text: str, names: Names, look: Look, indent: str, width: int) -> list[str]:
    """Markdown text as terminal lines (code blocks kept verbatim), wrapped to the width."""
    lines: list[str] = []
    in_code = False
    for raw in text.splitlines():
        if raw.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            lines.append(indent + INDENT + look.paint(raw, _CYAN))
            continue
        lines += [indent + line for line in _wrap(markdown_line(raw, names, look), width)]
    return lines or [indent.rstrip()]


def markdown_line(line: str, names: Names, look: Look) -> str:
    """One line of Discord Markdown as Discord would show it."""
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\x00{len(escaped) - 1}\x00"

    text = _ESCAPED.sub(hold, line)
    codes: list[str] = []

    def code(match: re.Match[str]) -> str:
        codes.append(look.paint(match.group(1), _CYAN))
        return f"\x01{len(codes) - 1}\x01"

    text = _CODE_MD.sub(code, text)
    text = mentions(text, names)
    heading = _HEADING.match(text)
    subtext = _SUBTEXT.match(text)
    if heading:
        text = look.paint(heading.group(2), _BOLD)
    elif subtext:
        text = look.paint(subtext.group(1), _DIM)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2).strip('<>')})", text)
    text = _BOLD_MD.sub(lambda m: look.paint(m.group(1), _BOLD), text)
    text = _UNDERLINE_MD.sub(lambda m: look.paint(m.group(1), _UNDERLINE), text)
    text = _ITALIC_MD.sub(lambda m: look.paint(m.group(1), _ITALIC), text)
    text = _STRIKE_MD.sub(lambda m: look.paint(m.group(1), _STRIKE), text)
    text = _SPOILER_MD.sub(lambda m: f"[spoiler: {m.group(1)}]", text)
    text = re.sub("\x01(\\d+)\x01", lambda m: codes[int(m.group(1))], text)
    return re.sub("\x00(\\d+)\x00", lambda m: escaped[int(m.group(1))], text)


def mentions(text: str, names: Names) -> str:
    """``<@id>`` → ``@alice``, ``<#id>`` → ``#general``, ``<@&id>`` → ``@Mods``, dates in UTC."""
    text = _USER.sub(lambda m: "@" + (names.user_name(int(m.group(1))) or "unknown-user"), text)
    text = _ROLE.sub(lambda m: "@" + (names.role_name(int(m.group(1))) or "deleted-role"), text)
    text = _CHANNEL.sub(
        lambda m: "#" + (names.channel_name(int(m.group(1))) or "unknown-channel"), text
    )
    text = _COMMAND.sub(lambda m: "/" + m.group(1), text)
    text = _EMOJI.sub(lambda m: f":{m.group(1)}:", text)
    return _TIMESTAMP.sub(lambda m: timestamp(int(m.group(1)), m.group(2) or "f"), text)


def timestamp(seconds: int, style: str, now: dt.datetime | None = None) -> str:
    """A Discord timestamp in UTC (every reader would see their own time zone)."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    if style == "R":
        return relative(moment, now or dt.datetime.now(dt.UTC))
    formats = {
        "t": "%H:%M UTC",
        "T": "%H:%M:%S UTC",
        "d": "%Y-%m-%d",
        "D": "%-d %B %Y",
        "f": "%-d %B %Y %H:%M UTC",
        "F": "%A, %-d %B %Y %H:%M UTC",
    }
    fmt = formats.get(style, formats["f"])
    # %-d is not portable: put the day in by hand.
    return moment.strftime(fmt.replace("%-d", str(moment.day)))


def relative(moment: dt.datetime, now: dt.datetime) -> str:
    """``in 3 days`` / ``2 hours ago``, as Discord's ``:R`` style shows it."""
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    unit, size = next(((u, s) for u, s in _UNITS if span >= s), ("", 0))
    if not size:
        return "in a few seconds" if seconds >= 0 else "a few seconds ago"
    count = round(span / size)
    amount = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"in {amount}" if seconds >= 0 else f"{amount} ago"


def _wrap(line: str, width: int) -> list[str]:
    if not line.strip():
        return [""]
    lead = len(line) - len(line.lstrip(" "))
    bullet = re.match(r" *([-*•]|\d+[.)]) ", line)
    hang = " " * (bullet.end() if bullet else lead)
    wrapped = textwrap.wrap(
        line,
        width=max(20, width),
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped or [""]


# -- modals, help, errors ----------------------------------------------------------------------


def modal_intro(title: str, author: str, look: Look) -> list[str]:
    return [
        f"{look.paint(author, _BOLD)} opened a form: {look.paint(title, _BOLD)}",
        f"{INDENT}(Enter keeps a value, - empties it, \\n starts a new line; Ctrl-D cancels)",
    ]


def field_prompt(field: ModalField, look: Look) -> tuple[list[str], str]:
    """Lines showing the field's current value, and the prompt to type its new one."""
    label = field.label or field.custom_id
    required = "" if field.required else " (optional)"
    value = field.value or ""
    if "\n" in value or len(value) > 50:
        shown = [f"{INDENT}{label}{required}, now:"]
        shown += [INDENT + look.bar(None) + line for line in value.splitlines()]
        return shown, f"{INDENT}{label}> "
    current = f" [{value}]" if value else ""
    return [], f"{INDENT}{label}{required}{current}> "


def field_problem(field: ModalField, value: str) -> str | None:
    """Why Discord's client would not send ``value`` for a form field, by its label."""
    label = field.label or "this field"
    if not value:
        return f"{label} is required" if field.required else None
    low, high = field.min_length, field.max_length
    if (low is not None and len(value) < low) or (high is not None and len(value) > high):
        if low is not None and high is not None:
            bounds = f"{low} to {high}"
        elif low is not None:
            bounds = f"at least {low}"
        else:
            bounds = f"at most {high}"
        return f"{label} takes {bounds} characters, not {len(value)}"
    return None


def help_lines(
    leaves: Sequence[Leaf],
    *,
    hidden: set[str],
    members: Sequence[str],
    channels: Sequence[str],
    topic: str = "",
) -> list[str]:
    """What can be typed: every command with its options, then the sandbox's words.

    ``hidden``: paths the current member cannot see (Discord hides them by permission).
    """
    if topic:
        matching = [leaf for leaf in leaves if leaf.path == topic or leaf.path.startswith(topic)]
        if matching:
            lines: list[str] = []
            for leaf in matching:
                lines += leaf_help(leaf, hidden=leaf.path in hidden)
            return lines
    lines = [
        "Slash commands, as in Discord: options are name:value, a value runs until the next",
        "option name, and text without a name fills the first required text option.",
    ]
    for leaf in leaves:
        note = "  (moderators only)" if leaf.path in hidden else ""
        lines.append(f"{INDENT}{usage(leaf)}{note}")
        if leaf.description:
            lines.append(f"{INDENT}{INDENT}{leaf.description}")
    lines += [
        "Sandbox words:",
        f"{INDENT}as <member>        type as someone else: {', '.join(members)}",
        f"{INDENT}in #<channel>      type in another channel: {', '.join(channels)}",
        f"{INDENT}press <n>, <n>     press button n of the last message with buttons",
        f"{INDENT}help [command]     this list, or one command's options (help goal create)",
        f"{INDENT}quit               leave (Ctrl-D too)",
    ]
    return lines


def leaf_help(leaf: Leaf, *, hidden: bool) -> list[str]:
    lines = [f"{usage(leaf)}{'  (moderators only)' if hidden else ''}"]
    if leaf.description:
        lines.append(f"{INDENT}{leaf.description}")
    for option in leaf.options:
        details = [value_hint(option)]
        limits = limits_text(option)
        if limits:
            details.append(limits)
        if option.get("autocomplete"):
            details.append("Tab completes")
        if not option.get("required"):
            details.append("optional")
        description = option.get("description") or ""
        lines.append(f"{INDENT}{option['name']}: {description} ({', '.join(details)})")
    return lines


def error_line(text: str, look: Look) -> str:
    return look.paint("error:", _RED, _BOLD) + " " + text
