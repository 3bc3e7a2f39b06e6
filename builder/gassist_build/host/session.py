# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The host's side of a conversation, apart from the OS process.

:class:`PendingCall` is one request in flight: it collects streamed chunks,
delivers them as they arrive and ends once with a :class:`CallOutcome`.
:class:`CallTable` allocates request ids and finds the call a message
answers, remembering calls the host gave up on so that their late replies are
not taken for violations. :class:`Session` takes what the plug-in writes,
decodes and routes it through the protocol's dialect (which decides what a
message means), counts it as a sign of life, and applies the violation
policy: a broken stream fails the calls waiting on it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .results import CallOutcome, ChunkSink, EventSink, HostEvent

if TYPE_CHECKING:
    from .dialects import Dialect, Incoming
    from .stdio import ExitRecord

__all__ = ["CallTable", "PendingCall", "Session"]

_MAX_VIOLATIONS = 100

log = logging.getLogger(__name__)


class PendingCall:
    """A request in flight; :meth:`wait` returns its :class:`CallOutcome`.

    Args:
        kind: ``initialize``, ``execute``, ``input``, ``ping`` or ``raw``.
        call_id: The request id, or None for a protocol without ids (V1).
        on_chunk: Receives each streamed chunk as it arrives.
        function: The function called, for messages.
    """

    def __init__(self, kind: str, call_id: int | None, on_chunk: ChunkSink | None = None,
                 function: str = "") -> None:
        self.kind = kind
        self.id = call_id
        self.function = function
        self.started = time.monotonic()
        self.on_chunk = on_chunk
        self.chunks: list[str] = []
        self.problems: list[str] = []
        self.first_chunk_at: float | None = None
        self.sent_timestamp: Any = None
        self.acked = threading.Event()
        self._done = threading.Event()
        self._result: CallOutcome | None = None
        self._lock = threading.Lock()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> CallOutcome | None:
        """The outcome, or None if the call has not ended within ``timeout``."""
        self._done.wait(timeout)
        return self._result

    def add_chunk(self, text: str) -> None:
        """Record and deliver one streamed chunk (ignored once the call has ended)."""
        if self._done.is_set():
            return
        if self.first_chunk_at is None:
            self.first_chunk_at = time.monotonic()
        self.chunks.append(text)
        if self.on_chunk is not None:
            try:
                self.on_chunk(text)
            except Exception:  # a display callback must not kill the reader
                log.exception("chunk callback failed")

    def finish(self, **fields: Any) -> bool:
        """End the call; False if it had already ended."""
        with self._lock:
            if self._result is not None:
                return False
            data = fields.get("data", "")
            chunks = tuple(self.chunks)
            first = self.first_chunk_at
            self._result = CallOutcome(
                text=fields.pop("text", "".join(chunks) + data),
                chunks=chunks,
                elapsed=time.monotonic() - self.started,
                first_chunk_after=None if first is None else first - self.started,
                problems=tuple(self.problems) + tuple(fields.pop("problems", ())),
                **fields,
            )
        self.acked.set()
        self._done.set()
        return True

    def fail(self, failure: str, error: str, **fields: Any) -> bool:
        """End the call as failed for ``failure`` (see :attr:`CallOutcome.failure`)."""
        return self.finish(success=False, failure=failure, error=error, **fields)


class CallTable:
    """Calls in flight by request id, and the ids the host has given up on.

    A protocol without ids (V1) keeps its one call under the key None. The
    table's :attr:`lock` is re-entrant so that the process can hold it around
    a check and a change of its own.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self._calls: dict[int | None, PendingCall] = {}
        self._abandoned: set[int | None] = set()
        self._expired: set[int] = set()
        self._finished: set[int] = set()

    def new_id(self) -> int:
        """A fresh request id."""
        return next(self._ids)

    def add(self, call: PendingCall) -> bool:
        """Register ``call``; False when a call still running holds its key."""
        with self.lock:
            held = self._calls.get(call.id)
            if held is not None and not held.done:
                return False
            self._calls[call.id] = call
            return True

    def get(self, key: Any) -> PendingCall | None:
        """The call in flight under ``key`` (a request id, or None)."""
        with self.lock:
            return self._calls.get(key)

    def remove(self, call: PendingCall) -> None:
        """Forget ``call``: its final reply has arrived (a second one is a violation)."""
        with self.lock:
            self._calls.pop(call.id, None)
            if call.id is not None:
                self._finished.add(call.id)

    def was_finished(self, key: Any) -> bool:
        """Whether the call under ``key`` (a request id) already had its final reply."""
        with self.lock:
            return key in self._finished

    def abandon(self, call: PendingCall) -> None:
        """Stop waiting for ``call``: replies that still arrive for it are expected."""
        with self.lock:
            held = self._calls.get(call.id)
            if held is call:
                del self._calls[call.id]
            # An id is never reused, so it can always be marked; the id-less key is
            # shared by successive calls and is marked only for the call holding it.
            if call.id is not None or held is call:
                self._abandoned.add(call.id)

    def was_abandoned(self, key: Any) -> bool:
        """Whether the host gave up on the call under ``key``."""
        with self.lock:
            return key in self._abandoned

    def take_abandoned(self, key: Any) -> bool:
        """Like :meth:`was_abandoned`, and forget it: the one late reply came."""
        with self.lock:
            if key in self._abandoned:
                self._abandoned.discard(key)
                return True
            return False

    def expire(self, call: PendingCall) -> None:
        """A ping's deadline passed: a pong that still comes is late, not unknown."""
        with self.lock:
            if call.id is not None and self._calls.pop(call.id, None) is not None:
                self._expired.add(call.id)

    def was_expired(self, key: Any) -> bool:
        """Whether ``key`` is a ping whose deadline passed."""
        with self.lock:
            return key in self._expired

    def in_flight(self, *, pings: bool = True) -> list[PendingCall]:
        """The calls still waiting (without pings, if ``pings`` is False)."""
        with self.lock:
            return [c for c in self._calls.values() if pings or c.kind != "ping"]

    def drain(self) -> list[PendingCall]:
        """Every call still waiting, removed from the table."""
        with self.lock:
            calls = list(self._calls.values())
            self._calls.clear()
            return calls


