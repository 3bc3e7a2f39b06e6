# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/spotify against local fakes of Spotify's Web API and accounts service.

Every test drives the plug-in as the engine would (``PluginClient``) and checks what the
user reads and the exact requests the fake received. The sign-in's loopback redirect is a
real HTTP GET to the plug-in's listener on 127.0.0.1. Tokens are canaries that must appear
in no reply, no log line and nothing written to stderr.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import logging
import re
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from gassist_sdk.testing import PluginClient
from werkzeug import Request, Response

SOURCE = Path(__file__).resolve().parents[2] / "plugins" / "spotify"
ACCESS = "CANARY-access-5b0e7c"
REFRESHED = "CANARY-access-refreshed-91d2"
REFRESH = "CANARY-refresh-3fa8d1"
CLIENT_ID = "gassist-test-client"
SCOPE = ("playlist-read-collaborative playlist-read-private user-library-read "
         "user-modify-playback-state user-read-currently-playing user-read-playback-state")
TRACK = {"uri": "spotify:track:4u7EnebtmKWzUH433cf5Qv", "name": "Bohemian Rhapsody",
         "artists": [{"name": "Queen"}], "album": {"name": "A Night at the Opera"},
         "duration_ms": 354000}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Spotify:
    """The plug-in loaded from a copy in tmp_path (its auth.json lands there)."""

    def __init__(self, folder: Path, module: Any, config: dict[str, Any]) -> None:
        self.folder = folder
        self.module = module
        self.plugin = module.plugin
        self.config = config
        self.port = config["redirect_port"]
        self.auth_file = folder / "auth.json"
        self.api = sys.modules["spotify_api"]

    def write_token(self, *, expires_in: float = 3600, **extra: Any) -> None:
        token = {"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600,
                 "refresh_token": REFRESH, "scope": SCOPE,
                 "expires_at": int(time.time() + expires_in), **extra}
        self.auth_file.write_text(json.dumps(token), encoding="utf-8")


