# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Every execute/input ends with exactly one complete or error, whatever the handler does."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fixtures.hostile_peer import alive_v2, start, v2  # noqa: F401
from fixtures.wire import WirePeer
from gassist_sdk import CommandError, Context, Plugin
from gassist_sdk._framing import MAX_FRAME_SIZE
from gassist_sdk.testing import PluginClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FINALS = ("complete", "error")


def finals_v2(messages: list[dict[str, Any]]) -> Counter[Any]:
    return Counter((m.get("params") or {}).get("request_id") for m in messages
                   if m.get("method") in FINALS)


def test_stream_chunk_over_the_frame_limit_is_delivered_with_one_final(
        v2: WirePeer) -> None:  # noqa: F811
    size = MAX_FRAME_SIZE + 1024
    request_id = v2.request("execute", {"function": "huge_chunk", "arguments": {"size": size}})
    chunks, final = v2.collect(request_id)
    assert final["method"] == "complete" and final["params"]["data"] == "after the big chunk"
    assert "".join(chunks) == "y" * size
    alive_v2(v2)
    v2.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
    v2.close()
    assert finals_v2(v2.leftover()) == Counter()


@pytest.mark.parametrize("how", ["shutdown", "eof"])
def test_command_running_at_shutdown_gets_exactly_one_final(tmp_path: Path, how: str) -> None:
    peer = start(tmp_path, "v2")
    request_id = peer.request("execute", {"function": "stubborn", "arguments": {"seconds": 6}})
    time.sleep(0.3)
    if how == "shutdown":
        peer.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
    started = time.monotonic()
    peer.close(timeout=10)
    assert time.monotonic() - started < 5
    finals = finals_v2(peer.leftover())
    assert finals == Counter({request_id: 1})
    final = next(m for m in peer.leftover() if m.get("method") in FINALS)
    assert final["method"] == "error" and final["params"]["code"] == -2


def test_v1_command_running_at_eof_gets_one_failed_final(tmp_path: Path) -> None:
    peer = start(tmp_path, "v1")
    peer.send({"tool_calls": [{"func": "stubborn", "params": {"seconds": 6}}]})
    time.sleep(0.3)
    peer.close(timeout=10)
    finals = [m for m in peer.leftover() if "success" in m]
    assert finals == [{"success": False, "message": finals[0]["message"]}]
    assert "shutting down" in finals[0]["message"]


# -- property: random handler behaviours, in memory through the real dispatcher ---------------

BEHAVIOURS = st.sampled_from(["return", "raise", "fail", "stream_small", "stream_big",
                              "unencodable", "surrogate", "deep", "cancel_aware"])


def _plugin() -> Plugin:
    plugin = Plugin("prop", version="1.0.0", description="Random behaviours")

    @plugin.command()
    def act(behaviour: str, ctx: Context) -> Any:
        """Behave as told."""
        if behaviour == "raise":
            raise RuntimeError("boom")
        if behaviour == "fail":
            raise CommandError("no")
        if behaviour == "stream_small":
            for index in range(3):
                ctx.stream(f"{index};")
        if behaviour == "stream_big":
            ctx.stream("z" * (MAX_FRAME_SIZE + 10))
        if behaviour == "unencodable":
            return object()
        if behaviour == "surrogate":
            ctx.stream("\udcff")
            return "\ud800"
        if behaviour == "deep":
            value: Any = 1
            for _ in range(20_000):
                value = [value]
            return value
        if behaviour == "cancel_aware":
            ctx.wait_cancelled(0.05)
        return "ok"

    return plugin


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(BEHAVIOURS, min_size=1, max_size=6), st.sampled_from(["v1", "v2"]))
def test_every_call_ends_with_exactly_one_final(behaviours: list[str], protocol: str) -> None:
    with PluginClient(_plugin(), protocol) as client:
        for behaviour in behaviours:
            result = client.call("act", behaviour=behaviour)
            finals = [m for m in result.messages
                      if m.get("method") in FINALS or "success" in m]
            assert len(finals) == 1, (behaviour, finals)
            if behaviour in ("return", "stream_small", "cancel_aware"):
                assert result.success and result.text == "ok"
        if protocol == "v2":
            assert client.ping(1) == {"timestamp": 1}
        # Nothing else arrives: no second final for any call.
        with pytest.raises(TimeoutError):
            extra = client.receive(timeout=0.05)
            raise AssertionError(json.dumps(extra)[:200])


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["stubborn", "cancel_aware", "return"]), min_size=1,
                max_size=3))
def test_calls_queued_or_running_at_shutdown_each_get_one_final(kinds: list[str]) -> None:
    plugin = Plugin("slow", version="1.0.0", description="Sleeps")

    @plugin.command()
    def act(kind: str, ctx: Context) -> str:
        """Sleep, ignoring cancellation or not."""
        if kind == "stubborn":
            time.sleep(2.5)
        elif kind == "cancel_aware":
            ctx.wait_cancelled(2.5)
        return "ok"

    client = PluginClient(plugin, "v2")
    ids = []
    for kind in kinds:
        request_id = next(client._ids)
        client._send({"jsonrpc": "2.0", "id": request_id, "method": "execute",
                      "params": {"function": "act", "arguments": {"kind": kind}}})
        ids.append(request_id)
    time.sleep(0.05)
    client.close()
    seen: list[dict[str, Any]] = []
    while True:
        try:
            seen.append(client.receive(timeout=0.5))
        except (TimeoutError, EOFError):
            break
    assert finals_v2(seen) == Counter({i: 1 for i in ids})
