# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The local stand-ins for Twitch, IFTTT and Discord, driven with real HTTP requests.

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
    DiscordStandin,
    Headline,
    IftttStandin,
    LocalServices,
    TwitchStandin,
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
