# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Windows standard-handle transport (the one place that knows Windows pipes).

A frozen no-console plug-in may have no usable C runtime file descriptors, yet
the engine's anonymous pipes are still reachable as the process's standard
handles. This module reads and writes them with ``ReadFile``/``WriteFile``,
keeps the original stdout handle private and points ``STD_OUTPUT_HANDLE`` at
stderr so native code cannot write onto the wire. ``FlushFileBuffers`` is never
called per message: on a pipe it blocks until the engine has read everything.

The kernel32 functions are injected, so tests on Linux drive this with a fake.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any, Protocol

from ._transport import StdioIsolation

__all__ = ["Kernel32", "WindowsHandleTransport", "open_windows_stdio"]

STD_INPUT_HANDLE = -10
STD_OUTPUT_HANDLE = -11
STD_ERROR_HANDLE = -12
INVALID_HANDLE_VALUE = -1
ERROR_BROKEN_PIPE = 109
ERROR_NO_DATA = 232
ERROR_OPERATION_ABORTED = 995


class Kernel32(Protocol):
    """The subset of kernel32 used here (ctypes' ``windll.kernel32`` fits)."""

    def GetStdHandle(self, which: int) -> Any: ...
    def SetStdHandle(self, which: int, handle: Any) -> int: ...
    def ReadFile(self, handle: Any, buffer: Any, size: int, read: Any, overlapped: Any) -> int: ...
    def WriteFile(
        self, handle: Any, data: Any, size: int, written: Any, overlapped: Any
    ) -> int: ...
    def GetLastError(self) -> int: ...


class WindowsHandleTransport:
    """Reads and writes raw Win32 handles."""

    def __init__(self, kernel32: Kernel32, read_handle: Any, write_handle: Any) -> None:
        self._k = kernel32
        self._read_handle = read_handle
        self._write_handle = write_handle

    def read(self, size: int) -> bytes:
        buffer = ctypes.create_string_buffer(size)
        count = ctypes.c_ulong(0)
        if not self._k.ReadFile(self._read_handle, buffer, size, ctypes.byref(count), None):
            error = self._k.GetLastError()
            if error in (ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_OPERATION_ABORTED):
                return b""
            raise OSError(error, f"ReadFile on the engine's pipe failed (Win32 error {error})")
        return buffer.raw[: count.value]

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            chunk = bytes(view)
            count = ctypes.c_ulong(0)
            if not self._k.WriteFile(self._write_handle, chunk, len(chunk), ctypes.byref(count),
                                     None):
                error = self._k.GetLastError()
                if error in (ERROR_BROKEN_PIPE, ERROR_NO_DATA):
                    raise BrokenPipeError(error, "the engine closed its end of the pipe")
                raise OSError(error, f"WriteFile on the engine's pipe failed (Win32 error {error})")
            view = view[count.value :]

    def close(self) -> None:
        """Handles belong to the process; nothing to release."""


def _valid(handle: Any) -> bool:
    return handle not in (None, 0, INVALID_HANDLE_VALUE)


def isolate_std_handles(kernel32: Kernel32) -> tuple[Any, Any]:
    """Take the engine's pipe handles and point ``STD_OUTPUT_HANDLE`` at stderr.

    Returns:
        ``(read_handle, write_handle)`` for the protocol.
    """
    read_handle = kernel32.GetStdHandle(STD_INPUT_HANDLE)
    write_handle = kernel32.GetStdHandle(STD_OUTPUT_HANDLE)
    if not _valid(read_handle) or not _valid(write_handle):
        raise OSError("the process has no standard input/output handles: "
                      "it was not started by G-Assist with pipes")
    error_handle = kernel32.GetStdHandle(STD_ERROR_HANDLE)
    # Native code that asks for stdout now gets stderr (or nothing at all).
    kernel32.SetStdHandle(STD_OUTPUT_HANDLE, error_handle if _valid(error_handle) else None)
    return read_handle, write_handle


def open_windows_stdio(isolation: StdioIsolation,
                       kernel32: Kernel32 | None = None) -> WindowsHandleTransport:
    """The engine's pipes on Windows, with stdout isolated at both levels."""
    if kernel32 is None:  # pragma: no cover - only on Windows
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    read_handle, write_handle = isolate_std_handles(kernel32)
    try:
        # CRT level too, so print() and fd-1 writes land on stderr. The duplicate fd it
        # keeps for the protocol is not needed here: the handle carries the protocol.
        os.close(isolation.apply())
    except OSError:
        pass  # no CRT stdout (frozen no-console app): the handle is all there is
    return WindowsHandleTransport(kernel32, read_handle, write_handle)
