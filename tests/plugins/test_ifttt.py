# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/ifttt in memory (PluginClient) against a local IFTTT and local news feeds.

Every request the fake gets is asserted whole (method, path, query, headers, body), every
failure mode has its sentence, and the webhook key (a canary) is looked for in every
reply, the plug-in's log file at DEBUG level, what urllib3 logs at DEBUG and stderr.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from gassist_sdk.testing import PluginClient
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FOLDER = Path(__file__).resolve().parents[2] / "plugins" / "ifttt"
KEY = "CANARY-ifttt-k3y-5d81e0"
CONGRATS = "Congratulations! You've fired the game_routine event"
TRIGGER = f"/trigger/game_routine/with/key/{KEY}"
PC_FEED, ALL_FEED = "/ign/pc-articles", "/ign/all"


def _load() -> tuple[ModuleType, ModuleType, ModuleType]:
    """plugin.py under a name of its own (other samples have a plugin.py too)."""
    sys.path.insert(0, str(FOLDER))
    try:
        import ifttt_api
        import news

        spec = importlib.util.spec_from_file_location("ifttt_plugin", FOLDER / "plugin.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look the module up while it loads
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(FOLDER))
    return module, ifttt_api, news


ifttt_plugin, ifttt_api, news = _load()
plugin = ifttt_plugin.plugin


def rss(*titles: str) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>https://www.ign.com/{i}</link></item>"
                    for i, t in enumerate(titles))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>IGN</title>{items}</channel></rss>").encode()


FIVE = ("Elden Ring DLC dated", "New GeForce driver out", "Half-Life 3 (no, really)",
        "Fourth story", "Fifth story")


@pytest.fixture
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """0.5 s read timeouts (really 10 s for IFTTT, 5 s per feed) for the tests that wait one
    out. Only for those: on a loaded CI machine an ordinary answer from the fake can take
    longer than 0.5 s, and every other test would then fail with a timeout."""
    monkeypatch.setattr(ifttt_api, "TIMEOUT", (2.0, 0.5))
    monkeypatch.setattr(news, "FEED_TIMEOUT", (2.0, 0.5))


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    return path


