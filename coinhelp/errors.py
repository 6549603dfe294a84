"""Errors whose message is meant for the user who caused them.

    UserError                 shown to the user as an ephemeral message
    ├── NotFound              unknown goal, FAQ key, ledger entry ...
    ├── InvalidInput          a value out of range, unparseable, too long
    ├── Conflict              the action clashes with the current state
    │                         (closed goal, already voided, alias taken)
    └── NotAllowed            the user may not do this here
    ConfigError               bad configuration or data at start-up: stops the bot

Anything else that escapes a command is a bug: it is logged with a reference
id and the user sees a generic "something went wrong".
"""


class UserError(Exception):
    """An error whose message can be shown to the user as-is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserError):
    """The thing the user named does not exist (in this server)."""


class InvalidInput(UserError):
    """A value the user gave is out of range, malformed or too long."""


class Conflict(UserError):
    """The request clashes with the current state."""


class NotAllowed(UserError):
    """The user lacks the permission for this action."""


class ConfigError(Exception):
    """Configuration or shipped data is unusable; the bot must not start."""
