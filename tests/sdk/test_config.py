# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Typed config, the setup conversation, and the canary secret through every path."""

from __future__ import annotations

import enum
import json
import logging
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures.wire import WirePeer
from gassist_sdk import CommandError, Context, Plugin, setting
from gassist_sdk.testing import PluginClient

CANARY = "CANARY-sk-7f3a9e21-do-not-leak"


@dataclass
class WeatherConfig:
    api_key: str = setting(description="API key", secret=True,
                           help="create one at https://example.test/keys")
    region: str = setting("eu", description="Region code")
    limit: int = setting(5, description="Results at most")


def make_plugin(folder: Path) -> Plugin:
    plugin = Plugin("weather", description="Weather", config=WeatherConfig,
                    setup_help="Get a free key at https://example.test/keys.", plugin_dir=folder)

    @plugin.command()
    def forecast(city: str, ctx: Context) -> str:
        """Forecast for a city."""
        config: WeatherConfig = ctx.config
        return f"{city}: sunny ({config.region}, up to {config.limit})"

    @plugin.command()
    def leaky(ctx: Context) -> str:
        """Misbehave with the secret in every way a careless author could."""
        ctx.stream(f"using key {ctx.config.api_key}\n")
        ctx.logger.warning("calling the service with %s", ctx.config.api_key)
        raise RuntimeError(f"service rejected key {ctx.config.api_key}")

    @plugin.command()
    def refuse(ctx: Context) -> str:
        """Fail with the key in a user-facing message."""
        raise CommandError(f"The key {ctx.config.api_key} was refused.")

    @plugin.command(needs_config=False)
    def about() -> str:
        """Works without config."""
        return "weather plug-in"

    return plugin


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "weather"
    path.mkdir()
    return path