@pytest.fixture
def spotify(tmp_path: Path, httpserver: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    folder = tmp_path / "spotify"
    folder.mkdir()
    for name in ("plugin.py", "spotify_api.py", "signin.py"):
        shutil.copy(SOURCE / name, folder / name)
    config = {"client_id": CLIENT_ID, "redirect_port": free_port(),
              "api_url": httpserver.url_for("/v1"), "accounts_url": httpserver.url_for("/accounts")}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    monkeypatch.delenv("GASSIST_CONFIG", raising=False)
    monkeypatch.setenv("GASSIST_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.syspath_prepend(str(folder))
    for name in ("spotify_api", "signin"):
        sys.modules.pop(name, None)
    spec = importlib.util.spec_from_file_location("spotify_plugin_under_test", folder / "plugin.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    import spotify_api  # noqa: F401 - the copy's, for monkeypatching
    plug = Spotify(folder, module, config)
    plug.log_file = Path(plug.plugin.enable_logging())
    yield plug
    service = module._service_slot["current"]
    if service is not None:
        service.close()
    for name in ("spotify_api", "signin", spec.name):
        sys.modules.pop(name, None)


@pytest.fixture
def client(spotify: Spotify) -> Any:
    with PluginClient(spotify.plugin) as engine:
        yield engine


def seen(httpserver: Any) -> list[tuple[Any, ...]]:
    """What the fake received: (method, path, query, body, Authorization) per request."""
    out = []
    for request, _ in httpserver.log:
        body = request.get_data(as_text=True)
        if request.mimetype == "application/json" and body:
            body = json.loads(body)
        elif request.mimetype == "application/x-www-form-urlencoded":
            body = {k: v[0] for k, v in parse_qs(body).items()}
        query = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
        out.append((request.method, request.path, query, body or None,
                    request.headers.get("Authorization")))
    return out


BEARER = f"Bearer {ACCESS}"


def no_secrets(spotify: Spotify, capfd: pytest.CaptureFixture[str], *replies: Any) -> None:
    captured = capfd.readouterr()
    log = spotify.log_file.read_text(encoding="utf-8") if spotify.log_file.exists() else ""
    texts = [json.dumps(r.messages) for r in replies] + [captured.out, captured.err, log]
    for secret in (ACCESS, REFRESHED, REFRESH):
        for text in texts:
            assert secret not in text


# -- sign-in --------------------------------------------------------------------------------


def authorize_link(text: str) -> tuple[str, dict[str, str]]:
    match = re.search(r"(https?://\S+/authorize\?\S+)", text)
    assert match, text
    url = match.group(1)
    return url, {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_sign_in_end_to_end_through_the_loopback_redirect(spotify, client, httpserver, capfd):
    exchanged: list[dict[str, str]] = []

    def token(request: Request) -> Response:
        exchanged.append({k: v for k, v in request.form.items()})
        return Response(json.dumps({"access_token": ACCESS, "token_type": "Bearer",
                                    "expires_in": 3600, "refresh_token": REFRESH,
                                    "scope": SCOPE}), content_type="application/json")

    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/v1/me/playlists").respond_with_json(
        {"total": 1, "items": [{"name": "Gaming", "tracks": {"total": 48}}]})

    asked = client.call("spotify_next_track")
    assert not asked.success and asked.keep_session
    redirect = f"http://127.0.0.1:{spotify.port}/callback"
    assert asked.text.startswith("**Sign in to Spotify first.** G-Assist needs your permission")
    assert f"I am waiting for Spotify's answer on {redirect} for 5 minutes." in asked.text
    assert "say anything here (for example \"done\") and I'll skip to the next track." in asked.text
    url, query = authorize_link(asked.text)
    assert url.startswith(httpserver.url_for("/accounts/authorize?"))
    assert query.keys() == {"client_id", "response_type", "redirect_uri", "code_challenge_method",
                            "code_challenge", "scope", "state"}
    assert (query["client_id"], query["response_type"], query["redirect_uri"],
            query["code_challenge_method"], query["scope"]) == (
        CLIENT_ID, "code", redirect, "S256", SCOPE)
    assert httpserver.log == []  # nothing was sent to Spotify yet

    # The engine keeps being answered while the sign-in is pending.
    assert client.ping(timestamp=5) == {"timestamp": 5}
    again = client.call("spotify_get_user_playlists", limit=3)
    assert again.keep_session and authorize_link(again.text)[0] == url  # same sign-in
    assert "and I'll list your playlists." in again.text  # the latest request is the one kept

    wrong = requests.get(f"{redirect}?code=stolen-code&state=not-the-state", timeout=5)
    assert wrong.status_code == 400 and "does not belong to the link" in wrong.text
    other = requests.get(f"http://127.0.0.1:{spotify.port}/favicon.ico", timeout=5)
    assert other.status_code == 404
    assert exchanged == []

    good = requests.get(f"{redirect}?code=the-one-time-code&state={query['state']}", timeout=5)
    assert good.status_code == 200 and "Signed in to Spotify" in good.text
    [form] = exchanged
    verifier = form.pop("code_verifier")
    assert form == {"client_id": CLIENT_ID, "grant_type": "authorization_code",
                    "code": "the-one-time-code", "redirect_uri": redirect}
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert challenge.decode().rstrip("=") == query["code_challenge"]
    assert 43 <= len(verifier) <= 128
    cached = json.loads(spotify.auth_file.read_text())
    assert (cached["access_token"], cached["refresh_token"]) == (ACCESS, REFRESH)
    assert cached["expires_at"] > time.time() + 3000

    done = client.input("done")
    assert done.success and not done.keep_session
    assert done.full_text == "Signed in to Spotify.\n\nYour playlists:\n1. Gaming — 48 tracks"
    assert seen(httpserver)[-1] == ("GET", "/v1/me/playlists", {"limit": "3", "offset": "0"},
                                    None, BEARER)
    # The listener stopped: the redirect address is closed again.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{redirect}?code=x&state={query['state']}", timeout=2)
    no_secrets(spotify, capfd, asked, again, done)
    assert "the-one-time-code" not in spotify.log_file.read_text() + capfd.readouterr().err


def test_a_follow_up_before_the_redirect_says_to_finish_in_the_browser(spotify, client,
                                                                        monkeypatch):
    monkeypatch.setattr(spotify.module, "SIGN_IN_GRACE", 0.2)
    asked = client.call("spotify_pause_playback")
    url, _ = authorize_link(asked.text)
    early = client.input("done")
    assert not early.success and early.keep_session
    assert early.text == (f"Spotify has not sent the sign-in back yet. Open {url}, choose Agree, "
                          "then say anything here (or \"cancel\").")
    cancelled = client.input("cancel")
    assert cancelled.success and not cancelled.keep_session
    assert cancelled.text == "Spotify sign-in cancelled. Ask again whenever you like."
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{spotify.port}/callback?code=x&state=y", timeout=2)


def test_access_denied_on_spotifys_page(spotify, client, httpserver):
    asked = client.call("spotify_next_track")
    _, query = authorize_link(asked.text)
    page = requests.get(f"http://127.0.0.1:{spotify.port}/callback?error=access_denied"
                        f"&state={query['state']}", timeout=5)
    assert page.status_code == 200 and "Spotify sign-in cancelled" in page.text
    told = client.input("ok")
    assert not told.success and not told.keep_session
    assert told.text == ("The Spotify sign-in did not finish: you did not allow access on "
                         "Spotify's page. Ask again for a new link.")
    assert httpserver.log == [] and not spotify.auth_file.exists()


def test_a_code_the_accounts_service_refuses(spotify, client, httpserver):
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"error": "invalid_grant", "error_description": "Invalid authorization code"}, status=400)
    asked = client.call("spotify_next_track")
    _, query = authorize_link(asked.text)
    page = requests.get(f"http://127.0.0.1:{spotify.port}/callback?code=old&state={query['state']}",
                        timeout=5)
    assert page.status_code == 502
    assert "Spotify refused the sign-in code (it expired or was already used)." in page.text
    told = client.input("done")
    assert told.text == ("The Spotify sign-in did not finish: Spotify refused the sign-in code "
                         "(it expired or was already used). Ask again for a new link.")
    assert not spotify.auth_file.exists()


def test_the_listener_gives_up_after_its_lifetime(spotify, client, monkeypatch):
    monkeypatch.setattr(spotify.api, "SIGN_IN_LIFETIME", 0.3)
    client.call("spotify_next_track")
    # Waits for the listener to give up (a loaded machine may take longer than 0.3 s).
    assert spotify.module._service_slot["current"].listener.wait(10)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{spotify.port}/callback?code=x&state=y", timeout=2)
    told = client.input("done")
    assert not told.success
    assert told.text.startswith("The Spotify sign-in did not finish: the sign-in link expired")
    # A new request gets a new link.
    assert "/authorize?" in client.call("spotify_next_track").text


def test_redirect_port_taken_by_another_program(spotify, client):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", spotify.port))
        squatter.listen()
        told = client.call("spotify_next_track")
    assert not told.success
    assert told.text.startswith(f"Cannot wait for Spotify's sign-in on port {spotify.port}: ")
    assert "set `redirect_port` in config.json to a free port" in told.text


def test_expired_token_is_refreshed_and_cached(spotify, client, httpserver, capfd):
    spotify.write_token(expires_in=-10)
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"access_token": REFRESHED, "token_type": "Bearer", "expires_in": 3600, "scope": SCOPE})
    httpserver.expect_request("/v1/me/player/pause", method="PUT").respond_with_data(status=204)
    reply = client.call("spotify_pause_playback")
    assert (reply.success, reply.text) == (True, "Paused.")
    assert seen(httpserver) == [
        ("POST", "/accounts/api/token", {},
         {"grant_type": "refresh_token", "refresh_token": REFRESH, "client_id": CLIENT_ID}, None),
        ("PUT", "/v1/me/player/pause", {}, None, f"Bearer {REFRESHED}"),
    ]
    cached = json.loads(spotify.auth_file.read_text())
    assert (cached["access_token"], cached["refresh_token"]) == (REFRESHED, REFRESH)
    assert client.call("spotify_pause_playback").success  # no second refresh
    assert len(httpserver.log) == 3
    no_secrets(spotify, capfd, reply)


