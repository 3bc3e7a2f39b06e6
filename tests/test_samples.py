# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Every sample plug-in: manifest.json is what its code generates, and it serves both protocols."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.wire import WirePeer

PLUGINS = sorted(p for p in (Path(__file__).resolve().parents[1] / "plugins").iterdir()
                 if (p / "plugin.py").is_file())


@pytest.mark.e2e
@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_manifest_is_generated_from_code(plugin: Path) -> None:
    done = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=plugin,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{plugin.name}/manifest.json is stale:\n{done.stderr}"


@pytest.mark.e2e
@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_sample_answers_initialize_in_both_protocols(plugin: Path, tmp_path: Path) -> None:
    for protocol in ("v2", "v1"):
        peer = WirePeer(plugin / "plugin.py", protocol, log_dir=tmp_path)
        if protocol == "v2":
            request_id = peer.request("initialize", {"protocol_version": "2.0"})
            assert peer.response(request_id)["result"]["name"] == plugin.name
        else:
            _, answer = peer.v1_call("initialize")
            assert answer["success"] is True
        code, stderr = peer.close()
        assert code == 0 and "Traceback" not in stderr


def test_hello_sample_behaviour() -> None:
    sys.path.insert(0, str(PLUGINS[0].parent / "hello"))
    try:
        import plugin as hello  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
        sys.modules.pop("plugin", None)
    from gassist_sdk.testing import PluginClient

    with PluginClient(hello.plugin) as client:
        assert client.call("say_hello", name="Ada").text == "Hello, Ada! 👋"
        counted = client.call("count_to", number="4")
        assert counted.chunks == ["1… ", "2… ", "3… "] and counted.text == "4!"
        assert "1–50" in client.call("count_to", number=51).text
        assert client.call("start_chat").keep_session
        assert client.input("two words").text == "You said 2 words: “two words”"
        assert not client.input("bye").keep_session


# Third-party packages the samples use: each costs 50-500 ms to import, so none may load
# before the engine's initialize is answered (issue 12: start-up within 1.5x hello's).
HEAVY = ("requests", "urllib3", "feedparser", "spotipy", "google.genai", "httpx", "pynvml",
         "charset_normalizer", "certifi")

_SPY = """
import os, runpy, sys
import gassist_sdk._session as session

answer = session.Session._initialize

def spy(self, request):
    sys.stderr.write("LOADED " + " ".join(sorted(sys.modules)) + "\\n")
    return answer(self, request)

session.Session._initialize = spy
folder = sys.argv[1]
os.chdir(folder)
sys.path.insert(0, folder)
sys.argv = [os.path.join(folder, "plugin.py")]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.e2e
@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_no_heavy_package_is_imported_before_initialize(plugin: Path, tmp_path: Path) -> None:
    spy = tmp_path / "spy.py"
    spy.write_text(_SPY, encoding="utf-8")
    peer = WirePeer(spy, "v2", log_dir=tmp_path, args=[str(plugin)])
    request_id = peer.request("initialize", {"protocol_version": "2.0"})
    assert peer.response(request_id)["result"]["name"] == plugin.name
    _, stderr = peer.close()
    line = next(x for x in stderr.splitlines() if x.startswith("LOADED "))
    loaded = set(line.split()[1:])
    early = sorted({h for h in HEAVY for m in loaded if m == h or m.startswith(h + ".")})
    assert early == [], f"{plugin.name} imports {early} before answering initialize"
