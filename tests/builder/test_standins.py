# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The local stand-ins for Twitch, IFTTT, Discord, Gemini and Spotify, driven with real
HTTP requests (and with google-genai and spotipy, the libraries the samples use).

Each test talks to a running stand-in over 127.0.0.1 with ``requests`` (what the
sample plug-ins use) and checks what a plug-in author relies on: the service's paths,
JSON shapes and auth checks, and the recorded requests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from gassist_build.standins import (
    DEMO_CLIENT_ID,
    DEMO_SECRET,
    DEMO_SPOTIFY_CLIENT_ID,
    CannedAnswer,
    DiscordStandin,
    GeminiStandin,
    Headline,
    IftttStandin,
    LocalServices,
    SpotifyStandin,
    TwitchStandin,
    WebSource,
    write_screenshot,
)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # a proxy in the environment must not see 127.0.0.1
    yield session
    session.close()


@pytest.fixture
def twitch() -> Iterator[TwitchStandin]:
    with TwitchStandin("client-abc", "secret-xyz") as standin:
        yield standin


@pytest.fixture
def ifttt() -> Iterator[IftttStandin]:
    with IftttStandin("key-123") as standin:
        yield standin


@pytest.fixture
def discord() -> Iterator[DiscordStandin]:
    with DiscordStandin("bot-token-1", channel_id="111", webhook_id="222",
                        webhook_token="hook-token", max_upload_bytes=1000) as standin:
        yield standin


def _token(http: requests.Session, twitch: TwitchStandin) -> str:
    reply = http.post(f"{twitch.auth_url}/token", params={
        "client_id": "client-abc", "client_secret": "secret-xyz",
        "grant_type": "client_credentials"}, timeout=5)
    assert reply.status_code == 200
    return str(reply.json()["access_token"])


def _helix(http: requests.Session, twitch: TwitchStandin, path: str, params: object,
           token: str) -> requests.Response:
    return http.get(f"{twitch.api_url}{path}", params=params, timeout=5,
                    headers={"Client-Id": "client-abc", "Authorization": f"Bearer {token}"})


# -- Twitch ----------------------------------------------------------------------------------
def test_twitch_token_from_form_body_has_twitchs_shape(http: requests.Session,
                                                       twitch: TwitchStandin) -> None:
    reply = http.post(f"{twitch.auth_url}/token", data={
        "client_id": "client-abc", "client_secret": "secret-xyz",
        "grant_type": "client_credentials"}, timeout=5)
    assert reply.status_code == 200
    document = reply.json()
    assert set(document) == {"access_token", "expires_in", "token_type"}
    assert document["token_type"] == "bearer" and document["expires_in"] > 0
    assert twitch.tokens_issued == 1
    recorded = twitch.requests_to("/oauth2/token")[0]
    assert recorded.method == "POST" and recorded.form()["client_secret"] == "secret-xyz"


@pytest.mark.parametrize(("client_id", "secret", "status", "message"), [
    ("wrong", "secret-xyz", 400, "invalid client"),
    ("client-abc", "wrong", 403, "invalid client secret"),
    ("", "secret-xyz", 400, "missing client id"),
])
def test_twitch_token_refuses_bad_credentials_like_twitch(
        http: requests.Session, twitch: TwitchStandin, client_id: str, secret: str,
        status: int, message: str) -> None:
    reply = http.post(f"{twitch.auth_url}/token", params={
        "client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"},
        timeout=5)
    assert (reply.status_code, reply.json()) == (status, {"status": status, "message": message})
    assert twitch.tokens_issued == 0


def test_twitch_streams_lists_live_channels_only_with_helix_fields(
        http: requests.Session, twitch: TwitchStandin) -> None:
    token = _token(http, twitch)
    reply = _helix(http, twitch, "/streams", [("user_login", "Pixel_Pioneer"),
                                              ("user_login", "sleepy_streamer"),
                                              ("user_login", "nobody_here")], token)
    assert reply.status_code == 200
    document = reply.json()
    assert document["pagination"] == {}
    [stream] = document["data"]
    assert stream["user_login"] == "pixel_pioneer" and stream["type"] == "live"
    assert stream["title"] == "Megabase day 12: trains everywhere"
    assert stream["game_name"] == "Factorio" and stream["viewer_count"] == 4213
    assert stream["started_at"].endswith("Z")
    assert {"id", "user_id", "user_name", "game_id", "tags", "language",
            "thumbnail_url", "is_mature"} <= set(stream)
    recorded = twitch.requests_to("/helix/streams")[0]
    assert recorded.params("user_login") == ["Pixel_Pioneer", "sleepy_streamer", "nobody_here"]


def test_twitch_top_streams_sorted_by_viewers_and_filtered_by_game(
        http: requests.Session, twitch: TwitchStandin) -> None:
    token = _token(http, twitch)
    top = _helix(http, twitch, "/streams", {"first": "1"}, token).json()
    assert [s["user_login"] for s in top["data"]] == ["nightowl_gg"]
    assert top["pagination"] == {"cursor": "demo-cursor"}  # more than `first` are live
    [game] = _helix(http, twitch, "/games", {"name": "factorio"}, token).json()["data"]
    assert game["name"] == "Factorio" and "{width}x{height}" in game["box_art_url"]
    by_game = _helix(http, twitch, "/streams", {"game_id": game["id"]}, token).json()
    assert [s["user_login"] for s in by_game["data"]] == ["pixel_pioneer"]
    ranked = _helix(http, twitch, "/games/top", {"first": "2"}, token).json()["data"]
    assert [g["name"] for g in ranked] == ["Elden Ring", "Factorio"]
    too_many = _helix(http, twitch, "/streams", {"first": "101"}, token)
    assert too_many.status_code == 400 and "first" in too_many.json()["message"]


