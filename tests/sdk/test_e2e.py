# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""End to end: a real plug-in process over real pipes, both protocols, bad input included."""

from __future__ import annotations

import json
import shutil
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.wire import WirePeer, frame

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    target = tmp_path / "sdk_echo"
    shutil.copytree(FIXTURES / "sdk_echo", target)
    return target


@pytest.fixture
def v2(plugin_dir: Path, tmp_path: Path) -> Iterator[WirePeer]:
    peer = WirePeer(plugin_dir / "plugin.py", "v2", log_dir=tmp_path / "logs")
    peer.request("initialize", {"protocol_version": "2.0", "engine_version": "test"})
    assert peer.receive()["result"]["name"] == "sdk_echo"
    yield peer
    if peer.proc.poll() is None:
        peer.proc.kill()
        peer.close()


@pytest.fixture
def v1(plugin_dir: Path, tmp_path: Path) -> Iterator[WirePeer]:
    peer = WirePeer(plugin_dir / "plugin.py", "v1", log_dir=tmp_path / "logs")
    _, answer = peer.v1_call("initialize")
    assert answer["success"] is True
    yield peer
    if peer.proc.poll() is None:
        peer.proc.kill()
        peer.close()


def assert_alive_v2(peer: WirePeer, stamp: object = "still-here") -> None:
    """The stream is in sync: a ping gets exactly its own pong."""
    request_id = peer.request("ping", {"timestamp": stamp})
    reply = peer.response(request_id)
    assert reply["result"] == {"timestamp": stamp}


def assert_alive_v1(peer: WirePeer) -> None:
    _, answer = peer.v1_call("echo", text="ping?")
    assert answer == {"success": True, "message": "ping?"}


# -- V2 ---------------------------------------------------------------------------------


def test_v2_initialize_lists_commands(plugin_dir: Path, tmp_path: Path) -> None:
    peer = WirePeer(plugin_dir / "plugin.py", "v2", log_dir=tmp_path)
    request_id = peer.request("initialize", {"protocol_version": "2.0"})
    result = peer.response(request_id)["result"]
    assert result["protocol_version"] == "2.0" and result["version"] == "1.2.3"
    names = {c["name"] for c in result["commands"]}
    assert {"echo", "chunks", "sleep", "chat"} <= names and "on_input" not in names
    peer.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
    code, stderr = peer.close()
    assert code == 0 and "Traceback" not in stderr


def test_v2_ping_echoes_any_timestamp_type(v2: WirePeer) -> None:
    for stamp in (1732600000123, "text", {"nested": [1, 2]}, None, 1.5):
        assert_alive_v2(v2, stamp)


def test_v2_invalid_json_gets_parse_error_with_null_id(v2: WirePeer) -> None:
    v2.send_raw(frame(b'{"jsonrpc": "2.0", "id": 7, "method": '))
    reply = v2.receive()
    assert reply["id"] is None and reply["error"]["code"] == -32700
    assert_alive_v2(v2)


def test_v2_not_jsonrpc_gets_invalid_request(v2: WirePeer) -> None:
    v2.send({"id": 9, "method": "ping"})
    reply = v2.receive()
    assert reply["error"]["code"] == -32600 and reply["id"] == 9
    v2.send_raw(frame(b"[1, 2, 3]"))
    assert v2.receive()["error"]["code"] == -32600
    assert_alive_v2(v2)


def test_v2_oversized_frame_is_discarded_and_stream_stays_in_sync(v2: WirePeer) -> None:
    size = 50 * 1024 * 1024
    v2.send_raw(struct.pack(">I", size))
    chunk = b"z" * (1024 * 1024)
    for _ in range(50):
        v2.send_raw(chunk)
    reply = v2.receive()
    assert reply["error"]["code"] == -32600 and "exceeds" in reply["error"]["message"]
    assert_alive_v2(v2)
    _, done = v2.execute("echo", text="after the flood")
    assert done["params"]["data"] == "after the flood"


def test_v2_zero_length_frame_is_reported(v2: WirePeer) -> None:
    v2.send_raw(struct.pack(">I", 0))
    assert v2.receive()["error"]["code"] == -32600
    assert_alive_v2(v2)


def test_v2_unknown_method_gets_error_response(v2: WirePeer) -> None:
    request_id = v2.request("frobnicate", {})
    reply = v2.receive()
    assert reply["id"] == request_id and reply["error"]["code"] == -32601
    assert_alive_v2(v2)


