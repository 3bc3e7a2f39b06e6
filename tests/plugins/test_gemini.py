# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/gemini against a local Gemini: google-genai pointed at pytest-httpserver.

The fake serves ``streamGenerateContent?alt=sse`` (Server-Sent Events, as Google does) and
``models/<model>`` (the key check). The tests assert what the user reads and the exact
requests the fake received.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from gassist_sdk._framing import LengthPrefixFramer
from gassist_sdk.testing import CallResult, PluginClient, collect_v2
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "plugins" / "gemini"
KEY = "CANARY-gm-AIzaSy-4c2f9e1b7d"
STREAM_PATH = "/v1/models/gemini-2.5-flash:streamGenerateContent"
MODEL_PATH = "/v1/models/gemini-2.5-flash"
HINT = "_Ask a follow-up question, or say “done” to end the chat with Gemini._"


def load_plugin() -> ModuleType:
    if str(FOLDER) not in sys.path:
        sys.path.insert(0, str(FOLDER))  # plugin.py imports gemini_api from its folder
    module = sys.modules.get("gemini_plugin")
    if module is None:
        spec = importlib.util.spec_from_file_location("gemini_plugin", FOLDER / "plugin.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["gemini_plugin"] = module
        spec.loader.exec_module(module)
    return module


# -- the fake Gemini ---------------------------------------------------------------------------

def event(text: str | None = None, *, finish: str | None = None,
          sources: list[tuple[str, str]] = (), block: str | None = None) -> dict[str, Any]:
    """One streamed GenerateContentResponse, as the Gemini API sends it."""
    if block is not None:
        return {"promptFeedback": {"blockReason": block}}
    candidate: dict[str, Any] = {"index": 0}
    if text is not None:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    if finish:
        candidate["finishReason"] = finish
    if sources:
        candidate["groundingMetadata"] = {
            "webSearchQueries": ["q"],
            "groundingChunks": [{"web": {"uri": uri, "title": title}} for title, uri in sources]}
    return {"candidates": [candidate], "modelVersion": "gemini-2.5-flash"}


def sse(*events: dict[str, Any], gate: threading.Event | None = None,
        sent: threading.Event | None = None) -> Response:
    """A streamed reply; with ``gate``, it waits for the gate after the first event.

    Without a gate the body is a list, so one reply can answer several requests.
    """
    if gate is None and sent is None:
        return Response([f"data: {json.dumps(item)}\r\n\r\n" for item in events],
                        content_type="text/event-stream")

    def body() -> Iterator[str]:
        for number, item in enumerate(events):
            if number == 1 and gate is not None:
                assert gate.wait(10), "the test never released the stream"
            yield f"data: {json.dumps(item)}\r\n\r\n"
            if number == 0 and sent is not None:
                sent.set()
    return Response(body(), content_type="text/event-stream")


def api_error(code: int, status: str, message: str,
              details: list[dict[str, Any]] = ()) -> Response:
    body = {"error": {"code": code, "message": message, "status": status,
                      "details": list(details)}}
    return Response(json.dumps(body), status=code, content_type="application/json")


class Fake:
    """Records each request the plug-in made and answers from a queue of replies."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[dict[str, Any]] = []

    def url(self) -> str:
        return self.server.url_for("/")

    def answer(self, path: str, *replies: Response | Any, method: str = "POST",
               query: str | None = "alt=sse") -> None:
        queue = list(replies)

        def handler(request: Request) -> Response:
            self.requests.append({
                "method": request.method, "path": request.path,
                "query": request.query_string.decode(),
                "key": request.headers.get("x-goog-api-key"),
                "body": json.loads(request.get_data() or b"null")})
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
            return reply if isinstance(reply, Response) else reply()

        self.server.expect_request(path, method=method,
                                   query_string=query).respond_with_handler(handler)


@pytest.fixture
def gemini() -> Iterator[ModuleType]:
    module = load_plugin()
    module.chat.reset()
    yield module
    module.chat.reset()


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[Fake]:
    yield Fake(httpserver)
    httpserver.check_handler_errors()


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    return path


@pytest.fixture
def configured(config_file: Path, fake: Fake) -> Any:
    def write(**settings: Any) -> Path:
        config_file.write_text(json.dumps({"api_key": KEY, "api_url": fake.url(), **settings}))
        return config_file
    write()
    return write


@pytest.fixture
def log_file(gemini: ModuleType, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GASSIST_LOG_DIR", str(tmp_path / "logs"))
    path = gemini.plugin.enable_logging()
    assert path is not None
    yield Path(path)
    for name in ("gassist_sdk", "gassist.gemini"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()


def sources_block(*pairs: tuple[str, str]) -> str:
    lines = [f"{n}. [{title}]({uri})" for n, (title, uri) in enumerate(pairs, 1)]
    return "**Sources**\n" + "\n".join(lines)


def no_key_anywhere(*results: CallResult) -> None:
    for result in results:
        assert KEY not in json.dumps(result.messages)


def send(client: PluginClient, message: dict[str, Any]) -> None:
    client.send_raw(LengthPrefixFramer().encode(json.dumps(message).encode()))


# -- answers ------------------------------------------------------------------------------------

ENGINE_CONTEXT = [
    {"role": "user", "content": "what's the best budget GPU right now?"},
    {"role": "assistant", "content": '{"tool_calls": [{"func": "query_gemini", '
                                     '"params": {"query": "best budget GPU 2026"}}]}'},
    {"role": "assistant", "content": "The RTX 5060 is the usual pick."},
    {"role": "system", "content": "internal engine note"},
    {"role": "user", "content": "Hey Gemini, when does GTA 6 come out?"},
]


def test_a_grounded_answer_is_streamed_with_its_sources_from_the_exact_request(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(
        event("GTA 6 comes out "),
        event("on 19 November 2026.", sources=[("rockstargames.com", "https://r.example/1")]),
        event("", finish="STOP", sources=[("rockstargames.com", "https://r.example/1"),
                                          ("ign.com", "https://ign.example/gta6")])))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", context=ENGINE_CONTEXT,
                             system_info="GPU: GeForce RTX 4070", query="when does GTA 6 come out")
    assert result.success and result.keep_session
    assert result.chunks == ["GTA 6 comes out ", "on 19 November 2026."]
    assert result.text == ("\n\n" + sources_block(("rockstargames.com", "https://r.example/1"),
                                                  ("ign.com", "https://ign.example/gta6"))
                           + "\n\n" + HINT)
    [request] = fake.requests
    assert (request["method"], request["path"], request["query"]) == ("POST", STREAM_PATH,
                                                                      "alt=sse")
    assert request["key"] == KEY
    assert request["body"] == {
        # The engine's turns without its tool-call JSON and system notes; the user's last
        # message says what the query says, so the query stands for it.
        "contents": [
            {"role": "user", "parts": [{"text": "what's the best budget GPU right now?"}]},
            {"role": "model", "parts": [{"text": "The RTX 5060 is the usual pick."}]},
            {"role": "user", "parts": [{"text": "when does GTA 6 come out"}]},
        ],
        "systemInstruction": {"role": "user", "parts": [{"text": gemini.INSTRUCTION}]},
        "tools": [{"googleSearch": {}}],
        "generationConfig": {},
    }
    no_key_anywhere(result)


def test_chunks_reach_the_engine_while_gemini_is_still_sending(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    gate, first_sent = threading.Event(), threading.Event()
    fake.answer(STREAM_PATH, lambda: sse(event("First part, "), event("second part."),
                                         event(finish="STOP"), gate=gate, sent=first_sent))
    with PluginClient(gemini.plugin) as client:
        send(client, {"jsonrpc": "2.0", "id": 40, "method": "execute",
                      "params": {"function": "query_gemini", "arguments": {"query": "hi"}}})
        first = client.receive()
        # The fake is still holding the rest of the answer back: this chunk came on its own.
        assert not gate.is_set() and first_sent.wait(5)
        assert first == {"jsonrpc": "2.0", "method": "stream",
                         "params": {"request_id": 40, "data": "First part, "}}
        pong_id = 41
        send(client, {"jsonrpc": "2.0", "id": pong_id, "method": "ping", "params": {}})
        assert client.receive()["id"] == pong_id  # the engine is answered meanwhile
        gate.set()
        chunks, final, _ = collect_v2(client.receive, 40)
    assert chunks == ["second part."]
    assert final["method"] == "complete" and final["params"]["success"]


def test_a_question_about_the_pc_brings_the_engine_s_system_info(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(event("Yes, at high settings.", finish="STOP")))
    info = "OS: Windows 11\nGPU: GeForce RTX 4070 (12 GB)\nRAM: 32 GB"
    with PluginClient(gemini.plugin) as client:
        pc = client.call("query_gemini", system_info=info,
                         query="can my PC run Cyberpunk 2077 with path tracing?")
        general = client.call("query_gemini", system_info=info, query="who won the 2022 World Cup")
    assert pc.success and general.success
    pc_instruction = fake.requests[0]["body"]["systemInstruction"]["parts"][0]["text"]
    assert pc_instruction.startswith(gemini.INSTRUCTION)
    assert pc_instruction.endswith("\n" + info)
    assert fake.requests[1]["body"]["systemInstruction"]["parts"][0]["text"] == gemini.INSTRUCTION


@pytest.mark.parametrize(("question", "about_the_pc"), [
    ("what GPU do I have?", True),
    ("how much RAM do I have", True),
    ("what CPU have I got", True),
    ("is my driver up to date", True),
    ("can I run Starfield", True),
    ("what's the best monitor for gaming", False),
    ("what's the best GPU for 1440p", False),
])
def test_which_questions_bring_the_system_info(
        gemini: ModuleType, fake: Fake, configured: Any, question: str,
        about_the_pc: bool) -> None:
    fake.answer(STREAM_PATH, sse(event("An answer.", finish="STOP")))
    info = "GPU: GeForce RTX 4070 (12 GB)\nRAM: 32 GB"
    with PluginClient(gemini.plugin) as client:
        assert client.call("query_gemini", system_info=info, query=question).success
    instruction = fake.requests[0]["body"]["systemInstruction"]["parts"][0]["text"]
    assert instruction.endswith("\n" + info) is about_the_pc


def test_a_follow_up_about_the_pc_still_has_the_system_info_of_the_call(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    # The engine sends system_info with the call only, never with the follow-up turns.
    fake.answer(STREAM_PATH, sse(event("It came out in 2023.", finish="STOP")))
    info = "GPU: GeForce RTX 3060 (12 GB)\nRAM: 16 GB"
    with PluginClient(gemini.plugin) as client:
        client.call("query_gemini", system_info=info, query="when did Starfield come out?")
        follow = client.input("will it run on my PC?")
    assert follow.success
    first, second = (r["body"]["systemInstruction"]["parts"][0]["text"] for r in fake.requests)
    assert first == gemini.INSTRUCTION  # not about the PC
    assert second.endswith("\n" + info)


def test_follow_ups_keep_the_history_and_done_ends_the_chat(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(event("Elden Ring came out in 2022.", finish="STOP")),
                sse(event("Nightreign, in 2025.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        first = client.call("query_gemini", query="when did Elden Ring come out?")
        second = client.input("and its newest spin-off?")
        ended = client.input("Done")
        stray = client.input("one more?")
    assert first.keep_session and second.keep_session
    assert second.chunks == ["Nightreign, in 2025."] and second.text.endswith(HINT)
    assert fake.requests[1]["body"]["contents"] == [
        {"role": "user", "parts": [{"text": "when did Elden Ring come out?"}]},
        {"role": "model", "parts": [{"text": "Elden Ring came out in 2022."}]},
        {"role": "user", "parts": [{"text": "and its newest spin-off?"}]},
    ]
    assert ended.success and not ended.keep_session and ended.text == "Chat with Gemini ended."
    assert not stray.success  # the session is over: the engine's model has the user again
    assert len(fake.requests) == 2


@pytest.mark.parametrize("word", ["exit", "done", "stop", "Stop."])
def test_each_end_word_ends_the_chat_without_asking_gemini(
        gemini: ModuleType, fake: Fake, configured: Any, word: str) -> None:
    fake.answer(STREAM_PATH, sse(event("An answer.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        client.call("query_gemini", query="q")
        ended = client.input(word)
    assert ended.text == "Chat with Gemini ended." and not ended.keep_session
    assert len(fake.requests) == 1


def test_after_five_idle_minutes_the_history_is_dropped(
        gemini: ModuleType, fake: Fake, configured: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(gemini, "clock", lambda: now[0])
    fake.answer(STREAM_PATH, sse(event("Answer.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        client.call("query_gemini", query="first question")
        now[0] += 299
        client.input("second question")
        now[0] += 301
        late = client.input("third question")
    assert late.success
    assert len(fake.requests[1]["body"]["contents"]) == 3  # within 5 minutes: history kept
    assert fake.requests[2]["body"]["contents"] == [
        {"role": "user", "parts": [{"text": "third question"}]}]


def test_grounding_off_sends_no_search_tool_and_a_long_answer_is_cut(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    configured(grounding=False, max_answer_chars=200)
    fake.answer(STREAM_PATH, sse(event("a" * 150), event("b" * 150), event("c" * 150),
                                 event(finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="tell me everything")
    assert "tools" not in fake.requests[0]["body"]
    assert result.chunks == ["a" * 150, "b" * 50]
    assert result.text == ("\n\n_(Answer cut at 200 characters; raise max_answer_chars in "
                           "config.json for longer ones.)_\n\n" + HINT)


def test_an_answer_stopped_at_the_token_limit_says_so(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(event("Part of it", finish="MAX_TOKENS")))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="q")
    assert result.success and result.text.startswith(
        "\n\n_(Gemini stopped early: the answer reached its length limit.)_")


def test_the_model_setting_names_the_model_in_the_path(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    configured(model="gemini-2.5-pro")
    fake.answer("/v1/models/gemini-2.5-pro:streamGenerateContent",
                sse(event("Pro answer.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        assert client.call("query_gemini", query="q").chunks == ["Pro answer."]


# -- setup --------------------------------------------------------------------------------------

def test_setup_checks_a_pasted_key_with_gemini_before_saving_it_then_answers(
        gemini: ModuleType, fake: Fake, config_file: Path, log_file: Path) -> None:
    bad = "CANARY-gm-bad-0f9e8d7c"
    config_file.write_text(json.dumps({"api_url": fake.url()}))
    calls: list[str] = []

    def model_info() -> Response:
        if fake.requests[-1]["key"] == bad:
            return api_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid "
                             "API key.", [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                           "reason": "API_KEY_INVALID",
                                           "domain": "googleapis.com"}])
        calls.append("get")
        return Response(json.dumps({"name": "models/gemini-2.5-flash",
                                    "displayName": "Gemini 2.5 Flash"}),
                        content_type="application/json")

    fake.answer(MODEL_PATH, model_info, method="GET", query=None)
    fake.answer(STREAM_PATH, sse(event("Sunny.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        asked = client.call("query_gemini", query="weather in Oslo today")
        assert asked.keep_session and not asked.success
        assert gemini.KEYS_URL in asked.text and "`api_key` (secret)" in asked.text

        refused = client.input(bad)
        assert refused.keep_session and not refused.success
        assert refused.text == (
            "Gemini says the API key is not valid (400 INVALID_ARGUMENT). Create a key at "
            "https://aistudio.google.com/app/apikey and put it in config.json as api_key.\n\n"
            "Nothing was saved. Paste another value, or say `cancel`.")
        assert json.loads(config_file.read_text()) == {"api_url": fake.url()}

        answered = client.input(KEY)
    assert answered.success and answered.keep_session
    assert answered.chunks == ["Saved `api_key` to config.json.\n\n", "Sunny."]
    assert json.loads(config_file.read_text()) == {"api_url": fake.url(), "api_key": KEY}
    assert [(r["method"], r["path"], r["key"]) for r in fake.requests] == [
        ("GET", MODEL_PATH, bad), ("GET", MODEL_PATH, KEY), ("POST", STREAM_PATH, KEY)]
    # The parked question is the one answered.
    assert fake.requests[2]["body"]["contents"] == [
        {"role": "user", "parts": [{"text": "weather in Oslo today"}]}]
    log = log_file.read_text(encoding="utf-8")
    for secret in (bad, KEY):
        assert secret not in log
        assert all(secret not in json.dumps(r.messages) for r in (asked, refused, answered))


def test_setup_refuses_a_key_when_gemini_cannot_be_reached(
        gemini: ModuleType, config_file: Path) -> None:
    port = closed_port()
    config_file.write_text(json.dumps({"api_url": f"http://127.0.0.1:{port}/"}))
    with PluginClient(gemini.plugin) as client:
        client.call("query_gemini", query="q")
        refused = client.input(KEY)
    assert refused.keep_session
    assert refused.text.startswith(f"Cannot reach Gemini at 127.0.0.1:{port} (connection "
                                   "refused). Check api_url in config.json.")
    assert json.loads(config_file.read_text()) == {"api_url": f"http://127.0.0.1:{port}/"}


# -- failures -----------------------------------------------------------------------------------

RETRY_INFO = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "16.4s"}
QUOTA_FAILURE = {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                 "violations": [{"quotaMetric": "generate_content_free_tier_requests"}]}

FAILURES = {
    "quota-with-delay": (
        lambda: api_error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
                  [QUOTA_FAILURE, RETRY_INFO]),
        "Gemini's quota for this API key is used up for now (429 RESOURCE_EXHAUSTED); try "
        "again in 17 seconds, or check the key's plan and limits at https://aistudio.google.com."),
    "quota-in-minutes": (
        lambda: api_error(429, "RESOURCE_EXHAUSTED", "Quota.",
                  [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "125s"}]),
        "Gemini's quota for this API key is used up for now (429 RESOURCE_EXHAUSTED); try "
        "again in 3 minutes, or check the key's plan and limits at https://aistudio.google.com."),
    "quota-without-delay": (
        lambda: api_error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted."),
        "Gemini's quota for this API key is used up for now (429 RESOURCE_EXHAUSTED); try "
        "again later, or check the key's plan and limits at https://aistudio.google.com."),
    "invalid-key": (
        lambda: api_error(400, "INVALID_ARGUMENT",
                          "API key not valid. Please pass a valid API key.",
                          [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "API_KEY_INVALID"}]),
        "Gemini says the API key is not valid (400 INVALID_ARGUMENT). Create a key at "
        "https://aistudio.google.com/app/apikey and put it in config.json as api_key."),
    "unauthenticated": (
        lambda: api_error(401, "UNAUTHENTICATED",
                          "Request had invalid authentication credentials."),
        "Gemini did not accept the API key (401 UNAUTHENTICATED). Check api_key in config.json "
        "(keys: https://aistudio.google.com/app/apikey)."),
    "forbidden": (
        lambda: api_error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers."),
        "Gemini refused this API key access (403 PERMISSION_DENIED): it may be restricted, or "
        "the Gemini API is not enabled for its project. Check it at "
        "https://aistudio.google.com/app/apikey."),
    "no-such-model": (
        lambda: api_error(404, "NOT_FOUND",
                          "models/gemini-2.5-flash is not found for API version v1"),
        "Gemini has no model 'gemini-2.5-flash' (404 NOT_FOUND). Set model in config.json to "
        "one such as gemini-2.5-flash."),
    "other-400": (
        lambda: api_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
        "Gemini refused the request (400 INVALID_ARGUMENT: Request contains an invalid "
        "argument.)."),
    "blocked-question": (
        lambda: sse(event(block="PROHIBITED_CONTENT")),
        "Gemini blocked this question (PROHIBITED_CONTENT) and gave no answer. Try asking it "
        "differently."),
    "blocked-answer": (
        lambda: sse(event("", finish="SAFETY")),
        "Gemini stopped before answering: its safety filters blocked it (SAFETY). Try asking "
        "it differently."),
    "recitation": (
        lambda: sse(event("Once upon", finish="RECITATION")),
        "Gemini stopped its answer because it was quoting a source too closely (RECITATION). "
        "Try asking it differently."),
    "empty": (
        lambda: sse(event(finish="STOP")),
        "Gemini returned an empty answer. Try asking it differently."),
    "unreadable": (
        lambda: Response("data: {not json\r\n\r\n", content_type="text/event-stream"),
        "Gemini sent a reply that could not be read. Try again."),
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_each_failure_is_one_sentence_and_ends_the_call(
        gemini: ModuleType, fake: Fake, configured: Any, log_file: Path, name: str) -> None:
    reply, sentence = FAILURES[name]
    fake.answer(STREAM_PATH, reply)
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="q")
    assert not result.success and not result.keep_session
    assert result.text == sentence
    assert len(fake.requests) == 1  # 4xx and blocks are not retried
    no_key_anywhere(result)
    assert KEY not in log_file.read_text(encoding="utf-8")


def test_a_safety_stop_after_some_text_says_the_answer_was_blocked(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(event("Here is how "), event("", finish="SAFETY")))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="q")
    assert result.chunks == ["Here is how "] and not result.success
    assert result.text == ("Gemini stopped its answer: its safety filters blocked it (SAFETY). "
                           "Try asking it differently.")


@pytest.mark.parametrize(("code", "status"), [(500, "INTERNAL"), (503, "UNAVAILABLE")])
def test_server_trouble_is_retried_once_then_explained(
        gemini: ModuleType, fake: Fake, configured: Any, code: int, status: str) -> None:
    fake.answer(STREAM_PATH, api_error(code, status, "The model is overloaded."))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="q")
    assert result.text == (f"Gemini is having trouble right now ({code} {status}). Try again "
                           "in a minute.")
    assert len(fake.requests) == 2


def test_server_trouble_that_clears_on_the_retry_is_not_noticed(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, api_error(503, "UNAVAILABLE", "Overloaded."),
                sse(event("Fine now.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="q")
    assert result.success and result.chunks == ["Fine now."]


def test_a_gemini_that_stops_sending_times_out_with_a_sentence(
        gemini: ModuleType, fake: Fake, config_file: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gemini_api

    monkeypatch.setattr(gemini_api, "TIMEOUT_S", 2.0)
    # A client is kept per key and URL; this key is new, so its client gets the short timeout.
    config_file.write_text(json.dumps({"api_key": KEY + "-timeout", "api_url": fake.url()}))
    gate = threading.Event()
    fake.answer(STREAM_PATH, lambda: sse(event("Starting… "), event("never"), gate=gate))
    try:
        with PluginClient(gemini.plugin) as client:
            result = client.call("query_gemini", query="q")
    finally:
        gate.set()
    assert result.chunks == ["Starting… "]
    assert result.text == (f"Gemini did not answer within 2 seconds ({fake.url()[7:-1]}). "
                           "Try again in a moment.")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_names_the_host_and_the_setting(
        gemini: ModuleType, config_file: Path) -> None:
    port = closed_port()
    config_file.write_text(json.dumps({"api_key": KEY, "api_url": f"http://127.0.0.1:{port}"}))
    with PluginClient(gemini.plugin) as client:
        result = client.call("query_gemini", query="q")
    assert result.text == (f"Cannot reach Gemini at 127.0.0.1:{port} (connection refused). "
                           "Check api_url in config.json.")


def test_a_failed_follow_up_keeps_the_chat_open_and_out_of_the_history(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(event("One.", finish="STOP")),
                api_error(429, "RESOURCE_EXHAUSTED", "Quota.", [RETRY_INFO]),
                sse(event("Two.", finish="STOP")))
    with PluginClient(gemini.plugin) as client:
        client.call("query_gemini", query="first")
        failed = client.input("second")
        retried = client.input("second, again")
    assert not failed.success and failed.keep_session
    assert "try again in 17 seconds" in failed.text
    assert retried.success
    assert [c["parts"][0]["text"] for c in fake.requests[2]["body"]["contents"]] == [
        "first", "One.", "second, again"]


def test_one_client_is_kept_per_key_and_url(gemini: ModuleType, fake: Fake,
                                            configured: Any) -> None:
    import gemini_api

    first = gemini_api.client_for(KEY, fake.url())
    assert gemini_api.client_for(KEY, fake.url()) is first
    assert gemini_api.client_for(KEY + "-other", fake.url()) is not first


def test_google_genai_is_not_imported_by_loading_the_plugin() -> None:
    import subprocess

    code = (f"import sys, runpy; sys.path.insert(0, {str(FOLDER)!r}); "
            f"runpy.run_path({str(FOLDER / 'plugin.py')!r}, run_name='not_main'); "
            "print(sorted(m for m in sys.modules if m.startswith(('google', 'httpx', "
            "'gemini_api', 'pydantic'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_the_manifest_on_disk_is_the_code_s() -> None:
    import subprocess

    done = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=FOLDER,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def held_stream(gate: threading.Event, *before: dict[str, Any]) -> Response:
    """Sends ``before``, then nothing until the gate opens (a Gemini that went quiet)."""
    def body() -> Iterator[str]:
        for item in before:
            yield f"data: {json.dumps(item)}\r\n\r\n"
        gate.wait(10)
        yield f"data: {json.dumps(event('late', finish='STOP'))}\r\n\r\n"
    return Response(body(), content_type="text/event-stream")


def test_an_answer_still_streaming_near_the_engine_s_30_s_limit_ends_in_time(
        gemini: ModuleType, fake: Fake, configured: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import gemini_api

    # The budget leaves a loaded machine time for the first chunk; the fake holds the rest
    # for 10 s, so an answer that waited for it would end with "late".
    monkeypatch.setattr(gemini_api, "CALL_BUDGET_S", 4.0)
    gate = threading.Event()
    fake.answer(STREAM_PATH, lambda: held_stream(gate, event("The first half. ")))
    try:
        with PluginClient(gemini.plugin) as client:
            started = time.monotonic()
            result = client.call("query_gemini", query="q")
            took = time.monotonic() - started
    finally:
        gate.set()
    assert took >= 4.0
    assert result.success and result.keep_session and result.chunks == ["The first half. "]
    assert result.text == ("\n\n_(Gemini was still writing when the time for one answer ran "
                           "out; say “go on” for the rest.)_\n\n" + HINT)


def test_no_answer_within_the_call_budget_is_a_timeout_sentence(
        gemini: ModuleType, fake: Fake, configured: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import gemini_api

    monkeypatch.setattr(gemini_api, "CALL_BUDGET_S", 1.5)
    gate = threading.Event()
    fake.answer(STREAM_PATH, lambda: held_stream(gate))
    try:
        with PluginClient(gemini.plugin) as client:
            result = client.call("query_gemini", query="q")
    finally:
        gate.set()
    assert not result.success and not result.keep_session
    assert result.text == (f"Gemini did not answer within 1.5 seconds ({fake.url()[7:-1]}). "
                           "Try again in a moment.")


def test_shutdown_during_a_quiet_stream_ends_the_call_at_once(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    gate = threading.Event()
    fake.answer(STREAM_PATH, lambda: held_stream(gate, event("Partial ")))
    client = PluginClient(gemini.plugin)
    try:
        send(client, {"jsonrpc": "2.0", "id": 50, "method": "execute",
                      "params": {"function": "query_gemini", "arguments": {"query": "q"}}})
        first = client.receive()  # the answer has begun; the fake now holds the rest for 10 s
        assert first["params"] == {"request_id": 50, "data": "Partial "}
        started = time.monotonic()
        client.close()  # the engine shuts the plug-in down
        chunks, final, _ = collect_v2(client.receive, 50)
        took = time.monotonic() - started
    finally:
        gate.set()
    assert chunks == [] and final["method"] == "complete"
    assert took < 6.0  # not held until the fake's 10 s, nor the 25 s answer budget


def test_the_readme_troubleshooting_quotes_the_replies() -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name, (_reply, sentence) in FAILURES.items():
        opening = sentence.split(" (")[0].split(":")[0].split(" '")[0]
        assert opening in readme, name
    for opening in ("Gemini is having trouble right now (503 UNAVAILABLE). Try again in a minute.",
                    "Gemini did not answer within 20 seconds",
                    "Cannot reach Gemini at generativelanguage.googleapis.com (no connection). "
                    "Check your internet connection.",
                    "The connection to Gemini at generativelanguage.googleapis.com broke off.",
                    "_(Answer cut at 4000 characters; raise max_answer_chars in config.json for "
                    "longer ones.)_"):
        assert opening in readme


def test_a_connection_dropped_mid_answer_keeps_what_came_and_says_so(
        gemini: ModuleType, config_file: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    first = f"data: {json.dumps(event('Half an answer'))}\r\n\r\n".encode()
    hang_up = threading.Event()

    def serve_one_broken_reply() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head)[1])
            while len(body) < length:  # read it all: unread bytes would make close() a reset
                body += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n"
                         + f"{len(first):x}\r\n".encode() + first + b"\r\n")
            hang_up.wait(10)  # then hang up without the closing chunk

    server = threading.Thread(target=serve_one_broken_reply, daemon=True)
    server.start()
    config_file.write_text(json.dumps({"api_key": KEY, "api_url": f"http://127.0.0.1:{port}"}))
    try:
        with PluginClient(gemini.plugin) as client:
            send(client, {"jsonrpc": "2.0", "id": 60, "method": "execute",
                          "params": {"function": "query_gemini", "arguments": {"query": "q"}}})
            streamed = client.receive()  # the first half reached the engine
            hang_up.set()
            chunks, final, _ = collect_v2(client.receive, 60)
    finally:
        hang_up.set()
        server.join(5)
        listener.close()
    assert streamed["params"] == {"request_id": 60, "data": "Half an answer"} and chunks == []
    assert final["method"] == "complete" and not final["params"]["success"]
    assert final["params"]["data"] == (f"The connection to Gemini at 127.0.0.1:{port} broke "
                                       "off. Try again.")


def test_the_legacy_v1_protocol_streams_and_chats_too(
        gemini: ModuleType, fake: Fake, configured: Any) -> None:
    fake.answer(STREAM_PATH, sse(event("Old engine, "), event("same answer.", finish="STOP")))
    context = [{"role": "user", "content": "earlier question"},
               {"role": "assistant", "content": "earlier answer"}]
    with PluginClient(gemini.plugin, protocol="v1") as client:
        first = client.call("query_gemini", context=context, query="new question")
        ended = client.input("exit")
    assert first.success and first.keep_session
    assert first.chunks == ["Old engine, ", "same answer."]
    assert [c["parts"][0]["text"] for c in fake.requests[0]["body"]["contents"]] == [
        "earlier question", "earlier answer", "new question"]
    assert ended.text == "Chat with Gemini ended." and not ended.keep_session


def test_a_refused_key_keeps_no_client(gemini: ModuleType, fake: Fake) -> None:
    import gemini_api

    fake.answer(MODEL_PATH, api_error(401, "UNAUTHENTICATED", "bad"), method="GET", query=None)
    refused = gemini_api.check_key(KEY + "-refused", fake.url(), "gemini-2.5-flash")
    assert refused is not None and refused.startswith("Gemini did not accept the API key (401")
    assert (KEY + "-refused", fake.url()) not in gemini_api._clients


@pytest.mark.parametrize("said", [
    "what's the best budget GPU right now?",  # went to the gpu plug-in's reset_gpu_clocks
    "how do I beat Malenia in Elden Ring",  # matched nothing
    "which headset should I buy",
])
def test_the_manifest_carries_what_users_say(said: str, tmp_path: Path) -> None:
    import shutil
    import subprocess

    for name in ("gemini", "gpu"):  # the gpu plug-in competes for GPU questions
        (tmp_path / name).mkdir()
        shutil.copy(ROOT / "plugins" / name / "manifest.json", tmp_path / name)
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "route", str(tmp_path),
                           said, "--json"], capture_output=True, text=True, timeout=60)
    decision = json.loads(done.stdout)
    assert (decision["plugin"], decision["function"], decision["arguments"]) == (
        "gemini", "query_gemini", {"query": said}), decision