def test_revoked_refresh_token_asks_to_sign_in_again(spotify, client, httpserver, capfd):
    spotify.write_token(expires_in=-10)
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"error": "invalid_grant", "error_description": "Refresh token revoked"}, status=400)
    reply = client.call("spotify_next_track")
    assert not reply.success and reply.keep_session
    assert reply.text.startswith("**Sign in to Spotify first.** Spotify no longer accepts the "
                                 "saved sign-in (it was revoked or has expired).")
    assert not spotify.auth_file.exists()
    no_secrets(spotify, capfd, reply)


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"access_token": 5}'])
def test_corrupted_token_cache_asks_to_sign_in_again(spotify, client, httpserver, content):
    spotify.auth_file.write_bytes(content)
    reply = client.call("spotify_next_track")
    assert not reply.success and reply.keep_session
    assert reply.text.startswith("**Sign in to Spotify first.** The saved Spotify sign-in "
                                 "(auth.json) could not be used.")
    assert httpserver.log == []


def test_a_token_the_web_api_refuses_is_refreshed_once(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_ordered_request("/v1/me/player/next", method="POST").respond_with_json(
        {"error": {"status": 401, "message": "The access token expired"}}, status=401)
    httpserver.expect_ordered_request("/accounts/api/token", method="POST").respond_with_json(
        {"access_token": REFRESHED, "token_type": "Bearer", "expires_in": 3600, "scope": SCOPE})
    httpserver.expect_ordered_request("/v1/me/player/next", method="POST").respond_with_data(
        status=204)
    reply = client.call("spotify_next_track")
    assert reply.text == "Skipped to the next track."
    assert [(m, p, a) for m, p, _, _, a in seen(httpserver)] == [
        ("POST", "/v1/me/player/next", BEARER), ("POST", "/accounts/api/token", None),
        ("POST", "/v1/me/player/next", f"Bearer {REFRESHED}")]


def test_a_token_refused_twice_asks_to_sign_in(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/player/next", method="POST").respond_with_json(
        {"error": {"status": 401, "message": "Invalid access token"}}, status=401)
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"access_token": REFRESHED, "token_type": "Bearer", "expires_in": 3600, "scope": SCOPE})
    reply = client.call("spotify_next_track")
    assert reply.keep_session and reply.text.startswith(
        "**Sign in to Spotify first.** Spotify refused the saved sign-in (HTTP 401).")
    assert not spotify.auth_file.exists()


# -- the nine commands ------------------------------------------------------------------------


