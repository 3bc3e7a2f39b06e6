# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The conformance scorecard behind ``gassist-build check``.

Every item is measured against the running plug-in, over real pipes, the way
the engine would exercise it: the manifest (the validator), start-up and
``initialize``, pings while idle and while a command runs, every function with
sample arguments, an unknown function, bad arguments, an invalid JSON frame,
stdout hygiene and shutdown. Nothing is assumed to pass.

The items are a table (:func:`checks_for`) of :class:`Check` entries run in
order by one loop. What the checks share — the process, the intervals, and
what earlier checks measured for later ones — is spelled out in
:class:`CheckContext`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import ArgumentError
from . import (
    CallOutcome,
    FunctionSpec,
    ManifestError,
    PluginProcess,
    PluginSpec,
    ShutdownReport,
    Timeouts,
    describe_exit,
    load_plugin_spec,
)
from .emulator import closest_name, coerce_arguments, validator_problems

__all__ = [
    "DEFAULT_SKIP_TAGS",
    "WRITE_TAG",
    "Check",
    "CheckContext",
    "CheckItem",
    "Outcome",
    "Scorecard",
    "checks_for",
    "on_running",
    "run_check",
    "sample_arguments",
]

#: The tag of functions that change real state; ``check --include-writes`` calls them.
WRITE_TAG = "write"
DEFAULT_SKIP_TAGS = frozenset({WRITE_TAG, "dangerous"})
PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"
_SLOW_START = 3.0
_PROBE_FUNCTION = "gassist_check_no_such_function"
_INVALID_JSON = b'{"jsonrpc": "2.0", "method": "execute", "id": 424242, "params": {'
# What a check that needs the plug-in says when it is down, by the status it gets.
_DOWN = {SKIP: "the plug-in is not running", FAIL: "the plug-in could not be restarted"}


@dataclass(frozen=True)
class CheckItem:
    """One line of the scorecard.

    Attributes:
        key: Stable identifier (``ping_idle``, ``call:greet``, ...).
        title: What was checked.
        status: ``pass``, ``warn``, ``fail`` or ``skip``.
        measured: The measured value, formatted (``0.05 s``).
        detail: What was seen, and what to do when it is not a pass.
        value: The measurement as a number (seconds), when there is one.
    """

    key: str
    title: str
    status: str
    measured: str = ""
    detail: str = ""
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "status": self.status,
                "measured": self.measured, "value": self.value, "detail": self.detail}


@dataclass
class Scorecard:
    """The result of :func:`run_check`.

    Attributes:
        plugin: Plug-in (folder) name.
        folder: The plug-in folder.
        protocol: ``v1`` or ``v2``.
        items: The checks, in the order they ran.
        stderr_tail: The end of the plug-in's stderr (shown when something failed).
        log_path: The plug-in's stderr log.
        starts: Processes started (more than one means the plug-in died and was restarted).
        elapsed: Seconds the whole check took.
    """

    plugin: str
    folder: Path
    protocol: str = "?"
    items: list[CheckItem] = field(default_factory=list)
    stderr_tail: str = ""
    log_path: Path | None = None
    starts: int = 0
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """No item failed."""
        return all(item.status != FAIL for item in self.items)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for i in self.items if i.status == s) for s in (PASS, WARN, FAIL, SKIP)}

    def item(self, key: str) -> CheckItem:
        """The item with ``key`` (KeyError if it did not run)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plugin": self.plugin, "folder": str(self.folder), "protocol": self.protocol,
            "ok": self.ok, "counts": self.counts(), "starts": self.starts,
            "elapsed": round(self.elapsed, 3), "log": str(self.log_path or ""),
            "stderr_tail": self.stderr_tail, "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class Outcome:
    """What one check found: an item without its key and title.

    Attributes:
        status: ``pass``, ``warn``, ``fail`` or ``skip``.
        measured: The measured value, formatted.
        detail: What was seen, and what to do when it is not a pass.
        value: The measurement in seconds, when there is one.
    """

    status: str
    measured: str = ""
    detail: str = ""
    value: float | None = None

    @classmethod
    def timed(cls, status: str, seconds: float, detail: str) -> Outcome:
        """An outcome whose measurement is ``seconds``."""
        return cls(status, _seconds(seconds), detail, seconds)


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"


def sample_arguments(function: FunctionSpec) -> dict[str, Any]:
    """Schema-conforming arguments for ``function``'s required parameters."""
    args: dict[str, Any] = {}
    for name in function.required:
        prop = function.properties.get(name, {})
        enum = prop.get("enum")
        if isinstance(enum, list) and enum:
            args[name] = enum[0]
            continue
        kind = prop.get("type")
        minimum = prop.get("minimum")
        if kind == "integer":
            args[name] = int(minimum) if isinstance(minimum, (int, float)) else 1
        elif kind == "number":
            args[name] = minimum if isinstance(minimum, (int, float)) else 1
        elif kind == "boolean":
            args[name] = True
        elif kind == "array":
            args[name] = []
        elif kind == "object":
            args[name] = {}
        else:
            args[name] = "test"
    return args


