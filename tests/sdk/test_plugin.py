# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The Plugin facade driven in memory through the real codec and dispatcher."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.wire import WirePeer
from gassist_sdk import CommandError, Context, Plugin, RegistrationError
from gassist_sdk._render import render_result
from gassist_sdk.testing import PluginClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def make_plugin() -> Plugin:
    plugin = Plugin("memo", version="2.0.0", description="Remembers things",
                    plugin_dir=FIXTURES)
    notes: list[str] = []

    @plugin.command(tags=("write",))
    def remember(note: str, ctx: Context) -> str:
        """Remember a note."""
        notes.append(note)
        ctx.stream("saving... ")
        return f"Remembered {len(notes)} note(s)."

    @plugin.command()
    def recall() -> list[str]:
        """List the notes."""
        return list(notes)

    @plugin.command()
    async def summarize(ctx: Context) -> dict[str, object]:
        """Summarize the conversation."""
        await asyncio.sleep(0)
        return {"messages": len(ctx.messages), "last": ctx.last_user_message(),
                "system": ctx.system_info}

    @plugin.command()
    def fail(reason: str) -> str:
        """Fail on purpose."""
        raise CommandError(reason)

    @plugin.command()
    def binary() -> bytes:
        """Return undecodable bytes."""
        return b"\xff\xfe\x00"

    @plugin.command()
    def quiz(ctx: Context) -> str:
        """Start a quiz."""
        ctx.keep_session(True)
        return "What is 2 + 2?"

    @plugin.on_input
    def answer(text: str, ctx: Context) -> str:
        if text.strip() == "4":
            return "Correct!"
        if text == "crash":
            raise KeyError("oops")
        ctx.keep_session(True)
        return "Try again."

    return plugin


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_calls_streaming_and_results(protocol: str) -> None:
    with PluginClient(make_plugin(), protocol) as client:
        result = client.call("remember", note="buy milk")
        assert result.success and result.chunks == ["saving... "]
        assert result.full_text == "saving... Remembered 1 note(s)."
        assert client.call("recall").text == "- buy milk"
        failed = client.call("fail", reason="Quota exhausted; try tomorrow.")
        assert not failed.success and failed.text == "Quota exhausted; try tomorrow."
        binary = client.call("binary")
        assert not binary.success and "binary data" in binary.text


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_context_messages_and_system_info(protocol: str) -> None:
    with PluginClient(make_plugin(), protocol) as client:
        result = client.call("summarize", context=[
            {"role": "user", "content": "first"}, {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "second"}], system_info="RTX 5090, 32 GB")
        assert result.text == "- **messages**: 3\n- **last**: second\n- **system**: RTX 5090, 32 GB"


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_passthrough_round_trip(protocol: str) -> None:
    with PluginClient(make_plugin(), protocol) as client:
        assert client.call("quiz").keep_session is True
        wrong = client.input("5")
        assert wrong.text == "Try again." and wrong.keep_session
        right = client.input("4")
        assert right.text == "Correct!" and not right.keep_session
        closed = client.input("hello?")
        assert not closed.success and "no open conversation" in closed.text


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_on_input_raising_ends_the_session_with_a_clear_message(protocol: str) -> None:
    with PluginClient(make_plugin(), protocol) as client:
        client.call("quiz")
        crashed = client.input("crash")
        assert not crashed.success and "KeyError" in crashed.text
        assert client.call("recall").success  # still serving


def test_ping_and_initialize_in_memory() -> None:
    with PluginClient(make_plugin()) as client:
        assert client.ping(12345) == {"timestamp": 12345}
        init = client.initialize_result
        assert init is not None and init["name"] == "memo"
        assert [c["name"] for c in init["commands"]] == [
            "remember", "recall", "summarize", "fail", "binary", "quiz"]


def test_fixture_is_registered_by_entry_point(plugin_client) -> None:
    client = plugin_client(make_plugin(), protocol="v1")
    assert client.call("recall").text == ""


def test_duplicate_and_second_input_handler_fail_at_registration() -> None:
    plugin = Plugin("dup", description="d")

    @plugin.command()
    def one() -> str:
        """One."""
        return "1"

    with pytest.raises(RegistrationError, match="already registered"):
        @plugin.command("one")
        def other() -> str:
            """Other."""
            return "2"

    @plugin.on_input
    def first(text: str) -> str:
        return text

    with pytest.raises(RegistrationError, match="input handler"):
        @plugin.on_input
        def second(text: str) -> str:
            return text


def test_invalid_plugin_name_is_refused() -> None:
    with pytest.raises(RegistrationError, match="invocation name"):
        Plugin("9lives")


def test_manifest_golden(tmp_path: Path) -> None:
    manifest = make_plugin().manifest()
    assert list(manifest) == ["manifestVersion", "name", "version", "description", "executable",
                              "persistent", "protocol_version", "functions"]
    assert manifest["functions"][0] == {
        "name": "remember", "description": "Remember a note.", "tags": ["write"],
        "properties": {"note": {"type": "string", "description": ""}}, "required": ["note"]}
    assert "on_input" not in [f["name"] for f in manifest["functions"]]
    golden = FIXTURES / "memo.manifest.json"
    assert json.loads(golden.read_text(encoding="utf-8")) == manifest


def test_render_rules() -> None:
    assert render_result(None) == ""
    assert render_result(7) == "7" and render_result(2.5) == "2.5"
    assert render_result(False) == "false"
    assert render_result({"a": [1, 2]}) == "- **a**:\n  - 1\n  - 2"
    assert render_result([{"u": "x", "n": 1}]) == "- **u**: x; **n**: 1"