def search_result(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    return {f"{kind}s": {"items": [item], "total": 1}}


@pytest.mark.parametrize(("kind", "item", "name", "artist", "query", "body", "said"), [
    ("track", TRACK, "Bohemian Rhapsody", "Queen", "Bohemian Rhapsody artist:Queen",
     {"uris": [TRACK["uri"]]}, "Playing “Bohemian Rhapsody” by Queen."),
    ("album", {"uri": "spotify:album:1GbtB4zTqAsyfZEsm1RZfx", "name": "A Night at the Opera",
               "artists": [{"name": "Queen"}]}, "A Night at the Opera", "", "A Night at the Opera",
     {"context_uri": "spotify:album:1GbtB4zTqAsyfZEsm1RZfx"},
     "Playing the album “A Night at the Opera” by Queen."),
    ("artist", {"uri": "spotify:artist:1dfeR4HaWDbWqFHLkxsg1d", "name": "Queen"}, "", "Queen",
     "Queen", {"context_uri": "spotify:artist:1dfeR4HaWDbWqFHLkxsg1d"}, "Playing songs by Queen."),
    ("playlist", {"uri": "spotify:playlist:37i9dQZF1DX4o1oenSJRJd", "name": "All Out 80s",
                  "owner": {"display_name": "Spotify"}}, "all out 80s", "", "all out 80s",
     {"context_uri": "spotify:playlist:37i9dQZF1DX4o1oenSJRJd"},
     "Playing the playlist “All Out 80s” by Spotify."),
])
def test_start_playback(spotify, client, httpserver, capfd, kind, item, name, artist, query, body,
                        said):
    spotify.write_token()
    httpserver.expect_request("/v1/search").respond_with_json(search_result(kind, item))
    httpserver.expect_request("/v1/me/player/play", method="PUT").respond_with_data(status=204)
    reply = client.call("spotify_start_playback", type=kind, name=name, artist=artist)
    assert (reply.success, reply.text) == (True, said)
    limit = "5" if kind == "playlist" else "1"
    assert seen(httpserver) == [
        ("GET", "/v1/search", {"q": query, "limit": limit, "offset": "0", "type": kind}, None,
         BEARER),
        ("PUT", "/v1/me/player/play", {}, body, BEARER)]
    no_secrets(spotify, capfd, reply)


def test_start_playback_without_a_name_resumes(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/player/play", method="PUT").respond_with_data(status=204)
    assert client.call("spotify_start_playback").text == "Resumed playback."
    assert seen(httpserver) == [("PUT", "/v1/me/player/play", {}, None, BEARER)]


@pytest.mark.parametrize(("function", "arguments", "method", "path", "query", "said"), [
    ("spotify_pause_playback", {}, "PUT", "/v1/me/player/pause", {}, "Paused."),
    ("spotify_next_track", {}, "POST", "/v1/me/player/next", {}, "Skipped to the next track."),
    ("spotify_previous_track", {}, "POST", "/v1/me/player/previous", {},
     "Went back to the previous track."),
    ("spotify_shuffle_playback", {"state": "true"}, "PUT", "/v1/me/player/shuffle",
     {"state": "true"}, "Shuffle is on."),
    ("spotify_shuffle_playback", {"state": False}, "PUT", "/v1/me/player/shuffle",
     {"state": "false"}, "Shuffle is off."),
    ("spotify_set_volume", {"volume_level": "40"}, "PUT", "/v1/me/player/volume",
     {"volume_percent": "40"}, "Volume set to 40%."),
])
def test_player_commands(spotify, client, httpserver, function, arguments, method, path, query,
                         said):
    spotify.write_token()
    httpserver.expect_request(path, method=method).respond_with_data(status=204)
    reply = client.call(function, **arguments)
    assert (reply.success, reply.text) == (True, said)
    assert seen(httpserver) == [(method, path, query, None, BEARER)]


def test_volume_out_of_range_is_refused_before_any_request(spotify, client, httpserver):
    spotify.write_token()
    reply = client.call("spotify_set_volume", volume_level=150)
    assert reply.text == "spotify_set_volume: volume_level must be an integer 0–100, got 150"
    assert httpserver.log == []


def test_currently_playing(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_oneshot_request("/v1/me/player/currently-playing").respond_with_json(
        {"is_playing": True, "progress_ms": 83000, "item": TRACK})
    httpserver.expect_oneshot_request("/v1/me/player/currently-playing").respond_with_json(
        {"is_playing": False, "progress_ms": 5000, "item": TRACK})
    httpserver.expect_oneshot_request("/v1/me/player/currently-playing").respond_with_data(
        status=204)
    assert client.call("spotify_get_currently_playing").text == (
        "Now playing: “Bohemian Rhapsody” by Queen from “A Night at the Opera” (1:23 of 5:54).")
    assert client.call("spotify_get_currently_playing").text.startswith(
        "Paused: “Bohemian Rhapsody” by Queen")
    assert client.call("spotify_get_currently_playing").text == (
        "Nothing is playing on Spotify right now.")
    assert seen(httpserver) == [("GET", "/v1/me/player/currently-playing", {}, None, BEARER)] * 3


def test_queue_track(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/search").respond_with_json(search_result("track", TRACK))
    httpserver.expect_request("/v1/me/player/queue", method="POST").respond_with_data(status=204)
    reply = client.call("spotify_queue_track", type="track", name="Bohemian Rhapsody",
                        artist="Queen")
    assert reply.text == "Added “Bohemian Rhapsody” by Queen to the queue."
    assert seen(httpserver) == [
        ("GET", "/v1/search", {"q": "Bohemian Rhapsody artist:Queen", "limit": "1",
                               "offset": "0", "type": "track"}, None, BEARER),
        ("POST", "/v1/me/player/queue", {"uri": TRACK["uri"]}, None, BEARER)]


def test_queue_only_takes_songs(spotify, client, httpserver):
    spotify.write_token()
    reply = client.call("spotify_queue_track", type="album", name="Jazz")
    assert not reply.success
    assert reply.text == ("Spotify can only queue songs, not a whole album. To hear it now, say "
                          "\"play the album Jazz\".")
    assert httpserver.log == []


def test_user_playlists(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/playlists").respond_with_json({"total": 12, "items": [
        {"name": "Gaming", "tracks": {"total": 48}},
        {"name": "Chill", "tracks": {"total": 1}}]})
    reply = client.call("spotify_get_user_playlists", limit=2)
    assert reply.text == "Your playlists (2 of 12):\n1. Gaming — 48 tracks\n2. Chill — 1 track"
    assert seen(httpserver) == [("GET", "/v1/me/playlists", {"limit": "2", "offset": "0"}, None,
                                 BEARER)]


def test_no_playlists(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/playlists").respond_with_json({"total": 0, "items": []})
    assert client.call("spotify_get_user_playlists").text == "You have no playlists on Spotify yet."
    assert seen(httpserver)[0][2] == {"limit": "10", "offset": "0"}


# -- failure modes ------------------------------------------------------------------------------


def no_device(httpserver: Any, path: str, method: str, query: str = "") -> None:
    httpserver.expect_oneshot_request(path, method=method, query_string=query).respond_with_json(
        {"error": {"status": 404, "message": "Player command failed: No active device found",
                   "reason": "NO_ACTIVE_DEVICE"}}, status=404)


def test_no_active_device_transfers_playback_to_the_first_device(spotify, client, httpserver):
    spotify.write_token()
    no_device(httpserver, "/v1/me/player/next", "POST")
    httpserver.expect_request("/v1/me/player/devices").respond_with_json({"devices": [
        {"id": "dev-pc", "name": "GAMING-PC", "type": "Computer", "is_active": False},
        {"id": "dev-phone", "name": "Pixel", "type": "Smartphone", "is_active": False}]})
    httpserver.expect_request("/v1/me/player", method="PUT").respond_with_data(status=204)
    httpserver.expect_request("/v1/me/player/next", method="POST").respond_with_data(status=204)
    reply = client.call("spotify_next_track")
    assert reply.text == ("Nothing was playing anywhere, so I switched Spotify to GAMING-PC "
                          "(computer); also available: Pixel (smartphone). Skipped to the next "
                          "track.")
    assert seen(httpserver) == [
        ("POST", "/v1/me/player/next", {}, None, BEARER),
        ("GET", "/v1/me/player/devices", {}, None, BEARER),
        ("PUT", "/v1/me/player", {}, {"device_ids": ["dev-pc"], "play": False}, BEARER),
        ("POST", "/v1/me/player/next", {"device_id": "dev-pc"}, None, BEARER)]


def test_no_active_device_when_playing_something(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/search").respond_with_json(search_result("track", TRACK))
    no_device(httpserver, "/v1/me/player/play", "PUT")
    httpserver.expect_request("/v1/me/player/devices").respond_with_json({"devices": [
        {"id": "dev-phone", "name": "Pixel", "type": "Smartphone"}]})
    httpserver.expect_request("/v1/me/player", method="PUT").respond_with_data(status=204)
    httpserver.expect_request("/v1/me/player/play", method="PUT").respond_with_data(status=204)
    reply = client.call("spotify_start_playback", type="track", name="Bohemian Rhapsody")
    assert reply.text.endswith("switched Spotify to Pixel (smartphone). Playing “Bohemian "
                               "Rhapsody” by Queen.")
    assert seen(httpserver)[-1] == ("PUT", "/v1/me/player/play", {"device_id": "dev-phone"},
                                    {"uris": [TRACK["uri"]]}, BEARER)


def test_no_device_anywhere(spotify, client, httpserver):
    spotify.write_token()
    no_device(httpserver, "/v1/me/player/shuffle", "PUT", "state=true")
    httpserver.expect_request("/v1/me/player/devices").respond_with_json({"devices": []})
    reply = client.call("spotify_shuffle_playback", state=True)
    assert not reply.success
    assert reply.text == ("Spotify is not open on any device. Open Spotify on this PC or your "
                          "phone (and play anything once), then ask again.")
    assert [p for _, p, *_ in seen(httpserver)] == ["/v1/me/player/shuffle",
                                                     "/v1/me/player/devices"]


def test_pause_with_nothing_playing(spotify, client, httpserver):
    spotify.write_token()
    no_device(httpserver, "/v1/me/player/pause", "PUT")
    reply = client.call("spotify_pause_playback")
    assert (reply.success, reply.text) == (
        True, "Nothing is playing on Spotify, so there is nothing to pause.")
    assert len(httpserver.log) == 1


def test_premium_required(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/player/next", method="POST").respond_with_json(
        {"error": {"status": 403, "message": "Player command failed: Premium required",
                   "reason": "PREMIUM_REQUIRED"}}, status=403)
    reply = client.call("spotify_next_track")
    assert (reply.success, reply.text) == (False, (
        "Controlling playback needs Spotify Premium, and this account is on the free plan. "
        "Searching and listing your playlists still work."))


def test_search_without_a_match_says_what_was_searched(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/search").respond_with_json(
        {"tracks": {"items": [], "total": 0}})
    reply = client.call("spotify_start_playback", type="track", name="Zzyzx Road", artist="Nobody")
    assert (reply.success, reply.text) == (False, "Spotify found no track matching “Zzyzx Road” by "
                                                  "Nobody. Check the spelling, or try fewer words.")
    assert len(httpserver.log) == 1  # nothing was played


def test_playlist_search_skips_null_items(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/search").respond_with_json({"playlists": {"items": [
        None, {"uri": "spotify:playlist:abc", "name": "Lo-fi Beats"}]}})
    httpserver.expect_request("/v1/me/player/play", method="PUT").respond_with_data(status=204)
    reply = client.call("spotify_start_playback", type="playlist", name="lofi")
    assert reply.text == "Playing the playlist “Lo-fi Beats”."


def test_rate_limited_with_a_long_wait_is_reported_at_once(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/playlists").respond_with_json(
        {"error": {"status": 429, "message": "API rate limit exceeded"}}, status=429,
        headers={"Retry-After": "30"})
    started = time.monotonic()
    reply = client.call("spotify_get_user_playlists")
    assert time.monotonic() - started < 20  # the 30 s asked for were not waited out
    assert reply.text == "Spotify is limiting requests right now; try again in 30 seconds."
    assert len(httpserver.log) == 1


def test_rate_limited_with_a_short_wait_is_retried_once(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_ordered_request("/v1/me/player/next", method="POST").respond_with_json(
        {"error": {"status": 429, "message": "API rate limit exceeded"}}, status=429,
        headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/v1/me/player/next", method="POST").respond_with_data(
        status=204)
    started = time.monotonic()
    assert client.call("spotify_next_track").text == "Skipped to the next track."
    assert time.monotonic() - started >= 1
    assert len(httpserver.log) == 2


def test_server_error_on_get_is_retried_once_then_explained(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/player/currently-playing").respond_with_data(
        "upstream", status=503)
    reply = client.call("spotify_get_currently_playing")
    assert reply.text == "Spotify is having trouble right now (HTTP 503); try again later."
    assert len(httpserver.log) == 2


def test_server_error_on_post_is_never_sent_twice(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/player/next", method="POST").respond_with_data(status=502)
    reply = client.call("spotify_next_track")
    assert reply.text == "Spotify is having trouble right now (HTTP 502); try again later."
    assert len(httpserver.log) == 1  # a second POST could skip two tracks


def test_timeout(spotify, client, httpserver, monkeypatch):
    spotify.write_token()
    monkeypatch.setattr(spotify.api, "TIMEOUT", (1.0, 0.3))

    calls = []

    def slow(request: Request) -> Response:
        calls.append(request.path)
        time.sleep(1.0)
        return Response(status=204)

    httpserver.expect_request("/v1/me/player/next").respond_with_handler(slow)
    reply = client.call("spotify_next_track")
    assert (reply.success, reply.text) == (
        False, "Spotify did not answer within 0.3 seconds; try again in a moment.")
    assert calls == ["/v1/me/player/next"]  # a read that timed out is not sent again


def test_connection_refused(spotify, client, httpserver):
    spotify.write_token()
    port = free_port()
    config = dict(spotify.config, api_url=f"http://127.0.0.1:{port}/v1")
    (spotify.folder / "config.json").write_text(json.dumps(config))
    time.sleep(0.02)
    reply = client.call("spotify_next_track")
    assert (reply.success, reply.text) == (False, (
        f"Could not reach Spotify at 127.0.0.1:{port} (connection refused). Check your internet "
        "connection and `api_url` in config.json."))


def test_unknown_app_on_refresh(spotify, client, httpserver):
    spotify.write_token(expires_in=-10)
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"error": "invalid_client", "error_description": "Invalid client"}, status=400)
    reply = client.call("spotify_next_track")
    assert (reply.success, reply.keep_session) == (False, False)
    assert reply.text == ("Spotify does not know this app: check `client_id` in config.json "
                          "(from https://developer.spotify.com/dashboard).")


def test_setup_asks_for_the_client_id_with_the_redirect_uri(spotify, client, httpserver):
    rest = {k: v for k, v in spotify.config.items() if k != "client_id"}
    (spotify.folder / "config.json").write_text(json.dumps(rest))
    asked = client.call("spotify_next_track")
    assert asked.keep_session and "**spotify needs to be set up first.**" in asked.text
    assert "https://developer.spotify.com/dashboard" in asked.text
    assert "http://127.0.0.1:8888/callback" in asked.text
    assert "No client secret is needed" in asked.text

    # Pasting the Client ID runs the call again, which then asks for the sign-in.
    pasted = client.input(CLIENT_ID)
    assert not pasted.success and pasted.keep_session
    assert pasted.full_text.startswith("Saved `client_id` to config.json.")
    assert "**Sign in to Spotify first.**" in pasted.full_text
    url, query = authorize_link(pasted.full_text)
    assert url.startswith(httpserver.url_for("/accounts/authorize?"))
    assert (query["client_id"], query["redirect_uri"]) == (
        CLIENT_ID, f"http://127.0.0.1:{spotify.port}/callback")
    assert json.loads((spotify.folder / "config.json").read_text()) == spotify.config
    assert client.input("cancel").text == "Spotify sign-in cancelled. Ask again whenever you like."


def test_manifest_is_current():
    import subprocess

    done = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=SOURCE,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    names = [f["name"] for f in json.loads((SOURCE / "manifest.json").read_text())["functions"]]
    assert names == ["spotify_start_playback", "spotify_pause_playback", "spotify_next_track",
                     "spotify_previous_track", "spotify_shuffle_playback", "spotify_set_volume",
                     "spotify_get_currently_playing", "spotify_queue_track",
                     "spotify_get_user_playlists"]


def test_spotipy_is_not_imported_at_start_up():
    import subprocess

    code = ("import runpy, sys; runpy.run_path('plugin.py', run_name='not_main'); "
            "print(sorted(m for m in ('spotipy', 'requests', 'spotify_api', 'signin', "
            "'http.server') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=SOURCE, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_volume_control_refused_by_the_device(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/me/player/volume", method="PUT").respond_with_json(
        {"error": {"status": 403, "message": "Player command failed: Cannot control device "
                   "volume", "reason": "VOLUME_CONTROL_DISALLOW"}}, status=403)
    reply = client.call("spotify_set_volume", volume_level=10)
    assert (reply.success, reply.text) == (
        False, "The device playing Spotify does not let its volume be changed remotely.")


def test_unreadable_search_reply(spotify, client, httpserver):
    spotify.write_token()
    httpserver.expect_request("/v1/search").respond_with_data("<html>proxy error</html>")
    reply = client.call("spotify_queue_track", name="Blinding Lights")
    assert reply.text == "Spotify sent a search reply that could not be read; try again."


def test_asking_again_after_signing_in_needs_no_follow_up(spotify, client, httpserver):
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600,
         "refresh_token": REFRESH, "scope": SCOPE})
    httpserver.expect_request("/v1/me/player/previous", method="POST").respond_with_data(
        status=204)
    _, query = authorize_link(client.call("spotify_previous_track").text)
    assert requests.get(f"http://127.0.0.1:{spotify.port}/callback?code=c&state={query['state']}",
                        timeout=5).status_code == 200
    # The engine ended the conversation meanwhile: the user simply asks again.
    again = client.call("spotify_previous_track")
    assert (again.success, again.keep_session, again.text) == (
        True, False, "Went back to the previous track.")


