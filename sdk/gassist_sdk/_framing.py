# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Byte framing: the framer interface and protocol V2's length prefix. Pure and bytes-only.

The V1 framer (``<<END>>``) lives in :mod:`._endmarker`, loaded only by plug-ins
and hosts that speak V1: a V2 plug-in does not compile it at start-up. Both
framers share one interface:

* ``feed(data)`` takes whatever bytes arrived and returns a list of events, each
  either a complete message body (``bytes``) or a :class:`FrameError` describing
  bytes that were dropped. After an error the framer is back in sync.
* ``finish()`` is called at end of stream and reports a message cut short.
* ``encode(payload)`` frames one outgoing message body.

Memory stays bounded whatever the peer sends: an oversized V2 frame is skipped
as its bytes arrive, and an oversized V1 message is scanned without being kept.
"""

from __future__ import annotations

import struct

from ._errors import FrameError

__all__ = [
    "BOM",
    "END_MARKER",
    "MAX_FRAME_SIZE",
    "FrameEvent",
    "Framer",
    "LengthPrefixFramer",
]

MAX_FRAME_SIZE = 10 * 1024 * 1024
END_MARKER = b"<<END>>"
BOM = b"\xef\xbb\xbf"
_HEADER = struct.Struct(">I")
_PREVIEW = 40

FrameEvent = bytes | FrameError


def _preview(data: bytes | bytearray) -> str:
    text = bytes(data[:_PREVIEW])
    more = "..." if len(data) > _PREVIEW else ""
    return f"{text!r}{more}"


def _stray(shown: str) -> FrameError:
    return FrameError(f"unexpected bytes outside a message: {shown}",
                      kind=FrameError.STRAY_BYTES, excerpt=shown)


class Framer:
    """Common interface of the two framers (documentation and typing only)."""

    def feed(self, data: bytes) -> list[FrameEvent]:  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self) -> list[FrameEvent]:  # pragma: no cover - interface
        raise NotImplementedError

    def encode(self, payload: bytes) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def buffered(self) -> int:  # pragma: no cover - interface
        """Bytes held that do not yet form a complete message."""
        raise NotImplementedError


class LengthPrefixFramer(Framer):
    """Protocol V2: ``[uint32 big-endian length][payload]``, 1..max_size bytes."""

    def __init__(self, max_size: int = MAX_FRAME_SIZE) -> None:
        self.max_size = max_size
        self._buf = bytearray()
        self._discard = 0
        self._discard_size = 0

    @property
    def buffered(self) -> int:
        return len(self._buf) + self._discard

    def feed(self, data: bytes) -> list[FrameEvent]:
        events: list[FrameEvent] = []
        buf = self._buf
        buf += data
        pos = 0
        end = len(buf)
        while True:
            if self._discard:
                n = min(self._discard, end - pos)
                pos += n
                self._discard -= n
                if self._discard:
                    break
                continue
            if end - pos < _HEADER.size:
                break
            (size,) = _HEADER.unpack_from(buf, pos)
            if size == 0:
                pos += _HEADER.size
                events.append(FrameError("zero-length frame: a frame must carry 1 or more bytes",
                                         kind=FrameError.ZERO_LENGTH))
                continue
            if size > self.max_size:
                pos += _HEADER.size
                self._discard = size
                self._discard_size = size
                events.append(
                    FrameError(
                        f"frame of {size} bytes exceeds the limit of {self.max_size} bytes;"
                        " its body was discarded",
                        kind=FrameError.OVERSIZE,
                    )
                )
                continue
            if end - pos < _HEADER.size + size:
                break
            start = pos + _HEADER.size
            events.append(bytes(buf[start : start + size]))
            pos = start + size
        if pos:
            del buf[:pos]
        return events

    def finish(self) -> list[FrameEvent]:
        if self._discard:
            got = self._discard_size - self._discard
            self._discard = 0
            return [FrameError(f"stream ended inside a discarded frame ({got} of "
                               f"{self._discard_size} bytes)", kind=FrameError.TRUNCATED)]
        if not self._buf:
            return []
        held = len(self._buf)
        self._buf.clear()
        if held < _HEADER.size:
            return [FrameError(f"stream ended inside a frame header ({held} of 4 bytes)",
                               kind=FrameError.TRUNCATED)]
        return [FrameError(f"stream ended inside a frame ({held - _HEADER.size} body bytes"
                           " received)", kind=FrameError.TRUNCATED)]

    def encode(self, payload: bytes) -> bytes:
        if not payload:
            raise FrameError("refusing to send a zero-length frame", kind=FrameError.ZERO_LENGTH)
        if len(payload) > self.max_size:
            raise FrameError(
                f"message of {len(payload)} bytes exceeds the limit of {self.max_size} bytes",
                kind=FrameError.OVERSIZE,
            )
        return _HEADER.pack(len(payload)) + payload
