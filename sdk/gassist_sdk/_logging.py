# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Plug-in log file: ``<plug-in folder>/<name>.log``, rotated, never stdout.

Only the ``gassist_sdk`` logger and the plug-in's own logger are configured —
never the root logger, so a plug-in's own ``logging`` setup keeps working.
Nothing is written until something is logged (a quiet plug-in leaves no file).

The :mod:`logging` package itself is imported only when the first record is
made (:class:`LazyLogger`): a plug-in answers ``initialize`` a few
milliseconds sooner, and one that never logs never pays for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = ["LOG_DIR_ENV", "LOG_LEVEL_ENV", "LazyLogger", "RedactingFilter", "configure_logging",
           "when_logging_starts"]

LOG_DIR_ENV = "GASSIST_LOG_DIR"
LOG_LEVEL_ENV = "GASSIST_LOG_LEVEL"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


_on_start: list[Callable[[], object]] = []
_started = False


def _logging_module() -> Any:
    """The logging package, after running what waited for it (once)."""
    global _started
    import logging

    if not _started:
        _started = True
        while _on_start:
            _on_start.pop(0)()
    return logging


def when_logging_starts(hook: Callable[[], object]) -> None:
    """Run ``hook`` just before the first record is logged (now, if that has happened)."""
    if _started:
        hook()
    else:
        _on_start.append(hook)


class LazyLogger:
    """A stand-in for ``logging.getLogger(name)`` that imports logging on first use."""

    __slots__ = ("_logger", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._logger: logging.Logger | None = None

    @property
    def logger(self) -> logging.Logger:
        """The real logger."""
        if self._logger is None:
            self._logger = _logging_module().getLogger(self.name)
        return self._logger

    def debug(self, msg: str, *args: object, **kwargs: Any) -> None:
        self.logger.debug(msg, *args, **kwargs)

    def info(self, msg: str, *args: object, **kwargs: Any) -> None:
        self.logger.info(msg, *args, **kwargs)

    def warning(self, msg: str, *args: object, **kwargs: Any) -> None:
        self.logger.warning(msg, *args, **kwargs)

    def error(self, msg: str, *args: object, **kwargs: Any) -> None:
        self.logger.error(msg, *args, **kwargs)

    def exception(self, msg: str, *args: object, **kwargs: Any) -> None:
        self.logger.exception(msg, *args, **kwargs)


def level_number(name: str) -> int:
    """The numeric level of ``"debug"``, ``"info"``… (INFO for anything else)."""
    logging = _logging_module()
    return int(getattr(logging, name.upper(), logging.INFO))


class RedactingFilter:
    """Replaces known secret values with ``***`` in every record it sees.

    A plain class (logging accepts any object with a ``filter`` method), so
    creating one does not import logging.
    """

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secrets: Iterable[str]) -> None:
        """Start hiding these values (empty and very short values are ignored)."""
        self._secrets.update(s for s in secrets if isinstance(s, str) and len(s) >= 4)
        if self._secrets:
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        if self._pattern is None:
            return text
        return self._pattern.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is not None:
            message = record.getMessage()
            if record.exc_info and not record.exc_text:
                formatter = _logging_module().Formatter()
                record.exc_text = formatter.formatException(record.exc_info)
            record.msg = self.redact(message)
            record.args = None
            if record.exc_text:
                record.exc_text = self.redact(record.exc_text)
        return True


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
    logging = _logging_module()
    from ._logfile import SizeCappedFileHandler

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
