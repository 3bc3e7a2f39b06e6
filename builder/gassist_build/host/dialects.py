# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's side of both wire protocols: bytes in, decoded messages out.

A :class:`Dialect` turns host requests into bytes and the plug-in's stdout
bytes into JSON objects or :class:`Violation` records. Framing is the SDK's
(:mod:`gassist_sdk._framing`); this module adds what only a host needs:
spotting stray bytes (a ``print()`` in the plug-in) before they desynchronise
the V2 length prefix, and naming each violation precisely.
"""

from __future__ import annotations

import json
import struct
import time
from dataclasses import dataclass
from typing import Any

from gassist_sdk._errors import FrameError
from gassist_sdk._framing import (
    MAX_FRAME_SIZE,
    EndMarkerFramer,
    LengthPrefixFramer,
)

__all__ = ["Dialect", "V1Dialect", "V2Dialect", "V2StreamGuard", "Violation", "preview"]

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


class V2StreamGuard:
    """Separates stray bytes from V2 frames before they reach the framer.

    Every V2 frame starts with ``0x00`` (its length is at most 10 MiB) and its
    body with ``{``. Text printed to stdout fails that test; fed to a length
    framer it would be read as a huge length and swallow the stream. The guard
    passes frame bytes through and returns stray runs separately, so the host
    can show them and stay in sync.
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
            if 0 < size <= self.max_size and buf[index + _HEADER.size] in _BODY_START:
                return index, True
            index += 1


class Dialect:
    """Encodes the engine's requests and decodes the plug-in's replies."""

    protocol = "?"

    def __init__(self) -> None:
        self._next_id = 0

    def new_id(self) -> int:
        """A fresh request id."""
        self._next_id += 1
        return self._next_id

    def feed(self, data: bytes) -> list[Incoming]:  # pragma: no cover - interface
        """Decode whatever bytes arrived on stdout."""
        raise NotImplementedError

    def finish(self) -> list[Incoming]:  # pragma: no cover - interface
        """Report what was left half-sent when stdout closed."""
        raise NotImplementedError

    def waiting_hint(self) -> str | None:
        """Why a reply that seems sent has not been delivered, if known."""
        return None

    @staticmethod
    def _decode(body: bytes) -> Incoming:
        try:
            value = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return Violation(f"reply is not valid UTF-8 ({exc.reason}): {preview(body)}", body)
        except json.JSONDecodeError as exc:
            return Violation(f"reply is not valid JSON ({exc.msg} at byte {exc.pos}): "
                             f"{preview(body)}", body)
        if not isinstance(value, dict):
            return Violation(f"reply is JSON but not an object: {preview(body)}", body)
        return value

    @staticmethod
    def _dumps(obj: dict[str, Any]) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class V2Dialect(Dialect):
    """Protocol V2: JSON-RPC 2.0 in length-prefixed frames."""

    protocol = "v2"

    def __init__(self, max_size: int = MAX_FRAME_SIZE) -> None:
        super().__init__()
        self._guard = V2StreamGuard(max_size)
        self._framer = LengthPrefixFramer(max_size)
        self._in_stray = False
        self.stray_bytes = 0

    def request(self, method: str, params: dict[str, Any], call_id: int | None) -> bytes:
        """One framed request (or a notification when ``call_id`` is None)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if call_id is not None:
            message["id"] = call_id
        return self._framer.encode(self._dumps(message))

    def raw(self, body: bytes) -> bytes:
        """Frame arbitrary body bytes (used to send deliberately bad JSON)."""
        return self._framer.encode(body)

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
            if isinstance(event, FrameError):
                out.append(Violation(f"bad frame: {event}"))
            else:
                out.append(self._decode(event))
        return out


class V1Dialect(Dialect):
    """Protocol V1: raw JSON objects, each followed by ``<<END>>``.

    Args:
        send_end_marker: Append ``<<END>>`` to what the host sends, as late
            V1 engines did.
    """

    protocol = "v1"

    def __init__(self, max_size: int = MAX_FRAME_SIZE, *, send_end_marker: bool = True) -> None:
        super().__init__()
        self._framer = EndMarkerFramer(max_size, require_marker=True)
        self.send_end_marker = send_end_marker

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
            if isinstance(event, FrameError):
                text = str(event)
                if text.startswith("unexpected bytes"):
                    text = ("stray bytes on stdout (not a JSON message): "
                            + text.split(": ", 1)[-1]
                            + " — stdout must carry protocol messages only")
                out.append(Violation(text))
            else:
                out.append(self._decode(event))
        return out
