# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Routing as a test: a plug-in's ``utterances.json`` and the helpers that grade it.

``utterances.json`` (beside ``manifest.json``) lists what users say and the call
each line should become::

    {
      "plugin": "twitch",
      "utterances": [
        {"say": "is ninja live?", "function": "check_twitch_live_status",
         "arguments": {"username": ["ninja"]}},
        {"say": "is a streamer live", "function": "check_twitch_live_status",
         "expect": "clarify"},
        {"say": "what's the weather", "expect": "no_match"}
      ]
    }

``plugin`` defaults to the folder's name; an entry may name another ``plugin``.
``expect`` is ``"call"`` (the default), ``"clarify"`` (the function is right but an
argument must be asked for; arguments are not compared) or ``"no_match"``. The
arguments compare exactly: every expected key with an equal value and no other.

:func:`route_check` grades a folder of plug-ins; :func:`assert_routes` is the
pytest helper (``from gassist_build.host.routecheck import assert_routes``).
Standard library only; the builder never ships this file (it is not code the
plug-in imports, and a build copies only what ``build`` copies).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ManifestError
from .offline_router import OfflineRouter
from .router import Decision, Router
from .spec import PluginSpec, load_plugin_spec

__all__ = [
    "UTTERANCES_NAME",
    "CheckReport",
    "Expectation",
    "Outcome",
    "PluginScore",
    "assert_routes",
    "load_plugins",
    "load_utterances",
    "route_check",
]

UTTERANCES_NAME = "utterances.json"
# What the samples must reach with the built-in router (issue 15).
FUNCTION_TARGET = 0.90
ARGUMENT_TARGET = 0.80


@dataclass(frozen=True)
class Expectation:
    """One line of ``utterances.json``."""

    say: str
    plugin: str | None
    function: str | None
    arguments: dict[str, Any]
    expect: str = "call"


@dataclass(frozen=True)
class Outcome:
    """How one expectation fared."""

    expectation: Expectation
    decision: Decision
    function_ok: bool
    arguments_ok: bool

    def describe(self) -> str:
        """One line for the misses list."""
        e, d = self.expectation, self.decision
        want = "no match" if e.expect == "no_match" else (
            f"{e.plugin}.{e.function}" + (" (clarify)" if e.expect == "clarify" else
                                          f" {json.dumps(e.arguments, ensure_ascii=False)}"))
        got = "no match" if d.kind == "no_match" else (
            f"{d.plugin}.{d.function}" + (f" (clarify: {d.question})" if d.kind == "clarify"
                                          else f" {json.dumps(d.arguments, ensure_ascii=False)}"))
        return f"{e.say!r}: wanted {want}, got {got}"


@dataclass
class PluginScore:
    """Accuracy over one plug-in's utterances."""

    plugin: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def function_hits(self) -> int:
        return sum(o.function_ok for o in self.outcomes)

    @property
    def argument_hits(self) -> int:
        return sum(o.function_ok and o.arguments_ok for o in self.outcomes)

    @property
    def function_accuracy(self) -> float:
        return self.function_hits / self.total if self.total else 1.0

    @property
    def argument_accuracy(self) -> float:
        return self.argument_hits / self.total if self.total else 1.0


@dataclass
class CheckReport:
    """What ``gassist-build route-check`` prints."""

    scores: list[PluginScore]
    problems: dict[str, str]   # plug-in -> why its utterances could not be checked
    router: str
    untested: list[str] = field(default_factory=list)  # plug-ins without utterances.json

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for s in self.scores for o in s.outcomes]

    @property
    def function_accuracy(self) -> float:
        items = self.outcomes
        return sum(o.function_ok for o in items) / len(items) if items else 1.0

    @property
    def argument_accuracy(self) -> float:
        items = self.outcomes
        return sum(o.function_ok and o.arguments_ok for o in items) / len(items) \
            if items else 1.0

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not (o.function_ok and o.arguments_ok)]

    def meets(self, function_target: float = FUNCTION_TARGET,
              argument_target: float = ARGUMENT_TARGET) -> bool:
        """Overall accuracy at or above both targets (and every file readable)."""
        return (not self.problems and self.function_accuracy >= function_target
                and self.argument_accuracy >= argument_target)

    def to_json(self) -> dict[str, Any]:
        return {
            "router": self.router,
            "function_accuracy": round(self.function_accuracy, 4),
            "argument_accuracy": round(self.argument_accuracy, 4),
            "plugins": [{"plugin": s.plugin, "utterances": s.total,
                         "function_accuracy": round(s.function_accuracy, 4),
                         "argument_accuracy": round(s.argument_accuracy, 4)}
                        for s in self.scores],
            "misses": [{"say": o.expectation.say, "plugin": o.expectation.plugin,
                        "wanted": o.expectation.function,
                        "arguments": o.expectation.arguments,
                        "got": o.decision.to_json()} for o in self.misses],
            "problems": dict(self.problems),
            "untested": list(self.untested),
        }


