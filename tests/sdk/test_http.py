# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist_sdk.http against a real HTTP server on loopback: requests, retries, sentences."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time

import pytest
from gassist_sdk import CommandError, Plugin, http
from gassist_sdk.http import ServiceClient, ServiceError, caused_by, deadline, time_left
from gassist_sdk.testing import PluginClient
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SECRET = "k3y-0123456789abcdef"


def client_for(server: HTTPServer, **options: object) -> ServiceClient:
    defaults: dict[str, object] = {"setting": "api_url", "backoff": 0.0}
    defaults.update(options)
    return ServiceClient("Demo", server.url_for("/v1"), **defaults)  # type: ignore[arg-type]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_get_joins_the_path_and_sends_params_and_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/v1/streams", method="GET", query_string="user_login=a&user_login=b",
        headers={"Client-ID": "cid", "Authorization": "Bearer t"},
    ).respond_with_json({"data": [1, 2]})
    api = client_for(httpserver, headers={"Client-ID": "cid"})
    doc = api.get_json("/streams", params=[("user_login", "a"), ("user_login", "b")],
                       headers={"Authorization": "Bearer t"})
    assert doc == {"data": [1, 2]}
    httpserver.check_assertions()
    assert httpserver.log[0][0].headers["User-Agent"].startswith("gassist-sdk/")


def test_an_absolute_url_is_used_as_it_is(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/hook", method="POST", json={"content": "hi"},
                                      query_string="wait=true").respond_with_json({"id": "1"})
    api = ServiceClient("Discord", "https://discord.invalid/api")
    assert api.post_json(httpserver.url_for("/hook"), params={"wait": "true"},
                         json={"content": "hi"}) == {"id": "1"}
    httpserver.check_assertions()


