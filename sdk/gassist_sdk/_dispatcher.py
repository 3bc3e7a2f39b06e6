# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The dispatcher: a reader that never blocks on a command, and one worker.

The reader thread turns bytes into messages and answers routed methods at
once (so a ping is answered in microseconds even while a command runs). Work a
route hands to :meth:`Dispatcher.submit` runs on a single worker thread
(:mod:`gassist_sdk._worker`, started with the first job), one job at a time,
in arrival order. Every outgoing message is framed and written whole under a
lock, so the reader, the worker and heartbeats never interleave.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ._errors import (
    RATE_LIMITED,
    TIMEOUT,
    FrameError,
    InternalError,
    MethodNotFound,
    WireError,
)
from ._framing import FrameEvent, Framer
from ._jsonrpc import Message, Request, Response
from ._logging import LazyLogger
from ._transport import READ_SIZE, Transport

if TYPE_CHECKING:
    from ._worker import Job, Worker

__all__ = ["NO_REPLY", "Codec", "Dispatcher"]

logger = LazyLogger("gassist_sdk.dispatcher")


class _NoReply:
    def __repr__(self) -> str:
        return "NO_REPLY"


NO_REPLY: Any = _NoReply()
"""Returned by a route whose request is answered later (by notifications)."""


class Codec(Protocol):
    """One wire protocol: a framer plus message translation."""

    @property
    def name(self) -> str: ...

    @property
    def framer(self) -> Framer: ...

    @property
    def heartbeat_interval(self) -> float | None: ...

    @property
    def answers_stray_bytes(self) -> bool:
        """Whether bytes outside any message get an error answer.

        V2 answers them with id null, which no request can be matched to; V1 has no
        ids, so an answer there would be taken as the final of the engine's next call.
        """
        ...

    def decode(self, payload: bytes) -> list[Message]: ...

    def encode(self, message: Message) -> bytes | None: ...

    def encode_notification(self, method: str, params: dict[str, Any]) -> bytes | None: ...

    def heartbeat(self) -> bytes | None: ...


Route = Callable[[Request], Any]


