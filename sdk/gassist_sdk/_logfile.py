# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Plug-in log file: ``<plug-in folder>/<name>.log``, rotated, never stdout.

Only the ``gassist_sdk`` logger and the plug-in's own logger are configured —
never the root logger, so a plug-in's own ``logging`` setup keeps working.
Nothing is written until something is logged (a quiet plug-in leaves no file):
this module is imported when logging starts.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from typing import Any

from ._logging import RedactingFilter, _logging_module, level_number

__all__ = ["LOG_DIR_ENV", "LOG_LEVEL_ENV", "RedactingStream", "SizeCappedFileHandler",
           "configure_logging", "ensure_fallback_handler", "log_directory", "redact_stdio"]

LOG_DIR_ENV = "GASSIST_LOG_DIR"
LOG_LEVEL_ENV = "GASSIST_LOG_LEVEL"
MAX_BYTES = 1024 * 1024
BACKUPS = 2
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SizeCappedFileHandler(logging.FileHandler):
    """A log file that rolls over to ``.1``, ``.2``… past ``max_bytes``.

    ``logging.handlers.RotatingFileHandler`` does the same but drags sockets
    and pickling into every plug-in's start-up; this is all a plug-in needs.
    The file is opened on the first record, so a quiet plug-in leaves none.
    """

    def __init__(self, path: str, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() >= self.max_bytes:
                self._roll_over()
        except (OSError, ValueError):
            pass  # a log that cannot roll over must not take the plug-in down
        super().emit(record)

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self.stream = None
        for index in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{index}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{index + 1}")
        os.replace(self.baseFilename, f"{self.baseFilename}.1")


def log_directory(plugin_dir: str) -> str:
    """Where the log goes: ``$GASSIST_LOG_DIR`` or the plug-in folder."""
    return os.environ.get(LOG_DIR_ENV) or plugin_dir


def configure_logging(name: str, plugin_dir: str, redactor: RedactingFilter,
                      logger_names: Iterable[str]) -> str | None:
    """Attach one rotating file handler to the SDK's and the plug-in's loggers.

    Returns:
        The log file path, or None when no writable location exists (logging
        then stays off rather than failing the plug-in).
    """
    _logging_module()  # the first use of logging runs what waited for it, here too
    level = level_number(os.environ.get(LOG_LEVEL_ENV, "INFO"))
    directory = log_directory(plugin_dir)
    path: str | None = os.path.join(directory, f"{name}.log")
    handler: Any
    try:
        os.makedirs(directory, exist_ok=True)
        handler = SizeCappedFileHandler(path or "")
    except OSError:
        handler = logging.NullHandler()
        path = None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(redactor)
    for logger_name in logger_names:
        logger = logging.getLogger(logger_name)
        for old in [h for h in logger.handlers if getattr(h, "_gassist", False)]:
            logger.removeHandler(old)
            old.close()
        handler._gassist = True
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    return path


def ensure_fallback_handler(redactor: RedactingFilter) -> None:
    """Without a log file, warnings still reach stderr — redacted, never stdout."""
    sdk_logger = logging.getLogger("gassist_sdk")
    if sdk_logger.handlers:
        return
    handler: Any = (logging.StreamHandler(sys.stderr) if sys.stderr is not None
                    else logging.NullHandler())
    handler.setLevel(logging.WARNING)
    handler.addFilter(redactor)
    handler._gassist = True
    sdk_logger.addHandler(handler)
    sdk_logger.propagate = False


class RedactingStream:
    """A text stream that writes whole lines to another with every secret hidden.

    Text is held until a newline or :meth:`flush`, so a secret written in
    pieces (``print`` writes its parts one by one) is still caught. Secrets are
    found in all the held text before any of it is written, so one holding
    newlines (a PEM key, a service-account file) is seen whole: text goes out
    only up to a line end that no secret crosses and that comes before any
    tail that could still grow into a secret. Anything else is the wrapped
    stream's.

    Args:
        stream: Where the redacted text goes.
        redactor: What to hide.
    """

    def __init__(self, stream: Any, redactor: RedactingFilter) -> None:
        self.stream = stream
        self.redactor = redactor
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        pending = self._pending
        pattern = self.redactor.pattern  # the redactor's own, so both hide the same
        if pattern is None:
            cut = pending.rfind("\n") + 1
            if cut:
                self._pending = pending[cut:]
                self.stream.write(pending[:cut])
            return len(text)
        matches = list(pattern.finditer(pending))
        limit = self._could_grow_into_secret(pending)
        while True:
            cut = pending.rfind("\n", 0, limit) + 1
            crossing = next((m for m in matches if m.start() < cut < m.end()), None)
            if crossing is None:
                break
            limit = crossing.start()
        if cut:
            out: list[str] = []
            done = 0
            for match in matches:
                if match.end() > cut:
                    break
                out += (pending[done:match.start()], "***")
                done = match.end()
            out.append(pending[done:cut])
            self._pending = pending[cut:]
            self.stream.write("".join(out))
        return len(text)

    def _could_grow_into_secret(self, pending: str) -> int:
        """Where the longest tail of ``pending`` that begins some longer secret starts."""
        start = len(pending)
        if not pending:
            return start
        last = pending[-1]
        for secret in self.redactor.secrets:
            # Only lengths whose last character matches can be a tail: try the longest first.
            at = min(len(secret) - 1, len(pending))
            while True:
                at = secret.rfind(last, 0, at)
                if at < 0:
                    break
                size = at + 1
                if len(pending) - size >= start:
                    break  # no shorter tail of this secret can start earlier
                if pending.endswith(secret[:size]):
                    start = len(pending) - size
                    break
        return start

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self.stream.write(self.redactor.redact(pending))
        self.stream.flush()

    def close(self) -> None:
        """Write what is held (redacted), then close the wrapped stream."""
        self.flush()
        self.stream.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def redact_stdio(redactor: RedactingFilter) -> None:
    """Hide secrets in everything written to ``sys.stderr`` and ``sys.stdout`` from now on.

    ``print``, warnings, uncaught exceptions (``sys.excepthook`` and
    ``threading.excepthook`` write to ``sys.stderr`` when called) and every
    logging handler already writing to one of the two streams go through a
    :class:`RedactingStream`. Bytes written to file descriptor 2 from below
    Python cannot be redacted.
    """
    wrapped: dict[int, RedactingStream] = {}
    for name in ("stderr", "stdout"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, RedactingStream):
            continue
        if id(stream) not in wrapped:  # stdout is stderr while the plug-in serves
            wrapped[id(stream)] = RedactingStream(stream, redactor)
        setattr(sys, name, wrapped[id(stream)])
    if not wrapped:
        return
    loggers = [logging.getLogger(), *(value for value in logging.Logger.manager.loggerDict.values()
                                      if isinstance(value, logging.Logger))]
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and id(handler.stream) in wrapped:
                handler.stream = wrapped[id(handler.stream)]
