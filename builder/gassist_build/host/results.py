# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What the host enforces and what it reports: timeouts, call outcomes, events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "CallOutcome",
    "ChunkSink",
    "EventSink",
    "HostEvent",
    "PingResult",
    "ShutdownReport",
    "Timeouts",
]


@dataclass(frozen=True)
class Timeouts:
    """Every interval the host enforces, in seconds (the engine's values by default).

    Attributes:
        ping_interval: Seconds between watchdog pings (V2); None disables the watchdog.
        ping_deadline: A ping must be answered within this.
        max_missed_pings: Consecutive misses that get the plug-in killed.
        any_message_is_liveness: Count any message that arrives before the
            deadline as a sign of life (what lets streaming plug-ins survive a
            long single-threaded command); False demands the pong itself.
        input_ack: ``input`` must be acknowledged within this (V2).
        execute: ``execute``/``input`` must complete within this.
        initialize: The handshake must be answered within this.
        shutdown_grace: Wait after the ``shutdown`` message before closing stdin.
        stdin_close_grace: Wait after closing stdin before terminating.
        terminate_grace: Wait after terminating before killing.
        heartbeat_timeout: Silence that gets a ``tethered`` V1 plug-in killed
            (None: the manifest's ``tether_config.heartbeat_timeout``, else 20).
        stdin_write: A write to the plug-in's stdin may stay blocked this long
            (the plug-in stopped reading it) before the plug-in is killed.
    """

    ping_interval: float | None = 2.0
    ping_deadline: float = 1.0
    max_missed_pings: int = 2
    any_message_is_liveness: bool = True
    input_ack: float = 2.0
    execute: float = 30.0
    initialize: float = 10.0
    shutdown_grace: float = 2.0
    stdin_close_grace: float = 1.0
    terminate_grace: float = 1.0
    heartbeat_timeout: float | None = None
    stdin_write: float = 5.0

    def scaled(self, **changes: Any) -> Timeouts:
        """A copy with some values changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class CallOutcome:
    """How one call to a plug-in process ended.

    (The SDK's in-memory test client has its own, smaller
    :class:`gassist_sdk.testing.CallResult`.)

    Attributes:
        success: The plug-in completed the call successfully.
        text: What the user sees: streamed chunks followed by the final data.
        chunks: Streamed chunks, in arrival order.
        data: The final ``complete.data`` (V2) or ``message`` (V1).
        keep_session: The plug-in asked to keep the conversation (passthrough).
        failure: None on success; otherwise ``"plugin"`` (the plug-in reported
            an error), ``"timeout"``, ``"watchdog"``, ``"crash"``,
            ``"protocol"`` or ``"host"``.
        error: Why it failed, written for a person.
        error_code: The plug-in's error code, when it sent one.
        elapsed: Seconds from sending the request to the end of the call.
        first_chunk_after: Seconds until the first streamed chunk, if any.
        problems: Protocol deviations seen during the call that did not end it.
        exit_code: The exit code, when the plug-in died during the call.
        stderr_tail: The end of the plug-in's stderr, when it died.
        value: The raw result object (``initialize`` info, ping result).
    """

    success: bool
    text: str = ""
    chunks: tuple[str, ...] = ()
    data: str = ""
    keep_session: bool = False
    failure: str | None = None
    error: str | None = None
    error_code: int | None = None
    elapsed: float = 0.0
    first_chunk_after: float | None = None
    problems: tuple[str, ...] = ()
    exit_code: int | None = None
    stderr_tail: str = ""
    value: Any = None


@dataclass(frozen=True)
class PingResult:
    """One ping.

    Attributes:
        answered: A pong arrived before the deadline.
        latency: Seconds until the pong (None if none came before giving up).
        echoed: The pong carried the timestamp that was sent.
        other_messages: Messages of any kind that arrived while waiting.
    """

    answered: bool
    latency: float | None
    echoed: bool
    other_messages: int = 0


@dataclass(frozen=True)
class ShutdownReport:
    """How the process ended on :meth:`PluginProcess.shutdown`.

    Attributes:
        step: What ended it: ``"message"`` (it honoured ``shutdown``),
            ``"stdin"`` (it exited when stdin closed), ``"terminate"``,
            ``"kill"`` or ``"already-exited"``.
        elapsed: Seconds from the ``shutdown`` message to exit.
        exit_code: The process exit code.
        leftovers: Processes it started that were still running when it
            exited (each ``pid N (command)``); they were killed.
    """

    step: str
    elapsed: float
    exit_code: int | None
    leftovers: tuple[str, ...] = ()


@dataclass(frozen=True)
class HostEvent:
    """Something worth showing that is not the reply to a call.

    Attributes:
        plugin: Plug-in (folder) name.
        kind: ``started``, ``exited``, ``violation``, ``log``, ``status``,
            ``watchdog``, ``restart``, ``leftover`` (processes it started
            outlived it) or ``stopped``.
        message: Human-readable text.
    """

    plugin: str
    kind: str
    message: str


EventSink = Callable[[HostEvent], None]
ChunkSink = Callable[[str], None]