def test_twitch_users_tells_unknown_from_offline(http: requests.Session,
                                                 twitch: TwitchStandin) -> None:
    token = _token(http, twitch)
    reply = _helix(http, twitch, "/users", [("login", "sleepy_streamer"),
                                            ("login", "nobody_here")], token)
    [user] = reply.json()["data"]
    assert user["login"] == "sleepy_streamer" and user["display_name"] == "Sleepy_Streamer"
    assert {"id", "type", "broadcaster_type", "description", "created_at"} <= set(user)
    assert _helix(http, twitch, "/users", {}, token).status_code == 400


def test_twitch_helix_checks_token_and_client_id(http: requests.Session,
                                                 twitch: TwitchStandin) -> None:
    token = _token(http, twitch)
    url = f"{twitch.api_url}/streams"
    cases = [
        ({"Client-Id": "client-abc"}, "OAuth token is missing"),
        ({"Client-Id": "client-abc", "Authorization": "Bearer made-up"}, "Invalid OAuth token"),
        ({"Authorization": f"Bearer {token}"}, "Client-Id header required"),
        ({"Client-Id": "other", "Authorization": f"Bearer {token}"},
         "Client ID and OAuth token do not match"),
    ]
    for headers, message in cases:
        reply = http.get(url, headers=headers, timeout=5)
        assert reply.status_code == 401
        assert reply.json() == {"error": "Unauthorized", "status": 401, "message": message}


def test_twitch_revoked_tokens_get_401_until_a_new_one_is_fetched(
        http: requests.Session, twitch: TwitchStandin) -> None:
    token = _token(http, twitch)
    twitch.revoke_tokens()
    assert _helix(http, twitch, "/streams", {}, token).status_code == 401
    assert _helix(http, twitch, "/streams", {}, _token(http, twitch)).status_code == 200
    assert twitch.tokens_issued == 2


def test_twitch_expired_token_is_refused(http: requests.Session) -> None:
    with TwitchStandin("c", "s", token_lifetime=0) as twitch:
        token = http.post(f"{twitch.auth_url}/token", timeout=5, params={
            "client_id": "c", "client_secret": "s", "grant_type": "client_credentials"}
        ).json()["access_token"]
        reply = http.get(f"{twitch.api_url}/users", params={"login": "nightowl_gg"}, timeout=5,
                         headers={"Client-Id": "c", "Authorization": f"Bearer {token}"})
        assert reply.status_code == 401


def test_fail_next_answers_with_the_services_error_then_recovers(
        http: requests.Session, twitch: TwitchStandin) -> None:
    token = _token(http, twitch)
    twitch.fail_next(503, headers={"Retry-After": "1"})
    failed = _helix(http, twitch, "/streams", {}, token)
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "1"
    assert failed.json()["error"] == "Service Unavailable"
    assert _helix(http, twitch, "/streams", {}, token).status_code == 200
    assert len(twitch.requests_to("/helix/streams", "GET")) == 2


def test_unknown_path_is_the_services_404(http: requests.Session, twitch: TwitchStandin) -> None:
    reply = http.get(f"{twitch.api_url}/no-such-endpoint", timeout=5)
    assert reply.status_code == 404 and reply.json()["status"] == 404


# -- IFTTT -----------------------------------------------------------------------------------
def test_ifttt_trigger_answers_like_ifttt_and_records_the_values(
        http: requests.Session, ifttt: IftttStandin) -> None:
    reply = http.post(f"{ifttt.ifttt_url}/trigger/game_routine/with/key/key-123",
                      json={"value1": "a", "value2": "b", "value3": "c"}, timeout=5)
    assert reply.status_code == 200
    assert reply.text == "Congratulations! You've fired the game_routine event"
    [trigger] = ifttt.triggers
    assert trigger.event == "game_routine"
    assert trigger.values == {"value1": "a", "value2": "b", "value3": "c"}
    form = http.post(f"{ifttt.ifttt_url}/trigger/lights_on/json/with/key/key-123",
                     data={"value1": "x"}, timeout=5)
    assert form.text == "Congratulations! You've fired the lights_on json event"
    assert ifttt.triggers[1].values == {"value1": "x"} and ifttt.triggers[1].json_trigger


def test_ifttt_bad_key_is_401_with_iftts_errors_list(http: requests.Session,
                                                    ifttt: IftttStandin) -> None:
    reply = http.post(f"{ifttt.ifttt_url}/trigger/game_routine/with/key/wrong", json={},
                      timeout=5)
    assert reply.status_code == 401
    assert reply.json() == {"errors": [{"message": "You sent an invalid key."}]}
    assert ifttt.triggers == []