def _bad_arguments(function: FunctionSpec) -> tuple[dict[str, Any], str] | None:
    """Arguments ``function`` must reject, and how they are wrong."""
    if function.required:
        return {}, f"{function.name} without its required {function.required[0]!r}"
    for name, prop in function.properties.items():
        if prop.get("type") in ("integer", "number", "boolean"):
            return ({name: "not-a-number"},
                    f"{function.name} with {name}=\"not-a-number\" ({prop['type']} expected)")
    return None


@dataclass
class CheckContext:
    """What the checks share, and what earlier checks measured for later ones.

    Attributes:
        spec: The plug-in under test.
        card: The scorecard being filled (its ``protocol`` is the one spoken).
        timeouts: Engine intervals to measure against; the host sends no pings
            of its own and a call may take ``call_timeout``.
        call_timeout: Seconds a call may take before it fails.
        forced_protocol: The protocol to speak instead of the manifest's, if any.
        log_dir: Where the plug-in's stderr log goes.
        skip: Function names not to call.
        skip_tags: Functions with any of these tags are not called either.
        progress: Told what is being checked.
        process: The latest process started (alive or not).
        initialized: The ``initialize`` answer, set by the start check.
        timed_calls: Functions whose call ended by itself, with its seconds;
            the busy-ping check reruns the longest.
        pings_answered: False once a ping went unanswered while idle.
        violations: Stdout violations of every process retired so far.
        tails: Stderr tails of the processes retired so far, oldest first.
        samples: Arguments to call functions with, by function name, over the
            generated sample arguments.
        generated: The manifest ``plugin.py --manifest`` printed (SDK plug-ins),
            set by the manifest check.
        isolated: Run the plug-in's Python as G-Assist does (only the standard
            library and ``libs/`` importable); False uses this environment's packages.
        env: Extra environment variables for the plug-in (``GASSIST_CONFIG``...).
    """

    spec: PluginSpec
    card: Scorecard
    timeouts: Timeouts
    call_timeout: float
    forced_protocol: str | None = None
    log_dir: str | Path | None = None
    skip: frozenset[str] = frozenset()
    skip_tags: frozenset[str] = DEFAULT_SKIP_TAGS
    progress: Callable[[str], None] = lambda _: None
    process: PluginProcess | None = None
    initialized: CallOutcome | None = None
    timed_calls: list[tuple[FunctionSpec, float]] = field(default_factory=list)
    pings_answered: bool = True
    violations: list[str] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)
    samples: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    generated: dict[str, Any] | None = None
    isolated: bool = True
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def protocol(self) -> str:
        """The protocol spoken: ``v1`` or ``v2``."""
        return self.card.protocol

    @property
    def handshake(self) -> CallOutcome:
        """The ``initialize`` answer (only checks that need ``start`` read it)."""
        if self.initialized is None:
            raise LookupError("the plug-in has not answered initialize")
        return self.initialized

    def launch(self) -> PluginProcess:
        """A new process, not started yet; it becomes :attr:`process`."""
        self.card.starts += 1
        self.process = PluginProcess(self.spec, timeouts=self.timeouts,
                                     protocol=self.forced_protocol, log_dir=self.log_dir,
                                     watchdog=False, isolated=self.isolated,
                                     env=dict(self.env))
        return self.process

    def retire(self, process: PluginProcess) -> None:
        """Keep what ``process`` did wrong on stdout, and its stderr tail."""
        for violation in process.violations:
            if violation not in self.violations:
                self.violations.append(violation)
        tail = process.stderr_tail()
        if tail:
            self.tails.append(tail)

    def running(self) -> PluginProcess | None:
        """The live process, restarted if the previous one died (None if it cannot start)."""
        if self.process is not None and self.process.alive:
            return self.process
        if self.process is not None:
            self.retire(self.process)
        process = self.launch()
        return process if process.start().success else None

    def arguments_for(self, function: FunctionSpec) -> dict[str, Any]:
        """What to call ``function`` with: generated samples, then the given ones over them."""
        return {**sample_arguments(function), **self.samples.get(function.name, {})}

    def skip_reason(self, function: FunctionSpec) -> str | None:
        """Why ``function`` must not be called, or None."""
        if function.name in self.skip:
            return "skipped (--skip)"
        risky = self.skip_tags.intersection(function.tags)
        if risky:
            return f"tagged {', '.join(sorted(risky))}: may change real state"
        return None

    def close(self) -> None:
        """Shut down a process the checks left running."""
        if self.process is not None and self.process.alive:
            self.process.shutdown()


