# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/discord built and run the way G-Assist runs it, against a fake Discord.

The build (source, and once as an executable) is hosted by the emulator: its own
folder, a bare interpreter with only its ``libs/``, real pipes. The fake is a
pytest-httpserver on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "CANARY-bot-e2e-9b8a7c6d.Zz"
HOOK_TOKEN = "CANARY-wh-e2e-1a2b3c4d"
CHANNEL = "998877665544332211"
HOOK_PATH = f"/api/webhooks/777/{HOOK_TOKEN}"
BOT_PATH = f"/api/v10/channels/{CHANNEL}/messages"
REPLY = {"id": "1300000000000000002", "channel_id": CHANNEL, "content": "", "attachments": []}


@pytest.fixture(autouse=True)
def _quiet_fake_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake's access log would print webhook paths (canary tokens) with a failure."""
    monkeypatch.setattr(logging.getLogger("werkzeug"), "level", logging.WARNING)


def captures(folder: Path) -> Path:
    """A capture folder like NVIDIA's: a chart, a clip and screenshots in game folders."""
    files = {"G-Assist/fps-run.csv": b"time,fps\n0,144\n",
             "Apex Legends/Apex Legends 2026.12.02 - 18.00.00.02.mp4": b"\x00\x00\x00\x18ftyp",
             "Apex Legends/Apex Legends Screenshot 2026.12.02.png": b"\x89PNG\r\n\x1a\n",
             "Doom/old.png": b"\x89PNG old"}
    for index, (name, data) in enumerate(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stamp = time.time() - 100 * index  # the first is the newest
        os.utime(path, (stamp, stamp))
    return folder


def form_parts(request: Any) -> tuple[dict[str, Any], str, bytes]:
    assert list(request.form) == ["payload_json"] and list(request.files) == ["files[0]"]
    upload = request.files["files[0]"]
    return json.loads(request.form["payload_json"]), upload.filename, upload.read()


def test_webhook_and_bot_through_the_emulator(sample_copy: Any, run_sample: Any,
                                              httpserver: HTTPServer, tmp_path: Path) -> None:
    folder = sample_copy("discord")
    shots = captures(tmp_path / "NVIDIA")
    httpserver.expect_ordered_request(HOOK_PATH, method="POST",
                                      query_string="wait=true").respond_with_json(REPLY)
    httpserver.expect_ordered_request(HOOK_PATH, method="POST",
                                      query_string="wait=true").respond_with_json(REPLY)
    config = {"webhook_url": httpserver.url_for(HOOK_PATH), "capture_folders": [str(shots)]}
    with run_sample(folder, config=config) as run:
        message = run.call("send_message_to_discord_channel", message="GG from the emulator")
        shot = run.call("send_latest_screenshot_to_discord_channel", caption="new PB")
    assert message.success, message.error
    assert message.text == "Sent to Discord (through the webhook)."
    assert shot.text == ("Sent the latest screenshot, Apex Legends Screenshot 2026.12.02.png "
                         "(8 bytes), to Discord (through the webhook).")
    httpserver.check_assertions()
    first, second = (request for request, _ in httpserver.log)
    assert json.loads(first.get_data()) == {"content": "GG from the emulator",
                                            "allowed_mentions": {"parse": ["users"]}}
    assert "Authorization" not in first.headers
    payload, name, data = form_parts(second)
    assert payload == {"content": "new PB",
                       "attachments": [{"id": 0,
                                        "filename": "Apex Legends Screenshot 2026.12.02.png"}],
                       "allowed_mentions": {"parse": ["users"]}}
    assert (name, data) == ("Apex Legends Screenshot 2026.12.02.png", b"\x89PNG\r\n\x1a\n")
    assert HOOK_TOKEN not in run.log_text() + run.replies()

    httpserver.clear()
    httpserver.expect_ordered_request(BOT_PATH, method="POST").respond_with_json(REPLY)
    httpserver.expect_ordered_request(BOT_PATH, method="POST").respond_with_json(
        {"message": "Missing Permissions", "code": 50013}, status=403)
    bot = {"bot_token": BOT_TOKEN, "channel_id": CHANNEL,
           "api_url": httpserver.url_for("/api/v10"), "capture_folders": [str(shots)]}
    with run_sample(folder, config=bot) as run:
        chart = run.call("send_latest_chart_to_discord_channel")
        refused = run.call("send_latest_shadowplay_clip_to_discord_channel")
    assert chart.text == ("Sent the latest chart, fps-run.csv (15 bytes), to Discord channel "
                          f"{CHANNEL}.")
    assert not refused.success and refused.failure == "plugin"
    assert refused.text == (
        f"The bot may not post in channel {CHANNEL} (403 Forbidden): add it to that server and "
        "give it the View Channel, Send Messages and Attach Files permissions in the channel.")
    upload = httpserver.log[0][0]
    assert upload.headers["Authorization"] == f"Bot {BOT_TOKEN}"
    assert form_parts(upload)[1:] == ("fps-run.csv", b"time,fps\n0,144\n")
    assert form_parts(httpserver.log[1][0])[1] == "Apex Legends 2026.12.02 - 18.00.00.02.mp4"
    assert BOT_TOKEN not in run.log_text() + run.replies()


def test_unconfigured_plugin_asks_for_a_webhook_and_replays_the_call(
        sample_copy: Any, run_sample: Any, httpserver: HTTPServer) -> None:
    folder = sample_copy("discord")
    httpserver.expect_ordered_request(HOOK_PATH, method="POST",
                                      query_string="wait=true").respond_with_json(REPLY)
    with run_sample(folder) as run:
        asked = run.call("send_message_to_discord_channel", message="set up from chat")
        done = run.input(f"webhook_url={httpserver.url_for(HOOK_PATH)}")
    assert not asked.success and asked.keep_session
    assert asked.text.startswith("**discord needs to be set up first.**")
    assert (f"{folder / 'config.json'}: Discord is not set up yet: it needs either a channel's "
            "webhook_url, or a bot_token with the channel_id the bot posts in") in asked.text
    assert "https://discord.com/developers/applications" in asked.text
    assert done.success, done.error
    assert not done.keep_session
    assert done.text == ("Saved `webhook_url` to config.json.\n\n"
                         "Sent to Discord (through the webhook).")
    httpserver.check_assertions()
    (request,) = (r for r, _ in httpserver.log)
    assert json.loads(request.get_data())["content"] == "set up from chat"
    saved = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert saved == {"webhook_url": httpserver.url_for(HOOK_PATH)}
    assert "Traceback" not in run.log_text()
    run.assert_never_shown(HOOK_TOKEN)


def test_gassist_build_check_passes(sample_copy: Any, httpserver: HTTPServer,
                                    tmp_path: Path) -> None:
    folder = sample_copy("discord")
    shots = captures(tmp_path / "NVIDIA")
    httpserver.expect_request(re.compile(r"/api/webhooks/777/.*"),
                              method="POST").respond_with_json(REPLY)
    (folder / "config.json").write_text(json.dumps(
        {"webhook_url": httpserver.url_for(HOOK_PATH), "capture_folders": [str(shots)]}))
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "check", str(folder),
         "--sample", "send_message_to_discord_channel:message=hello from check",
         "--log-dir", str(tmp_path / "logs"), "--json"],
        capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    card = json.loads(done.stdout)
    assert card["ok"] is True
    assert {item["title"]: item["status"] for item in card["items"]
            if item["title"].startswith("call ")} == {
        "call send_message_to_discord_channel": "pass",
        "call send_latest_chart_to_discord_channel": "pass",
        "call send_latest_shadowplay_clip_to_discord_channel": "pass",
        "call send_latest_screenshot_to_discord_channel": "pass"}
    assert card["counts"]["warn"] == 0 and card["counts"]["fail"] == 0
    posted = [request for request, _ in httpserver.log]
    # Every function was called: one message and the three uploads.
    assert sorted(bool(r.files) for r in posted).count(True) >= 3
    assert any(json.loads(r.get_data() or b"{}").get("content") == "hello from check"
               for r in posted if not r.files)
    assert HOOK_TOKEN not in done.stdout + done.stderr


