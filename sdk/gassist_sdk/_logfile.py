# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The size-capped log file handler (imported once logging is in use)."""

from __future__ import annotations

import logging
import os

__all__ = ["SizeCappedFileHandler"]

MAX_BYTES = 1024 * 1024
BACKUPS = 2


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
