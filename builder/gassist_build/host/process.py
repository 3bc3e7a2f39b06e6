# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Run one plug-in process the way the G-Assist engine does.

:class:`PluginProcess` launches a plug-in from its manifest, performs the
``initialize`` handshake, sends ``execute`` / ``input`` / ``ping`` /
``shutdown`` and delivers streamed chunks as they arrive. It is glue over
three parts that each do one job and never ask which protocol is spoken:

* :class:`~.stdio.ChildProcess`: the OS process, its pipes and its stop steps;
* a :class:`~.session.Session`: the calls in flight and what arrives for them;
* a :class:`~.dialects.Dialect`: what goes on the wire and what comes back
  means, and which :mod:`watchdog <.watchdog>` the engine would run.

Every way a call can end — success, the plug-in's own error, a timeout, a
crash, a protocol violation — is a :class:`~.results.CallOutcome` that says
which, with the exit code and stderr tail when the process died.

One :class:`PluginProcess` is one OS process; restarting is the caller's job
(see :mod:`gassist_build.host.emulator`).
"""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path
from typing import Any

from .._platform import Leftover, Platform
from ..errors import LaunchError
from .dialects import Dialect, Outgoing, dialect_for
from .results import (
    CallOutcome,
    ChunkSink,
    EventSink,
    PingResult,
    ShutdownReport,
    Timeouts,
)
from .session import CallTable, PendingCall, Session
from .spec import PluginSpec
from .stdio import (
    STDERR_TAIL_LINES,
    ChildProcess,
    ExitRecord,
    default_log_dir,
    describe_leftovers,
)
from .watchdog import Watchdog

__all__ = ["PluginProcess"]

# A write to a pipe that is read takes microseconds; one blocked this long is stuck.
_STUCK_WRITE = 0.1


def _why_no_reply(what: str, limit: float, blocked: float, hint: str | None
                  ) -> tuple[str, str]:
    """The failure category and reason of a call not answered within ``limit``."""
    reason = f"no reply to {what} within {limit:g} s"
    category = "timeout"
    if blocked >= _STUCK_WRITE:
        reason += f": {_stopped_reading(blocked)}"
    elif hint:
        reason += f": {hint}"
        category = "protocol"
    return category, (reason + "; the plug-in was stopped (the engine kills a plug-in that"
                      " times out)")


def _stopped_reading(seconds: float) -> str:
    return (f"the plug-in stopped reading its stdin (a write has been blocked for"
            f" {seconds:.1f} s)")


class PluginProcess:
    """One running plug-in process and the conversation with it.

    Args:
        spec: The plug-in's manifest.
        timeouts: Intervals to enforce (the engine's by default).
        log_dir: Folder for ``<name>.stderr.log``; also passed to the plug-in as
            ``GASSIST_LOG_DIR`` so its own log files land there.
        protocol: ``"v1"``/``"v2"`` to override the manifest's.
        platform: How to launch and stop processes (the current OS by default).
        python: Interpreter for ``plugin.py`` (the current one by default).
        on_event: Receives :class:`HostEvent` records (violations, exits, ...).
        watchdog: Ping the plug-in like the engine (V2) / watch heartbeats
            (tethered V1).
        env: Extra environment variables for the plug-in.
        isolated: Run ``plugin.py`` with only the standard library and its ``libs/``
            importable, like G-Assist; False (``--dev``) uses this environment.
    """

    def __init__(
        self,
        spec: PluginSpec,
        *,
        timeouts: Timeouts | None = None,
        log_dir: str | os.PathLike[str] | None = None,
        protocol: str | None = None,
        platform: Platform | None = None,
        python: str | None = None,
        on_event: EventSink | None = None,
        watchdog: bool = True,
        env: dict[str, str] | None = None,
        isolated: bool = True,
    ) -> None:
        self.spec = spec
        self.timeouts = timeouts or Timeouts()
        self._dialect: Dialect = dialect_for(protocol or spec.protocol)
        self.protocol = self._dialect.protocol
        self.log_dir = Path(log_dir) if log_dir is not None else default_log_dir()
        self._child = ChildProcess(spec, log_dir=self.log_dir, platform=platform,
                                   python=python, env=env,
                                   write_limit=self.timeouts.stdin_write, isolated=isolated)
        self.log_path = self._child.log_path
        self._use_watchdog = watchdog
        self._watchdog: Watchdog | None = None
        self._ending = ExitRecord()
        self._exited = self._ending.exited
        self._session = Session(self._dialect, spec.name, self._ending, on_event)
        self.calls: CallTable = self._session.calls
        self._lock = self.calls.lock
        self.started_at: float | None = None
        self.info: dict[str, Any] = {}
        # The session's own containers: they fill as messages arrive.
        self.violations: list[str] = self._session.violations
        self.orphan_errors: list[dict[str, Any]] = self._session.orphan_errors
        self.message_times: deque[float] = self._session.message_times

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self._child.proc is not None and not self._exited.is_set()

    @property
    def pid(self) -> int | None:
        return self._child.pid

    @property
    def exit_code(self) -> int | None:
        return self._ending.code

    @property
    def end_reason(self) -> str | None:
        """Why the process ended, when the host (or a crash) ended it."""
        return self._ending.reason

    @property
    def messages_received(self) -> int:
        return self._session.messages_received

    @property
    def last_message_at(self) -> float:
        """``time.monotonic()`` of the plug-in's last message (0 before any)."""
        return self._session.last_message_at

    def launch(self) -> None:
        """Start the process (no handshake). Raises :class:`LaunchError`."""
        if self._child.proc is not None:
            raise RuntimeError("a PluginProcess runs one process; create another to restart")
        self._child.launch(_ReaderEvents(self))
        self.started_at = time.monotonic()
        self.emit("started", f"started pid {self.pid} ({self.protocol.upper()})")

    def start(self) -> CallOutcome:
        """Launch the process and perform the ``initialize`` handshake.

        The result's ``value`` is the plug-in's initialize result (V2) or
        final answer (V1). On failure the process is stopped.
        """
        try:
            self.launch()
        except LaunchError as exc:
            return CallOutcome(success=False, failure="host", error=str(exc))
        call = self._begin(self._dialect.initialize(self.calls))
        result = self._await(call, self.timeouts.initialize, "initialize")
        if result.success:
            if isinstance(result.value, dict):
                self.info = result.value
            if self._use_watchdog:
                self._watchdog = self._dialect.watchdog(self, self.timeouts)
                if self._watchdog is not None:
                    self._watchdog.start()
        elif self.alive:
            self.kill(result.error or "initialize failed", "host")
            self._exited.wait(5)
        return result

    def kill(self, reason: str, category: str = "host") -> None:
        """Kill the process tree now; pending calls fail with ``reason``."""
        self._ending.give_reason(category, reason)
        if self._child.proc is not None and not self._exited.is_set():
            self.emit("stopped", f"killed: {reason}")
            self._child.kill_tree()

    def shutdown(self) -> ShutdownReport:
        """Stop the plug-in: ``shutdown`` message, close stdin, terminate, kill.

        Each step waits at most its :class:`Timeouts` grace before the next.
        """
        if self._child.proc is None or self._exited.is_set():
            return ShutdownReport("already-exited", 0.0, self.exit_code)
        self._session.stopping = True
        if self._watchdog is not None:
            self._watchdog.stop()
        started = time.monotonic()
        self._child.write(self._dialect.shutdown())
        step = self._child.stop(self.timeouts, self._exited.wait)
        elapsed = time.monotonic() - started
        self._ending.give_reason("host", "shut down")
        self._child.close_stdin()
        self._child.join_reader(5.0)
        self.emit("stopped", f"shut down by {step} after {elapsed:.2f} s")
        leftovers = tuple(item.describe() for item in self._ending.leftovers)
        return ShutdownReport(step, elapsed, self.exit_code, leftovers)

    def wait_exited(self, timeout: float | None = None) -> bool:
        """Wait for the process to end and the host to notice; True if it has."""
        return self._exited.wait(timeout)

    def stderr_tail(self, lines: int = STDERR_TAIL_LINES) -> str:
        """The last lines this process wrote to stderr."""
        return self._child.stderr_tail(lines)

    # -- requests -----------------------------------------------------------------------

    def begin_execute(
        self,
        function: str,
        arguments: dict[str, Any] | None = None,
        *,
        context: list[dict[str, Any]] | None = None,
        system_info: str = "",
        on_chunk: ChunkSink | None = None,
    ) -> PendingCall:
        """Send ``execute`` and return at once; see :meth:`finish_call`."""
        return self._begin(self._dialect.execute(self.calls, function, arguments or {},
                                                 context, system_info, on_chunk))

    def execute(
        self,
        function: str,
        arguments: dict[str, Any] | None = None,
        *,
        context: list[dict[str, Any]] | None = None,
        system_info: str = "",
        on_chunk: ChunkSink | None = None,
        timeout: float | None = None,
    ) -> CallOutcome:
        """Run ``function`` and wait for it to complete (or fail, or time out)."""
        call = self.begin_execute(function, arguments, context=context,
                                  system_info=system_info, on_chunk=on_chunk)
        return self.finish_call(call, timeout)

    def finish_call(self, call: PendingCall, timeout: float | None = None) -> CallOutcome:
        """Wait for a call begun with a ``begin_*`` method, enforcing its timeout.

        A call that does not complete in time gets the plug-in killed, as the
        engine does.
        """
        limit = self.timeouts.execute if timeout is None else timeout
        return self._await(call, limit, f"{call.kind} {call.function}".strip())

    def send_input(self, text: str, *, on_chunk: ChunkSink | None = None,
                   timeout: float | None = None) -> CallOutcome:
        """Send a passthrough turn (``input`` in V2, ``user_input`` in V1) and wait."""
        call = self._begin(self._dialect.input(self.calls, text, on_chunk))
        if not call.acked.wait(self.timeouts.input_ack):
            reason = (f"input was not acknowledged within {self.timeouts.input_ack:g} s"
                      " (the engine requires an immediate {acknowledged: true} response)")
            self.kill(reason, "timeout")
            result = call.wait(5.0)
            return result or CallOutcome(success=False, failure="timeout", error=reason)
        return self.finish_call(call, timeout)

    def begin_ping(self) -> PendingCall:
        """Send a ``ping`` (V2 only) and return at once."""
        return self._begin(self._dialect.ping(self.calls))

    def ping(self, timeout: float | None = None) -> PingResult:
        """Ping and wait up to ``timeout`` (default: the ping deadline) for the pong.

        Unlike the watchdog this never kills the plug-in.
        """
        limit = self.timeouts.ping_deadline if timeout is None else timeout
        before = self.messages_received
        call = self.begin_ping()
        result = call.wait(limit)
        others = self.messages_received - before - (1 if result and result.success else 0)
        self.calls.expire(call)
        if result is None or not result.success:
            return PingResult(False, None, False, max(others, 0))
        return PingResult(True, result.elapsed, bool(result.value), max(others, 0))

    def send_raw(self, body: bytes) -> PendingCall | None:
        """Send ``body`` framed for the protocol, whatever it holds (conformance probes).

        In V1 every message the engine sends expects one final answer, so the
        probe is registered as a call and returned; in V2 nothing can answer an
        unparseable request by id, and None is returned.
        """
        outgoing = self._dialect.probe(self.calls, body)
        if outgoing.call is None:
            self._child.write(outgoing.payload)
            return None
        return self._begin(outgoing)

    def abandon(self, call: PendingCall) -> None:
        """Stop waiting for ``call``: a reply that still arrives is not a violation."""
        self.calls.abandon(call)
        call.fail("host", "abandoned by the host")

    def messages_between(self, start: float, end: float) -> int:
        """How many messages arrived between two ``time.monotonic()`` instants."""
        return sum(1 for t in list(self.message_times) if start <= t <= end)

    # -- sending ------------------------------------------------------------------------

    def _begin(self, outgoing: Outgoing) -> PendingCall:
        call = outgoing.call
        assert call is not None
        with self._lock:
            if self._child.proc is None:
                call.fail("host", "the plug-in is not running")
                return call
            if self._exited.is_set():
                self._fail_dead(call)
                return call
            if not self.calls.add(call):
                call.fail("host", self._dialect.busy_message)
                return call
        self._child.write(outgoing.payload)
        return call

    def _await(self, call: PendingCall, limit: float, what: str) -> CallOutcome:
        result = call.wait(limit)
        if result is not None:
            return result
        category, reason = _why_no_reply(what, limit, self._child.stdin_blocked_for(),
                                         self._dialect.waiting_hint())
        self.calls.abandon(call)
        call.fail(category, reason, stderr_tail=self.stderr_tail())
        self.kill(reason, category)
        self._exited.wait(5.0)
        result = call.wait(0)
        assert result is not None
        return result

    def emit(self, kind: str, message: str) -> None:
        """Send a :class:`HostEvent` to the ``on_event`` callback, if any."""
        self._session.emit(kind, message)

    def _on_exit(self, code: int) -> None:
        with self._lock:
            self._ending.code = code
            self._exited.set()
            calls = self.calls.drain()
        if self._watchdog is not None:
            self._watchdog.stop()
        for call in calls:
            self._fail_dead(call)
        if not self._session.stopping:
            self.emit("exited", self._ending.describe())

    def _fail_dead(self, call: PendingCall) -> None:
        call.fail(self._ending.category, self._ending.describe(), exit_code=self.exit_code,
                  stderr_tail=self.stderr_tail())


class _ReaderEvents:
    """What the reader thread reports (:class:`~.stdio.ChildEvents`), applied."""

    def __init__(self, process: PluginProcess) -> None:
        self._process = process

    def on_stdout(self, data: bytes) -> None:
        self._process._session.receive(data)

    def on_stdout_closed(self) -> None:
        self._process._session.end_of_stream()

    def on_lingering(self) -> None:
        self._process.kill("closed stdout but kept running", "crash")

    def on_leftovers(self, leftovers: list[Leftover]) -> None:
        self._process._ending.leftovers.extend(leftovers)
        self._process.emit("leftover", describe_leftovers(leftovers))

    def on_exit(self, code: int) -> None:
        self._process._on_exit(code)

    def on_write_stalled(self, unwritten: int, seconds: float) -> None:
        self._process.kill(f"{_stopped_reading(seconds)}: a write of {unwritten} byte(s) is"
                           " stuck; the plug-in was stopped (the engine kills a plug-in that"
                           " hangs)", "timeout")