def test_v2_unknown_function_gets_error_notification(v2: WirePeer) -> None:
    _chunks, final = v2.execute("no_such_function")
    assert final["method"] == "error" and "id" not in final
    assert final["params"]["code"] == -32601
    assert "no_such_function" in final["params"]["message"]
    assert "echo" in final["params"]["message"]  # tells what exists
    assert_alive_v2(v2)


def test_v2_handler_exception_is_plugin_error_without_internals(v2: WirePeer) -> None:
    _, final = v2.execute("boom")
    assert final["method"] == "error" and final["params"]["code"] == -1
    assert "internal detail" not in final["params"]["message"]
    assert "boom" in final["params"]["message"]
    assert_alive_v2(v2)


def test_v2_command_error_is_failed_result(v2: WirePeer) -> None:
    _, final = v2.execute("refuse", reason="no quota")
    assert final["method"] == "complete"
    assert final["params"]["success"] is False and final["params"]["data"] == "refused: no quota"


def test_v2_prints_never_reach_the_pipe(v2: WirePeer) -> None:
    _, final = v2.execute("noisy", lines=400)
    assert final["params"]["data"] == "quiet result"
    assert_alive_v2(v2)
    v2.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
    code, stderr = v2.close()
    assert code == 0
    assert not v2.errors, v2.errors  # every byte on stdout was a valid frame
    assert b"stray" not in v2.raw_out
    assert "stray print 399" in stderr and "stray C-level write" in stderr


def test_v2_non_serialisable_and_cyclic_results_fail_clearly(v2: WirePeer) -> None:
    _, final = v2.execute("weird")
    assert final["params"]["success"] is False
    assert "cannot be shown as text" in final["params"]["data"]
    assert "non-serializable" not in final["params"]["data"]
    _, final = v2.execute("cyclic")
    assert "circular" in final["params"]["data"]
    assert_alive_v2(v2)


def test_v2_streams_chunks_before_complete(v2: WirePeer) -> None:
    chunks, final = v2.execute("chunks", count=5)
    assert chunks == [f"chunk {i};" for i in range(5)]
    assert final["params"] == {"request_id": final["params"]["request_id"], "success": True,
                               "data": "done", "keep_session": False}


def test_v2_two_executes_back_to_back_both_answered_in_order(v2: WirePeer) -> None:
    first = v2.request("execute", {"function": "sleep", "arguments": {"seconds": 0.3}})
    second = v2.request("execute", {"function": "echo", "arguments": {"text": "second"}})
    finals = []
    while len(finals) < 2:
        message = v2.receive()
        if message.get("method") == "complete":
            finals.append(message["params"])
    assert [f["request_id"] for f in finals] == [first, second]
    assert finals[1]["data"] == "second"


def test_v2_pings_answered_promptly_while_a_command_blocks(v2: WirePeer) -> None:
    command = v2.request("execute", {"function": "sleep", "arguments": {"seconds": 2}})
    latencies = []
    for index in range(10):
        started = time.perf_counter()
        request_id = v2.request("ping", {"timestamp": index})
        while True:
            message = v2.receive()
            if message.get("id") == request_id:
                break
        latencies.append(time.perf_counter() - started)
        assert message["result"] == {"timestamp": index}
        time.sleep(0.1)
    # The engine kills a plug-in whose pong takes 1 s; ours answer at once.
    assert max(latencies) < 0.25, latencies
    _, final = v2.collect(command)
    assert final["params"]["data"] == "slept 2.0"


def test_v2_input_is_acknowledged_before_its_reply(v2: WirePeer) -> None:
    _, started = v2.execute("chat", topic="GPUs")
    assert started["params"]["keep_session"] is True
    request_id = v2.request("input", {"content": "hello", "timestamp": 1})
    ack = v2.receive()
    assert ack == {"jsonrpc": "2.0", "id": request_id, "result": {"acknowledged": True}}
    _, reply = v2.collect(request_id)
    assert reply["params"]["data"] == "You said 'hello'" and reply["params"]["keep_session"]
    request_id = v2.request("input", {"content": "bye"})
    assert v2.receive()["result"] == {"acknowledged": True}
    _, reply = v2.collect(request_id)
    assert reply["params"]["keep_session"] is False


def test_v2_input_without_session_is_a_clear_error(v2: WirePeer) -> None:
    request_id = v2.request("input", {"content": "anyone?"})
    assert v2.receive()["result"] == {"acknowledged": True}
    _, reply = v2.collect(request_id)
    assert reply["method"] == "error" and "no open conversation" in reply["params"]["message"]


def test_v2_async_handlers_and_their_failures(v2: WirePeer) -> None:
    _, final = v2.execute("async_echo", text="hi")
    assert final["params"]["data"] == "async hi"
    _, final = v2.execute("async_boom")
    assert final["method"] == "error" and final["params"]["code"] == -1
    assert_alive_v2(v2)


