# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/spotify built and hosted the way G-Assist hosts it, against local fakes.

The source build runs in the engine's isolation (bare interpreter, ``libs/`` only, real
pipes, the engine's watchdog), so a sign-in that blocked the plug-in would get it killed
for missed pings here. The executable build makes one call through the frozen program.
"""

from __future__ import annotations

import json
import re
import socket
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from werkzeug import Request, Response

ACCESS = "CANARY-e2e-access-7d41"
REFRESH = "CANARY-e2e-refresh-0c9a"
SCOPE = ("playlist-read-collaborative playlist-read-private user-library-read "
         "user-modify-playback-state user-read-currently-playing user-read-playback-state")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config_for(httpserver: Any, port: int) -> dict[str, Any]:
    return {"client_id": "gassist-e2e-client", "redirect_port": port,
            "api_url": httpserver.url_for("/v1"), "accounts_url": httpserver.url_for("/accounts")}


@pytest.mark.e2e
@pytest.mark.slow
def test_sign_in_while_the_engine_keeps_pinging(sample_copy, run_sample, httpserver):
    folder = sample_copy("spotify")
    port = free_port()
    forms: list[dict[str, str]] = []

    def token(request: Request) -> Response:
        forms.append(dict(request.form.items()))
        return Response(json.dumps({"access_token": ACCESS, "token_type": "Bearer",
                                    "expires_in": 3600, "refresh_token": REFRESH,
                                    "scope": SCOPE}), content_type="application/json")

    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/v1/me/player/currently-playing",
                              headers={"Authorization": f"Bearer {ACCESS}"}).respond_with_json(
        {"is_playing": True, "progress_ms": 61000, "item": {
            "name": "Midnight City", "artists": [{"name": "M83"}], "duration_ms": 243000,
            "album": {"name": "Hurry Up, We're Dreaming"}}})

    with run_sample(folder, config=config_for(httpserver, port)) as run:
        asked = run.call("spotify_get_user_playlists", limit=2)
        assert not asked.success and asked.keep_session, asked.error
        assert "**Sign in to Spotify first.**" in asked.text
        link = re.search(r"(http://\S+/authorize\?\S+)", asked.text).group(1)
        state = parse_qs(urlsplit(link).query)["state"][0]
        pid = run.process.pid

        # Longer than the watchdog's kill window (2 missed pings, 2 s apart, + 1 s).
        time.sleep(5.5)
        assert run.process.ping(timeout=5.0).answered  # answered, however loaded the machine
        still = run.call("spotify_get_currently_playing")  # another call, answered at once
        assert still.keep_session and link in still.text  # the same sign-in
        assert "and I'll tell you what is playing." in still.text  # the latest request waits
        assert run.process.pid == pid
        assert not [e for e in run.events if e.kind in ("watchdog", "exited", "restart")]

        refused = requests.get(f"http://127.0.0.1:{port}/callback?code=x&state=forged", timeout=5)
        assert refused.status_code == 400 and forms == []
        page = requests.get(f"http://127.0.0.1:{port}/callback?code=e2e-code&state={state}",
                            timeout=5)
        assert page.status_code == 200 and "Signed in to Spotify" in page.text
        assert forms[0]["code"] == "e2e-code" and forms[0]["grant_type"] == "authorization_code"

        done = run.input("done")
        assert done.success, done.error
        assert done.text == ("Signed in to Spotify.\n\nNow playing: “Midnight City” by M83 from "
                             "“Hurry Up, We're Dreaming” (1:01 of 4:03).")
        assert json.loads((folder / "auth.json").read_text())["access_token"] == ACCESS
    seen = run.log_text() + run.replies()
    for secret in (ACCESS, REFRESH, "e2e-code"):
        assert secret not in seen


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_executable_build_answers_a_call(sample_copy, run_sample, httpserver):
    folder = sample_copy("spotify", "exe")
    (folder / "auth.json").write_text(json.dumps({
        "access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600,
        "refresh_token": REFRESH, "scope": SCOPE, "expires_at": int(time.time()) + 3600}))
    httpserver.expect_request("/v1/me/player/volume", method="PUT",
                              query_string="volume_percent=35",
                              headers={"Authorization": f"Bearer {ACCESS}"}).respond_with_data(
        status=204)
    with run_sample(folder, config=config_for(httpserver, free_port())) as run:
        reply = run.call("spotify_set_volume", volume_level=35)
    assert reply.success, reply.error
    assert reply.text == "Volume set to 35%."
    assert len(httpserver.log) == 1
    assert ACCESS not in run.log_text()


def serve_web_api(httpserver: Any) -> list[tuple[str, str]]:
    """A local Web API that answers every player, search and playlist call (signed in)."""
    seen: list[tuple[str, str]] = []
    track = {"uri": "spotify:track:0VjIjW4GlUZAMYd2vXMi3b", "name": "Blinding Lights",
             "artists": [{"name": "The Weeknd"}], "duration_ms": 200040,
             "album": {"name": "After Hours"}}

    def answer(request: Request) -> Response:
        seen.append((request.method, request.path))
        if request.headers.get("Authorization") != f"Bearer {ACCESS}":
            return Response(json.dumps({"error": {"status": 401, "message": "No token"}}),
                            status=401, content_type="application/json")
        path = request.path
        if path == "/v1/search":
            kind = request.args.get("type", "track")
            item = dict(track, uri=f"spotify:{kind}:0VjIjW4GlUZAMYd2vXMi3b")
            return Response(json.dumps({f"{kind}s": {"items": [item], "total": 1}}),
                            content_type="application/json")
        if path == "/v1/me/player/currently-playing":
            return Response(json.dumps({"is_playing": True, "progress_ms": 1000, "item": track}),
                            content_type="application/json")
        if path == "/v1/me/playlists":
            return Response(json.dumps({"total": 1, "items": [
                {"name": "Gaming", "tracks": {"total": 48}}]}), content_type="application/json")
        return Response(status=204)

    httpserver.expect_request(re.compile(r"^/v1/.*")).respond_with_handler(answer)
    return seen


@pytest.mark.e2e
def test_gassist_build_check_passes_on_the_build_against_the_fake(sample_copy, httpserver,
                                                                   tmp_path):
    import subprocess
    import sys

    seen = serve_web_api(httpserver)
    folder = sample_copy("spotify")
    (folder / "auth.json").write_text(json.dumps({
        "access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600,
        "refresh_token": REFRESH, "scope": SCOPE, "expires_at": int(time.time()) + 3600}))
    config = tmp_path / "check-config.json"
    config.write_text(json.dumps(config_for(httpserver, free_port())))
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "check", str(folder),
                           "--config", str(config), "--json", "--log-dir", str(tmp_path / "logs")],
                          capture_output=True, text=True, timeout=240)
    card = json.loads(done.stdout)
    # A slow start (> 3 s) is a warning about the machine's load, not about the plug-in.
    failed = [item for item in card["items"] if item["status"] != "pass"
              and not (item["key"] == "start" and item["status"] == "warn")]
    assert done.returncode == 0 and card["ok"] and not failed, failed
    called = {item["title"] for item in card["items"] if item["title"].startswith("call ")}
    assert called == {f"call {name}" for name in (
        "spotify_start_playback", "spotify_pause_playback", "spotify_next_track",
        "spotify_previous_track", "spotify_shuffle_playback", "spotify_set_volume",
        "spotify_get_currently_playing", "spotify_queue_track", "spotify_get_user_playlists")}
    assert ("GET", "/v1/me/playlists") in seen and ("POST", "/v1/me/player/next") in seen
    for secret in (ACCESS, REFRESH):
        assert secret not in done.stdout + done.stderr
