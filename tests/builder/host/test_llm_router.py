# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The LLM router against a fake OpenAI-compatible server (pytest-httpserver on 127.0.0.1).

Each test checks what the author would see: the request the server got, and
the decision ``gassist-build route`` would print.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from gassist_build.host.llm_router import (
    HISTORY_TURNS,
    SYSTEM_PROMPT,
    LLMRouter,
    ToolTable,
    chat_completions_url,
)
from gassist_build.host.offline_router import OfflineRouter
from gassist_build.host.router import Candidate, Decision, no_match
from gassist_build.host.spec import FunctionSpec, PluginSpec, load_plugin_spec
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

KEY = "sk-test-9f8e7d6c5b4a39281706"
PATH = "/v1/chat/completions"


def _plugin(name: str, description: str, *functions: FunctionSpec) -> PluginSpec:
    return PluginSpec(
        folder=Path("/plugins") / name,
        manifest={"name": name, "description": description, "executable": "plugin.py"},
        functions=functions,
    )


TWITCH = _plugin(
    "twitch",
    "Checks Twitch streams.",
    FunctionSpec(
        name="check_live",
        description="Check whether a Twitch streamer is live right now.",
        tags=("stream", "online"),
        properties={"username": {"type": "string", "description": "The streamer's login name"}},
        required=("username",),
    ),
)
GPU = _plugin(
    "gpu",
    "Reads and tunes the graphics card.",
    FunctionSpec(
        name="set_power_limit",
        description="Set the GPU power limit in watts.",
        tags=("write",),
        properties={"watts": {"type": "integer", "minimum": 100, "maximum": 450,
                              "description": "Power limit in W"}},
        required=("watts",),
    ),
    FunctionSpec(name="get_status", description="Show temperature, clocks and power."),
)
PLUGINS = (TWITCH, GPU)


class StandInRouter:
    """A fallback that records its calls and always answers the same."""

    name = "offline"

    def __init__(self, decision: Decision | None = None) -> None:
        self.decision = decision or no_match(
            "Nothing matched offline.", (Candidate("gpu", "get_status", 0.4),)
        )
        self.calls: list[str] = []

    def route(self, utterance: str, plugins: Sequence[PluginSpec],
              history: Sequence[tuple[str, str]] = ()) -> Decision:
        self.calls.append(utterance)
        return self.decision


@pytest.fixture
def fallback() -> StandInRouter:
    return StandInRouter()


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GASSIST_LLM_API_KEY", KEY)
    return KEY


def _router(server: HTTPServer, fallback: StandInRouter, timeout: float = 5.0) -> LLMRouter:
    return LLMRouter(server.url_for("/v1"), "llama3.1:8b", timeout=timeout, fallback=fallback)


def _completion(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "llama3.1:8b",
        "choices": [{"index": 0, "message": {"role": "assistant", **message},
                     "finish_reason": "tool_calls" if "tool_calls" in message else "stop"}],
    }


def _tool_call(name: str, arguments: Any) -> dict[str, Any]:
    return _completion({"content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}},
    ]})


def _answer(server: HTTPServer, body: Any) -> None:
    server.expect_request(PATH, method="POST").respond_with_json(body)


def _outputs(decision: Decision, caplog: pytest.LogCaptureFixture) -> str:
    return json.dumps(decision.to_json()) + caplog.text


# -- the request ----------------------------------------------------------------------------