Measure = Callable[[CheckContext], Outcome]
Probe = Callable[[CheckContext, PluginProcess], Outcome]
#: Why a check cannot be measured (it is skipped), or None when it can.
Precondition = Callable[[CheckContext], str | None]


@dataclass(frozen=True)
class Check:
    """One entry of the table: one item of the scorecard.

    Attributes:
        key: The item's key.
        title: The item's title.
        measure: Measures it (see :func:`on_running` for checks that need the plug-in).
        needs: Keys of earlier checks that must have run and not failed; when
            one did, this check has nothing to measure and leaves no item.
        requires: Preconditions on what earlier checks measured; the first
            that fails makes this item a skip, with its reason.
    """

    key: str
    title: str
    measure: Measure
    needs: tuple[str, ...] = ()
    requires: tuple[Precondition, ...] = ()

    def outcome(self, ctx: CheckContext) -> Outcome:
        """Measure, unless a precondition says why not."""
        for precondition in self.requires:
            reason = precondition(ctx)
            if reason is not None:
                return Outcome(SKIP, detail=reason)
        return self.measure(ctx)


def on_running(probe: Probe, *, when_down: str) -> Measure:
    """A measure that runs ``probe`` on the live plug-in, restarting it if it died.

    Args:
        probe: Measures the running process.
        when_down: The status (``skip`` or ``fail``) when it cannot be started.
    """
    def measure(ctx: CheckContext) -> Outcome:
        process = ctx.running()
        if process is None:
            return Outcome(when_down, detail=_DOWN[when_down])
        return probe(ctx, process)
    return measure


def _with_problems(detail: str, problems: Sequence[str]) -> str:
    return detail + ("; " + "; ".join(problems) if problems else "")


def _graded(result: CallOutcome, prefix: str, *, success: tuple[str, str],
            error: tuple[str, str]) -> Outcome:
    """A call's outcome: ``success`` or ``error`` (status, detail) by how it ended;
    any other end (timeout, crash, protocol violation) fails."""
    if result.success:
        status, detail = success
    elif result.failure == "plugin":
        status, detail = error
    else:
        status, detail = FAIL, f"{result.failure}: {result.error}"
    return Outcome.timed(status, result.elapsed, prefix + detail)


def _uses_sdk(folder: Path) -> bool:
    # Comparing the manifest with the code needs `plugin.py --manifest`,
    # which only plug-ins built on this SDK provide.
    plugin_py = folder / "plugin.py"
    return plugin_py.is_file() and "gassist_sdk" in plugin_py.read_text(
        "utf-8", errors="replace")


def _manifest(ctx: CheckContext) -> Outcome:
    ctx.progress("validating manifest.json")
    uses_sdk = _uses_sdk(ctx.spec.folder)
    try:
        from ..manifest.validate import validate_plugin
    except ImportError:  # the validator is optional (jsonschema); the host is not
        errors, warnings = validator_problems(ctx.spec.folder, check_code=uses_sdk)
    else:
        report = validate_plugin(ctx.spec.folder, check_code=uses_sdk, isolated=ctx.isolated)
        ctx.generated = report.generated
        errors = [f"{p.path}: {p.message}" for p in report.errors]
        warnings = [f"{p.path}: {p.message}" for p in report.warnings]
    if errors:
        return Outcome(FAIL, f"{len(errors)} error(s)", "; ".join(errors))
    if warnings:
        return Outcome(WARN, f"{len(warnings)} warning(s)", "; ".join(warnings))
    return Outcome(PASS, "0 problems",
                   f"{len(ctx.spec.functions)} function(s), protocol {ctx.protocol}")


def _code_generated(ctx: CheckContext) -> str | None:
    if ctx.generated is None:
        return "plugin.py --manifest did not run (see manifest valid)"
    return None


