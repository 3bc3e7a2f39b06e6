# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/ifttt built and run the way G-Assist runs it, against a local IFTTT and feeds.

The build's own ``libs/`` (requests, feedparser) over real pipes in the engine's
isolation; the setup conversation; ``gassist-build check``; and the executable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

pytestmark = pytest.mark.e2e

KEY = "CANARY-ifttt-e2e-9c41f7"
CONGRATS = "Congratulations! You've fired the game_routine event"
TRIGGER = f"/trigger/game_routine/with/key/{KEY}"
TITLES = ("Elden Ring DLC dated", "New GeForce driver out", "Half-Life 3 (no, really)",
          "Fourth story")


def rss(*titles: str) -> bytes:
    items = "".join(f"<item><title>{t}</title></item>" for t in titles)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>IGN</title>{items}</channel></rss>").encode()


def fake_ifttt(httpserver: HTTPServer) -> dict[str, object]:
    """IFTTT and two feeds (the first one down); the config that points the plug-in at them."""
    httpserver.expect_request("/ign/pc-articles", method="GET").respond_with_data(
        "maintenance", status=503)
    httpserver.expect_request("/ign/all", method="GET", query_string="").respond_with_data(
        rss(*TITLES), content_type="application/rss+xml")
    httpserver.expect_request(TRIGGER, method="POST", query_string="", json={
        "value1": TITLES[0], "value2": TITLES[1], "value3": TITLES[2]},
        headers={"Content-Type": "application/json"}).respond_with_data(CONGRATS)
    return {"ifttt_url": httpserver.url_for(""),
            "news_feeds": [httpserver.url_for("/ign/pc-articles"), httpserver.url_for("/ign/all")]}


def test_gaming_setup_end_to_end_through_the_emulator(sample_copy, run_sample,
                                                      httpserver: HTTPServer) -> None:
    config = {"webhook_key": KEY, **fake_ifttt(httpserver)}
    httpserver.expect_request(f"/trigger/lights_on/with/key/{KEY}", method="POST",
                              json={"value1": "red"}).respond_with_json(
        {"errors": [{"message": "You sent an invalid key."}]}, status=401)
    with run_sample(sample_copy("ifttt"), config=config,
                    env={"GASSIST_LOG_LEVEL": "DEBUG"}) as run:
        setup = run.call("trigger_gaming_setup")
        refused = run.call("trigger_ifttt_event", event_name="lights_on", value1="red")
    assert setup.success, setup.error
    assert setup.text == (
        f"Fired IFTTT event game_routine with 3 headlines from {httpserver.url_for('/ign/all')}:\n"
        "1. Elden Ring DLC dated\n2. New GeForce driver out\n3. Half-Life 3 (no, really)\n"
        f"(Skipped: {httpserver.url_for('/ign/pc-articles')}: HTTP 503.)\n"
        f"IFTTT replied: {CONGRATS}")
    assert not refused.success and refused.failure == "plugin"
    assert refused.error.startswith("IFTTT refused the webhook_key in config.json (HTTP 401). "
                                    "IFTTT says: You sent an invalid key.")
    assert [(r.method, r.path) for r, _ in httpserver.log] == [
        ("GET", "/ign/pc-articles"), ("GET", "/ign/all"), ("POST", TRIGGER),
        ("POST", f"/trigger/lights_on/with/key/{KEY}")]
    log = run.log_text()
    assert "DEBUG gassist_sdk.http: IFTTT POST localhost -> 401" in log  # DEBUG was on
    assert KEY not in log and KEY not in run.replies()


def test_setup_conversation_takes_the_pasted_key_and_replays_the_call(
        sample_copy, run_sample, httpserver: HTTPServer) -> None:
    folder = sample_copy("ifttt")
    with run_sample(folder, config=fake_ifttt(httpserver)) as run:
        asked = run.call("trigger_gaming_setup")
        assert httpserver.log == []
        done = run.input(KEY)
    assert asked.keep_session and not asked.success
    assert "https://ifttt.com/maker_webhooks/settings" in asked.text
    assert "`webhook_key` (secret)" in asked.text
    assert done.success, done.error
    assert done.text.startswith("Saved `webhook_key` to config.json.\n\nFired IFTTT event "
                                "game_routine with 3 headlines from ")
    assert done.text.endswith(f"IFTTT replied: {CONGRATS}")
    assert json.loads((folder / "config.json").read_text("utf-8"))["webhook_key"] == KEY
    assert KEY not in run.log_text() and KEY not in run.replies()


def test_gassist_build_check_passes_against_the_fake(sample_copy, httpserver: HTTPServer,
                                                     tmp_path: Path) -> None:
    folder = sample_copy("ifttt")
    # check calls every function (trigger_ifttt_event with event_name "test"), some twice.
    httpserver.expect_request("/ign/all").respond_with_data(rss(*TITLES))
    httpserver.expect_request(f"/trigger/test/with/key/{KEY}", method="POST").respond_with_data(
        "Congratulations! You've fired the test event")
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data(CONGRATS)
    config = tmp_path / "ifttt-config.json"
    config.write_text(json.dumps({"webhook_key": KEY, "ifttt_url": httpserver.url_for(""),
                                  "news_feeds": [httpserver.url_for("/ign/all")]}))
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "check", str(folder), "--config", str(config),
         "--log-dir", str(tmp_path / "logs")],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout and " 0 fail" in done.stdout
    assert "call trigger_gaming_setup" in done.stdout
    paths = {r.path for r, _ in httpserver.log}
    assert {f"/trigger/test/with/key/{KEY}", TRIGGER, "/ign/all"} <= paths
    logs = "".join(p.read_text("utf-8", "replace") for p in (tmp_path / "logs").glob("*"))
    assert KEY not in done.stdout + done.stderr + logs


@pytest.mark.slow
def test_the_executable_fires_an_event(sample_copy, run_sample, httpserver: HTTPServer) -> None:
    folder = sample_copy("ifttt", "exe")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["executable"].startswith("g-assist-plugin-ifttt")
    config = {"webhook_key": KEY, **fake_ifttt(httpserver)}
    with run_sample(folder, config=config) as run:
        setup = run.call("trigger_gaming_setup")  # requests and feedparser frozen in
    assert setup.success, setup.error
    assert setup.text.endswith(f"IFTTT replied: {CONGRATS}")
    assert "1. Elden Ring DLC dated\n" in setup.text
    assert KEY not in run.log_text() and KEY not in run.replies()
