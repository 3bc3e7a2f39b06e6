# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What ``call``, ``chat`` and ``check`` share: options, event and failure printing, signals."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from .._isolation import unbuilt_warning
from .._steps import console_for
from ..host import CallOutcome, HostEvent
from ..host.stdio import processes
from ._options import dev_option

__all__ = [
    "CONFIG_ENV",
    "EventPrinter",
    "config_env",
    "config_option",
    "dev_option",
    "log_dir_option",
    "log_offset",
    "make_console",
    "print_failure",
    "print_plugin_traceback",
    "protocol_choice",
    "protocol_option",
    "secs",
    "stops_plugins_on_signals",
    "timeout_option",
    "warn_unbuilt",
]

_EVENT_STYLE = {"violation": "bold red", "exited": "red", "watchdog": "yellow", "leftover": "red",
                "log": "dim", "status": "cyan", "restart": "yellow"}


def make_console(stderr: bool = False) -> Console:
    # Messages with byte previews must not be cut (logs, grep, tests): no wrapping and
    # no ANSI codes when piped (see console_for).
    return console_for(stderr=stderr)


def secs(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"


def protocol_choice(value: str) -> str | None:
    return None if value == "auto" else value


protocol_option = click.option(
    "--protocol", type=click.Choice(["auto", "v1", "v2"]), default="auto", show_default=True,
    help="Wire protocol; auto reads protocol_version from manifest.json.")
timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
    help="Seconds a call may take before the plug-in is killed (the engine's limit is 30).")
log_dir_option = click.option(
    "--log-dir", type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the plug-ins' stderr logs (default: a gassist-build folder in the"
         " system temp directory).")

config_option = click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="config.json for the plug-in to read instead of the one in its folder"
         " (sets GASSIST_CONFIG).")

# The runtime reads config.json from this path when it is set (gassist_sdk._config).
CONFIG_ENV = "GASSIST_CONFIG"


def config_env(config_file: Path | None) -> dict[str, str]:
    """The plug-in environment that points the runtime at ``config_file`` (if any)."""
    return {CONFIG_ENV: str(config_file.resolve())} if config_file is not None else {}


def warn_unbuilt(console: Console, folder: Path, dev: bool) -> None:
    """Say once that ``folder`` runs isolated although it was never built."""
    if dev:
        return
    warning = unbuilt_warning(folder)
    if warning is not None:
        console.print(Text(f"warning: {warning}", style="yellow"))


class EventPrinter:
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


def print_failure(console: Console, result: CallOutcome, log_path: Path | None) -> None:
    if result.data and result.error == result.data:
        # A failed `complete`: its text was just shown as the reply.
        console.print(Text(f"✗ failed ({result.failure})", style="bold red"))
    else:
        console.print(Text(f"✗ failed ({result.failure}): {result.error}", style="bold red"))
    if result.stderr_tail:
        console.print(Text("--- stderr (last lines) ---", style="dim"))
        console.print(Text(result.stderr_tail, style="dim"))
    if log_path is not None and result.failure not in ("plugin", None):
        console.print(Text(f"full stderr log: {log_path.resolve()}", style="dim"))


def log_offset(path: Path) -> int:
    """The size of ``path`` now (0 when missing): where this run's lines begin."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _plugin_frames(block: list[str]) -> list[str]:
    # Keep the frames of the plug-in's own code (and what follows them), not the runtime's.
    kept: list[str] = []
    skipping = False
    for line in block[1:]:
        if line.startswith("  File "):
            skipping = "gassist_sdk/" in line.replace("\\", "/")
        if not skipping:
            kept.append(line)
    return kept


def print_plugin_traceback(console: Console, log_file: Path, offset: int) -> None:
    """Show the last traceback the plug-in logged after ``offset``, its own frames only."""
    try:
        with log_file.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if not starts:
        return
    block = [lines[starts[-1]]]
    for line in lines[starts[-1] + 1:]:
        block.append(line)
        if not line.startswith(" "):
            break  # the exception line ends the traceback
    console.print(Text("--- traceback (plug-in frames) ---", style="dim"))
    console.print(Text("\n".join(_plugin_frames(block)), style="red"))
    console.print(Text(f"plug-in log: {log_file.resolve()}", style="dim"))


_STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK")


def stops_plugins_on_signals(command: Callable[..., None]) -> Callable[..., None]:
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