def _manifest_in_sync(ctx: CheckContext) -> Outcome:
    from ..manifest.sync import manifest_drift, written_by_generator  # only once it ran

    assert ctx.generated is not None
    diff = manifest_drift(ctx.spec.folder, ctx.generated)
    if not diff:
        return Outcome(PASS, "in sync", "manifest.json is what plugin.py --manifest prints")
    changed = sum(1 for line in diff.splitlines()
                  if line[:1] in "+-" and not line.startswith(("+++", "---")))
    measured = f"{changed} line(s) differ"
    run = f"run: gassist-build manifest {ctx.spec.folder}"
    if not written_by_generator(ctx.spec.folder):
        # Kept by hand, as NVIDIA's examples are: what differs that matters (functions,
        # parameters, types) is the manifest item's to judge.
        return Outcome(PASS, measured, "manifest.json is written by hand (not in the"
                       " generator's format); the functions were compared with the code above."
                       f" To generate it from the code instead, {run}")
    return Outcome(FAIL, measured,
                   "manifest.json was generated but the code changed since: it differs from"
                   " what plugin.py --manifest prints (G-Assist reads the file, not the code);"
                   f" {run}")


def _start(ctx: CheckContext) -> Outcome:
    ctx.progress("starting the plug-in")
    process = ctx.launch()
    result = process.start()
    if not result.success:
        ctx.retire(process)
        return Outcome.timed(FAIL, result.elapsed, result.error or "did not start")
    ctx.initialized = result
    elapsed = time.monotonic() - (process.started_at or time.monotonic())
    status = PASS if elapsed <= _SLOW_START else WARN
    detail = f"initialize answered by pid {process.pid}"
    if status == WARN:
        detail += f"; slow: users wait this long at first use (aim for < {_SLOW_START:g} s)"
    return Outcome.timed(status, elapsed, detail)


def _initialize_result(ctx: CheckContext) -> Outcome:
    result = ctx.handshake
    if ctx.protocol == "v1":
        message = result.value.get("message", "") if isinstance(result.value, dict) else ""
        return Outcome(PASS, "success", f"answered {message!r}")
    info = result.value
    if not isinstance(info, dict):
        return Outcome(FAIL, "", f"result is not an object: {info!r}")
    failures, problems, listed = _initialize_problems(ctx.spec, info)
    measured = f"{len(listed)} command(s)"
    if failures:
        return Outcome(FAIL, measured, "; ".join(failures + problems))
    if problems:
        return Outcome(WARN, measured, "; ".join(problems))
    return Outcome(PASS, measured, f"name {info.get('name')!r}, commands match the manifest")


def _initialize_problems(spec: PluginSpec,
                         info: dict[str, Any]) -> tuple[list[str], list[str], set[Any]]:
    """What fails and what is only wrong in a V2 ``initialize`` result, and the
    command names it lists."""
    problems: list[str] = []
    failures: list[str] = []
    if info.get("protocol_version") not in ("2.0", None):
        failures.append(f"protocol_version is {info.get('protocol_version')!r}, not '2.0'")
    elif "protocol_version" not in info:
        problems.append("no protocol_version (should be '2.0')")
    names = {spec.name, str(spec.manifest.get("name", spec.name))}
    if info.get("name") not in names:
        problems.append(f"name is {info.get('name')!r}; the manifest/folder says "
                        f"{sorted(names)[0]!r}")
    commands = info.get("commands")
    listed = {c.get("name") for c in commands if isinstance(c, dict)} \
        if isinstance(commands, list) else set()
    declared = {f.name for f in spec.functions}
    if not isinstance(commands, list):
        failures.append("no commands list")
    else:
        missing = sorted(declared - listed)
        extra = sorted(str(n) for n in listed - declared if n != "on_input")
        if missing:
            failures.append(f"manifest functions not in commands: {', '.join(missing)}")
        if extra:
            problems.append(f"commands not in the manifest (the model never calls them): "
                            f"{', '.join(extra)}")
    return failures, problems, listed


def _pings_exist(ctx: CheckContext) -> str | None:
    return None if ctx.protocol == "v2" else "protocol V1 has no ping"


def _pings_exist_idle(ctx: CheckContext) -> str | None:
    reason = _pings_exist(ctx)
    if reason is not None and ctx.spec.tethered:
        reason += "; tethered: heartbeats are watched by `call`/`chat`"
    return reason