def test_debug_logging_never_shows_tokens(spotify, client, httpserver, caplog):
    # spotipy logs request headers (the bearer token) and token request bodies at DEBUG.
    caplog.set_level(logging.DEBUG)
    spotify.write_token(expires_in=-10)
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"access_token": REFRESHED, "token_type": "Bearer", "expires_in": 3600, "scope": SCOPE})
    httpserver.expect_request("/v1/me/player/next", method="POST").respond_with_data(status=204)
    assert client.call("spotify_next_track").success
    assert len(httpserver.log) == 2
    for secret in (ACCESS, REFRESHED, REFRESH):
        assert secret not in caplog.text


def test_refresh_with_the_accounts_service_unreachable(spotify, client, httpserver):
    spotify.write_token(expires_in=-10)
    port = free_port()
    config = dict(spotify.config, accounts_url=f"http://127.0.0.1:{port}")
    (spotify.folder / "config.json").write_text(json.dumps(config))
    time.sleep(0.02)
    reply = client.call("spotify_next_track")
    assert (reply.success, reply.text) == (False, (
        f"Could not reach Spotify at 127.0.0.1:{port} (connection refused). Check your internet "
        "connection and `accounts_url` in config.json."))
    assert httpserver.log == [] and spotify.auth_file.exists()  # the sign-in is kept


