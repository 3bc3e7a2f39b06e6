# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/twitch against a fake Twitch (pytest-httpserver): every function, every failure.

The in-process tests load a fresh copy of the plug-in folder for each test (its auth.json
lands in the copy, never in plugins/twitch) and drive it with PluginClient; the fake
asserts the exact requests (method, path, query, headers, body), in order. The
engine-style tests at the end build the sample and run it through the emulator.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from gassist_sdk.http import ServiceError
from gassist_sdk.testing import PluginClient
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "plugins" / "twitch"
CLIENT_ID = "twitchclientid0123456789"
SECRET = "CANARY-twitch-secret-5f3a91"
TOKEN = "CANARY-app-token-77c2e0"
NEW_TOKEN = "CANARY-app-token-2-8d41b3"
CANARIES = (SECRET, TOKEN, NEW_TOKEN)
TOKEN_BODY = f"client_id={CLIENT_ID}&client_secret={SECRET}&grant_type=client_credentials"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
YEAR = 365 * 24 * 3600

BAD_CREDENTIALS = ("Twitch did not accept client_id and client_secret in config.json; check "
                   "both against your application at https://dev.twitch.tv/console/apps.")
TOKEN_REFUSED = ("Twitch refused a freshly issued app access token; check client_id and "
                 "client_secret in config.json against your application at "
                 "https://dev.twitch.tv/console/apps.")
BAD_REPLY = "Twitch sent a reply that could not be read."


# -- the fake Twitch --------------------------------------------------------------------------

# Streams made at import, with how long each has been live: re-dated before every test,
# because a long test session would otherwise make "live for 2 h 14 min" read 2 h 16 min.
_LIVE_FOR: list[tuple[dict[str, Any], int]] = []


def _started(minutes: int) -> str:
    started = datetime.now(timezone.utc) - timedelta(minutes=minutes, seconds=20)
    return started.strftime("%Y-%m-%dT%H:%M:%SZ")


def stream(login: str, name: str, title: str, game: str, viewers: int,
           minutes: int) -> dict[str, Any]:
    """One Helix stream object, live for ``minutes`` (and 20 s)."""
    made = {"id": "40952121085", "user_id": "19571641", "user_login": login,
            "user_name": name, "game_id": "33214", "game_name": game, "type": "live",
            "title": title, "viewer_count": viewers,
            "started_at": _started(minutes), "language": "en",
            "thumbnail_url": "https://static-cdn.jtvnw.net/x-{width}x{height}.jpg",
            "tag_ids": [], "tags": ["English"], "is_mature": False}
    _LIVE_FOR.append((made, minutes))
    return made


def _streams_started_just_now() -> None:
    for made, minutes in _LIVE_FOR:
        made["started_at"] = _started(minutes)


@pytest.fixture(autouse=True)
def _streams_dated_now() -> None:
    _streams_started_just_now()


def respond_live(handler: Any, *streams: dict[str, Any]) -> None:
    """Answer with ``streams`` dated when the request comes, not when the test began.

    The engine-style tests build the sample and start a process first; on a loaded CI
    machine that can take longer than the 40 s the fixture's dating leaves before
    "live for 2 h 14 min" turns into 2 h 15 min.
    """
    def answer(request: Request) -> Response:
        _streams_started_just_now()
        return Response(json.dumps({"data": list(streams), "pagination": {}}),
                        content_type="application/json")

    handler.respond_with_handler(answer)


def user(login: str, name: str) -> dict[str, Any]:
    return {"id": "19571641", "login": login, "display_name": name, "type": "",
            "broadcaster_type": "partner", "description": "", "view_count": 0,
            "created_at": "2011-06-10T18:44:00Z"}


NINJA = stream("ninja", "Ninja", "Fortnite fun", "Fortnite", 12345, 134)
SHROUD = stream("shroud", "shroud", "Valorant ranked", "VALORANT", 1, 7)


def expect_token(server: HTTPServer, token: str = TOKEN, expires_in: int = 5_000_000) -> Any:
    """The client-credentials request, exactly; answered with ``token``."""
    handler = server.expect_ordered_request("/oauth2/token", method="POST", data=TOKEN_BODY,
                                            headers=FORM)
    handler.respond_with_json({"access_token": token, "expires_in": expires_in,
                               "token_type": "bearer"})
    return handler


def expect_helix(server: HTTPServer, path: str, query: str, token: str = TOKEN) -> Any:
    """One Helix GET, exactly: path, query in order, Client-ID and the bearer token."""
    return server.expect_ordered_request(
        f"/helix{path}", method="GET", query_string=query,
        headers={"Client-ID": CLIENT_ID, "Authorization": f"Bearer {token}"})


def all_served(server: HTTPServer, count: int) -> None:
    """Every expected request came, in order, and nothing else (``count`` in all)."""
    server.check_assertions()
    server.check_handler_errors()
    assert not server.ordered_handlers, f"never requested: {server.ordered_handlers}"
    assert len(server.log) == count, [request.full_path for request, _ in server.log]


