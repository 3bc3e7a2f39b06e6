# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The Windows std-handle transport, driven on Linux through a fake kernel32."""

from __future__ import annotations

import ctypes
import threading

import pytest
from gassist_sdk import Plugin
from gassist_sdk._framing import LengthPrefixFramer
from gassist_sdk._windows import (
    ERROR_BROKEN_PIPE,
    STD_ERROR_HANDLE,
    STD_INPUT_HANDLE,
    STD_OUTPUT_HANDLE,
    WindowsHandleTransport,
    isolate_std_handles,
)


class FakeKernel32:
    """Pipes behind handle numbers, with Win32's return conventions."""

    def __init__(self, incoming: bytes, *, short_writes: bool = False) -> None:
        self.handles = {STD_INPUT_HANDLE: 100, STD_OUTPUT_HANDLE: 200, STD_ERROR_HANDLE: 300}
        self.incoming = bytearray(incoming)
        self.written: dict[int, bytearray] = {200: bytearray(), 300: bytearray()}
        self.short_writes = short_writes
        self.last_error = 0
        self.flushes = 0
        self.lock = threading.Lock()

    def GetStdHandle(self, which: int) -> int:
        return self.handles[which]

    def SetStdHandle(self, which: int, handle: int) -> int:
        self.handles[which] = handle
        return 1

    def ReadFile(self, handle, buffer, size, read, overlapped) -> int:
        assert handle == 100
        with self.lock:
            if not self.incoming:
                self.last_error = ERROR_BROKEN_PIPE
                return 0
            chunk = bytes(self.incoming[: min(size, 5)])  # short reads, like a pipe
            del self.incoming[: len(chunk)]
        ctypes.memmove(buffer, chunk, len(chunk))
        ctypes.cast(read, ctypes.POINTER(ctypes.c_ulong)).contents.value = len(chunk)
        return 1

    def WriteFile(self, handle, data, size, written, overlapped) -> int:
        count = min(size, 3) if self.short_writes else size
        self.written[handle] += data[:count]
        ctypes.cast(written, ctypes.POINTER(ctypes.c_ulong)).contents.value = count
        return 1

    def FlushFileBuffers(self, handle) -> int:
        self.flushes += 1
        return 1

    def GetLastError(self) -> int:
        return self.last_error


def test_isolation_points_stdout_handle_at_stderr() -> None:
    kernel32 = FakeKernel32(b"")
    read_handle, write_handle = isolate_std_handles(kernel32)
    assert (read_handle, write_handle) == (100, 200)
    assert kernel32.handles[STD_OUTPUT_HANDLE] == 300  # native writes now reach stderr


def test_missing_handles_are_a_clear_error() -> None:
    kernel32 = FakeKernel32(b"")
    kernel32.handles[STD_INPUT_HANDLE] = -1
    with pytest.raises(OSError, match="not started by G-Assist with pipes"):
        isolate_std_handles(kernel32)


def test_reads_until_broken_pipe_and_writes_through_short_writes() -> None:
    kernel32 = FakeKernel32(b"hello world", short_writes=True)
    transport = WindowsHandleTransport(kernel32, 100, 200)
    data = b""
    while chunk := transport.read(1024):
        data += chunk
    assert data == b"hello world"
    transport.write(b"0123456789")
    assert bytes(kernel32.written[200]) == b"0123456789"
    assert kernel32.flushes == 0  # FlushFileBuffers would block until the engine reads


def test_a_plugin_serves_over_the_windows_transport() -> None:
    framer = LengthPrefixFramer()
    incoming = framer.encode(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"timestamp":5}}')
    incoming += framer.encode(b'{"jsonrpc":"2.0","id":2,"method":"execute","params":'
                              b'{"function":"hi","arguments":{}}}')
    kernel32 = FakeKernel32(incoming)
    plugin = Plugin("win", description="w")

    @plugin.command()
    def hi() -> str:
        """Say hi."""
        return "hi from windows"

    read_handle, write_handle = isolate_std_handles(kernel32)
    plugin.serve(WindowsHandleTransport(kernel32, read_handle, write_handle))
    replies = LengthPrefixFramer().feed(bytes(kernel32.written[200]))
    assert replies[0] == b'{"jsonrpc":"2.0","id":1,"result":{"timestamp":5}}'
    assert b'"data":"hi from windows"' in replies[1]


def test_open_windows_stdio_isolates_both_levels_and_restores() -> None:
    import os
    import sys

    from gassist_sdk._transport import StdioIsolation
    from gassist_sdk._windows import open_windows_stdio

    kernel32 = FakeKernel32(b"abc")
    isolation = StdioIsolation()
    fds_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    transport = open_windows_stdio(isolation, kernel32)
    try:
        assert sys.stdout is sys.stderr  # print() now reaches stderr
        assert kernel32.handles[STD_OUTPUT_HANDLE] == 300
        assert transport.read(10) == b"abc"
        transport.write(b"frame")
        assert bytes(kernel32.written[200]) == b"frame"
    finally:
        isolation.restore()
    assert sys.stdout is not sys.stderr
    if fds_before is not None:
        assert len(os.listdir("/proc/self/fd")) == fds_before  # no descriptor leaked
