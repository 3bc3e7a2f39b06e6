# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-in's stderr, copied into its log file by a thread, with a size cap.

The plug-in writes into a pipe, never into the file itself, so a plug-in that
logs without end can fill neither the disk nor the pipe: each run's stderr is
copied up to :data:`STDERR_LOG_LIMIT` bytes and the rest is read and dropped
(the log says so). A log already over the limit when a run starts is moved
aside to ``<name>.stderr.log.1``. The host writes its own notes into the same
file, between ``---`` marks.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["STDERR_LOG_LIMIT", "StderrLog", "read_to_end"]

#: Bytes of one run's stderr kept in its log; the rest is dropped.
STDERR_LOG_LIMIT = 4 * 1024 * 1024
_TAIL_BYTES = 4096
_READ_SIZE = 65536


def read_to_end(stream: IO[bytes], deliver: Callable[[bytes], None]) -> None:
    """Hand everything read from ``stream`` to ``deliver`` until its end, then close it."""
    while True:
        try:
            data = stream.read(_READ_SIZE)
        except (OSError, ValueError):
            break
        if not data:
            break
        deliver(data)
    with contextlib.suppress(OSError, ValueError):
        stream.close()


class StderrLog:
    """The log file of one plug-in process and the thread that fills it.

    Args:
        path: The log file (appended to: one file holds successive runs).
        limit: Bytes of this run's stderr to keep.
    """

    def __init__(self, path: Path, limit: int = STDERR_LOG_LIMIT) -> None:
        self.path = path
        self.limit = limit
        self._file: IO[bytes] | None = None
        self._offset = 0
        self._copied = 0
        self._dropped = 0
        self._lock = threading.Lock()
        self._pump: threading.Thread | None = None

    def open(self, header: str) -> None:
        """Open the log for a new run and write ``header`` as its first note."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            if self.path.stat().st_size > self.limit:
                os.replace(self.path, self.path.with_name(self.path.name + ".1"))
        self._file = self.path.open("ab", buffering=0)
        self.note(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {header}")
        self._offset = self._file.tell()

    def attach(self, stream: IO[bytes], name: str) -> None:
        """Copy ``stream`` (the process's stderr) into the log on a thread until it ends."""
        self._pump = threading.Thread(target=self._copy, args=(stream,), daemon=True,
                                      name=f"gassist-stderr-{name}")
        self._pump.start()

    def note(self, text: str) -> None:
        """Write a line of the host's own into the log."""
        with self._lock:
            if self._file is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._file.write(f"--- gassist-build: {text} ---\n".encode())

    def join(self, timeout: float) -> bool:
        """Wait for the stream's end; True once everything was copied."""
        if self._pump is None:
            return True
        self._pump.join(timeout)
        return not self._pump.is_alive()

    def close(self) -> None:
        """Close the file (a copy still running drops what follows)."""
        with self._lock:
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None

    def tail(self, lines: int) -> str:
        """The last ``lines`` lines of this run's part of the log."""
        try:
            with self.path.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(self._offset, size - _TAIL_BYTES))
                data = handle.read()
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _copy(self, stream: IO[bytes]) -> None:
        read_to_end(stream, self._keep)
        if self._dropped:
            self.note(f"{self._dropped} more byte(s) of stderr were dropped: the log keeps"
                      f" {self.limit} bytes of each run")

    def _keep(self, data: bytes) -> None:
        with self._lock:
            room = self.limit - self._copied
            kept = data[:max(room, 0)]
            if kept and self._file is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._file.write(kept)
            self._copied += len(kept)
            self._dropped += len(data) - len(kept)
            reached = room > 0 and self._copied >= self.limit
        if reached:
            self.note(f"stderr log capped at {self.limit} bytes for this run; the rest is"
                      " dropped")
