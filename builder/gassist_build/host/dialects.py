# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's side of both wire protocols, one dialect object per protocol.

A :class:`Dialect` is everything the host does differently per protocol, so
that :class:`~gassist_build.host.process.PluginProcess` never asks which one it
speaks: how each request (``initialize``, ``execute``, ``input``, ``ping``,
``shutdown``) is encoded and registered, how the plug-in's stdout bytes become
JSON objects or :class:`Violation` records, what each incoming message means
for the calls in flight (:meth:`Dialect.route`), and which watchdog keeps the
plug-in honest (pings for V2, heartbeats for tethered V1).

Framing is the SDK's (:mod:`gassist_sdk._framing`); this module adds what only
a host needs: spotting stray bytes (a ``print()`` in the plug-in) before they
desynchronise the V2 length prefix, and naming each violation precisely.
"""

from __future__ import annotations

import json
import reprlib
import struct
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from gassist_sdk._endmarker import EndMarkerFramer
from gassist_sdk._errors import FrameError
from gassist_sdk._framing import MAX_FRAME_SIZE, LengthPrefixFramer

from .. import __version__
from .results import ChunkSink, Timeouts
from .session import CallTable, PendingCall
from .watchdog import HeartbeatWatchdog, PingWatchdog, Watchdog

if TYPE_CHECKING:
    from .process import PluginProcess

__all__ = [
    "Conversation",
    "Dialect",
    "Outgoing",
    "V1Dialect",
    "V2Dialect",
    "V2StreamGuard",
    "Violation",
    "dialect_for",
    "preview",
]

_PREVIEW = 80
_HEADER = struct.Struct(">I")
# Bytes a JSON text can start with (json.dumps never emits leading whitespace,
# but a hand-written plug-in might; a BOM starts with 0xEF).
_BODY_START = frozenset(b'{["\xef \t\r\n')


def preview(data: bytes, limit: int = _PREVIEW) -> str:
    """Show bytes the way a developer can recognise them: ``b'Loading...\\n'``."""
    more = "..." if len(data) > limit else ""
    return f"{bytes(data[:limit])!r}{more}"


@dataclass(frozen=True)
class Violation:
    """Bytes on the plug-in's stdout that break the protocol.

    Attributes:
        message: What is wrong, with the offending bytes shown.
        raw: The offending bytes, when there are some.
    """

    message: str
    raw: bytes | None = None


Incoming = dict[str, Any] | Violation


@dataclass(frozen=True)
class Outgoing:
    """A request ready to send: the call that awaits its answer, and its bytes.

    Attributes:
        call: The call to register before writing; None for a message that
            nothing answers (a V2 notification or unparseable probe).
        payload: The framed bytes for the plug-in's stdin.
    """

    call: PendingCall | None
    payload: bytes


class Conversation(Protocol):
    """What a dialect needs from the host while routing an incoming message."""

    calls: CallTable
    orphan_errors: list[dict[str, Any]]

    @property
    def stopping(self) -> bool:
        """The host is shutting the plug-in down: stray replies are no news."""
        ...

    def report_violation(self, text: str, *, even_when_stopping: bool = False) -> None:
        """The plug-in broke the protocol; calls waiting on the stream fail."""
        ...

    def emit(self, kind: str, message: str) -> None:
        """Show something that is not the reply to a call."""
        ...


class V2StreamGuard:
    """Separates stray bytes from V2 frames before they reach the framer.

    Every V2 frame starts with ``0x00`` (its length is below 16 MiB; at most
    10 MiB is allowed) and its body with ``{``. Text printed to stdout fails
    that test; fed to a length framer it would be read as a huge length and
    swallow the stream. The guard passes frame bytes through (a frame over the
    limit too: the framer reports and skips it) and returns stray runs
    separately, so the host can show them and stay in sync.
    """

    def __init__(self, max_size: int = MAX_FRAME_SIZE) -> None:
        self.max_size = max_size
        self._remaining = 0
        self._pending = bytearray()

    def split(self, data: bytes) -> list[tuple[bool, bytes]]:
        """Split ``data`` into ``(is_frame, bytes)`` runs, in stream order."""
        out: list[tuple[bool, bytes]] = []
        buf = bytes(self._pending) + data
        self._pending.clear()
        pos = 0
        end = len(buf)
        while pos < end:
            if self._remaining:
                n = min(self._remaining, end - pos)
                out.append((True, buf[pos : pos + n]))
                self._remaining -= n
                pos += n
                continue
            start, complete = self._next_start(buf, pos)
            if start > pos:
                out.append((False, buf[pos:start]))
            if start >= end:
                break
            if not complete:
                self._pending += buf[start:]
                break
            (size,) = _HEADER.unpack_from(buf, start)
            self._remaining = _HEADER.size + size
            pos = start
        return out

    def finish(self) -> bytes:
        """Bytes held back at end of stream (an incomplete header)."""
        rest = bytes(self._pending)
        self._pending.clear()
        self._remaining = 0
        return rest

    def _next_start(self, buf: bytes, pos: int) -> tuple[int, bool]:
        """Index of the next plausible frame start, and whether it is decided."""
        end = len(buf)
        index = pos
        while True:
            index = buf.find(b"\x00", index)
            if index < 0:
                return end, True
            if end - index < _HEADER.size + 1:
                return index, False  # too few bytes to judge yet
            (size,) = _HEADER.unpack_from(buf, index)
            # A frame over the limit still starts one (the framer reports and skips it).
            if size > 0 and buf[index + _HEADER.size] in _BODY_START:
                return index, True
            index += 1


class Dialect:
    """Everything the host does that depends on the protocol (see the module docstring).

    Attributes:
        protocol: ``"v1"`` or ``"v2"``.
        busy_message: Why a call is refused while another holds its key.
    """

    protocol = "?"
    busy_message = "another call is running"

    # -- bytes in ---------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Incoming]:  # pragma: no cover - interface
        """Decode whatever bytes arrived on stdout."""
        raise NotImplementedError

    def finish(self) -> list[Incoming]:  # pragma: no cover - interface
        """Report what was left half-sent when stdout closed."""
        raise NotImplementedError

    def waiting_hint(self) -> str | None:
        """Why a reply that seems sent has not been delivered, if known."""
        return None

    # -- requests out -----------------------------------------------------------------

    def initialize(self, calls: CallTable) -> Outgoing:  # pragma: no cover - interface
        """The handshake."""
        raise NotImplementedError

    def execute(  # pragma: no cover - interface
        self,
        calls: CallTable,
        function: str,
        arguments: dict[str, Any],
        context: list[dict[str, Any]] | None,
        system_info: str,
        on_chunk: ChunkSink | None,
    ) -> Outgoing:
        """A call of ``function``."""
        raise NotImplementedError

    def input(  # pragma: no cover - interface
        self, calls: CallTable, text: str, on_chunk: ChunkSink | None
    ) -> Outgoing:
        """A passthrough turn; its call is acknowledged (``acked``) once the plug-in says so."""
        raise NotImplementedError

    def ping(self, calls: CallTable) -> Outgoing:
        """A liveness ping.

        Raises:
            RuntimeError: The protocol has no ping.
        """
        raise RuntimeError(f"protocol {self.protocol.upper()} has no ping")

    def shutdown(self) -> bytes:  # pragma: no cover - interface
        """The message asking the plug-in to exit (nothing answers it)."""
        raise NotImplementedError

    def probe(self, calls: CallTable, body: bytes) -> Outgoing:  # pragma: no cover - interface
        """``body`` framed as it is, whatever it holds (conformance probes)."""
        raise NotImplementedError

    # -- meaning ----------------------------------------------------------------------

    def route(self, msg: dict[str, Any], host: Conversation) -> None:  # pragma: no cover
        """Apply one decoded message to the calls in flight."""
        raise NotImplementedError

    def watchdog(self, process: PluginProcess, timeouts: Timeouts) -> Watchdog | None:
        """The watchdog the engine runs for this protocol, or None."""
        return None

    # -- shared by both ---------------------------------------------------------------

    @staticmethod
    def _decode(body: bytes) -> Incoming:
        try:
            value = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return Violation(f"reply is not valid UTF-8 ({exc.reason}): {preview(body)}", body)
        except json.JSONDecodeError as exc:
            return Violation(f"reply is not valid JSON ({exc.msg} at byte {exc.pos}): "
                             f"{preview(body)}", body)
        except RecursionError:
            return Violation(f"reply is JSON nested too deeply to decode (arrays or objects"
                             f" more than ~{sys.getrecursionlimit()} levels deep):"
                             f" {preview(body)}", body)
        if not isinstance(value, dict):
            return Violation(f"reply is JSON but not an object: {preview(body)}", body)
        return value

    @staticmethod
    def _dumps(obj: dict[str, Any]) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class V2Dialect(Dialect):
    """Protocol V2: JSON-RPC 2.0 in length-prefixed frames; requests matched by id."""

    protocol = "v2"
    busy_message = "request id already in use"

    def __init__(self, max_size: int = MAX_FRAME_SIZE) -> None:
        self._guard = V2StreamGuard(max_size)
        self._framer = LengthPrefixFramer(max_size)
        self._in_stray = False
        self.stray_bytes = 0

    # -- encoding ---------------------------------------------------------------------

    def request(self, method: str, params: dict[str, Any], call_id: int | None) -> bytes:
        """One framed request (or a notification when ``call_id`` is None)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if call_id is not None:
            message["id"] = call_id
        return self._framer.encode(self._dumps(message))

    def raw(self, body: bytes) -> bytes:
        """Frame arbitrary body bytes (used to send deliberately bad JSON)."""
        return self._framer.encode(body)

    def _call(self, calls: CallTable, method: str, params: dict[str, Any], kind: str,
              on_chunk: ChunkSink | None = None, function: str = "") -> Outgoing:
        call_id = calls.new_id()
        call = PendingCall(kind, call_id, on_chunk, function)
        return Outgoing(call, self.request(method, params, call_id))

    def initialize(self, calls: CallTable) -> Outgoing:
        params = {"protocol_version": "2.0", "engine_version": f"gassist-build {__version__}",
                  "capabilities": ["streaming", "passthrough"]}
        return self._call(calls, "initialize", params, "initialize")

    def execute(self, calls: CallTable, function: str, arguments: dict[str, Any],
                context: list[dict[str, Any]] | None, system_info: str,
                on_chunk: ChunkSink | None) -> Outgoing:
        params: dict[str, Any] = {"function": function, "arguments": arguments}
        if context is not None:
            params["context"] = context
        if system_info:
            params["system_info"] = system_info
        return self._call(calls, "execute", params, "execute", on_chunk, function)

    def input(self, calls: CallTable, text: str, on_chunk: ChunkSink | None) -> Outgoing:
        params = {"content": text, "timestamp": int(time.time() * 1000)}
        return self._call(calls, "input", params, "input", on_chunk)

    def ping(self, calls: CallTable) -> Outgoing:
        stamp = int(time.time() * 1000)
        outgoing = self._call(calls, "ping", {"timestamp": stamp}, "ping")
        assert outgoing.call is not None
        outgoing.call.sent_timestamp = stamp  # the pong must echo it
        return outgoing

    def shutdown(self) -> bytes:
        return self.request("shutdown", {}, None)

    def probe(self, calls: CallTable, body: bytes) -> Outgoing:
        # Nothing can answer an unparseable request by its id.
        return Outgoing(None, self.raw(body))

    def watchdog(self, process: PluginProcess, timeouts: Timeouts) -> Watchdog | None:
        if timeouts.ping_interval is None:
            return None
        return PingWatchdog(process, timeouts)

    # -- decoding ---------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Incoming]:
        out: list[Incoming] = []
        for is_frame, chunk in self._guard.split(data):
            if not is_frame:
                self.stray_bytes += len(chunk)
                if self._in_stray:
                    continue  # one report per run of stray bytes, not one per read
                self._in_stray = True
                out.append(Violation(
                    f"stray bytes on stdout (not a length-prefixed frame): {preview(chunk)}"
                    " — stdout must carry protocol frames only; print() and logging to stdout"
                    " corrupt the stream", chunk))
                continue
            self._in_stray = False
            out.extend(self._events(self._framer.feed(chunk)))
        return out

    def finish(self) -> list[Incoming]:
        out: list[Incoming] = []
        rest = self._guard.finish()
        if rest:
            out.append(Violation(f"stream ended inside a frame header: {preview(rest)}", rest))
        out.extend(self._events(self._framer.finish()))
        return out

    def _events(self, events: list[bytes | FrameError]) -> list[Incoming]:
        out: list[Incoming] = []
        for event in events:
            if isinstance(event, FrameError) and event.kind == FrameError.OVERSIZE:
                out.append(Violation(f"oversize frame: {event} — send large results as"
                                     " several stream chunks"))
            elif isinstance(event, FrameError):
                out.append(Violation(f"bad frame: {event}"))
            else:
                out.append(self._decode(event))
        return out

    # -- routing ----------------------------------------------------------------------

    def route(self, msg: dict[str, Any], host: Conversation) -> None:
        problem = None
        if msg.get("jsonrpc") != "2.0":
            problem = f'message without "jsonrpc": "2.0": {_short(msg)}'
        method = msg.get("method")
        if isinstance(method, str):
            if "id" in msg:
                host.report_violation(f"the plug-in sent a request ({method!r}); plug-ins only"
                                      f" answer and notify: {_short(msg)}")
                return
            self._route_notification(method, msg, problem, host)
            return
        if "id" in msg and ("result" in msg or "error" in msg):
            self._route_response(msg, problem, host)
            return
        host.report_violation(f"message is neither a response nor a notification: {_short(msg)}")

    def _route_notification(self, method: str, msg: dict[str, Any], problem: str | None,
                            host: Conversation) -> None:
        params = msg.get("params")
        if not isinstance(params, dict):
            host.report_violation(f"notification {method!r} without a params object:"
                                  f" {_short(msg)}")
            return
        if method == "log":
            host.emit("log", f"[{params.get('level', 'info')}] {params.get('message', '')}")
            return
        if method not in ("stream", "complete", "error"):
            host.report_violation(f"unknown notification {method!r}: {_short(msg)}")
            return
        request_id = params.get("request_id")
        call = host.calls.get(request_id)
        if call is None and host.calls.was_finished(request_id):
            what = (f"second {method!r}" if method != "stream" else "'stream' after the final")
            # News even while shutting down: it is a whole message, not one left half-sent.
            host.report_violation(f"{what} for request_id {request_id!r}: every request ends"
                                  f" with exactly one complete or error: {_short(msg)}",
                                  even_when_stopping=True)
            return
        if call is None or call.kind not in ("execute", "input"):
            if not host.stopping and not host.calls.was_abandoned(request_id):
                host.report_violation(f"{method!r} for request_id {request_id!r}, which is not"
                                      f" a call in progress: {_short(msg)}")
            return
        if problem:
            call.problems.append(problem)
        if method == "stream":
            data = params.get("data")
            if not isinstance(data, str):
                call.problems.append(f"stream.data is {_json_type(data)}, not text")
                data = _json_text(data)
            call.add_chunk(data)
            return
        host.calls.remove(call)
        if method == "error":
            code = params.get("code")
            message = params.get("message")
            call.finish(success=False, failure="plugin",
                        error=str(message) if message is not None else "(no message)",
                        error_code=code if isinstance(code, int) else None)
            return
        _complete(call, params)

    def _route_response(self, msg: dict[str, Any], problem: str | None,
                        host: Conversation) -> None:
        call_id = msg.get("id")
        call = host.calls.get(call_id) if isinstance(call_id, int) else None
        if call is None:
            if isinstance(call_id, int) and (host.calls.was_expired(call_id)
                                             or host.calls.was_abandoned(call_id)):
                return  # a late pong; the ping already counted as missed
            if call_id is None and "error" in msg:
                # e.g. -32700 for a frame it could not parse: the right answer.
                host.orphan_errors.append(msg["error"] if isinstance(msg["error"], dict)
                                          else {"message": msg["error"]})
                return
            host.report_violation(f"response to id {call_id!r}, which was never sent or has"
                                  f" ended: {_short(msg)}")
            return
        if problem:
            call.problems.append(problem)
        if call.kind == "input" and "result" in msg:
            call.acked.set()  # the call stays pending until complete/error
            return
        host.calls.remove(call)
        error = msg.get("error")
        if error is not None:
            err = error if isinstance(error, dict) else {"message": str(error)}
            extra: tuple[str, ...] = ()
            if call.kind in ("execute", "input"):
                extra = ("answered with a JSON-RPC error response instead of an `error`"
                         " notification: engines that wait for notifications never see this"
                         " call end",)
            code = err.get("code")
            call.finish(success=False, failure="plugin", error=str(err.get("message", err)),
                        error_code=code if isinstance(code, int) else None, problems=extra)
            return
        result = msg.get("result")
        if call.kind == "ping":
            echoed = isinstance(result, dict) and result.get("timestamp") == call.sent_timestamp
            call.finish(success=True, value=echoed)
            return
        if call.kind == "execute":
            call.finish(success=True, value=result,
                        data=result if isinstance(result, str) else "",
                        problems=("answered execute with a response instead of `complete`:"
                                  " engines wait for the complete notification",))
            return
        call.finish(success=True, value=result)


def _complete(call: PendingCall, params: dict[str, Any]) -> None:
    """End ``call`` with a V2 ``complete`` notification's params."""
    data = params.get("data", "")
    if data is None:
        data = ""
    if not isinstance(data, str):
        text = _json_text(data)
        call.fail("protocol", f"complete.data is {_json_type(data)}, not text: "
                  f"{_clip(text)} — engines show text only; return a string", data=text)
        return
    success = params.get("success", True)
    if not isinstance(success, bool):
        call.problems.append(f"complete.success is {_json_type(success)}, not a boolean")
    call.finish(success=bool(success), data=data,
                keep_session=params.get("keep_session") is True,
                failure=None if success else "plugin",
                error=None if success else (data or "the plug-in reported failure"))


class V1Dialect(Dialect):
    """Protocol V1: raw JSON objects, each followed by ``<<END>>``; one call at a time.

    V1 has no request ids: the one call in flight is kept under the key None,
    and whatever final answer arrives is its answer.

    Args:
        send_end_marker: Append ``<<END>>`` to what the host sends, as late
            V1 engines did.
    """

    protocol = "v1"
    busy_message = "a V1 plug-in handles one call at a time; another is running"

    def __init__(self, max_size: int = MAX_FRAME_SIZE, *, send_end_marker: bool = True) -> None:
        self._framer = EndMarkerFramer(max_size, require_marker=True)
        self.send_end_marker = send_end_marker

    # -- encoding ---------------------------------------------------------------------

    def tool_call(
        self,
        func: str,
        params: dict[str, Any],
        messages: list[dict[str, Any]] | None = None,
        system_info: str = "",
    ) -> bytes:
        """One ``tool_calls`` message (``initialize``/``shutdown`` are pseudo-funcs)."""
        return self._encode({
            "tool_calls": [{"func": func, "params": params}],
            "messages": messages or [],
            "system_info": system_info,
        })

    def user_input(self, text: str) -> bytes:
        """A passthrough turn (late V1)."""
        return self._encode({"msg_type": "user_input", "content": text,
                             "timestamp": int(time.time() * 1000)})

    def raw(self, body: bytes) -> bytes:
        """Send arbitrary body bytes, terminated like any other message."""
        return body + b"<<END>>" if self.send_end_marker else body

    def _encode(self, message: dict[str, Any]) -> bytes:
        return self.raw(self._dumps(message))

    def initialize(self, calls: CallTable) -> Outgoing:
        return Outgoing(PendingCall("initialize", None), self.tool_call("initialize", {}))

    def execute(self, calls: CallTable, function: str, arguments: dict[str, Any],
                context: list[dict[str, Any]] | None, system_info: str,
                on_chunk: ChunkSink | None) -> Outgoing:
        call = PendingCall("execute", None, on_chunk, function)
        return Outgoing(call, self.tool_call(function, arguments, context, system_info))

    def input(self, calls: CallTable, text: str, on_chunk: ChunkSink | None) -> Outgoing:
        call = PendingCall("input", None, on_chunk)
        call.acked.set()  # V1 has no acknowledgement: the turn counts as taken once sent
        return Outgoing(call, self.user_input(text))

    def shutdown(self) -> bytes:
        return self.tool_call("shutdown", {})

    def probe(self, calls: CallTable, body: bytes) -> Outgoing:
        # Every message the engine sends expects one final answer.
        return Outgoing(PendingCall("raw", None), self.raw(body))

    def watchdog(self, process: PluginProcess, timeouts: Timeouts) -> Watchdog | None:
        return HeartbeatWatchdog(process, timeouts) if process.spec.tethered else None

    # -- decoding ---------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Incoming]:
        return self._events(self._framer.feed(data))

    def finish(self) -> list[Incoming]:
        return self._events(self._framer.finish())

    def waiting_hint(self) -> str | None:
        held = self._framer.held
        if held is None:
            return None
        return f"reply not terminated by <<END>>: {preview(held)} — end every reply with <<END>>"

    def _events(self, events: list[bytes | FrameError]) -> list[Incoming]:
        out: list[Incoming] = []
        for event in events:
            if not isinstance(event, FrameError):
                out.append(self._decode(event))
            elif event.kind == FrameError.OVERSIZE:
                out.append(Violation(f"oversize message: {event}"))
            elif event.kind == FrameError.STRAY_BYTES:
                out.append(Violation(f"stray bytes on stdout (not a JSON message): {event.excerpt}"
                                     " — stdout must carry protocol messages only"))
            else:
                out.append(Violation(str(event)))
        return out

    # -- routing ----------------------------------------------------------------------

    def route(self, msg: dict[str, Any], host: Conversation) -> None:
        call = host.calls.get(None)
        kind = msg.get("type")
        if kind == "heartbeat":
            return
        if "success" in msg:
            self._final(msg, call, host)
            return
        status = msg.get("status") or kind
        if status in ("in_progress", "status", "state_change"):
            host.emit("status", str(msg.get("message") or msg.get("new_state") or status))
            return
        if "message" in msg and call is not None:
            message = msg["message"]
            call.add_chunk(message if isinstance(message, str)
                           else _json_text(message))
            return
        if not host.stopping:
            host.report_violation(f"message the engine does not understand: {_short(msg)}")

    @staticmethod
    def _final(msg: dict[str, Any], call: PendingCall | None, host: Conversation) -> None:
        if call is None:
            if not host.calls.take_abandoned(None):
                host.report_violation(f"final answer with no call in progress: {_short(msg)}")
            return
        host.calls.remove(call)
        message = msg.get("message", "")
        if not isinstance(message, str):
            text = _json_text(message)
            call.fail("protocol", f"message is {_json_type(message)}, not text: "
                      f"{_clip(text)} — engines show text only", data=text)
            return
        success = msg.get("success") is True
        call.finish(success=success, data=message,
                    keep_session=msg.get("awaiting_input") is True,
                    failure=None if success else "plugin",
                    error=None if success else (message or "the plug-in reported failure"),
                    value=msg)


def dialect_for(protocol: str) -> Dialect:
    """The dialect of ``protocol`` (``"v1"`` or ``"v2"``).

    Raises:
        ValueError: Any other protocol.
    """
    if protocol == "v2":
        return V2Dialect()
    if protocol == "v1":
        return V1Dialect()
    raise ValueError(f"protocol must be 'v1' or 'v2', not {protocol!r}")


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "a string"


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _short(msg: dict[str, Any]) -> str:
    return preview(_json_text(msg).encode("utf-8"), 120)


def _json_text(value: Any) -> str:
    """``value`` as JSON text for messages; a short repr when it cannot be encoded."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        # Decoded at the edge of the recursion limit, a value may not encode again.
        return reprlib.repr(value)
