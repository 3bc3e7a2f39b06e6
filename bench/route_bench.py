# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""How fast and how right the built-in router is, beside a trivial baseline.

Loads the sample plug-ins of ``plugins/`` (their manifests only; nothing is
started), adds renamed copies until there are ``--plugins`` of them (10 by
default: more functions to rank, more words to weigh), then routes every line of
the samples' ``utterances.json`` ``--rounds`` times and reports the time per
decision (median, p95, max; the first call that builds the word index is timed
on its own), and the accuracy over the samples alone (a renamed copy would tie
with its original), for:

* ``offline``: :class:`gassist_build.host.offline_router.OfflineRouter`;
* ``exact name``: the baseline - a function is called when the words of its
  name (``get_top_twitch_streams`` -> get, top, twitch, streams) appear in the
  sentence, most words first; it extracts no arguments.

Usage::

    python bench/route_bench.py [--plugins N] [--rounds N] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gassist_build.host.offline_router import OfflineRouter
from gassist_build.host.routecheck import (
    UTTERANCES_NAME,
    Expectation,
    load_plugins,
    load_utterances,
)
from gassist_build.host.router import Decision, no_match
from gassist_build.host.spec import PluginSpec

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 5.0  # issue 15: a decision in under 5 ms for 10 plug-ins


class ExactNameRouter:
    """The baseline: the function whose name's words all appear in the sentence."""

    name = "exact name"

    def route(self, utterance: str, plugins: Sequence[PluginSpec],
              history: Sequence[tuple[str, str]] = ()) -> Decision:
        words = set(re.findall(r"[a-z0-9]+", utterance.lower()))
        best: tuple[int, PluginSpec, str] | None = None
        for plugin in plugins:
            for function in plugin.functions:
                parts = [p for p in function.name.lower().split("_") if p]
                if parts and all(p in words for p in parts) and (
                        best is None or len(parts) > best[0]):
                    best = (len(parts), plugin, function.name)
        if best is None:
            return no_match("no function name in the sentence", router=self.name)
        return Decision("call", best[1].name, best[2], {}, 1.0, "its name is in the sentence",
                        router=self.name)


def _pool(count: int) -> tuple[list[PluginSpec], list[PluginSpec], list[Expectation]]:
    samples, problems = load_plugins(ROOT / "plugins")
    if problems:
        raise SystemExit(f"cannot load {', '.join(problems)}: {problems}")
    expectations: list[Expectation] = []
    for spec in samples:
        path = spec.folder / UTTERANCES_NAME
        if path.is_file():
            expectations.extend(load_utterances(path, spec.name))
    pool = list(samples)
    copy = 0
    while len(pool) < count:
        source = samples[copy % len(samples)]
        copy += 1
        name = f"{source.name}_copy{copy}"
        pool.append(dataclasses.replace(source, folder=source.folder.parent / name,
                                        manifest={**source.manifest, "name": name}))
    return samples, pool, expectations


def _grade(expectation: Expectation, decision: Decision) -> tuple[bool, bool]:
    if expectation.expect == "no_match":
        return (decision.kind == "no_match",) * 2
    same = decision.plugin == expectation.plugin and decision.function == expectation.function
    if expectation.expect == "clarify":
        return (same and decision.kind == "clarify",) * 2
    ok = same and decision.kind == "call"
    return ok, ok and decision.arguments == expectation.arguments


def measure(router: Any, samples: list[PluginSpec], pool: list[PluginSpec],
            expectations: list[Expectation], rounds: int) -> dict[str, Any]:
    start = time.perf_counter()
    router.route(expectations[0].say, pool)
    first_ms = (time.perf_counter() - start) * 1000
    times: list[float] = []
    for _ in range(rounds):
        for expectation in expectations:
            start = time.perf_counter()
            router.route(expectation.say, pool)
            times.append((time.perf_counter() - start) * 1000)
    hits = [0, 0]
    for expectation in expectations:
        function_ok, arguments_ok = _grade(expectation, router.route(expectation.say, samples))
        hits[0] += function_ok
        hits[1] += arguments_ok
    times.sort()
    return {
        "router": router.name,
        "decisions": len(times),
        "first_ms": round(first_ms, 3),
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "max_ms": round(times[-1], 3),
        "function_accuracy": round(hits[0] / len(expectations), 4),
        "argument_accuracy": round(hits[1] / len(expectations), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugins", type=int, default=10, help="plug-ins to route among")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the utterances")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    options = parser.parse_args(argv)
    samples, pool, expectations = _pool(options.plugins)
    functions = sum(len(p.functions) for p in pool)
    rows = [measure(OfflineRouter(), samples, pool, expectations, options.rounds),
            measure(ExactNameRouter(), samples, pool, expectations, options.rounds)]
    if options.json:
        print(json.dumps({"plugins": len(pool), "functions": functions,
                          "utterances": len(expectations), "budget_ms": BUDGET_MS,
                          "routers": rows}, indent=2))
        return 0
    print(f"routing {len(expectations)} utterances among {len(pool)} plug-ins "
          f"({functions} functions), {options.rounds} rounds; budget {BUDGET_MS:g} ms/decision;"
          f" accuracy among the {len(samples)} samples")
    header = ("router", "median ms", "p95 ms", "max ms", "first ms", "function %",
              "exact args %")
    print(f"{header[0]:<12}" + "".join(f"{h:>14}" for h in header[1:]))
    for row in rows:
        print(f"{row['router']:<12}" + "".join(f"{v:>14}" for v in (
            f"{row['median_ms']:.3f}", f"{row['p95_ms']:.3f}", f"{row['max_ms']:.3f}",
            f"{row['first_ms']:.3f}", f"{row['function_accuracy'] * 100:.1f}",
            f"{row['argument_accuracy'] * 100:.1f}")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
