# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A flood of calls is refused with error -3 beyond a bounded queue; pings stay answered."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.hostile_peer import start
from fixtures.wire import frame
from gassist_sdk._worker import MAX_WAITING


def test_flood_of_executes_is_rate_limited_and_pings_are_still_answered(tmp_path: Path) -> None:
    peer = start(tmp_path, "v2")
    peer.request("execute", {"function": "stubborn", "arguments": {"seconds": 6}})
    extra = 500
    flood = b"".join(
        frame(json.dumps({"jsonrpc": "2.0", "id": 100 + n, "method": "execute",
                          "params": {"function": "echo", "arguments": {"text": "x"}}}).encode())
        for n in range(MAX_WAITING + extra))
    peer.send_raw(flood)
    ping = peer.request("ping", {"timestamp": 1})
    refused = []
    while True:
        message = peer.receive(timeout=30)
        if message.get("id") == ping:
            break
        # Only refusals come before the pong: the first call still runs, nothing queued ran.
        assert message.get("method") == "error", message
        refused.append(message["params"])
    # The first call (and the start-up check) may still be waiting when the flood comes.
    assert extra <= len(refused) <= extra + 2
    assert {r["code"] for r in refused} == {-3}
    assert "queue" in refused[0]["message"]
    ids = [r["request_id"] for r in refused]
    assert ids == sorted(set(ids)) and ids[0] >= 100 + MAX_WAITING - 2  # the latest are refused
    peer.proc.kill()
    peer.close()
