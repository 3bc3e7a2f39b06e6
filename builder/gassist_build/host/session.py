# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The host's side of a conversation, apart from any process or protocol.

:class:`PendingCall` is one request in flight: it collects streamed chunks,
delivers them as they arrive and ends once with a :class:`CallOutcome`.
:class:`CallTable` allocates request ids and matches what arrives to the call
it answers, remembering calls the host gave up on so that their late replies
are not taken for violations. The dialects (:mod:`.dialects`) decide what an
incoming message means; this module only keeps the books.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Any

from .results import CallOutcome, ChunkSink

__all__ = ["CallTable", "PendingCall"]

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
        """Forget ``call``: its final reply has arrived."""
        with self.lock:
            self._calls.pop(call.id, None)

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
