# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The host's side of the wire: stray-byte detection and violations, from byte literals."""

from __future__ import annotations

import json
import struct

import pytest
from gassist_build.host.dialects import V1Dialect, V2Dialect, V2StreamGuard, Violation


def frame(obj: object) -> bytes:
    body = json.dumps(obj).encode("utf-8")
    return struct.pack(">I", len(body)) + body


PONG = {"jsonrpc": "2.0", "id": 1, "result": {"timestamp": 5}}


def test_guard_passes_frames_untouched_across_any_split() -> None:
    data = frame(PONG) + frame({"jsonrpc": "2.0", "method": "log", "params": {}})
    for cut in range(len(data) + 1):
        guard = V2StreamGuard()
        runs = guard.split(data[:cut]) + guard.split(data[cut:])
        assert all(is_frame for is_frame, _ in runs)
        assert b"".join(chunk for _, chunk in runs) == data


def test_guard_separates_printed_text_and_resyncs() -> None:
    data = b"Loading model...\n" + frame(PONG) + b"DEBUG\n" + frame(PONG)
    runs = V2StreamGuard().split(data)
    assert runs == [(False, b"Loading model...\n"), (True, frame(PONG)),
                    (False, b"DEBUG\n"), (True, frame(PONG))]


def test_guard_holds_a_partial_header_until_it_can_judge() -> None:
    guard = V2StreamGuard()
    whole = frame(PONG)
    assert guard.split(whole[:3]) == []
    runs = guard.split(whole[3:])
    assert b"".join(chunk for _, chunk in runs) == whole
    assert all(is_frame for is_frame, _ in runs)


def test_guard_does_not_take_a_nul_in_text_for_a_frame() -> None:
    junk = b"abc\x00\x00\x00\x05hello"  # a plausible length, but the body is not JSON
    runs = V2StreamGuard().split(junk + frame(PONG))
    assert runs[0] == (False, junk)
    assert runs[1] == (True, frame(PONG))


def test_v2_dialect_reports_stray_bytes_once_per_run_and_keeps_messages() -> None:
    dialect = V2Dialect()
    out = dialect.feed(b"DEBUG 1\n") + dialect.feed(b"DEBUG 2\n") + dialect.feed(frame(PONG))
    violations = [item for item in out if isinstance(item, Violation)]
    assert len(violations) == 1
    assert "stray bytes on stdout" in violations[0].message
    assert "b'DEBUG 1\\n'" in violations[0].message
    assert out[-1] == PONG
    assert dialect.stray_bytes == 16


@pytest.mark.parametrize(("body", "expected"), [
    (b"{'a': 1}", "not valid JSON (Expecting property name enclosed in double quotes"),
    (b"[1, 2]", "JSON but not an object: b'[1, 2]'"),
    (b'{"a": "\xff"}', "not valid UTF-8"),
])
def test_v2_dialect_names_undecodable_replies(body: bytes, expected: str) -> None:
    (item,) = V2Dialect().feed(struct.pack(">I", len(body)) + body)
    assert isinstance(item, Violation)
    assert expected in item.message


def test_v2_dialect_reports_a_frame_cut_short_at_end_of_stream() -> None:
    dialect = V2Dialect()
    whole = frame(PONG)
    assert dialect.feed(whole[:10]) == []
    (item,) = dialect.finish()
    assert isinstance(item, Violation) and "stream ended inside a frame" in item.message


def test_v2_requests_are_framed_json_rpc() -> None:
    data = V2Dialect().request("ping", {"timestamp": 7}, 3)
    (size,) = struct.unpack(">I", data[:4])
    assert json.loads(data[4:4 + size]) == {"jsonrpc": "2.0", "method": "ping",
                                            "params": {"timestamp": 7}, "id": 3}
    notification = V2Dialect().request("shutdown", {}, None)
    assert "id" not in json.loads(notification[4:])


def test_v1_dialect_sends_tool_calls_with_end_marker() -> None:
    data = V1Dialect().tool_call("greet", {"name": "Ada"}, [{"role": "user", "content": "hi"}])
    assert data.endswith(b"<<END>>")
    assert json.loads(data[:-7]) == {"tool_calls": [{"func": "greet", "params": {"name": "Ada"}}],
                                     "messages": [{"role": "user", "content": "hi"}],
                                     "system_info": ""}
    turn = json.loads(V1Dialect(send_end_marker=False).user_input("more"))
    assert turn["msg_type"] == "user_input" and turn["content"] == "more"


def test_v1_dialect_holds_an_unterminated_reply_and_says_so() -> None:
    dialect = V1Dialect()
    assert dialect.feed(b'{"success": true, "message": "hi"}') == []
    hint = dialect.waiting_hint()
    assert hint is not None
    assert hint.startswith("reply not terminated by <<END>>: b'{\"success\": true")
    assert dialect.feed(b"<<END>>") == [{"success": True, "message": "hi"}]
    assert dialect.waiting_hint() is None


def test_v1_dialect_reports_text_between_messages() -> None:
    out = V1Dialect().feed(b'Loading...\n{"message": "1"}<<END>>')
    assert isinstance(out[0], Violation)
    assert out[0].message.startswith("stray bytes on stdout (not a JSON message): b'Loading...")
    assert out[1] == {"message": "1"}