def _ping_idle(ctx: CheckContext, process: PluginProcess) -> Outcome:
    ctx.progress("pinging while idle")
    deadline = ctx.timeouts.ping_deadline
    latencies: list[float] = []
    echoed = True
    patience = 3 * deadline  # wait past the deadline to measure a late pong
    for _ in range(5):
        ping = process.ping(timeout=patience)
        if not ping.answered or ping.latency is None:
            ctx.pings_answered = False
            return Outcome(FAIL, "no answer",
                           f"no answer to ping within {patience:g} s: the engine kills a"
                           f" plug-in that misses 2 consecutive pings (answer every ping within"
                           f" {deadline:g} s)")
        latencies.append(ping.latency)
        echoed = echoed and ping.echoed
    worst = max(latencies)
    if worst > deadline:
        return Outcome.timed(FAIL, worst,
                             f"slowest of 5 pongs took {_seconds(worst)} (limit {deadline:g} s)")
    if not echoed:
        return Outcome.timed(WARN, worst, "pong does not echo the ping's timestamp")
    return Outcome.timed(PASS, worst, "slowest of 5 pings; timestamps echoed")


def _some_call_ended(ctx: CheckContext) -> str | None:
    return None if ctx.timed_calls else "no function could be run"


def _pings_answered(ctx: CheckContext) -> str | None:
    return None if ctx.pings_answered else "pings are not answered even while idle"


@dataclass
class _BusyPings:
    """Pings sent while one command ran."""

    sent: int = 0
    worst: float = 0.0
    late_alive: int = 0  # late, but the plug-in streamed something meanwhile
    late_dead: int = 0
    unanswered: bool = False


def _ping_busy(ctx: CheckContext, process: PluginProcess) -> Outcome:
    # The longest call is the likeliest to keep a one-message-at-a-time plug-in from pings.
    function = max(ctx.timed_calls, key=lambda timed: timed[1])[0]
    ctx.progress(f"pinging while {function.name} runs")
    deadline = ctx.timeouts.ping_deadline
    call = process.begin_execute(function.name, ctx.arguments_for(function))
    pings = _BusyPings()
    while True:
        sent = time.monotonic()
        latency = process.ping(timeout=ctx.call_timeout).latency
        pings.sent += 1
        if latency is None:
            pings.unanswered = True
            break
        pings.worst = max(pings.worst, latency)
        if latency > deadline:
            if process.messages_between(sent, sent + deadline) > 0:
                pings.late_alive += 1
            else:
                pings.late_dead += 1
        if call.done:
            break
        time.sleep(min(0.25, deadline / 2))
    result = process.finish_call(call, ctx.call_timeout)
    return _busy_outcome(ctx, pings, f"while {function.name} ran {_seconds(result.elapsed)}",
                         result.elapsed)


def _busy_outcome(ctx: CheckContext, pings: _BusyPings, ran: str, ran_for: float) -> Outcome:
    deadline, worst = ctx.timeouts.ping_deadline, pings.worst
    if pings.unanswered:
        return Outcome(FAIL, "no answer",
                       f"no answer to a ping within {ctx.call_timeout:g} s {ran}: the engine"
                       " kills a plug-in that misses 2 consecutive pings")
    if pings.late_dead:
        return Outcome.timed(FAIL, worst,
                             f"ping answered after {_seconds(worst)} {ran} (limit {deadline:g}"
                             " s): the plug-in handles one message at a time, so pings wait for"
                             " the command; the engine kills a plug-in that misses 2"
                             " consecutive pings — answer pings from the reader thread and run"
                             " commands on a worker")
    if pings.late_alive:
        return Outcome.timed(WARN, worst,
                             f"pong late ({_seconds(worst)}) {ran}; only streamed messages kept"
                             " it alive — answer pings while commands run")
    detail = f"slowest of {pings.sent} ping(s) {ran}"
    if ran_for < deadline:
        detail += f" (no function runs longer than {deadline:g} s)"
    return Outcome.timed(PASS, worst, detail)


def _may_call(function: FunctionSpec, ctx: CheckContext) -> str | None:
    return ctx.skip_reason(function)


# How the SDK's runtime answers a handler that raised anything but CommandError
# (a CommandError is a normal failed result): an `error` with code -1 and this text,
# or -32603 for a fault of the runtime itself. V1 carries the same text without a code.
_UNEXPECTED_MARKERS = (" failed unexpectedly (", " stopped abruptly (")
_INTERNAL_ERROR = -32603


def _unexpected_exception(result: CallOutcome) -> bool:
    """Whether a call failed because its handler raised an exception it did not mean to."""
    if result.failure != "plugin":
        return False
    if result.error_code == _INTERNAL_ERROR:
        return True
    return any(marker in (result.error or "") for marker in _UNEXPECTED_MARKERS)