def test_ifttt_feed_is_rss_with_the_headlines(http: requests.Session,
                                              ifttt: IftttStandin) -> None:
    import xml.etree.ElementTree as ET

    reply = http.get(ifttt.feed_url("pc-articles"), timeout=5)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/rss+xml")
    titles = [item.findtext("title") for item in ET.fromstring(reply.content).iter("item")]
    assert titles[0] == "Starfall Drift patch 1.4 adds ray-traced reflections"
    assert len(titles) == 4
    assert http.get(ifttt.feed_url("missing"), timeout=5).status_code == 404


def test_ifttt_feeds_can_be_replaced_and_broken(http: requests.Session) -> None:
    feeds = {"mine": [Headline("A & B <live>", "https://example.com/a")], "broken": b"<rss"}
    with IftttStandin("k", feeds=feeds) as ifttt:
        good = http.get(ifttt.feed_url("mine"), timeout=5)
        assert b"<title>A &amp; B &lt;live&gt;</title>" in good.content
        assert http.get(ifttt.feed_url("broken"), timeout=5).content == b"<rss"


def test_feedparser_reads_the_ifttt_feed(ifttt: IftttStandin) -> None:
    feedparser = pytest.importorskip("feedparser")
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(ifttt.feed_url("all"), timeout=5) as response:
        parsed = feedparser.parse(response.read())
    assert not parsed.bozo
    assert parsed.entries[0].title == "Console round-up: what's new this week"
    assert parsed.entries[0].link == "https://example.com/news/console-round-up"


# -- Discord ---------------------------------------------------------------------------------
def test_discord_bot_message_returns_a_message_object(http: requests.Session,
                                                      discord: DiscordStandin) -> None:
    reply = http.post(f"{discord.api_url}/channels/111/messages", json={"content": "GG"},
                      headers={"Authorization": "Bot bot-token-1"}, timeout=5)
    assert reply.status_code == 200
    message = reply.json()
    assert message["content"] == "GG" and message["channel_id"] == "111"
    assert message["author"]["bot"] is True and message["attachments"] == []
    assert {"id", "timestamp", "embeds", "mentions", "type"} <= set(message)
    [posted] = discord.messages
    assert (posted.content, posted.via, posted.id) == ("GG", "bot", message["id"])


@pytest.mark.parametrize("authorization", [None, "Bot wrong", "Bearer bot-token-1",
                                           "bot-token-1"])
def test_discord_bot_needs_the_bot_token(http: requests.Session, discord: DiscordStandin,
                                         authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    reply = http.post(f"{discord.api_url}/channels/111/messages", json={"content": "GG"},
                      headers=headers, timeout=5)
    assert reply.status_code == 401
    assert reply.json() == {"message": "401: Unauthorized", "code": 0}
    assert discord.messages == []


def test_discord_multipart_upload_with_payload_json(http: requests.Session,
                                                    discord: DiscordStandin,
                                                    tmp_path: Path) -> None:
    shot = write_screenshot(tmp_path)
    with shot.open("rb") as file:
        reply = http.post(f"{discord.api_url}/channels/111/messages",
                          headers={"Authorization": "Bot bot-token-1"}, timeout=5,
                          data={"payload_json": json.dumps({"content": "my run"})},
                          files={"files[0]": (shot.name, file, "image/png")})
    assert reply.status_code == 200, reply.text
    [attachment] = reply.json()["attachments"]
    assert attachment["filename"] == shot.name and attachment["size"] == shot.stat().st_size
    assert attachment["content_type"] == "image/png"
    [posted] = discord.messages
    assert posted.content == "my run"
    assert posted.attachments[0].data == shot.read_bytes()
    assert posted.attachments[0].data.startswith(b"\x89PNG\r\n\x1a\n")
    assert http.get(attachment["url"], timeout=5).content == shot.read_bytes()


def test_discord_multipart_file_part_with_content_field(http: requests.Session,
                                                        discord: DiscordStandin) -> None:
    reply = http.post(f"{discord.api_url}/channels/111/messages",
                      headers={"Authorization": "Bot bot-token-1"}, timeout=5,
                      data={"content": "clip"}, files={"file": ("c.mp4", b"1234", "video/mp4")})
    assert reply.status_code == 200
    assert discord.messages[0].content == "clip"
    assert discord.messages[0].attachments[0].filename == "c.mp4"


def test_discord_limits_and_unknown_channel(http: requests.Session,
                                            discord: DiscordStandin) -> None:
    bot = {"Authorization": "Bot bot-token-1"}
    too_long = http.post(f"{discord.api_url}/channels/111/messages", headers=bot,
                         json={"content": "x" * 2001}, timeout=5)
    assert too_long.status_code == 400 and too_long.json()["code"] == 50035
    assert "2000" in json.dumps(too_long.json()["errors"])
    empty = http.post(f"{discord.api_url}/channels/111/messages", headers=bot,
                      json={"content": ""}, timeout=5)
    assert empty.json() == {"message": "Cannot send an empty message", "code": 50006}
    big = http.post(f"{discord.api_url}/channels/111/messages", headers=bot, timeout=5,
                    files={"file": ("big.png", b"\0" * 1001, "image/png")})
    assert big.status_code == 413 and big.json()["code"] == 40005
    unknown = http.post(f"{discord.api_url}/channels/999/messages", headers=bot,
                        json={"content": "hi"}, timeout=5)
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "Unknown Channel", "code": 10003}
    assert discord.messages == []
    exactly = http.post(f"{discord.api_url}/channels/111/messages", headers=bot,
                        json={"content": "x" * 2000}, timeout=5)
    assert exactly.status_code == 200