def never_shown(text: str, where: str) -> None:
    """No canary secret is in ``text`` (the failure names which, never the text itself)."""
    leaked = [name for name, canary in zip(("secret", "token", "new token"), CANARIES, strict=True)
              if canary in text]
    assert not leaked, f"{', '.join(leaked)} found in {where}"


# -- a fresh copy of the plug-in per test -----------------------------------------------------

@pytest.fixture
def twitch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """plugins/twitch copied into tmp_path and imported from there."""
    folder = tmp_path / "twitch"
    folder.mkdir()
    for name in ("plugin.py", "twitch_api.py", "manifest.json"):
        shutil.copy(SOURCE / name, folder / name)
    monkeypatch.delenv("GASSIST_CONFIG", raising=False)
    monkeypatch.syspath_prepend(str(folder))
    sys.modules.pop("twitch_api", None)
    name = f"twitch_plugin_{id(folder)}"
    spec = importlib.util.spec_from_file_location(name, folder / "plugin.py")
    assert spec and spec.loader
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield SimpleNamespace(module=module, plugin=module.plugin, folder=folder,
                          auth=folder / "auth.json")
    sys.modules.pop(name, None)
    sys.modules.pop("twitch_api", None)


def config_for(server: HTTPServer, **changes: Any) -> dict[str, Any]:
    return {"client_id": CLIENT_ID, "client_secret": SECRET,
            "api_url": server.url_for("/helix"), "auth_url": server.url_for("/oauth2"),
            **changes}


@pytest.fixture
def client(twitch: SimpleNamespace, httpserver: HTTPServer) -> Iterator[PluginClient]:
    (twitch.folder / "config.json").write_text(json.dumps(config_for(httpserver)))
    with PluginClient(twitch.plugin) as running:
        yield running


def cache_token(twitch: SimpleNamespace, httpserver: HTTPServer, token: str = TOKEN,
                expires_in: float = YEAR, client_id: str = CLIENT_ID) -> None:
    """An auth.json as an earlier run of the plug-in left it."""
    twitch.auth.write_text(json.dumps({
        "client_id": client_id, "auth_url": httpserver.url_for("/oauth2"),
        "access_token": token, "expires_at": time.time() + expires_in}))


# -- check_twitch_live_status -----------------------------------------------------------------

def test_a_live_streamer_with_title_game_viewers_and_uptime(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"data": [NINJA], "pagination": {}})
    reply = client.call("check_twitch_live_status", username="ninja")
    assert reply.success, reply.text
    assert reply.text == ("**Ninja** is LIVE: “Fortnite fun” — Fortnite, 12,345 viewers, "
                          "live for 2 h 14 min.")
    all_served(httpserver, 2)
    cached = json.loads(twitch.auth.read_text())
    assert cached["access_token"] == TOKEN and cached["client_id"] == CLIENT_ID
    assert cached["expires_at"] == pytest.approx(time.time() + 5_000_000, abs=60)
    if os.name == "posix":
        assert stat.S_IMODE(twitch.auth.stat().st_mode) == 0o600


def test_offline_and_unknown_users_are_told_apart(client: PluginClient,
                                                   httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams",
                 "user_login=ninja&user_login=shroud&user_login=nobody_here_42&first=3",
                 ).respond_with_json({"data": [SHROUD], "pagination": {}})
    # Only the names that are not live are looked up.
    expect_helix(httpserver, "/users", "login=ninja&login=nobody_here_42").respond_with_json(
        {"data": [user("ninja", "Ninja")]})
    reply = client.call("check_twitch_live_status",
                        username="Ninja, shroud and nobody_here_42")
    assert reply.success, reply.text
    assert reply.text == (
        "- **Ninja** is offline.\n"
        "- **shroud** is LIVE: “Valorant ranked” — VALORANT, 1 viewer, live for 7 min.\n"
        "- There is no Twitch user called “nobody_here_42”.")
    all_served(httpserver, 3)


def test_one_offline_streamer(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"data": []})
    expect_helix(httpserver, "/users", "login=ninja").respond_with_json(
        {"data": [user("ninja", "Ninja")]})
    assert client.call("check_twitch_live_status", username="ninja").text == \
        "**Ninja** is offline."
    all_served(httpserver, 3)


def test_a_live_stream_with_missing_details(client: PluginClient,
                                           httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&user_login=shroud&first=2",
                 ).respond_with_json({"data": [
                     {"user_login": "ninja", "user_name": "Ninja"},
                     {"user_login": "shroud", "title": "  ", "game_name": "",
                      "viewer_count": "many", "started_at": "yesterday"}]})
    reply = client.call("check_twitch_live_status", username="ninja shroud")
    assert reply.text == "- **Ninja** is LIVE.\n- **shroud** is LIVE."
    all_served(httpserver, 2)