def test_sign_in_with_the_accounts_service_unreachable(spotify, client):
    port = free_port()
    config = dict(spotify.config, accounts_url=f"http://127.0.0.1:{port}")
    (spotify.folder / "config.json").write_text(json.dumps(config))
    time.sleep(0.02)
    _, query = authorize_link(client.call("spotify_next_track").text)
    page = requests.get(f"http://127.0.0.1:{spotify.port}/callback?code=c&state={query['state']}",
                        timeout=10)
    assert page.status_code == 502 and "Could not reach Spotify" in page.text
    told = client.input("done")
    assert told.text == (f"The Spotify sign-in did not finish: Could not reach Spotify at "
                         f"127.0.0.1:{port} (connection refused). Check your internet connection "
                         "and `accounts_url` in config.json. Ask again for a new link.")


def test_sign_in_over_the_legacy_v1_protocol(spotify, httpserver):
    httpserver.expect_request("/accounts/api/token", method="POST").respond_with_json(
        {"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600,
         "refresh_token": REFRESH, "scope": SCOPE})
    httpserver.expect_request("/v1/me/player/shuffle", method="PUT",
                              query_string="state=false").respond_with_data(status=204)
    with PluginClient(spotify.plugin, protocol="v1") as engine:
        asked = engine.call("spotify_shuffle_playback", state="off")
        assert asked.keep_session  # V1: awaiting_input
        _, query = authorize_link(asked.text)
        assert requests.get(f"http://127.0.0.1:{spotify.port}/callback?code=c&state="
                            f"{query['state']}", timeout=5).status_code == 200
        done = engine.input("ok")
    assert done.full_text == "Signed in to Spotify.\n\nShuffle is off."


