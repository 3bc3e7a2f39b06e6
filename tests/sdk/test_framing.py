# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Framers: pure bytes in, messages or errors out; bounded memory; always back in sync."""

from __future__ import annotations

import json
import struct

import pytest
from gassist_sdk._endmarker import EndMarkerFramer
from gassist_sdk._errors import FrameError
from gassist_sdk._framing import LengthPrefixFramer
from hypothesis import given, settings
from hypothesis import strategies as st


def frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def feed_in_pieces(framer, data: bytes, cuts: list[int]) -> list:
    events = []
    start = 0
    for cut in sorted(set(c for c in cuts if 0 < c < len(data))):
        events += framer.feed(data[start:cut])
        start = cut
    events += framer.feed(data[start:])
    return events


# -- V2 ---------------------------------------------------------------------------------


def test_length_prefix_several_messages_in_one_read() -> None:
    framer = LengthPrefixFramer()
    assert framer.feed(frame(b"a") + frame(b"bc") + frame(b"def")) == [b"a", b"bc", b"def"]
    assert framer.buffered == 0


def test_length_prefix_byte_by_byte() -> None:
    framer = LengthPrefixFramer()
    data = frame("héllo ✓".encode())
    events = []
    for byte in data:
        events += framer.feed(bytes([byte]))
    assert events == ["héllo ✓".encode()]


def test_length_is_measured_on_encoded_bytes() -> None:
    payload = "ü€😀".encode()
    assert LengthPrefixFramer().encode(payload)[:4] == struct.pack(">I", len(payload)) == \
        struct.pack(">I", 9)


def test_zero_length_frame_is_an_error_and_the_next_frame_survives() -> None:
    events = LengthPrefixFramer().feed(struct.pack(">I", 0) + frame(b"ok"))
    assert isinstance(events[0], FrameError) and "zero-length" in events[0].message
    assert events[1] == b"ok"


def test_oversized_frame_is_discarded_in_bounded_memory() -> None:
    framer = LengthPrefixFramer(max_size=1000)
    events = framer.feed(struct.pack(">I", 50_000))
    assert isinstance(events[0], FrameError) and "50000 bytes" in events[0].message
    for _ in range(49):
        assert framer.feed(b"x" * 1000) == []
        assert len(framer._buf) == 0  # nothing of the discarded body is kept
    assert framer.feed(b"x" * 1000 + frame(b"after")) == [b"after"]


def test_finish_reports_a_truncated_frame() -> None:
    framer = LengthPrefixFramer()
    framer.feed(struct.pack(">I", 10) + b"abc")
    (error,) = framer.finish()
    assert "ended inside a frame" in error.message
    assert LengthPrefixFramer().finish() == []


def test_encode_refuses_empty_and_oversized() -> None:
    with pytest.raises(FrameError):
        LengthPrefixFramer().encode(b"")
    with pytest.raises(FrameError):
        LengthPrefixFramer(max_size=3).encode(b"abcd")


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=8), st.lists(st.integers(0, 3000)))
def test_length_prefix_any_split_yields_the_same_messages(payloads: list[bytes],
                                                          cuts: list[int]) -> None:
    framer = LengthPrefixFramer()
    data = b"".join(framer.encode(p) for p in payloads)
    assert feed_in_pieces(LengthPrefixFramer(), data, cuts) == payloads


@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000)))
def test_length_prefix_garbage_never_raises_and_recovers(garbage: bytes, cuts: list[int]) -> None:
    framer = LengthPrefixFramer(max_size=4096)
    feed_in_pieces(framer, garbage, cuts)
    framer.finish()  # resets whatever the garbage left
    assert framer.feed(frame(b"resync")) == [b"resync"]


# -- V1 ---------------------------------------------------------------------------------


def test_end_marker_variants() -> None:
    framer = EndMarkerFramer()
    data = (b'\xef\xbb\xbf {"a": 1}<<END>>\n{"b": "x<<END>>y"}{"c": [1, {"d": "}"}]}  '
            b'<<END>><<END>>')
    assert framer.feed(data) == [b'{"a": 1}', b'{"b": "x<<END>>y"}', b'{"c": [1, {"d": "}"}]}']


def test_end_marker_escaped_quotes_and_backslashes() -> None:
    payload = json.dumps({"t": 'quote " brace } back \\ end <<END>>'}).encode()
    assert EndMarkerFramer().feed(payload + b"<<END>>") == [payload]


def test_marker_split_across_reads() -> None:
    framer = EndMarkerFramer(require_marker=True)
    assert framer.feed(b'{"a":1}<<E') == []
    assert framer.held == b'{"a":1}'
    assert framer.feed(b"ND>>") == [b'{"a":1}']


