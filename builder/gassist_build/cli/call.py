# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build call``: start a plug-in, call one function, print its reply, stop it."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click
from rich.text import Text

from ..errors import ArgumentError, ReportedFailure
from ..host import ManifestError, PluginProcess, Timeouts, load_plugin_spec
from ..host.emulator import coerce_arguments, did_you_mean
from ._hosting import (
    EventPrinter,
    config_env,
    config_option,
    dev_option,
    log_dir_option,
    log_offset,
    make_console,
    print_failure,
    print_plugin_traceback,
    protocol_choice,
    protocol_option,
    secs,
    stops_plugins_on_signals,
    timeout_option,
    warn_unbuilt,
)

__all__ = ["call"]


@click.command("call")
@click.argument("plugin_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("function")
@click.argument("pairs", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--json", "json_args", metavar="ARGS",
              help='Arguments as a JSON object, e.g. \'{"name": "Ada"}\' (KEY=VALUE overrides).')
@protocol_option
@timeout_option
@log_dir_option
@config_option
@dev_option
@stops_plugins_on_signals
def call(plugin_dir: Path, function: str, pairs: tuple[str, ...], json_args: str | None,
         protocol: str, timeout: float, log_dir: Path | None, config_file: Path | None,
         dev: bool) -> None:
    """Start a plug-in, call one FUNCTION, print its streamed reply, stop it.

    Values are converted by the manifest's parameter types (n=3 is a number when
    n is declared "integer"). plugin.py runs as G-Assist runs it: only the
    standard library and the plug-in's libs/ are importable (--dev: this
    environment). Exits 0 when the call succeeds, 1 when it fails.
    """
    err = make_console(stderr=True)
    try:
        spec = load_plugin_spec(plugin_dir)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from None
    declared = spec.function(function)
    if declared is None:
        names = ", ".join(f.name for f in spec.functions) or "none"
        from ..manifest.sync import not_in_manifest_hint

        hint = not_in_manifest_hint(plugin_dir, function, isolated=not dev)
        raise click.UsageError(f"{spec.name} has no function {function!r} in manifest.json"
                               f" (functions: {names})"
                               + (f"; {hint}" if hint else
                                  did_you_mean(function, (f.name for f in spec.functions))))
    try:
        arguments, warnings = coerce_arguments(declared, list(pairs), json_args)
    except ArgumentError as exc:
        raise click.UsageError(str(exc)) from None
    for warning in warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    warn_unbuilt(err, plugin_dir, dev)
    printer = EventPrinter(err)
    printer.in_call = True  # one call: everything that goes wrong is part of it
    process = PluginProcess(spec, timeouts=Timeouts(execute=timeout), log_dir=log_dir,
                            protocol=protocol_choice(protocol), on_event=printer,
                            isolated=not dev, env=config_env(config_file))
    # The runtime logs a command's traceback to <log dir>/<name>.log (GASSIST_LOG_DIR).
    plugin_log = process.log_dir / f"{spec.name}.log"
    offset = log_offset(plugin_log)
    started = process.start()
    if not started.success:
        print_failure(err, started, process.log_path)
        err.print(Text(f"{spec.name} did not start.", style="bold red"))
        raise ReportedFailure()
    out = sys.stdout
    streamed: list[str] = []

    def show(chunk: str) -> None:
        streamed.append(chunk)
        out.write(chunk)
        out.flush()

    try:
        result = process.execute(function, arguments, on_chunk=show)
    finally:
        process.shutdown()
    # What the plug-in wrote to stderr (print(), log lines) during this run, on our stderr.
    said = [line for line in process.stderr_tail().splitlines()
            if not line.startswith("--- gassist-build:")]
    if said:
        err.print(Text(f"--- {spec.name} stderr (last lines; full log: "
                       f"{process.log_path.resolve()}) ---", style="dim"))
        err.print(Text("\n".join(said), style="dim"))
    if result.data:
        out.write(result.data)
    if result.text:
        out.write("\n")
    out.flush()
    for problem in result.problems:
        err.print(Text(f"warning: {problem}", style="yellow"))
    # Violations that did not end the call came after its answer (a second complete).
    late = [v for v in process.violations if result.error != f"protocol violation: {v}"]
    for violation in late:
        err.print(Text(f"✗ protocol violation: {violation}", style="bold red"))
    timing = f"start {secs(started.elapsed)}, call {secs(result.elapsed)}"
    if result.first_chunk_after is not None:
        timing += f", first chunk after {secs(result.first_chunk_after)}"
    if result.success and late:
        err.print(Text(f"✗ {spec.name}.{function} answered, then broke the protocol ({timing})",
                       style="bold red"))
        raise ReportedFailure()
    if result.success:
        session = " — keeps the session (passthrough: try `chat`)" if result.keep_session else ""
        err.print(Text(f"✓ {spec.name}.{function} succeeded ({timing}){session}",
                       style="green"))
        return
    print_failure(err, replace(result, stderr_tail=""), process.log_path)
    print_plugin_traceback(err, plugin_log, offset)
    err.print(Text(f"({timing})", style="dim"))
    raise ReportedFailure()
