# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""One error hierarchy for the runtime.

Wire errors carry their JSON-RPC code and turn into protocol messages with
:meth:`WireError.to_wire`; misuse errors are raised at decoration time and name
the function at fault; :class:`CommandError` is what a handler raises to fail a
call with a message written for the user.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CommandError",
    "ConfigError",
    "FrameError",
    "GAssistError",
    "InternalError",
    "InvalidParams",
    "InvalidRequest",
    "MethodNotFound",
    "ParseError",
    "PluginFailure",
    "RegistrationError",
    "WireError",
]

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
PLUGIN_ERROR = -1
TIMEOUT = -2
RATE_LIMITED = -3


class GAssistError(Exception):
    """Base class of every error this SDK raises on purpose."""


class WireError(GAssistError):
    """An error that is reported to the engine as a JSON-RPC error object."""

    code: int = INTERNAL_ERROR

    def __init__(self, message: str, *, code: int | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.data = data

    def to_wire(self) -> dict[str, Any]:
        """The JSON-RPC ``error`` object for this error."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class ParseError(WireError):
    """The bytes of a message are not valid JSON (or not valid UTF-8)."""

    code = PARSE_ERROR


class InvalidRequest(WireError):
    """Valid JSON that is not a well-formed request."""

    code = INVALID_REQUEST


class FrameError(InvalidRequest):
    """A frame violates the framing rules (zero length, oversized, truncated).

    Args:
        message: What is wrong, with the offending bytes shown.
        kind: Which rule was broken: one of the constants below, stable for
            code that reacts to a kind (the message text is for people).
        excerpt: The offending bytes as the message shows them, when a
            framer quotes some.
    """

    ZERO_LENGTH = "zero-length"
    OVERSIZE = "oversize"
    TRUNCATED = "truncated"
    STRAY_BYTES = "stray-bytes"
    CUT_SHORT = "cut-short"
    UNTERMINATED = "unterminated"
    MALFORMED = "malformed"
    NOISE = "noise"  # control bytes between messages: reported, never answered

    def __init__(self, message: str, *, kind: str, excerpt: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.excerpt = excerpt


class MethodNotFound(WireError):
    """The method (or, inside ``execute``, the function) does not exist."""

    code = METHOD_NOT_FOUND


class InvalidParams(WireError):
    """The arguments of a call do not match what the command accepts."""

    code = INVALID_PARAMS


class InternalError(WireError):
    """The runtime failed in a way that is not the handler's fault."""

    code = INTERNAL_ERROR


class PluginFailure(WireError):
    """A handler failed; the message is safe to show to the user."""

    code = PLUGIN_ERROR


class CommandError(GAssistError):
    """Raised by a command handler to fail the call with a message for the user.

    The message is sent to the engine as the text of a failed result; no
    traceback is shown to the user.

    Example:
        >>> raise CommandError("Twitch user 'nobody' does not exist.")
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RegistrationError(GAssistError, TypeError):
    """A command or plug-in was declared in a way the SDK cannot serve."""


class ConfigError(GAssistError):
    """The plug-in's configuration is missing or invalid.

    A config dataclass raises it from ``__post_init__`` for a rule that spans several
    settings ("a bot token and a channel, or a webhook URL"). The setup conversation
    then shows the message and asks for ``fields``.

    Example:
        >>> raise ConfigError("set bot_token and channel_id, or webhook_url",
        ...                   fields=("bot_token", "channel_id", "webhook_url"))
    """

    def __init__(self, message: str = "", *, fields: tuple[str, ...] | list[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fields = tuple(fields)
