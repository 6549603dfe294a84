"""Errors the user caused, and the one error that stops the bot at start.

    UserError                 shown to the user as an ephemeral message
    ├── NotFound              unknown goal, FAQ key, ledger entry ...
    ├── InvalidInput          a value out of range, unparseable, too long
    └── Conflict              the action clashes with the current state
                              (closed goal, already voided, alias taken)
    ConfigError               bad configuration or data at start-up: stops the bot

A UserError carries no sentence: its `key` names the template macro that
words it for the user, in `templates/errors/`, and `params` are that macro's
arguments. "goals.closed" is the macro `closed` in `templates/errors/goals.j2`.
So the core says what happened and the templates say it in the member's
language (`Renderer.error`).

Anything else that escapes a command is a bug: it is logged with a reference
id and the user sees a generic "something went wrong".
"""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """An error worded for the user by the template macro `key` (see the module docstring)."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return f"{self.key} {self.params}" if self.params else self.key


class NotFound(UserError):
    """The thing the user named does not exist (in this server)."""


class InvalidInput(UserError):
    """A value the user gave is out of range, malformed or too long."""


class Conflict(UserError):
    """The request clashes with the current state."""


class ConfigError(Exception):
    """Configuration or shipped data is unusable; the bot must not start.

    Its message is for the person who hosts the bot, in English, naming the
    file or variable to fix.
    """