def _call(function: FunctionSpec, ctx: CheckContext, process: PluginProcess) -> Outcome:
    args = ctx.arguments_for(function)
    ctx.progress(f"calling {function.name}")
    result = process.execute(function.name, args, timeout=ctx.call_timeout)
    if result.success or result.failure == "plugin":
        # Only calls that ended by themselves can be rerun under pings.
        ctx.timed_calls.append((function, result.elapsed))
    shown = f"args {args}" if args else "no args"
    text = result.text.strip().replace("\n", " ")
    answer = f"{text[:60]!r}" + ("..." if len(text) > 60 else "")
    if result.chunks:
        answer += f" ({len(result.chunks)} chunk(s) streamed)"
    if _unexpected_exception(result):
        # The SDK's answer names its log; otherwise the traceback went to stderr.
        log = (f" (see {process.log_path})"
               if process.log_path is not None and ".log" not in (result.error or "") else "")
        return Outcome.timed(FAIL, result.elapsed,
                             f"{shown} → raised an unexpected exception: {result.error}{log};"
                             " fix the bug, or raise CommandError with a message for the user"
                             " when the failure is expected")
    return _graded(result, f"{shown} → ",
                   success=(WARN if result.problems else PASS,
                            _with_problems(answer, result.problems)),
                   error=(WARN, _with_problems(f"answered with an error: {result.error}",
                                               result.problems)))


def _unknown_function(ctx: CheckContext, process: PluginProcess) -> Outcome:
    ctx.progress("calling a function that does not exist")
    result = process.execute(_PROBE_FUNCTION, {}, timeout=min(ctx.call_timeout, 5.0))
    code = f" {result.error_code}" if result.error_code is not None else ""
    return _graded(result, "",
                   success=(FAIL, f"reported success for {_PROBE_FUNCTION!r}, which does"
                                  " not exist"),
                   error=(WARN if result.problems else PASS,
                          _with_problems(f"error{code}: {result.error}", result.problems)))


def _bad_calls(ctx: CheckContext) -> list[tuple[FunctionSpec, dict[str, Any], str]]:
    """Calls the plug-in must reject: callable functions with wrong arguments."""
    calls = []
    for function in ctx.spec.functions:
        bad = _bad_arguments(function) if ctx.skip_reason(function) is None else None
        if bad is not None:
            calls.append((function, *bad))
    return calls


def _takes_parameters(ctx: CheckContext) -> str | None:
    return None if _bad_calls(ctx) else "no callable function takes parameters"


def _bad_arguments_rejected(ctx: CheckContext, process: PluginProcess) -> Outcome:
    function, args, how = _bad_calls(ctx)[0]
    ctx.progress(f"calling {how}")
    result = process.execute(function.name, args, timeout=ctx.call_timeout)
    return _graded(result, f"{how} → ",
                   success=(WARN, "reported success; validate arguments and fail clearly"),
                   error=(PASS, str(result.error)))


def _invalid_json(ctx: CheckContext, process: PluginProcess) -> Outcome:
    ctx.progress("sending an invalid JSON frame")
    started = time.monotonic()
    answered = _answer_to_invalid_json(ctx, process)
    if process.wait_exited(0.2):
        answer = ("answer -32700" if process.protocol == "v2"
                  else 'answer {"success": false}')
        return Outcome(FAIL, "crashed",
                       f"the plug-in {describe_exit(process.exit_code)} after an invalid JSON"
                       f" frame; catch the parse error, {answer}, keep reading")
    stuck = _probe_alive(ctx, process)
    elapsed = time.monotonic() - started
    if stuck is not None:
        return Outcome(FAIL, "stuck", f"stopped answering after an invalid JSON frame: {stuck}")
    if answered and "success" not in answered:
        return Outcome.timed(PASS, elapsed, f"{answered}; still answering")
    what = answered or "dropped it silently (no -32700 parse error reply)"
    return Outcome.timed(WARN, elapsed, f"{what}; still answering")


def _answer_to_invalid_json(ctx: CheckContext, process: PluginProcess) -> str:
    """Send the invalid frame; how the plug-in answered it ("" when it did not)."""
    before = len(process.orphan_errors)
    started = time.monotonic()
    reply = process.send_raw(_INVALID_JSON)
    # As long as a pong may take: an answer, if any, comes at once.
    patience = ctx.timeouts.ping_deadline
    if reply is not None:  # V1: the probe expects a final answer
        result = reply.wait(patience)
        if result is None:
            process.abandon(reply)
        elif result.failure == "plugin":
            return f"answered {result.error!r}"
        elif result.success:
            return "answered with success (should be an error)"
        return ""
    deadline = started + patience
    while time.monotonic() < deadline and len(process.orphan_errors) == before:
        time.sleep(0.01)
    if len(process.orphan_errors) > before:
        error = process.orphan_errors[before]
        return f"answered error {error.get('code')}: {error.get('message')!r}"
    return ""


