# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Writing to a plug-in's stdin without ever blocking the writer's caller.

A plug-in that stops reading its stdin fills the pipe, and a write to a full
pipe blocks until the plug-in reads again — perhaps never. :class:`StdinWriter`
therefore writes on a thread of its own, fed by a queue, so that the call that
sends a request and the watchdog that sends pings only ever queue bytes. A
second thread times each write: one that stays blocked longer than its limit
is reported once (the host then kills the plug-in, as the engine kills a hung
one).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from typing import IO

__all__ = ["StallSink", "StdinWriter"]

#: Told once that a write has been blocked: (bytes of that write left, seconds blocked).
StallSink = Callable[[int, float], None]


class StdinWriter:
    """Writes queued bytes to ``stream`` in order, on a thread, and times each write.

    Args:
        stream: The process's stdin (a raw, unbuffered pipe).
        limit: Seconds a write may stay blocked before ``on_stall`` is told.
        on_stall: Called once, from the timing thread, when a write stalls.
        name: Names the threads (for debugging).
    """

    def __init__(self, stream: IO[bytes], limit: float, on_stall: StallSink,
                 name: str = "stdin") -> None:
        self._stream = stream
        self._limit = limit
        self._on_stall = on_stall
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._cond = threading.Condition()
        self._since: float | None = None  # when the write in progress began
        # Bytes of that write not known to be in the pipe: a blocking write returns
        # only once all of it is, so this is the whole write while it is blocked.
        self._unwritten = 0
        self._closing = False
        self._ended = False
        self._threads = (
            threading.Thread(target=self._write_loop, name=f"gassist-writer-{name}",
                             daemon=True),
            threading.Thread(target=self._time_loop, name=f"gassist-write-timer-{name}",
                             daemon=True),
        )

    def start(self) -> None:
        """Start writing."""
        for thread in self._threads:
            thread.start()

    def send(self, data: bytes) -> bool:
        """Queue ``data``; False when stdin is closed or broken (the process is gone)."""
        with self._cond:
            if self._closing or self._ended:
                return False
            self._queue.put(data)
        return True

    def close(self) -> None:
        """Close stdin once everything queued before has been written."""
        with self._cond:
            if self._closing:
                return
            self._closing = True
        self._queue.put(None)

    def blocked_for(self) -> float:
        """Seconds the write in progress has been blocked (0 when none is)."""
        with self._cond:
            return 0.0 if self._since is None else time.monotonic() - self._since

    def _write_loop(self) -> None:
        while (data := self._queue.get()) is not None:
            with self._cond:
                self._since = time.monotonic()
                self._unwritten = len(data)
                self._cond.notify_all()
            try:
                self._write_all(data)
            except (OSError, ValueError):
                break  # the process is gone: its reader reports how it ended
            finally:
                with self._cond:
                    self._since = None
                    self._unwritten = 0
                    self._cond.notify_all()
        with contextlib.suppress(OSError, ValueError):
            self._stream.close()
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            # A raw blocking pipe: write() returns short only when a signal interrupts it.
            view = view[self._stream.write(view) or 0:]
            with self._cond:
                self._unwritten = len(view)

    def _time_loop(self) -> None:
        with self._cond:
            while not self._ended:
                if self._since is None:
                    self._cond.wait()
                    continue
                blocked = time.monotonic() - self._since
                if blocked < self._limit:
                    self._cond.wait(self._limit - blocked)
                    continue
                unwritten = self._unwritten
                break
            else:
                return
        self._on_stall(unwritten, blocked)
