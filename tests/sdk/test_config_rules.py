# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Rules over several settings: ConfigError from __post_init__ feeds the setup conversation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from gassist_sdk import ConfigError, Context, Plugin, setting
from gassist_sdk.testing import PluginClient

WEBHOOK = "https://chat.example/hooks/1/s3cr3t-hook-token"


@dataclass
class ChatConfig:
    bot_token: str = setting("", description="Bot token", secret=True)
    channel_id: str = setting("", description="Channel number")
    webhook_url: str = setting("", description="Webhook URL", secret=True)

    def __post_init__(self) -> None:
        if self.webhook_url or (self.bot_token and self.channel_id):
            return
        if self.bot_token:
            raise ConfigError("bot_token is set; the bot also needs channel_id",
                              fields=("channel_id",))
        raise ConfigError("set up a bot (bot_token and channel_id) or a webhook (webhook_url)",
                          fields=("bot_token", "channel_id", "webhook_url"))


@dataclass
class RangeConfig:
    low: int = setting(1, description="Lowest")
    high: int = setting(10, description="Highest")

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not be above high ({self.high})")


def make_plugin(tmp_path: Path, config: type) -> Plugin:
    plugin = Plugin("chat", version="1.0.0", description="Posts messages", config=config,
                    plugin_dir=tmp_path)

    @plugin.command()
    def post(message: str, ctx: Context) -> str:
        """Post a message."""
        how = "webhook" if getattr(ctx.config, "webhook_url", "") else "bot"
        return f"Posted {message!r} through the {how}."

    return plugin


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    return path


def test_either_of_two_setups_is_asked_for_and_one_is_enough(tmp_path: Path,
                                                             config_file: Path) -> None:
    plugin = make_plugin(tmp_path, ChatConfig)
    with PluginClient(plugin) as client:
        asked = client.call("post", message="gg")
        assert not asked.success and asked.keep_session
        assert (f"- {config_file}: set up a bot (bot_token and channel_id) or a webhook "
                "(webhook_url)") in asked.text
        needed = asked.text.split("Needed:\n", 1)[1].split("\n\n", 1)[0]
        assert needed.splitlines() == ["- `bot_token` (secret): Bot token",
                                       "- `channel_id`: Channel number",
                                       "- `webhook_url` (secret): Webhook URL"]
        done = client.input(f"webhook_url={WEBHOOK}")
    assert done.success and not done.keep_session
    assert done.full_text.endswith("Posted 'gg' through the webhook.")
    assert json.loads(config_file.read_text()) == {"webhook_url": WEBHOOK}
    assert "s3cr3t-hook-token" not in json.dumps(done.messages + asked.messages)


def test_half_a_setup_asks_only_for_what_is_missing(tmp_path: Path, config_file: Path) -> None:
    plugin = make_plugin(tmp_path, ChatConfig)
    with PluginClient(plugin) as client:
        client.call("post", message="gg")
        half = client.input("bot_token=t0ken-0123456789")
        assert half.keep_session
        assert half.text.startswith("Saved `bot_token`.")
        assert "bot_token is set; the bot also needs channel_id" in half.text
        assert "(or just the value of `channel_id`)" in half.text
        done = client.input("1300000000000000001")
    assert done.success
    assert done.full_text.endswith("Posted 'gg' through the bot.")


def test_a_value_error_from_post_init_is_a_problem_not_a_crash(tmp_path: Path,
                                                               config_file: Path) -> None:
    config_file.write_text(json.dumps({"low": 20, "high": 5}))
    plugin = make_plugin(tmp_path, RangeConfig)
    assert plugin.config is None
    _, problems = plugin.load_config()
    assert problems == [f"{config_file}: low (20) must not be above high (5)"]
    with PluginClient(plugin) as client:
        asked = client.call("post", message="gg")
        assert not asked.success and "low (20) must not be above high (5)" in asked.text
        assert "Traceback" not in asked.text
        done = client.input("low=2")
    assert done.success and done.full_text.endswith("Posted 'gg' through the bot.")


def test_a_same_size_edit_within_one_clock_tick_is_seen(tmp_path: Path,
                                                        config_file: Path) -> None:
    # On Windows a file's time moves in ~16 ms steps: an edit that keeps the size and lands
    # in the same step used to leave the plug-in on the old values until the next edit.
    import os

    config_file.write_text(json.dumps({"low": 1, "high": 5}))
    plugin = make_plugin(tmp_path, RangeConfig)
    assert plugin.config.high == 5
    stamp = config_file.stat().st_mtime_ns
    config_file.write_text(json.dumps({"low": 1, "high": 7}))
    os.utime(config_file, ns=(stamp, stamp))
    assert plugin.config.high == 7


def test_a_value_a_rule_rejects_is_not_saved(tmp_path: Path, config_file: Path) -> None:
    @dataclass
    class HookConfig:
        webhook_url: str = setting("", description="Webhook URL", secret=True)

        def __post_init__(self) -> None:
            if not self.webhook_url.startswith("https://"):
                raise ConfigError("webhook_url must be an https:// address",
                                  fields=("webhook_url",))

    plugin = make_plugin(tmp_path, HookConfig)
    with PluginClient(plugin) as client:
        client.call("post", message="gg")
        refused = client.input("webhook_url=ftp://nope")
        assert refused.keep_session and not refused.success
        assert refused.text == (f"- {config_file}: webhook_url must be an https:// address\n\n"
                                "Nothing was saved. Paste another value, or say `cancel`.")
        assert not config_file.exists()
        done = client.input(WEBHOOK)  # a bare URL: the value, not a key called "https"
    assert done.success and done.full_text.endswith("Posted 'gg' through the webhook.")
    assert json.loads(config_file.read_text()) == {"webhook_url": WEBHOOK}
