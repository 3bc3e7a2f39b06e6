# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The router interface: schema checks, clarify-or-call, direct invocation, the JSON form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gassist_build.host.router import (
    Candidate,
    Decision,
    check_arguments,
    clarify_or_call,
    coerce_arguments,
    find_function,
    no_match,
    split_invocation,
)
from gassist_build.host.spec import FunctionSpec, PluginSpec


def make_plugin(name: str, *functions: dict[str, Any], description: str = "",
                manifest_name: str | None = None) -> PluginSpec:
    manifest = {"name": manifest_name or name, "description": description,
                "executable": "plugin.py", "functions": list(functions)}
    return PluginSpec(folder=Path("/plugins") / name, manifest=manifest,
                      functions=tuple(FunctionSpec.from_manifest(f) for f in functions))


CLOCKS = FunctionSpec.from_manifest({
    "name": "lock_clocks", "description": "Lock the clocks.",
    "properties": {
        "min_mhz": {"type": "integer", "description": "Lowest clock in MHz", "minimum": 0},
        "max_mhz": {"type": "integer", "description": "Highest clock in MHz"},
        "mode": {"type": "string", "enum": ["fast", "quiet"], "description": "How"},
        "names": {"type": "array", "items": {"type": "string"}},
        "ratio": {"type": "number"},
        "on": {"type": "boolean"},
    },
    "required": ["min_mhz", "max_mhz"],
})


@pytest.mark.parametrize(("arguments", "problems"), [
    ({"min_mhz": 300, "max_mhz": 1800}, []),
    ({"min_mhz": 300.0, "max_mhz": 1800}, []),  # a whole float is an integer
    ({"min_mhz": 300}, ["'max_mhz' is required"]),
    ({"min_mhz": 300, "max_mhz": None}, ["'max_mhz' is required"]),
    ({"min_mhz": "300", "max_mhz": 1800}, ["'min_mhz' must be a whole number, not '300'"]),
    ({"min_mhz": True, "max_mhz": 1800}, ["'min_mhz' must be a whole number, not True"]),
    ({"min_mhz": 1.5, "max_mhz": 1800}, ["'min_mhz' must be a whole number, not 1.5"]),
    ({"min_mhz": -5, "max_mhz": 1800}, ["'min_mhz' must be at least 0, not -5"]),
    ({"min_mhz": 1, "max_mhz": 2, "mode": "loud"},
     ["'mode' must be one of fast, quiet, not 'loud'"]),
    ({"min_mhz": 1, "max_mhz": 2, "names": "ninja"}, ["'names' must be a list, not 'ninja'"]),
    ({"min_mhz": 1, "max_mhz": 2, "names": ["a", 3]}, ["'names[1]' must be text, not 3"]),
    ({"min_mhz": 1, "max_mhz": 2, "ratio": "x"}, ["'ratio' must be a number, not 'x'"]),
    ({"min_mhz": 1, "max_mhz": 2, "on": "yes"}, ["'on' must be true or false, not 'yes'"]),
    ({"min_mhz": 1, "max_mhz": 2, "speed": 3},
     ["lock_clocks has no parameter 'speed' (it takes: min_mhz, max_mhz, mode, names, ratio,"
      " on)"]),
])
def test_check_arguments_names_each_problem(arguments: dict[str, Any],
                                            problems: list[str]) -> None:
    assert check_arguments(CLOCKS, arguments) == problems


@pytest.mark.parametrize(("arguments", "coerced"), [
    ({"min_mhz": "300"}, {"min_mhz": 300}),
    ({"min_mhz": 300.0}, {"min_mhz": 300}),
    ({"ratio": "2.5"}, {"ratio": 2.5}),
    ({"on": "off"}, {"on": False}),
    ({"on": "Yes"}, {"on": True}),
    ({"names": "ninja"}, {"names": ["ninja"]}),
    ({"mode": "FAST"}, {"mode": "fast"}),
    ({"min_mhz": "lots"}, {"min_mhz": "lots"}),  # left for check_arguments to report
])
def test_coerce_arguments_converts_only_what_the_schema_plainly_means(
        arguments: dict[str, Any], coerced: dict[str, Any]) -> None:
    assert coerce_arguments(CLOCKS, arguments) == coerced


def test_clarify_or_call_calls_with_valid_coerced_arguments() -> None:
    decision = clarify_or_call("gpu", CLOCKS, {"min_mhz": "300", "max_mhz": 1800}, 0.8, "why",
                               (Candidate("gpu", "lock_clocks", 4.0),), router="llm")
    assert decision == Decision("call", "gpu", "lock_clocks", {"min_mhz": 300, "max_mhz": 1800},
                                0.8, "why", (Candidate("gpu", "lock_clocks", 4.0),),
                                router="llm")


