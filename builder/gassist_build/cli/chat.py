# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build chat``: host plug-ins and talk to them a line at a time, like the overlay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..errors import ArgumentError
from ..host import CallOutcome, ManifestError, Timeouts, load_plugin_spec
from ..host.emulator import Emulator
from ..host.offline_router import answer_clarification
from ..host.router import Decision, Router
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
    secs,
    stops_plugins_on_signals,
    timeout_option,
    warn_unbuilt,
)
from .route import describe_decision, llm_options, make_router

__all__ = ["chat"]


_CHAT_HELP = """\
what you would say to G-Assist       routed to a plug-in's function (shown, then called)
/<plugin> <what you would say>       the same, among that plug-in's functions only
/<plugin> <function> key=value ...   call a function (quote values with spaces)
/<plugin>                            list the plug-in's functions
text, while a plug-in keeps the session: your reply to it
/plugins   list plug-ins     /reload  restart plug-ins, re-read manifests
/help      this text         /quit    stop everything"""

_CANCEL = {"cancel", "never mind", "nevermind", "forget it", "stop", "no"}


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
                   printer: EventPrinter) -> CallOutcome:
    if line.startswith("/"):
        target = line[1:].split(maxsplit=1)[0] if len(line) > 1 else ""
        plugin = emulator.plugin(target).name
    elif emulator.active_session is not None:
        plugin = emulator.active_session
    else:
        raise ArgumentError("no plug-in is waiting for input; call one first:"
                            " /<plugin> <function> key=value ... (/help lists commands)")
    return _run_call(console, emulator, plugin, printer,
                     lambda show, warn: emulator.run_line(line, on_chunk=show, on_warning=warn))


def _run_call(console: Console, emulator: Emulator, plugin: str, printer: EventPrinter,
              run: Any) -> CallOutcome:
    """Run one call or reply (``run(on_chunk, on_warning)``) and print it as the overlay would."""

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

    hosted = emulator.plugins.get(plugin)
    plugin_log = None
    if hosted is not None:
        # The runtime logs a command's traceback to <log dir>/<name>.log.
        log_dir = hosted.process.log_dir if hosted.process else emulator.log_dir
        plugin_log = log_dir / f"{hosted.name}.log"
    offset = log_offset(plugin_log) if plugin_log is not None else 0
    printer.in_call = True
    try:
        result: CallOutcome = run(show, warn)
    finally:
        printer.in_call = False
    if result.data:
        show(result.data)
    if prefixed:
        console.print()
    for problem in result.problems:
        warn(problem)
    timing = secs(result.elapsed)
    if result.first_chunk_after is not None:
        timing += f", first chunk after {secs(result.first_chunk_after)}"
    if not result.success:
        hosted = emulator.plugins.get(plugin)
        log_path = hosted.process.log_path if hosted and hosted.process else None
        print_failure(console, result, log_path)
        if plugin_log is not None:
            print_plugin_traceback(console, plugin_log, offset)
    console.print(Text(f"({timing})", style="dim"))
    if emulator.active_session is not None:
        console.print(Text(f"{emulator.active_session} keeps the session: type your reply"
                           " (or /quit)", style="cyan"))
    return result


def _is_function_call(emulator: Emulator, line: str) -> bool:
    """``/plugin function k=v ...`` (the old form) rather than ``/plugin what you would say``."""
    words = line[1:].split()
    if len(words) < 2:
        return True
    hosted = emulator.plugins.get(words[0]) or next(
        (p for n, p in emulator.plugins.items() if n.lower() == words[0].lower()), None)
    if hosted is None:
        return True  # let run_line name the missing plug-in
    second = words[1]
    return (hosted.spec.function(second) is not None or "_" in second
            or any("=" in w for w in words[1:]))


class _Conversation:
    """Free text in ``chat``: route it, show the decision and why, then call.

    A clarifying question stays open for the next line (the answer fills the
    missing argument; "cancel" drops it). While a plug-in keeps a passthrough
    session, free text goes to it, not to the router.
    """

    def __init__(self, router: Router) -> None:
        self.router = router
        self.history: list[tuple[str, str]] = []
        self.pending: Decision | None = None

    def handle(self, console: Console, emulator: Emulator, line: str,
               printer: EventPrinter) -> None:
        plugins = [hosted.spec for hosted in emulator.plugins.values()]
        if self.pending is not None:
            pending, self.pending = self.pending, None
            if line.strip().lower().rstrip(".!") in _CANCEL:
                console.print(Text("(cancelled)", style="dim"))
                return
            decision = answer_clarification(pending, line, plugins)
        else:
            decision = self.router.route(line, plugins, self.history)
        self.history.append(("user", line))
        describe_decision(console, decision)
        if decision.kind == "clarify":
            self.pending = decision  # the next line answers the question
            return
        if decision.kind != "call" or decision.plugin is None or decision.function is None:
            if emulator.active_session is None:
                console.print(Text("no plug-in is waiting for input and nothing matched: say it"
                                   " another way, or call one: /<plugin> <function> key=value ..."
                                   " (/help lists commands)", style="red"))
            return
        name, function, arguments = decision.plugin, decision.function, decision.arguments
        result = _run_call(console, emulator, name, printer,
                           lambda show, warn: emulator.call(name, function, arguments,
                                                            on_chunk=show))
        self.history.append((name, result.data or result.error or ""))