def test_request_is_a_chat_completion_with_the_manifests_as_tools(
    httpserver: HTTPServer, fallback: StandInRouter, key: str
) -> None:
    _answer(httpserver, _tool_call("twitch__check_live", '{"username": "ninja"}'))
    history = [("user", "hey hello, say hi"), ("hello", "Hello there!"),
               ("assistant", "Anything else?")]

    _router(httpserver, fallback).route("is ninja live?", PLUGINS, history)

    (request, _), = httpserver.log
    assert request.path == PATH
    assert request.headers["Authorization"] == f"Bearer {key}"
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.get_data())
    assert body["model"] == "llama3.1:8b"
    assert body["stream"] is False
    assert body["tool_choice"] == "auto"
    assert body["messages"] == [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "hey hello, say hi"},
        {"role": "assistant", "content": "(hello) Hello there!"},
        {"role": "assistant", "content": "Anything else?"},
        {"role": "user", "content": "is ninja live?"},
    ]
    assert body["tools"] == [
        {"type": "function", "function": {
            "name": "twitch__check_live",
            "description": "Check whether a Twitch streamer is live right now. "
                           "(plug-in 'twitch': Checks Twitch streams.) Tags: stream, online.",
            "parameters": {"type": "object", "required": ["username"], "properties": {
                "username": {"type": "string", "description": "The streamer's login name"}}},
        }},
        {"type": "function", "function": {
            "name": "gpu__set_power_limit",
            "description": "Set the GPU power limit in watts. "
                           "(plug-in 'gpu': Reads and tunes the graphics card.) Tags: write.",
            "parameters": {"type": "object", "required": ["watts"], "properties": {
                "watts": {"type": "integer", "minimum": 100, "maximum": 450,
                          "description": "Power limit in W"}}},
        }},
        {"type": "function", "function": {
            "name": "gpu__get_status",
            "description": "Show temperature, clocks and power. "
                           "(plug-in 'gpu': Reads and tunes the graphics card.)",
            "parameters": {"type": "object", "required": [], "properties": {}},
        }},
    ]
    assert "G-Assist" in SYSTEM_PROMPT


def test_only_the_latest_turns_of_a_long_conversation_are_sent(
    httpserver: HTTPServer, fallback: StandInRouter
) -> None:
    _answer(httpserver, _tool_call("gpu__get_status", "{}"))
    history = [("user" if n % 2 == 0 else "assistant", f"turn {n}") for n in range(30)]

    _router(httpserver, fallback).route("and now?", PLUGINS, history)

    (request, _), = httpserver.log
    sent = [m["content"] for m in json.loads(request.get_data())["messages"]]
    assert sent == [SYSTEM_PROMPT, *(f"turn {n}" for n in range(30 - HISTORY_TURNS, 30)),
                    "and now?"]


def test_no_key_in_the_environment_sends_no_authorization(
    httpserver: HTTPServer, fallback: StandInRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GASSIST_LLM_API_KEY", raising=False)
    _answer(httpserver, _tool_call("gpu__get_status", "{}"))

    decision = _router(httpserver, fallback).route("how hot is my gpu", PLUGINS)

    (request, _), = httpserver.log
    assert "Authorization" not in request.headers
    assert (decision.kind, decision.function) == ("call", "get_status")


def test_the_key_comes_from_the_named_variable(
    httpserver: HTTPServer, fallback: StandInRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NVIDIA_API_KEY", "nvapi-abcdef123456")
    _answer(httpserver, _tool_call("gpu__get_status", "{}"))
    router = LLMRouter(httpserver.url_for("/v1"), "meta/llama-3.1-8b-instruct",
                       api_key_env="NVIDIA_API_KEY", fallback=fallback)

    router.route("gpu status", PLUGINS)

    (request, _), = httpserver.log
    assert request.headers["Authorization"] == "Bearer nvapi-abcdef123456"


def test_a_direct_invocation_offers_only_that_plugins_tools(
    httpserver: HTTPServer, fallback: StandInRouter
) -> None:
    _answer(httpserver, _tool_call("gpu__get_status", "{}"))

    _router(httpserver, fallback).route("Hey gpu, how are you doing?", PLUGINS)

    (request, _), = httpserver.log
    names = [tool["function"]["name"] for tool in json.loads(request.get_data())["tools"]]
    assert names == ["gpu__set_power_limit", "gpu__get_status"]


@pytest.mark.parametrize(("base", "endpoint"), [
    ("http://localhost:11434", "http://localhost:11434/v1/chat/completions"),
    ("http://localhost:11434/", "http://localhost:11434/v1/chat/completions"),
    ("http://localhost:11434/v1", "http://localhost:11434/v1/chat/completions"),
    ("http://localhost:1234/v1/", "http://localhost:1234/v1/chat/completions"),
    ("https://integrate.api.nvidia.com/v1", "https://integrate.api.nvidia.com/v1/chat/completions"),
    ("http://127.0.0.1:8080/v1/chat/completions", "http://127.0.0.1:8080/v1/chat/completions"),
    ("https://example.com/openai/v1", "https://example.com/openai/v1/chat/completions"),
])
def test_base_url_with_or_without_v1(base: str, endpoint: str) -> None:
    assert chat_completions_url(base) == endpoint


@pytest.mark.parametrize("base", ["localhost:11434", "ftp://host/v1", "http://", ""])
def test_a_url_that_is_not_http_is_refused(base: str, fallback: StandInRouter) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        LLMRouter(base, "m", fallback=fallback)


def test_tool_names_are_valid_and_map_back_even_when_they_collide() -> None:
    odd = _plugin("my.plugin v2", "", FunctionSpec(name="do it"), FunctionSpec(name="do_it"))
    long = _plugin("p" * 70, "", FunctionSpec(name="a"), FunctionSpec(name="b"))

    table = ToolTable.build([odd, long])

    names = [tool["function"]["name"] for tool in table.tools]
    assert names[:2] == ["my_plugin_v2__do_it", "my_plugin_v2__do_it_2"]
    assert len(set(names)) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name) for name in names)
    assert [(p.name, f.name) for p, f in (table.targets[n] for n in names)] == [
        ("my.plugin v2", "do it"), ("my.plugin v2", "do_it"), ("p" * 70, "a"), ("p" * 70, "b")]


