# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""An in-memory byte pipe: the in-process test client's stand-in for the engine's pipes."""

from __future__ import annotations

import threading

__all__ = ["MemoryPipe"]


class MemoryPipe:
    """An in-memory, thread-safe byte pipe used by the in-process test client."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._closed = False
        self._cond = threading.Condition()

    def push(self, data: bytes) -> None:
        with self._cond:
            if self._closed:
                raise BrokenPipeError("pipe is closed")
            self._chunks.append(bytes(data))
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def pull(self, size: int, timeout: float | None = None) -> bytes:
        """Up to ``size`` bytes; ``b""`` once closed and drained. Raises TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._chunks or self._closed, timeout):
                raise TimeoutError("no data arrived in time")
            if not self._chunks:
                return b""
            chunk = self._chunks.pop(0)
            if len(chunk) > size:
                self._chunks.insert(0, chunk[size:])
                chunk = chunk[:size]
            return chunk