@pytest.mark.slow
def test_executable_build_posts_through_the_fake(sample_copy: Any, run_sample: Any,
                                                 httpserver: HTTPServer, tmp_path: Path) -> None:
    folder = sample_copy("discord", "exe")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["executable"] != "plugin.py"
    shots = captures(tmp_path / "NVIDIA")
    httpserver.expect_ordered_request(BOT_PATH, method="POST").respond_with_json(REPLY)
    config = {"bot_token": BOT_TOKEN, "channel_id": CHANNEL,
              "api_url": httpserver.url_for("/api/v10"), "capture_folders": [str(shots)]}
    with run_sample(folder, config=config) as run:
        clip = run.call("send_latest_shadowplay_clip_to_discord_channel",
                        caption="clip of the day")
    assert clip.success, clip.error
    assert clip.text == ("Sent the latest clip, Apex Legends 2026.12.02 - 18.00.00.02.mp4 "
                         f"(8 bytes), to Discord channel {CHANNEL}.")
    (request,) = (r for r, _ in httpserver.log)
    assert request.headers["Authorization"] == f"Bot {BOT_TOKEN}"
    payload, name, data = form_parts(request)
    assert payload["content"] == "clip of the day"
    assert (name, data) == ("Apex Legends 2026.12.02 - 18.00.00.02.mp4", b"\x00\x00\x00\x18ftyp")
    assert BOT_TOKEN not in run.log_text() + run.replies()
