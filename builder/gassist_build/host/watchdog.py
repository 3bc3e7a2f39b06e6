# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's watchdogs: pings for V2 plug-ins, heartbeats for tethered V1 ones.

Each dialect picks its own (:meth:`~gassist_build.host.dialects.Dialect.watchdog`);
both run on a daemon thread and kill the plug-in the way the engine does.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from .results import Timeouts

if TYPE_CHECKING:
    from .process import PluginProcess

__all__ = ["HeartbeatWatchdog", "PingWatchdog", "Watchdog"]

_DEFAULT_HEARTBEAT_TIMEOUT = 20.0


class Watchdog:
    """Watches one plug-in process on a thread of its own until stopped or the process ends.

    Args:
        process: The process to watch (and kill).
        timeouts: The intervals to enforce.
    """

    def __init__(self, process: PluginProcess, timeouts: Timeouts) -> None:
        self._process = process
        self._timeouts = timeouts
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"gassist-watchdog-{process.spec.name}")

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (the thread ends at its next wake-up)."""
        self._stop.set()

    def _run(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class PingWatchdog(Watchdog):
    """Pings a V2 plug-in like the engine and kills it after consecutive misses.

    Every ``ping_interval`` seconds a ping is sent; one not answered within
    ``ping_deadline`` is a miss (unless ``any_message_is_liveness`` and some
    other message arrived meanwhile); ``max_missed_pings`` consecutive misses
    get the process killed. A hung plug-in is therefore killed at most
    ``max_missed_pings * ping_interval + ping_deadline`` after it last answered.
    """

    def __init__(self, process: PluginProcess, timeouts: Timeouts) -> None:
        super().__init__(process, timeouts)
        self.misses = 0

    def _run(self) -> None:
        timeouts = self._timeouts
        interval = timeouts.ping_interval
        assert interval is not None
        process = self._process
        next_at = time.monotonic() + interval
        while not self._stop.wait(max(0.0, next_at - time.monotonic())):
            if not process.alive:
                return
            sent = time.monotonic()
            next_at = sent + interval
            call = process.begin_ping()
            result = call.wait(timeouts.ping_deadline)
            process.calls.expire(call)
            if self._stop.is_set() or not process.alive:
                return
            if result is not None and result.success:
                self.misses = 0
                continue
            if timeouts.any_message_is_liveness and process.last_message_at > sent:
                self.misses = 0
                continue
            self.misses += 1
            process.emit("watchdog", f"no answer to ping within {timeouts.ping_deadline:g} s"
                                     f" (miss {self.misses} of {timeouts.max_missed_pings})")
            if self.misses >= timeouts.max_missed_pings:
                process.kill(f"watchdog: missed {self.misses} consecutive pings (none answered"
                             f" within {timeouts.ping_deadline:g} s)", "watchdog")
                return


class HeartbeatWatchdog(Watchdog):
    """Kills a tethered V1 plug-in that stays silent longer than its heartbeat timeout.

    The limit is :attr:`Timeouts.heartbeat_timeout`, else the manifest's
    ``tether_config.heartbeat_timeout``, else 20 seconds.
    """

    def _limit(self) -> float:
        if self._timeouts.heartbeat_timeout is not None:
            return self._timeouts.heartbeat_timeout
        config = self._process.spec.manifest.get("tether_config")
        value = config.get("heartbeat_timeout") if isinstance(config, dict) else None
        return float(value) if isinstance(value, (int, float)) else _DEFAULT_HEARTBEAT_TIMEOUT

    def _run(self) -> None:
        process = self._process
        limit = self._limit()
        step = min(1.0, limit / 4)
        while not self._stop.wait(step):
            if not process.alive:
                return
            last = max(process.last_message_at, process.started_at or 0.0)
            if time.monotonic() - last > limit:
                process.kill(f"watchdog: tethered plug-in silent for more than {limit:g} s"
                             " (no heartbeat)", "watchdog")
                return