def _load(console: Console, plugin_dir: Path | None, plugins_dir: Path, printer: EventPrinter,
          options: dict[str, Any]) -> Emulator:
    if plugin_dir is not None:
        emulator = Emulator(on_event=printer, **options)
        try:
            emulator.add(load_plugin_spec(plugin_dir))
        except ManifestError as exc:
            emulator.rejected[plugin_dir.name] = [str(exc)]
        where = plugin_dir
    else:
        emulator = Emulator(plugins_dir, on_event=printer, **options)
        where = plugins_dir
    console.print(Text(f"G-Assist emulator: {len(emulator.plugins)} plug-in(s) in {where}",
                       style="bold"))
    _show_plugins(console, emulator)
    for name, failed in emulator.start_persistent().items():
        console.print(Text(f"{name} did not start:", style="bold red"))
        process = emulator.plugins[name].process
        print_failure(console, failed, process.log_path if process is not None else None)
    return emulator


@click.command("chat")
@click.argument("plugin_dir", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--plugins-dir",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with one subfolder per plug-in, like the engine's plugins folder.")
@timeout_option
@log_dir_option
@config_option
@dev_option
@llm_options
@stops_plugins_on_signals
def chat(plugin_dir: Path | None, plugins_dir: Path | None, timeout: float,
         log_dir: Path | None, config_file: Path | None, dev: bool, llm_url: str | None,
         llm_model: str | None, llm_key_env: str, llm_timeout: float) -> None:
    """Host one plug-in (PLUGIN_DIR) or every plug-in of --plugins-dir and talk to them.

    Reads commands from stdin, so it also runs from a pipe or a script. Say what a
    user would say ("Hey twitch, is ninja live?"): the line is routed to a
    plug-in's function and the decision is shown, with why, before the call (a
    missing argument is asked for first). /<plugin> <function> key=value ... calls
    a function directly; while a plug-in keeps the session (passthrough) text goes
    to it; /reload restarts the plug-ins; /quit stops everything. plugin.py runs as
    G-Assist runs it (only the standard library and libs/ importable); --dev uses
    this environment. The built-in router is used unless --llm-url names a model
    server.
    """
    if (plugin_dir is None) == (plugins_dir is None):
        raise click.UsageError("give one plug-in folder (PLUGIN_DIR) or --plugins-dir, not"
                               " both or neither")
    conversation = _Conversation(make_router(llm_url, llm_model, llm_key_env, llm_timeout))
    console = make_console()
    stdin = click.get_text_stream("stdin")
    interactive = stdin.isatty()
    printer = EventPrinter(console)
    if plugin_dir is not None:
        folders = [plugin_dir]
    else:
        assert plugins_dir is not None  # one of the two, checked above
        folders = sorted(p for p in plugins_dir.iterdir() if (p / "manifest.json").is_file())
    for folder in folders:
        warn_unbuilt(console, folder, dev)
    options: dict[str, Any] = {"timeouts": Timeouts(execute=timeout), "log_dir": log_dir,
                                  "isolated": not dev, "env": config_env(config_file)}
    emulator = _load(console, plugin_dir, plugins_dir or Path(), printer, options)
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
            if line == "/reload":
                emulator.close()
                conversation.pending = None
                emulator = _load(console, plugin_dir, plugins_dir or Path(), printer, options)
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
                if line.startswith("/"):
                    conversation.pending = None
                    if _is_function_call(emulator, line):
                        _run_chat_line(console, emulator, line, printer)
                    else:  # "/spotify play Blinding Lights": routed among its functions
                        conversation.handle(console, emulator, line, printer)
                elif emulator.active_session is not None:
                    session = emulator.active_session
                    result = _run_chat_line(console, emulator, line, printer)  # passthrough
                    conversation.history += [("user", line),
                                             (session, result.data or result.error or "")]
                else:
                    conversation.handle(console, emulator, line, printer)
            except ArgumentError as exc:
                console.print(Text(str(exc), style="red"))
    finally:
        reports = emulator.close()
        for name, report in reports.items():
            if report.step != "already-exited":
                console.print(Text(f"{name}: stopped ({report.step}, {secs(report.elapsed)})",
                                   style="dim"))
