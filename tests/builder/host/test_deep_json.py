# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10, item 11: no bytes from a plug-in can kill the host's reader.

JSON nested deeper than the decoder can follow is a protocol violation,
reported at once; the reader keeps reading and the next call works.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.host import PluginProcess
from gassist_build.host.dialects import V1Dialect, V2Dialect, Violation

from .conftest import FAST
from .hostile import hostile_plugin

Start = Callable[..., PluginProcess]
# Valid JSON, far deeper than any decoder follows.
_DEEP = b"[" * 100_000 + b"]" * 100_000

_SENDS_DEEP_JSON_ONCE = """
calls = []

def execute(msg):
    calls.append(msg)
    if len(calls) == 1:
        write_frame(b"[" * 100_000 + b"]" * 100_000)
        return
    complete(msg.get("id"), "fine now")

serve({"initialize": answer_initialize("deep_json"), "ping": answer_ping, "execute": execute})
"""


@pytest.mark.parametrize("dialect", [V2Dialect(), V1Dialect()], ids=["v2", "v1"])
def test_deep_nesting_is_a_violation_not_a_crash(dialect: V2Dialect | V1Dialect) -> None:
    data = struct.pack(">I", len(_DEEP)) + _DEEP if dialect.protocol == "v2" else (
        _DEEP + b"<<END>>")
    events = dialect.feed(data)
    assert len(events) == 1 and isinstance(events[0], Violation)
    assert "nested too deeply" in events[0].message
    deep_object = (b'{"success": true, "message": ' + b"[" * 50_000 + b"]" * 50_000
                   + b"}")
    body = (struct.pack(">I", len(deep_object)) + deep_object if dialect.protocol == "v2"
            else deep_object + b"<<END>>")
    assert isinstance(dialect.feed(body)[0], Violation)
    pong = json.dumps({"jsonrpc": "2.0", "id": 1, "result": {}}).encode()
    after = dialect.feed(struct.pack(">I", len(pong)) + pong if dialect.protocol == "v2"
                         else pong + b"<<END>>")
    assert after == [json.loads(pong)]  # still in sync


@pytest.mark.e2e
def test_deep_json_fails_the_call_at_once_and_the_plugin_stays_usable(
        start_plugin: Start, tmp_path: Path) -> None:
    folder = hostile_plugin(tmp_path, "deep_json", _SENDS_DEEP_JSON_ONCE)
    process = start_plugin(folder, timeouts=FAST.scaled(execute=10.0))
    began = time.monotonic()
    result = process.execute("hello")
    assert time.monotonic() - began < 2.0  # not the 10 s timeout
    assert result.failure == "protocol"
    assert "nested too deeply" in (result.error or "")
    assert process.alive
    again = process.execute("hello")
    assert again.success and again.text == "fine now"