def load_utterances(path: str | Path, default_plugin: str | None = None) -> list[Expectation]:
    """Read an ``utterances.json``.

    Raises:
        ValueError: Not JSON, or an entry without ``say`` / without ``function``
            (unless ``expect`` is ``no_match``), or an unknown ``expect``.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read it as JSON ({exc})") from None
    entries = doc.get("utterances") if isinstance(doc, dict) else doc
    if not isinstance(entries, list):
        raise ValueError(f"{path}: needs an \"utterances\" list")
    plugin = doc.get("plugin", default_plugin) if isinstance(doc, dict) else default_plugin
    out = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("say"), str) \
                or not entry["say"].strip():
            raise ValueError(f"{path}: entry {number} needs a \"say\" sentence")
        expect = entry.get("expect", "call")
        if expect not in ("call", "clarify", "no_match"):
            raise ValueError(f"{path}: entry {number}: \"expect\" must be call, clarify or"
                             f" no_match, not {expect!r}")
        function = entry.get("function")
        if expect != "no_match" and not isinstance(function, str):
            raise ValueError(f"{path}: entry {number} ({entry['say']!r}) needs a \"function\"")
        arguments = entry.get("arguments", {})
        if not isinstance(arguments, dict):
            raise ValueError(f"{path}: entry {number}: \"arguments\" must be an object")
        out.append(Expectation(entry["say"], None if expect == "no_match" else
                               str(entry.get("plugin", plugin)), function if expect !=
                               "no_match" else None, arguments, expect))
    return out


def load_plugins(folder: str | Path) -> tuple[list[PluginSpec], dict[str, str]]:
    """The plug-ins of ``folder`` (a plug-ins folder, or one plug-in folder) and, by name,
    the folders whose manifest could not be read."""
    root = Path(folder)
    if (root / "manifest.json").is_file():
        folders = [root]
    else:
        folders = sorted(p for p in root.iterdir() if p.is_dir()
                         and not p.name.startswith((".", "__"))
                         and (p / "manifest.json").is_file())
    plugins, problems = [], {}
    for path in folders:
        try:
            plugins.append(load_plugin_spec(path))
        except ManifestError as exc:
            problems[path.name] = str(exc)
    return plugins, problems


def _grade(expectation: Expectation, decision: Decision) -> Outcome:
    if expectation.expect == "no_match":
        ok = decision.kind == "no_match"
        return Outcome(expectation, decision, ok, ok)
    same = (decision.plugin == expectation.plugin and decision.function == expectation.function)
    if expectation.expect == "clarify":
        ok = same and decision.kind == "clarify"
        return Outcome(expectation, decision, ok, ok)
    function_ok = same and decision.kind == "call"
    return Outcome(expectation, decision, function_ok,
                   function_ok and decision.arguments == expectation.arguments)


def route_check(folder: str | Path, router: Router | None = None, *,
                plugins: Sequence[PluginSpec] | None = None) -> CheckReport:
    """Route every ``utterances.json`` line of the plug-ins in ``folder`` and grade it.

    All the folder's plug-ins compete for every sentence, as in G-Assist.
    """
    router = router or OfflineRouter()
    loaded, problems = load_plugins(folder)
    pool = list(plugins) if plugins is not None else loaded
    scores, untested = [], []
    for spec in loaded:
        path = spec.folder / UTTERANCES_NAME
        if not path.is_file():
            untested.append(spec.name)
            continue
        try:
            expectations = load_utterances(path, spec.name)
        except ValueError as exc:
            problems[spec.name] = str(exc)
            continue
        score = PluginScore(spec.name)
        for expectation in expectations:
            score.outcomes.append(_grade(expectation, router.route(expectation.say, pool)))
        scores.append(score)
    return CheckReport(scores, problems, router.name, untested)


def assert_routes(utterance: str, plugins: str | Path | Sequence[PluginSpec],
                  function: str | None, arguments: dict[str, Any] | None = None, *,
                  plugin: str | None = None, router: Router | None = None) -> Decision:
    """Assert that ``utterance`` routes to ``function`` (with exactly ``arguments`` when given).

    ``plugins`` is a plug-in folder, a plug-ins folder or loaded specs;
    ``function=None`` asserts "no match". ``plugin`` pins the plug-in (default: any).
    Returns the decision for further checks; raises AssertionError saying what it
    decided and why otherwise::

        def test_live_question_routes():
            assert_routes("is ninja live?", "plugins/twitch", "check_twitch_live_status",
                          {"username": ["ninja"]})
    """
    specs = list(plugins) if not isinstance(plugins, (str, Path)) else load_plugins(plugins)[0]
    decision = (router or OfflineRouter()).route(utterance, specs)
    got = f"{decision.kind} {decision.plugin}.{decision.function} {decision.arguments}" \
        f" ({decision.explanation}{'; asks: ' + decision.question if decision.question else ''})"
    if function is None:
        assert decision.kind == "no_match", f"{utterance!r} should match nothing; got {got}"
        return decision
    assert decision.kind == "call" and decision.function == function and (
        plugin is None or decision.plugin == plugin), \
        f"{utterance!r} should call {plugin or '*'}.{function}; got {got}"
    if arguments is not None:
        assert decision.arguments == arguments, \
            f"{utterance!r} should pass {arguments}; got {decision.arguments} ({got})"
    return decision
