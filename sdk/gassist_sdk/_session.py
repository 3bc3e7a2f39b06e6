# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""One serving of a plug-in: the codec, the G-Assist routes, and the replies.

A :class:`Session` lives for one :meth:`Plugin.serve` call. The dispatcher's
reader thread runs its routes (``initialize``, ``ping`` and ``shutdown`` are
answered there; ``execute`` and ``input`` are queued for the worker), and the
worker runs the calls through a :class:`~gassist_sdk._runner.Runner`, which is
loaded with the first call: answering ``initialize`` needs none of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._dispatcher import NO_REPLY, Codec, Dispatcher
from ._errors import PLUGIN_ERROR, TIMEOUT
from ._framing import MAX_FRAME_SIZE
from ._jsonrpc import Request, V2Codec
from ._logging import LazyLogger, when_logging_starts
from ._transport import READ_SIZE, Transport

if TYPE_CHECKING:
    from ._context import Context
    from ._logging import RedactingFilter
    from ._plugin import Plugin
    from ._runner import Runner
    from ._worker import Job

__all__ = ["Session", "detect_protocol"]

_logger = LazyLogger("gassist_sdk")
# Characters per stream notification: even text that JSON escapes to 6 bytes a
# character (or 12, when repaired text is written as escapes) fits in a frame.
_CHUNK = MAX_FRAME_SIZE // 16


def detect_protocol(first: bytes) -> str:
    """``"v2"`` when the first byte can start a length header, else ``"v1"``."""
    return "v2" if first[:1] and first[0] < 0x09 else "v1"


