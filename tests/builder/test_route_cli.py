# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build route``, ``route-check``, free text in ``chat`` and the pytest helper."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gassist_build.cli import cli
from gassist_build.host.routecheck import assert_routes, load_utterances, route_check
from pytest_httpserver import HTTPServer

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
SAMPLES = ["discord", "gemini", "gpu", "hello", "ifttt", "spotify", "twitch"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args))
    return result.exit_code, result.stdout


def test_route_prints_the_decision_as_json_and_calls_nothing() -> None:
    code, out = run("route", str(PLUGINS), "Hey twitch, is ninja live?", "--json")
    assert code == 0
    decision = json.loads(out)
    assert {k: decision[k] for k in ("kind", "plugin", "function", "arguments", "router",
                                     "question")} == {
        "kind": "call", "plugin": "twitch", "function": "check_twitch_live_status",
        "arguments": {"username": ["ninja"]}, "router": "offline", "question": None}
    assert 0.5 < decision["confidence"] <= 1
    assert decision["explanation"].startswith("hey invocation of twitch")
    assert decision["candidates"][0] == {
        "plugin": "twitch", "function": "check_twitch_live_status",
        "score": decision["candidates"][0]["score"]}


def test_route_for_people_shows_what_why_and_exit_1_without_a_call() -> None:
    code, out = run("route", str(PLUGINS), "set the volume to 40%")
    assert code == 0
    assert out.splitlines()[0].startswith("→ spotify.spotify_set_volume volume_level=40")
    assert "offline router" in out and "why: spotify.spotify_set_volume matched" in out
    code, out = run("route", str(PLUGINS), "set the fan speed")
    assert code == 1
    assert out.splitlines()[0].startswith("? gpu.set_gpu_fan_speed")
    assert "asks: set_gpu_fan_speed needs 'percent' (Fan speed in percent (0–100))." in out
    code, out = run("route", str(PLUGINS), "book me a table for two")
    assert code == 1
    assert out.splitlines()[0].startswith("✗ no match")
    assert "why: no function matches the words 'book me a table for two'" in out


def test_route_reads_one_plugin_folder_too() -> None:
    code, out = run("route", str(PLUGINS / "hello"), "count to 4", "--json")
    assert code == 0 and json.loads(out)["arguments"] == {"number": 4}


@pytest.mark.parametrize(("args", "message"), [
    (["--llm-url", "http://127.0.0.1:9/v1"], "--llm-url needs --llm-model"),
    (["--llm-model", "llama3.1"], "--llm-model needs --llm-url"),
])
def test_route_llm_options_come_in_pairs(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["route", str(PLUGINS), "hi", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_route_check_meets_the_targets_on_every_sample() -> None:
    report = route_check(PLUGINS)
    assert sorted(s.plugin for s in report.scores) == SAMPLES
    assert report.problems == {}
    for score in report.scores:
        assert score.total >= 10, f"{score.plugin} has {score.total} utterances"
    misses = "\n".join(o.describe() for o in report.misses)
    assert report.function_accuracy >= 0.90, misses
    assert report.argument_accuracy >= 0.80, misses


def test_route_check_prints_a_table_per_plugin_and_overall() -> None:
    code, out = run("route-check", str(PLUGINS))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["plug-in", "utterances", "function", "arguments"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:9]}
    assert sorted(rows) == sorted([*SAMPLES, "overall"])
    assert int(rows["overall"][0]) == sum(int(rows[s][0]) for s in SAMPLES)
    assert lines[-1] == "targets: function ≥ 90%, exact arguments ≥ 80% - met"


def test_every_sample_utterance_file_is_written_as_users_speak() -> None:
    for name in SAMPLES:
        expectations = load_utterances(PLUGINS / name / "utterances.json", name)
        said = [e.say for e in expectations]
        assert len(said) >= 10, name
        assert len(set(said)) == len(said), f"{name}: a sentence twice"
        # some lines name no plug-in: the router must find it from the words alone
        assert any(name not in s.lower() for s in said), name
        # ...and none is pasted into the manifest, as a tag or a quoted example
        manifest = json.loads((PLUGINS / name / "manifest.json").read_text(encoding="utf-8"))
        examples = {_plain(t) for f in manifest["functions"] for t in f.get("tags", [])}
        for function in manifest["functions"]:
            for pair in re.findall(r'"([^"]+)"|“([^”]+)”', function.get("description", "")):
                examples.update(_plain(quoted) for quoted in pair if quoted)
        pasted = [s for s in said if _plain(s) in examples]
        assert pasted == [], f"{name}: test sentences pasted into manifest.json: {pasted}"


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.lower()))


def _plugin_with_utterances(tmp_path: Path, utterances: object) -> Path:
    folder = tmp_path / "plugins" / "hello"
    shutil.copytree(PLUGINS / "hello", folder, ignore=shutil.ignore_patterns("utterances.json"))
    (folder / "utterances.json").write_text(json.dumps(utterances), encoding="utf-8")
    return folder.parent