@pytest.fixture
def configure(config_file: Path, httpserver: HTTPServer,
              rewrite_config: Callable[..., None]) -> Callable[..., dict[str, Any]]:
    def write(**values: Any) -> dict[str, Any]:
        config = {"webhook_key": KEY, "ifttt_url": httpserver.url_for(""),
                  "news_feeds": [httpserver.url_for(PC_FEED), httpserver.url_for(ALL_FEED)],
                  **values}
        config = {k: v for k, v in config.items() if v is not None}
        rewrite_config(config_file, config)  # so the plug-in sees even a same-size change
        return config

    return write


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GASSIST_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("GASSIST_LOG_LEVEL", "DEBUG")
    path = Path(plugin.enable_logging())
    yield path
    for name in ("gassist.ifttt", "gassist_sdk"):
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "_gassist", False)]:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def slow_server() -> Iterator[HTTPServer]:
    """A server of its own for handlers that sleep, so they hold up no other request."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def client(configure: Callable[..., dict[str, Any]]) -> Iterator[PluginClient]:
    configure()
    with PluginClient(plugin, timeout=30) as running:
        yield running


def expect_trigger(httpserver: HTTPServer, body: dict[str, str], *, path: str = TRIGGER,
                   status: int = 200, reply: bytes | str = CONGRATS,
                   headers: dict[str, str] | None = None) -> None:
    # One-shot: answered once each, in the order they were added; a request none of them
    # expects gets a 500 and fails check_assertions().
    httpserver.expect_oneshot_request(
        path, method="POST", query_string="", json=body,
        headers={"Content-Type": "application/json"},
    ).respond_with_data(reply, status=status, headers=headers,
                        content_type="text/html; charset=utf-8")


def requests_made(httpserver: HTTPServer) -> list[tuple[str, str]]:
    return [(request.method, request.path) for request, _ in httpserver.log]


def no_key_anywhere(*texts: str) -> None:
    for text in texts:
        assert KEY not in text


# -- trigger_ifttt_event ----------------------------------------------------------------


def test_trigger_sends_the_given_values_and_reports_iftts_reply(
        httpserver: HTTPServer, client: PluginClient) -> None:
    expect_trigger(httpserver, {"value1": "red", "value3": "fast"},
                   path=f"/trigger/lights_on/with/key/{KEY}",
                   reply="Congratulations! You've fired the lights_on event")
    result = client.call("trigger_ifttt_event", event_name="lights_on", value1="red",
                         value3="fast")
    assert result.success, result.text
    assert result.text == ("Fired IFTTT event lights_on with value1, value3. IFTTT replied: "
                           "Congratulations! You've fired the lights_on event")
    httpserver.check_assertions()
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("gassist-sdk/")
    assert request.get_data() == b'{"value1": "red", "value3": "fast"}'
    assert len(httpserver.log) == 1
    no_key_anywhere(result.full_text, json.dumps(result.messages))


def test_trigger_without_values_posts_an_empty_object(httpserver: HTTPServer,
                                                      client: PluginClient) -> None:
    expect_trigger(httpserver, {})
    result = client.call("trigger_ifttt_event", event_name=" game_routine ")
    assert result.text == f"Fired IFTTT event game_routine. IFTTT replied: {CONGRATS}"
    httpserver.check_assertions()


@pytest.mark.parametrize("name", ["game routine", "../../use", "lights?on=1", "a/b", "x#y",
                                  "caf\u00e9", "", "e" * 101])
def test_an_event_name_ifttt_cannot_take_is_refused_unsent(
        httpserver: HTTPServer, client: PluginClient, name: str) -> None:
    result = client.call("trigger_ifttt_event", event_name=name)
    assert not result.success
    assert result.text.endswith(
        "is not an IFTTT event name: use only letters, digits, _ and - (for example "
        "game_routine), exactly as in your applet's \"Receive a web request\" trigger.")
    assert httpserver.log == []


def test_the_whole_settings_url_pasted_as_key_still_works_and_stays_hidden(
        httpserver: HTTPServer, configure: Callable[..., Any]) -> None:
    configure(webhook_key=f"https://maker.ifttt.com/use/{KEY}")
    expect_trigger(httpserver, {})
    with PluginClient(plugin) as running:
        result = running.call("trigger_ifttt_event", event_name="game_routine")
    assert result.success and result.text.endswith(CONGRATS)
    httpserver.check_assertions()
    no_key_anywhere(result.full_text)


def test_a_key_that_cannot_be_one_is_refused_before_any_request(
        httpserver: HTTPServer, configure: Callable[..., Any]) -> None:
    configure(webhook_key="my key is secret!")
    with PluginClient(plugin) as running:
        result = running.call("trigger_ifttt_event", event_name="game_routine")
        setup = running.call("trigger_gaming_setup")
    for failed in (result, setup):
        assert not failed.success
        assert failed.text == (
            "The webhook_key in config.json does not look like an IFTTT key: copy it from "
            "https://ifttt.com/maker_webhooks/settings (the letters and digits after /use/ in "
            "the URL shown there).")
        assert "secret!" not in failed.text
    assert httpserver.log == []


def test_bad_key_401_is_explained_with_iftts_words(httpserver: HTTPServer,
                                                   client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_json(
        {"errors": [{"message": "You sent an invalid key."}]}, status=401)
    result = client.call("trigger_ifttt_event", event_name="game_routine")
    assert not result.success
    assert result.text == (
        "IFTTT refused the webhook_key in config.json (HTTP 401). IFTTT says: You sent an "
        "invalid key. Copy the key again from https://ifttt.com/maker_webhooks/settings: it is "
        "the part after /use/ in the URL shown there.")
    assert len(httpserver.log) == 1  # a refused key is not asked again
    no_key_anywhere(result.full_text, json.dumps(result.messages))


def test_unknown_event_404_is_explained(httpserver: HTTPServer, client: PluginClient) -> None:
    httpserver.expect_request(f"/trigger/no_such_thing/with/key/{KEY}", method="POST") \
        .respond_with_data("Not Found", status=404)
    result = client.call("trigger_ifttt_event", event_name="no_such_thing")
    assert result.text == (
        "IFTTT does not know the event no_such_thing (HTTP 404). Check that an applet's "
        "\"Receive a web request\" trigger uses exactly this event name, and that ifttt_url in "
        "config.json is https://maker.ifttt.com.")
    assert len(httpserver.log) == 1


def test_another_refusal_names_the_status_and_iftts_message(httpserver: HTTPServer,
                                                            client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_json(
        {"errors": [{"message": "Value too long"}]}, status=400)
    result = client.call("trigger_ifttt_event", event_name="game_routine", value1="x")
    assert result.text == "IFTTT refused game_routine (HTTP 400). IFTTT says: Value too long"


def test_429_is_retried_once_after_retry_after(httpserver: HTTPServer,
                                               client: PluginClient) -> None:
    expect_trigger(httpserver, {"value1": "go"}, status=429, reply="slow down",
                   headers={"Retry-After": "1"})
    expect_trigger(httpserver, {"value1": "go"})
    started = time.monotonic()
    result = client.call("trigger_ifttt_event", event_name="game_routine", value1="go")
    assert result.success and result.text.endswith(CONGRATS)
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert requests_made(httpserver) == [("POST", TRIGGER)] * 2
    httpserver.check_assertions()


def test_429_twice_says_when_to_try_again(httpserver: HTTPServer, client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    result = client.call("trigger_ifttt_event", event_name="game_routine")
    assert result.text == ("IFTTT is limiting requests (HTTP 429), so game_routine did not "
                           "fire; try again in 1 s.")
    assert requests_made(httpserver) == [("POST", TRIGGER)] * 2  # one retry, no more


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_not_sent_again_and_says_it_may_have_fired(
        httpserver: HTTPServer, client: PluginClient, status: int) -> None:
    # IFTTT may have run the applet before failing: a second POST could run it twice.
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data("oops", status=status)
    result = client.call("trigger_ifttt_event", event_name="game_routine")
    assert result.text == (
        f"IFTTT failed with HTTP {status} and game_routine may or may not have fired. It was "
        "not sent again, so the applet never runs twice: check it before you retry.")
    assert requests_made(httpserver) == [("POST", TRIGGER)]


def test_no_answer_in_time_is_a_timeout_not_a_second_post(
        slow_server: HTTPServer, configure: Callable[..., Any], short_timeouts: None) -> None:
    seen: list[str] = []
    release = threading.Event()

    def slow(request: Request) -> Response:
        seen.append(f"{request.method} {request.path}")
        release.wait(30)  # answers only after the plug-in gave up
        return Response(CONGRATS)

    slow_server.expect_request(TRIGGER, method="POST").respond_with_handler(slow)
    configure(ifttt_url=slow_server.url_for(""))
    try:
        with PluginClient(plugin) as running:
            result = running.call("trigger_ifttt_event", event_name="game_routine")
    finally:
        release.set()
    assert result.text == ("IFTTT did not answer within 0.5 s, so game_routine may or may not "
                           "have fired. Check the applet before you retry.")
    # A second POST would have been made (and seen: the server is threaded) before the call
    # could answer.
    assert seen == [f"POST {TRIGGER}"]


def test_connection_refused_names_the_host_and_the_setting(
        configure: Callable[..., Any], closed_port: int, log_file: Path,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG, logger="urllib3")
    configure(ifttt_url=f"http://127.0.0.1:{closed_port}")
    with PluginClient(plugin) as running:
        result = running.call("trigger_ifttt_event", event_name="game_routine")
    assert result.text == ("Could not reach IFTTT at 127.0.0.1 (connection refused). Check your "
                           "internet connection and the `ifttt_url` setting.")
    # urllib3's warning before its one reconnect names the request path, key included.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/with/key/***" in logged
    captured = capfd.readouterr()
    no_key_anywhere(result.full_text, logged, log_file.read_text(encoding="utf-8"),
                    captured.out, captured.err)


def test_an_ifttt_url_that_is_no_url_is_named(configure: Callable[..., Any]) -> None:
    configure(ifttt_url="maker.ifttt.com")
    with PluginClient(plugin) as running:
        result = running.call("trigger_ifttt_event", event_name="game_routine")
    assert result.text == "The `ifttt_url` setting for IFTTT is not a valid http(s) URL."
    no_key_anywhere(result.full_text)


@pytest.mark.parametrize("body", [b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe",
                                  b"<!DOCTYPE html><html><body>Sign in to Wi-Fi</body></html>"])
def test_a_reply_that_is_not_iftts_confirmation_is_not_called_a_success(
        httpserver: HTTPServer, client: PluginClient, body: bytes) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data(body)
    result = client.call("trigger_ifttt_event", event_name="game_routine")
    assert not result.success
    assert result.text == (
        "IFTTT answered HTTP 200 but not with its usual confirmation, so I cannot tell whether "
        "game_routine fired: check ifttt_url in config.json (it should be "
        "https://maker.ifttt.com).")


def test_a_reply_that_cannot_be_decoded_is_explained(httpserver: HTTPServer,
                                                     client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data(
        b"this is not gzip", headers={"Content-Encoding": "gzip"})
    result = client.call("trigger_ifttt_event", event_name="game_routine")
    assert result.text == ("IFTTT sent a reply I cannot read, so I cannot tell whether "
                           "game_routine fired: check ifttt_url in config.json.")


def test_a_gzipped_reply_is_read(httpserver: HTTPServer, client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data(
        gzip.compress(CONGRATS.encode()), headers={"Content-Encoding": "gzip"})
    assert client.call("trigger_ifttt_event", event_name="game_routine").text.endswith(CONGRATS)


def test_an_empty_reply_still_reads_as_accepted(httpserver: HTTPServer,
                                                client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data("", status=204)
    assert client.call("trigger_ifttt_event", event_name="game_routine").text == (
        "Fired IFTTT event game_routine. IFTTT replied: OK (HTTP 204, no text)")


def test_a_long_reply_is_shortened_to_one_line(httpserver: HTTPServer,
                                               client: PluginClient) -> None:
    httpserver.expect_request(TRIGGER, method="POST").respond_with_data(
        "Congratulations!\n\n" + "x" * 500)
    text = client.call("trigger_ifttt_event", event_name="game_routine").text
    assert text == ("Fired IFTTT event game_routine. IFTTT replied: Congratulations! "
                    + "x" * 283 + "…")


# -- the key in logs and stderr -----------------------------------------------------------


def test_the_key_reaches_no_log_even_with_urllib3_at_debug(
        httpserver: HTTPServer, client: PluginClient, log_file: Path,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    # Worst case: a developer turned urllib3's request lines on (they hold the path).
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    httpserver.expect_oneshot_request(TRIGGER, method="POST").respond_with_data(CONGRATS)
    httpserver.expect_oneshot_request(TRIGGER, method="POST").respond_with_json(
        {"errors": [{"message": "You sent an invalid key."}]}, status=401)
    httpserver.expect_oneshot_request(TRIGGER, method="POST").respond_with_data("x", status=503)
    results = [client.call("trigger_ifttt_event", event_name="game_routine", value1="a")
               for _ in range(3)]
    assert [r.success for r in results] == [True, False, False]
    # werkzeug's lines are the fake server's own access log, not the plug-in's.
    logged = "\n".join(f"{r.name}: {r.getMessage()}" for r in caplog.records
                       if not r.name.startswith("werkzeug"))
    assert ('urllib3.connectionpool: http://localhost:'
            in logged)  # the request lines were logged (so this test can fail) ...
    assert '"POST /trigger/game_routine/with/key/*** HTTP/1.1" 200' in logged  # ... redacted
    log = log_file.read_text(encoding="utf-8")
    assert "DEBUG gassist_sdk.http: IFTTT POST localhost -> 401" in log
    assert "INFO gassist.ifttt.api: fired game_routine with ['value1'] (HTTP 200)" in log
    captured = capfd.readouterr()
    no_key_anywhere(logged, log, captured.out, captured.err,
                    *(r.full_text for r in results), *(json.dumps(r.messages) for r in results))


def test_the_key_filter_hides_any_key_in_a_request_line() -> None:
    record = logging.LogRecord("urllib3.connectionpool", logging.DEBUG, __file__, 1,
                               '%s://%s:%s "%s %s %s" %s %s', ("https", "maker.ifttt.com", 443,
                               "POST", "/trigger/x/with/key/abc-DEF_123?x=1", "HTTP/1.1", 200,
                               51), None)
    assert ifttt_api.KeyRedactingFilter().filter(record)
    assert record.getMessage() == ('https://maker.ifttt.com:443 "POST '
                                   '/trigger/x/with/key/***?x=1 HTTP/1.1" 200 51')


# -- trigger_gaming_setup -----------------------------------------------------------------


def serve_feed(httpserver: HTTPServer, path: str, body: bytes, status: int = 200,
               content_type: str = "application/rss+xml; charset=utf-8") -> None:
    httpserver.expect_request(path, method="GET", query_string="").respond_with_data(
        body, status=status, content_type=content_type)


def headlines(*titles: str) -> dict[str, str]:
    return {f"value{n}": t for n, t in enumerate(titles, start=1)}


def test_gaming_setup_sends_the_first_feeds_top_three(httpserver: HTTPServer,
                                                      client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, rss(*FIVE))
    expect_trigger(httpserver, headlines(*FIVE[:3]))
    result = client.call("trigger_gaming_setup")
    assert result.success, result.text
    assert result.text == (
        f"Fired IFTTT event game_routine with 3 headlines from {httpserver.url_for(PC_FEED)}:\n"
        "1. Elden Ring DLC dated\n2. New GeForce driver out\n3. Half-Life 3 (no, really)\n"
        f"IFTTT replied: {CONGRATS}")
    assert requests_made(httpserver) == [("GET", PC_FEED), ("POST", TRIGGER)]
    feed_request, _ = httpserver.log[0]
    assert feed_request.headers["Accept"].startswith("application/rss+xml, application/atom+xml")
    httpserver.check_assertions()


def test_first_feed_failing_uses_the_second(httpserver: HTTPServer,
                                            client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, b"down", status=503)
    serve_feed(httpserver, ALL_FEED, rss("All one", "All two", "All three", "All four"))
    expect_trigger(httpserver, headlines("All one", "All two", "All three"))
    result = client.call("trigger_gaming_setup")
    assert result.text == (
        f"Fired IFTTT event game_routine with 3 headlines from {httpserver.url_for(ALL_FEED)}:\n"
        "1. All one\n2. All two\n3. All three\n"
        f"(Skipped: {httpserver.url_for(PC_FEED)}: HTTP 503.)\n"
        f"IFTTT replied: {CONGRATS}")
    # A feed is not retried: the next feed is the better second try.
    assert requests_made(httpserver) == [("GET", PC_FEED), ("GET", ALL_FEED), ("POST", TRIGGER)]


def test_first_feed_unreachable_or_slow_uses_the_second(
        httpserver: HTTPServer, slow_server: HTTPServer, configure: Callable[..., Any],
        closed_port: int, short_timeouts: None) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(30)  # answers only after the plug-in gave up on it
        return Response(rss(*FIVE), content_type="application/rss+xml")

    down = f"http://127.0.0.1:{closed_port}/feed"
    slow_server.expect_request("/slow").respond_with_handler(slow)
    serve_feed(httpserver, ALL_FEED, rss("Fallback"))
    expect_trigger(httpserver, headlines("Fallback"))
    configure(news_feeds=[down, slow_server.url_for("/slow"), httpserver.url_for(ALL_FEED)])
    try:
        with PluginClient(plugin) as running:
            result = running.call("trigger_gaming_setup")
    finally:
        release.set()
    assert result.text.splitlines()[:3] == [
        f"Fired IFTTT event game_routine with 1 headline from {httpserver.url_for(ALL_FEED)}:",
        "1. Fallback",
        f"(Skipped: {down}: could not connect; {slow_server.url_for('/slow')}: no answer within "
        "0.5 s.)"]


def test_a_slow_feed_gets_only_the_time_left_for_feeds(
        httpserver: HTTPServer, slow_server: HTTPServer, configure: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # With all feeds' time nearly spent, a slow feed must not get its full read timeout on
    # top: feeds plus IFTTT would outlast the engine's 30 s.
    monkeypatch.setattr(news, "FEEDS_BUDGET", 1.0)
    monkeypatch.setattr(news, "FEED_TIMEOUT", (2.0, 5.0))
    release = threading.Event()

    def stalled(request: Request) -> Response:
        release.wait(30)  # answers only after the plug-in gave up on it
        return Response(rss(*FIVE), content_type="application/rss+xml")

    slow_server.expect_request("/stalled").respond_with_handler(stalled)
    serve_feed(httpserver, ALL_FEED, rss("Never read"))
    expect_trigger(httpserver, {"value1": "No gaming headlines right now (no news feed "
                                          "answered)."})
    configure(news_feeds=[slow_server.url_for("/stalled"), httpserver.url_for(ALL_FEED)])
    try:
        with PluginClient(plugin) as running:
            result = running.call("trigger_gaming_setup")
    finally:
        release.set()
    assert result.success, result.text
    assert result.text.splitlines()[0] == (
        "Fired IFTTT event game_routine without headlines: no news feed gave any "
        f"({slow_server.url_for('/stalled')}: no answer before the 1 s for all feeds ran out; "
        f"{httpserver.url_for(ALL_FEED)}: skipped, out of time). value1 says \"No gaming "
        "headlines right now (no news feed answered).\"")
    assert requests_made(httpserver) == [("POST", TRIGGER)]


def test_a_broken_feed_with_entries_is_used(httpserver: HTTPServer,
                                            client: PluginClient, log_file: Path) -> None:
    broken = (b'<?xml version="1.0"?><rss version="2.0"><channel>'
              b"<item><title>Patch notes & more</title></item>"
              b"<item><title>Second</title></item><item><title>Third</title></item>"
              b"<item><title>Cut off")
    serve_feed(httpserver, PC_FEED, broken)
    expect_trigger(httpserver, headlines("Patch notes & more", "Second", "Third"))
    result = client.call("trigger_gaming_setup")
    assert result.success, result.text
    assert "1. Patch notes & more\n2. Second\n3. Third\n" in result.text
    assert requests_made(httpserver) == [("GET", PC_FEED), ("POST", TRIGGER)]
    assert (f"{httpserver.url_for(PC_FEED)} is not a well-formed feed (SAXParseException); "
            "3 usable entries") in log_file.read_text(encoding="utf-8")


def test_a_page_that_is_not_a_feed_is_skipped(httpserver: HTTPServer,
                                              client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, b"<html><body><h1>Maintenance</h1></body></html>",
               content_type="text/html")
    serve_feed(httpserver, ALL_FEED, rss("Real news"))
    expect_trigger(httpserver, headlines("Real news"))
    result = client.call("trigger_gaming_setup")
    assert f"(Skipped: {httpserver.url_for(PC_FEED)}: not a feed.)" in result.text
    assert "1. Real news\n" in result.text


def test_a_feed_with_fewer_than_three_entries_sends_what_it_has(
        httpserver: HTTPServer, client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, rss("Only one", "  Only\n  two  ", ""))
    expect_trigger(httpserver, headlines("Only one", "Only two"))  # no value3 at all
    result = client.call("trigger_gaming_setup")
    assert result.text.startswith(
        f"Fired IFTTT event game_routine with 2 headlines from {httpserver.url_for(PC_FEED)}:\n"
        "1. Only one\n2. Only two\nIFTTT replied:")
    httpserver.check_assertions()


def test_an_empty_feed_is_skipped_for_the_next(httpserver: HTTPServer,
                                               client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, rss())
    serve_feed(httpserver, ALL_FEED, rss("From all"))
    expect_trigger(httpserver, headlines("From all"))
    result = client.call("trigger_gaming_setup")
    assert f"(Skipped: {httpserver.url_for(PC_FEED)}: no headlines in it.)" in result.text


def test_no_feed_answering_still_fires_with_a_note(httpserver: HTTPServer,
                                                   client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, b"gone", status=404)
    serve_feed(httpserver, ALL_FEED, b"down", status=500)
    expect_trigger(httpserver, {"value1": "No gaming headlines right now (no news feed "
                                          "answered)."})
    result = client.call("trigger_gaming_setup")
    assert result.success
    assert result.text == (
        "Fired IFTTT event game_routine without headlines: no news feed gave any "
        f"({httpserver.url_for(PC_FEED)}: HTTP 404; {httpserver.url_for(ALL_FEED)}: HTTP 500). "
        "value1 says \"No gaming headlines right now (no news feed answered).\"\n"
        f"IFTTT replied: {CONGRATS}")
    httpserver.check_assertions()


def test_feeds_that_are_not_web_addresses_are_never_opened(
        httpserver: HTTPServer, configure: Callable[..., Any], tmp_path: Path) -> None:
    local = tmp_path / "feed.xml"
    local.write_bytes(rss("Read from disk"))
    configure(news_feeds=[str(local), f"file://{local}"], event_name="morning-news",
              headline_count=1)
    expect_trigger(httpserver, {"value1": "No gaming headlines right now (no news feed "
                                          "answered)."},
                   path=f"/trigger/morning-news/with/key/{KEY}")
    with PluginClient(plugin) as running:
        result = running.call("trigger_gaming_setup")
    assert result.text.startswith(
        f"Fired IFTTT event morning-news without headlines: no news feed gave any ({local}: "
        f"not an http(s) address; file://{local}: not an http(s) address).")
    assert "Read from disk" not in result.text


def test_a_feed_address_that_cannot_be_parsed_is_skipped_for_the_next(
        httpserver: HTTPServer, configure: Callable[..., Any]) -> None:
    # urlsplit raises on an unclosed IPv6 bracket; a typo in news_feeds is not a crash.
    configure(news_feeds=["http://[::1/feed?token=abc", httpserver.url_for(ALL_FEED)])
    serve_feed(httpserver, ALL_FEED, rss("Still here"))
    expect_trigger(httpserver, headlines("Still here"))
    with PluginClient(plugin) as running:
        result = running.call("trigger_gaming_setup")
    assert result.success, result.text
    assert result.text.splitlines()[:3] == [
        f"Fired IFTTT event game_routine with 1 headline from {httpserver.url_for(ALL_FEED)}:",
        "1. Still here",
        "(Skipped: http://[::1/feed: not an http(s) address.)"]
    httpserver.check_assertions()


def test_headline_count_and_event_name_come_from_config(
        httpserver: HTTPServer, configure: Callable[..., Any]) -> None:
    configure(headline_count=1, event_name="stream_start", news_feeds=[])
    expect_trigger(httpserver, {"value1": "No gaming headlines right now (no news feed "
                                          "answered)."},
                   path=f"/trigger/stream_start/with/key/{KEY}")
    with PluginClient(plugin) as running:
        empty = running.call("trigger_gaming_setup")
        configure(headline_count=1, event_name="stream_start")
        serve_feed(httpserver, PC_FEED, rss(*FIVE))
        expect_trigger(httpserver, headlines(FIVE[0]), path=f"/trigger/stream_start/with/key/{KEY}")
        one = running.call("trigger_gaming_setup")
    assert "no news feed gave any (news_feeds in config.json is empty)" in empty.text
    assert one.text.startswith("Fired IFTTT event stream_start with 1 headline from ")
    httpserver.check_assertions()


def test_a_configured_event_name_ifttt_cannot_take_is_refused(
        httpserver: HTTPServer, configure: Callable[..., Any]) -> None:
    configure(event_name="game routine")
    with PluginClient(plugin) as running:
        result = running.call("trigger_gaming_setup")
    assert result.text.startswith("'game routine' is not an IFTTT event name")
    assert httpserver.log == []


def test_gaming_setup_with_a_bad_key_explains_it(httpserver: HTTPServer,
                                                 client: PluginClient) -> None:
    serve_feed(httpserver, PC_FEED, rss(*FIVE))
    httpserver.expect_request(TRIGGER, method="POST").respond_with_json(
        {"errors": [{"message": "You sent an invalid key."}]}, status=401)
    result = client.call("trigger_gaming_setup")
    assert not result.success
    assert result.text.startswith("IFTTT refused the webhook_key in config.json (HTTP 401).")
    no_key_anywhere(result.full_text)


# -- setup, manifest ---------------------------------------------------------------------


def test_setup_asks_for_the_key_then_replays_the_call(
        httpserver: HTTPServer, configure: Callable[..., Any], config_file: Path) -> None:
    configure(webhook_key=None)
    serve_feed(httpserver, PC_FEED, rss(*FIVE))
    expect_trigger(httpserver, headlines(*FIVE[:3]))
    with PluginClient(plugin) as running:
        asked = running.call("trigger_gaming_setup")
        assert not asked.success and asked.keep_session
        assert asked.text.startswith("**ifttt needs to be set up first.**\n\nConnect IFTTT's "
                                     "Webhooks service (https://ifttt.com/maker_webhooks)")
        assert ("- `webhook_key` (secret): Your IFTTT Webhooks key (the part after /use/ on "
                "the settings page) — https://ifttt.com/maker_webhooks/settings") in asked.text
        assert httpserver.log == []
        done = running.input(KEY)
    assert done.success and not done.keep_session
    assert done.full_text.startswith("Saved `webhook_key` to config.json.\n\nFired IFTTT event "
                                     "game_routine with 3 headlines from ")
    assert json.loads(config_file.read_text(encoding="utf-8"))["webhook_key"] == KEY
    assert requests_made(httpserver) == [("GET", PC_FEED), ("POST", TRIGGER)]
    no_key_anywhere(json.dumps(asked.messages), json.dumps(done.messages))


def test_manifest_speaks_the_users_words() -> None:
    functions = {f["name"]: f for f in plugin.manifest()["functions"]}
    assert set(functions) == {"trigger_ifttt_event", "trigger_gaming_setup"}
    assert functions["trigger_ifttt_event"]["required"] == ["event_name"]
    assert set(functions["trigger_ifttt_event"]["properties"]) == {
        "event_name", "value1", "value2", "value3"}
    assert functions["trigger_gaming_setup"]["properties"] == {}
    assert "gaming" in functions["trigger_gaming_setup"]["tags"]
    # The engine's small model picks a function by its description: it gets users' words.
    assert '"start my gaming setup"' in functions["trigger_gaming_setup"]["description"]
    assert '"gaming mode on"' in functions["trigger_gaming_setup"]["description"]
    assert '"trigger lights_on on IFTTT"' in functions["trigger_ifttt_event"]["description"]
    on_disk = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == plugin.manifest()


def test_plugin_module_imports_neither_requests_nor_feedparser() -> None:
    import subprocess

    code = ("import sys; sys.path[:0] = ['.']; import plugin; "
            "print(sorted(m for m in ('requests', 'feedparser', 'urllib3', 'news', 'logging') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=FOLDER, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_protocol_v1_fires_the_same_way(httpserver: HTTPServer,
                                        configure: Callable[..., Any]) -> None:
    configure()
    expect_trigger(httpserver, {"value2": "two"})
    with PluginClient(plugin, protocol="v1") as running:
        result = running.call("trigger_ifttt_event", event_name="game_routine", value2="two")
    assert result.success
    assert result.text == f"Fired IFTTT event game_routine with value2. IFTTT replied: {CONGRATS}"
    httpserver.check_assertions()


def test_a_headline_count_over_three_is_refused_in_setup(
        httpserver: HTTPServer, configure: Callable[..., Any], config_file: Path) -> None:
    configure(headline_count=4)
    with PluginClient(plugin) as running:
        asked = running.call("trigger_gaming_setup")
    assert asked.keep_session and not asked.success
    assert f"- {config_file}: headline_count must be an integer 1–3, got 4" in asked.text
    assert httpserver.log == []


def _troubleshooting_rows() -> tuple[list[re.Pattern[str]], str]:
    """The README's reply column as patterns (placeholders match anything), and the section."""
    section = (FOLDER / "README.md").read_text(encoding="utf-8").split("## Troubleshooting", 1)[1]
    patterns = []
    for row in section.splitlines():
        if not row.startswith("| ") or row.startswith(("| the reply", "|---", "| after")):
            continue
        cell = row[2:].split(" | ", 1)[0].replace("**", "").replace("\\`", "\0")
        cell = cell.replace("`", "").replace("\0", "`")
        parts = re.split(r"<event>|<name>|<n>|<feed>|…", cell)
        patterns.append(re.compile(".+?".join(re.escape(part) for part in parts) + "$"))
    return patterns, section