def test_message_cut_short_by_marker_is_reported_and_dropped() -> None:
    events = EndMarkerFramer().feed(b'{"a": <<END>>{"b": 2}')
    assert isinstance(events[0], FrameError) and "cut short" in events[0].message
    assert events[1] == b'{"b": 2}'


def test_stray_bytes_reported_once_per_run() -> None:
    framer = EndMarkerFramer()
    events = framer.feed(b"hello there ")
    events += framer.feed(b"more junk\n{\"ok\": 1}")
    errors = [e for e in events if isinstance(e, FrameError)]
    assert len(errors) == 1 and "unexpected bytes" in errors[0].message
    assert events[-1] == b'{"ok": 1}'


def test_oversized_v1_message_is_scanned_not_kept() -> None:
    framer = EndMarkerFramer(max_size=100)
    framer.feed(b'{"big": "')
    for _ in range(50):
        framer.feed(b"y" * 100)
        assert len(framer._buf) <= 200
    events = framer.feed(b'"}<<END>>{"small": 1}')
    assert isinstance(events[0], FrameError) and "exceeds" in events[0].message
    assert events[1] == b'{"small": 1}'


def test_require_marker_reports_missing_marker_but_keeps_message() -> None:
    framer = EndMarkerFramer(require_marker=True)
    events = framer.feed(b'{"a": 1}{"b": 2}<<END>>')
    assert isinstance(events[0], FrameError) and "not terminated" in events[0].message
    assert events[1:] == [b'{"a": 1}', b'{"b": 2}']


def test_finish_reports_unterminated_message() -> None:
    framer = EndMarkerFramer()
    framer.feed(b'{"a": [1, 2')
    (error,) = framer.finish()
    assert "ended inside a message" in error.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)


# Structured values are costly to generate; the garbage fuzzers below run the full 10,000.
@settings(max_examples=1500)
@given(st.lists(st.dictionaries(st.text(max_size=8), json_values, max_size=4), max_size=6),
       st.lists(st.integers(0, 4000)), st.booleans(), st.booleans())
def test_end_marker_any_split_yields_the_same_messages(objects: list[dict], cuts: list[int],
                                                       markers: bool, ascii_only: bool) -> None:
    payloads = [json.dumps(o, ensure_ascii=ascii_only).encode() for o in objects]
    separator = b"<<END>>" if markers else b"\n"
    data = b"".join(p + separator for p in payloads)
    assert feed_in_pieces(EndMarkerFramer(), data, cuts) == payloads


@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000)))
def test_end_marker_garbage_never_raises_and_recovers(garbage: bytes, cuts: list[int]) -> None:
    framer = EndMarkerFramer(max_size=4096)
    feed_in_pieces(framer, garbage, cuts)
    framer.finish()
    assert framer.feed(b'{"resync": true}<<END>>') == [b'{"resync": true}']


# -- hostile JSON through both codecs: deep nesting and lone surrogates ----------------------

hostile_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                              blacklist_categories=()), max_size=20)


@given(st.integers(1, 200_000), st.sampled_from("[{"), st.booleans())
def test_codecs_answer_any_nesting_depth_with_an_error_not_a_crash(depth: int, opener: str,
                                                                   v1: bool) -> None:
    from gassist_sdk._errors import WireError
    from gassist_sdk._jsonrpc import V2Codec
    from gassist_sdk._legacy import V1Codec

    closer = "]" if opener == "[" else "}"
    inner = (opener + ('"k":' if opener == "{" else "")) * depth + "1" + closer * depth
    body = ('{"tool_calls":[{"func":"f","params":{"x":' + inner + "}}]}" if v1 else
            '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"t":' + inner + "}}")
    codec = V1Codec() if v1 else V2Codec()
    try:
        codec.decode(body.encode())
    except WireError:
        pass


@given(hostile_text, st.one_of(st.integers(), hostile_text), st.booleans())
def test_encoding_any_text_gives_valid_utf8_and_keeps_the_id(text: str, request_id: object,
                                                             v1: bool) -> None:
    from gassist_sdk._jsonrpc import Request, Response, V2Codec
    from gassist_sdk._legacy import V1Codec

    codec = V1Codec() if v1 else V2Codec()
    for message in (Response(request_id, {"echo": text}),
                    Request("complete", {"request_id": request_id, "success": True,
                                         "data": text}, notification=True)):
        data = codec.encode(message)
        if data is None:
            continue
        body = data[:-len(b"<<END>>")] if v1 else data[4:]
        decoded = json.loads(body.decode("utf-8"))  # strict UTF-8: no surrogates written
        if v1:
            assert data.count(b"<<END>>") == 1
        elif isinstance(message, Response):
            assert decoded["id"] == request_id
        else:
            assert decoded["params"]["request_id"] == request_id