@pytest.mark.e2e
def test_manifest_flag_prints_and_check_detects_staleness(tmp_path: Path) -> None:
    plugin_dir = tmp_path / "sdk_echo"
    plugin_dir.mkdir()
    (plugin_dir / "plugin.py").write_text((FIXTURES / "sdk_echo" / "plugin.py").read_text())
    printed = subprocess.run([sys.executable, "plugin.py", "--manifest"], cwd=plugin_dir,
                             capture_output=True, text=True, check=True)
    manifest = json.loads(printed.stdout)
    assert manifest["name"] == "sdk_echo" and manifest["protocol_version"] == "2.0"
    stale = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"],
                           cwd=plugin_dir, capture_output=True, text=True)
    assert stale.returncode == 1 and "stale" in stale.stderr
    (plugin_dir / "manifest.json").write_text(printed.stdout, encoding="utf-8")
    fresh = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"],
                           cwd=plugin_dir, capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    edited = manifest.copy()
    edited["functions"] = [f for f in manifest["functions"] if f["name"] != "echo"]
    (plugin_dir / "manifest.json").write_text(json.dumps(edited, indent=2) + "\n")
    diff = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"],
                          cwd=plugin_dir, capture_output=True, text=True)
    assert diff.returncode == 1 and '+      "name": "echo"' in diff.stderr


@pytest.mark.e2e
def test_startup_warns_when_manifest_disagrees_with_code(tmp_path: Path) -> None:
    plugin_dir = tmp_path / "sdk_echo"
    plugin_dir.mkdir()
    (plugin_dir / "plugin.py").write_text((FIXTURES / "sdk_echo" / "plugin.py").read_text())
    (plugin_dir / "manifest.json").write_text(json.dumps({"functions": [{"name": "ghost"}]}))
    peer = WirePeer(plugin_dir / "plugin.py", "v2", log_dir=tmp_path / "logs")
    peer.close()
    log = (tmp_path / "logs" / "sdk_echo.log").read_text()
    assert "declares 'ghost', which the code does not register" in log
    assert "the code registers 'echo', which manifest.json does not declare" in log


@pytest.mark.e2e
@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_nvidia_style_plugin_runs_unchanged(tmp_path: Path, protocol: str) -> None:
    peer = WirePeer(FIXTURES / "nvidia_style" / "plugin.py", protocol, log_dir=tmp_path)
    if protocol == "v2":
        peer.request("initialize", {"protocol_version": "2.0"})
        assert peer.receive()["result"]["name"] == "nvstyle"
        request_id = peer.request("execute", {
            "function": "say_hello", "arguments": {"name": "Ada"},
            "context": [{"role": "user", "content": "say hi to Ada"}]})
        messages = []
        while not messages or messages[-1].get("method") != "complete":
            messages.append(peer.receive())
        methods = [m["method"] for m in messages]
        assert methods == ["log", "stream", "complete"]
        assert messages[1]["params"] == {"request_id": request_id, "data": "Thinking...\n"}
        assert messages[2]["params"]["data"] == ("- **greeting**: Hello, Ada!\n"
                                                 "- **you_said**: say hi to Ada")
        _, final = peer.collect(peer.request("execute", {"function": "describe_system",
                                                         "arguments": {},
                                                         "system_info": "RTX 4090"}))
        assert final["params"]["data"] == "System: RTX 4090"
        _, final = peer.collect(peer.request("execute", {"function": "interactive_mode",
                                                         "arguments": {"topic": "GPUs"}}))
        assert final["params"]["keep_session"] is True
        request_id = peer.request("input", {"content": "hello"})
        assert peer.receive()["result"] == {"acknowledged": True}
        _, final = peer.collect(request_id)
        assert final["params"]["data"] == "Echo: hello" and final["params"]["keep_session"]
        request_id = peer.request("input", {"content": "exit"})
        peer.receive()
        _, final = peer.collect(request_id)
        assert final["params"]["keep_session"] is False
    else:
        peer.v1_call("initialize")
        seen, answer = peer.v1_call("say_hello", name="Bo")
        assert seen == [{"message": "Thinking...\n"}]
        assert answer["message"].startswith("- **greeting**: Hello, Bo!")
        _, answer = peer.v1_call("interactive_mode")
        assert answer["awaiting_input"] is True
        peer.send({"msg_type": "user_input", "content": "quit"})
        _, answer = peer.v1_collect()
        assert answer == {"success": True, "message": "Bye!"}
    code, stderr = peer.close()
    assert code == 0 and "Traceback" not in stderr


def test_sdk_never_touches_the_root_logger(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    plugin = Plugin("quiet", description="q", plugin_dir=tmp_path)
    path = plugin.enable_logging()
    assert root.handlers == before
    logging.getLogger("gassist_sdk").info("hello from the sdk")
    assert path is not None and "hello from the sdk" in Path(path).read_text()


def test_log_file_rolls_over_at_its_size_cap(tmp_path: Path) -> None:
    from gassist_sdk._logfile import SizeCappedFileHandler

    path = tmp_path / "capped.log"
    handler = SizeCappedFileHandler(str(path), max_bytes=2000, backups=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("gassist_test.capped")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for index in range(200):
            logger.warning("line %03d %s", index, "x" * 40)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["capped.log", "capped.log.1", "capped.log.2"]  # never more than the cap
    assert all(p.stat().st_size <= 2100 for p in tmp_path.iterdir())
    assert "line 199" in path.read_text()