# -- answers that become decisions --------------------------------------------------------


def test_a_tool_call_becomes_a_call(httpserver: HTTPServer, fallback: StandInRouter) -> None:
    _answer(httpserver, _tool_call("twitch__check_live", '{"username": "ninja"}'))

    decision = _router(httpserver, fallback).route("is ninja live?", PLUGINS)

    assert decision.to_json() | {"explanation": None} == {
        "kind": "call", "plugin": "twitch", "function": "check_live",
        "arguments": {"username": "ninja"}, "confidence": 0.9, "explanation": None,
        "question": None, "router": "llm", "candidates": [],
    }
    assert "twitch.check_live" in decision.explanation
    assert fallback.calls == []


def test_the_older_function_call_answer_is_read(
    httpserver: HTTPServer, fallback: StandInRouter
) -> None:
    _answer(httpserver, _completion({"content": None, "function_call": {
        "name": "gpu__set_power_limit", "arguments": '{"watts": 300}'}}))

    decision = _router(httpserver, fallback).route("limit my gpu to 300 W", PLUGINS)

    assert (decision.kind, decision.plugin, decision.function, decision.arguments) == (
        "call", "gpu", "set_power_limit", {"watts": 300})
    assert decision.router == "llm"


def test_arguments_sent_as_an_object_are_accepted(
    httpserver: HTTPServer, fallback: StandInRouter
) -> None:
    _answer(httpserver, _tool_call("gpu__set_power_limit", {"watts": 250}))

    decision = _router(httpserver, fallback).route("250 watts please", PLUGINS)

    assert (decision.kind, decision.arguments) == ("call", {"watts": 250})


@pytest.mark.parametrize(("arguments", "called", "noted"), [
    ('{"watts": "300"}', {"watts": 300}, ""),
    ('{"watts": 300.0}', {"watts": 300}, ""),
    ('{"watts": 300, "gpu_index": 0}', {"watts": 300}, "dropped unknown 'gpu_index'"),
])
def test_arguments_are_coerced_and_inventions_dropped_before_the_call(
    httpserver: HTTPServer, fallback: StandInRouter, arguments: str, called: dict[str, Any],
    noted: str,
) -> None:
    _answer(httpserver, _tool_call("gpu__set_power_limit", arguments))

    decision = _router(httpserver, fallback).route("power limit 300 W", PLUGINS)

    assert (decision.kind, decision.arguments) == ("call", called)
    assert noted in decision.explanation
    assert type(decision.arguments["watts"]) is int