def test_401_names_the_settings_to_check_and_the_service_reason(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/x").respond_with_json(
        {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"}, status=401)
    api = client_for(httpserver, auth_hint="Check client_id and client_secret in config.json.")
    with pytest.raises(ServiceError) as caught:
        api.get_json("/x")
    assert str(caught.value) == ("Demo refused the credentials (HTTP 401: Invalid OAuth token). "
                                 "Check client_id and client_secret in config.json.")
    assert caught.value.kind == "auth" and caught.value.status == 401
    assert len(httpserver.log) == 1  # not retried


def test_403_404_and_other_4xx_have_their_own_sentences(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/forbidden").respond_with_data("no", status=403)
    httpserver.expect_request("/v1/missing").respond_with_json(
        {"error": {"message": "no such thing"}}, status=404)
    httpserver.expect_request("/v1/bad").respond_with_data("?", status=400)
    api = client_for(httpserver)
    sentences = {}
    for path in ("forbidden", "missing", "bad"):
        with pytest.raises(ServiceError) as caught:
            api.request("GET", path)
        sentences[caught.value.kind] = str(caught.value)
    assert sentences == {"auth": "Demo refused access (HTTP 403).",
                         "not_found": "Demo found nothing there (HTTP 404: no such thing).",
                         "http": "Demo rejected the request (HTTP 400)."}


@pytest.mark.parametrize("body, detail", [
    ({"errors": [{"message": "You sent an invalid key."}]}, "You sent an invalid key."),  # IFTTT
    ({"errors": ["Value  too\nlong"]}, "Value too long"),
    ({"message": "Cannot send messages in a voice channel", "code": 50008},  # Discord
     "Cannot send messages in a voice channel"),
    ({"error": {"code": 400, "message": "API key not valid"}}, "API key not valid"),  # Google
    ({"error": "invalid_client", "error_description": "Bad secret"}, "Bad secret"),  # OAuth
    ({"errors": [{"code": 7}]}, ""),
    ({"errors": []}, ""),
    ([{"message": "a list"}], ""),
])
def test_the_services_own_reason_is_read_from_common_error_bodies(
        httpserver: HTTPServer, body: object, detail: str) -> None:
    httpserver.expect_request("/v1/why").respond_with_json(body, status=400)
    with pytest.raises(ServiceError) as caught:
        client_for(httpserver).get_json("/why")
    assert caught.value.detail == detail
    said = f"HTTP 400: {detail}" if detail else "HTTP 400"
    assert str(caught.value) == f"Demo rejected the request ({said})."


def test_a_long_reason_is_cut_to_160_characters(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/long").respond_with_json(
        {"errors": [{"message": "x" * 500}]}, status=404)
    with pytest.raises(ServiceError) as caught:
        client_for(httpserver).get_json("/long")
    assert caught.value.detail == "x" * 159 + "…"
    assert caught.value.kind == "not_found"


def test_ok_statuses_are_returned_instead_of_raised(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/maybe").respond_with_json({"found": False}, status=404)
    response = client_for(httpserver).request("GET", "/maybe", ok=(404,))
    assert response.status_code == 404 and response.json() == {"found": False}


def sequence(server: HTTPServer, path: str, *answers: Response, method: str = "GET") -> None:
    for answer in answers:
        server.expect_ordered_request(path, method=method).respond_with_response(answer)


def test_429_is_retried_after_the_wait_the_service_asks(httpserver: HTTPServer) -> None:
    sequence(httpserver, "/v1/busy",
             Response("slow down", status=429, headers={"Retry-After": "1"}),
             Response(json.dumps({"ok": True}), content_type="application/json"))
    started = time.monotonic()
    assert client_for(httpserver).get_json("/busy") == {"ok": True}
    assert time.monotonic() - started >= 0.95
    httpserver.check_assertions()


def test_a_post_is_retried_on_429_but_never_on_5xx(httpserver: HTTPServer) -> None:
    sequence(httpserver, "/v1/send",
             Response("wait", status=429, headers={"Retry-After": "0"}),
             Response("{}", content_type="application/json"), method="POST")
    api = client_for(httpserver)
    assert api.post_json("/send", json={"a": 1}) == {}
    assert len(httpserver.log) == 2

    httpserver.clear()
    httpserver.expect_request("/v1/send", method="POST").respond_with_data("down", status=502)
    with pytest.raises(ServiceError) as caught:
        api.post_json("/send", json={"a": 1})
    assert len(httpserver.log) == 1  # sent once: a 502 may mean it was acted on
    assert caught.value.kind == "server"
    assert str(caught.value) == "Demo is having trouble right now (HTTP 502); try again later."


def test_a_get_is_retried_on_5xx_then_explained(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/flaky").respond_with_data("down", status=503)
    with pytest.raises(ServiceError) as caught:
        client_for(httpserver, retries=2).get_json("/flaky")
    assert len(httpserver.log) == 3 and caught.value.kind == "server"


def test_a_wait_past_the_budget_is_not_made_and_the_wait_is_reported(
        httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/busy").respond_with_data(
        "later", status=429, headers={"Retry-After": "60"})
    started = time.monotonic()
    with pytest.raises(ServiceError) as caught:
        client_for(httpserver, budget=5.0).get_json("/busy")
    assert time.monotonic() - started < 3
    assert len(httpserver.log) == 1
    assert caught.value.kind == "rate_limited" and caught.value.retry_after == 60
    assert str(caught.value) == "Demo is limiting requests right now; try again in 60 seconds."


def test_a_slow_answer_is_a_timeout_sentence(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/v1/slow").respond_with_handler(slow)
    with pytest.raises(ServiceError) as caught:
        client_for(httpserver, timeout=(2.0, 0.3)).get_json("/slow")
    assert caught.value.kind == "timeout"
    assert str(caught.value) == "Demo did not answer within 0.3 seconds; try again in a moment."
    assert len(httpserver.log) <= 1  # a read timeout is not retried


# -- a deadline for a whole command ----------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The deadline clock, moved on by the fake service instead of by waiting."""
    now = [1000.0]
    monkeypatch.setattr(http, "_now", lambda: now[0])
    return now


def taking(clock: list[float], seconds: float, status: int = 200,
           headers: dict[str, str] | None = None) -> object:
    def answer(request: Request) -> Response:
        clock[0] += seconds
        return Response("{}", status=status, headers=headers, content_type="application/json")

    return answer


def served(server: HTTPServer, path: str) -> int:
    """Requests for ``path`` (a slow handler of an earlier test may still log its own)."""
    return sum(request.path == path for request, _ in server.log)


def test_requests_inside_a_deadline_share_it_and_one_without_time_is_not_sent(
        httpserver: HTTPServer, clock: list[float]) -> None:
    httpserver.expect_request("/v1/fifteen").respond_with_handler(taking(clock, 15))
    api = client_for(httpserver)
    with api.deadline(25):
        assert time_left() == 25
        api.get_json("/fifteen")
        assert time_left() == 10
        api.get_json("/fifteen")
        with pytest.raises(ServiceError) as caught:
            api.get_json("/fifteen")
    assert served(httpserver, "/v1/fifteen") == 2
    assert caught.value.kind == "timeout" and caught.value.status is None
    assert str(caught.value) == ("There was no time left to ask Demo: this command may take 25 "
                                 "seconds in all; try again in a moment.")
    assert time_left() is None
    api.get_json("/fifteen")  # outside the block nothing is cut
    assert served(httpserver, "/v1/fifteen") == 3


def test_a_deadline_cuts_the_timeouts_to_the_time_left(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/v1/slower").respond_with_handler(slow)
    api = client_for(httpserver, timeout=(2.0, 10.0))
    started = time.monotonic()
    with deadline(0.4, min_left=0.1), pytest.raises(ServiceError) as caught:
        api.get_json("/slower")
    assert time.monotonic() - started < 0.9
    assert caught.value.kind == "timeout"
    assert str(caught.value) == "Demo did not answer within 0.4 seconds; try again in a moment."


def test_a_deadline_cuts_the_retry_budget(httpserver: HTTPServer, clock: list[float]) -> None:
    # 20 s of the 25 spent: a retry after the 10 s Retry-After would end past the deadline.
    httpserver.expect_request("/v1/busy-now").respond_with_handler(
        taking(clock, 20, status=503, headers={"Retry-After": "10"}))
    api = client_for(httpserver, timeout=(1.0, 1.0), budget=60.0)
    with deadline(25), pytest.raises(ServiceError) as caught:
        api.get_json("/busy-now")
    assert served(httpserver, "/v1/busy-now") == 1
    assert caught.value.kind == "server" and caught.value.retry_after == 10


def test_deadlines_nest_and_an_inner_one_never_extends_the_outer(
        httpserver: HTTPServer, clock: list[float]) -> None:
    httpserver.expect_request("/v1/x").respond_with_handler(taking(clock, 8))
    api = client_for(httpserver)
    other = ServiceClient("Other", httpserver.url_for("/v1"))
    with deadline(10, message="Out of time for this command."):
        with deadline(60):
            assert time_left() == 10
            api.get_json("/x")
        assert time_left() == 2
        with deadline(60, min_left=3), pytest.raises(ServiceError) as caught:
            other.get_json("/x")  # every client on the thread shares the deadline
        assert str(caught.value) == "Out of time for this command."  # the outer's sentence
        assert time_left() == 2
    assert time_left() is None


def test_a_deadline_is_per_thread(clock: list[float]) -> None:
    import threading

    seen: list[float | None] = []
    with deadline(5):
        worker = threading.Thread(target=lambda: seen.append(time_left()))
        worker.start()
        worker.join()
    assert seen == [None]


def test_caused_by_finds_the_real_failure_however_it_is_wrapped() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")

    class Wrapper(Exception):
        def __init__(self, message: str, reason: object = None) -> None:
            super().__init__(message)
            self.reason = reason

    try:
        try:
            raise refused
        except OSError as inner:
            raise Wrapper("new connection failed") from inner
    except Wrapper as chained:
        by_cause = chained
    by_reason = Wrapper("max retries", reason=Wrapper("pool", reason=refused))
    by_args = RuntimeError("failed", by_reason)
    assert caused_by(by_cause, ConnectionRefusedError)
    assert caused_by(by_reason, ConnectionRefusedError)
    assert caused_by(by_args, TimeoutError, ConnectionRefusedError)
    assert not caused_by(by_args, TimeoutError)
    assert not caused_by(Wrapper("a reason that is text", reason="refused"), ConnectionRefusedError)
    loop_a, loop_b = Wrapper("a"), Wrapper("b")
    loop_a.reason, loop_b.reason = loop_b, loop_a
    assert not caused_by(loop_a, ConnectionRefusedError)  # ends, once round the loop


def test_a_refused_connection_names_the_host_and_the_setting() -> None:
    port = closed_port()
    api = ServiceClient("Demo", f"http://127.0.0.1:{port}/v1", setting="api_url")
    with pytest.raises(ServiceError) as caught:
        api.get_json(f"/trigger/with/key/{SECRET}")
    assert str(caught.value) == ("Could not reach Demo at 127.0.0.1 (connection refused). "
                                 "Check your internet connection and the `api_url` setting.")
    assert caught.value.kind == "unreachable"


@pytest.mark.parametrize("base", ["not a url", "ftp://example.com"])
def test_a_bad_base_url_names_the_setting(base: str) -> None:
    with pytest.raises(ServiceError) as caught:
        ServiceClient("Demo", base, setting="api_url").get_json("/x")
    assert str(caught.value) == "The `api_url` setting for Demo is not a valid http(s) URL."


def test_an_unreadable_body_is_a_bad_reply(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/x").respond_with_data("<html>oops</html>")
    httpserver.expect_request("/v1/empty").respond_with_data("", status=204)
    api = client_for(httpserver)
    with pytest.raises(ServiceError) as caught:
        api.get_json("/x")
    assert str(caught.value) == "Demo sent a reply that could not be read."
    assert caught.value.kind == "bad_reply"
    assert api.get_json("/empty") is None


def test_a_key_in_the_url_reaches_neither_the_sentence_nor_the_log(
        httpserver: HTTPServer, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    httpserver.expect_request(f"/v1/trigger/with/key/{SECRET}").respond_with_data(
        "boom", status=500)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="gassist_sdk")
    # As in a fresh plug-in process: nobody has configured urllib3's logger (another test
    # in this worker may have set it to DEBUG, which the client then leaves alone).
    monkeypatch.setattr(logging.getLogger("urllib3"), "level", logging.NOTSET)
    # The SDK's logger may not propagate (an earlier in-process plug-in): listen on it.
    sdk_logger = logging.getLogger("gassist_sdk")
    sdk_logger.addHandler(caplog.handler)
    try:
        with pytest.raises(ServiceError) as caught:
            client_for(httpserver, retries=1).post_json(f"/trigger/with/key/{SECRET}",
                                                        params={"token": SECRET})
    finally:
        sdk_logger.removeHandler(caplog.handler)
    assert SECRET not in str(caught.value)
    ours = [r.getMessage() for r in caplog.records if r.name != "werkzeug"]  # the fake's own log
    assert not [line for line in ours if SECRET in line]
    assert any(line.startswith("Demo POST localhost -> 500") for line in ours)


def test_a_service_error_out_of_a_command_is_a_plain_failed_reply(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/x").respond_with_data("down", status=503)
    api = client_for(httpserver, retries=0)
    plugin = Plugin("demo", version="1.0.0", description="d")

    @plugin.command()
    def fetch() -> str:
        """Fetch."""
        return str(api.get_json("/x"))

    with PluginClient(plugin) as client:
        reply = client.call("fetch")
    assert not reply.success
    assert reply.text == "Demo is having trouble right now (HTTP 503); try again later."
    assert isinstance(ServiceError("x", kind="http"), CommandError)


def test_importing_the_module_does_not_import_requests() -> None:
    code = ("import sys, gassist_sdk.http\n"
            "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"