def test_discord_webhook_204_or_message_with_wait(http: requests.Session,
                                                  discord: DiscordStandin) -> None:
    plain = http.post(discord.webhook_url, json={"content": "one"}, timeout=5)
    assert plain.status_code == 204 and plain.content == b""
    waited = http.post(discord.webhook_url, params={"wait": "true"}, timeout=5,
                       data={"content": "two"}, files={"file": ("s.png", b"png!", "image/png")})
    assert waited.status_code == 200
    assert waited.json()["webhook_id"] == "222"
    assert waited.json()["attachments"][0]["filename"] == "s.png"
    assert [(m.content, m.via) for m in discord.messages] == [("one", "webhook"),
                                                               ("two", "webhook")]
    assert discord.webhook_url.startswith(discord.url + "/api/webhooks/222/")


def test_discord_webhook_bad_token_and_unknown_webhook(http: requests.Session,
                                                       discord: DiscordStandin) -> None:
    wrong = http.post(f"{discord.url}/api/webhooks/222/nope", json={"content": "x"}, timeout=5)
    assert wrong.status_code == 401
    assert wrong.json() == {"message": "Invalid Webhook Token", "code": 50027}
    unknown = http.post(f"{discord.url}/api/webhooks/333/hook-token", json={"content": "x"},
                        timeout=5)
    assert unknown.json() == {"message": "Unknown Webhook", "code": 10015}
    assert discord.messages == []


def test_discord_rate_limit_then_accepts(http: requests.Session, discord: DiscordStandin) -> None:
    discord.rate_limit_next(0.4)
    limited = http.post(discord.webhook_url, json={"content": "x"}, timeout=5)
    assert limited.status_code == 429
    assert limited.json()["retry_after"] == 0.4 and limited.headers["Retry-After"] == "1"
    assert http.post(discord.webhook_url, json={"content": "x"}, timeout=5).status_code == 204
    assert len(discord.messages) == 1


def test_discord_bot_identity_and_channel(http: requests.Session,
                                          discord: DiscordStandin) -> None:
    bot = {"Authorization": "Bot bot-token-1"}
    assert http.get(f"{discord.api_url}/users/@me", headers=bot, timeout=5).json()["bot"]
    assert http.get(f"{discord.api_url}/users/@me", timeout=5).status_code == 401
    assert http.get(f"{discord.api_url}/channels/111", headers=bot, timeout=5).json()["id"] == "111"


# -- together --------------------------------------------------------------------------------
def test_local_services_configs_point_at_running_standins(http: requests.Session,
                                                          tmp_path: Path) -> None:
    with LocalServices() as services:
        configs = services.plugin_configs(tmp_path)
        twitch = configs["twitch"]
        token = http.post(f"{twitch['auth_url']}/token", timeout=5, params={
            "client_id": twitch["client_id"], "client_secret": twitch["client_secret"],
            "grant_type": "client_credentials"}).json()["access_token"]
        live = http.get(f"{twitch['api_url']}/streams", params={"user_login": "pixel_pioneer"},
                        headers={"Client-Id": DEMO_CLIENT_ID, "Authorization": f"Bearer {token}"},
                        timeout=5)
        assert live.json()["data"][0]["viewer_count"] == 4213
        ifttt = configs["ifttt"]
        fired = http.post(f"{ifttt['ifttt_url']}/trigger/{ifttt['event_name']}/with/key/"
                          f"{ifttt['webhook_key']}", json={}, timeout=5)
        assert fired.status_code == 200
        assert http.get(ifttt["news_feeds"][0], timeout=5).status_code == 200
        discord = configs["discord"]
        posted = http.post(f"{discord['api_url']}/channels/{discord['channel_id']}/messages",
                           headers={"Authorization": f"Bot {discord['bot_token']}"},
                           json={"content": "hi"}, timeout=5)
        assert posted.status_code == 200
        assert http.post(discord["webhook_url"], json={"content": "hi"}, timeout=5
                         ).status_code == 204
        assert discord["capture_folders"] == [str(tmp_path)]
        assert DEMO_SECRET not in json.dumps(services.public_urls())
        urls = [services.twitch.url, services.ifttt.url, services.discord.url]
        assert len(set(urls)) == 3 and all(u.startswith("http://127.0.0.1:") for u in urls)
    with pytest.raises(requests.ConnectionError):
        http.get(urls[0], timeout=2)  # stopped on the way out


def test_stand_in_never_logs_the_request_line(capfd: pytest.CaptureFixture[str],
                                              http: requests.Session,
                                              ifttt: IftttStandin) -> None:
    http.post(f"{ifttt.ifttt_url}/trigger/game_routine/with/key/key-123", timeout=5)
    http.post(f"{ifttt.ifttt_url}/trigger/game_routine/with/key/key-1234", timeout=5)
    captured = capfd.readouterr()
    assert "key-123" not in captured.out + captured.err