class Session:
    """The routes and replies of one serving, and the state its threads share.

    Who touches what: ``dispatcher`` is set here and never changes; replies
    go through ``_out``, the same dispatcher until the serving ends and None
    after, so a handler that outlives it writes nothing. ``session_open`` is
    written by each reply (on the worker, or on the reader or serving thread
    when a queued call is dropped at shutdown) and read by the worker;
    ``current`` is the running call's Context, set and cleared by the worker
    and read by ``plugin.stream()`` from whatever thread a handler uses. Each
    is one reference written whole, so no lock is needed; what must change
    together (the parked setup call, the event loop) is the worker's alone.
    The calls awaiting their final (``_awaiting``) are the exception, counted
    under a lock: every ``execute``/``input`` gets exactly one ``complete`` or
    ``error``, whichever thread sends it first (a call dropped at shutdown
    and the handler that finishes after it race for it).

    Args:
        plugin: The plug-in served.
        dispatcher: The dispatcher over the engine's transport.
        after_first_request: Work for the worker once the engine's first
            request is answered or queued (or at the end, when none came).
    """

    def __init__(self, plugin: Plugin, dispatcher: Dispatcher,
                 after_first_request: Callable[[], None] | None = None) -> None:
        self.plugin = plugin
        self.dispatcher = dispatcher
        self._out: Dispatcher | None = dispatcher
        self.redactor: RedactingFilter = plugin.redactor
        self.session_open = False
        self.current: Context | None = None
        self._after_first = after_first_request
        self._runner: Runner | None = None
        self._awaiting: dict[Any, int] = {}
        self._awaiting_lock = threading.Lock()
        dispatcher.redact = self.redactor.redact
        dispatcher.route("initialize", self._initialize)
        dispatcher.route("ping", _pong)
        dispatcher.route("execute", self._on_execute)
        dispatcher.route("input", self._on_input)
        dispatcher.route("shutdown", self._on_shutdown)

    @classmethod
    def open(cls, plugin: Plugin, transport: Transport, protocol: str,
             after_first_request: Callable[[], None] | None = None) -> tuple[Session, bytes] | None:
        """A session in the protocol asked for or detected, with the bytes read to detect it.

        Returns:
            None when the engine closed the pipe (or it failed) before a byte came.

        Raises:
            ValueError: ``protocol`` is not ``"auto"``, ``"v1"`` or ``"v2"``.
        """
        initial = b""
        if protocol == "auto":
            try:
                initial = transport.read(READ_SIZE)
            except OSError as exc:
                _logger.warning("reading the engine's pipe failed: %s", exc)
                return None
            if not initial:
                _logger.info("the engine closed the pipe before sending anything")
                return None
            protocol = detect_protocol(initial)
        codec: Codec
        if protocol == "v2":
            codec = V2Codec()
        elif protocol == "v1":
            from ._legacy import codec_for_plugin  # only legacy engines pay for it

            codec = codec_for_plugin(plugin._dir, plugin.tethered)
        else:
            raise ValueError(f"protocol must be 'auto', 'v1' or 'v2', not {protocol!r}")
        return cls(plugin, Dispatcher(transport, codec), after_first_request), initial

    def serve(self, initial: bytes) -> None:
        """Serve until the engine shuts the plug-in down or closes the pipe."""
        redactor = self.redactor
        when_logging_starts(lambda: _ensure_fallback_log_handler(redactor))
        redactor.when_secrets_known(lambda: _redact_stdio(redactor))
        try:
            self.dispatcher.serve(initial)
        finally:
            self._out = None
            hook, self._after_first = self._after_first, None
            if hook is not None:
                hook()
            if self._runner is not None:
                self._runner.close()
            _logger.info("%s stopped", self.plugin.name)

    # -- routes (reader thread) -------------------------------------------------------

    def _first_request_seen(self) -> None:
        hook, self._after_first = self._after_first, None
        if hook is not None:
            self.dispatcher.submit(lambda _payload, _job: hook(), None, "start-up check")

    def _initialize(self, request: Request) -> Any:
        plugin = self.plugin
        # Answer first, log after: the engine times the handshake.
        if not request.notification:
            self.dispatcher.respond(request.id, {
                "name": plugin.name,
                "version": plugin.version,
                "description": plugin.description,
                "protocol_version": "2.0",
                "commands": plugin._table.summaries(),
                "capabilities": ["streaming", "passthrough"],
            })
        _logger.info("%s %s initialized by engine %s over protocol %s", plugin.name,
                     plugin.version, request.params.get("engine_version") or "?",
                     self.dispatcher.codec.name)
        self._first_request_seen()
        return NO_REPLY

    def _on_execute(self, request: Request) -> Any:
        return self._queue(self._execute, request, "execute")

    def _on_input(self, request: Request) -> Any:
        # Acknowledge before queueing, so the ack always precedes the reply.
        self.dispatcher.respond(request.id, {"acknowledged": True})
        return self._queue(self._follow_up, request, "input")

    def _queue(self, work: Callable[[Request, Job], None], request: Request, what: str) -> Any:
        """Hand a call to the worker; its final answer is now awaited."""
        self._await_final(request.id)
        self.dispatcher.submit(work, request, what, self._drop)
        if self._after_first is not None:
            self._first_request_seen()
        return NO_REPLY

    def _on_shutdown(self, request: Request) -> Any:
        _logger.info("shutdown requested by the engine")
        self.dispatcher.stop()
        return {}

    def _drop(self, request: Request, why: str, code: int = TIMEOUT) -> None:
        self.error(request.id, code, why)

    def _await_final(self, request_id: Any) -> None:
        with self._awaiting_lock:
            self._awaiting[request_id] = self._awaiting.get(request_id, 0) + 1

    def _take_final(self, request_id: Any) -> bool:
        """True for the first final of a call; a second one is dropped."""
        with self._awaiting_lock:
            count = self._awaiting.get(request_id, 0)
            if count > 1:
                self._awaiting[request_id] = count - 1
            elif count:
                del self._awaiting[request_id]
        if not count:
            _logger.warning("dropped a second final answer for request %.40r", request_id)
        return bool(count)

    # -- jobs (worker thread) -----------------------------------------------------------

    def _execute(self, request: Request, job: Job) -> None:
        try:
            (self._runner or self._start_runner()).execute(request, job)
        except Exception as exc:
            self._failed_inside(request, exc)

    def _follow_up(self, request: Request, job: Job) -> None:
        try:
            (self._runner or self._start_runner()).follow_up(request, job)
        except Exception as exc:
            self._failed_inside(request, exc)

    def _failed_inside(self, request: Request, exc: Exception) -> None:
        """A fault of the runtime itself still ends the call (a second final is dropped)."""
        _logger.error("%s failed inside the runtime: %s: %s", request.method,
                      type(exc).__name__, exc, exc_info=exc)
        self.error(request.id, PLUGIN_ERROR,
                   f"the plug-in failed unexpectedly ({type(exc).__name__}); see its log")

    def _start_runner(self) -> Runner:
        from ._runner import Runner  # with the first call: initialize needs none of it

        self._runner = Runner(self.plugin, self)
        return self._runner

    # -- replies (any thread) -----------------------------------------------------------

    def stream(self, request_id: Any, text: str) -> None:
        """Send a chunk of a call's reply (as several when it is too big for one frame)."""
        out = self._out
        if out is None:
            return
        text = self.redactor.redact(text)
        for start in range(0, len(text), _CHUNK):
            out.notify("stream", {"request_id": request_id, "data": text[start:start + _CHUNK]})

    def complete(self, request_id: Any, success: bool, text: str, keep_session: bool) -> None:
        """End a call with its result (a failed one too), keeping the session or not."""
        if not self._take_final(request_id):
            return
        self.session_open = keep_session
        out = self._out
        if out is not None:
            out.notify("complete", {"request_id": request_id, "success": success,
                                    "data": self.redactor.redact(text),
                                    "keep_session": keep_session})

    def error(self, request_id: Any, code: int, message: str) -> None:
        """End a call with an error; the session closes."""
        if not self._take_final(request_id):
            return
        self.session_open = False
        out = self._out
        if out is not None:
            out.notify("error", {"request_id": request_id, "code": code,
                                 "message": self.redactor.redact(message)})

    def log(self, message: str, level: str) -> None:
        """Send a ``log`` notification to the engine."""
        out = self._out
        if out is not None:
            out.notify("log", {"level": level, "message": self.redactor.redact(message)})


def _ensure_fallback_log_handler(redactor: RedactingFilter) -> None:
    from ._logfile import ensure_fallback_handler  # loaded once logging starts

    ensure_fallback_handler(redactor)


def _redact_stdio(redactor: RedactingFilter) -> None:
    from ._logfile import redact_stdio  # loaded once a secret is known

    redact_stdio(redactor)


def _pong(request: Request) -> dict[str, Any]:
    if "timestamp" in request.params:
        return {"timestamp": request.params["timestamp"]}
    return {}