@pytest.mark.parametrize("said", [
    "ninja, shroud", "ninja and shroud", "ninja or shroud?", ["ninja", "shroud"],
    ["@Ninja", "https://www.twitch.tv/shroud"], "#ninja & shroud, ninja",
    '["ninja", "shroud"]',
], ids=["comma", "and", "or", "list", "at-and-url", "repeat", "json-list"])
def test_several_names_in_one_helix_request(client: PluginClient, httpserver: HTTPServer,
                                             said: Any) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&user_login=shroud&first=2",
                 ).respond_with_json({"data": [SHROUD, NINJA]})
    reply = client.call("check_twitch_live_status", username=said)
    assert reply.success, reply.text
    assert reply.text.splitlines() == [
        "- **Ninja** is LIVE: “Fortnite fun” — Fortnite, 12,345 viewers, live for 2 h 14 min.",
        "- **shroud** is LIVE: “Valorant ranked” — VALORANT, 1 viewer, live for 7 min."]
    all_served(httpserver, 2)  # everyone live: no /users request


def test_a_hundred_names_in_one_request(client: PluginClient, httpserver: HTTPServer) -> None:
    names = [f"streamer_{n:03d}" for n in range(100)]
    expect_token(httpserver)
    expect_helix(httpserver, "/streams",
                 "&".join(f"user_login={n}" for n in names) + "&first=100").respond_with_json(
        {"data": []})
    expect_helix(httpserver, "/users", "&".join(f"login={n}" for n in names)
                 ).respond_with_json({"data": []})
    reply = client.call("check_twitch_live_status", username=names)
    assert reply.success, reply.text
    assert len(reply.text.splitlines()) == 100
    all_served(httpserver, 3)


@pytest.mark.parametrize(("said", "sentence"), [
    ("abc", "“abc” is not a Twitch username: Twitch usernames are 4 to 25 letters, digits "
            "or underscores."),
    ("ninja, bad-name, x", "“bad-name”, “x” are not Twitch usernames: Twitch usernames are "
                               "4 to 25 letters, digits or underscores."),
    ("a" * 26, f"“{'a' * 26}” is not a Twitch username: Twitch usernames are 4 to 25 "
               "letters, digits or underscores."),
    ("nínja", "“nínja” is not a Twitch username: Twitch usernames are 4 to 25 letters, "
              "digits or underscores."),
    (" , and ", "Tell me which Twitch streamer to check, e.g. “is ninja live?”."),
    ([f"user_{n:04d}" for n in range(101)],
     "I can check at most 100 streamers at once; you gave me 101."),
])
def test_impossible_names_are_refused_before_any_request(
        client: PluginClient, httpserver: HTTPServer, said: Any, sentence: str) -> None:
    reply = client.call("check_twitch_live_status", username=said)
    assert (reply.success, reply.text) == (False, sentence)
    assert httpserver.log == []


# -- get_top_twitch_streams -------------------------------------------------------------------

def test_top_streams_of_all_games(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json(
        {"data": [NINJA, SHROUD], "pagination": {"cursor": "abc"}})
    reply = client.call("get_top_twitch_streams")
    assert reply.success, reply.text
    assert reply.text == (
        "The most-watched live streams on Twitch right now:\n"
        "1. **Ninja** — “Fortnite fun” — Fortnite, 12,345 viewers, live for 2 h 14 min\n"
        "2. **shroud** — “Valorant ranked” — VALORANT, 1 viewer, live for 7 min")
    all_served(httpserver, 2)


def test_top_streams_of_one_game(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/games", "name=fortnite").respond_with_json(
        {"data": [{"id": "33214", "name": "Fortnite", "box_art_url": "", "igdb_id": "1905"}]})
    expect_helix(httpserver, "/streams", "game_id=33214&first=3").respond_with_json(
        {"data": [NINJA]})
    reply = client.call("get_top_twitch_streams", game=" fortnite ", limit=3)
    assert reply.success, reply.text
    assert reply.text == (
        "The most-watched live streams in Fortnite on Twitch right now:\n"
        "1. **Ninja** — “Fortnite fun” — 12,345 viewers, live for 2 h 14 min")
    all_served(httpserver, 3)


def test_an_unknown_game_is_explained(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/games", "name=Fortnight").respond_with_json({"data": []})
    reply = client.call("get_top_twitch_streams", game="Fortnight")
    assert (reply.success, reply.text) == (
        False, "Twitch has no game or category called “Fortnight”; check the spelling and "
               "use its full name.")
    all_served(httpserver, 2)  # no /streams request


def test_nobody_streaming_a_game(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/games", "name=Pong").respond_with_json(
        {"data": [{"id": "7", "name": "Pong"}]})
    expect_helix(httpserver, "/streams", "game_id=7&first=5").respond_with_json({"data": []})
    assert client.call("get_top_twitch_streams", game="Pong").text == \
        "Nobody is streaming in Pong on Twitch right now."
    all_served(httpserver, 3)


@pytest.mark.parametrize(("asked", "sent"), [(50, 20), (0, 1), (-3, 1), (20, 20), (1, 1)])
def test_the_limit_is_clamped_to_1_to_20(client: PluginClient, httpserver: HTTPServer,
                                         asked: int, sent: int) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", f"first={sent}").respond_with_json(
        {"data": [NINJA] * sent})
    reply = client.call("get_top_twitch_streams", limit=asked)
    assert reply.success, reply.text
    assert len(reply.text.splitlines()) == 1 + sent
    all_served(httpserver, 2)


# -- the app access token ---------------------------------------------------------------------

def test_the_token_is_reused_across_calls(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"data": [NINJA]})
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": [NINJA]})
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"data": [NINJA]})
    assert client.call("check_twitch_live_status", username="ninja").success
    assert client.call("get_top_twitch_streams").success
    assert client.call("check_twitch_live_status", username="ninja").success
    all_served(httpserver, 4)  # one token request for three calls


