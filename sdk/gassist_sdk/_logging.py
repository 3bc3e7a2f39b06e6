# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Logging that starts with the first record, and redaction of secrets.

The :mod:`logging` package itself is imported only when the first record is
made (:class:`LazyLogger`): a plug-in answers ``initialize`` a few
milliseconds sooner, and one that never logs never pays for it. The log file
(:mod:`gassist_sdk._logfile`) is set up by a hook that runs just before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = ["LazyLogger", "RedactingFilter", "level_number", "when_logging_starts"]

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
        self._on_first: list[Callable[[], object]] = []

    def add(self, secrets: Iterable[str]) -> None:
        """Start hiding these values (empty and very short values are ignored)."""
        self._secrets.update(s for s in secrets if isinstance(s, str) and len(s) >= 4)
        if self._secrets:
            first = self._pattern is None
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))
            if first:
                hooks, self._on_first = self._on_first, []
                for hook in hooks:
                    hook()

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The expression matching any secret, longest first (None before the first)."""
        return self._pattern

    @property
    def secrets(self) -> frozenset[str]:
        """The texts being hidden."""
        return frozenset(self._secrets)

    def when_secrets_known(self, hook: Callable[[], object]) -> None:
        """Run ``hook`` once the first secret is known (now, if one is)."""
        if self._pattern is not None:
            hook()
        else:
            self._on_first.append(hook)

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
