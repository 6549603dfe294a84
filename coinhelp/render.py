"""The one Jinja2 environment, its filters, and Discord's size limits.

Every user-facing sentence lives in `templates/`. A template renders either
a whole message (`Renderer.text`) or the parts of an embed, one
`{% block %}` each (`Renderer.parts`: title, description, footer ...).

Moderator- and member-written text (FAQ bodies, goal names) is only ever a
value passed into a template, never a template itself: Jinja2 does not
evaluate `{{ ... }}` inside a value, so nothing a moderator types can run
(tests/unit/test_render.py and the /faqadmin e2e tests try it). The
templates are this repository's files, so the environment is not sandboxed:
the sandbox's checks on every attribute lookup cost half of each render and
guarded only against our own templates.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.runtime import Context

from coinhelp.errors import UserError
from coinhelp.faq.entries import is_key
from coinhelp.i18n import Catalogs, current_language, format_number
from coinhelp.shipped import TEMPLATES_DIR

# Discord's limits (https://discord.com/developers/docs/resources/message).
CONTENT_MAX = 2000
EMBED_DESCRIPTION_MAX = 4096
CHOICE_NAME_MAX = 100
CHOICES_MAX = 25

ELLIPSIS = "…"
_MARKDOWN_CHARS = re.compile(r"([\\*_`~|>#\[\]()-])")
# What Discord turns into a mass ping: lowercase @everyone or @here, wherever it
# stands. Shipped answers may not contain it either (coinhelp.faq.curated).
MASS_MENTION = re.compile(r"@(everyone|here)")


def clip(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """`text` cut to `limit` characters, ending with a visible marker if cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))].rstrip() + marker


def split_pages(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters.

    Cuts at paragraph breaks, then line breaks, then spaces, so a long answer
    reads naturally across pages; a single overlong word is cut hard.
    """
    pages: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > limit // 4:
                break
        else:
            cut = limit
        pages.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pages:
        pages.append(rest)
    return pages


def escape_markdown(text: str) -> str:
    """Show `text` literally in Discord: markdown characters are escaped."""
    return _MARKDOWN_CHARS.sub(r"\\\1", text)


def defuse_mentions(text: str) -> str:
    """Break @everyone/@here visually too (the bot never pings them anyway)."""
    return MASS_MENTION.sub("@\u200b\\1", text)


def one_line(text: str, limit: int = CHOICE_NAME_MAX) -> str:
    """Collapse whitespace to single spaces and clip: for choice names and titles."""
    return clip(" ".join(text.split()), limit)


def number(value: int | float) -> str:
    """1234567 → '1,234,567', '1.234.567' or '1 234 567': as the current language writes it."""
    return format_number(value, current_language())


def plural(count: int, word: str, many: str | None = None) -> str:
    """(1, 'row') → '1 row'; (3, 'row') → '3 rows'; counts with thousands separators."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def discord_time(value: dt.datetime, style: str = "f") -> str:
    """A Discord timestamp that every reader sees in their own time zone."""
    return f"<t:{int(value.timestamp())}:{style}>"


# How templates are read. Extracting their sentences for translation
# (scripts/catalogs.py) must read them the same way, or the msgids differ.
JINJA_OPTIONS: dict[str, bool] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": False,
    # {% trans %} blocks: whitespace and line breaks inside fold to one space.
    "trimmed": True,
}


class Renderer:
    """Renders the templates in one directory; templates are compiled once.

    Every {% trans %} block renders in the current language
    (coinhelp.i18n.speaking), from `catalogs`.
    """

    def __init__(self, directory: Path = TEMPLATES_DIR, catalogs: Catalogs | None = None) -> None:
        self.env = Environment(
            loader=FileSystemLoader(directory),
            undefined=StrictUndefined,
            autoescape=False,  # Discord Markdown, not HTML
            trim_blocks=JINJA_OPTIONS["trim_blocks"],
            lstrip_blocks=JINJA_OPTIONS["lstrip_blocks"],
            keep_trailing_newline=JINJA_OPTIONS["keep_trailing_newline"],
            # Templates ship with the code: no checking the files on every render.
            auto_reload=False,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.policies["ext.i18n.trimmed"] = JINJA_OPTIONS["trimmed"]
        self.catalogs = catalogs or Catalogs()
        translations = self.catalogs.translations

        def gettext(message: str) -> str:
            return translations(current_language()).gettext(message)

        def ngettext(singular: str, plural: str, count: int) -> str:
            return translations(current_language()).ngettext(singular, plural, count)

        self.env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.filters.update(
            clip=clip,
            md=escape_markdown,
            defuse=defuse_mentions,
            one_line=one_line,
            number=number,
            plural=plural,
            discord_time=discord_time,
        )
        self.env.tests.update(faq_key=is_key)
        # A folder's macros (`<folder>/_macros.j2`) are loaded once and shared as
        # the global `<folder>_macros`: an {% import %} inside a block would load
        # and look them up again on every render.
        for name in self.env.list_templates(filter_func=lambda n: n.endswith("/_macros.j2")):
            self.env.globals[name.split("/")[0] + "_macros"] = self.env.get_template(name).module
        # Jinja copies a template's globals (a ChainMap of them) into every new
        # context: a quarter of rendering a page of history. They are fixed from
        # here on, so each render starts from one plain dict of them instead.
        self._globals = dict(self.env.globals)

    def template(self, name: str) -> Template:
        return self.env.get_template(name)

    def _context(self, template: Template, values: dict[str, Any]) -> Context:
        """A context to render `template` with `values` and the globals."""
        return template.new_context({**self._globals, **values}, shared=True)

    def text(self, name: str, /, **context: Any) -> str:
        """The whole template as message content, at most 2,000 characters."""
        template = self.template(name)
        rendered = "".join(template.root_render_func(self._context(template, context)))
        return clip(rendered.strip(), CONTENT_MAX)

    def error(self, error: UserError) -> str:
        """The sentence for a UserError: the macro its key names (see coinhelp.errors)."""
        area, _, name = error.key.partition(".")
        macro = getattr(self.template(f"errors/{area}.j2").module, name)
        return clip(str(macro(**error.params)).strip(), CONTENT_MAX)

    def parts(self, name: str, /, **context: Any) -> dict[str, str]:
        """Each `{% block %}` of the template, rendered and stripped.

        Blocks are rendered on their own, so statements outside them
        (`{% set %}`) never run: put them inside the block. Macros come from
        the `<folder>_macros` globals.
        """
        template = self.template(name)
        ctx = self._context(template, context)
        return {block: "".join(render(ctx)).strip() for block, render in template.blocks.items()}