class Session:
    """What the plug-in sends, matched to the calls in flight (fed by the reader thread).

    Args:
        dialect: The protocol's dialect; it decodes and routes each message.
        plugin: The plug-in's name, for events.
        ending: How the process is ending; once it is, stray bytes are no news.
        on_event: Receives :class:`HostEvent` records.

    Attributes:
        calls: The calls in flight.
        stopping: The host is shutting the plug-in down.
        violations: Protocol violations seen (the first 100).
        orphan_errors: Error responses without an id (the answer to an
            unparseable request).
        messages_received: Messages decoded so far.
        last_message_at: ``time.monotonic()`` of the last message.
        message_times: When recent messages arrived.
    """

    def __init__(self, dialect: Dialect, plugin: str, ending: ExitRecord,
                 on_event: EventSink | None = None) -> None:
        self.dialect = dialect
        self.plugin = plugin
        self.calls = CallTable()
        self.stopping = False
        self._ending = ending
        self._on_event = on_event
        self.violations: list[str] = []
        self.orphan_errors: list[dict[str, Any]] = []
        self.messages_received = 0
        self.last_message_at = 0.0
        self.message_times: deque[float] = deque(maxlen=4096)

    def receive(self, data: bytes) -> None:
        """Decode and route bytes from the plug-in's stdout.

        Never raises: the reader thread that calls it must survive any bytes,
        so what the host itself fails to handle is reported as a violation.
        """
        self._apply(lambda: self.dialect.feed(data))

    def end_of_stream(self) -> None:
        """Report what the plug-in left half-sent when its stdout closed (never raises)."""
        self._apply(self.dialect.finish)

    def _apply(self, decode: Callable[[], list[Incoming]]) -> None:
        try:
            items = decode()
        except Exception as exc:
            log.exception("decoding the plug-in's output failed")
            self.report_violation(f"the host could not decode the plug-in's output"
                                  f" ({type(exc).__name__}: {exc})")
            return
        for item in items:
            try:
                self._handle(item)
            except Exception as exc:
                log.exception("handling a message from the plug-in failed")
                self.report_violation(f"the host could not handle a message from the plug-in"
                                      f" ({type(exc).__name__}: {exc})")

    def report_violation(self, text: str, *, even_when_stopping: bool = False) -> None:
        """Record a protocol violation; the calls waiting on the stream fail.

        Args:
            text: What is wrong.
            even_when_stopping: Record it even while the process is being
                stopped (by default what a dying process sends is no news).
        """
        if not even_when_stopping and (self.stopping or self._ending.reason is not None):
            return  # what a dying process leaves half-sent is no news
        if len(self.violations) < _MAX_VIOLATIONS:
            self.violations.append(text)
            self.emit("violation", text)
        # The engine would have lost the stream: the calls waiting on it fail.
        for call in self.calls.in_flight(pings=False):
            self.calls.abandon(call)
            call.fail("protocol", f"protocol violation: {text}")

    def emit(self, kind: str, message: str) -> None:
        """Send a :class:`HostEvent` to the ``on_event`` callback, if any."""
        if self._on_event is not None:
            try:
                self._on_event(HostEvent(self.plugin, kind, message))
            except Exception:
                log.exception("event callback failed")

    def _handle(self, item: Incoming) -> None:
        if not isinstance(item, dict):
            self.report_violation(item.message)
            return
        self.messages_received += 1
        self.last_message_at = time.monotonic()
        self.message_times.append(self.last_message_at)
        self.dialect.route(item, self)