def test_route_check_exits_1_below_the_targets_and_lists_the_misses(tmp_path: Path) -> None:
    root = _plugin_with_utterances(tmp_path, {"utterances": [
        {"say": "count to 5", "function": "count_to", "arguments": {"number": 5}},
        {"say": "count to 5", "function": "say_hello", "arguments": {}},
    ]})
    code, out = run("route-check", str(root))
    assert code == 1
    assert re.search(r"^overall +2 +50\.0% +50\.0%$", out, re.MULTILINE)
    assert ("'count to 5': wanted hello.say_hello {}, got hello.count_to {\"number\": 5}"
            in out)
    assert out.splitlines()[-1] == "targets: function ≥ 90%, exact arguments ≥ 80% - NOT met"
    shutil.copytree(PLUGINS / "gpu", root / "gpu", ignore=shutil.ignore_patterns(
        "utterances.json", "__pycache__"))
    code, out = run("route-check", str(root), "--min-function", "50", "--min-arguments", "50")
    assert code == 0
    assert "no utterances.json (not checked): gpu" in out
    code, out = run("route-check", str(root), "--min-function", "50", "--min-arguments", "50",
                    "--strict")
    assert code == 1 and "no misses - NOT met" in out


def test_route_check_json(tmp_path: Path) -> None:
    root = _plugin_with_utterances(tmp_path, {"utterances": [
        {"say": "count to 5", "function": "count_to", "arguments": {"number": 6}},
        {"say": "count for me", "function": "count_to", "expect": "clarify"},
        {"say": "book me a table for two", "expect": "no_match"},
    ]})
    code, out = run("route-check", str(root), "--json")
    report = json.loads(out)
    assert code == 1 and report["passed"] is False
    assert report["plugins"] == [{"plugin": "hello", "utterances": 3,
                                  "function_accuracy": 1.0, "argument_accuracy": 0.6667}]
    assert [m["say"] for m in report["misses"]] == ["count to 5"]
    assert report["misses"][0]["got"]["arguments"] == {"number": 5}


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "cannot read it as JSON"),
    ('{"utterances": [{"function": "count_to"}]}', 'entry 1 needs a "say" sentence'),
    ('{"utterances": [{"say": "count"}]}', "entry 1 ('count') needs a \"function\""),
    ('{"utterances": [{"say": "x", "function": "f", "expect": "maybe"}]}',
     '"expect" must be call, clarify or no_match'),
])
def test_route_check_names_a_broken_utterances_file(tmp_path: Path, content: str,
                                                    message: str) -> None:
    root = _plugin_with_utterances(tmp_path, [])
    (root / "hello" / "utterances.json").write_text(content, encoding="utf-8")
    code, out = run("route-check", str(root))
    assert code == 1
    assert "cannot check hello:" in out and message in out


def test_assert_routes_passes_and_explains_a_failure() -> None:
    decision = assert_routes("is ninja live?", PLUGINS, "check_twitch_live_status",
                             {"username": ["ninja"]}, plugin="twitch")
    assert decision.plugin == "twitch"
    assert_routes("book me a table for two", PLUGINS, None)
    with pytest.raises(AssertionError) as failed:
        assert_routes("is ninja live?", PLUGINS / "twitch", "get_top_twitch_streams")
    assert str(failed.value).startswith(
        "'is ninja live?' should call *.get_top_twitch_streams; got call"
        " twitch.check_twitch_live_status {'username': ['ninja']} (twitch.check_twitch_live_status"
        " matched")
    with pytest.raises(AssertionError, match=r"should pass \{'username': \['shroud'\]\}"):
        assert_routes("is ninja live?", PLUGINS, "check_twitch_live_status",
                      {"username": ["shroud"]})


def test_chat_routes_free_text_shows_why_then_calls(tmp_path: Path) -> None:
    root = tmp_path / "plugins"
    shutil.copytree(PLUGINS / "hello", root / "hello",
                    ignore=shutil.ignore_patterns("__pycache__", "libs", "dist"))
    script = "\n".join([
        "count to 3",
        "count for me",
        "4",
        "let's have a little conversation",
        "count to 2",           # the session keeps it: passthrough, not routing
        "bye",
        "/hello say hello to Ada",
        "/hello count_to number=2",
        "book me a table for two",
        "/quit",
    ]) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "chat", "--plugins-dir", str(root), "--dev",
         "--log-dir", str(tmp_path / "logs")],
        input=script, capture_output=True, text=True, encoding="utf-8", timeout=60,
        env=dict(os.environ, COLUMNS="200"))
    assert done.returncode == 0, done.stderr
    turns = done.stdout.split("\n> ")
    said = {turn.splitlines()[0]: turn for turn in turns[1:]}
    first = said["count to 3"]
    decision_at = first.index("→ hello.count_to number=3")
    assert decision_at < first.index("hello> 1… 2… 3!")
    assert "why: hello.count_to matched 'count'" in first
    assert "asks: count_to needs 'number' (Where to stop (1–50)). What should it be?" in \
        said["count for me"]
    assert "hello> " not in said["count for me"]
    assert "→ hello.count_to number=4" in said["4"] and "hello> 1… 2… 3… 4!" in said["4"]
    assert "hello keeps the session" in said["let's have a little conversation"]
    assert "→" not in said["count to 2"]
    assert "hello> You said 3 words: “count to 2”" in said["count to 2"]
    assert "→ hello.say_hello name=\"Ada\"" in said["/hello say hello to Ada"]
    assert "hello> Hello, Ada!" in said["/hello say hello to Ada"]
    assert "→" not in said["/hello count_to number=2"]
    assert "hello> 1… 2!" in said["/hello count_to number=2"]
    assert "✗ no match" in said["book me a table for two"]
    assert "no plug-in is waiting for input and nothing matched" in \
        said["book me a table for two"]


