# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/discord in memory (PluginClient) against a fake Discord (pytest-httpserver).

Every function in both modes (bot + channel, webhook only), the exact requests
Discord gets (multipart parts parsed), every failure sentence, and the secrets
kept out of replies and logs. The engine-style runs are in test_discord_engine.py.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gassist_sdk.testing import PluginClient
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "plugins" / "discord"
if str(PLUGIN_DIR) not in sys.path:
    sys.path.insert(0, str(PLUGIN_DIR))  # the plug-in imports its own modules by name

import captures  # noqa: E402
import discord_api  # noqa: E402

BOT_TOKEN = "CANARY-bot-7f3a9c1e.Gx1234.abcdefghij"
HOOK_TOKEN = "CANARY-wh-5d2b8e4f-ZyXwVu"
CHANNEL = "112233445566778899"
SECRETS = (BOT_TOKEN, HOOK_TOKEN)
BOT_PATH = f"/api/v10/channels/{CHANNEL}/messages"
HOOK_PATH = f"/api/webhooks/4242/{HOOK_TOKEN}"
WHERE = {"bot": f"Discord channel {CHANNEL}", "webhook": "Discord (through the webhook)"}


def _load_plugin() -> Any:
    spec = importlib.util.spec_from_file_location("discord_sample_plugin",
                                                  PLUGIN_DIR / "plugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


discord = _load_plugin()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    monkeypatch.setenv("GASSIST_LOG_DIR", str(tmp_path / "logs"))
    return path


@pytest.fixture(autouse=True)
def _quiet_fake_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake's access log would print webhook paths (canary tokens) with a failure."""
    monkeypatch.setattr(logging.getLogger("werkzeug"), "level", logging.WARNING)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits for a 429, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(discord_api, "_wait", recorded.append)
    return recorded


def bot_config(server: HTTPServer, **extra: Any) -> dict[str, Any]:
    return {"bot_token": BOT_TOKEN, "channel_id": CHANNEL,
            "api_url": server.url_for("/api/v10"), **extra}


def hook_config(server: HTTPServer, **extra: Any) -> dict[str, Any]:
    return {"webhook_url": server.url_for(HOOK_PATH), **extra}


def config_for(mode: str, server: HTTPServer, **extra: Any) -> dict[str, Any]:
    return bot_config(server, **extra) if mode == "bot" else hook_config(server, **extra)


def path_for(mode: str) -> str:
    return BOT_PATH if mode == "bot" else HOOK_PATH


def expect(server: HTTPServer, mode: str) -> Any:
    """The next POST Discord should get in ``mode``."""
    query = None if mode == "bot" else "wait=true"
    return server.expect_ordered_request(path_for(mode), method="POST", query_string=query)


def message_reply(content: str = "", attachments: int = 0) -> dict[str, Any]:
    return {"id": "1300000000000000001", "channel_id": CHANNEL, "content": content,
            "attachments": [{"id": "1", "filename": "x"}] * attachments}


@pytest.fixture
def call(rewrite_config: Callable[..., None]) -> Callable[..., Any]:
    """``call(config_path, config, function, **arguments)``: one call with that config."""
    def run(config_path: Path, config: dict[str, Any], function: str, **arguments: Any) -> Any:
        rewrite_config(config_path, config)
        with PluginClient(discord.plugin) as client:
            return client.call(function, **arguments)

    return run


def requests_seen(server: HTTPServer) -> list[Request]:
    return [request for request, _ in server.log]


def assert_bot_headers(request: Request) -> None:
    assert request.headers["Authorization"] == f"Bot {BOT_TOKEN}"
    assert request.headers["User-Agent"] == "DiscordBot (gassist-sdk discord sample, 1.0.0)"


def assert_hook_headers(request: Request) -> None:
    assert "Authorization" not in request.headers
    assert request.headers["User-Agent"].startswith("gassist-sdk/")


def assert_headers(mode: str, request: Request) -> None:
    (assert_bot_headers if mode == "bot" else assert_hook_headers)(request)


def json_body(request: Request) -> Any:
    assert request.headers["Content-Type"] == "application/json"
    return json.loads(request.get_data())


def multipart(request: Request) -> tuple[dict[str, Any], tuple[str, str, bytes]]:
    """``(payload_json, (file name, content type, bytes))`` of an upload, checking its parts."""
    assert request.mimetype == "multipart/form-data"
    assert list(request.form) == ["payload_json"]
    assert list(request.files) == ["files[0]"]
    upload = request.files["files[0]"]
    return (json.loads(request.form["payload_json"]),
            (upload.filename or "", upload.mimetype, upload.read()))


def capture(folder: Path, name: str, data: bytes = b"data", age: float = 0.0) -> Path:
    """A capture file whose modification time is ``age`` seconds ago."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


# -- setup ------------------------------------------------------------------------------


SETUP_PROBLEM = ("Discord is not set up yet: it needs either a channel's webhook_url, or a "
                 "bot_token with the channel_id the bot posts in")
COPY_ID = ("in Discord right-click the channel and choose Copy Channel ID (turn on Developer "
           "Mode under User Settings > Advanced first)")
HALF_SETUPS = {
    "no channel": ({"bot_token": BOT_TOKEN},
                   f"bot_token is set but channel_id is missing: {COPY_ID}; or paste a "
                   "webhook_url instead of the bot", ["channel_id"]),
    "no token": ({"channel_id": CHANNEL},
                 "channel_id is set but bot_token is missing: copy your bot's token from "
                 "https://discord.com/developers/applications (your application > Bot > Reset "
                 "Token); or paste a webhook_url instead of the bot", ["bot_token"]),
    "channel name": ({"bot_token": BOT_TOKEN, "channel_id": "general"},
                     "channel_id must be the channel's number (like 123456789012345678), not "
                     f"'general': {COPY_ID}", ["channel_id"]),
    "no scheme": ({"webhook_url": f"discord.com/api/webhooks/4242/{HOOK_TOKEN}"},
                  "webhook_url is not a Discord webhook URL: copy it again from Server Settings > "
                  "Integrations > Webhooks > your webhook > Copy Webhook URL", ["webhook_url"]),
    "channel link": ({"webhook_url": "https://discord.com/channels/1/2"},
                     "webhook_url is not a Discord webhook URL: copy it again from Server "
                     "Settings > Integrations > Webhooks > your webhook > Copy Webhook URL",
                     ["webhook_url"]),
}


def asked_for(reply: Any) -> list[str]:
    """The settings a setup reply asks for, in order."""
    needed = reply.text.split("Needed:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split("`")[1] for line in needed.splitlines()]


@pytest.mark.parametrize("function, arguments", [
    ("send_message_to_discord_channel", {"message": "hi"}),
    ("send_latest_chart_to_discord_channel", {}),
    ("send_latest_shadowplay_clip_to_discord_channel", {"caption": "gg"}),
    ("send_latest_screenshot_to_discord_channel", {}),
])
def test_nothing_configured_starts_setup_asking_for_either_way(
        config_file: Path, httpserver: HTTPServer, function: str,
        arguments: dict[str, Any], call: Callable[..., Any]) -> None:
    result = call(config_file, {}, function, **arguments)
    assert not result.success and result.keep_session
    assert result.text.startswith("**discord needs to be set up first.**")
    assert f"- {config_file}: {SETUP_PROBLEM}\n" in result.text
    assert asked_for(result) == ["webhook_url", "bot_token", "channel_id"]
    assert "https://discord.com/developers/applications" in result.text
    assert "Server Settings > Integrations > Webhooks" in result.text
    assert not httpserver.log


def test_pasting_a_webhook_url_saves_it_and_sends_the_message(
        config_file: Path, httpserver: HTTPServer) -> None:
    expect(httpserver, "webhook").respond_with_json(message_reply("gg"))
    with PluginClient(discord.plugin) as client:
        asked = client.call("send_message_to_discord_channel", message="gg")
        assert asked.keep_session
        done = client.input(f"webhook_url={httpserver.url_for(HOOK_PATH)}")
    assert done.success and not done.keep_session
    assert done.full_text == "Saved `webhook_url` to config.json.\n\nSent to Discord (through " \
                             "the webhook)."
    assert json.loads(config_file.read_text()) == {"webhook_url": httpserver.url_for(HOOK_PATH)}
    (request,) = requests_seen(httpserver)
    assert json_body(request)["content"] == "gg"
    assert HOOK_TOKEN not in json.dumps(asked.messages + done.messages)


def test_a_bot_token_alone_asks_only_for_the_channel_then_posts(
        config_file: Path, httpserver: HTTPServer, rewrite_config: Callable[..., None]) -> None:
    expect(httpserver, "bot").respond_with_json(message_reply("gg"))
    rewrite_config(config_file, {"api_url": httpserver.url_for("/api/v10")})
    with PluginClient(discord.plugin) as client:
        client.call("send_message_to_discord_channel", message="gg")
        half = client.input(f"bot_token={BOT_TOKEN}")
        assert half.keep_session and half.text.startswith("Saved `bot_token`.")
        assert asked_for(half) == ["channel_id"]
        assert "or paste a webhook_url instead of the bot" in half.text
        wrong = client.input("general")  # the channel's name: asked again, not posted
        assert wrong.keep_session and not httpserver.log
        assert "channel_id must be the channel's number" in wrong.text
        done = client.input(f"channel_id=https://discord.com/channels/998877/{CHANNEL}")
    assert done.success
    assert done.full_text.endswith(f"Sent to Discord channel {CHANNEL}.")
    (request,) = requests_seen(httpserver)
    assert request.path == BOT_PATH
    assert_bot_headers(request)
    assert BOT_TOKEN not in json.dumps(half.messages + wrong.messages + done.messages)


def test_no_config_file_at_all_is_the_same_setup(config_file: Path) -> None:
    with PluginClient(discord.plugin) as client:
        result = client.call("send_message_to_discord_channel", message="hi")
    assert result.keep_session
    assert f"- {config_file} does not exist yet\n- {config_file}: {SETUP_PROBLEM}\n" in result.text


@pytest.mark.parametrize("config, problem, asked", HALF_SETUPS.values(), ids=list(HALF_SETUPS))
def test_half_a_setup_or_a_bad_value_asks_for_that_setting(
        config_file: Path, httpserver: HTTPServer, config: dict[str, Any], problem: str,
        asked: list[str], call: Callable[..., Any]) -> None:
    result = call(config_file, config, "send_message_to_discord_channel", message="hi")
    assert not result.success and result.keep_session
    assert f"- {config_file}: {problem}\n" in result.text
    assert asked_for(result) == asked
    assert HOOK_TOKEN not in result.text and BOT_TOKEN not in result.text
    assert not httpserver.log


def test_a_pasted_channel_link_and_bot_prefix_are_understood(
        config_file: Path, httpserver: HTTPServer, call: Callable[..., Any]) -> None:
    expect(httpserver, "bot").respond_with_json(message_reply("hi"))
    config = bot_config(httpserver, bot_token=f"Bot {BOT_TOKEN} ",
                        channel_id=f"https://discord.com/channels/998877/{CHANNEL}")
    result = call(config_file, config, "send_message_to_discord_channel", message="hi")
    assert result.text == f"Sent to Discord channel {CHANNEL}."
    assert_bot_headers(requests_seen(httpserver)[0])


# -- messages ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_message_is_posted_as_json(config_file: Path, httpserver: HTTPServer, mode: str,
                                   call: Callable[..., Any]) -> None:
    expect(httpserver, mode).respond_with_json(message_reply("GG everyone, new PB"))
    result = call(config_file, config_for(mode, httpserver), "send_message_to_discord_channel",
                  message="GG everyone, new PB")
    assert result.success
    assert result.text == f"Sent to {WHERE[mode]}."
    httpserver.check_assertions()
    (request,) = requests_seen(httpserver)
    assert request.path == path_for(mode)
    assert request.args.to_dict() == ({} if mode == "bot" else {"wait": "true"})
    assert_headers(mode, request)
    assert json_body(request) == {"content": "GG everyone, new PB",
                                  "allowed_mentions": {"parse": ["users"]}}


def test_bot_is_used_when_both_ways_are_configured(config_file: Path,
                                                   httpserver: HTTPServer,
                                                   call: Callable[..., Any]) -> None:
    expect(httpserver, "bot").respond_with_json(message_reply())
    config = {**bot_config(httpserver), **hook_config(httpserver)}
    result = call(config_file, config, "send_message_to_discord_channel", message="hi")
    assert result.text == f"Sent to Discord channel {CHANNEL}."
    assert [r.path for r in requests_seen(httpserver)] == [BOT_PATH]


def test_webhook_url_keeps_its_own_query(config_file: Path, httpserver: HTTPServer,
                                         call: Callable[..., Any]) -> None:
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_json(message_reply())
    config = {"webhook_url": server_url(httpserver, f"{HOOK_PATH}?thread_id=777")}
    assert call(config_file, config, "send_message_to_discord_channel", message="hi").success
    (request,) = requests_seen(httpserver)
    assert request.args.to_dict() == {"thread_id": "777", "wait": "true"}


def server_url(server: HTTPServer, path_and_query: str) -> str:
    return f"http://{server.host}:{server.port}{path_and_query}"


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_long_message_is_split_at_line_breaks_into_messages_sent_in_order(
        config_file: Path, httpserver: HTTPServer, mode: str, call: Callable[..., Any]) -> None:
    first = "a" * 1500 + "\n" + "b" * 400  # 1,901 characters: cut at its line break
    second = "c " * 900  # then no line break: cut at the last space before 2,000
    text = first + "\n" + second + "d" * 300
    for _ in range(3):
        expect(httpserver, mode).respond_with_json(message_reply())
    result = call(config_file, config_for(mode, httpserver), "send_message_to_discord_channel",
                  message=text)
    assert result.text == (f"Sent to {WHERE[mode]} as 3 messages (Discord allows 2,000 "
                           "characters per message).")
    sent = [json_body(r)["content"] for r in requests_seen(httpserver)]
    assert sent == [first, second[:-1], "d" * 300]
    for request in requests_seen(httpserver):
        assert_headers(mode, request)


def test_file_sizes_are_told_in_the_unit_that_fits() -> None:
    assert [discord_api.file_size(n) for n in (0, 1, 1023, 1024, 5000, 1048575, 1048576,
                                               25 * 1048576 + 1)] == [
        "0 bytes", "1 byte", "1023 bytes", "1 KB", "5 KB", "1024 KB", "1.0 MB", "25.0 MB"]


def test_split_message_table() -> None:
    split = discord_api.split_message
    assert split("") == [""]
    assert split("x" * 2000) == ["x" * 2000]
    assert split("x" * 2001) == ["x" * 2000, "x"]  # one long word: cut at the limit
    assert split("x" * 2000 + " tail") == ["x" * 2000, "tail"]  # a break right at the limit
    assert split("one two\nthree", limit=9) == ["one two", "three"]  # line break first
    assert split("one two three", limit=9) == ["one two", "three"]  # else the last space
    assert split("ab cd", limit=2) == ["ab", "cd"]


def test_exactly_five_messages_are_sent_but_six_are_refused_before_any(
        config_file: Path, httpserver: HTTPServer, call: Callable[..., Any]) -> None:
    for _ in range(5):
        expect(httpserver, "webhook").respond_with_json(message_reply())
    five = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                message="x" * 10_000)
    assert five.text == ("Sent to Discord (through the webhook) as 5 messages (Discord allows "
                         "2,000 characters per message).")
    assert len(httpserver.log) == 5
    httpserver.clear_log()
    six = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
               message="x" * 10_001)
    assert not six.success
    assert six.text == ("That message is 10,001 characters; Discord takes 2,000 per message "
                        "and I send at most 5 messages at once (10,000 characters), so nothing "
                        "was sent; shorten it.")
    assert not httpserver.log


def test_empty_message_is_refused(config_file: Path, httpserver: HTTPServer,
                                  call: Callable[..., Any]) -> None:
    result = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                  message="   ")
    assert result.text == "There is nothing to send: the message is empty."
    assert not httpserver.log


def test_a_failure_after_the_first_part_says_how_far_it_got(
        config_file: Path, httpserver: HTTPServer, call: Callable[..., Any]) -> None:
    expect(httpserver, "bot").respond_with_json(message_reply())
    expect(httpserver, "bot").respond_with_json({"message": "oops"}, status=502)
    result = call(config_file, bot_config(httpserver), "send_message_to_discord_channel",
                  message="y" * 3000)
    assert not result.success
    assert result.text == ("Sent 1 of 2 messages to Discord; the rest failed: Discord is having "
                           "trouble right now (HTTP 502: oops); try again later.")
    assert len(httpserver.log) == 2  # a failed POST is never re-sent


# -- files ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_newest_chart_is_uploaded_as_multipart(config_file: Path, tmp_path: Path,
                                               httpserver: HTTPServer, mode: str,
                                               call: Callable[..., Any]) -> None:
    charts = tmp_path / "Videos" / "NVIDIA" / "G-Assist"
    capture(charts, "cyberpunk-fps-old.csv", b"time,fps\n0,90\n", age=600)
    capture(charts, "cyberpunk-fps.csv", b"time,fps\n0,144\n1,141\n", age=10)
    capture(charts, "notes.txt", b"not a chart", age=0)
    expect(httpserver, mode).respond_with_json(message_reply("Tonight's run", attachments=1))
    config = config_for(mode, httpserver, capture_folders=[str(charts)])
    result = call(config_file, config, "send_latest_chart_to_discord_channel",
                  caption="Tonight's run")
    assert result.success
    assert result.text == (f"Sent the latest chart, cyberpunk-fps.csv (21 bytes), to "
                           f"{WHERE[mode]}.")
    httpserver.check_assertions()
    (request,) = requests_seen(httpserver)
    assert_headers(mode, request)
    payload, upload = multipart(request)
    assert payload == {"content": "Tonight's run",
                       "attachments": [{"id": 0, "filename": "cyberpunk-fps.csv"}],
                       "allowed_mentions": {"parse": ["users"]}}
    assert upload == ("cyberpunk-fps.csv", "text/csv", b"time,fps\n0,144\n1,141\n")


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_newest_clip_from_any_game_folder_without_caption(
        config_file: Path, tmp_path: Path, httpserver: HTTPServer, mode: str,
        call: Callable[..., Any]) -> None:
    nvidia = tmp_path / "captures"
    capture(nvidia / "Cyberpunk 2077", "Cyberpunk 2077 2026.12.01 - 20.11.05.01.mp4",
            b"\x00old clip", age=3600)
    capture(nvidia / "Apex Legends", "Apex Legends 2026.12.02 - 18.00.00.02.mp4",
            b"\x00\x00\x00\x18ftypmp42", age=5)
    capture(nvidia / "Apex Legends" / "deeper", "too-deep.mp4", b"ignored", age=0)
    expect(httpserver, mode).respond_with_json(message_reply(attachments=1))
    config = config_for(mode, httpserver, capture_folders=[str(nvidia)])
    blank = {} if mode == "bot" else {"caption": "   "}  # a blank caption is no caption
    result = call(config_file, config, "send_latest_shadowplay_clip_to_discord_channel", **blank)
    assert result.text == ("Sent the latest clip, Apex Legends 2026.12.02 - 18.00.00.02.mp4 "
                           f"(12 bytes), to {WHERE[mode]}.")
    payload, upload = multipart(requests_seen(httpserver)[0])
    assert payload == {"attachments": [{"id": 0,
                                        "filename": "Apex Legends 2026.12.02 - 18.00.00.02.mp4"}],
                       "allowed_mentions": {"parse": ["users"]}}
    assert upload == ("Apex Legends 2026.12.02 - 18.00.00.02.mp4", "video/mp4",
                      b"\x00\x00\x00\x18ftypmp42")


def test_newest_screenshot_may_be_a_jpg_and_folders_are_all_searched(
        config_file: Path, tmp_path: Path, httpserver: HTTPServer,
        call: Callable[..., Any]) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    capture(one / "Doom", "doom.png", b"\x89PNG old", age=100)
    capture(two, "Screenshot 2026-12-02.JPG", b"\xff\xd8\xff jpeg", age=1)
    capture(two, "clip.mp4", b"a newer clip is not a screenshot", age=0)
    expect(httpserver, "webhook").respond_with_json(message_reply(attachments=1))
    config = hook_config(httpserver, capture_folders=[str(one), str(tmp_path / "missing"),
                                                      str(two)])
    result = call(config_file, config, "send_latest_screenshot_to_discord_channel",
                  caption="  look at this \n")
    assert result.text == ("Sent the latest screenshot, Screenshot 2026-12-02.JPG (8 bytes), to "
                           "Discord (through the webhook).")
    payload, upload = multipart(requests_seen(httpserver)[0])
    assert payload["content"] == "look at this"
    assert upload == ("Screenshot 2026-12-02.JPG", "image/jpeg", b"\xff\xd8\xff jpeg")


def test_default_folders_are_nvidias_under_videos(config_file: Path, tmp_path: Path,
                                                  httpserver: HTTPServer,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  call: Callable[..., Any]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # ~/Videos on Linux
    videos = tmp_path / "Videos" / "NVIDIA"
    capture(videos / "Elden Ring", "Elden Ring Screenshot.png", b"\x89PNG", age=1)
    capture(videos / "G-Assist", "fps.csv", b"time,fps\n", age=1)
    for _ in range(2):
        expect(httpserver, "bot").respond_with_json(message_reply(attachments=1))
    shot = call(config_file, bot_config(httpserver), "send_latest_screenshot_to_discord_channel")
    chart = call(config_file, bot_config(httpserver), "send_latest_chart_to_discord_channel")
    assert "Elden Ring Screenshot.png" in shot.text and "fps.csv" in chart.text
    clip = call(config_file, bot_config(httpserver),
                "send_latest_shadowplay_clip_to_discord_channel")
    assert not clip.success
    assert clip.text == (f"No ShadowPlay clip (.mp4) found in {videos} or their subfolders; set "
                         "capture_folders in config.json to the folder your captures are saved "
                         "in.")
    assert len(httpserver.log) == 2


@pytest.mark.parametrize("function, label", [
    ("send_latest_chart_to_discord_channel", "chart (.csv)"),
    ("send_latest_shadowplay_clip_to_discord_channel", "ShadowPlay clip (.mp4)"),
    ("send_latest_screenshot_to_discord_channel", "screenshot (.png or .jpg)"),
])
def test_no_file_found_names_every_folder_searched(config_file: Path, tmp_path: Path,
                                                   httpserver: HTTPServer, function: str,
                                                   label: str, call: Callable[..., Any]) -> None:
    empty, missing = tmp_path / "empty", tmp_path / "missing"
    empty.mkdir()
    result = call(config_file, bot_config(httpserver, capture_folders=[str(empty), str(missing)]),
                  function)
    assert not result.success
    assert result.text == (f"No {label} found in {empty}, {missing} or their subfolders; set "
                           "capture_folders in config.json to the folder your captures are saved "
                           "in.")
    assert not httpserver.log


def test_size_limit_is_checked_before_uploading(config_file: Path, tmp_path: Path,
                                                httpserver: HTTPServer,
                                                call: Callable[..., Any]) -> None:
    clips = tmp_path / "clips"
    clip = capture(clips, "big.mp4")
    with clip.open("r+b") as handle:
        handle.truncate(10 * 1048576 + 1)  # one byte over the default 10 MB
    result = call(config_file, hook_config(httpserver, capture_folders=[str(clips)]),
                  "send_latest_shadowplay_clip_to_discord_channel")
    assert not result.success
    assert result.text == ("big.mp4 is 10.0 MB, over the 10 MB upload limit (max_upload_mb in "
                           "config.json), so it was not sent; trim it, or raise max_upload_mb if "
                           "your server allows bigger uploads.")
    assert not httpserver.log

    with clip.open("r+b") as handle:
        handle.truncate(10 * 1048576)  # exactly the limit is fine
    expect(httpserver, "webhook").respond_with_json(message_reply(attachments=1))
    fits = call(config_file, hook_config(httpserver, capture_folders=[str(clips)]),
                "send_latest_shadowplay_clip_to_discord_channel")
    assert fits.text == "Sent the latest clip, big.mp4 (10.0 MB), to Discord (through the webhook)."
    assert len(multipart(requests_seen(httpserver)[0])[1][2]) == 10 * 1048576


def test_size_limit_follows_max_upload_mb(config_file: Path, tmp_path: Path,
                                          httpserver: HTTPServer, call: Callable[..., Any]) -> None:
    shots = tmp_path / "shots"
    capture(shots, "huge.png", b"p" * 3 * 1048576)
    result = call(config_file, bot_config(httpserver, capture_folders=[str(shots)],
                                          max_upload_mb=2.5),
                  "send_latest_screenshot_to_discord_channel")
    assert result.text.startswith("huge.png is 3.0 MB, over the 2.5 MB upload limit")
    assert not httpserver.log


def test_413_from_discord_names_the_file(config_file: Path, tmp_path: Path,
                                         httpserver: HTTPServer, call: Callable[..., Any]) -> None:
    shots = tmp_path / "shots"
    capture(shots, "shot.png", b"p" * 1000)
    expect(httpserver, "bot").respond_with_json({"message": "Request entity too large",
                                                 "code": 40005}, status=413)
    result = call(config_file, bot_config(httpserver, capture_folders=[str(shots)]),
                  "send_latest_screenshot_to_discord_channel")
    assert result.text == ("shot.png is larger than this Discord server accepts (413 Payload Too "
                           "Large); set max_upload_mb in config.json to the server's upload "
                           "limit.")


def test_long_caption_goes_with_the_file_then_follows(config_file: Path, tmp_path: Path,
                                                      httpserver: HTTPServer,
                                                      call: Callable[..., Any]) -> None:
    shots = tmp_path / "shots"
    capture(shots, "shot.png", b"\x89PNG")
    caption = "w" * 1990 + " " + "z" * 100
    expect(httpserver, "webhook").respond_with_json(message_reply(attachments=1))
    expect(httpserver, "webhook").respond_with_json(message_reply())
    result = call(config_file, hook_config(httpserver, capture_folders=[str(shots)]),
                  "send_latest_screenshot_to_discord_channel", caption=caption)
    assert result.text == ("Sent the latest screenshot, shot.png (4 bytes), to Discord (through "
                           "the webhook). The caption followed in 1 more message(s).")
    upload, follow = requests_seen(httpserver)
    assert multipart(upload)[0]["content"] == "w" * 1990
    assert json_body(follow)["content"] == "z" * 100


# -- failures ---------------------------------------------------------------------------


FAILURES = {
    ("bot", 401): "Discord rejected the bot token (401 Unauthorized): copy a fresh one from "
                  "https://discord.com/developers/applications (your application > Bot > Reset "
                  "Token) into bot_token in config.json.",
    ("webhook", 401): "Discord rejected the webhook's token (401 Unauthorized): copy the webhook "
                      "URL again from Server Settings > Integrations > Webhooks into webhook_url "
                      "in config.json.",
    ("bot", 403): f"The bot may not post in channel {CHANNEL} (403 Forbidden): add it to that "
                  "server and give it the View Channel, Send Messages and Attach Files "
                  "permissions in the channel.",
    ("webhook", 403): "Discord refused the webhook (403 Forbidden): it may no longer post in its "
                      "channel; create a new one in Server Settings > Integrations > Webhooks.",
    ("bot", 404): f"Discord has no channel {CHANNEL} that the bot can see (404 Not Found): check "
                  "channel_id in config.json (right-click the channel > Copy Channel ID).",
    ("webhook", 404): "The Discord webhook no longer exists (404 Not Found): it was deleted or "
                      "webhook_url is mistyped; create one in Server Settings > Integrations > "
                      "Webhooks and put its URL in webhook_url in config.json.",
}
DISCORD_BODIES = {401: {"message": "401: Unauthorized", "code": 0},
                  403: {"message": "Missing Permissions", "code": 50013},
                  404: {"message": "Unknown Channel", "code": 10003}}


@pytest.mark.parametrize("mode, status", sorted(FAILURES))
def test_refusals_are_one_sentence_for_the_mode(config_file: Path, tmp_path: Path,
                                                httpserver: HTTPServer, mode: str,
                                                status: int, call: Callable[..., Any]) -> None:
    shots = tmp_path / "shots"
    capture(shots, "shot.png", b"\x89PNG")
    for _ in range(2):
        expect(httpserver, mode).respond_with_json(DISCORD_BODIES[status], status=status)
    config = config_for(mode, httpserver, capture_folders=[str(shots)])
    text = call(config_file, config, "send_message_to_discord_channel", message="hi")
    upload = call(config_file, config, "send_latest_screenshot_to_discord_channel")
    for result in (text, upload):
        assert not result.success
        assert result.text == FAILURES[(mode, status)]
        assert "Traceback" not in result.text
    assert len(httpserver.log) == 2  # never retried


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_429_retry_after_in_the_body_is_waited_once(config_file: Path, httpserver: HTTPServer,
                                                    waits: list[float], mode: str,
                                                    call: Callable[..., Any]) -> None:
    expect(httpserver, mode).respond_with_json(
        {"message": "You are being rate limited.", "retry_after": 0.35, "global": False},
        status=429)
    expect(httpserver, mode).respond_with_json(message_reply("hi"))
    result = call(config_file, config_for(mode, httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert result.text == f"Sent to {WHERE[mode]}."
    assert waits == [0.35]
    first, second = requests_seen(httpserver)
    assert json_body(first) == json_body(second)
    assert_headers(mode, second)


def test_429_retry_after_header_is_waited_once(config_file: Path, httpserver: HTTPServer,
                                               waits: list[float],
                                               call: Callable[..., Any]) -> None:
    expect(httpserver, "bot").respond_with_data("slow down", status=429,
                                                headers={"Retry-After": "2"})
    expect(httpserver, "bot").respond_with_json(message_reply("hi"))
    result = call(config_file, bot_config(httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert result.success and waits == [2.0]


def test_429_wait_is_real(config_file: Path, httpserver: HTTPServer,
                          call: Callable[..., Any]) -> None:
    expect(httpserver, "webhook").respond_with_json({"retry_after": 0.3}, status=429)
    expect(httpserver, "webhook").respond_with_json(message_reply())
    started = time.monotonic()
    assert call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                message="hi").success
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_429_twice_is_told_not_retried_again(config_file: Path, httpserver: HTTPServer,
                                             waits: list[float], mode: str,
                                             call: Callable[..., Any]) -> None:
    for wait in (0.5, 4.2):
        expect(httpserver, mode).respond_with_json({"retry_after": wait}, status=429)
    result = call(config_file, config_for(mode, httpserver), "send_message_to_discord_channel",
                  message="hi")
    who = "bot" if mode == "bot" else "webhook"
    assert result.text == f"Discord is rate-limiting this {who}: wait 5 seconds and try again."
    assert waits == [0.5] and len(httpserver.log) == 2


def test_429_with_a_long_wait_is_not_waited(config_file: Path, httpserver: HTTPServer,
                                            waits: list[float], call: Callable[..., Any]) -> None:
    expect(httpserver, "webhook").respond_with_json({"retry_after": 61.5}, status=429,
                                                    headers={"Retry-After": "62"})
    result = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert result.text == "Discord is rate-limiting this webhook: wait 62 seconds and try again."
    assert waits == [] and len(httpserver.log) == 1


def test_429_on_an_upload_sends_the_whole_file_again(config_file: Path, tmp_path: Path,
                                                     httpserver: HTTPServer,
                                                     waits: list[float],
                                                     call: Callable[..., Any]) -> None:
    clips = tmp_path / "clips"
    capture(clips, "clip.mp4", b"\x01" * 5000)
    expect(httpserver, "bot").respond_with_json({"retry_after": 1}, status=429)
    expect(httpserver, "bot").respond_with_json(message_reply(attachments=1))
    result = call(config_file, bot_config(httpserver, capture_folders=[str(clips)]),
                  "send_latest_shadowplay_clip_to_discord_channel", caption="again")
    assert result.success and waits == [1.0]
    for request in requests_seen(httpserver):
        payload, upload = multipart(request)
        assert payload["content"] == "again"
        assert upload == ("clip.mp4", "video/mp4", b"\x01" * 5000)




def test_a_long_message_stops_before_the_engines_time_limit(
        config_file: Path, httpserver: HTTPServer, clock: list[float], answers_after: Any,
        call: Callable[..., Any]) -> None:
    # Each part takes Discord 10 s: after three, too little of the 25 s is left for a fourth
    # (the engine would stop the call at 30 s and the user would hear nothing at all).
    for _ in range(4):
        expect(httpserver, "bot").respond_with_handler(answers_after(10, message_reply()))
    text = "\n".join(["z" * 1999] * 4)
    result = call(config_file, bot_config(httpserver), "send_message_to_discord_channel",
                  message=text)
    assert (result.success, result.text) == (
        False, "Sent 3 of 4 messages to Discord; the rest failed: Discord answered too slowly, "
               "so there was no time left to send more within G-Assist's 30-second limit.")
    assert len(httpserver.log) == 3


def test_a_429_is_not_waited_out_past_the_time_limit(
        config_file: Path, httpserver: HTTPServer, clock: list[float], answers_after: Any,
        waits: list[float], call: Callable[..., Any]) -> None:
    # 20 s spent on the first answer: waiting 4 s more would leave 1 s for the retry.
    expect(httpserver, "webhook").respond_with_handler(
        answers_after(20, {"retry_after": 4, "message": "rate limited"}, status=429))
    result = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert result.text == "Discord is rate-limiting this webhook: wait 4 seconds and try again."
    assert waits == [] and len(httpserver.log) == 1


def test_a_429_is_waited_out_when_there_is_time(
        config_file: Path, httpserver: HTTPServer, clock: list[float], answers_after: Any,
        waits: list[float], call: Callable[..., Any]) -> None:
    expect(httpserver, "webhook").respond_with_handler(
        answers_after(10, {"retry_after": 4, "message": "rate limited"}, status=429))
    expect(httpserver, "webhook").respond_with_json(message_reply("hi"))
    result = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert (result.success, result.text) == (True, "Sent to Discord (through the webhook).")
    assert waits == [4.0] and len(httpserver.log) == 2


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_5xx_is_one_sentence_and_not_resent(config_file: Path, httpserver: HTTPServer,
                                            mode: str, call: Callable[..., Any]) -> None:
    expect(httpserver, mode).respond_with_data("<html>bad gateway</html>", status=503)
    result = call(config_file, config_for(mode, httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert result.text == "Discord is having trouble right now (HTTP 503); try again later."
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_unreadable_body_says_the_post_is_unconfirmed(config_file: Path, httpserver: HTTPServer,
                                                      mode: str, call: Callable[..., Any]) -> None:
    expect(httpserver, mode).respond_with_data("<html>captive portal</html>", status=200,
                                               content_type="text/html")
    result = call(config_file, config_for(mode, httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert not result.success
    assert result.text == ("Discord answered, but its reply could not be read, so I cannot tell "
                           "whether it was posted; check the channel.")


def test_other_refusal_quotes_discord(config_file: Path, httpserver: HTTPServer,
                                      call: Callable[..., Any]) -> None:
    expect(httpserver, "bot").respond_with_json(
        {"message": "Cannot send messages in a voice channel", "code": 50008}, status=400)
    result = call(config_file, bot_config(httpserver), "send_message_to_discord_channel",
                  message="hi")
    assert result.text == ("Discord refused the message (HTTP 400: Cannot send messages in a "
                           "voice channel).")


@pytest.mark.parametrize("mode, setting", [("bot", "api_url"), ("webhook", "webhook_url")])
def test_refused_connection_names_host_and_setting(config_file: Path, mode: str,
                                                   setting: str, closed_port: int,
                                                   call: Callable[..., Any]) -> None:
    port = closed_port
    config = ({"bot_token": BOT_TOKEN, "channel_id": CHANNEL,
               "api_url": f"http://127.0.0.1:{port}/api/v10"} if mode == "bot" else
              {"webhook_url": f"http://127.0.0.1:{port}{HOOK_PATH}"})
    result = call(config_file, config, "send_message_to_discord_channel", message="hi")
    assert result.text == ("Could not reach Discord at 127.0.0.1 (connection refused). Check "
                           f"your internet connection and the `{setting}` setting.")


def test_timeout_is_one_sentence(config_file: Path, httpserver: HTTPServer,
                                 monkeypatch: pytest.MonkeyPatch,
                                 call: Callable[..., Any],
                                 wait_for_log: Callable[..., None]) -> None:
    monkeypatch.setattr(discord_api, "TIMEOUT", (2.0, 0.3))
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(30)  # answers only after the plug-in gave up (no race with its timeout)
        return Response(json.dumps(message_reply()), content_type="application/json")

    expect(httpserver, "webhook").respond_with_handler(slow)
    try:
        result = call(config_file, hook_config(httpserver), "send_message_to_discord_channel",
                      message="hi")
    finally:
        release.set()
    assert result.text == "Discord did not answer within 0.3 seconds; try again in a moment."
    # The answer is logged before the server is checked (and before the next test clears the
    # shared server); a second POST would show as a second request.
    wait_for_log(httpserver, 1)
    assert len(httpserver.log) == 1


# -- secrets ----------------------------------------------------------------------------


def test_secrets_are_in_no_reply_and_no_log(config_file: Path, tmp_path: Path,
                                            httpserver: HTTPServer, capfd: pytest.CaptureFixture,
                                            waits: list[float], closed_port: int,
                                            monkeypatch: pytest.MonkeyPatch,
                                            call: Callable[..., Any]) -> None:
    shots = tmp_path / "shots"
    capture(shots, "shot.png", b"\x89PNG")
    log_file = Path(discord.plugin.enable_logging())
    monkeypatch.setattr(logging.getLogger("gassist_sdk"), "level", logging.DEBUG)
    statuses = [200, 401, 403, 404, 429, 500, 400]
    replies = []
    for mode in ("bot", "webhook"):
        for status in statuses:
            body = message_reply() if status == 200 else {"message": "no", "retry_after": 99}
            for _ in range(2):
                expect(httpserver, mode).respond_with_json(body, status=status)
            config = config_for(mode, httpserver, capture_folders=[str(shots)])
            replies.append(call(config_file, config, "send_message_to_discord_channel",
                                message="hi"))
            replies.append(call(config_file, config, "send_latest_screenshot_to_discord_channel"))
    # A webhook URL the plug-in refuses, and an unreachable one.
    replies.append(call(config_file, {"webhook_url": f"ftp://x/api/webhooks/1/{HOOK_TOKEN}"},
                        "send_message_to_discord_channel", message="hi"))
    replies.append(call(config_file, {"webhook_url": f"http://127.0.0.1:{closed_port}"
                                                     f"/api/webhooks/1/{HOOK_TOKEN}"},
                        "send_message_to_discord_channel", message="hi"))
    # Even a log line that carries the webhook's path (not the whole URL) is redacted.
    discord.plugin.logger.warning("posting to %s", HOOK_PATH)
    captured = capfd.readouterr()
    seen = [json.dumps(r.messages) for r in replies] + [log_file.read_text(encoding="utf-8"),
                                                        captured.out, captured.err]
    for text in seen:
        for secret in SECRETS:
            assert secret not in text
    assert sum(r.success for r in replies) == 4
    assert "posting to /api/webhooks/4242/***" in log_file.read_text(encoding="utf-8")


# -- capture folders --------------------------------------------------------------------


def test_videos_folder_elsewhere_is_home_videos(tmp_path: Path) -> None:
    assert captures.videos_folder(platform="linux", home=tmp_path) == tmp_path / "Videos"
    assert captures.videos_folder(platform="darwin", home=tmp_path,
                                  known_folder=lambda: "/never") == tmp_path / "Videos"


def test_videos_folder_on_windows_is_the_known_folder_even_when_redirected(
        tmp_path: Path) -> None:
    found = captures.videos_folder(platform="win32", environ={"USERPROFILE": r"C:\Users\ada"},
                                   home=tmp_path, known_folder=lambda: r"D:\Media\Videos")
    assert found == Path(r"D:\Media\Videos")


@pytest.mark.parametrize("lookup", [lambda: None, lambda: "",
                                    lambda: (_ for _ in ()).throw(OSError("no shell32"))])
def test_videos_folder_on_windows_falls_back_to_userprofile(tmp_path: Path, lookup: Any) -> None:
    found = captures.videos_folder(platform="win32", environ={"USERPROFILE": r"C:\Users\ada"},
                                   home=tmp_path, known_folder=lookup)
    assert found == Path(r"C:\Users\ada") / "Videos"
    assert captures.videos_folder(platform="win32", environ={}, home=tmp_path,
                                  known_folder=lookup) == tmp_path / "Videos"


class FakeShell:
    """shell32 and ole32 for SHGetKnownFolderPath, on Linux, through real ctypes pointers."""

    def __init__(self, answer: str | None, result: int = 0) -> None:
        import ctypes

        self.buffer = ctypes.create_unicode_buffer(answer) if answer is not None else None
        self.result = result
        self.guid: tuple[Any, ...] | None = None
        self.flags: Any = None
        self.freed: list[int | None] = []

    def SHGetKnownFolderPath(self, guid: Any, flags: int, token: Any, out: Any) -> int:
        import ctypes

        value = guid.contents
        self.guid = (value.Data1, value.Data2, value.Data3, tuple(value.Data4))
        self.flags = flags
        if self.buffer is not None:
            out.contents.value = ctypes.addressof(self.buffer)
        return self.result

    def CoTaskMemFree(self, pointer: Any) -> None:
        self.freed.append(pointer.value)


def test_known_folder_lookup_asks_for_folderid_videos_and_frees_the_string() -> None:
    import ctypes

    shell = FakeShell(r"D:\Videos")
    assert captures._known_videos_folder(shell, shell) == r"D:\Videos"
    assert shell.guid == (0x18989B1D, 0x99B5, 0x455B,
                          (0x84, 0x1C, 0xAB, 0x7C, 0x74, 0xE4, 0xDD, 0xFC))
    assert shell.flags == 0
    assert shell.freed == [ctypes.addressof(shell.buffer)]


def test_known_folder_lookup_failure_is_none() -> None:
    failed = FakeShell(None, result=-2147024894)  # E_FILENOTFOUND-ish HRESULT, no string
    assert captures._known_videos_folder(failed, failed) is None
    assert failed.freed == []
    errored = FakeShell(r"D:\Videos", result=-2147024891)
    assert captures._known_videos_folder(errored, errored) is None
    assert len(errored.freed) == 1  # freed even when the call failed


def test_default_and_configured_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    videos = tmp_path / "Videos"
    assert captures.default_folders(captures.CHART, videos) == [videos / "NVIDIA" / "G-Assist"]
    assert captures.default_folders(captures.CLIP, videos) == [videos / "NVIDIA"]
    assert captures.default_folders(captures.SCREENSHOT, videos) == [videos / "NVIDIA"]
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CAPS", "/data/caps")
    assert captures.expand_folders(["~/Clips", " $CAPS/shots ", "", "  "]) == [
        tmp_path / "Clips", Path("/data/caps/shots")]


def test_newest_capture_ignores_other_kinds_and_deeper_folders(tmp_path: Path) -> None:
    capture(tmp_path / "Game", "a.PNG", age=50)
    capture(tmp_path / "Game", "b.png.part", age=0)
    capture(tmp_path / "Game" / "sub" / "subsub", "deep.png", age=0)
    capture(tmp_path, "top.jpeg", age=60)
    assert captures.newest_capture(captures.SCREENSHOT, [tmp_path]) == tmp_path / "Game" / "a.PNG"
    assert captures.newest_capture(captures.CLIP, [tmp_path]) is None
    assert captures.newest_capture(captures.CHART, [tmp_path / "nope"]) is None


def test_a_capture_folder_no_os_can_open_is_skipped(config_file: Path, tmp_path: Path,
                                                    httpserver: HTTPServer,
                                                    call: Callable[..., Any]) -> None:
    # A NUL in a path ("\u0000" in config.json) makes os.scandir raise ValueError, not
    # OSError; like a missing folder it is skipped, and the other folders still count.
    shots = tmp_path / "shots"
    capture(shots, "shot.png", b"\x89PNG")
    expect(httpserver, "bot").respond_with_json(message_reply(attachments=1))
    result = call(config_file, bot_config(httpserver, capture_folders=["bad\x00folder",
                                                                      str(shots)]),
                  "send_latest_screenshot_to_discord_channel")
    assert (result.success, result.text) == (
        True, f"Sent the latest screenshot, shot.png (4 bytes), to Discord channel {CHANNEL}.")


# -- README -----------------------------------------------------------------------------


def _troubleshooting_patterns() -> list[re.Pattern[str]]:
    text = (PLUGIN_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Troubleshooting", 1)[1]
    patterns = []
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        cell = row.split(" | ")[0][2:]
        for quoted in re.findall(r"``(.+?)``|`([^`]+)`", cell):
            words = quoted[0] or quoted[1]
            if len(words) > 25:
                patterns.append(re.compile(".*".join(re.escape(part)
                                                     for part in words.split("…")) + "$"))
    return patterns


def test_readme_has_setup_prompts_and_troubleshooting_for_every_reply(tmp_path: Path) -> None:
    text = (PLUGIN_DIR / "README.md").read_text(encoding="utf-8")
    for heading in ("## Setup", "## Example prompts", "## Troubleshooting"):
        assert heading in text
    assert "https://discord.com/developers/applications" in text
    assert "Server Settings > Integrations > Webhooks" in text
    prompts = text.split("## Example prompts", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r'^- ".+"$', prompts, re.M)) >= 5
    replies = [
        SETUP_PROBLEM,
        *(problem for _config, problem, _asked in HALF_SETUPS.values()),
        *FAILURES.values(),
        "Discord is rate-limiting this bot: wait 5 seconds and try again.",
        "Discord is rate-limiting this webhook: wait 62 seconds and try again.",
        "big.mp4 is 10.0 MB, over the 10 MB upload limit (max_upload_mb in config.json), so it "
        "was not sent; trim it, or raise max_upload_mb if your server allows bigger uploads.",
        "shot.png is larger than this Discord server accepts (413 Payload Too Large); set "
        "max_upload_mb in config.json to the server's upload limit.",
        f"No chart (.csv) found in {tmp_path} or their subfolders; set capture_folders in "
        "config.json to the folder your captures are saved in.",
        "That message is 10,001 characters; Discord takes 2,000 per message and I send at most "
        "5 messages at once (10,000 characters), so nothing was sent; shorten it.",
        "There is nothing to send: the message is empty.",
        "Sent 1 of 2 messages to Discord; the rest failed: Discord is having trouble right now "
        "(HTTP 502: oops); try again later.",
        "Discord refused the message (HTTP 400: Cannot send messages in a voice channel).",
        "Discord answered, but its reply could not be read, so I cannot tell whether it was "
        "posted; check the channel.",
        "Discord did not answer within 0.3 seconds; try again in a moment.",
        "Sent 3 of 4 messages to Discord; the rest failed: Discord answered too slowly, so there "
        "was no time left to send more within G-Assist's 30-second limit.",
        "Could not reach Discord at 127.0.0.1 (connection refused). Check your internet "
        "connection and the `api_url` setting.",
        "Discord is having trouble right now (HTTP 503); try again later.",
    ]
    patterns = _troubleshooting_patterns()
    for reply in replies:
        assert any(p.match(reply) for p in patterns), f"README does not explain: {reply}"


def test_start_up_imports_neither_requests_nor_the_plugins_own_modules() -> None:
    import subprocess

    sdk = Path(__file__).resolve().parents[2] / "sdk"
    code = (f"import sys; sys.path[:0] = ['.', {str(sdk)!r}]; import plugin; "
            "print(sorted(m for m in ('requests', 'urllib3', 'discord_api', 'captures', "
            "'gassist_sdk.http', 'ctypes') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-S", "-c", code], cwd=PLUGIN_DIR,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_manifest_descriptions_say_what_a_user_would_ask() -> None:
    # The engine's small model picks a function from its description: it gets the words
    # people use ("send this to discord"), not only what the function does.
    manifest = json.loads((PLUGIN_DIR / "manifest.json").read_text(encoding="utf-8"))
    described = {f["name"]: f["description"] for f in manifest["functions"]}
    assert '"send this to discord"' in described["send_message_to_discord_channel"]
    assert '"send my performance chart to discord"' in described[
        "send_latest_chart_to_discord_channel"]
    assert '"send my last clip to discord"' in described[
        "send_latest_shadowplay_clip_to_discord_channel"]
    assert '"send my last screenshot to discord"' in described[
        "send_latest_screenshot_to_discord_channel"]
