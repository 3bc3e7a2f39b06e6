# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build call``, ``chat`` and ``check``: run plug-ins the way G-Assist does.

Thin wrappers: :mod:`gassist_build.host`, :mod:`gassist_build.host.emulator` and
:mod:`gassist_build.host.scorecard` do the work; this module parses and prints.
"""

from __future__ import annotations

import contextlib
import functools
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..errors import ArgumentError, ReportedFailure
from ..host import (
    CallOutcome,
    HostEvent,
    ManifestError,
    PluginProcess,
    Timeouts,
    load_plugin_spec,
)
from ..host.emulator import Emulator, coerce_arguments
from ..host.scorecard import DEFAULT_SKIP_TAGS, Scorecard, run_check
from ..host.stdio import processes

__all__ = ["call", "chat", "check"]

_EVENT_STYLE = {"violation": "bold red", "exited": "red", "watchdog": "yellow", "leftover": "red",
                "log": "dim", "status": "cyan", "restart": "yellow"}
_STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


def _console(stderr: bool = False) -> Console:
    # soft_wrap: messages with byte previews must not be cut (logs, grep, tests).
    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def _secs(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"


def _protocol(value: str) -> str | None:
    return None if value == "auto" else value


_protocol_option = click.option(
    "--protocol", type=click.Choice(["auto", "v1", "v2"]), default="auto", show_default=True,
    help="Wire protocol; auto reads protocol_version from manifest.json.")
_timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
    help="Seconds a call may take before the plug-in is killed (the engine's limit is 30).")
_log_dir_option = click.option(
    "--log-dir", type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the plug-ins' stderr logs (default: a gassist-build folder in the"
         " system temp directory).")


class _EventPrinter:
    """Prints host events (violations, crashes, watchdog) as they happen.

    While a call is in flight, a violation or an exit also ends that call and
    is printed with its result, so the event itself is not repeated.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self.lock = threading.Lock()
        self.in_call = False

    def __call__(self, event: HostEvent) -> None:
        if event.kind in ("started", "stopped"):
            return
        if self.in_call and event.kind in ("violation", "exited"):
            return
        with self.lock:
            self.console.print(Text(f"[{event.plugin}] {event.kind}: {event.message}",
                                    style=_EVENT_STYLE.get(event.kind, "")))


def _print_failure(console: Console, result: CallOutcome, log_path: Path | None) -> None:
    if result.data and result.error == result.data:
        # A failed `complete`: its text was just shown as the reply.
        console.print(Text(f"✗ failed ({result.failure})", style="bold red"))
    else:
        console.print(Text(f"✗ failed ({result.failure}): {result.error}", style="bold red"))
    if result.stderr_tail:
        console.print(Text("--- stderr (last lines) ---", style="dim"))
        console.print(Text(result.stderr_tail, style="dim"))
    if log_path is not None and result.failure not in ("plugin", None):
        console.print(Text(f"full stderr log: {log_path}", style="dim"))


_STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK")


def _stops_plugins_on_signals(command: Callable[..., None]) -> Callable[..., None]:
    """Make ``command`` kill every plug-in tree at once when gassist-build is signalled.

    SIGTERM would otherwise end the interpreter without running a single
    ``finally``, leaving the plug-ins running; SIGINT (Ctrl-C) would run the
    polite, seconds-long shutdown. After the kill, the command unwinds as usual
    (KeyboardInterrupt for SIGINT, exit status 128 + signal for the others),
    and the interpreter's exit kills anything left (:data:`host.stdio.processes`).
    """
    def stop(signum: int, frame: object) -> None:
        processes.kill_all()
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        if threading.current_thread() is not threading.main_thread():
            command(*args, **kwargs)  # signal handlers can only be set on the main thread
            return
        previous = {}
        for name in _STOP_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is not None:
                previous[signum] = signal.signal(signum, stop)
        try:
            command(*args, **kwargs)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    return run


# -- call -------------------------------------------------------------------------------