class Dispatcher:
    """Serves one codec over one transport.

    Args:
        transport: The byte stream.
        codec: The wire protocol.
        shutdown_grace: Seconds from ``shutdown`` or end of stream until
            :meth:`serve` returns, whatever the running job does.
        drain_time: At end of stream (no ``shutdown``), how long queued work
            may still run before the rest is cancelled.
    """

    def __init__(self, transport: Transport, codec: Codec, *, shutdown_grace: float = 1.6,
                 drain_time: float = 1.0) -> None:
        self.transport = transport
        self.codec = codec
        self.shutdown_grace = shutdown_grace
        self.drain_time = min(drain_time, shutdown_grace)
        self._routes: dict[str, Route] = {}
        self._write_lock = threading.Lock()
        self._stopping = threading.Event()
        self._broken = False
        self._worker: Worker | None = None  # started by the first job (see submit)
        self._worker_lock = threading.Lock()
        self.redact: Callable[[str], str] = _unchanged
        """Applied to every error message sent (the session sets its secret redaction)."""

    # -- configuration ------------------------------------------------------------

    def route(self, method: str, handler: Route) -> None:
        """Answer ``method`` on the reader thread with ``handler(request)``."""
        self._routes[method] = handler

    # -- outgoing -----------------------------------------------------------------

    def send(self, message: Message) -> bool:
        """Frame and write one message; False when the stream is gone."""
        try:
            data = self.codec.encode(message)
        except WireError as exc:
            logger.error("dropping an outgoing %s that cannot be encoded: %s",
                         _describe(message), exc.message)
            fallback = _encoding_fallback(message, exc)
            if fallback is None:
                return False
            try:
                data = self.codec.encode(fallback)
            except WireError as again:
                logger.error("the explanation cannot be encoded either: %s", again.message)
                return False
        if data is None:
            return True
        return self._write(data)

    def _write(self, data: bytes) -> bool:
        with self._write_lock:
            if self._broken:
                return False
            try:
                self.transport.write(data)
            except OSError as exc:
                self._broken = True
                logger.warning("the engine's pipe is closed (%s); stopping", exc)
                self._stopping.set()
                return False
        return True

    def notify(self, method: str, params: dict[str, Any]) -> bool:
        """Send a notification (the hot path: straight from the dict to framed bytes)."""
        try:
            data = self.codec.encode_notification(method, params)
        except WireError:
            return self.send(Request(method, params, notification=True))  # explains the failure
        return True if data is None else self._write(data)

    def respond(self, request_id: Any, result: Any) -> bool:
        """Send a successful response."""
        return self.send(Response(request_id, result))

    def respond_error(self, request_id: Any, error: WireError) -> bool:
        """Send an error response (its message redacted)."""
        wire = error.to_wire()
        wire["message"] = self.redact(str(wire["message"]))
        return self.send(Response(request_id, error=wire))

    # -- work ---------------------------------------------------------------------

    def submit(self, run: Callable[[Any, Job], None], payload: Any, label: str,
               on_drop: Callable[[Any, str, int], None] | None = None) -> None:
        """Queue ``run(payload, job)`` for the worker (arrival order, one at a time).

        ``on_drop(payload, reason, code)`` answers for work that will never run:
        code -2 at shutdown, -3 when the queue is full (see ``_worker.MAX_WAITING``).
        """
        if self._stopping.is_set():
            if on_drop is not None:
                on_drop(payload, "the plug-in is shutting down", TIMEOUT)
            return
        worker = self._worker or self._start_worker()
        if not worker.submit(run, payload, label, on_drop) and on_drop is not None:
            on_drop(payload, "the plug-in is busy: its queue of waiting calls is full; "
                    "try again later", RATE_LIMITED)

    def _start_worker(self) -> Worker:
        from ._worker import Worker  # answering initialize needs no worker

        with self._worker_lock:
            if self._worker is None:
                self._worker = Worker(self._stopping, self.codec.heartbeat_interval,
                                      self._send_heartbeat)
            return self._worker

    def _send_heartbeat(self) -> None:
        data = self.codec.heartbeat()
        if data is not None:
            self._write(data)

    # -- reading ------------------------------------------------------------------

    def serve(self, initial: bytes = b"") -> None:
        """Read and dispatch until end of stream or :meth:`stop`; then wind down."""
        framer = self.codec.framer
        try:
            if initial:
                self._handle_events(framer.feed(initial))
            while not self._stopping.is_set():
                try:
                    data = self.transport.read(READ_SIZE)
                except OSError as exc:
                    logger.warning("reading the engine's pipe failed: %s", exc)
                    break
                if not data:
                    events = framer.finish()
                    if events:
                        logger.warning("stream ended mid-message: %s", events[-1])
                    logger.info("the engine closed the pipe")
                    break
                self._handle_events(framer.feed(data))
        finally:
            # End of input with no shutdown: finish what was already asked (bounded);
            # an explicit shutdown cancels at once.
            self._wind_down(drain=not self._stopping.is_set())

    def stop(self) -> None:
        """Ask :meth:`serve` to return after the current message."""
        self._stopping.set()

    def _handle_events(self, events: list[FrameEvent]) -> None:
        for event in events:
            if self._stopping.is_set():
                return
            if isinstance(event, bytes):
                self._handle_payload(event)
            else:
                logger.warning("framing error: %s", self.redact(event.message))
                # Bytes between messages asked nothing: where the protocol has no ids,
                # an answer would be a final no request is waiting for.
                if event.kind == FrameError.NOISE:
                    continue
                if event.kind == FrameError.STRAY_BYTES and not self.codec.answers_stray_bytes:
                    continue
                self.respond_error(None, event)

    def _handle_payload(self, payload: bytes) -> None:
        try:
            messages = self.codec.decode(payload)
        except WireError as exc:
            logger.warning("rejected a message (%d bytes): %s", len(payload), exc.message)
            self.respond_error(getattr(exc, "request_id", None), exc)
            return
        for message in messages:
            if isinstance(message, Request):
                self._handle_request(message)
            else:
                logger.debug("ignoring a response from the engine (id %r)", message.id)

    def _handle_request(self, request: Request) -> None:
        handler = self._routes.get(request.method)
        if handler is None:
            if request.notification:
                logger.debug("ignoring unknown notification %r", request.method)
            else:
                missing = MethodNotFound(f"method not found: {request.method!r}")
                self.respond_error(request.id, missing)
            return
        try:
            result = handler(request)
        except WireError as exc:
            if not request.notification:
                self.respond_error(request.id, exc)
            return
        except Exception:
            logger.exception("the %r route failed", request.method)
            if not request.notification:
                failure = InternalError(f"{request.method} failed inside the plug-in")
                self.respond_error(request.id, failure)
            return
        if result is not NO_REPLY and not request.notification:
            self.respond(request.id, result)

    def _wind_down(self, *, drain: bool) -> None:
        deadline = time.monotonic() + self.shutdown_grace
        with self._worker_lock:
            worker = self._worker
        if worker is not None:
            worker.wind_down(drain=drain, drain_time=self.drain_time, deadline=deadline)
        self._stopping.set()
        self.transport.close()


def _unchanged(text: str) -> str:
    return text


def _describe(message: Message) -> str:
    if isinstance(message, Request):
        return f"{message.method!r} notification"
    return f"response to {message.id!r}"


def _encoding_fallback(message: Message, error: WireError) -> Message | None:
    """A message that says what went wrong instead of one that could not be sent."""
    if isinstance(message, Response):
        return Response(message.id, error=InternalError(error.message).to_wire())
    # A stream chunk is not a final: dropping it leaves the call's one final to come.
    if message.method == "complete" and "request_id" in message.params:
        return Request("error", {"request_id": message.params["request_id"], "code": -32603,
                                 "message": "the plug-in produced a reply it could not encode"},
                       notification=True)
    return None