def test_a_cached_token_is_used_without_asking_for_one(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    cache_token(twitch, httpserver, expires_in=3600)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"data": [NINJA]})
    assert client.call("check_twitch_live_status", username="ninja").success
    all_served(httpserver, 1)


def test_a_token_about_to_expire_is_refreshed_first(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    cache_token(twitch, httpserver, token="CANARY-old-token-1", expires_in=240)  # < 5 min left
    expect_token(httpserver, token=NEW_TOKEN, expires_in=3600)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1", token=NEW_TOKEN,
                 ).respond_with_json({"data": [NINJA]})
    assert client.call("check_twitch_live_status", username="ninja").success
    all_served(httpserver, 2)
    cached = json.loads(twitch.auth.read_text())
    assert cached["access_token"] == NEW_TOKEN
    assert cached["expires_at"] == pytest.approx(time.time() + 3600, abs=60)


def test_a_token_expiring_during_the_session_is_refreshed(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver, expires_in=301)  # usable for about one second
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": []})
    expect_token(httpserver, token=NEW_TOKEN)
    expect_helix(httpserver, "/streams", "first=5", token=NEW_TOKEN).respond_with_json(
        {"data": []})
    assert client.call("get_top_twitch_streams").success
    time.sleep(1.5)
    assert client.call("get_top_twitch_streams").success
    all_served(httpserver, 4)


def test_a_token_of_another_client_id_is_not_used(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    cache_token(twitch, httpserver, token="CANARY-foreign-token", client_id="another_client")
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": []})
    assert client.call("get_top_twitch_streams").success
    all_served(httpserver, 2)
    assert json.loads(twitch.auth.read_text())["client_id"] == CLIENT_ID


def test_a_corrupt_token_cache_means_a_new_token(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    twitch.auth.write_text("{not json")
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": []})
    assert client.call("get_top_twitch_streams").success
    all_served(httpserver, 2)


def test_an_unwritable_token_cache_keeps_the_token_in_memory(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer,
        caplog: pytest.LogCaptureFixture) -> None:
    twitch.auth.mkdir()  # neither readable nor writable as a file
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": []})
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": []})
    with caplog.at_level("WARNING", logger="gassist.twitch.api"):
        assert client.call("get_top_twitch_streams").success
        assert client.call("get_top_twitch_streams").success
    all_served(httpserver, 3)  # one token for both calls
    assert "cannot keep the access token in" in caplog.text
    never_shown(caplog.text, "the log")


def test_a_401_fetches_a_new_token_once_then_succeeds(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    cache_token(twitch, httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"}, status=401)
    expect_token(httpserver, token=NEW_TOKEN)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1", token=NEW_TOKEN,
                 ).respond_with_json({"data": [NINJA]})
    reply = client.call("check_twitch_live_status", username="ninja")
    assert reply.success, reply.text
    assert reply.text.startswith("**Ninja** is LIVE")
    all_served(httpserver, 3)
    assert json.loads(twitch.auth.read_text())["access_token"] == NEW_TOKEN


def test_a_401_after_a_new_token_is_explained(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer) -> None:
    cache_token(twitch, httpserver)
    unauthorized = {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"}
    expect_helix(httpserver, "/streams", "first=5").respond_with_json(unauthorized,
                                                                       status=401)
    expect_token(httpserver, token=NEW_TOKEN)
    expect_helix(httpserver, "/streams", "first=5", token=NEW_TOKEN).respond_with_json(
        unauthorized, status=401)
    reply = client.call("get_top_twitch_streams")
    assert (reply.success, reply.text) == (False, TOKEN_REFUSED)
    all_served(httpserver, 3)  # exactly one new token, no loop


@pytest.mark.parametrize(("status", "body"), [
    (400, {"status": 400, "message": "invalid client secret"}),
    (401, {"status": 401, "message": "invalid client"}),
    (403, {"status": 403, "message": "invalid client"}),
])
def test_bad_client_credentials_name_the_settings(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer, status: int,
        body: dict[str, Any]) -> None:
    expect_token(httpserver).respond_with_json(body, status=status)
    reply = client.call("check_twitch_live_status", username="ninja")
    assert (reply.success, reply.text) == (False, BAD_CREDENTIALS)
    all_served(httpserver, 1)
    assert not twitch.auth.exists()


def test_a_failing_token_service_is_explained_without_a_retry(
        client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver).respond_with_data("down", status=503)
    reply = client.call("get_top_twitch_streams")
    assert (reply.success, reply.text) == (
        False, "Twitch is having trouble right now (HTTP 503); try again later.")
    all_served(httpserver, 1)  # a POST is never re-sent after a 5xx


def test_a_rate_limited_token_request_is_retried(client: PluginClient,
                                                 httpserver: HTTPServer) -> None:
    expect_token(httpserver).respond_with_json({"message": "slow down"}, status=429,
                                               headers={"Retry-After": "0"})
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": []})
    assert client.call("get_top_twitch_streams").text == \
        "Nobody is streaming on Twitch right now."
    all_served(httpserver, 3)


@pytest.mark.parametrize("answer", [
    Response("<html>oops</html>", status=200, content_type="text/html"),
    Response(json.dumps({"token_type": "bearer"}), status=200, content_type="application/json"),
    Response(json.dumps({"access_token": TOKEN, "expires_in": "soon"}), status=200,
             content_type="application/json"),
], ids=["html", "no-token", "no-expiry"])
def test_an_unreadable_token_answer(twitch: SimpleNamespace, client: PluginClient,
                                    httpserver: HTTPServer, answer: Response) -> None:
    expect_token(httpserver).respond_with_response(answer)
    reply = client.call("get_top_twitch_streams")
    assert (reply.success, reply.text) == (False, BAD_REPLY)
    all_served(httpserver, 1)
    assert not twitch.auth.exists()


# -- Helix failures ---------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "sentence"), [
    (403, "Twitch refused access (HTTP 403: Missing scope). Check client_id and client_secret "
          "in config.json."),
    (404, "Twitch found nothing there (HTTP 404: Missing scope)."),
    (400, "Twitch rejected the request (HTTP 400: Missing scope)."),
])
def test_helix_refusals_become_one_sentence(client: PluginClient, httpserver: HTTPServer,
                                            status: int, sentence: str) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"error": "x", "status": status, "message": "Missing scope"}, status=status)
    reply = client.call("check_twitch_live_status", username="ninja")
    assert (reply.success, reply.text) == (False, sentence)
    all_served(httpserver, 2)  # not retried, no new token