def test_clarify_or_call_asks_for_the_missing_required_parameter() -> None:
    decision = clarify_or_call("gpu", CLOCKS, {"min_mhz": 300}, 0.8, "matched lock")
    assert decision.kind == "clarify"
    assert decision.arguments == {"min_mhz": 300}
    assert decision.question == ("lock_clocks needs 'max_mhz' (Highest clock in MHz)."
                                 " What should it be?")
    assert decision.explanation == "matched lock; 'max_mhz' is required"


def test_clarify_or_call_never_passes_an_invalid_value_and_says_which() -> None:
    decision = clarify_or_call("gpu", CLOCKS, {"min_mhz": 1, "max_mhz": 2, "mode": "loud"},
                               0.9, "x")
    assert decision.kind == "clarify"
    assert "mode" not in decision.arguments
    assert decision.question == ("'mode' must be one of fast, quiet, not 'loud' (How (fast,"
                                 " quiet)). What should it be?")


def test_clarify_or_call_drops_parameters_the_manifest_does_not_declare() -> None:
    decision = clarify_or_call("gpu", CLOCKS, {"min_mhz": 1, "max_mhz": 2, "speed": 9}, 0.9,
                               "model said")
    assert decision.kind == "call" and decision.arguments == {"min_mhz": 1, "max_mhz": 2}
    assert decision.explanation == "model said; dropped unknown 'speed'"


def test_confidence_is_clamped_to_0_1() -> None:
    assert clarify_or_call("gpu", CLOCKS, {"min_mhz": 1, "max_mhz": 2}, 7.0, "").confidence == 1
    assert no_match("nothing", confidence=-1).confidence == 0
    assert no_match("nothing", confidence=float("nan")).confidence == 0


def test_decision_to_json_is_what_route_prints() -> None:
    decision = Decision("clarify", "gpu", "lock_clocks", {"min_mhz": 1}, 0.12345, "why",
                        (Candidate("gpu", "lock_clocks", 3.14159),), question="max?",
                        router="offline (llm timed out)")
    assert json.loads(json.dumps(decision.to_json())) == {
        "kind": "clarify", "plugin": "gpu", "function": "lock_clocks",
        "arguments": {"min_mhz": 1}, "confidence": 0.123, "explanation": "why",
        "question": "max?", "router": "offline (llm timed out)",
        "candidates": [{"plugin": "gpu", "function": "lock_clocks", "score": 3.142}],
    }


TWITCH = make_plugin("twitch", {"name": "check_live", "description": "Is a streamer live"})
GPU_TUNER = make_plugin("gpu-tuner", {"name": "status"})
IFTTT = make_plugin("ifttt", {"name": "trigger"}, manifest_name="IFTTT Webhooks")
PLUGINS = [TWITCH, GPU_TUNER, IFTTT]


@pytest.mark.parametrize(("utterance", "plugin", "rest", "form"), [
    ("Hey twitch, is ninja live?", "twitch", "is ninja live?", "hey"),
    ("hey Twitch is ninja live", "twitch", "is ninja live", "hey"),
    ("HEY TWITCH: is ninja live", "twitch", "is ninja live", "hey"),
    ("ask twitch whether ninja is live", "twitch", "whether ninja is live", "hey"),
    ("twitch, is ninja live", "twitch", "is ninja live", "comma"),
    ("Twitch: is ninja live", "twitch", "is ninja live", "comma"),
    ("/twitch is ninja live", "twitch", "is ninja live", "slash"),
    ("/twitch", "twitch", "", "slash"),
    ("hey gpu tuner, how hot", "gpu-tuner", "how hot", "hey"),
    ("/gpu-tuner how hot", "gpu-tuner", "how hot", "slash"),
    ("hey IFTTT Webhooks, fire lights", "ifttt", "fire lights", "hey"),
])
def test_direct_invocation_names_the_plugin_and_strips_the_words(
        utterance: str, plugin: str, rest: str, form: str) -> None:
    found = split_invocation(utterance, PLUGINS)
    assert found is not None
    assert (found.plugin.name, found.rest, found.form) == (plugin, rest, form)


@pytest.mark.parametrize("utterance", [
    "is ninja live on twitch?",        # named, but not addressed
    "twitchy fingers tonight, huh",    # a longer word
    "/twitchy is ninja live",
    "hey twitchy, hi",
    "",
])
def test_no_invocation_when_the_plugin_is_not_addressed(utterance: str) -> None:
    assert split_invocation(utterance, PLUGINS) is None


def test_find_function_ignores_the_case_of_the_plugin_name() -> None:
    found = find_function(PLUGINS, "TWITCH", "check_live")
    assert found is not None and found[0] is TWITCH and found[1].name == "check_live"
    assert find_function(PLUGINS, "twitch", "nope") is None
    assert find_function(PLUGINS, "nope", "check_live") is None