def test_v2_wrong_arguments_are_invalid_params(v2: WirePeer) -> None:
    _, final = v2.execute("chunks", count="many")
    assert final["params"]["code"] == -32602
    assert "count must be an integer, got 'many'" in final["params"]["message"]
    _, final = v2.execute("echo")
    assert "missing required argument 'text'" in final["params"]["message"]
    _, final = v2.execute("echo", text="x", colour="red")  # dropped, as NVIDIA's SDK does
    assert final["method"] == "complete" and final["params"]["success"] is True
    _, final = v2.execute("chunks", count="2")  # coerced, unambiguous
    assert final["params"]["data"] == "done"


def test_v2_large_result_round_trips(v2: WirePeer) -> None:
    _, final = v2.execute("big", n=3_000_000)
    assert len(final["params"]["data"]) == 3_000_000


def test_v2_truncated_frame_then_eof_exits_cleanly(v2: WirePeer) -> None:
    v2.send_raw(struct.pack(">I", 100) + b'{"jsonrpc"')
    code, stderr = v2.close()
    assert code == 0
    assert "Traceback" not in stderr


def test_v2_shutdown_cancels_running_command_and_exits_fast(v2: WirePeer) -> None:
    command = v2.request("execute", {"function": "sleep", "arguments": {"seconds": 30}})
    queued = v2.request("execute", {"function": "echo", "arguments": {"text": "never"}})
    time.sleep(0.2)
    started = time.perf_counter()
    v2.send({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": {}})
    code, _ = v2.close()
    elapsed = time.perf_counter() - started
    assert code == 0 and elapsed < 2.0
    finals = {m["params"]["request_id"]: m for m in v2.leftover()
              if m.get("method") in ("complete", "error")}
    assert finals[command]["params"]["data"] == "cancelled"  # the handler saw ctx.cancelled
    assert finals[queued]["method"] == "error"  # queued work is answered, not lost


def test_v2_eof_exits_within_two_seconds_even_if_handler_ignores_cancel(v2: WirePeer) -> None:
    v2.request("execute", {"function": "stubborn", "arguments": {"seconds": 30}})
    time.sleep(0.2)
    started = time.perf_counter()
    code, _ = v2.close()
    assert code == 0 and time.perf_counter() - started < 2.0


def test_v2_log_file_is_quiet_and_never_holds_user_input(v2: WirePeer, tmp_path: Path) -> None:
    secret_words = "my password is hunter2-zebra"
    for _ in range(50):
        v2.execute("echo", text=secret_words)
    v2.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
    v2.close()
    log = (tmp_path / "logs" / "sdk_echo.log").read_text(encoding="utf-8")
    assert "hunter2" not in log
    assert len(log) < 1024  # a handful of lifecycle lines, not one per call


# -- V1 ---------------------------------------------------------------------------------


def test_v1_call_with_params_or_properties(v1: WirePeer) -> None:
    _, answer = v1.v1_call("echo", text="one")
    assert answer == {"success": True, "message": "one"}
    v1.send({"tool_calls": [{"func": "echo", "properties": {"text": "two"}}]})
    _, answer = v1.v1_collect()
    assert answer["message"] == "two"


def test_v1_messages_split_merged_with_bom_and_without_marker(v1: WirePeer) -> None:
    one = json.dumps({"tool_calls": [{"func": "echo", "params": {"text": "a<<END>>b"}}]}).encode()
    two = json.dumps({"tool_calls": [{"func": "echo", "params": {"text": "ü"}}]}).encode()
    data = b"\xef\xbb\xbf" + one + b"<<END>>  \n" + two  # second without a marker
    for index in range(0, len(data), 7):
        v1.send_raw(data[index:index + 7])
        time.sleep(0.001)
    _, first = v1.v1_collect()
    _, second = v1.v1_collect()
    assert first["message"] == "a<<END>>b" and second["message"] == "ü"


def test_v1_invalid_json_is_answered_and_survived(v1: WirePeer) -> None:
    v1.send_raw(b'{"tool_calls": [ nope ]}<<END>>')
    _, answer = v1.v1_collect()
    assert answer["success"] is False and "invalid JSON" in answer["message"]
    # Bytes outside any message are skipped without an answer (issue 10 item 5): V1 has
    # no ids, so an answer would be taken as the final of the engine's next call.
    v1.send_raw(b"garbage bytes\n")
    assert_alive_v1(v1)


def test_v1_unknown_function_and_bad_arguments(v1: WirePeer) -> None:
    _, answer = v1.v1_call("nope")
    assert answer["success"] is False and "nope" in answer["message"]
    _, answer = v1.v1_call("chunks", count="lots")
    assert answer["success"] is False and "count must be an integer" in answer["message"]
    _, answer = v1.v1_call("boom")
    assert answer["success"] is False and "internal detail" not in answer["message"]
    assert_alive_v1(v1)


def test_v1_streams_chunks_as_messages(v1: WirePeer) -> None:
    seen, answer = v1.v1_call("chunks", count=3)
    assert seen == [{"message": f"chunk {i};"} for i in range(3)]
    assert answer == {"success": True, "message": "done"}


def test_v1_passthrough_with_awaiting_input(v1: WirePeer) -> None:
    _, answer = v1.v1_call("chat", topic="drivers")
    assert answer["awaiting_input"] is True
    v1.send({"msg_type": "user_input", "content": "hello"})
    _, answer = v1.v1_collect()
    assert answer == {"success": True, "message": "You said 'hello'", "awaiting_input": True}
    v1.send({"msg_type": "user_input", "content": "explode"})
    _, answer = v1.v1_collect()
    assert answer["success"] is False and "awaiting_input" not in answer
    assert_alive_v1(v1)


def test_v1_prints_never_reach_the_pipe(v1: WirePeer) -> None:
    _, answer = v1.v1_call("noisy", lines=100)
    assert answer["message"] == "quiet result"
    assert b"stray" not in v1.raw_out


def test_v1_terminate_exits(v1: WirePeer) -> None:
    v1.send({"msg_type": "terminate", "reason": "user closed overlay"})
    started = time.perf_counter()
    code, stderr = v1.close()
    assert code == 0 and time.perf_counter() - started < 2.0
    assert "Traceback" not in stderr


def test_v1_shutdown_pseudo_function(v1: WirePeer) -> None:
    v1.send({"tool_calls": [{"func": "shutdown"}]})
    code, _ = v1.close()
    assert code == 0


@pytest.mark.slow
def test_v1_tethered_plugin_sends_heartbeats_during_a_command(plugin_dir: Path,
                                                              tmp_path: Path) -> None:
    (plugin_dir / "manifest.json").write_text(json.dumps({"tethered": True}), encoding="utf-8")
    peer = WirePeer(plugin_dir / "plugin.py", "v1", log_dir=tmp_path)
    peer.v1_call("initialize")
    started = time.monotonic()
    seen, answer = peer.v1_call("sleep", seconds=5.6)
    heartbeats = [m for m in seen if m.get("type") == "heartbeat"]
    assert answer["success"] and len(heartbeats) == 1
    assert abs(heartbeats[0]["timestamp"] - time.time()) < 10
    # Idle: no heartbeat.
    seen, _ = peer.v1_call("echo", text="x")
    assert not seen and time.monotonic() - started > 5
    peer.close()


def test_v1_untethered_sends_no_heartbeats(v1: WirePeer) -> None:
    seen, answer = v1.v1_call("sleep", seconds=0.2)
    assert seen == [] and answer["success"]


def test_protocol_is_detected_per_process(plugin_dir: Path, tmp_path: Path) -> None:
    """One plug-in file serves both engines."""
    for protocol in ("v1", "v2"):
        peer = WirePeer(plugin_dir / "plugin.py", protocol, log_dir=tmp_path)
        if protocol == "v2":
            peer.request("execute", {"function": "echo", "arguments": {"text": protocol}})
            assert peer.receive()["params"]["data"] == "v2"
        else:
            _, answer = peer.v1_call("echo", text=protocol)
            assert answer["message"] == "v1"
        peer.close()


def test_frozen_no_console_app_with_stdout_none(tmp_path: Path) -> None:
    """PyInstaller --noconsole apps start with sys.stdout = None; print() must still not break."""
    script = tmp_path / "noconsole" / "plugin.py"
    script.parent.mkdir()
    script.write_text(
        "import sys\n"
        "sys.stdout = None\n"
        "from gassist_sdk import Plugin\n"
        "plugin = Plugin('noconsole', description='n')\n"
        "@plugin.command()\n"
        "def talk() -> str:\n"
        "    '''Talk.'''\n"
        "    print('a stray print')\n"
        "    return 'still fine'\n"
        "plugin.run()\n", encoding="utf-8")
    peer = WirePeer(script, "v2", log_dir=tmp_path / "logs")
    _, final = peer.execute("talk")
    assert final["params"]["data"] == "still fine"
    assert_alive_v2(peer)
    code, stderr = peer.close()
    assert code == 0 and "a stray print" in stderr and b"stray" not in peer.raw_out