@pytest.mark.parametrize(("arguments", "asked"), [
    ('{"watts": 9000}', "'watts' must be at most 450"),
    ('{"watts": "a lot"}', "'watts' must be a whole number"),
    ("{}", "set_power_limit needs 'watts' (Power limit in W)"),
    ('{"watts": null}', "set_power_limit needs 'watts'"),
])
def test_arguments_the_schema_refuses_become_a_question_not_a_call(
    httpserver: HTTPServer, fallback: StandInRouter, arguments: str, asked: str
) -> None:
    _answer(httpserver, _tool_call("gpu__set_power_limit", arguments))

    decision = _router(httpserver, fallback).route("set my power limit", PLUGINS)

    assert (decision.kind, decision.plugin, decision.function) == (
        "clarify", "gpu", "set_power_limit")
    assert decision.question is not None and asked in decision.question
    assert "watts" not in decision.arguments
    assert decision.router == "llm"


def test_no_tool_call_is_no_match_with_the_models_words(
    httpserver: HTTPServer, fallback: StandInRouter
) -> None:
    _answer(httpserver, _completion({
        "content": "<think>The user wants weather.</think>None of my tools can tell the weather."}))

    decision = _router(httpserver, fallback).route("what's the weather?", PLUGINS)

    assert decision.kind == "no_match"
    assert decision.explanation == "None of my tools can tell the weather."
    assert decision.router == "llm"
    assert decision.candidates == (Candidate("gpu", "get_status", 0.4),)  # the offline ranking's


# -- answers that fall back ---------------------------------------------------------------


@pytest.mark.parametrize(("reply", "note", "says"), [
    ("this is not json", "offline (llm bad reply)", "not JSON"),
    ({"object": "chat.completion"}, "offline (llm bad reply)", "no choices"),
    ({"choices": []}, "offline (llm bad reply)", "no choices"),
    ({"choices": [{"index": 0}]}, "offline (llm bad reply)", "no message"),
    (_tool_call("twitch__check_live", '{"username": "nin'), "offline (llm bad reply)",
     "arguments for 'twitch__check_live' are not JSON"),
    (_tool_call("twitch__check_live", '["ninja"]'), "offline (llm bad reply)",
     "not a JSON object"),
    (_completion({"tool_calls": [{"type": "function", "function": {"arguments": "{}"}}]}),
     "offline (llm bad reply)", "no function name"),
    (_tool_call("spotify__play", '{"song": "x"}'), "offline (llm unknown tool)",
     "'spotify__play', which no manifest declares"),
])
def test_a_malformed_answer_falls_back_with_a_note(
    httpserver: HTTPServer, fallback: StandInRouter, key: str, caplog: pytest.LogCaptureFixture,
    reply: Any, note: str, says: str,
) -> None:
    if isinstance(reply, str):
        httpserver.expect_request(PATH, method="POST").respond_with_data(
            reply, content_type="application/json")
    else:
        _answer(httpserver, reply)

    with caplog.at_level(logging.DEBUG):
        decision = _router(httpserver, fallback).route("is ninja live?", PLUGINS)

    assert fallback.calls == ["is ninja live?"]
    assert decision.kind == "no_match"
    assert decision.candidates == fallback.decision.candidates
    assert decision.router == note
    assert says in decision.explanation
    assert decision.explanation.endswith(
        "the offline router decided instead: Nothing matched offline.")
    assert key not in _outputs(decision, caplog)


@pytest.mark.parametrize(("status", "body", "says"), [
    (401, {"error": {"message": f"Incorrect API key provided: {KEY}"}},
     "HTTP 401 (check the API key in GASSIST_LLM_API_KEY): Incorrect API key provided: ***"),
    (500, {"error": "llama runner process has terminated"},
     "HTTP 500: llama runner process has terminated"),
    (404, {"error": {"message": 'model "llama3.1:8b" not found, try pulling it first'}},
     'HTTP 404: model "llama3.1:8b" not found, try pulling it first'),
    (503, "<html>busy</html>", "HTTP 503"),
])
def test_http_errors_fall_back_and_name_the_status(
    httpserver: HTTPServer, fallback: StandInRouter, key: str, caplog: pytest.LogCaptureFixture,
    status: int, body: Any, says: str,
) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    httpserver.expect_request(PATH, method="POST").respond_with_data(text, status=status)

    with caplog.at_level(logging.DEBUG):
        decision = _router(httpserver, fallback).route("is ninja live?", PLUGINS)

    assert decision.router == f"offline (llm HTTP {status})"
    assert says in decision.explanation
    assert fallback.calls == ["is ninja live?"]
    assert key not in _outputs(decision, caplog)


