# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-ins folder hosted the way G-Assist hosts it.

:func:`discover` finds one plug-in per subfolder and reports those it cannot
load with the validator's messages. :class:`Emulator` keeps a registry of
:class:`HostedPlugin` objects, starts persistent plug-ins at load and the
others on first call, restarts a plug-in whose process died, routes
``/plugin function key=value`` lines and passthrough turns, and shuts
everything down in order.
"""

from __future__ import annotations

import difflib
import json
import shlex
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gassist_sdk._introspect import parse_bool

from ..errors import ArgumentError, ManifestError
from .process import PluginProcess
from .results import CallOutcome, ChunkSink, EventSink, HostEvent, ShutdownReport, Timeouts
from .spec import FunctionSpec, PluginSpec, load_plugin_spec
from .stdio import default_log_dir

__all__ = [
    "ArgumentError",
    "Command",
    "Discovery",
    "Emulator",
    "HostedPlugin",
    "coerce_arguments",
    "did_you_mean",
    "discover",
    "parse_command",
    "validator_problems",
]


# -- discovery --------------------------------------------------------------------------


def validator_problems(folder: Path, *, check_code: bool = False) -> tuple[list[str], list[str]]:
    """The validator's (errors, warnings) for a plug-in folder, as text.

    Falls back to the host's own manifest loading when the validator is not
    installed, so discovery never depends on it.
    """
    try:
        from ..manifest.validate import validate_plugin
    except ImportError:
        try:
            load_plugin_spec(folder)
        except ManifestError as exc:
            return [str(exc)], []
        return [], []
    report = validate_plugin(folder, check_code=check_code)
    errors = [f"{p.path}: {p.message}" for p in report.errors]
    warnings = [f"{p.path}: {p.message}" for p in report.warnings]
    return errors, warnings


@dataclass
class Discovery:
    """What a plug-ins folder holds.

    Attributes:
        plugins: Loadable plug-ins by invocation (folder) name.
        rejected: Folders that cannot be loaded, with the reasons.
        warnings: Validator warnings of loadable plug-ins.
    """

    plugins: dict[str, PluginSpec] = field(default_factory=dict)
    rejected: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def discover(plugins_dir: str | Path) -> Discovery:
    """Find the plug-ins in ``plugins_dir`` (one subfolder each, manifest.json inside).

    Folders without a manifest.json, or with one the validator rejects, are
    listed in :attr:`Discovery.rejected` with the reasons — never skipped
    silently. Hidden folders and ``__pycache__`` are ignored.
    """
    root = Path(plugins_dir)
    if not root.is_dir():
        raise ArgumentError(f"plug-ins folder {root} does not exist")
    found = Discovery()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "__")):
            continue
        if not (folder / "manifest.json").is_file():
            found.rejected[folder.name] = ["no manifest.json in this folder"]
            continue
        errors, warnings = validator_problems(folder)
        if not errors:
            try:
                spec = load_plugin_spec(folder)
            except ManifestError as exc:
                errors = [str(exc)]
        if errors:
            found.rejected[folder.name] = errors
            continue
        found.plugins[folder.name] = spec
        if warnings:
            found.warnings[folder.name] = warnings
    return found


# -- arguments --------------------------------------------------------------------------



def _coerce(function: FunctionSpec, name: str, text: str) -> Any:
    kind = function.param_type(name)
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ArgumentError(f"{name} expects an integer, got {text!r}") from None
    if kind == "number":
        try:
            return int(text) if text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            raise ArgumentError(f"{name} expects a number, got {text!r}") from None
    if kind == "boolean":
        flag = parse_bool(text)
        if flag is not None:
            return flag
        raise ArgumentError(f"{name} expects true or false, got {text!r}")
    if kind in ("array", "object"):
        if text.startswith(("[", "{")):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ArgumentError(f"{name}: {text!r} is not valid JSON ({exc.msg})") from None
        if kind == "array":
            return [part.strip() for part in text.split(",") if part.strip()]
        raise ArgumentError(f"{name} expects a JSON object, got {text!r}")
    return text


def closest_name(word: str, known: Iterable[str]) -> str | None:
    """The name of ``known`` a mistyped ``word`` most likely meant, or None.

    The cutoff is strict (0.75): at difflib's 0.6, ``colour`` was offered ``loud``.
    """
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest of ``known`` to a mistyped ``word``, or ``""``."""
    close = closest_name(word, known)
    return f" (did you mean {close!r}?)" if close else ""