def test_wrong_method_is_405_and_a_failing_route_is_500(http: requests.Session,
                                                       twitch: TwitchStandin) -> None:
    wrong_method = http.post(f"{twitch.api_url}/streams", timeout=5)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "Method Not Allowed"

    class Broken(DiscordStandin):
        def routes(self):  # type: ignore[no-untyped-def]
            def boom(request, match):  # type: ignore[no-untyped-def]
                raise ZeroDivisionError
            return [self.route("GET", r"/boom", boom)]

    with Broken("t", webhook_token="w") as broken:
        reply = http.get(f"{broken.url}/boom", timeout=5)
        assert reply.status_code == 500 and reply.json()["message"] == "Internal Server Error"
        assert http.get(f"{broken.url}/boom", timeout=5).status_code == 500  # still serving


def test_url_before_start_says_so() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        _ = TwitchStandin("a", "b").url


@pytest.mark.slow
def test_module_serves_until_interrupted_and_prints_no_secret(tmp_path: Path,
                                                              http: requests.Session) -> None:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    process = subprocess.Popen([sys.executable, "-m", "gassist_build.standins",
                                "--config-dir", str(tmp_path / "cfg")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line or not line:
                break
        banner = "".join(lines)
        assert "Serving until Ctrl-C." in banner, banner
        api_url = next(w.rstrip(",") for w in banner.split() if w.endswith("/helix,"))
        config = json.loads((tmp_path / "cfg" / "twitch.json").read_text())
        assert config["api_url"] == api_url
        assert (tmp_path / "cfg" / "twitch.json").stat().st_mode & 0o077 == 0
        auth = json.loads((tmp_path / "cfg" / "spotify-auth.json").read_text())
        assert (tmp_path / "cfg" / "spotify-auth.json").stat().st_mode & 0o077 == 0
        assert json.loads((tmp_path / "cfg" / "gemini.json").read_text())["api_key"] == DEMO_SECRET
        assert list((tmp_path / "cfg" / "captures").glob("*/*.png"))
        assert http.get(f"{api_url}/streams", timeout=5).status_code == 401  # it is serving
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Stopped." in out
    assert DEMO_SECRET not in banner + out + err
    assert auth["access_token"] not in banner + out + err
    assert auth["refresh_token"] not in banner + out + err


# -- Gemini ----------------------------------------------------------------------------------
GEMINI_KEY = "gm-key-123"
FLASH = "gemini-2.5-flash"
SEARCH_TOOL = [{"googleSearch": {}}]


@pytest.fixture
def gemini() -> Iterator[GeminiStandin]:
    with GeminiStandin(GEMINI_KEY, pause=0.3) as standin:
        yield standin


def _ask(question: str, tools: object = SEARCH_TOOL) -> dict[str, object]:
    return {"contents": [{"role": "user", "parts": [{"text": question}]}], "tools": tools,
            "systemInstruction": {"parts": [{"text": "Be brief."}]}}


def test_gemini_model_get_checks_the_key_like_google(http: requests.Session,
                                                      gemini: GeminiStandin) -> None:
    url = f"{gemini.api_url}v1beta/models/{FLASH}"
    found = http.get(url, headers={"x-goog-api-key": GEMINI_KEY}, timeout=5)
    assert found.status_code == 200
    assert found.json()["name"] == "models/gemini-2.5-flash"
    wrong = http.get(url, headers={"x-goog-api-key": "other"}, timeout=5).json()["error"]
    assert (wrong["code"], wrong["status"]) == (400, "INVALID_ARGUMENT")
    assert wrong["message"] == "API key not valid. Please pass a valid API key."
    assert wrong["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert wrong["details"][0]["reason"] == "API_KEY_INVALID"
    missing = http.get(url, timeout=5)
    assert (missing.status_code, missing.json()["error"]["status"]) == (403, "PERMISSION_DENIED")
    assert http.get(url, params={"key": GEMINI_KEY}, timeout=5).status_code == 200
    unknown = http.get(f"{gemini.api_url}v1/models/gemini-9", timeout=5,
                       headers={"x-goog-api-key": GEMINI_KEY})
    assert (unknown.status_code, unknown.json()["error"]["status"]) == (404, "NOT_FOUND")
    assert "models/gemini-9 is not found for API version v1" in unknown.json()["error"]["message"]


def test_gemini_stream_sends_sse_events_one_at_a_time_and_grounds_the_last(
        http: requests.Session, gemini: GeminiStandin) -> None:
    started = time.monotonic()
    reply = http.post(f"{gemini.api_url}v1beta/models/{FLASH}:streamGenerateContent",
                      params={"alt": "sse"}, headers={"x-goog-api-key": GEMINI_KEY},
                      json=_ask("When does Starfall Drift season 3 start?"), stream=True,
                      timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert reply.headers["Transfer-Encoding"] == "chunked"
    events, arrived = [], []
    for line in reply.iter_lines():
        if line.startswith(b"data: "):
            events.append(json.loads(line[6:]))
            arrived.append(time.monotonic() - started)
    assert len(events) == 3
    # Each event came on its own, 0.3 s apart: not all at once at the end.
    assert arrived[1] - arrived[0] > 0.2 and arrived[2] - arrived[1] > 0.2
    texts = [e["candidates"][0]["content"]["parts"][0]["text"] for e in events]
    assert "".join(texts).startswith("**Starfall Drift season 3** starts on **12 December 2026**")
    *early, last = [e["candidates"][0] for e in events]
    assert all("finishReason" not in c and "groundingMetadata" not in c for c in early)
    assert last["finishReason"] == "STOP"
    assert last["groundingMetadata"]["groundingChunks"] == [
        {"web": {"uri": "https://example.com/news/starfall-drift-1-4",
                 "title": "Starfall Drift patch 1.4 notes"}},
        {"web": {"uri": "https://example.com/starfall/season-3",
                 "title": "Season 3 roadmap - Starfall Drift"}}]
    [question] = gemini.questions
    assert question.grounded and question.system_instruction == "Be brief."
    assert question.turns == [("user", "When does Starfall Drift season 3 start?")]


def test_gemini_without_the_search_tool_gives_no_sources_and_generate_is_whole(
        http: requests.Session, gemini: GeminiStandin) -> None:
    reply = http.post(f"{gemini.api_url}v1/models/{FLASH}:generateContent", timeout=5,
                      headers={"x-goog-api-key": GEMINI_KEY},
                      json=_ask("Ray tracing settings for Starfall Drift?", tools=[]))
    candidate = reply.json()["candidates"][0]
    assert candidate["content"]["parts"][0]["text"] == (
        "For ray-traced reflections at 1440p the developers recommend an RTX 4060 or better "
        "with 8 GB of video memory; turn on DLSS Quality to keep 60 fps.")
    assert candidate["finishReason"] == "STOP" and "groundingMetadata" not in candidate
    other = http.post(f"{gemini.api_url}v1/models/{FLASH}:generateContent", timeout=5,
                      headers={"x-goog-api-key": GEMINI_KEY}, json=_ask("Best pizza in Oslo?"))
    assert other.json()["candidates"][0]["content"]["parts"][0]["text"] == (
        "This is the local Gemini stand-in: it has no demo answer for “Best pizza in Oslo?”.")
    empty = http.post(f"{gemini.api_url}v1/models/{FLASH}:generateContent", timeout=5,
                      headers={"x-goog-api-key": GEMINI_KEY}, json={"contents": []})
    assert (empty.status_code, empty.json()["error"]["status"]) == (400, "INVALID_ARGUMENT")


def test_google_genai_streams_from_the_stand_in_and_reads_its_errors() -> None:
    from google import genai
    from google.genai import errors, types

    answer = CannedAnswer(("driver",), ("Driver 999.99 ", "came out today."),
                          (WebSource("Driver notes", "https://example.com/driver"),))
    with GeminiStandin(GEMINI_KEY, answers=[answer], pause=0.0) as standin:
        client = genai.Client(api_key=GEMINI_KEY,
                              http_options=types.HttpOptions(base_url=standin.api_url))
        assert client.models.get(model=FLASH).name == "models/gemini-2.5-flash"
        config = types.GenerateContentConfig(
            tools=[types.Tool(google_search=types.GoogleSearch())])
        chunks = list(client.models.generate_content_stream(
            model=FLASH, contents="latest GeForce driver?", config=config))
        assert [c.text for c in chunks] == ["Driver 999.99 ", "came out today."]
        web = chunks[-1].candidates[0].grounding_metadata.grounding_chunks[0].web
        assert (web.title, web.uri) == ("Driver notes", "https://example.com/driver")
        assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
        refused = genai.Client(api_key="wrong",
                               http_options=types.HttpOptions(base_url=standin.api_url))
        with pytest.raises(errors.ClientError) as caught:
            refused.models.get(model=FLASH)
        assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
        standin.fail_next(429)
        with pytest.raises(errors.ClientError) as quota:
            client.models.generate_content(model=FLASH, contents="hi")
        assert (quota.value.code, quota.value.status) == (429, "RESOURCE_EXHAUSTED")


# -- Spotify ---------------------------------------------------------------------------------
SPOTIFY_CLIENT = "spotify-client-1"
REDIRECT = "http://127.0.0.1:8888/callback"
PLAYER_SCOPES = ("user-library-read", "user-read-currently-playing", "user-read-playback-state",
                 "user-modify-playback-state", "playlist-read-private",
                 "playlist-read-collaborative")


@pytest.fixture
def spotify() -> Iterator[SpotifyStandin]:
    with SpotifyStandin(SPOTIFY_CLIENT) as standin:
        yield standin


def _pkce_pair() -> tuple[str, str]:
    import base64
    import hashlib

    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def _sign_in(http: requests.Session, spotify: SpotifyStandin) -> dict[str, object]:
    verifier, challenge = _pkce_pair()
    code = _authorize(http, spotify, challenge)["code"]
    reply = http.post(f"{spotify.accounts_url}/api/token", timeout=5, data={
        "client_id": SPOTIFY_CLIENT, "grant_type": "authorization_code", "code": code,
        "redirect_uri": REDIRECT, "code_verifier": verifier})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def _authorize(http: requests.Session, spotify: SpotifyStandin, challenge: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    reply = http.get(f"{spotify.accounts_url}/authorize", allow_redirects=False, timeout=5,
                     params={"client_id": SPOTIFY_CLIENT, "response_type": "code",
                             "redirect_uri": REDIRECT, "state": "s-42",
                             "code_challenge_method": "S256", "code_challenge": challenge})
    assert reply.status_code == 303
    location = reply.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return dict(parse_qsl(urlsplit(location).query))


def test_spotify_pkce_sign_in_checks_the_verifier_and_uses_a_code_once(
        http: requests.Session, spotify: SpotifyStandin) -> None:
    verifier, challenge = _pkce_pair()
    answer = _authorize(http, spotify, challenge)
    assert answer["state"] == "s-42" and answer["code"]
    token_url = f"{spotify.accounts_url}/api/token"
    form = {"client_id": SPOTIFY_CLIENT, "grant_type": "authorization_code",
            "code": answer["code"], "redirect_uri": REDIRECT, "code_verifier": "w" * 64}
    wrong = http.post(token_url, data=form, timeout=5)
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant",
                            "error_description": "code_verifier was incorrect"}
    code = _authorize(http, spotify, challenge)["code"]
    good = http.post(token_url, data={**form, "code": code, "code_verifier": verifier}, timeout=5)
    token = good.json()
    assert good.status_code == 200 and token["token_type"] == "Bearer"
    assert set(token["scope"].split()) == set(PLAYER_SCOPES)
    assert token["expires_in"] == 3600 and token["refresh_token"]
    again = http.post(token_url, data={**form, "code": code, "code_verifier": verifier},
                      timeout=5)
    assert again.json()["error"] == "invalid_grant"  # a code works once
    stranger = http.post(token_url, data={**form, "client_id": "nobody"}, timeout=5)
    assert stranger.json() == {"error": "invalid_client", "error_description": "Invalid client"}
    assert spotify.tokens_issued["authorization_code"] == 1


def test_spotify_refresh_keeps_the_refresh_token_and_a_revoked_one_is_invalid_grant(
        http: requests.Session, spotify: SpotifyStandin) -> None:
    token = _sign_in(http, spotify)
    token_url = f"{spotify.accounts_url}/api/token"
    form = {"client_id": SPOTIFY_CLIENT, "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"]}
    fresh = http.post(token_url, data=form, timeout=5).json()
    assert fresh["access_token"] != token["access_token"] and "refresh_token" not in fresh
    me = http.get(f"{spotify.api_url}/me", timeout=5,
                  headers={"Authorization": f"Bearer {fresh['access_token']}"})
    assert me.json()["product"] == "premium"
    spotify.revoke_tokens()
    refused = http.post(token_url, data=form, timeout=5)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    gone = http.get(f"{spotify.api_url}/me", timeout=5,
                    headers={"Authorization": f"Bearer {fresh['access_token']}"})
    assert gone.status_code == 401
    assert gone.json() == {"error": {"status": 401, "message": "Invalid access token"}}


def test_spotify_web_api_wants_a_live_bearer_token(http: requests.Session,
                                                   spotify: SpotifyStandin) -> None:
    url = f"{spotify.api_url}/me/player/currently-playing"
    assert http.get(url, timeout=5).json()["error"]["message"] == "No token provided"
    stale = spotify.token_cache(expired=True)
    expired = http.get(url, headers={"Authorization": f"Bearer {stale['access_token']}"},
                       timeout=5)
    assert (expired.status_code, expired.json()["error"]["message"]) == (
        401, "The access token expired")
    live = spotify.token_cache()
    assert set(live["scope"].split()) == set(PLAYER_SCOPES) and live["expires_at"] > time.time()
    playing = http.get(url, headers={"Authorization": f"Bearer {live['access_token']}"},
                       timeout=5)
    assert playing.status_code == 200 and playing.json()["item"]["name"] == "Neon Highway"


def _spotipy(spotify: SpotifyStandin, cache: dict[str, object]):  # type: ignore[no-untyped-def]
    import spotipy

    auth = spotipy.SpotifyPKCE(client_id=SPOTIFY_CLIENT, redirect_uri=REDIRECT,
                               scope=",".join(PLAYER_SCOPES), open_browser=False,
                               cache_handler=spotipy.MemoryCacheHandler(dict(cache)))
    auth.OAUTH_TOKEN_URL = f"{spotify.accounts_url}/api/token"
    auth.OAUTH_AUTHORIZE_URL = f"{spotify.accounts_url}/authorize"
    client = spotipy.Spotify(auth_manager=auth, retries=0, status_retries=0)
    client.prefix = f"{spotify.api_url}/"
    return client


def test_spotipy_drives_the_player_after_refreshing_an_expired_token(
        spotify: SpotifyStandin) -> None:
    client = _spotipy(spotify, spotify.token_cache(expired=True))
    found = client.search(q="boss artist:Aurora Nine", type="track", limit=1)["tracks"]["items"]
    assert [t["name"] for t in found] == ["Boss Rush"]
    assert spotify.tokens_issued["refresh_token"] == 1  # spotipy refreshed first
    client.start_playback(uris=[found[0]["uri"]])
    now = client.currently_playing()
    assert now["is_playing"]
    assert now["item"]["album"]["name"] == "Starfall Drift Original Soundtrack"
    client.pause_playback()
    assert client.currently_playing()["is_playing"] is False
    client.add_to_queue("spotify:track:4demoPixelHeart00000003")
    client.next_track()
    assert client.currently_playing()["item"]["name"] == "Pixel Heart"  # the queue comes first
    client.previous_track()
    client.shuffle(True)
    client.volume(35)
    assert client.devices()["devices"][0]["volume_percent"] == 35
    playlists = client.current_user_playlists(limit=1)
    assert [p["name"] for p in playlists["items"]] == ["Ranked Focus"] and playlists["total"] == 2
    playlist = client.search(q="Chill Lobby", type="playlist", limit=5)["playlists"]["items"][0]
    client.start_playback(context_uri=playlist["uri"])
    assert client.currently_playing()["context"]["uri"] == playlist["uri"]
    assert [name for name, _ in spotify.commands] == [
        "play", "pause", "queue", "next", "previous", "shuffle", "volume", "play"]
    assert spotify.commands[5] == ("shuffle", "true")
    assert spotify.requests_to("/v1/me/player/volume")[0].param("volume_percent") == "35"


def test_spotify_no_active_device_until_transferred_and_free_accounts_refused() -> None:
    import spotipy

    with SpotifyStandin(SPOTIFY_CLIENT, active_device=False) as standin:
        client = _spotipy(standin, standin.token_cache())
        with pytest.raises(spotipy.SpotifyException) as idle:
            client.pause_playback()
        assert (idle.value.http_status, idle.value.reason) == (404, "NO_ACTIVE_DEVICE")
        assert client.currently_playing() is None  # 204: nothing is playing anywhere
        [device] = client.devices()["devices"]
        assert device["name"] == "GAMING-PC" and not device["is_active"]
        client.transfer_playback(device["id"], force_play=False)
        client.start_playback()
        assert standin.commands == [("transfer", "GAMING-PC"), ("resume", "")]
    with SpotifyStandin(SPOTIFY_CLIENT, premium=False) as free:
        client = _spotipy(free, free.token_cache())
        with pytest.raises(spotipy.SpotifyException) as refused:
            client.next_track()
        assert (refused.value.http_status, refused.value.reason) == (403, "PREMIUM_REQUIRED")
        assert client.search(q="neon", type="track")["tracks"]["total"] == 1  # search still works
        assert free.commands == []


def test_local_services_point_gemini_and_spotify_at_running_standins(
        http: requests.Session, tmp_path: Path) -> None:
    with LocalServices() as services:
        configs = services.plugin_configs(tmp_path)
        gemini = configs["gemini"]
        model = http.get(f"{gemini['api_url']}v1beta/models/{FLASH}", timeout=5,
                         headers={"x-goog-api-key": gemini["api_key"]})
        assert model.status_code == 200
        spotify = configs["spotify"]
        assert spotify["client_id"] == DEMO_SPOTIFY_CLIENT_ID
        cache = services.plugin_token_caches()["spotify"]
        refreshed = http.post(f"{spotify['accounts_url']}/api/token", timeout=5, data={
            "client_id": spotify["client_id"], "grant_type": "refresh_token",
            "refresh_token": cache["refresh_token"]})
        playing = http.get(f"{spotify['api_url']}/me/player/currently-playing", timeout=5,
                           headers={"Authorization":
                                    f"Bearer {refreshed.json()['access_token']}"})
        assert playing.json()["item"]["name"] == "Neon Highway"
        urls = services.public_urls()
        assert urls["spotify"] == {"api_url": spotify["api_url"],
                                   "accounts_url": spotify["accounts_url"]}
        assert DEMO_SECRET not in json.dumps(urls)
        assert cache["access_token"] not in json.dumps(urls)
        assert len({s.url for s in services.all}) == 5


_SIGN_IN_SCRIPT = r"""
import json, re, sys
import requests
sys.path.insert(0, ".")
import plugin
from gassist_sdk.testing import PluginClient

with PluginClient(plugin.plugin) as client:
    asked = client.call("spotify_get_currently_playing")
    link = re.search(r"(http://\S+/authorize\?\S+)", asked.text).group(1)
    browser = requests.Session()
    browser.trust_env = False
    page = browser.get(link, timeout=10)  # the stand-in agrees, the redirect reaches the plug-in
    done = client.input("done")
print(json.dumps({"asked": asked.text, "page": page.status_code, "signed_in": page.text,
                  "done": done.text}))
"""


def test_the_spotify_samples_own_pkce_sign_in_completes_against_the_stand_in(
        tmp_path: Path, spotify: SpotifyStandin) -> None:
    import shutil
    import socket

    sample = Path(__file__).resolve().parents[2] / "plugins" / "spotify"
    if not (sample / "plugin.py").exists():
        pytest.skip("plugins/spotify does not exist yet")
    folder = tmp_path / "spotify"
    shutil.copytree(sample, folder, ignore=shutil.ignore_patterns("auth.json", "config.json"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (folder / "config.json").write_text(json.dumps({
        "client_id": SPOTIFY_CLIENT, "redirect_port": port, "api_url": spotify.api_url,
        "accounts_url": spotify.accounts_url}))
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    done = subprocess.run([sys.executable, "-c", _SIGN_IN_SCRIPT], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "Sign in to Spotify first." in seen["asked"]
    assert seen["page"] == 200 and "Signed in to Spotify" in seen["signed_in"]
    # The command that asked for the sign-in ran once signed in, answered by the stand-in.
    assert seen["done"] == ("Paused: “Neon Highway” by The Midnight Circuit from “Afterglow "
                            "Drive” (1:23 of 3:41).")
    assert spotify.tokens_issued["authorization_code"] == 1
    exchange = spotify.requests_to("/api/token")[0].form()
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]
    assert "client_secret" not in exchange  # PKCE: no secret anywhere
    cache = json.loads((folder / "auth.json").read_text())
    assert cache["access_token"].startswith("demo-spotify-access-")