def test_route_bench_prints_its_numbers_beside_the_baseline() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "route_bench.py"), "--rounds", "2", "--json"],
        capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    numbers = json.loads(done.stdout)
    assert numbers["plugins"] == 10 and numbers["utterances"] >= 70
    offline, baseline = numbers["routers"]
    assert (offline["router"], baseline["router"]) == ("offline", "exact name")
    assert offline["decisions"] == 2 * numbers["utterances"]
    assert offline["median_ms"] < 5.0
    assert offline["function_accuracy"] > baseline["function_accuracy"]


def test_route_with_llm_url_uses_the_model_s_tool_call(httpserver: HTTPServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GASSIST_LLM_API_KEY", "sk-local-test-0123")
    call = {"id": "c1", "type": "function", "function": {
        "name": "hello__count_to", "arguments": json.dumps({"number": 7})}}
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [call]}}]})
    code, out = run("route", str(PLUGINS), "count to seven for me", "--json",
                    "--llm-url", httpserver.url_for("/v1"), "--llm-model", "llama3.1")
    assert code == 0, out
    decision = json.loads(out)
    assert (decision["router"], decision["function"], decision["arguments"]) == (
        "llm", "count_to", {"number": 7})
    sent = json.loads(httpserver.log[0][0].get_data())
    assert sent["model"] == "llama3.1"
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer sk-local-test-0123"
    assert "sk-local-test-0123" not in out


def test_route_falls_back_to_the_offline_router_when_the_model_is_unreachable() -> None:
    code, out = run("route", str(PLUGINS), "count to 3", "--json", "--llm-url",
                    "http://127.0.0.1:9/v1", "--llm-model", "x", "--llm-timeout", "2")
    assert code == 0
    decision = json.loads(out)
    assert decision["router"].startswith("offline (llm")
    assert (decision["function"], decision["arguments"]) == ("count_to", {"number": 3})


@pytest.mark.parametrize(("router", "shown"), [
    ("offline", "(confidence 0.90, offline router)"),
    ("llm", "(confidence 0.90, llm router)"),
    ("offline (llm timed out)", "(confidence 0.90, offline router — llm timed out)"),
])
def test_the_router_and_its_note_read_as_words(router: str, shown: str) -> None:
    import io

    from gassist_build.cli.route import describe_decision
    from gassist_build.host.router import Decision
    from rich.console import Console

    out = io.StringIO()
    describe_decision(Console(file=out, width=200, color_system=None),
                      Decision("call", "gpu", "list_gpus", {}, 0.9, "why", router=router))
    assert out.getvalue().splitlines()[0] == f"→ gpu.list_gpus   {shown}"


@pytest.mark.parametrize(("said", "kind", "call"), [
    # Sentences that are not about the samples, or not clear enough to change a GPU's
    # settings, call nothing.
    ("order me a pizza", "no_match", None),
    ("how do I reset my password", "no_match", None),
    ("unlock my phone", "no_match", None),
    ("Hey gpu, reset", "no_match", None),
    # An optional "which GPU" takes a value after a cue only.
    ("lock the GPU clock between 1200 and 1800 MHz", "call",
     ("gpu", "lock_gpu_clocks", {"min_mhz": 1200, "max_mhz": 1800})),
    ("set the fan to 70% on the 4090", "call",
     ("gpu", "set_gpu_fan_speed", {"percent": 70, "gpu": "4090"})),
    ("reset the gpu clocks", "call", ("gpu", "reset_gpu_clocks", {})),
])
def test_route_on_the_samples(said: str, kind: str, call: tuple[str, str, dict] | None) -> None:
    code, out = run("route", str(PLUGINS), said, "--json")
    decision = json.loads(out)
    assert decision["kind"] == kind, decision["explanation"]
    assert code == (0 if kind == "call" else 1)
    if call is not None:
        assert (decision["plugin"], decision["function"], decision["arguments"]) == call
