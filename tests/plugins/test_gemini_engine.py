# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/gemini built and run the way G-Assist runs it, against a local Gemini.

The build is the real ``gassist-build build --offline`` (source and, marked slow, a
PyInstaller executable); the plug-in runs isolated over real pipes through the emulator.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

pytestmark = pytest.mark.e2e

KEY = "CANARY-gm-e2e-AIzaSy-81b3c5d7"
STREAM_PATH = "/v1/models/gemini-2.5-flash:streamGenerateContent"
MODEL_PATH = "/v1/models/gemini-2.5-flash"


def serve_gemini(server: HTTPServer) -> list[dict[str, Any]]:
    """A local Gemini: models.get for the key check and a grounded, streamed answer."""
    seen: list[dict[str, Any]] = []

    def record(request: Request) -> None:
        seen.append({"method": request.method, "path": request.path,
                     "key": request.headers.get("x-goog-api-key"),
                     "body": json.loads(request.get_data() or b"null")})

    def model(request: Request) -> Response:
        record(request)
        return Response(json.dumps({"name": "models/gemini-2.5-flash"}),
                        content_type="application/json")

    def stream(request: Request) -> Response:
        record(request)
        turns = len(seen[-1]["body"]["contents"])
        source = {"web": {"uri": "https://news.example/a", "title": "news.example"}}
        events = [
            {"candidates": [{"content": {"role": "model",
                                         "parts": [{"text": f"Answer {turns}, "}]}}]},
            {"candidates": [{"content": {"role": "model", "parts": [{"text": "from the web."}]},
                             "finishReason": "STOP",
                             "groundingMetadata": {"groundingChunks": [source, source]}}]},
        ]
        return Response([f"data: {json.dumps(e)}\r\n\r\n" for e in events],
                        content_type="text/event-stream")

    server.expect_request(MODEL_PATH, method="GET").respond_with_handler(model)
    server.expect_request(STREAM_PATH, method="POST",
                          query_string="alt=sse").respond_with_handler(stream)
    return seen


SOURCES = "**Sources**\n1. [news.example](https://news.example/a)"


def test_setup_then_a_streamed_grounded_answer_and_a_follow_up_through_the_emulator(
        sample_copy, run_sample, httpserver: HTTPServer) -> None:
    seen = serve_gemini(httpserver)
    folder = sample_copy("gemini")
    with run_sample(folder, config={"api_url": httpserver.url_for("/")}) as run:
        asked = run.call("query_gemini", query="latest GeForce driver version")
        answered = run.input(KEY)
        follow = run.input("what changed in it?")
        ended = run.input("done")
    assert asked.keep_session and "https://aistudio.google.com/app/apikey" in asked.text
    assert answered.success and answered.keep_session
    assert answered.chunks == ("Saved `api_key` to config.json.\n\n", "Answer 1, ",
                               "from the web.")
    assert SOURCES in answered.text
    assert follow.chunks == ("Answer 3, ", "from the web.")
    assert ended.text == "Chat with Gemini ended." and not ended.keep_session
    assert [(r["method"], r["path"], r["key"]) for r in seen] == [
        ("GET", MODEL_PATH, KEY), ("POST", STREAM_PATH, KEY), ("POST", STREAM_PATH, KEY)]
    assert seen[2]["body"]["tools"] == [{"googleSearch": {}}]
    assert json.loads((folder / "config.json").read_text("utf-8"))["api_key"] == KEY
    assert KEY not in run.log_text() + run.replies()


def test_a_refused_connection_is_one_sentence_through_the_emulator(
        sample_copy, run_sample) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = {"api_key": KEY, "api_url": f"http://127.0.0.1:{port}"}
    with run_sample(sample_copy("gemini"), config=config) as run:
        failed = run.call("query_gemini", query="anything")
    assert not failed.success and failed.failure == "plugin"
    assert failed.text == (f"Cannot reach Gemini at 127.0.0.1:{port} (connection refused). "
                           "Check api_url in config.json.")
    assert KEY not in run.log_text() + run.replies()


@pytest.mark.slow
def test_the_executable_answers_a_streamed_question(
        sample_copy, run_sample, httpserver: HTTPServer) -> None:
    seen = serve_gemini(httpserver)
    folder = sample_copy("gemini", "exe")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["executable"].startswith("g-assist-plugin-gemini")
    config = {"api_key": KEY, "api_url": httpserver.url_for("/")}
    with run_sample(folder, config=config) as run:
        answered = run.call("query_gemini", query="is the RTX 5090 out?")
    assert answered.success, answered.text + (answered.stderr_tail or "")
    assert answered.chunks == ("Answer 1, ", "from the web.")
    assert SOURCES in answered.text
    assert seen[0]["body"]["contents"] == [
        {"role": "user", "parts": [{"text": "is the RTX 5090 out?"}]}]
    assert KEY not in run.log_text() + run.replies()


def test_gassist_build_check_passes_on_the_build_against_the_fake(
        sample_copy, httpserver: HTTPServer, tmp_path) -> None:
    import subprocess
    import sys

    serve_gemini(httpserver)
    folder = sample_copy("gemini")
    config = tmp_path / "check-config.json"
    config.write_text(json.dumps({"api_key": KEY, "api_url": httpserver.url_for("/")}))
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "check", str(folder),
                           "--config", str(config), "--json", "--log-dir", str(tmp_path / "logs")],
                          capture_output=True, text=True, timeout=120)
    card = json.loads(done.stdout)
    # A slow start (> 3 s) is a warning about the machine's load, not about the plug-in.
    failed = [item for item in card["items"] if item["status"] != "pass"
              and not (item["key"] == "start" and item["status"] == "warn")]
    assert done.returncode == 0 and card["ok"] and not failed, failed
    call = next(item for item in card["items"] if item["title"] == "call query_gemini")
    assert "(2 chunk(s) streamed)" in call["detail"]
    assert KEY not in done.stdout + done.stderr