def test_readme_troubleshooting_quotes_every_reply() -> None:
    patterns, section = _troubleshooting_rows()
    replies = [  # as the tests above get them, with the default settings
        "ifttt needs to be set up first.",
        "The webhook_key in config.json does not look like an IFTTT key: copy it from "
        "https://ifttt.com/maker_webhooks/settings (the letters and digits after /use/ in the "
        "URL shown there).",
        "IFTTT refused the webhook_key in config.json (HTTP 401). IFTTT says: You sent an "
        "invalid key. Copy the key again from https://ifttt.com/maker_webhooks/settings: it is "
        "the part after /use/ in the URL shown there.",
        "IFTTT does not know the event no_such_thing (HTTP 404). Check that an applet's "
        "\"Receive a web request\" trigger uses exactly this event name, and that ifttt_url in "
        "config.json is https://maker.ifttt.com.",
        "'game routine' is not an IFTTT event name: use only letters, digits, _ and - (for "
        "example game_routine), exactly as in your applet's \"Receive a web request\" trigger.",
        "IFTTT refused game_routine (HTTP 400). IFTTT says: Value too long",
        "IFTTT is limiting requests (HTTP 429), so game_routine did not fire; try again in 1 s.",
        "IFTTT failed with HTTP 503 and game_routine may or may not have fired. It was not sent "
        "again, so the applet never runs twice: check it before you retry.",
        "IFTTT did not answer within 10 s, so game_routine may or may not have fired. Check the "
        "applet before you retry.",
        "Could not reach IFTTT at maker.ifttt.com (connection refused). Check your internet "
        "connection and the `ifttt_url` setting.",
        "IFTTT closed the connection before answering; try again in a moment.",
        "The `ifttt_url` setting for IFTTT is not a valid http(s) URL.",
        "IFTTT answered HTTP 200 but not with its usual confirmation, so I cannot tell whether "
        "game_routine fired: check ifttt_url in config.json (it should be "
        "https://maker.ifttt.com).",
        "IFTTT sent a reply I cannot read, so I cannot tell whether game_routine fired: check "
        "ifttt_url in config.json.",
        "Fired IFTTT event game_routine without headlines: no news feed gave any "
        "(https://feeds.feedburner.com/ign/all: HTTP 404). value1 says \"No gaming headlines "
        "right now (no news feed answered).\"",
        "(Skipped: https://feeds.feedburner.com/ign/pc-articles: HTTP 503.)",
    ]
    for reply in replies:
        assert any(p.match(reply) for p in patterns), f"README does not explain: {reply}"
    for problem in ("HTTP <n>", "could not connect", "no answer within 5 s",
                    "no answer before the 10 s for all feeds ran out", "not a feed",
                    "no headlines in it", "not an http(s) address", "skipped, out of time",
                    "unreadable answer"):
        assert f"| `{problem}` |" in section, problem
