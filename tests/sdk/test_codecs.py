# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Codecs: JSON-RPC decode/encode and the V1 translation, including fuzzing."""

from __future__ import annotations

import json

import pytest
from gassist_sdk._errors import InvalidRequest, ParseError, WireError
from gassist_sdk._jsonrpc import Request, Response, V2Codec, decode_message, encode_message
from gassist_sdk._legacy import V1Codec
from hypothesis import given
from hypothesis import strategies as st


def test_decode_request_notification_and_response() -> None:
    request = decode_message(b'{"jsonrpc":"2.0","id":3,"method":"ping","params":{"timestamp":1}}')
    assert request == Request("ping", {"timestamp": 1}, 3, notification=False)
    note = decode_message(b'{"jsonrpc":"2.0","method":"shutdown"}')
    assert isinstance(note, Request) and note.notification and note.params == {}
    response = decode_message(b'{"jsonrpc":"2.0","id":"a","result":{"x":1}}')
    assert response == Response("a", {"x": 1})


@pytest.mark.parametrize(
    ("payload", "error", "request_id"),
    [
        (b"{nope", ParseError, None),
        (b"\xff\xfe{}", ParseError, None),
        (b"[]", InvalidRequest, None),
        (b'"text"', InvalidRequest, None),
        (b'{"id": 4, "method": "ping"}', InvalidRequest, 4),
        (b'{"jsonrpc": "1.0", "id": 5, "method": "ping"}', InvalidRequest, 5),
        (b'{"jsonrpc": "2.0", "id": 6, "method": 12}', InvalidRequest, 6),
        (b'{"jsonrpc": "2.0", "id": 7, "method": "x", "params": [1]}', InvalidRequest, 7),
        (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "x"}', InvalidRequest, None),
        (b'{"jsonrpc": "2.0", "id": 8}', InvalidRequest, 8),
    ],
)
def test_decode_errors_carry_code_and_id(payload: bytes, error: type[WireError],
                                         request_id: object) -> None:
    with pytest.raises(error) as caught:
        decode_message(payload)
    assert getattr(caught.value, "request_id", None) == request_id
    assert caught.value.to_wire()["code"] == error.code


def test_encode_is_compact_utf8_and_rejects_nan() -> None:
    data = encode_message(Request("stream", {"request_id": 1, "data": "ü"}, notification=True))
    expected = '{"jsonrpc":"2.0","method":"stream","params":{"request_id":1,"data":"ü"}}'
    assert data == expected.encode()
    with pytest.raises(WireError):
        encode_message(Response(1, {"x": float("nan")}))


def test_v1_tool_calls_become_requests() -> None:
    codec = V1Codec()
    messages = codec.decode(json.dumps({
        "tool_calls": [{"func": "initialize"}, {"func": "check", "properties": {"u": "a"}},
                       {"func": "shutdown"}],
        "context": [{"role": "user", "content": "hi"}], "system_info": "RTX"}).encode())
    assert [m.method for m in messages] == ["initialize", "execute", "shutdown"]
    execute = messages[1]
    assert isinstance(execute, Request)
    assert execute.params == {"function": "check", "arguments": {"u": "a"},
                              "context": [{"role": "user", "content": "hi"}], "system_info": "RTX"}


def test_v1_replies_are_translated() -> None:
    codec = V1Codec()
    (init,) = codec.decode(b'{"tool_calls": [{"func": "initialize"}]}')
    assert json.loads(codec.encode(Response(init.id, {"name": "x"}))[:-7]) == {
        "success": True, "message": "initialized"}
    (user_input,) = codec.decode(b'{"msg_type": "user_input", "content": "more"}')
    assert codec.encode(Response(user_input.id, {"acknowledged": True})) is None
    complete = Request("complete", {"request_id": 1, "success": True, "data": "ok",
                                    "keep_session": True}, notification=True)
    assert codec.encode(complete) == b'{"success":true,"message":"ok","awaiting_input":true}<<END>>'
    stream = Request("stream", {"request_id": 1, "data": "part"}, notification=True)
    assert codec.encode(stream) == b'{"message":"part"}<<END>>'
    error = Response(None, error={"code": -32700, "message": "invalid JSON"})
    assert codec.encode(error) == b'{"success":false,"message":"invalid JSON"}<<END>>'
    log = Request("log", {"level": "info", "message": "x"}, notification=True)
    assert codec.encode(log) is None


@pytest.mark.parametrize("payload", [
    b'{"tool_calls": []}', b'{"tool_calls": [{"params": {}}]}', b'{"msg_type": "dance"}',
    b'{"tool_calls": [{"func": "x", "params": [1]}]}', b'{"msg_type": "user_input"}', b"[1]",
])
def test_v1_malformed_messages_are_invalid_requests(payload: bytes) -> None:
    with pytest.raises(InvalidRequest):
        V1Codec().decode(payload)


@given(st.binary(max_size=400))
def test_codecs_turn_any_bytes_into_messages_or_wire_errors(payload: bytes) -> None:
    for codec in (V2Codec(), V1Codec()):
        try:
            messages = codec.decode(payload)
        except WireError as exc:
            assert isinstance(exc.to_wire()["code"], int)
        else:
            assert all(isinstance(m, (Request, Response)) for m in messages)


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
objects = st.dictionaries(st.sampled_from(["jsonrpc", "id", "method", "params", "result",
                                           "error", "tool_calls", "msg_type", "content", "func"]),
                          json_scalars | st.lists(json_scalars, max_size=3)
                          | st.dictionaries(st.text(max_size=5), json_scalars, max_size=3),
                          max_size=6)


@given(objects)
def test_codecs_never_raise_anything_but_wire_errors_on_json_objects(obj: dict) -> None:
    payload = json.dumps(obj).encode()
    for codec in (V2Codec(), V1Codec()):
        try:
            codec.decode(payload)
        except WireError:
            pass