@pytest.fixture
def logged(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GASSIST_LOG_DIR", str(tmp_path / "logs"))
    plugin = make_plugin(folder)
    path = plugin.enable_logging()
    assert path is not None
    yield plugin, Path(path)
    for name in ("gassist_sdk", "gassist.weather"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_missing_config_walks_the_user_through_setup_and_replays(folder: Path,
                                                                 protocol: str) -> None:
    with PluginClient(make_plugin(folder), protocol) as client:
        assert client.call("about").text == "weather plug-in"
        asked = client.call("forecast", city="Oslo")
        assert not asked.success and asked.keep_session
        assert "needs to be set up" in asked.text
        assert "https://example.test/keys" in asked.text
        assert str(folder / "config.json") in asked.text
        assert "`api_key` (secret)" in asked.text
        assert "or just the value of `api_key`" in asked.text
        done = client.input(CANARY)  # the bare value: one key is missing
        assert done.success and not done.keep_session
        assert done.full_text == "Saved `api_key` to config.json.\n\nOslo: sunny (eu, up to 5)"
        saved = json.loads((folder / "config.json").read_text())
        assert saved == {"api_key": CANARY}
        assert CANARY not in json.dumps([m for m in done.messages])


def test_key_value_paste_with_a_wrong_value_is_not_saved(folder: Path) -> None:
    with PluginClient(make_plugin(folder)) as client:
        client.call("forecast", city="Rome")
        wrong = client.input(f"api_key={CANARY}\nlimit=lots")
        assert not wrong.success and wrong.keep_session
        assert "limit must be an integer, got 'lots'" in wrong.text
        assert not (folder / "config.json").exists()
        unknown = client.input("colour=blue")
        assert "`colour` is not a setting" in unknown.text
        ok = client.input(f"api_key = {CANARY}\nlimit: 2\nregion=us")
        assert ok.text == "Rome: sunny (us, up to 2)"
        cancelled = client.call("forecast", city="x")
        assert cancelled.success  # config exists now: no setup


def test_cancel_leaves_everything_as_it_was(folder: Path) -> None:
    with PluginClient(make_plugin(folder)) as client:
        client.call("forecast", city="Rome")
        result = client.input("cancel")
        assert result.success and not result.keep_session and "cancelled" in result.text
        assert not (folder / "config.json").exists()


def test_editing_the_file_by_hand_and_asking_again_works(folder: Path) -> None:
    with PluginClient(make_plugin(folder)) as client:
        assert client.call("forecast", city="Paris").keep_session
        (folder / "config.json").write_text(json.dumps({"api_key": CANARY, "limit": 9}))
        assert client.call("forecast", city="Paris").text == "Paris: sunny (eu, up to 9)"
        time.sleep(0.01)
        (folder / "config.json").write_text(json.dumps({"api_key": CANARY, "limit": 3,
                                                        "region": "ap"}))
        assert client.call("forecast", city="Paris").text == "Paris: sunny (ap, up to 3)"


BAD_FILES = [
    ("{not json", "is not valid JSON"),
    ("", "is empty"),
    ('["a list"]', "must hold a JSON object"),
    ('{"api_key": "k-123456", "limit": "many"}', "limit must be an integer, got 'many'"),
    ('{"api_key": 12345678}', None),  # a number for a string: coerced, fine
    ('{"region": "us"}', "'api_key' is missing"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_config_files_get_specific_messages_and_are_never_overwritten(
        folder: Path, text: str, message: str | None) -> None:
    path = folder / "config.json"
    path.write_text(text, encoding="utf-8")
    with PluginClient(make_plugin(folder)) as client:
        result = client.call("forecast", city="Oslo")
        if message is None:
            assert result.success
            return
        assert message in result.text and str(path) in result.text
        client.input(f"api_key={CANARY}")
        if "not valid JSON" in message or "JSON object" in message:
            assert path.read_text(encoding="utf-8") == text  # the user's text is kept


def test_config_that_is_a_folder(folder: Path) -> None:
    (folder / "config.json").mkdir()
    with PluginClient(make_plugin(folder)) as client:
        result = client.call("forecast", city="Oslo")
        assert "is a folder, not a file" in result.text
        retry = client.input(f"api_key={CANARY}")
        assert not retry.success and (folder / "config.json").is_dir()


def test_unreadable_config(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / "config.json"
    path.write_text("{}")
    # Root (and Windows) read files whatever their mode: make the OS refuse this one read.
    import builtins

    from gassist_sdk import _config

    def refuse(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return builtins.open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(_config, "open", refuse, raising=False)
    with PluginClient(make_plugin(folder)) as client:
        result = client.call("forecast", city="x")
        assert "permission denied" in result.text and str(path) in result.text
        client.input(f"api_key={CANARY}")
    monkeypatch.undo()
    assert path.read_text() == "{}"  # nothing the user saved was overwritten


def test_unknown_keys_are_a_warning_naming_file_and_key(logged, folder: Path) -> None:
    plugin, log_path = logged
    (folder / "config.json").write_text(json.dumps({"api_key": CANARY, "colour": "red"}))
    with PluginClient(plugin) as client:
        assert client.call("forecast", city="Oslo").success
    log = log_path.read_text()
    assert "unknown key 'colour' is ignored" in log and str(folder / "config.json") in log


def test_canary_secret_never_leaves_through_any_path(logged, folder: Path,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    plugin, log_path = logged
    (folder / "config.json").write_text(json.dumps({"api_key": CANARY}))
    outputs = []
    with PluginClient(plugin) as client:
        for protocol_call in ("leaky", "refuse", "forecast"):
            result = client.call(protocol_call)
            outputs.append(json.dumps(result.messages))
        assert "***" in outputs[0]  # the streamed chunk was redacted, not dropped
    with PluginClient(plugin, "v1") as client:
        outputs.append(json.dumps(client.call("leaky").messages))
    log = log_path.read_text()
    assert "calling the service with ***" in log and "RuntimeError" in log
    captured = capfd.readouterr()
    for text in [*outputs, log, captured.out, captured.err]:
        assert CANARY not in text


def test_canary_pasted_in_passthrough_is_never_echoed_or_logged(logged, folder: Path) -> None:
    plugin, log_path = logged
    with PluginClient(plugin) as client:
        client.call("leaky")
        pasted = client.input(f"api_key={CANARY}")
        assert CANARY not in json.dumps(pasted.messages)
    assert CANARY not in log_path.read_text()


@pytest.mark.e2e
def test_plugin_cli_prints_example_and_schema_without_secrets(tmp_path: Path) -> None:
    folder = tmp_path / "weather"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"api_key": CANARY}))
    (folder / "plugin.py").write_text(textwrap.dedent('''
        from dataclasses import dataclass
        from gassist_sdk import Plugin, setting

        @dataclass
        class Config:
            api_key: str = setting(description="API key", secret=True)
            limit: int = setting(5, description="Results at most")

        plugin = Plugin("weather", description="Weather", config=Config)

        @plugin.command()
        def forecast(city: str) -> str:
            """Forecast."""
            return city

        if __name__ == "__main__":
            plugin.run()
    '''))
    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "plugin.py", *args], cwd=folder,
                              capture_output=True, text=True, check=True)
        assert CANARY not in done.stdout + done.stderr
        return done.stdout

    example = json.loads(run("--config-example"))
    assert example["api_key"] == "" and example["limit"] == 5
    assert example["//api_key"] == "API key [secret]"
    schema = json.loads(run("--config-schema"))
    assert schema["properties"]["api_key"]["writeOnly"] is True
    assert schema["required"] == ["api_key"]
    run("--manifest")
    peer = WirePeer(folder / "plugin.py", "v2", log_dir=tmp_path / "logs")
    peer.request("execute", {"function": "forecast", "arguments": {"city": "Oslo"}})
    assert peer.receive()["params"]["data"] == "Oslo"
    peer.close()


def test_setup_asks_only_for_the_fields_that_are_wrong(folder: Path) -> None:
    (folder / "config.json").write_text(json.dumps({"api_key": CANARY, "limit": "lots"}))
    with PluginClient(make_plugin(folder)) as client:
        asked = client.call("forecast", city="Oslo")
        assert "or just the value of `limit`" in asked.text
        assert "`api_key`" not in asked.text
        done = client.input("4")
        assert done.text.endswith("Oslo: sunny (eu, up to 4)")
    assert json.loads((folder / "config.json").read_text()) == {"api_key": CANARY, "limit": 4}


@dataclass
class TokensConfig:
    tokens: list[str] = setting(description="Access tokens", secret=True)


def test_each_item_of_a_pasted_list_secret_is_redacted(tmp_path: Path) -> None:
    plugin = Plugin("tokens", description="Tokens", config=TokensConfig, plugin_dir=tmp_path)

    @plugin.command()
    def show(ctx: Context) -> str:
        """Misbehave: echo each token on its own."""
        first, second = ctx.config.tokens
        return f"first {first}, second {second}"

    with PluginClient(plugin) as client:
        asked = client.call("show")
        assert asked.keep_session  # the setup prompt
        replayed = client.input('tokens=["alpha-111-secret", "beta-222-secret"]')
    text = json.dumps(replayed.messages)
    assert "first ***, second ***" in text
    assert "alpha-111-secret" not in text and "beta-222-secret" not in text


class Region(enum.Enum):
    EU = "eu"
    US = "us"


@dataclass
class RegionConfig:
    region: Region = setting(description="Service region")


def test_an_enum_setting_pasted_in_setup_is_saved_and_the_call_replayed(tmp_path: Path) -> None:
    plugin = Plugin("regions", description="Regions", config=RegionConfig, plugin_dir=tmp_path)

    @plugin.command()
    def where(ctx: Context) -> str:
        """Say the region."""
        return f"serving {ctx.config.region.value}"

    with PluginClient(plugin) as client:
        assert client.call("where").keep_session  # the setup prompt
        replayed = client.input("region=us")
    assert replayed.success, replayed.text
    assert "serving us" in replayed.text
    assert json.loads((tmp_path / "config.json").read_text()) == {"region": "us"}
