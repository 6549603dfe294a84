"""Exceptions the stand-in raises to the person or test driving it."""

from __future__ import annotations


class StandInError(Exception):
    """Base class for stand-in errors."""


class DriverError(StandInError):
    """An action the Discord client would refuse (unknown command, missing option, ...).

    The message is meant to be shown to a person as is.
    """


class ResponseTimeout(StandInError, TimeoutError):
    """The bot did not do what a waiter expected in time."""


class InteractionFailed(StandInError):
    """The bot answered an interaction in a way Discord rejects (late, twice, invalid)."""