def _probe_alive(ctx: CheckContext, process: PluginProcess) -> str | None:
    """None if the plug-in still answers, else what went wrong."""
    if (process.protocol == "v2" and ctx.pings_answered
            and process.ping(timeout=2.0).answered):
        return None
    # No pong (some plug-ins never answer pings): any answer to a call will do.
    result = process.execute(_PROBE_FUNCTION, {}, timeout=2.0)
    if result.failure in ("plugin", "protocol", None):
        return None
    return f"no answer to a ping or a call within 2 s ({result.failure}: {result.error})"


def _stdout_clean(ctx: CheckContext) -> Outcome:
    if ctx.process is not None:
        ctx.retire(ctx.process)
    if not ctx.violations:
        return Outcome(PASS, "0 stray bytes", "only protocol messages on stdout")
    shown = "; ".join(ctx.violations[:3])
    more = f" (+{len(ctx.violations) - 3} more)" if len(ctx.violations) > 3 else ""
    return Outcome(FAIL, f"{len(ctx.violations)} violation(s)", shown + more)


def _shutdown(ctx: CheckContext, process: PluginProcess) -> Outcome:
    ctx.progress("shutting down")
    report = process.shutdown()
    ctx.retire(process)
    outcome = _shutdown_steps(ctx, report)
    if report.leftovers:
        # G-Assist would leave these running after it stopped the plug-in.
        left = "; ".join(report.leftovers)
        return Outcome(FAIL, outcome.measured, f"{outcome.detail}; left running: {left} (killed)",
                       outcome.value)
    return outcome


def _shutdown_steps(ctx: CheckContext, report: ShutdownReport) -> Outcome:
    code = describe_exit(report.exit_code)
    if report.step == "message":
        status = PASS if report.exit_code == 0 else WARN
        detail = f"{code} after the shutdown message"
        if status == WARN:
            detail += " (expected exit code 0)"
        return Outcome.timed(status, report.elapsed, detail)
    if report.step == "stdin":
        return Outcome.timed(WARN, report.elapsed,
                             f"ignored the shutdown message for"
                             f" {ctx.timeouts.shutdown_grace:g} s; {code} when stdin closed")
    return Outcome.timed(FAIL, report.elapsed,
                         f"ignored the shutdown message and the closing of stdin; had to be"
                         f" {'terminated' if report.step == 'terminate' else 'killed'} ({code})")


# Without a started plug-in there is nothing after the start to measure.
_STARTED = ("start",)
_OPENING = (
    Check("manifest", "manifest valid", _manifest),
    Check("start", "start → initialize", _start),
    Check("initialize", "initialize result", _initialize_result, needs=_STARTED),
    Check("ping_idle", "ping answered while idle", on_running(_ping_idle, when_down=SKIP),
          needs=_STARTED, requires=(_pings_exist_idle,)),
)
_CLOSING = (
    Check("ping_busy", "ping answered while a command runs",
          on_running(_ping_busy, when_down=SKIP), needs=_STARTED,
          requires=(_pings_exist, _some_call_ended, _pings_answered)),
    Check("unknown_function", "unknown function → error",
          on_running(_unknown_function, when_down=FAIL), needs=_STARTED),
    Check("bad_arguments", "bad arguments → error",
          on_running(_bad_arguments_rejected, when_down=FAIL), needs=_STARTED,
          requires=(_takes_parameters,)),
    Check("invalid_json", "invalid JSON frame survived",
          on_running(_invalid_json, when_down=FAIL), needs=_STARTED),
    Check("stdout", "stdout clean", _stdout_clean, needs=_STARTED),
    Check("shutdown", "shutdown honoured", on_running(_shutdown, when_down=SKIP),
          needs=_STARTED),
)


def checks_for(spec: PluginSpec) -> list[Check]:
    """The scorecard's checks for ``spec``, in the order they run: one call per function."""
    calls = [Check(f"call:{function.name}", f"call {function.name}",
                   on_running(partial(_call, function), when_down=FAIL), needs=_STARTED,
                   requires=(partial(_may_call, function),))
             for function in spec.functions]
    sync = [Check("manifest_sync", "manifest.json matches the code", _manifest_in_sync,
                  requires=(_code_generated,))] if _uses_sdk(spec.folder) else []
    return [_OPENING[0], *sync, *_OPENING[1:], *calls, *_CLOSING]


