# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``Plugin(check_config=...)``: pasted settings are checked before setup saves them."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from gassist_sdk import Context, Plugin, RegistrationError, setting
from gassist_sdk._framing import LengthPrefixFramer
from gassist_sdk.testing import PluginClient, collect_v2

GOOD_KEY = "GOOD-key-5b1d7c09"
BAD_KEY = "CANARY-bad-key-93af0e27"


@dataclass
class ServiceConfig:
    api_key: str = setting(description="API key", secret=True)
    model: str = setting("small", description="Model name")


@dataclass
class PairConfig:
    client_id: str = setting(description="Client ID")
    client_secret: str = setting(description="Client secret", secret=True)


def make_plugin(folder: Path, check: Any, config: type = ServiceConfig) -> Plugin:
    plugin = Plugin("svc", description="A service", config=config, check_config=check,
                    plugin_dir=folder)

    @plugin.command()
    def ask(question: str, ctx: Context) -> str:
        """Ask the service."""
        return f"answer to {question!r} with model {getattr(ctx.config, 'model', '-')}"

    return plugin


class Recorder:
    """A check that accepts only GOOD_KEY and records what it saw (and on which thread)."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.threads: list[str] = []

    def __call__(self, candidate: Any) -> str | None:
        self.seen.append(candidate)
        self.threads.append(threading.current_thread().name)
        key = getattr(candidate, "api_key", None) or getattr(candidate, "client_secret", None)
        if key == GOOD_KEY:
            return None
        return f"The service refused that key ({key})."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "svc"
    path.mkdir()
    return path


def test_a_refused_key_is_not_saved_and_the_user_can_paste_another(folder: Path) -> None:
    check = Recorder()
    plugin = make_plugin(folder, check)
    config_file = folder / "config.json"
    with PluginClient(plugin) as client:
        asked = client.call("ask", question="why")
        assert asked.keep_session and "api_key" in asked.text

        refused = client.input(BAD_KEY)
        assert not refused.success and refused.keep_session
        # The check's sentence is shown, the key it echoed is hidden.
        assert refused.text == ("The service refused that key (***).\n\nNothing was saved. "
                                "Paste another value, or say `cancel`.")
        assert not config_file.exists()

        accepted = client.input(GOOD_KEY)
        assert accepted.success and not accepted.keep_session
        assert accepted.full_text == ("Saved `api_key` to config.json.\n\n"
                                      "answer to 'why' with model small")
    assert json.loads(config_file.read_text()) == {"api_key": GOOD_KEY}
    # The check saw a whole config (defaults filled in), on the worker, not the reader.
    assert [(c.api_key, c.model) for c in check.seen] == [(BAD_KEY, "small"), (GOOD_KEY, "small")]
    assert all(not name.startswith("plugin-") for name in check.threads)
    for result in (asked, refused, accepted):
        assert BAD_KEY not in json.dumps(result.messages)
        assert GOOD_KEY not in json.dumps(result.messages)


def test_the_check_sees_the_file_merged_with_the_pasted_values(folder: Path) -> None:
    check = Recorder()
    plugin = make_plugin(folder, check)
    (folder / "config.json").write_text(json.dumps({"model": "large", "//model": "note"}))
    with PluginClient(plugin) as client:
        client.call("ask", question="q")
        done = client.input(f"api_key={GOOD_KEY}")
    assert done.success and done.text == "answer to 'q' with model large"
    assert [(c.api_key, c.model) for c in check.seen] == [(GOOD_KEY, "large")]
    assert json.loads((folder / "config.json").read_text()) == {
        "model": "large", "//model": "note", "api_key": GOOD_KEY}


def test_values_that_leave_the_config_incomplete_are_saved_unchecked(folder: Path) -> None:
    check = Recorder()
    plugin = make_plugin(folder, check, PairConfig)
    with PluginClient(plugin) as client:
        client.call("ask", question="q")
        half = client.input("client_id=abc")
        assert half.keep_session and half.text.startswith("Saved `client_id`.")
        assert check.seen == []
        refused = client.input(BAD_KEY)
        assert refused.keep_session
        assert refused.text.startswith("The service refused that key (***).")
        assert json.loads((folder / "config.json").read_text()) == {"client_id": "abc"}
        done = client.input(GOOD_KEY)
    assert done.success
    assert [(c.client_id, c.client_secret) for c in check.seen] == [("abc", BAD_KEY),
                                                                    ("abc", GOOD_KEY)]


def test_a_check_that_raises_is_one_clean_sentence_and_the_log_keeps_no_secret(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(candidate: ServiceConfig) -> str | None:
        raise ConnectionError(f"cannot reach the service with {candidate.api_key}")

    monkeypatch.setenv("GASSIST_LOG_DIR", str(tmp_path / "logs"))
    plugin = make_plugin(folder, explode)
    log_path = plugin.enable_logging()
    assert log_path is not None
    try:
        with PluginClient(plugin) as client:
            client.call("ask", question="q")
            failed = client.input(BAD_KEY)
            assert failed.keep_session and not failed.success
            assert failed.text == ("The settings could not be checked (ConnectionError); the "
                                   "details are in svc.log\n\nNothing was saved. Paste another "
                                   "value, or say `cancel`.")
            cancelled = client.input("cancel")
            assert cancelled.text == "Setup of svc cancelled; nothing was changed."
        assert not (folder / "config.json").exists()
        log = Path(log_path).read_text(encoding="utf-8")
        assert "check_config raised ConnectionError" in log
        assert "cannot reach the service with ***" in log  # the traceback, redacted
        assert BAD_KEY not in log and BAD_KEY not in json.dumps(failed.messages)
    finally:
        for name in ("gassist_sdk", "gassist.svc"):
            logger = logging.getLogger(name)
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
                handler.close()


def test_the_engine_keeps_getting_pongs_while_a_slow_check_runs(folder: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(candidate: ServiceConfig) -> str | None:
        started.set()
        release.wait(5)
        return None

    def send(message: dict[str, Any]) -> None:
        client.send_raw(LengthPrefixFramer().encode(json.dumps(message).encode()))

    plugin = make_plugin(folder, slow)
    with PluginClient(plugin) as client:
        client.call("ask", question="q")
        send({"jsonrpc": "2.0", "id": 50, "method": "input", "params": {"content": GOOD_KEY}})
        assert client.receive()["result"] == {"acknowledged": True}
        assert started.wait(5)
        send({"jsonrpc": "2.0", "id": 51, "method": "ping", "params": {"timestamp": 7}})
        pong = client.receive()
        assert pong["id"] == 51 and "result" in pong  # answered while the check still runs
        release.set()
        chunks, final, _seen = collect_v2(client.receive, 50)
    assert final["method"] == "complete" and final["params"]["success"]
    assert chunks == ["Saved `api_key` to config.json.\n\n"]


def test_an_empty_verdict_means_fine_and_a_bad_value_never_reaches_the_check(folder: Path) -> None:
    calls: list[Any] = []

    @dataclass
    class Numbered:
        api_key: str = setting(description="API key", secret=True)
        limit: int = setting(5, description="Limit")

    def check(candidate: Numbered) -> str:
        calls.append(candidate)
        return "  "

    plugin = make_plugin(folder, check, Numbered)
    with PluginClient(plugin) as client:
        client.call("ask", question="q")
        wrong = client.input(f"api_key={GOOD_KEY}\nlimit=lots")
        assert wrong.keep_session and "limit must be an integer" in wrong.text
        assert calls == []
        assert client.input(f"api_key={GOOD_KEY}\nlimit=7").success
    assert [(c.api_key, c.limit) for c in calls] == [(GOOD_KEY, 7)]


def test_check_config_is_refused_without_a_config_or_when_not_callable(folder: Path) -> None:
    with pytest.raises(RegistrationError, match="check_config= needs config="):
        Plugin("svc", check_config=lambda c: None, plugin_dir=folder)
    with pytest.raises(RegistrationError, match="must be a function"):
        Plugin("svc", config=ServiceConfig, check_config="yes", plugin_dir=folder)  # type: ignore[arg-type]
