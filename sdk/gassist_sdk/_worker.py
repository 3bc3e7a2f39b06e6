# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The worker: one thread that runs queued jobs in arrival order, and the heartbeat.

The dispatcher starts it with the first job it is given, so a plug-in answers
``initialize`` before any of this is loaded. A job that runs too long is
cancelled through its :class:`Job` (a flag it can read, callbacks it can
register); jobs that never ran are answered through their ``on_drop``.

At most :data:`MAX_WAITING` jobs (1,000) wait behind the running one; the
dispatcher refuses the next with error -3 (rate limited), so a flood of
requests costs bounded memory and the reader keeps answering pings.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from ._errors import TIMEOUT
from ._logging import LazyLogger

__all__ = ["MAX_WAITING", "CancelFlag", "Job", "Worker"]

logger = LazyLogger("gassist_sdk.dispatcher")
SHUTTING_DOWN = "the plug-in is shutting down"
MAX_WAITING = 1000
"""Jobs that may wait behind the running one; more are refused."""


class CancelFlag:
    """A one-way flag like ``threading.Event``, whose Event is made only if waited on.

    Most commands never wait for cancellation; sparing them an Event (a lock and
    a condition) per call keeps the hot path short.
    """

    __slots__ = ("_event", "_set")

    def __init__(self) -> None:
        self._set = False
        self._event: threading.Event | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        event = self._event
        if event is not None:
            event.set()

    def wait(self, timeout: float | None = None) -> bool:
        if self._event is None:
            self._event = threading.Event()
        if self._set:  # set before the Event existed
            return True
        return self._event.wait(timeout)


class Job:
    """A unit of work for the worker, with a cancellation flag it can read."""

    __slots__ = ("_callbacks", "_on_drop", "_run", "cancelled", "label", "payload")

    def __init__(self, run: Callable[[Any, Job], None], payload: Any, label: str,
                 on_drop: Callable[[Any, str, int], None] | None = None) -> None:
        self._run = run
        self.payload = payload
        self.label = label
        self._on_drop = on_drop
        self.cancelled = CancelFlag()
        self._callbacks: list[Callable[[], None]] = []

    def run(self, job: Job) -> None:
        """Do the work: ``run(payload, job)``."""
        self._run(self.payload, job)

    def on_drop(self, reason: str, code: int = TIMEOUT) -> None:
        """Answer for work that will never run (error ``code``, -2 by default)."""
        if self._on_drop is not None:
            self._on_drop(self.payload, reason, code)

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from another thread) when the job is cancelled."""
        self._callbacks.append(callback)
        if self.cancelled.is_set():
            callback()

    def cancel(self) -> None:
        """Set the flag and run the callbacks once."""
        if self.cancelled.is_set():
            return
        self.cancelled.set()
        for callback in self._callbacks:
            try:
                callback()
            except Exception:
                logger.exception("a cancellation callback of %s failed", self.label)


class Worker:
    """Runs jobs one at a time on its own thread; sends heartbeats while one runs.

    Jobs are queued by the dispatcher's reader thread; :meth:`wind_down` is
    called by the serving thread once reading stops.

    Args:
        stopping: The dispatcher's stop flag: once set, queued jobs are dropped.
        heartbeat_interval: Seconds between heartbeats while a job runs (None: none).
        beat: Sends one heartbeat.
    """

    def __init__(self, stopping: threading.Event, heartbeat_interval: float | None,
                 beat: Callable[[], None]) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._current: Job | None = None
        self._stopping = stopping
        self._busy = threading.Event()
        self._beating = bool(heartbeat_interval)
        self._thread = threading.Thread(target=self._work, name="gassist-worker", daemon=True)
        self._thread.start()
        if heartbeat_interval:
            threading.Thread(target=self._beat, args=(heartbeat_interval, beat),
                             name="gassist-heartbeat", daemon=True).start()

    def submit(self, run: Callable[[Any, Job], None], payload: Any, label: str,
               on_drop: Callable[[Any, str, int], None] | None) -> bool:
        """Queue ``run(payload, job)``; False (nothing queued) when the queue is full."""
        if self._jobs.qsize() >= MAX_WAITING:
            return False
        self._jobs.put(Job(run, payload, label, on_drop))
        return True

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._stopping.is_set():
                job.on_drop(SHUTTING_DOWN)
                continue
            self._current = job
            beating = self._beating
            if beating:
                self._busy.set()
            try:
                job.run(job)
            except BaseException:  # a job must never take the worker down
                logger.exception("job %s failed outside its own error handling", job.label)
            finally:
                if beating:
                    self._busy.clear()
                self._current = None

    def _beat(self, interval: float, beat: Callable[[], None]) -> None:
        while not self._stopping.is_set():
            self._busy.wait()
            if self._stopping.wait(interval):
                return
            if self._busy.is_set():
                beat()

    def wind_down(self, *, drain: bool, drain_time: float, deadline: float) -> None:
        """Stop: let queued work finish for ``drain_time`` when draining, cancel the rest.

        Returns by ``deadline`` (a ``time.monotonic()`` value) whatever the
        running job does; queued jobs that never started are answered.
        """
        if drain:
            self._jobs.put(None)
            self._thread.join(drain_time)
        self._stopping.set()
        current = self._current
        if current is not None:
            current.cancel()
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.on_drop(SHUTTING_DOWN)
        self._jobs.put(None)
        self._busy.set()  # release the heartbeat thread
        self._thread.join(max(0.1, deadline - time.monotonic()))
        if self._thread.is_alive():
            current = self._current
            logger.warning("command %s ignored cancellation; exiting without it",
                           current.label if current else "?")
            if current is not None:
                # Its answer now, since it will never give one (a late one is dropped).
                current.on_drop(SHUTTING_DOWN)