def test_a_429_is_retried_after_the_wait_it_asks_for(client: PluginClient,
                                                     httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json(
        {"message": "Too Many Requests"}, status=429,
        headers={"Retry-After": "1", "Ratelimit-Remaining": "0"})
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": [SHROUD]})
    started = time.monotonic()
    reply = client.call("get_top_twitch_streams")
    waited = time.monotonic() - started
    assert reply.success, reply.text
    assert "**shroud**" in reply.text
    assert 1.0 <= waited < 10  # the upper bound leaves room for a loaded CI machine
    all_served(httpserver, 3)


def test_a_429_that_persists_is_explained(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    for _ in range(3):
        expect_helix(httpserver, "/streams", "first=5").respond_with_json(
            {"message": "Too Many Requests"}, status=429, headers={"Retry-After": "0"})
    reply = client.call("get_top_twitch_streams")
    assert (reply.success, reply.text) == (
        False, "Twitch is limiting requests right now; try again in a moment.")
    all_served(httpserver, 4)


def test_server_errors_are_retried_then_explained(client: PluginClient,
                                                  httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    for _ in range(3):  # the first try and two retries
        expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_data(
            "upstream down", status=503)
    reply = client.call("check_twitch_live_status", username="ninja")
    assert (reply.success, reply.text) == (
        False, "Twitch is having trouble right now (HTTP 503); try again later.")
    all_served(httpserver, 4)


def test_a_server_error_then_success(client: PluginClient, httpserver: HTTPServer) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_data("oops", status=500)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": [NINJA]})
    assert client.call("get_top_twitch_streams").success
    all_served(httpserver, 3)


@pytest.mark.parametrize("answer", [
    Response("<html>Service Unavailable</html>", status=200, content_type="text/html"),
    Response(json.dumps({"data": "nope"}), status=200, content_type="application/json"),
    Response(json.dumps([1, 2]), status=200, content_type="application/json"),
    Response("", status=200),
], ids=["html", "data-not-a-list", "not-an-object", "empty"])
def test_an_unreadable_helix_answer(client: PluginClient, httpserver: HTTPServer,
                                    answer: Response) -> None:
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_response(
        answer)
    reply = client.call("check_twitch_live_status", username="ninja")
    assert (reply.success, reply.text) == (False, BAD_REPLY)
    all_served(httpserver, 2)


def test_a_refused_connection_names_the_setting(twitch: SimpleNamespace,
                                                httpserver: HTTPServer, closed_port: int,
                                                rewrite_config: Callable[..., None]) -> None:
    port = closed_port
    rewrite_config(twitch.folder / "config.json",
                   config_for(httpserver, auth_url=f"http://127.0.0.1:{port}/oauth2"))
    with PluginClient(twitch.plugin) as client:
        reply = client.call("check_twitch_live_status", username="ninja")
        assert (reply.success, reply.text) == (
            False, "Could not reach Twitch at 127.0.0.1 (connection refused). Check your "
                   "internet connection and the `auth_url` setting.")

        cache_token(twitch, httpserver)
        rewrite_config(twitch.folder / "config.json",
                       config_for(httpserver, api_url=f"http://127.0.0.1:{port}/helix"))
        reply = client.call("get_top_twitch_streams")
        assert (reply.success, reply.text) == (
            False, "Could not reach Twitch at 127.0.0.1 (connection refused). Check your "
                   "internet connection and the `api_url` setting.")
    assert httpserver.log == []


def test_a_slow_answer_times_out(twitch: SimpleNamespace, httpserver: HTTPServer,
                                 wait_for_log: Callable[..., None]) -> None:
    from twitch_api import TwitchAPI

    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(30)  # answers only after the client gave up (no race with its timeout)
        return Response(json.dumps({"data": []}), content_type="application/json")

    cache_token(twitch, httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_handler(slow)
    api = TwitchAPI(CLIENT_ID, SECRET, api_url=httpserver.url_for("/helix"),
                    auth_url=httpserver.url_for("/oauth2"), token_file=twitch.auth,
                    timeout=(1.0, 0.3))
    try:
        with pytest.raises(ServiceError) as caught:
            api.top_streams(5)
    finally:
        release.set()
        api.close()
    assert str(caught.value) == "Twitch did not answer within 0.3 seconds; try again in a moment."
    assert caught.value.kind == "timeout"
    # The handler's answer is logged before the server is checked (and before the next test
    # clears the shared server): a retry would show as a second request.
    wait_for_log(httpserver, 1)
    all_served(httpserver, 1)  # not retried: a read may have been acted on


# -- the engine's 30 s limit -------------------------------------------------------------------

OUT_OF_TIME = ("Twitch answered too slowly to finish within G-Assist's 30-second limit; try "
               "again in a moment.")




def test_a_command_stops_before_the_engines_time_limit(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer,
        clock: list[float], answers_after: Any) -> None:
    # 24 s for the streams: the /users lookup could not end in time, so it is not started
    # (the engine would cut the call off at 30 s and the user would hear nothing).
    cache_token(twitch, httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_handler(
        answers_after(24, {"data": []}))
    reply = client.call("check_twitch_live_status", username="ninja")
    assert (reply.success, reply.text) == (False, OUT_OF_TIME)
    all_served(httpserver, 1)


def test_a_new_token_after_a_401_gets_only_the_time_left(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer,
        clock: list[float], answers_after: Any) -> None:
    cache_token(twitch, httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_handler(
        answers_after(21, {"status": 401, "message": "Invalid OAuth token"}, status=401))
    expect_token(httpserver).respond_with_handler(answers_after(
        3, {"access_token": NEW_TOKEN, "expires_in": 5_000_000, "token_type": "bearer"}))
    reply = client.call("get_top_twitch_streams")
    assert (reply.success, reply.text) == (False, OUT_OF_TIME)
    all_served(httpserver, 2)  # no Helix request with 1 s left


def test_each_command_gets_its_own_time(
        twitch: SimpleNamespace, client: PluginClient, httpserver: HTTPServer,
        clock: list[float], answers_after: Any) -> None:
    cache_token(twitch, httpserver)
    for _ in range(2):
        expect_helix(httpserver, "/streams", "first=5").respond_with_handler(
            answers_after(20, {"data": [SHROUD]}))
    first = client.call("get_top_twitch_streams")
    second = client.call("get_top_twitch_streams")
    assert first.success and second.success, (first.text, second.text)
    all_served(httpserver, 2)


# -- secrets ----------------------------------------------------------------------------------

def test_secrets_are_in_no_reply_and_no_log(twitch: SimpleNamespace, httpserver: HTTPServer,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GASSIST_LOG_DIR", str(twitch.folder / "logs"))
    monkeypatch.setenv("GASSIST_LOG_LEVEL", "DEBUG")
    log_file = Path(twitch.plugin.enable_logging())
    (twitch.folder / "config.json").write_text(json.dumps(config_for(httpserver)))
    unauthorized = {"status": 401, "message": "Invalid OAuth token"}
    expect_token(httpserver).respond_with_json({"status": 400,
                                                "message": "invalid client secret"}, status=400)
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        unauthorized, status=401)
    expect_token(httpserver, token=NEW_TOKEN)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1", token=NEW_TOKEN,
                 ).respond_with_json(unauthorized, status=401)
    expect_helix(httpserver, "/streams", "first=5", token=NEW_TOKEN).respond_with_data(
        "nope", status=403)
    with PluginClient(twitch.plugin) as client:
        replies = [client.call("check_twitch_live_status", username="ninja"),
                   client.call("check_twitch_live_status", username="ninja"),
                   client.call("get_top_twitch_streams")]
    assert [r.text for r in replies] == [
        BAD_CREDENTIALS, TOKEN_REFUSED,
        "Twitch refused access (HTTP 403). Check client_id and client_secret in config.json."]
    all_served(httpserver, 6)
    log = log_file.read_text(encoding="utf-8")
    assert "Helix answered 401; fetching a new app access token" in log
    printed = capfd.readouterr()
    never_shown(json.dumps([r.messages for r in replies]), "the replies")
    never_shown(log, "the log file")
    never_shown(printed.out + printed.err, "stdout/stderr")


# -- start-up and generated files -------------------------------------------------------------

def test_importing_the_plugin_does_not_import_requests() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; import plugin; "
         "print(sorted(m for m in ('requests', 'urllib3', 'twitch_api') if m in sys.modules))"],
        cwd=SOURCE, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_config_files_are_generated_and_secretless() -> None:
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "config", str(SOURCE),
                           "--check"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    example = json.loads((SOURCE / "config.example.json").read_text(encoding="utf-8"))
    assert example["client_secret"] == "" and example["client_id"] == ""
    assert example["api_url"] == "https://api.twitch.tv/helix"
    assert example["auth_url"] == "https://id.twitch.tv/oauth2"
    schema = json.loads((SOURCE / "config.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["client_secret"]["writeOnly"] is True


# -- engine-style: the built sample, hosted by the emulator -----------------------------------

@pytest.mark.e2e
def test_the_built_sample_through_the_emulator(sample_copy, run_sample,
                                               httpserver: HTTPServer) -> None:
    folder = sample_copy("twitch")
    expect_token(httpserver)
    respond_live(expect_helix(httpserver, "/streams",
                              "user_login=ninja&user_login=shroud&first=2"), NINJA)
    expect_helix(httpserver, "/users", "login=shroud").respond_with_json({"data": []})
    expect_helix(httpserver, "/games", "name=Fortnite").respond_with_json(
        {"data": [{"id": "33214", "name": "Fortnite"}]})
    expect_helix(httpserver, "/streams", "game_id=33214&first=2").respond_with_json(
        {"data": [NINJA]})
    with run_sample(folder, config=config_for(httpserver)) as run:
        live = run.call("check_twitch_live_status", username="ninja or shroud")
        top = run.call("get_top_twitch_streams", game="Fortnite", limit=2)
        refused = run.call("check_twitch_live_status", username="no")
    assert live.success, live.error
    assert live.text == (
        "- **Ninja** is LIVE: “Fortnite fun” — Fortnite, 12,345 viewers, live for 2 h 14 min.\n"
        "- There is no Twitch user called “shroud”.")
    assert top.success, top.error
    assert top.text.splitlines()[0] == (
        "The most-watched live streams in Fortnite on Twitch right now:")
    assert not refused.success and "is not a Twitch username" in (refused.error or refused.text)
    all_served(httpserver, 5)
    run.assert_never_shown(*CANARIES)


@pytest.mark.e2e
def test_the_token_survives_a_restart(sample_copy, run_sample, httpserver: HTTPServer) -> None:
    folder = sample_copy("twitch")
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "first=5").respond_with_json({"data": [SHROUD]})
    with run_sample(folder, config=config_for(httpserver)) as first:
        assert first.call("get_top_twitch_streams").success
        first_pid = first.process.pid
    assert json.loads((folder / "auth.json").read_text())["access_token"] == TOKEN

    expect_helix(httpserver, "/streams", "user_login=shroud&first=1").respond_with_json(
        {"data": [SHROUD]})
    with run_sample(folder) as second:  # a new process: no token request
        reply = second.call("check_twitch_live_status", username="shroud")
        assert second.process.pid != first_pid
    assert reply.success and reply.text.startswith("**shroud** is LIVE"), reply.error
    all_served(httpserver, 3)
    first.assert_never_shown(*CANARIES)
    second.assert_never_shown(*CANARIES)


@pytest.mark.e2e
def test_setup_by_pasting_the_values_replays_the_call(sample_copy, run_sample,
                                                      httpserver: HTTPServer) -> None:
    folder = sample_copy("twitch")
    urls = {"api_url": httpserver.url_for("/helix"), "auth_url": httpserver.url_for("/oauth2")}
    with run_sample(folder, config=urls) as run:
        asked = run.call("check_twitch_live_status", username="ninja")
        assert asked.keep_session and not asked.success
        prompt = asked.error or asked.text
        assert prompt.startswith("**twitch needs to be set up first.**")
        assert "Register an application at https://dev.twitch.tv/console/apps" in prompt
        assert "- `client_secret` (secret): Client secret of your Twitch application" in prompt
        assert httpserver.log == []

        half = run.input(f"client_id={CLIENT_ID}")
        assert half.keep_session
        assert (half.error or half.text).startswith("Saved `client_id`.")

        expect_token(httpserver)
        respond_live(expect_helix(httpserver, "/streams", "user_login=ninja&first=1"), NINJA)
        done = run.input(SECRET)  # the one key left: the bare value is enough
    assert done.success and not done.keep_session, done.error
    assert done.text == ("Saved `client_secret` to config.json.\n\n**Ninja** is LIVE: “Fortnite "
                         "fun” — Fortnite, 12,345 viewers, live for 2 h 14 min.")
    all_served(httpserver, 2)
    assert json.loads((folder / "config.json").read_text()) == {
        **urls, "client_id": CLIENT_ID, "client_secret": SECRET}
    run.assert_never_shown(*CANARIES)


@pytest.mark.e2e
def test_gassist_build_check_passes_against_the_fake(sample_copy, httpserver: HTTPServer,
                                                      tmp_path: Path) -> None:
    folder = sample_copy("twitch")
    httpserver.expect_request("/oauth2/token", method="POST", data=TOKEN_BODY,
                              headers=FORM).respond_with_json(
        {"access_token": TOKEN, "expires_in": 5_000_000, "token_type": "bearer"})
    helix = {"Client-ID": CLIENT_ID, "Authorization": f"Bearer {TOKEN}"}
    httpserver.expect_request("/helix/streams", method="GET", headers=helix).respond_with_json(
        {"data": [NINJA]})
    settings = tmp_path / "check-config.json"
    settings.write_text(json.dumps(config_for(httpserver)))
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "check", str(folder), "--json",
         "--config", str(settings), "--sample", "check_twitch_live_status:username=ninja",
         "--log-dir", str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    never_shown(done.stdout + done.stderr, "check's output")
    card = json.loads(done.stdout)
    failed = [(i["key"], i["detail"]) for i in card["items"] if i["status"] != "pass"]
    assert done.returncode == 0 and card["ok"] and not failed, failed
    calls = {i["title"]: i["detail"] for i in card["items"] if i["title"].startswith("call ")}
    assert "LIVE" in calls["call check_twitch_live_status"]
    assert "most-watched" in calls["call get_top_twitch_streams"]
    httpserver.check_assertions()
    assert sum(r.path == "/oauth2/token" for r, _ in httpserver.log) == 1  # cached after that


@pytest.mark.e2e
@pytest.mark.slow
def test_the_executable_answers_through_the_emulator(sample_copy, run_sample,
                                                     httpserver: HTTPServer) -> None:
    folder = sample_copy("twitch", "exe")
    assert json.loads((folder / "manifest.json").read_text())["executable"].startswith(
        "g-assist-plugin-twitch")
    expect_token(httpserver)
    expect_helix(httpserver, "/streams", "user_login=ninja&first=1").respond_with_json(
        {"data": []})
    expect_helix(httpserver, "/users", "login=ninja").respond_with_json(
        {"data": [user("ninja", "Ninja")]})
    with run_sample(folder, config=config_for(httpserver)) as run:
        reply = run.call("check_twitch_live_status", username="ninja")
    assert (reply.success, reply.text) == (True, "**Ninja** is offline."), reply.error
    all_served(httpserver, 3)
    assert json.loads((folder / "auth.json").read_text())["access_token"] == TOKEN
    run.assert_never_shown(*CANARIES)


# -- README ----------------------------------------------------------------------------------

def test_readme_has_setup_prompts_and_a_heading_per_reply() -> None:
    readme = (SOURCE / "README.md").read_text(encoding="utf-8")
    assert "## Setup" in readme and "https://dev.twitch.tv/console/apps" in readme
    prompts = readme.split("## Example prompts", 1)[1].split("\n## ", 1)[0]
    assert len([line for line in prompts.splitlines() if line.startswith('- "')]) >= 5
    troubleshooting = readme.split("## Troubleshooting", 1)[1]
    # The sentences the tests above get from the plug-in, as the README shows them.
    for sentence in (
        "**twitch needs to be set up first.**", BAD_CREDENTIALS, TOKEN_REFUSED, BAD_REPLY,
        "Twitch refused access (HTTP 403). Check client_id and client_secret in config.json.",
        "“x” is not a Twitch username: Twitch usernames are 4 to 25 letters, digits or "
        "underscores.",
        "Tell me which Twitch streamer to check, e.g. “is ninja live?”.",
        "I can check at most 100 streamers at once; you gave me 120.",
        "There is no Twitch user called “x”.",
        "Twitch has no game or category called “x”; check the spelling and use its full name.",
        "Could not reach Twitch at api.twitch.tv (connection refused). Check your internet "
        "connection and the `api_url` setting.",
        "Twitch did not answer within 10 seconds; try again in a moment.",
        "Twitch is limiting requests right now; try again in 30 seconds.",
        "Twitch is having trouble right now (HTTP 503); try again later.",
        "Twitch found nothing there (HTTP 404).", OUT_OF_TIME,
    ):
        assert f"\n### {sentence}\n" in troubleshooting, sentence


def test_manifest_descriptions_say_what_a_user_would_ask() -> None:
    # The engine's small model picks a function from its description: it gets the words
    # people use, not only what the function does.
    manifest = json.loads((SOURCE / "manifest.json").read_text(encoding="utf-8"))
    described = {f["name"]: f["description"] for f in manifest["functions"]}
    assert '"is ninja live?"' in described["check_twitch_live_status"]
    assert '"is ninja or shroud streaming?"' in described["check_twitch_live_status"]
    assert '"who is streaming Fortnite?"' in described["get_top_twitch_streams"]
