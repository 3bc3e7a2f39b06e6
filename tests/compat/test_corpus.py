# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Plug-ins written the way NVIDIA's gassist_sdk examples are, run unchanged on ours.

Each corpus plug-in is our own code using the patterns NVIDIA's examples use
(hidden ``_from_pending`` parameters, ``on_input``, ``set_keep_session``,
``plugin.stream``, a module-level ``plugin.run()``, manifests that say
``number`` for an ``int`` or declare parameters the code ignores). They are
driven end to end over real pipes in both protocols, and through
``gassist-build check``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.wire import WirePeer
from gassist_build.host.scorecard import run_check

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parent
STOCKWATCH = CORPUS / "stockwatch" / "plugin.py"
GAMELOG = CORPUS / "gamelog" / "plugin.py"


def _start(script: Path, protocol: str, log_dir: Path, **env: str) -> WirePeer:
    peer = WirePeer(script, protocol, log_dir=log_dir, env=env)
    if protocol == "v2":
        peer.request("initialize", {"protocol_version": "2.0"})
        assert peer.receive()["result"]["protocol_version"] == "2.0"
    else:
        peer.v1_call("initialize")
    return peer


def _call(peer: WirePeer, function: str, **arguments: object) -> tuple[list[str], bool, str, bool]:
    """(chunks, success, text, keep_session) of one call, in either protocol."""
    if peer.protocol == "v2":
        chunks, final = peer.execute(function, **arguments)
        params = final["params"]
        if final["method"] == "error":
            return chunks, False, params["message"], False
        return chunks, params["success"], params["data"], params["keep_session"]
    seen, answer = peer.v1_call(function, **arguments)
    chunks = [m["message"] for m in seen if set(m) == {"message"}]
    return chunks, answer["success"], answer["message"], bool(answer.get("awaiting_input"))


def _reply(peer: WirePeer, content: str) -> tuple[bool, str, bool]:
    """(success, text, keep_session) of one follow-up turn, in either protocol."""
    if peer.protocol == "v2":
        request_id = peer.request("input", {"content": content})
        assert peer.receive()["result"] == {"acknowledged": True}
        _, final = peer.collect(request_id)
        params = final["params"]
        return params.get("success", False), params.get("data", params.get("message")), \
            params.get("keep_session", False)
    peer.send({"msg_type": "user_input", "content": content})
    _, answer = peer.v1_collect()
    return answer["success"], answer["message"], bool(answer.get("awaiting_input"))


def _close_cleanly(peer: WirePeer) -> None:
    code, stderr = peer.close()
    assert code == 0 and "Traceback" not in stderr, stderr


@pytest.mark.parametrize("protocol", ["v2", "v1"])
def test_a_plugin_with_a_hidden_from_pending_parameter_serves_both_protocols(
        tmp_path: Path, protocol: str) -> None:
    peer = _start(STOCKWATCH, protocol, tmp_path)
    assert _call(peer, "get_stock_price", ticker="nvda")[1:] == (
        True, "NVDA trades at $131.25.", False)
    # The engine cannot set the hidden parameter: the argument is dropped, its default used.
    assert _call(peer, "get_stock_price", ticker="AMD", _from_pending=True)[2] == (
        "AMD trades at $162.50.")
    # The manifest says "number" for count; a whole number the model sends as 2.0 is fine.
    chunks, success, text, _ = _call(peer, "get_top_movers", count=2.0)
    assert (chunks, success, text) == (["NVDA +4.2%\n", "AMD -2.9%\n"], True, "Top 2 movers.")
    # set_keep_session(True) opens a passthrough; on_input answers it and calls the
    # command itself with _from_pending=True.
    asked = _call(peer, "get_stock_price", ticker="nvidia corp")
    assert asked[1:] == (True, "I have no quote for 'nvidia corp'. Which ticker did you mean?",
                         True)
    assert _reply(peer, "tsm") == (True, "Got it. TSM trades at $188.00.", False)
    _close_cleanly(peer)


@pytest.mark.parametrize("protocol", ["v2", "v1"])
def test_arguments_the_manifest_declares_but_the_code_ignores_are_dropped(
        tmp_path: Path, protocol: str) -> None:
    peer = _start(GAMELOG, protocol, tmp_path, GASSIST_LOG_LEVEL="DEBUG")
    chunks, success, text, _ = _call(peer, "log_session", game="Portal", minutes=45,
                                     platform="console-4471")
    assert (chunks, success) == (["Writing down 45 min of Portal...\n"], True), text
    assert text == "Logged 45 min of Portal; 45 min so far."
    assert _call(peer, "log_session", game="Portal", minutes="15.0", platform="PC",
                 _from_on_input=True)[2] == "Logged 15 min of Portal; 60 min so far."
    assert _call(peer, "ask_and_log")[3] is True
    assert _reply(peer, "Celeste") == (
        True, "Logged 30 min of Celeste (from your follow-up); 30 min so far.", False)
    _close_cleanly(peer)
    log = (tmp_path / "gamelog.log").read_text(encoding="utf-8")
    assert "log_session: dropped argument 'platform'" in log
    assert "console-4471" not in log  # names only, never values


def test_a_plugin_in_nvidias_style_reads_the_conversation(tmp_path: Path) -> None:
    peer = _start(GAMELOG, "v2", tmp_path)
    request_id = peer.request("execute", {
        "function": "log_session", "arguments": {"game": "Doom", "platform": "PC"},
        "context": [{"role": "user", "content": "log half an hour of Doom"}]})
    _, final = peer.collect(request_id)
    assert final["params"]["data"] == (
        "Logged 30 min of Doom; 30 min so far. You said: log half an hour of Doom")
    _close_cleanly(peer)


@pytest.mark.parametrize("protocol", ["v2", "v1"])
def test_check_passes_a_number_for_int_manifest_with_a_warning(tmp_path: Path,
                                                              protocol: str) -> None:
    card = run_check(STOCKWATCH.parent, log_dir=tmp_path, protocol=protocol, call_timeout=5.0)
    assert card.ok, card.to_dict()
    manifest = card.item("manifest")
    assert manifest.status == "warn", card.to_dict()
    assert "`count`" in manifest.detail and "whole numbers" in manifest.detail
    others = {item.key: item.status for item in card.items if item.key != "manifest"}
    assert set(others.values()) <= {"pass", "skip"}, card.to_dict()


def test_check_passes_a_manifest_declaring_parameters_the_code_ignores(tmp_path: Path) -> None:
    card = run_check(GAMELOG.parent, log_dir=tmp_path, call_timeout=5.0)
    assert card.ok, card.to_dict()
    assert card.item("manifest").status == "warn"