def coerce_arguments(
    function: FunctionSpec, pairs: list[str], json_args: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Build a call's arguments from ``key=value`` words and an optional JSON object.

    Values are converted by the manifest's parameter types; ``json_args`` is
    applied first and ``key=value`` words override it.

    Returns:
        The arguments and warnings (undeclared parameters, values outside an enum,
        missing required parameters — the plug-in, not the emulator, rejects them).

    Raises:
        ArgumentError: A word without ``=``, a value of the wrong type, bad JSON.
    """
    args: dict[str, Any] = {}
    if json_args:
        try:
            loaded = json.loads(json_args)
        except json.JSONDecodeError as exc:
            raise ArgumentError(f"--json is not valid JSON: {exc.msg} at position {exc.pos}")\
                from None
        if not isinstance(loaded, dict):
            raise ArgumentError("--json must be a JSON object such as '{\"name\": \"Ada\"}'")
        args.update(loaded)
    for word in pairs:
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise ArgumentError(f"{word!r} is not key=value (quote values with spaces:"
                                f" name=\"Ada Lovelace\")")
        args[key] = _coerce(function, key, value)
    warnings = []
    for key, value in args.items():
        prop = function.properties.get(key)
        if prop is None:
            warnings.append(f"{key!r} is not a parameter of {function.name} in manifest.json"
                            + did_you_mean(key, function.properties))
        elif isinstance(prop.get("enum"), list) and value not in prop["enum"]:
            warnings.append(f"{key}={value!r} is not one of {prop['enum']}")
    missing = [r for r in function.required if r not in args]
    if missing:
        warnings.append(f"missing required parameter(s): {', '.join(missing)}")
    return args, warnings


@dataclass(frozen=True)
class Command:
    """A parsed ``/plugin function key=value ...`` line."""

    plugin: str
    function: str | None
    words: list[str]


def parse_command(line: str) -> Command:
    """Parse ``/plugin [function] [key=value ...]`` (shell-style quoting)."""
    try:
        words = shlex.split(line.strip())
    except ValueError as exc:
        raise ArgumentError(f"cannot parse the line: {exc}") from None
    if not words or not words[0].startswith("/") or len(words[0]) < 2:
        raise ArgumentError("commands look like: /plugin function key=value ...")
    return Command(words[0][1:], words[1] if len(words) > 1 else None, words[2:])


# -- hosting ----------------------------------------------------------------------------


class HostedPlugin:
    """One plug-in in the registry; starts (and restarts) its process on demand.

    Args:
        spec: The plug-in's manifest.
        options: Passed to every :class:`PluginProcess` it starts.
    """

    def __init__(self, spec: PluginSpec, **options: Any) -> None:
        self.spec = spec
        self._options = options
        self.process: PluginProcess | None = None
        self.starts = 0
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.spec.name

    def ensure_running(self) -> CallOutcome | None:
        """Start the process if it is not running; the failed start result, or None."""
        with self._lock:
            if self.process is not None and self.process.alive:
                return None
            if self.process is not None:
                self._emit("restart", "restarting after the previous process ended")
            self.process = PluginProcess(self.spec, **self._options)
            self.starts += 1
            result = self.process.start()
        return None if result.success else result

    def call(self, function: str, arguments: dict[str, Any], *,
             on_chunk: ChunkSink | None = None, context: list[dict[str, Any]] | None = None
             ) -> CallOutcome:
        """Run ``function``, starting the plug-in first if needed."""
        failed = self.ensure_running()
        if failed is not None:
            return _start_failure(failed)
        assert self.process is not None
        return self.process.execute(function, arguments, on_chunk=on_chunk, context=context)

    def send_input(self, text: str, *, on_chunk: ChunkSink | None = None) -> CallOutcome:
        """Send a passthrough turn to the running process."""
        process = self.process
        if process is None or not process.alive:
            return CallOutcome(success=False, failure="crash",
                              error="the plug-in is no longer running; its session ended")
        return process.send_input(text, on_chunk=on_chunk)

    def stop(self) -> ShutdownReport | None:
        """Shut the process down (bounded); None if it was not running."""
        with self._lock:
            process = self.process
        return process.shutdown() if process is not None else None

    def _emit(self, kind: str, message: str) -> None:
        sink: EventSink | None = self._options.get("on_event")
        if sink is not None:
            sink(HostEvent(self.name, kind, message))


def _start_failure(result: CallOutcome) -> CallOutcome:
    return CallOutcome(
        success=False, failure=result.failure,
        error=f"the plug-in did not start: {result.error}", elapsed=result.elapsed,
        exit_code=result.exit_code, stderr_tail=result.stderr_tail,
    )


class Emulator:
    """Host every plug-in of a folder like the engine.

    Args:
        plugins_dir: Folder with one subfolder per plug-in (optional: plug-ins
            can also be added with :meth:`add`).
        timeouts: Intervals the host enforces.
        log_dir: Where stderr logs go (see :class:`PluginProcess`).
        on_event: Receives host events of every plug-in.
        protocol: Force ``"v1"``/``"v2"`` for every plug-in (None: each manifest's).
        isolated: Run each ``plugin.py`` with only the standard library and its
            ``libs/`` importable, like G-Assist; False (``--dev``) uses this
            environment.
        env: Extra environment variables for every plug-in.
    """

    def __init__(
        self,
        plugins_dir: str | Path | None = None,
        *,
        timeouts: Timeouts | None = None,
        log_dir: str | Path | None = None,
        on_event: EventSink | None = None,
        protocol: str | None = None,
        isolated: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self._options: dict[str, Any] = {"timeouts": timeouts, "log_dir": log_dir,
                                         "on_event": on_event, "protocol": protocol,
                                         "isolated": isolated, "env": env}
        # Where the plug-ins' logs go (the runtime's <name>.log too, via GASSIST_LOG_DIR).
        self.log_dir = Path(log_dir) if log_dir is not None else default_log_dir()
        self._options["log_dir"] = self.log_dir
        self.plugins: dict[str, HostedPlugin] = {}
        self.rejected: dict[str, list[str]] = {}
        self.warnings: dict[str, list[str]] = {}
        self.active_session: str | None = None
        if plugins_dir is not None:
            found = discover(plugins_dir)
            self.rejected = found.rejected
            self.warnings = found.warnings
            for spec in found.plugins.values():
                self.add(spec)

    def add(self, spec: PluginSpec) -> HostedPlugin:
        """Register a plug-in (not started yet)."""
        hosted = HostedPlugin(spec, **self._options)
        self.plugins[spec.name] = hosted
        return hosted

    def start_persistent(self) -> dict[str, CallOutcome]:
        """Start every ``persistent`` plug-in, as the engine does at load.

        Returns:
            The failed starts, by plug-in name.
        """
        failed = {}
        for hosted in self.plugins.values():
            if hosted.spec.persistent:
                result = hosted.ensure_running()
                if result is not None:
                    failed[hosted.name] = result
        return failed

    def plugin(self, name: str) -> HostedPlugin:
        """The hosted plug-in called ``name`` (case-insensitive, like invocation)."""
        hosted = self.plugins.get(name)
        if hosted is None:
            matches = [p for key, p in self.plugins.items() if key.lower() == name.lower()]
            if matches:
                return matches[0]
            if name in self.rejected:
                reasons = "; ".join(self.rejected[name])
                raise ArgumentError(f"plug-in {name!r} was not loaded: {reasons}")
            known = ", ".join(sorted(self.plugins)) or "none"
            raise ArgumentError(f"no plug-in called {name!r} (loaded: {known})")
        return hosted

    def call(self, name: str, function: str, arguments: dict[str, Any], *,
             on_chunk: ChunkSink | None = None) -> CallOutcome:
        """Call ``function`` of plug-in ``name``; a passthrough session follows its result.

        Raises:
            ArgumentError: No such plug-in or function.
        """
        hosted = self.plugin(name)
        if hosted.spec.function(function) is None:
            declared = ", ".join(f.name for f in hosted.spec.functions) or "none"
            raise ArgumentError(f"{hosted.name} has no function {function!r} in manifest.json"
                                f" (functions: {declared})"
                                + did_you_mean(function, (f.name for f in hosted.spec.functions)))
        result = hosted.call(function, arguments, on_chunk=on_chunk)
        self._follow_session(hosted, result)
        return result

    def send_input(self, text: str, *, on_chunk: ChunkSink | None = None) -> CallOutcome:
        """Send free text to the plug-in whose passthrough session is active.

        Raises:
            ArgumentError: No session is active.
        """
        if self.active_session is None:
            raise ArgumentError("no plug-in is waiting for input; start with"
                                " /plugin function key=value ...")
        hosted = self.plugins[self.active_session]
        result = hosted.send_input(text, on_chunk=on_chunk)
        self._follow_session(hosted, result)
        return result

    def run_line(self, line: str, *, on_chunk: ChunkSink | None = None,
                 on_warning: Callable[[str], None] | None = None) -> CallOutcome:
        """Route one chat line: ``/plugin function k=v ...`` or passthrough text."""
        if not line.startswith("/"):
            return self.send_input(line, on_chunk=on_chunk)
        command = parse_command(line)
        hosted = self.plugin(command.plugin)
        if command.function is None:
            declared = ", ".join(f.name for f in hosted.spec.functions) or "none"
            raise ArgumentError(f"/{hosted.name} needs a function: {declared}")
        function = hosted.spec.function(command.function)
        if function is None:
            declared = ", ".join(f.name for f in hosted.spec.functions) or "none"
            raise ArgumentError(f"{hosted.name} has no function {command.function!r}"
                                f" (functions: {declared})"
                                + did_you_mean(command.function,
                                               (f.name for f in hosted.spec.functions)))
        arguments, warnings = coerce_arguments(function, command.words)
        for warning in warnings:
            if on_warning is not None:
                on_warning(warning)
        return self.call(hosted.name, function.name, arguments, on_chunk=on_chunk)

    def close(self) -> dict[str, ShutdownReport]:
        """Shut every running plug-in down; how each one ended, by name."""
        reports = {}
        for hosted in self.plugins.values():
            report = hosted.stop()
            if report is not None:
                reports[hosted.name] = report
        self.active_session = None
        return reports

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _follow_session(self, hosted: HostedPlugin, result: CallOutcome) -> None:
        # A turn that keeps the session attaches the conversation to this plug-in — also a
        # failed `complete` that keeps it (a setup prompt asks for the missing key that way);
        # any other outcome (an error, a crash, a call elsewhere) ends it.
        self.active_session = hosted.name if result.keep_session else None
