# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""V1 never goes silent: a broken message gets one failed final and the next one is served."""

from __future__ import annotations

import json

import pytest
from fixtures.hostile_peer import alive_v1, v1  # noqa: F401
from fixtures.wire import WirePeer
from gassist_sdk._endmarker import EndMarkerFramer
from gassist_sdk._framing import END_MARKER
from gassist_sdk._jsonrpc import Request
from gassist_sdk._legacy import V1Codec
from hypothesis import given
from hypothesis import strategies as st

GOOD = b'{"tool_calls":[{"func":"echo","params":{"text":"after"}}]}'


@pytest.mark.parametrize("bad", [
    b'{"tool_calls":[{"func":"echo","params":{"text":"say "hi" now"}}]}<<END>>',
    b'{"tool_calls":[{"func":"echo","params":{"text":"cut<<END>>',
    b'{"tool_calls":[{"func":"echo","params":{"text":"a"b"}}]}\n',
])
def test_broken_message_gets_a_failed_final_and_the_next_message_is_answered(
        v1: WirePeer, bad: bytes) -> None:  # noqa: F811
    v1.send_raw(bad)
    _, final = v1.v1_collect()
    assert final["success"] is False
    v1.send_raw(GOOD + END_MARKER)
    _, final = v1.v1_collect()
    assert final == {"success": True, "message": "after"}
    alive_v1(v1)


def test_stray_bytes_between_messages_give_no_extra_finals(v1: WirePeer) -> None:  # noqa: F811
    v1.send_raw((GOOD + END_MARKER + b"\x00") * 3)
    for _ in range(3):
        _, final = v1.v1_collect()
        assert final == {"success": True, "message": "after"}
    alive_v1(v1)
    v1.send_raw(b'{"tool_calls":[{"func":"shutdown"}]}<<END>>')
    v1.close()
    assert [m for m in v1.leftover() if "success" in m] == [
        {"success": True, "message": "shutting down"}]


@pytest.mark.parametrize("stray", [b"}<<END>>", b"garbage\n", b" ]] <<END>>"])
def test_printable_stray_bytes_after_a_message_get_no_final_before_its_answer(
        v1: WirePeer, stray: bytes) -> None:  # noqa: F811
    # Found in review: the stray bytes were answered at once, before the queued call,
    # so a V1 engine would have paired every later answer with the wrong call.
    v1.send_raw(GOOD + END_MARKER + stray)
    _, final = v1.v1_collect()
    assert final == {"success": True, "message": "after"}
    alive_v1(v1)


def test_reply_text_holding_the_marker_never_puts_the_marker_on_the_wire(
        v1: WirePeer) -> None:  # noqa: F811
    before = len(v1.raw_out)
    _, final = v1.v1_call("echo", text="a <<END>> b <<END>>")
    assert final == {"success": True, "message": "a <<END>> b <<END>>"}
    written = bytes(v1.raw_out[before:])
    assert written.count(END_MARKER) == 1 and written.endswith(END_MARKER)


def test_v1_codec_escapes_the_marker_in_every_object() -> None:
    codec = V1Codec()
    data = codec.encode(Request("complete", {"request_id": "v1-1", "success": True,
                                             "data": "x<<END>>y"}, notification=True))
    assert data is not None and data.count(END_MARKER) == 1
    assert json.loads(data[: -len(END_MARKER)])["message"] == "x<<END>>y"


# -- fuzz: the framer resynchronises after any broken message ---------------------------------

BROKEN = st.sampled_from([
    b'{"a":"x"y"}', b'{"a":"cut', b'{"a":[1,2', b'{"a":"q"q"q"}', b'{"a":"\x01"}', b'{"a":tru}',
    b'{"a":"x\ny"}', b'{{{{', b'{"a":"' + b"\\" * 3,
])


@given(st.lists(BROKEN, min_size=1, max_size=4), st.integers(min_value=1, max_value=64))
def test_v1_framer_resynchronises_at_the_next_marker_after_any_broken_message(
        broken: list[bytes], step: int) -> None:
    framer = EndMarkerFramer()
    good = json.dumps({"tool_calls": [{"func": "f", "params": {"n": 1}}]}).encode()
    data = b"".join(b + END_MARKER + good + END_MARKER for b in broken)
    events = []
    for start in range(0, len(data), step):
        events += framer.feed(data[start:start + step])
    events += framer.finish()
    assert [e for e in events if isinstance(e, bytes) and e == good] == [good] * len(broken)
    # One event per broken message: each is answered once, never silently dropped.
    assert len([e for e in events if not isinstance(e, bytes) or e != good]) == len(broken)
