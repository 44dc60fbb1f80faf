"""Errors that are the user's to fix, as opposed to bugs."""

from __future__ import annotations


class UserError(Exception):
    """Something the user said was wrong; the message tells them what and how to say it right.

    `usage` is the right form of the command, shown under the message. `field` names the modal
    input (block id) the error belongs to, so a modal can show it beside that input.
    """

    def __init__(self, message: str, *, usage: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.field = field

    def __str__(self) -> str:
        return self.message if self.usage is None else f"{self.message}\nUsage: `{self.usage}`"


class ConfigError(Exception):
    """The service's own configuration is missing or malformed; the message says what to set."""
