"""Discord's limits, checked on every payload the bot sends.

discord.py checks almost nothing before sending (it only refuses more than 10
embeds); Discord answers a payload over a limit with HTTP 400, code 50035
"Invalid Form Body", and an ``errors`` tree naming the offending field. The
checks here return :class:`Problem` objects; the server turns them into that
answer and into readable lines in ``StandIn.violations``.

Numbers are Discord's documented limits: message content 2000 characters;
10 embeds, embed title 256, description 4096, 25 fields, field name 256 and
value 1024 (both required), footer 2048, author name 256, 6000 characters of
embed text per message; 5 action rows of at most 5 buttons (a select menu
fills a row), custom ids 1-100 characters and unique within a message, button
labels 80, link buttons with a url and no custom id, select menus 1-25
options; components v2 messages at most 40 components and 4000 characters of
text; autocomplete 25 choices, names 1-100, string values up to 100; modals a
title up to 45, 1-5 components, text input labels 45, values 4000; application
commands: lowercase names of 1-32 word characters, descriptions 1-100, 25
options, 25 choices, 4000 characters in all.
"""

from __future__ import annotations

from standin.limits.base import Problem, form_errors
from standin.limits.choices import check_choices
from standin.limits.commands import check_command, check_commands
from standin.limits.components import (
    check_components,
    check_components_v2,
    check_modal,
    walk_components,
)
from standin.limits.messages import (
    check_allowed_mentions,
    check_embeds,
    check_message,
    embed_text_length,
)

__all__ = [
    "Problem",
    "check_allowed_mentions",
    "check_choices",
    "check_command",
    "check_commands",
    "check_components",
    "check_components_v2",
    "check_embeds",
    "check_message",
    "check_modal",
    "embed_text_length",
    "form_errors",
    "walk_components",
]
