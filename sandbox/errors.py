"""What the sandbox refuses, with messages meant for the person typing.

    SandboxError            anything the sandbox itself refuses or reports
    ├── InputError          the line cannot be sent, as Discord's client would refuse it:
    │                       unknown command or option, missing or mistyped value,
    │                       unknown member, channel, role, file or button
    └── BotError            the bot did not answer the way Discord requires: the
                            interaction failed or timed out, or the stand-in saw a
                            violation of Discord's rules

A bot's own refusal ("no such goal") is an answer, not an error: it is shown
like any other message. In a script, the first `SandboxError` ends the run
with a non-zero exit code.
"""

from __future__ import annotations


class SandboxError(Exception):
    """Base class: the message is shown to the person as is."""

    @property
    def message(self) -> str:
        return str(self)


class InputError(SandboxError):
    """The input cannot be sent: Discord's client would not let a person send it."""


class BotError(SandboxError):
    """The bot failed an interaction, or sent something Discord would refuse."""