def test_a_redirect_is_not_followed_so_the_key_stays_with_the_endpoint(
    httpserver: HTTPServer, fallback: StandInRouter, key: str
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/elsewhere")}))
    httpserver.expect_request("/elsewhere").respond_with_json(
        _tool_call("gpu__get_status", "{}"))

    decision = _router(httpserver, fallback).route("gpu status", PLUGINS)

    assert [request.path for request, _ in httpserver.log] == [PATH]
    assert decision.router == "offline (llm HTTP 302)"


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    # Threaded, so the slow handler never holds up the shared server of other tests.
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_a_slow_answer_falls_back_in_time(
    threaded_server: HTTPServer, fallback: StandInRouter, key: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response(json.dumps(_tool_call("gpu__get_status", "{}")),
                        content_type="application/json")

    threaded_server.expect_request(PATH, method="POST").respond_with_handler(slow)
    router = _router(threaded_server, fallback, timeout=0.3)

    started = time.monotonic()
    with caplog.at_level(logging.DEBUG):
        decision = router.route("gpu status", PLUGINS)
    elapsed = time.monotonic() - started

    assert decision.router == "offline (llm timed out)"
    assert "no answer from the LLM within 0.3 s" in decision.explanation
    assert decision.kind == "no_match" and fallback.calls == ["gpu status"]
    assert elapsed < 1.2  # the answer would take 1.5 s
    assert key not in _outputs(decision, caplog)


def test_a_server_that_trickles_bytes_still_falls_back_in_time(
    threaded_server: HTTPServer, fallback: StandInRouter
) -> None:
    def trickle(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                time.sleep(0.1)
                yield b" "
            yield json.dumps(_tool_call("gpu__get_status", "{}")).encode()
        return Response(chunks(), content_type="application/json")

    threaded_server.expect_request(PATH, method="POST").respond_with_handler(trickle)

    started = time.monotonic()
    decision = _router(threaded_server, fallback, timeout=0.5).route("gpu status", PLUGINS)

    assert decision.router == "offline (llm timed out)"
    assert time.monotonic() - started < 1.5  # the whole answer takes 2 s


@pytest.fixture
def raw_server() -> Iterator[Callable[[bytes], str]]:
    """A TCP server that answers one connection with the given bytes and hangs up."""
    listeners: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def serve(payload: bytes) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def answer() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(payload)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        threads.append(thread)
        return f"http://127.0.0.1:{listener.getsockname()[1]}/v1"

    yield serve
    for thread in threads:
        thread.join(5)
    for listener in listeners:
        listener.close()


@pytest.mark.parametrize(("payload", "note", "says"), [
    (b"SSH-2.0-OpenSSH_9.6\r\n", "offline (llm bad reply)",
     "not a complete HTTP answer (BadStatusLine)"),
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n"
     b'{"choices": [', "offline (llm bad reply)", "not a complete HTTP answer (IncompleteRead)"),
    (b"", "offline (llm unreachable)", "Remote end closed connection without response"),
])
def test_a_broken_http_exchange_falls_back_without_a_traceback(
    raw_server: Callable[[bytes], str], fallback: StandInRouter,
    capsys: pytest.CaptureFixture[str], payload: bytes, note: str, says: str,
) -> None:
    router = LLMRouter(raw_server(payload), "m", timeout=5.0, fallback=fallback)

    decision = router.route("gpu status", PLUGINS)

    assert decision.router == note
    assert says in decision.explanation
    assert fallback.calls == ["gpu status"]
    assert "Traceback" not in capsys.readouterr().err


def test_an_endless_answer_is_cut_off(httpserver: HTTPServer, fallback: StandInRouter) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data(
        b"[" + b"1," * (3 * 2**20) + b"1]", content_type="application/json")

    decision = _router(httpserver, fallback).route("gpu status", PLUGINS)

    assert decision.router == "offline (llm bad reply)"
    assert "the LLM's answer is over 4 MiB" in decision.explanation


def test_nothing_listening_falls_back(fallback: StandInRouter) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    router = LLMRouter(f"http://127.0.0.1:{port}", "m", timeout=2.0, fallback=fallback)

    decision = router.route("gpu status", PLUGINS)

    assert decision.router == "offline (llm unreachable)"
    assert f"cannot reach the LLM at 127.0.0.1:{port}" in decision.explanation


def test_no_functions_loaded_asks_no_model(httpserver: HTTPServer, fallback: StandInRouter) -> None:
    decision = _router(httpserver, fallback).route("anything", [_plugin("empty", "")])

    assert httpserver.log == []
    assert decision is fallback.decision


def test_the_key_never_reaches_a_decision_or_the_log(
    httpserver: HTTPServer, fallback: StandInRouter, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    _answer(httpserver, _tool_call("twitch__check_live", json.dumps({"username": "ninja"})))

    with caplog.at_level(logging.DEBUG):
        decision = _router(httpserver, fallback).route("is ninja live?", PLUGINS)

    assert decision.kind == "call"
    assert key not in _outputs(decision, caplog)
    assert key not in repr(_router(httpserver, fallback).__dict__)


# -- the sample plug-ins and the real offline router --------------------------------------

SAMPLES = Path(__file__).resolve().parents[3] / "plugins"


def _samples() -> list[PluginSpec]:
    return [load_plugin_spec(folder) for folder in sorted(SAMPLES.iterdir())
            if (folder / "manifest.json").is_file()]


def _utterances() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(SAMPLES.glob("*/utterances.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        cases.extend((document["plugin"], case) for case in document["utterances"])
    return cases


def test_a_model_that_answers_right_routes_every_sample_utterance_right(
    httpserver: HTTPServer, fallback: StandInRouter
) -> None:
    """Every sample function survives the trip to tool name and back, and the
    schema check accepts what a correct model sends (and asks when it sends nothing)."""
    cases = _utterances()
    expected = {case["say"]: (plugin, case) for plugin, case in cases}

    def model(request: Request) -> Response:
        said = json.loads(request.get_data())["messages"][-1]["content"]
        plugin, case = expected[said]
        return Response(json.dumps(_tool_call(f"{plugin}__{case['function']}",
                                              json.dumps(case["arguments"]))),
                        content_type="application/json")

    httpserver.expect_request(PATH, method="POST").respond_with_handler(model)
    router = _router(httpserver, fallback)
    plugins = _samples()

    decisions = {say: router.route(say, plugins) for say in expected}

    assert len(cases) >= 70
    assert fallback.calls == []
    for say, (plugin, case) in expected.items():
        decision = decisions[say]
        wanted = (case.get("expect", "call"), plugin, case["function"])
        assert (decision.kind, decision.plugin, decision.function) == wanted, say
        if decision.kind == "call":
            assert decision.arguments == case["arguments"], say


def test_the_real_offline_router_decides_when_the_model_fails(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("overloaded", status=500)
    router = LLMRouter(httpserver.url_for("/"), "m", fallback=OfflineRouter())

    decision = router.route("Hey twitch, is ninja live?", _samples())

    assert (decision.kind, decision.plugin, decision.function, decision.arguments) == (
        "call", "twitch", "check_twitch_live_status", {"username": ["ninja"]})
    assert decision.router == "offline (llm HTTP 500)"
    assert decision.explanation.startswith(
        "the LLM endpoint answered HTTP 500; the offline router decided instead: ")


def test_a_model_no_match_lists_the_offline_routers_closest_functions(
    httpserver: HTTPServer,
) -> None:
    _answer(httpserver, _completion({"content": "I can't order pizza."}))
    router = LLMRouter(httpserver.url_for("/"), "m", fallback=OfflineRouter())

    decision = router.route("order a pizza and stream it on twitch", _samples())

    assert (decision.kind, decision.router) == ("no_match", "llm")
    assert decision.explanation == "I can't order pizza."
    assert decision.candidates
    assert all(c.plugin in {p.name for p in _samples()} for c in decision.candidates)