def _run_checks(ctx: CheckContext, checks: Iterable[Check]) -> None:
    """Run ``checks`` in order, each item onto the card."""
    fine: set[str] = set()  # keys of the checks that ran and did not fail
    for check in checks:
        if not fine.issuperset(check.needs):
            continue
        outcome = check.outcome(ctx)
        ctx.card.items.append(CheckItem(check.key, check.title, outcome.status,
                                        outcome.measured, outcome.detail, outcome.value))
        if outcome.status != FAIL:
            fine.add(check.key)


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = closest_name(word, choices)
    return f"; did you mean {close!r}?" if close else ""


def _resolve_samples(spec: PluginSpec,
                     samples: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The given sample arguments, text converted by the manifest's parameter types."""
    by_name = {function.name: function for function in spec.functions}
    resolved: dict[str, dict[str, Any]] = {}
    for name, given in samples.items():
        function = by_name.get(name)
        if function is None:
            raise ArgumentError(
                f"sample arguments for {name!r}, which {spec.name} does not declare"
                f"{_did_you_mean(name, list(by_name))} (its functions:"
                f" {', '.join(by_name) or 'none'})")
        for key in given:
            if key not in function.properties:
                raise ArgumentError(
                    f"sample argument {key!r}: {name} has no such parameter"
                    f"{_did_you_mean(key, list(function.properties))} (its parameters:"
                    f" {', '.join(function.properties) or 'none'})")
        typed, _ = coerce_arguments(function, [f"{key}={value}" for key, value in given.items()
                                               if isinstance(value, str)])
        resolved[name] = {**{key: value for key, value in given.items()
                             if not isinstance(value, str)}, **typed}
    return resolved


def run_check(
    folder: str | Path,
    *,
    skip: Iterable[str] = (),
    skip_tags: Iterable[str] = DEFAULT_SKIP_TAGS,
    protocol: str | None = None,
    timeouts: Timeouts | None = None,
    call_timeout: float = 30.0,
    log_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    samples: Mapping[str, Mapping[str, Any]] | None = None,
    isolated: bool = True,
    env: Mapping[str, str] | None = None,
) -> Scorecard:
    """Run the conformance scorecard against the plug-in in ``folder``.

    Args:
        folder: The plug-in folder.
        skip: Function names not to call (they change real state).
        skip_tags: Functions with any of these tags are not called either.
        protocol: ``"v1"``/``"v2"`` to override the manifest's.
        timeouts: Engine intervals to measure against (the engine's by default).
        call_timeout: Seconds a call may take before it fails (and the
            plug-in is killed), 30 like the engine.
        log_dir: Where the plug-in's stderr log goes.
        progress: Told what is being checked, for a progress display.
        samples: Arguments to call functions with, by function name; text values
            are converted by the manifest's parameter types, and a function's other
            required parameters get generated values.
        isolated: Run the plug-in's Python as G-Assist does (only the standard
            library and ``libs/`` importable); False (``--dev``) uses this
            environment's packages.
        env: Extra environment variables for the plug-in (``GASSIST_CONFIG`` for
            ``--config``).

    Raises:
        ArgumentError: ``samples`` names a function or parameter the manifest does not
            declare, or gives a value of the wrong type.
    """
    started = time.monotonic()
    path = Path(folder).resolve()
    card = Scorecard(plugin=path.name, folder=path)
    try:
        spec = load_plugin_spec(path)
    except ManifestError as exc:
        errors, _ = validator_problems(path)
        card.items.append(CheckItem("manifest", "manifest valid", FAIL, "unusable",
                                    "; ".join(errors) or str(exc)))
        card.elapsed = time.monotonic() - started
        return card
    card.protocol = protocol or spec.protocol
    given = _resolve_samples(spec, samples or {})
    ctx = CheckContext(
        spec, card, (timeouts or Timeouts()).scaled(ping_interval=None, execute=call_timeout),
        call_timeout, forced_protocol=protocol, log_dir=log_dir, skip=frozenset(skip),
        skip_tags=frozenset(skip_tags), progress=progress or (lambda _: None),
        samples=given, isolated=isolated, env=dict(env or {}))
    try:
        _run_checks(ctx, checks_for(spec))
    finally:
        ctx.close()
    card.log_path = ctx.process.log_path if ctx.process is not None else None
    if not card.ok:
        card.stderr_tail = ctx.tails[-1] if ctx.tails else ""
    card.elapsed = time.monotonic() - started
    return card
