# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`make demo` end to end: scaffold, validate, build (source and exe), install, chat, check.

The Twitch, IFTTT and Discord samples answer from the local stand-ins
(gassist_build.standins); a sample whose folder does not exist yet is skipped by the
demo with a message that says so, and this test checks that message instead.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gassist_build.standins import DEMO_SECRET

REPO = Path(__file__).resolve().parents[1]


def _replies(out: str, plugin: str) -> list[str]:
    """Every reply of ``plugin`` in the chat transcript (a reply ends at its timing line)."""
    replies: list[str] = []
    current: list[str] | None = None
    for line in out.splitlines():
        if line.startswith(f"{plugin}> "):
            current = [line.removeprefix(f"{plugin}> ")]
        elif current is not None and line.startswith("("):
            replies.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return replies


def _reply_with(out: str, plugin: str, *needles: str) -> str:
    found = [r for r in _replies(out, plugin) if all(n in r for n in needles)]
    assert found, f"no {plugin} reply with {needles}; replies: {_replies(out, plugin)}"
    return found[0]


def _present(name: str) -> bool:
    return (REPO / "plugins" / name / "plugin.py").exists()


@pytest.mark.slow
@pytest.mark.e2e
def test_demo_runs_offline_and_shows_real_calls(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "gassist_build.demo", "--workdir",
                           str(tmp_path / "demo")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "hello> Hello, Ada!" in out
    assert "number must be an integer 1–50, got 500" in out  # validation, readable
    assert "You said 6 words" in out  # passthrough turn
    assert "Hello, executable!" in out  # the PyInstaller build answered over pipes
    assert "PASSED" in out and "0 fail" in out  # the scorecard
    assert (tmp_path / "demo" / "plugins" / "hello" / "manifest.json").exists()
    assert "no plug-in is waiting for input" not in out  # every scripted line is answered

    # The service samples, answered by the local stand-ins.
    if _present("twitch"):
        _reply_with(out, "twitch", "Pixel_Pioneer", "LIVE", "Megabase day 12: trains everywhere",
                    "Factorio", "4,213")
        offline = _reply_with(out, "twitch", "Sleepy_Streamer", "offline")
        assert "No-hit run attempt #37" in offline  # two names answered in one call
        top = _reply_with(out, "twitch", "NightOwl_GG", "Pixel_Pioneer")
        assert top.index("NightOwl_GG") < top.index("Pixel_Pioneer")  # most viewers first
    else:
        assert "twitch: skipped, plugins/twitch does not exist yet" in out
    if _present("ifttt"):
        _reply_with(out, "ifttt", "game_routine",
                    "Starfall Drift patch 1.4 adds ray-traced reflections",
                    "Congratulations! You've fired the game_routine event")
        assert "game_routine: value1='Starfall Drift patch 1.4 adds ray-traced reflections'" in out
    else:
        assert "ifttt: skipped, plugins/ifttt does not exist yet" in out
    if _present("discord"):
        _reply_with(out, "discord", "Sent")
        _reply_with(out, "discord", "Starfall Drift Screenshot")
        # ... and what the Discord stand-in accepted: the text, the upload, the webhook post.
        assert "via bot to channel 1300000000000000001: 'GG! Ranked queue in 5 minutes.'" in out
        assert ("'New personal best' + Starfall Drift Screenshot 2026.12.02 - 18.30.00.00.png "
                "(325 bytes)") in out
        assert "via webhook to channel 1300000000000000001: 'Posted through the webhook'" in out
    else:
        assert "discord: skipped, plugins/discord does not exist yet" in out

    # The demo keys never show: not in the output, not in any log the plug-ins wrote.
    assert DEMO_SECRET not in out + done.stderr
    for log in (tmp_path / "demo" / "logs").rglob("*"):
        if log.is_file():
            assert DEMO_SECRET not in log.read_text(encoding="utf-8", errors="replace"), log


def test_service_samples_missing_are_skipped_and_present_ones_configured(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from gassist_build import demo
    from gassist_build.standins import LocalServices

    checkout = tmp_path / "checkout"
    (checkout / "plugins" / "twitch").mkdir(parents=True)
    (checkout / "plugins" / "twitch" / "plugin.py").write_text("")
    monkeypatch.setattr(demo, "REPO", checkout)
    installed = tmp_path / "plugins"
    (installed / "twitch").mkdir(parents=True)
    with LocalServices() as services:
        ready = demo._point_samples_at(services, installed, tmp_path)
        api_url = services.twitch.api_url
    out = capsys.readouterr().out
    assert ready == ["twitch"]
    assert "ifttt: skipped, plugins/ifttt does not exist yet" in out
    assert "discord: skipped, plugins/discord does not exist yet" in out
    config_file = installed / "twitch" / "config.json"
    config = json.loads(config_file.read_text())
    assert config["api_url"] == api_url and config["client_secret"] == DEMO_SECRET
    assert config_file.stat().st_mode & 0o077 == 0  # it holds the (fake) secret
    assert api_url in out and DEMO_SECRET not in out
