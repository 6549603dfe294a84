"""A loopback Discord stand-in for testing discord.py bots without Discord.

Start a :class:`StandIn`, point discord.py at it with :func:`redirect_discord`,
run the bot, then act as Discord users through the driver (``slash``,
``autocomplete``, ``InteractionHandle.click`` / ``select`` / ``submit_modal``)
and assert on what the bot answered. Everything the bot sends is checked
against Discord's limits; refusals are recorded in ``StandIn.violations``.
See README.md beside this file.
"""

from __future__ import annotations

from standin import permissions
from standin.errors import DriverError, InteractionFailed, ResponseTimeout, StandInError
from standin.interactions import InteractionHandle, Modal, ModalField
from standin.messages import Button, Message, Pings, Select, StoredFile
from standin.models import Attachment, Channel, Guild, Member, Role, User
from standin.redirect import redirect_discord, restore_discord, urls_for
from standin.server import StandIn

__all__ = [
    "Attachment",
    "Button",
    "Channel",
    "DriverError",
    "Guild",
    "InteractionFailed",
    "InteractionHandle",
    "Member",
    "Message",
    "Modal",
    "ModalField",
    "Pings",
    "ResponseTimeout",
    "Role",
    "Select",
    "StandIn",
    "StandInError",
    "StoredFile",
    "User",
    "permissions",
    "redirect_discord",
    "restore_discord",
    "urls_for",
]
