# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Deep JSON and lone surrogates, end to end: each request gets one answer and the plug-in lives."""

from __future__ import annotations

import pytest
from fixtures.hostile_peer import alive_v1, alive_v2, raw_v2, v1, v2  # noqa: F401
from fixtures.wire import WirePeer
from gassist_sdk._errors import InternalError
from gassist_sdk._jsonrpc import Request, dumps_wire
from gassist_sdk._legacy import V1Codec


@pytest.mark.parametrize("levels", [1_000, 5_000, 100_000])
def test_deeply_nested_request_gets_a_parse_error_and_the_plugin_keeps_serving(
        v2: WirePeer, levels: int) -> None:  # noqa: F811
    raw_v2(v2, '{"jsonrpc":"2.0","id":7,"method":"ping","params":{"timestamp":'
           + "[" * levels + "]" * levels + "}}")
    reply = v2.receive()
    assert reply["id"] is None and reply["error"]["code"] in (-32700, -32600)
    assert "deep" in reply["error"]["message"]
    alive_v2(v2)


def test_deeply_nested_id_gets_an_invalid_request_answer(v2: WirePeer) -> None:  # noqa: F811
    raw_v2(v2, '{"jsonrpc":"2.0","method":"ping","id":' + "[" * 900 + "]" * 900 + "}")
    reply = v2.receive()
    assert reply["error"]["code"] in (-32700, -32600)
    alive_v2(v2)


def test_a_value_too_deep_to_encode_is_an_internal_error_not_a_crash() -> None:
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(InternalError, match="nested too deeply"):
        dumps_wire({"jsonrpc": "2.0", "id": 1, "result": value})
    with pytest.raises(InternalError):
        V1Codec().encode(Request("complete", {"request_id": "v1-1", "data": value},
                                 notification=True))


def test_handler_returning_a_deeply_nested_value_fails_the_call_cleanly(
        v2: WirePeer) -> None:  # noqa: F811
    _, final = v2.execute("deep", levels=100_000)
    assert final["method"] == "complete" and final["params"]["success"] is False
    assert "deep" in final["params"]["data"]
    alive_v2(v2)


def test_v1_deeply_nested_message_gets_a_failed_final(v1: WirePeer) -> None:  # noqa: F811
    v1.send_raw(b'{"tool_calls":[{"func":"echo","params":{"text":'
                + b"[" * 100_000 + b"]" * 100_000 + b"}}]}<<END>>")
    _, final = v1.v1_collect()
    assert final["success"] is False and "deep" in final["message"]
    alive_v1(v1)


@pytest.mark.parametrize("method", ["ping", "initialize", "no_such_method", "input", "execute"])
def test_lone_surrogate_id_gets_exactly_one_answer_with_the_same_id(
        v2: WirePeer, method: str) -> None:  # noqa: F811
    params = '{"function":"echo","arguments":{"text":"x"}}' if method == "execute" else "{}"
    raw_v2(v2, '{"jsonrpc":"2.0","id":"\\ud800","method":"' + method + '","params":' + params
           + "}")
    answer = v2.receive()
    assert answer.get("id", (answer.get("params") or {}).get("request_id")) == "\ud800"
    alive_v2(v2)
    assert v2.proc.poll() is None


def test_lone_surrogate_in_a_result_is_repaired(v2: WirePeer) -> None:  # noqa: F811
    _, final = v2.execute("surrogate_result")
    assert final["method"] == "complete" and final["params"]["data"] == "bad \ufffd text"
    alive_v2(v2)


def test_lone_surrogate_in_a_stream_chunk_is_repaired(v2: WirePeer) -> None:  # noqa: F811
    chunks, final = v2.execute("surrogate_stream")
    assert chunks == ["chunk \ufffd here"]
    assert final["params"]["data"] == "done"


def test_lone_surrogate_in_params_text_is_repaired_in_the_echo(v2: WirePeer) -> None:  # noqa: F811
    raw_v2(v2, '{"jsonrpc":"2.0","id":3,"method":"execute","params":{"function":"echo",'
           '"arguments":{"text":"a\\udc00b"}}}')
    _, final = v2.collect(3)
    assert final["params"]["data"] == "a\ufffdb"


def test_v1_lone_surrogates_are_answered(v1: WirePeer) -> None:  # noqa: F811
    v1.send_raw(b'{"tool_calls":[{"func":"echo","params":{"text":"a\\ud800"}}]}<<END>>')
    _, final = v1.v1_collect()
    assert final == {"success": True, "message": "a\ufffd"}
    v1.send_raw(b'{"msg_type":"user_input","content":"\\ud800"}<<END>>')
    _, final = v1.v1_collect()
    assert final["success"] is False
    alive_v1(v1)
