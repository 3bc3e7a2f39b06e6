# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Byte transports and stdout isolation.

While a plug-in serves, stdout is the wire. :func:`open_stdio` takes a private
duplicate of the original stdout for protocol bytes and points file descriptor
1 and ``sys.stdout`` at stderr, so a ``print()`` in a handler or a C library
writing to fd 1 can never corrupt the stream. Windows-specific handle work
lives in :mod:`gassist_sdk._windows`.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Protocol

__all__ = ["FdTransport", "StdioIsolation", "Transport", "open_stdio"]

READ_SIZE = 64 * 1024


class Transport(Protocol):
    """What the dispatcher needs from a byte stream."""

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; ``b""`` at end of stream."""

    def write(self, data: bytes) -> None:
        """All of ``data`` or an ``OSError``."""

    def close(self) -> None:
        """Release the stream's resources."""


class FdTransport:
    """Reads one file descriptor and writes another (POSIX pipes, and CRT fds on Windows)."""

    def __init__(self, read_fd: int, write_fd: int, *, owns_write_fd: bool = False) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self._owns_write_fd = owns_write_fd
        # Reading into one reused buffer: os.read(fd, 64 KiB) would allocate 64 KiB
        # per call, which costs more than the rest of a small round trip.
        self._file = io.FileIO(read_fd, "rb", closefd=False)
        self._view = memoryview(bytearray(READ_SIZE))

    def read(self, size: int) -> bytes:
        view = self._view[: min(size, READ_SIZE)]
        count = self._file.readinto(view)
        return bytes(view[:count]) if count else b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.write_fd, view)
            view = view[written:]

    def close(self) -> None:
        if self._owns_write_fd:
            self._owns_write_fd = False
            try:
                os.close(self.write_fd)
            except OSError:
                pass


class StdioIsolation:
    """Keeps fd 1 / ``sys.stdout`` pointed at stderr until :meth:`restore`."""

    def __init__(self) -> None:
        self.protocol_fd = -1
        self._saved_stdout = sys.stdout
        self._saved_fd1 = -1
        self._devnull: object | None = None

    def apply(self) -> int:
        """Isolate stdout; returns a private fd that reaches the original stdout."""
        if sys.stdout is not None:
            try:
                sys.stdout.flush()
            except (OSError, ValueError):
                pass
        try:
            self.protocol_fd = os.dup(1)
        except OSError as exc:
            raise OSError(f"stdout is not open, so there is no pipe to the engine: {exc}") from exc
        self._saved_fd1 = os.dup(1)
        target = _stderr_fd()
        os.dup2(target, 1)
        if target != 2:
            os.close(target)
        if sys.stderr is not None:
            sys.stdout = sys.stderr
        else:
            self._devnull = sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        return self.protocol_fd

    def restore(self) -> None:
        """Put fd 1 and ``sys.stdout`` back (used by tests and embedded hosts)."""
        if self._saved_fd1 >= 0:
            os.dup2(self._saved_fd1, 1)
            os.close(self._saved_fd1)
            self._saved_fd1 = -1
        sys.stdout = self._saved_stdout
        if self._devnull is not None:
            self._devnull.close()  # type: ignore[attr-defined]
            self._devnull = None


def _stderr_fd() -> int:
    try:
        os.fstat(2)
        return 2
    except OSError:
        # No stderr (a frozen no-console app): C-level writes to fd 1 go nowhere.
        return os.open(os.devnull, os.O_WRONLY)


def open_stdio() -> tuple[Transport, StdioIsolation]:
    """The engine's pipes as a transport, with stdout isolated."""
    isolation = StdioIsolation()
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI
        from ._windows import open_windows_stdio

        return open_windows_stdio(isolation), isolation
    protocol_fd = isolation.apply()
    return FdTransport(0, protocol_fd, owns_write_fd=True), isolation