def test_queue_track_requires_the_song_name(spotify, client, httpserver):
    # The model must be told the name is needed: without it there is nothing to queue.
    manifest = json.loads((SOURCE / "manifest.json").read_text())
    queue = next(f for f in manifest["functions"] if f["name"] == "spotify_queue_track")
    assert queue["required"] == ["name"]
    spotify.write_token()
    reply = client.call("spotify_queue_track", artist="Queen")
    assert not reply.success and "missing required argument 'name'" in reply.text
    assert httpserver.log == []


def _reply_texts() -> list[str]:
    """Every string the plug-in's modules can answer with, in pieces between placeholders."""
    import ast

    pieces: list[str] = []
    for name in ("plugin.py", "spotify_api.py", "signin.py"):
        for node in ast.walk(ast.parse((SOURCE / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                pieces.append(node.value)
    # Markdown code spans cannot hold backticks: the README quotes `client_id` without them.
    # A reason is capitalised when it opens the reply.
    return [piece.replace("`", "").lower() for piece in pieces]


def test_readme_troubleshooting_quotes_what_the_plugin_says():
    readme = (SOURCE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    quotes = [re.sub(r"^\*\*|\*\*", "", cell) for cell in
              re.findall(r"^\| (?:`([^`]+)`|(\*\*[^|]+))", section, re.MULTILINE)
              for cell in cell if cell]
    assert len(quotes) >= 18
    # What varies in a reply: the README writes an example value or an ellipsis there.
    placeholders = (r"…|: |\(|\)|\btrack\b|\balbum\b|\bN\b|\b5xx\b|\b8888\b|\b8\b|\b5\b|"
                    r"api\.spotify\.com|“|”|Address already in use")
    texts = _reply_texts()
    for quote in quotes:
        for fragment in re.split(placeholders, quote):
            fragment = fragment.strip(" .:;()")
            if len(fragment) > 3:
                assert any(fragment.lower() in text for text in texts), (quote, fragment)


@pytest.mark.parametrize(("said", "function", "arguments"), [
    # The README's example prompts (the first four went to the wrong function).
    ("Play Bohemian Rhapsody by Queen on Spotify", "spotify_start_playback",
     {"artist": "Queen", "name": "Bohemian Rhapsody"}),
    ("Play the album Random Access Memories", "spotify_start_playback",
     {"type": "album", "name": "Random Access Memories"}),
    ("Show my Spotify playlists", "spotify_get_user_playlists", {}),
    ("turn the music down to 20", "spotify_set_volume", {"volume_level": 20}),
    ("Add Blinding Lights by The Weeknd to the queue", "spotify_queue_track",
     {"artist": "The Weeknd", "name": "Blinding Lights"}),
    ("What song is playing?", "spotify_get_currently_playing", {}),
    ("play the songs in order", "spotify_shuffle_playback", {"state": False}),
    ("spotify, stop shuffling", "spotify_shuffle_playback", {"state": False}),
    ("stop the music", "spotify_pause_playback", {}),
])
def test_the_manifest_carries_what_users_say(said, function, arguments):
    import subprocess

    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "route", str(SOURCE), said,
                           "--json"], capture_output=True, text=True, timeout=60)
    decision = json.loads(done.stdout)
    assert (decision["function"], decision["arguments"]) == (function, arguments), decision
