# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build route`` and ``route-check``: what a sentence would call, without calling it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from ..host.offline_router import OfflineRouter
from ..host.routecheck import (
    ARGUMENT_TARGET,
    FUNCTION_TARGET,
    UTTERANCES_NAME,
    load_plugins,
    route_check,
)
from ..host.router import Decision, Router
from ._hosting import make_console

__all__ = ["describe_decision", "llm_options", "make_router", "route_check_command",
           "route_command"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_LLM_KEY_ENV = "GASSIST_LLM_API_KEY"


def llm_options(command: F) -> F:
    """``--llm-url``, ``--llm-model``, ``--llm-key-env``, ``--llm-timeout``."""
    options = [
        click.option("--llm-url", metavar="URL",
                     help="Route with a local model instead: base URL of an OpenAI-compatible"
                          " server with tool calling (Ollama http://localhost:11434/v1, LM Studio,"
                          " llama.cpp server, NIM). The built-in router decides when it fails."),
        click.option("--llm-model", metavar="NAME", help="The model name the server knows."),
        click.option("--llm-key-env", metavar="VAR", default=DEFAULT_LLM_KEY_ENV,
                     show_default=True,
                     help="Environment variable holding the server's API key (local servers"
                          " need none)."),
        click.option("--llm-timeout", type=click.FloatRange(min=0.1), default=10.0,
                     show_default=True,
                     help="Seconds the model may take before the built-in router decides."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_router(llm_url: str | None, llm_model: str | None, llm_key_env: str = DEFAULT_LLM_KEY_ENV,
                llm_timeout: float = 10.0) -> Router:
    """The offline router, or the LLM router (falling back to it) when ``llm_url`` is given."""
    offline = OfflineRouter()
    if not llm_url:
        if llm_model:
            raise click.UsageError("--llm-model needs --llm-url (the server to ask)")
        return offline
    if not llm_model:
        raise click.UsageError("--llm-url needs --llm-model (the model the server should use)")
    from ..host.llm_router import LLMRouter  # only when asked for

    try:
        return LLMRouter(llm_url, llm_model, api_key_env=llm_key_env, timeout=llm_timeout,
                         fallback=offline)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _arguments_text(arguments: dict[str, Any]) -> str:
    return " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items())


def _router_text(router: str) -> str:
    # "offline (llm timed out)" -> "offline router — llm timed out"
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", router.strip())
    if match is None:
        return f"{router} router"
    return f"{match.group(1)} router — {match.group(2)}"


def describe_decision(console: Console, decision: Decision) -> None:
    """Print a decision the way ``chat`` and ``route`` show it (what, how sure, why)."""
    tail = f"  (confidence {decision.confidence:.2f}, {_router_text(decision.router)})"
    if decision.kind == "call":
        line = f"→ {decision.plugin}.{decision.function} {_arguments_text(decision.arguments)}"
        console.print(Text(line.rstrip(), style="bold green"), Text(tail, style="dim"))
    elif decision.kind == "clarify":
        line = f"? {decision.plugin}.{decision.function} {_arguments_text(decision.arguments)}"
        console.print(Text(line.rstrip(), style="bold yellow"), Text(tail, style="dim"))
        console.print(Text(f"  asks: {decision.question}", style="yellow"))
    else:
        console.print(Text("✗ no match", style="bold red"), Text(tail, style="dim"))
    console.print(Text(f"  why: {decision.explanation}", style="dim"))
    if decision.kind != "call" and decision.candidates:
        closest = ", ".join(f"{c.plugin}.{c.function} ({c.score:.1f})"
                            for c in decision.candidates)
        console.print(Text(f"  closest: {closest}", style="dim"))


@click.command("route")
@click.argument("plugins_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("utterance")
@click.option("--json", "as_json", is_flag=True,
              help="Print the decision as JSON (kind, plugin, function, arguments, confidence,"
                   " explanation, question, router, candidates).")
@llm_options
def route_command(plugins_dir: Path, utterance: str, as_json: bool, llm_url: str | None,
                  llm_model: str | None, llm_key_env: str, llm_timeout: float) -> None:
    """Show which plug-in, function and arguments UTTERANCE routes to; nothing is called.

    PLUGINS_DIR is a folder of plug-ins (one subfolder each) or one plug-in folder;
    only the manifests are read. Exit status: 0 for a call, 1 for no match or a
    clarifying question.
    """
    router = make_router(llm_url, llm_model, llm_key_env, llm_timeout)
    plugins, problems = load_plugins(plugins_dir)
    err = make_console(stderr=True)
    for name, problem in sorted(problems.items()):
        err.print(Text(f"not loaded: {name}: {problem}", style="yellow"))
    decision = router.route(utterance, plugins)
    if as_json:
        click.echo(json.dumps(decision.to_json(), indent=2, ensure_ascii=False))
    else:
        describe_decision(make_console(), decision)
    raise SystemExit(0 if decision.kind == "call" else 1)


@click.command("route-check")
@click.argument("plugins_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--min-function", type=click.FloatRange(0, 100), default=FUNCTION_TARGET * 100,
              show_default=True, help="Exit 1 when function accuracy (%) is below this.")
@click.option("--min-arguments", type=click.FloatRange(0, 100), default=ARGUMENT_TARGET * 100,
              show_default=True, help="Exit 1 when exact-argument accuracy (%) is below this.")
@click.option("--strict", is_flag=True, help="Exit 1 on any miss.")
@llm_options
def route_check_command(plugins_dir: Path, as_json: bool, min_function: float,
                        min_arguments: float, strict: bool, llm_url: str | None,
                        llm_model: str | None, llm_key_env: str, llm_timeout: float) -> None:
    """Route every line of each plug-in's utterances.json and grade the decisions.

    Prints function accuracy and exact-argument accuracy per plug-in and overall,
    then every miss with what was decided and why. All plug-ins of PLUGINS_DIR
    compete for every sentence, as in G-Assist. Exit status 1 below the targets,
    on any miss with --strict, or when an utterances.json cannot be read.
    """
    router = make_router(llm_url, llm_model, llm_key_env, llm_timeout)
    report = route_check(plugins_dir, router)
    passed = report.meets(min_function / 100, min_arguments / 100) and not (
        strict and report.misses)
    if as_json:
        click.echo(json.dumps({**report.to_json(), "passed": passed}, indent=2,
                              ensure_ascii=False))
        raise SystemExit(0 if passed else 1)
    console = make_console()
    if not report.scores and not report.problems:
        console.print(Text(f"no utterances.json in {plugins_dir} or its plug-in folders",
                           style="red"))
        raise SystemExit(1)
    width = max([16, *(len(s.plugin) + 2 for s in report.scores)])
    console.print(Text(f"{'plug-in':<{width}}{'utterances':>11}{'function':>10}"
                       f"{'arguments':>11}", style="bold"))
    for score in report.scores:
        console.print(f"{score.plugin:<{width}}{score.total:>11}"
                      f"{score.function_accuracy:>10.0%}{score.argument_accuracy:>11.0%}")
    total = len(report.outcomes)
    console.print(Text(f"{'overall':<{width}}{total:>11}{report.function_accuracy:>10.1%}"
                       f"{report.argument_accuracy:>11.1%}", style="bold"))
    for name, problem in sorted(report.problems.items()):
        console.print(Text(f"cannot check {name}: {problem}", style="red"))
    if report.untested:
        console.print(Text(f"no {UTTERANCES_NAME} (not checked): {', '.join(report.untested)}",
                           style="yellow"))
    if report.misses:
        console.print(Text(f"misses ({len(report.misses)}):", style="bold"))
        for outcome in report.misses:
            console.print(Text(f"  {outcome.describe()}"))
            console.print(Text(f"    why: {outcome.decision.explanation}", style="dim"))
    verdict = (f"targets: function ≥ {min_function:g}%, exact arguments ≥ {min_arguments:g}%"
               + (", no misses" if strict else "") + (" - met" if passed else " - NOT met"))
    console.print(Text(verdict, style="green" if passed else "bold red"))
    raise SystemExit(0 if passed else 1)
