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

__all__ = ["LOG_DIR_ENV", "LOG_LEVEL_ENV", "SizeCappedFileHandler", "configure_logging",
           "ensure_fallback_handler", "log_directory"]

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
