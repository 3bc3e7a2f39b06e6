# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The per-call :class:`Context` handed to command handlers."""

from __future__ import annotations

import enum
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._logging import _logging_module, level_number
from ._worker import CancelFlag

if TYPE_CHECKING:
    import logging
    from pathlib import Path

__all__ = ["Context", "LogLevel", "SystemInfo", "log_level_name"]


class LogLevel(str, enum.Enum):
    """Levels of ``log`` notifications to the engine."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


def log_level_name(level: LogLevel | str) -> str:
    """The wire name of a log level (``"info"``...), from a LogLevel or its text."""
    return level.value if isinstance(level, LogLevel) else str(level).lower()


class SystemInfo(str):
    """The engine's ``system_info`` text (a ``str``, with a few conveniences)."""

    @property
    def raw(self) -> str:
        """The text as the engine sent it."""
        return str(self)

    def lines(self) -> list[str]:
        """Non-empty lines of the text."""
        return [line.strip() for line in self.splitlines() if line.strip()]


class Context:
    """What a handler knows about the call it serves.

    Injected into any parameter annotated ``Context`` (NVIDIA-style parameters
    named ``context`` receive it too). Everything a handler needs beyond its
    arguments is here: the conversation, streaming, passthrough, cancellation,
    the plug-in folder, a logger and the typed config.
    """

    __slots__ = ("_cancelled", "_keep_session", "_log", "_logger", "_logger_name",
                 "_plugin_dir", "_sink", "_stream", "config", "function", "messages", "request_id",
                 "system_info")

    def __init__(
        self,
        *,
        messages: list[dict[str, Any]] | None = None,
        system_info: str | None = None,
        function: str = "",
        request_id: Any = None,
        plugin_dir: str | os.PathLike[str] | None = None,
        logger: logging.Logger | None = None,
        logger_name: str = "gassist_sdk.plugin",
        config: Any = None,
        stream: Callable[[str], None] | None = None,
        log: Callable[[str, str], None] | None = None,
        cancelled: CancelFlag | threading.Event | None = None,
        sink: Any = None,
    ) -> None:
        self.messages: list[dict[str, Any]] = (
            [m for m in messages if isinstance(m, dict)] if messages else [])
        self.system_info = SystemInfo(system_info) if system_info is not None else None
        self.function = function
        self.request_id = request_id
        self._plugin_dir = os.fspath(plugin_dir) if plugin_dir is not None else os.getcwd()
        self._logger = logger
        self._logger_name = logger_name
        self.config = config
        self._stream = stream
        self._sink = sink  # the session: sink.stream(request_id, text), no closure per call
        self._log = log
        self._cancelled = cancelled if cancelled is not None else CancelFlag()
        self._keep_session = False

    @property
    def logger(self) -> logging.Logger:
        """The plug-in's logger (writes to ``<name>.log``, never to stdout)."""
        if self._logger is None:
            self._logger = _logging_module().getLogger(self._logger_name)
        return self._logger

    @property
    def plugin_dir(self) -> Path:
        """The plug-in folder (where manifest.json and config.json live)."""
        from pathlib import Path

        return Path(self._plugin_dir)

    # -- conversation ---------------------------------------------------------------

    @property
    def last_message(self) -> str | None:
        """Content of the last message of the conversation, if any."""
        return str(self.messages[-1].get("content", "")) if self.messages else None

    def last_user_message(self) -> str | None:
        """Content of the user's most recent message, if any."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return str(message.get("content", ""))
        return None

    # -- output -----------------------------------------------------------------------

    def stream(self, text: object) -> None:
        """Send a chunk of text to the user now, before the command returns."""
        chunk = text if isinstance(text, str) else str(text)
        if not chunk:
            return
        if self._stream is not None:
            self._stream(chunk)
        elif self._sink is not None:
            self._sink.stream(self.request_id, chunk)

    def keep_session(self, keep: bool = True) -> None:
        """Keep the conversation attached to this plug-in after this reply (passthrough)."""
        self._keep_session = bool(keep)

    @property
    def keeps_session(self) -> bool:
        """Whether the reply will keep the session open."""
        return self._keep_session

    def log(self, message: str, level: LogLevel | str = LogLevel.INFO) -> None:
        """Send a ``log`` notification to the engine (V2) and write it to the log file."""
        level_name = log_level_name(level)
        self.logger.log(level_number(level_name), "%s", message)
        if self._log is not None:
            self._log(message, level_name)

    # -- cancellation -----------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        """True once the engine shut the plug-in down or closed the pipe."""
        return self._cancelled.is_set()

    def wait_cancelled(self, timeout: float | None = None) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancellation."""
        return self._cancelled.wait(timeout)
