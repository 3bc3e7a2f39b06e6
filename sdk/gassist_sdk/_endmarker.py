# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Protocol V1's framer: JSON values ended by ``<<END>>``. Pure and bytes-only.

The interface is :class:`._framing.Framer`'s. It lives apart from the V2 framer
so that a V2 plug-in never compiles it (start-up is mostly compiling).
"""

from __future__ import annotations

import re

from ._errors import FrameError
from ._framing import BOM, END_MARKER, MAX_FRAME_SIZE, FrameEvent, Framer, _preview, _stray

__all__ = ["EndMarkerFramer"]

_WS = frozenset(b" \t\r\n")
# Outside strings: structure, a string, a marker, or a byte JSON never has there.
_OUTSIDE = re.compile(rb'[^ \t\r\n:,0-9+\-.Eaeflnrstu]')
# Inside strings: the end, an escape, a marker, or a raw control byte (never valid).
_INSIDE_STRING = re.compile(rb'["\\<\x00-\x1f]')
_CONTROL = bytes(range(0x20)) + b"\x7f"
_ESCAPED = frozenset(b'"\\/bfnrtu')
_RESYNC = re.compile(rb"[{\n]|<<END>>")
# Where a broken message ends: its marker, or a new object after '}' or a newline.
_BROKEN_END = re.compile(rb"<<END>>|[}\n][ \t\r\n]*(?=\{)")


class EndMarkerFramer(Framer):
    """Protocol V1: JSON values, each usually followed by ``<<END>>``.

    Incoming messages are whole JSON objects found by scanning bytes (string
    and escape aware), so a message split across reads, several messages in
    one read, a missing or trailing ``<<END>>``, whitespace and a UTF-8 BOM are
    all handled. A message whose JSON is cut short by ``<<END>>`` is reported
    and dropped; stray bytes between messages are reported once per run (a
    run of control bytes only, such as NUL padding, as kind ``noise``, which
    the runtime does not answer: no request asked anything).

    ``<<END>>`` inside a string is text, as long as the value stays JSON. A
    message that cannot be JSON (a byte JSON never has outside a string, a
    raw control byte or a bad escape inside one, as an unescaped quote or a
    string cut by a marker soon produces) is reported at once, as one
    :class:`FrameError`, and the reader resynchronises: right after a marker
    it had read as text (the message was cut there: kind ``cut-short``),
    else (kind ``malformed``) after the rest is skipped up to its
    ``<<END>>``, or up to a ``{`` that follows a ``}`` or a newline (engines
    that send no marker). One bad message never silences the ones after it.

    Args:
        max_size: Largest message kept, in bytes. Larger ones are scanned
            without being kept and reported.
        require_marker: Hold each complete value until its ``<<END>>`` arrives
            (what a strict engine expects from a plug-in); see :attr:`held`.
    """

    def __init__(self, max_size: int = MAX_FRAME_SIZE, *, require_marker: bool = False) -> None:
        self.max_size = max_size
        self.require_marker = require_marker
        self._buf = bytearray()
        self._pos = 0
        self._start = -1
        self._depth = 0
        self._in_string = False
        self._dropped = 0
        self._in_garbage = False
        self._skipping = False
        self._inner_marker = -1  # offset of a marker read as text in the current value
        self._held: bytes | None = None

    @property
    def buffered(self) -> int:
        return len(self._buf) + (len(self._held) if self._held is not None else 0)

    @property
    def held(self) -> bytes | None:
        """A complete value still waiting for its ``<<END>>`` (``require_marker`` only)."""
        return self._held

    def encode(self, payload: bytes) -> bytes:
        return payload + END_MARKER

    def feed(self, data: bytes) -> list[FrameEvent]:
        self._buf += data
        events: list[FrameEvent] = []
        while True:
            if self._skipping:
                if not self._skip_broken():
                    break
            elif self._start < 0:
                if not self._between(events):
                    break
            elif not self._scan_value(events):
                break
        buf = self._buf
        if (self._in_string and self._pos == len(buf) and buf.endswith(END_MARKER)
                and not self._dropped):
            # A read that ends with a marker inside a string: engines write a message
            # and its marker at once, so the message was cut there; answer it now
            # rather than when the next message shows the string never ended.
            self._marker_at(events, len(buf) - len(END_MARKER))
        self._compact()
        return events

    def finish(self) -> list[FrameEvent]:
        events: list[FrameEvent] = []
        if self._held is not None:
            self._unterminated(events)
        if self._start >= 0:
            size = self._dropped + len(self._buf) - self._start
            events.append(FrameError(f"stream ended inside a message ({size} bytes received)",
                                     kind=FrameError.TRUNCATED))
        else:
            rest = bytes(self._buf[self._pos :]).strip(b" \t\r\n")
            if rest and rest not in (BOM, END_MARKER) and not self._in_garbage:
                events.append(_stray(_preview(rest)))
        self._reset_value()
        self._buf.clear()
        self._pos = 0
        self._in_garbage = False
        self._skipping = False
        return events

    # -- scanning -----------------------------------------------------------------

    def _between(self, events: list[FrameEvent]) -> bool:
        """Consume what lies between messages; True when a value starts."""
        buf = self._buf
        end = len(buf)
        while self._pos < end:
            byte = buf[self._pos]
            if byte in _WS:
                self._pos += 1
                continue
            if byte == 0x7B or byte == 0x5B:  # '{' or '['
                if self._held is not None:
                    self._unterminated(events)
                self._in_garbage = False
                self._start = self._pos
                return True
            rest = buf[self._pos : self._pos + len(END_MARKER)]
            if rest == END_MARKER:
                self._pos += len(END_MARKER)
                if self._held is not None:
                    events.append(self._held)
                    self._held = None
                self._in_garbage = False
                continue
            if buf[self._pos : self._pos + 3] == BOM:
                self._pos += 3
                continue
            if END_MARKER.startswith(rest) or BOM.startswith(rest):
                return False  # a marker or BOM split across reads: wait
            self._skip_garbage(events)
        return False

    def _skip_garbage(self, events: list[FrameEvent]) -> None:
        if self._held is not None:
            self._unterminated(events)
        match = _RESYNC.search(self._buf, self._pos + 1)
        stop = match.start() if match else len(self._buf)
        if not self._in_garbage:
            run = bytes(self._buf[self._pos : stop])
            stray = _stray(_preview(run))
            if not run.translate(None, _CONTROL):
                stray.kind = FrameError.NOISE  # padding, not an attempt at a message
            events.append(stray)
        # A newline ends a run of garbage; '{' or a marker only pause it.
        self._in_garbage = match is None or self._buf[stop] != 0x0A
        self._pos = stop

    def _scan_value(self, events: list[FrameEvent]) -> bool:
        """Advance through the current value; True when it ended (or was dropped)."""
        buf = self._buf
        while True:
            if self._in_string:
                match = _INSIDE_STRING.search(buf, self._pos)
                if match is None:
                    self._pos = len(buf)
                    self._limit_size(events)
                    return False
                index = match.start()
                byte = buf[index]
                if byte == 0x5C:  # backslash: skip the escaped byte
                    if index + 1 >= len(buf):
                        self._pos = index
                        return False
                    if buf[index + 1] not in _ESCAPED:
                        return self._broken(events, index + 1, "a bad escape in a string")
                    self._pos = index + 2
                    continue
                if byte == 0x22:
                    self._in_string = False
                    self._pos = index + 1
                    continue
                if byte == 0x3C:  # '<': a marker here is text, unless the value breaks
                    tail = buf[index : index + len(END_MARKER)]
                    if tail == END_MARKER:
                        if self._inner_marker < 0 and not self._dropped:
                            self._inner_marker = index - self._start
                        self._pos = index + len(END_MARKER)
                    elif END_MARKER.startswith(tail):
                        self._pos = index
                        return False
                    else:
                        self._pos = index + 1
                    continue
                return self._broken(events, index + 1, "a raw control byte in a string")
            match = _OUTSIDE.search(buf, self._pos)
            if match is None:
                self._pos = len(buf)
                self._limit_size(events)
                return False
            index = match.start()
            byte = buf[index]
            if byte == 0x22:  # '"'
                self._in_string = True
                self._pos = index + 1
            elif byte == 0x7B or byte == 0x5B:
                self._depth += 1
                self._pos = index + 1
            elif byte == 0x7D or byte == 0x5D:
                self._depth -= 1
                self._pos = index + 1
                if self._depth == 0:
                    self._complete(events)
                    return True
            elif byte == 0x3C:  # '<'
                marker = self._marker_at(events, index)
                if marker is not None:
                    return marker
            else:
                return self._broken(events, index, f"{bytes([byte])!r} outside a string")

    def _marker_at(self, events: list[FrameEvent], index: int) -> bool | None:
        """At a ``<`` inside a value: True (cut short), False (wait), None (go on)."""
        buf = self._buf
        tail = buf[index : index + len(END_MARKER)]
        if tail == END_MARKER:
            size = self._dropped + index - self._start
            shown = _preview(buf[self._start : index])
            events.append(FrameError(f"message cut short by <<END>> after {size} bytes:"
                                     f" {shown}", kind=FrameError.CUT_SHORT, excerpt=shown))
            self._reset_value()
            self._pos = index + len(END_MARKER)
            return True
        if END_MARKER.startswith(tail):
            self._pos = index
            return False
        self._pos = index + 1
        return None

    def _broken(self, events: list[FrameEvent], index: int, what: str) -> bool:
        """Report the current value as not JSON and skip the rest of it."""
        if self._inner_marker >= 0:
            # A marker read as text was this message's end: the next one starts after it.
            cut = self._start + self._inner_marker
            self._pos = cut
            self._inner_marker = -1
            result = self._marker_at(events, cut)
            assert result is True
            return True
        shown = _preview(self._buf[self._start : index])
        events.append(FrameError(f"invalid JSON ({what}): {shown}",
                                 kind=FrameError.MALFORMED, excerpt=shown))
        self._reset_value()
        self._pos = index
        self._skipping = True
        return True

    def _skip_broken(self) -> bool:
        """Skip a broken message's rest; True once past it."""
        match = _BROKEN_END.search(self._buf, self._pos)
        if match is None:
            # Keep what could begin a boundary split across reads.
            self._pos = max(self._pos, len(self._buf) - len(END_MARKER) + 1)
            return False
        self._pos = match.end()
        self._skipping = False
        return True

    def _complete(self, events: list[FrameEvent]) -> None:
        size = self._dropped + self._pos - self._start
        if self._dropped:
            events.append(
                FrameError(f"message of {size} bytes exceeds the limit of {self.max_size} bytes;"
                           " it was discarded", kind=FrameError.OVERSIZE)
            )
        else:
            value = bytes(self._buf[self._start : self._pos])
            if self.require_marker:
                self._held = value
            else:
                events.append(value)
        self._reset_value()

    def _limit_size(self, events: list[FrameEvent]) -> None:
        kept = self._pos - self._start
        if self._dropped + kept > self.max_size:
            # Scan on without keeping the bytes; remember only how many there were.
            self._dropped += kept
            del self._buf[self._start : self._pos]
            self._pos = self._start

    def _unterminated(self, events: list[FrameEvent]) -> None:
        # Report the violation, then pass the message on: nothing is lost.
        assert self._held is not None
        shown = _preview(self._held)
        events.append(FrameError(f"message not terminated by <<END>>: {shown}",
                                 kind=FrameError.UNTERMINATED, excerpt=shown))
        events.append(self._held)
        self._held = None

    def _reset_value(self) -> None:
        self._inner_marker = -1
        self._start = -1
        self._depth = 0
        self._in_string = False
        self._dropped = 0

    def _compact(self) -> None:
        cut = self._pos if self._start < 0 else self._start
        if cut:
            del self._buf[:cut]
            self._pos -= cut
            if self._start >= 0:
                self._start -= cut