@click.command("call")
@click.argument("plugin_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("function")
@click.argument("pairs", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--json", "json_args", metavar="ARGS",
              help='Arguments as a JSON object, e.g. \'{"name": "Ada"}\' (KEY=VALUE overrides).')
@_protocol_option
@_timeout_option
@_log_dir_option
@_stops_plugins_on_signals
def call(plugin_dir: Path, function: str, pairs: tuple[str, ...], json_args: str | None,
         protocol: str, timeout: float, log_dir: Path | None) -> None:
    """Start a plug-in, call one FUNCTION, print its streamed reply, stop it.

    Values are converted by the manifest's parameter types (n=3 is a number when
    n is declared "integer"). Exits 0 when the call succeeds, 1 when it fails.
    """
    err = _console(stderr=True)
    try:
        spec = load_plugin_spec(plugin_dir)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from None
    declared = spec.function(function)
    if declared is None:
        names = ", ".join(f.name for f in spec.functions) or "none"
        raise click.UsageError(f"{spec.name} has no function {function!r} in manifest.json"
                               f" (functions: {names})")
    try:
        arguments, warnings = coerce_arguments(declared, list(pairs), json_args)
    except ArgumentError as exc:
        raise click.UsageError(str(exc)) from None
    for warning in warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    printer = _EventPrinter(err)
    printer.in_call = True  # one call: everything that goes wrong is part of it
    process = PluginProcess(spec, timeouts=Timeouts(execute=timeout), log_dir=log_dir,
                            protocol=_protocol(protocol), on_event=printer)
    started = process.start()
    if not started.success:
        _print_failure(err, started, process.log_path)
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
    timing = f"start {_secs(started.elapsed)}, call {_secs(result.elapsed)}"
    if result.first_chunk_after is not None:
        timing += f", first chunk after {_secs(result.first_chunk_after)}"
    if result.success and late:
        err.print(Text(f"✗ {spec.name}.{function} answered, then broke the protocol ({timing})",
                       style="bold red"))
        raise ReportedFailure()
    if result.success:
        session = " — keeps the session (passthrough: try `chat`)" if result.keep_session else ""
        err.print(Text(f"✓ {spec.name}.{function} succeeded ({timing}){session}",
                       style="green"))
        return
    _print_failure(err, result, process.log_path)
    err.print(Text(f"({timing})", style="dim"))
    raise ReportedFailure()


# -- chat -------------------------------------------------------------------------------

_CHAT_HELP = """\
/<plugin> <function> key=value ...   call a function (quote values with spaces)
/<plugin>                            list the plug-in's functions
text                                 reply to the plug-in that keeps the session
/plugins   list plug-ins     /help   this text     /quit   stop everything"""


def _show_plugins(console: Console, emulator: Emulator) -> None:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("plug-in")
    table.add_column("protocol")
    table.add_column("start")
    table.add_column("functions")
    for name, hosted in sorted(emulator.plugins.items()):
        spec = hosted.spec
        table.add_row(escape(name), spec.protocol.upper(),
                      "at load" if spec.persistent else "on first call",
                      escape(", ".join(f.name for f in spec.functions) or "-"))
    console.print(table)
    for name, reasons in sorted(emulator.rejected.items()):
        console.print(Text(f"not loaded: {name}: {'; '.join(reasons)}", style="red"))
    for name, warnings in sorted(emulator.warnings.items()):
        for warning in warnings:
            console.print(Text(f"warning: {name}: {warning}", style="yellow"))


def _run_chat_line(console: Console, emulator: Emulator, line: str,
                   printer: _EventPrinter) -> None:
    if line.startswith("/"):
        target = line[1:].split(maxsplit=1)[0] if len(line) > 1 else ""
        plugin = emulator.plugin(target).name
    elif emulator.active_session is not None:
        plugin = emulator.active_session
    else:
        raise ArgumentError("no plug-in is waiting for input; call one first:"
                            " /<plugin> <function> key=value ... (/help lists commands)")

    def warn(message: str) -> None:
        console.print(Text(f"warning: {message}", style="yellow"))

    prefixed = False

    def show(text: str) -> None:
        # The engine shows replies after an italic `<plugin>>` prefix; chunks follow live.
        nonlocal prefixed
        if not prefixed:
            console.print(Text(f"{plugin}> ", style="italic"), end="")
            prefixed = True
        console.print(Text(text), end="")

    printer.in_call = True
    try:
        result = emulator.run_line(line, on_chunk=show, on_warning=warn)
    finally:
        printer.in_call = False
    if result.data:
        show(result.data)
    if prefixed:
        console.print()
    for problem in result.problems:
        warn(problem)
    timing = _secs(result.elapsed)
    if result.first_chunk_after is not None:
        timing += f", first chunk after {_secs(result.first_chunk_after)}"
    if not result.success:
        hosted = emulator.plugins.get(plugin)
        log_path = hosted.process.log_path if hosted and hosted.process else None
        _print_failure(console, result, log_path)
    console.print(Text(f"({timing})", style="dim"))
    if emulator.active_session is not None:
        console.print(Text(f"{emulator.active_session} keeps the session: type your reply"
                           " (or /quit)", style="cyan"))


@click.command("chat")
@click.option("--plugins-dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with one subfolder per plug-in, like the engine's plugins folder.")
@_timeout_option
@_log_dir_option
@_stops_plugins_on_signals
def chat(plugins_dir: Path, timeout: float, log_dir: Path | None) -> None:
    """Host every plug-in of a folder and talk to them, one line at a time.

    Reads commands from stdin, so it also runs from a pipe or a script:
    /<plugin> <function> key=value ... calls a function; other text goes to the
    plug-in that keeps the session (passthrough); /quit stops everything.
    """
    console = _console()
    stdin = click.get_text_stream("stdin")
    interactive = stdin.isatty()
    printer = _EventPrinter(console)
    emulator = Emulator(plugins_dir, timeouts=Timeouts(execute=timeout), log_dir=log_dir,
                        on_event=printer)
    console.print(Text(f"G-Assist emulator: {len(emulator.plugins)} plug-in(s) in"
                       f" {plugins_dir}", style="bold"))
    _show_plugins(console, emulator)
    for name, failed in emulator.start_persistent().items():
        console.print(Text(f"{name} did not start:", style="bold red"))
        process = emulator.plugins[name].process
        _print_failure(console, failed, process.log_path if process is not None else None)
    console.print(Text("Type /help for commands.", style="dim"))
    try:
        while True:
            if interactive:
                prompt = f"{emulator.active_session or 'you'}< "
                console.print(Text(prompt, style="bold"), end="")
            line = stdin.readline()
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if not interactive:
                console.print(Text(f"> {line}", style="bold"))
            if line in ("/quit", "/exit"):
                break
            if line == "/help":
                console.print(Text(_CHAT_HELP))
                continue
            if line == "/plugins":
                _show_plugins(console, emulator)
                continue
            try:
                if line.startswith("/") and len(line.split()) == 1:
                    hosted = emulator.plugin(line[1:])
                    for function in hosted.spec.functions:
                        params = " ".join(f"{p}=<{function.param_type(p) or 'value'}>"
                                          for p in function.properties)
                        console.print(Text(f"/{hosted.name} {function.name} {params}".rstrip()
                                           + f"   {function.description}"))
                    continue
                _run_chat_line(console, emulator, line, printer)
            except ArgumentError as exc:
                console.print(Text(str(exc), style="red"))
    finally:
        reports = emulator.close()
        for name, report in reports.items():
            if report.step != "already-exited":
                console.print(Text(f"{name}: stopped ({report.step}, {_secs(report.elapsed)})",
                                   style="dim"))


# -- check ------------------------------------------------------------------------------


def _print_scorecard(console: Console, card: Scorecard) -> None:
    console.print(Text(f"{card.plugin} ({card.protocol.upper()}) — {card.folder}", style="bold"))
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("result")
    table.add_column("check")
    table.add_column("measured", justify="right")
    table.add_column("detail", overflow="fold")
    for item in card.items:
        table.add_row(Text(item.status.upper(), style=_STATUS_STYLE[item.status]),
                      Text(item.title), Text(item.measured), Text(item.detail))
    console.print(table)
    counts = card.counts()
    summary = ", ".join(f"{counts[s]} {s}" for s in ("pass", "warn", "fail", "skip"))
    verdict = Text("PASSED" if card.ok else "FAILED",
                   style="bold green" if card.ok else "bold red")
    console.print(Text.assemble(verdict, f" — {summary} in {card.elapsed:.2f} s"
                                f" ({card.starts} process start(s))"))
    if not card.ok and card.stderr_tail:
        console.print(Text("--- plug-in stderr (last lines) ---", style="dim"))
        console.print(Text(card.stderr_tail, style="dim"))
    if not card.ok and card.log_path is not None:
        console.print(Text(f"full stderr log: {card.log_path}", style="dim"))


@click.command("check")
@click.argument("plugin_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON.")
@click.option("--skip", default="", metavar="F1,F2",
              help="Functions not to call (they change real state). Functions tagged"
                   f" {' or '.join(sorted(DEFAULT_SKIP_TAGS))} are skipped anyway.")
@_protocol_option
@_timeout_option
@_log_dir_option
@_stops_plugins_on_signals
def check(plugin_dir: Path, as_json: bool, skip: str, protocol: str, timeout: float,
          log_dir: Path | None) -> None:
    """Run the conformance scorecard against a plug-in: every item measured live.

    Exits 1 when any item fails (warnings alone exit 0).
    """
    skipped = [name.strip() for name in skip.split(",") if name.strip()]
    err = _console(stderr=True)
    with contextlib.ExitStack() as stack:
        progress: Callable[[str], None] | None = None
        if not as_json and err.is_terminal:
            status = stack.enter_context(err.status("checking"))
            progress = status.update
        card = run_check(plugin_dir, skip=skipped, protocol=_protocol(protocol),
                         call_timeout=timeout, log_dir=log_dir, progress=progress)
    if as_json:
        click.echo(json.dumps(card.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_scorecard(_console(), card)
    if not card.ok:
        raise ReportedFailure()
