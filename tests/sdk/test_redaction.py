# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Secrets never reach the engine or stderr: list secrets, echoed names, print, threads."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.hostile_peer import start

pytestmark = pytest.mark.e2e

KEY = "sk-live-KEY-0123456789"
TOKENS = ["tok-AAAA-secret-1", "tok-BBBB-secret-2"]


def test_secrets_never_reach_stderr_or_the_engine(tmp_path: Path) -> None:
    peer = start(tmp_path, "v2", config={"api_key": KEY, "tokens": TOKENS})
    _, final = peer.execute("leak")
    assert final["params"]["data"] == "leaked?"
    # A method named like a secret, and a stray id holding one, are echoed redacted.
    method_id = peer.request(TOKENS[0], {})
    reply = peer.response(method_id)
    assert reply["error"]["code"] == -32601 and TOKENS[0] not in reply["error"]["message"]
    _, final = peer.execute("echo", text=f"my key is {KEY} and {TOKENS[1]}")
    assert KEY not in final["params"]["data"] and TOKENS[1] not in final["params"]["data"]
    peer.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
    code, stderr = peer.close()
    assert code == 0
    wire = bytes(peer.raw_out).decode("utf-8", "replace")
    logs = "".join(p.read_text("utf-8", "replace") for p in (tmp_path / "logs").rglob("*.log*"))
    for secret in (KEY, *TOKENS):
        assert secret not in wire
        assert secret not in stderr, stderr
        assert secret not in logs
    # The redacted lines did reach stderr: redaction, not silence.
    for what in ("print:", "stderr:", "warning:", "thread:", "third-party:"):
        assert what in stderr, (what, stderr)
