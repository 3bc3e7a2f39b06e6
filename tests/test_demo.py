# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`make demo` end to end: scaffold, validate, build (source and exe), install, chat, check.

The Twitch, IFTTT, Discord, Gemini and Spotify samples answer from the local stand-ins
(gassist_build.standins), the GPU sample from its scenario fake; a sample whose folder
does not exist yet is skipped by the demo with a message that says so, and this test
checks that message instead.
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


def _timing_after(out: str, reply_start: str) -> str:
    """The timing line that closes the reply starting with ``reply_start``."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(reply_start))
    return next(line for line in lines[start:] if line.startswith("("))


def _decision(out: str, said: str) -> str:
    """The line the chat printed right after echoing ``said``: its routing decision."""
    lines = out.splitlines()
    assert f"> {said}" in lines, f"the session never said {said!r}"
    return lines[lines.index(f"> {said}") + 1]


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
    assert "✗ no match" not in out and "asks:" not in out  # every sentence routed to a call
    # Free text is routed first, and the decision is shown before the call; the exact
    # /plugin function key=value form calls directly, with no decision line.
    assert _decision(out, "say hello to Ada").startswith('→ hello.say_hello name="Ada"')
    assert _decision(out, "count to 5").startswith("→ hello.count_to number=5")
    assert _decision(out, "/hello count_to number=500").startswith("✗ failed")
    assert _decision(out, "start a chat with hello").startswith("→ hello.start_chat")

    # The service samples, answered by the local stand-ins.
    if _present("twitch"):
        assert _decision(out, "Hey twitch, is pixel_pioneer live?").startswith(
            '→ twitch.check_twitch_live_status username=["pixel_pioneer"]')
        assert _decision(out, "is sleepy_streamer or nightowl_gg live?").startswith(
            '→ twitch.check_twitch_live_status username=["sleepy_streamer", "nightowl_gg"]')
        _reply_with(out, "twitch", "Pixel_Pioneer", "LIVE", "Megabase day 12: trains everywhere",
                    "Factorio", "4,213")
        offline = _reply_with(out, "twitch", "Sleepy_Streamer", "offline")
        assert "No-hit run attempt #37" in offline  # two names answered in one call
        top = _reply_with(out, "twitch", "NightOwl_GG", "Pixel_Pioneer")
        assert top.index("NightOwl_GG") < top.index("Pixel_Pioneer")  # most viewers first
    else:
        assert "twitch: skipped, plugins/twitch does not exist yet" in out
    if _present("ifttt"):
        assert _decision(out, "start my gaming setup").startswith("→ ifttt.trigger_gaming_setup")
        _reply_with(out, "ifttt", "game_routine",
                    "Starfall Drift patch 1.4 adds ray-traced reflections",
                    "Congratulations! You've fired the game_routine event")
        assert "game_routine: value1='Starfall Drift patch 1.4 adds ray-traced reflections'" in out
    else:
        assert "ifttt: skipped, plugins/ifttt does not exist yet" in out
    if _present("discord"):
        assert _decision(out, "send 'GG! Ranked queue in 5 minutes.' to discord").startswith(
            '→ discord.send_message_to_discord_channel message="GG! Ranked queue in 5 minutes."')
        assert _decision(out, "send my last screenshot to discord with the caption 'New "
                         "personal best'").startswith(
            '→ discord.send_latest_screenshot_to_discord_channel caption="New personal best"')
        _reply_with(out, "discord", "Sent")
        _reply_with(out, "discord", "Starfall Drift Screenshot")
        # ... and what the Discord stand-in accepted: the text, the upload, the webhook post.
        assert "via bot to channel 1300000000000000001: 'GG! Ranked queue in 5 minutes.'" in out
        assert ("'New personal best' + Starfall Drift Screenshot 2026.12.02 - 18.30.00.00.png "
                "(325 bytes)") in out
        assert "via webhook to channel 1300000000000000001: 'Posted through the webhook'" in out
    else:
        assert "discord: skipped, plugins/discord does not exist yet" in out
    if _present("gemini"):
        assert _decision(out, "Hey gemini, when does Starfall Drift season 3 start?").startswith(
            '→ gemini.query_gemini query="when does Starfall Drift season 3 start?"')
        # A grounded answer streamed in pieces, its sources listed, a follow-up, "done".
        first = _reply_with(out, "gemini", "**Starfall Drift season 3** starts on **12 December "
                            "2026**, together with patch 1.4", "**Sources**\n1. [Starfall Drift "
                            "patch 1.4 notes](https://example.com/news/starfall-drift-1-4)\n2. "
                            "[Season 3 roadmap - Starfall Drift]"
                            "(https://example.com/starfall/season-3)")
        assert "say “done” to end the chat" in first
        assert "first chunk after" in _timing_after(out, "gemini> **Starfall Drift season 3**")
        _reply_with(out, "gemini", "an RTX 4060 or better",
                    "[Starfall Drift PC requirements](https://example.com/starfall/pc-specs)")
        _reply_with(out, "gemini", "Chat with Gemini ended.")
        assert ("gemini-2.5-flash, 3 turn(s), grounded in Google Search, 3 pieces: "
                "'Which GPU do I need for its ray tracing?'") in out  # the history was sent
    else:
        assert "gemini: skipped, plugins/gemini does not exist yet" in out
    if _present("spotify"):
        play = _decision(out, "play Boss Rush by Aurora Nine on spotify")
        assert play.startswith("→ spotify.spotify_start_playback ")
        assert 'name="Boss Rush"' in play and 'artist="Aurora Nine"' in play
        for said in ("what's playing", "what's playing now?"):
            assert _decision(out, said).startswith("→ spotify.spotify_get_currently_playing")
        assert _decision(out, "pause the music").startswith("→ spotify.spotify_pause_playback")
        assert "spotify: signed in by a pre-written auth.json" in out
        _reply_with(out, "spotify", "Playing “Boss Rush” by Aurora Nine.")
        _reply_with(out, "spotify", "Now playing: “Boss Rush” by Aurora Nine from “Starfall Drift "
                    "Original Soundtrack”")
        _reply_with(out, "spotify", "Paused.")
        _reply_with(out, "spotify", "Paused: “Boss Rush” by Aurora Nine")
        _reply_with(out, "spotify", "1. Ranked Focus — 2 tracks", "2. Chill Lobby — 3 tracks")
        # The expired token was refreshed once, and the stand-in got the two commands.
        assert ("Spotify: 1 token refresh(es), 2 player command(s):\n"
                "   play spotify:track:4demoBossRush0000000004\n   pause\n") in out
    else:
        assert "spotify: skipped, plugins/spotify does not exist yet" in out
    if _present("gpu"):
        assert _decision(out, "what's my GPU status").startswith("→ gpu.get_gpu_status")
        assert _decision(out, "set the GPU power limit to 250 watts").startswith(
            "→ gpu.set_gpu_power_limit watts=250")
        assert _decision(out, "yes").startswith("gpu> Done")  # the confirmation, not routed
        _reply_with(out, "gpu", "Fake NVIDIA GeForce RTX 4080", "Temperature: 54 °C",
                    "limit 320 W (allowed 150–360 W, default 320 W)")
        asked = _reply_with(out, "gpu", "I'll change GPU 0", "from 320 W to 250 W")
        assert "Say **yes** to apply it" in asked
        _reply_with(out, "gpu", "Done: GPU 0 (Fake NVIDIA GeForce RTX 4080)'s power limit is "
                    "now 250 W (read back from the driver)")
    else:
        assert "gpu: skipped, plugins/gpu does not exist yet" in out

    # The demo keys and tokens never show: not in the output, not in any plug-in log.
    secrets = [DEMO_SECRET, "demo-spotify-access-", "demo-spotify-refresh-"]
    for secret in secrets:
        assert secret not in out + done.stderr
    logs = [log for log in (tmp_path / "demo" / "logs").rglob("*") if log.is_file()]
    assert {"twitch.log", "gemini.log", "spotify.log"} & {log.name for log in logs}, logs
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert not [s for s in secrets if s in text], log


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
    for name in ("ifttt", "discord", "gemini", "spotify"):
        assert f"{name}: skipped, plugins/{name} does not exist yet" in out
    assert not (installed / "twitch" / "auth.json").exists()  # only Spotify gets a sign-in
    config_file = installed / "twitch" / "config.json"
    config = json.loads(config_file.read_text())
    assert config["api_url"] == api_url and config["client_secret"] == DEMO_SECRET
    assert config_file.stat().st_mode & 0o077 == 0  # it holds the (fake) secret
    assert api_url in out and DEMO_SECRET not in out


def test_spotify_gets_config_and_a_signed_in_token_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from gassist_build import demo
    from gassist_build.standins import LocalServices

    checkout = tmp_path / "checkout"
    for name in ("spotify", "gemini"):
        (checkout / "plugins" / name).mkdir(parents=True)
        (checkout / "plugins" / name / "plugin.py").write_text("")
        (tmp_path / "plugins" / name).mkdir(parents=True)
    monkeypatch.setattr(demo, "REPO", checkout)
    with LocalServices() as services:
        ready = demo._point_samples_at(services, tmp_path / "plugins", tmp_path)
        urls = (services.spotify.api_url, services.spotify.accounts_url, services.gemini.api_url)
    out = capsys.readouterr().out
    assert ready == ["gemini", "spotify"]
    config = json.loads((tmp_path / "plugins" / "spotify" / "config.json").read_text())
    assert (config["api_url"], config["accounts_url"]) == urls[:2]
    gemini = json.loads((tmp_path / "plugins" / "gemini" / "config.json").read_text())
    assert gemini == {"api_key": DEMO_SECRET, "api_url": urls[2]}
    cache_file = tmp_path / "plugins" / "spotify" / "auth.json"
    cache = json.loads(cache_file.read_text())
    # What the plug-in's spotipy cache handler requires, with every scope it asks for.
    assert isinstance(cache["access_token"], str) and isinstance(cache["refresh_token"], str)
    assert isinstance(cache["expires_at"], int)
    assert set(cache["scope"].split()) == {
        "user-library-read", "user-read-currently-playing", "user-read-playback-state",
        "user-modify-playback-state", "playlist-read-private", "playlist-read-collaborative"}
    assert cache_file.stat().st_mode & 0o077 == 0
    assert "signed in by a pre-written auth.json" in out
    assert cache["access_token"] not in out and cache["refresh_token"] not in out


def _fake_installed_plugin(folder: Path, functions: list[str]) -> None:
    import json

    folder.mkdir(parents=True)
    manifest = {"manifestVersion": 1, "executable": "plugin.py", "persistent": True,
                "protocol_version": "2.0",
                "functions": [{"name": f, "description": f"does {f}", "tags": [],
                               "properties": {}, "required": []} for f in functions]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "plugin.py").write_text("")


@pytest.mark.parametrize(("functions", "expected"), [
    (["get_gpu_status", "set_gpu_power_limit"], "gpu: backend \"fake\", dry_run false"),
    (["get_gpu_status"], "gpu: skipped, plugins/gpu has no set_gpu_power_limit yet"),
])
def test_gpu_runs_on_its_fake_or_is_skipped_without_the_functions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        functions: list[str], expected: str) -> None:
    import json

    from gassist_build import demo

    checkout = tmp_path / "checkout"
    (checkout / "plugins" / "gpu").mkdir(parents=True)
    (checkout / "plugins" / "gpu" / "plugin.py").write_text("")
    monkeypatch.setattr(demo, "REPO", checkout)
    _fake_installed_plugin(tmp_path / "plugins" / "gpu", functions)
    ready = demo._prepare_local_samples(tmp_path / "plugins")
    assert expected in capsys.readouterr().out
    config_file = tmp_path / "plugins" / "gpu" / "config.json"
    if len(functions) == 2:
        assert ready == ["gpu"]
        assert json.loads(config_file.read_text()) == {"backend": "fake", "dry_run": False}
    else:
        assert ready == [] and not config_file.exists()
