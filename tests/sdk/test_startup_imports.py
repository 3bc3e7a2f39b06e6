# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What a V2 plug-in has imported when the engine's ``initialize`` reaches it.

Start-up is mostly compiling: every runtime module loaded before the handshake is
paid for on every launch of every plug-in. docs/architecture.md lists this set;
anything else must load on first use.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The modules docs/architecture.md names as imported before the handshake.
BEFORE_INITIALIZE = {
    "gassist_sdk", "gassist_sdk._errors", "gassist_sdk._logging", "gassist_sdk._framing",
    "gassist_sdk._transport", "gassist_sdk._jsonrpc", "gassist_sdk._dispatcher",
    "gassist_sdk._introspect", "gassist_sdk._registry", "gassist_sdk._session",
    "gassist_sdk._plugin",
}

_SPY = """
import runpy, sys
import gassist_sdk._session as session

answer = session.Session._initialize

def spy(self, request):
    loaded = sorted(m for m in sys.modules if m.startswith("gassist_sdk"))
    sys.stderr.write("LOADED " + " ".join(loaded) + "\\n")
    return answer(self, request)

session.Session._initialize = spy
sys.argv = ["plugin.py"]
runpy.run_path("plugin.py", run_name="__main__")
"""


@pytest.mark.e2e
def test_a_v2_plugin_imports_only_the_handshake_path_before_initialize(tmp_path: Path) -> None:
    shutil.copy(ROOT / "bench" / "echo_plugin.py", tmp_path / "plugin.py")
    (tmp_path / "spy.py").write_text(_SPY, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "spy.py"], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}).encode()
    proc.stdin.write(struct.pack(">I", len(body)) + body)
    proc.stdin.flush()
    size = struct.unpack(">I", proc.stdout.read(4))[0]
    assert json.loads(proc.stdout.read(size))["id"] == 1
    _, err = proc.communicate(input=b"", timeout=20)
    line = next(x for x in err.decode().splitlines() if x.startswith("LOADED "))
    loaded = set(line.split()[1:])
    # The spy imports _session (it is in the set anyway); nothing outside the set may load.
    assert loaded - BEFORE_INITIALIZE == set()
    assert BEFORE_INITIALIZE - loaded == set()
