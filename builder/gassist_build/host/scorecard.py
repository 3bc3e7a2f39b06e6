# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The conformance scorecard behind ``gassist-build check``.

Every item is measured against the running plug-in, over real pipes, the way
the engine would exercise it: the manifest (the validator), start-up and
``initialize``, pings while idle and while a command runs, every function with
sample arguments, an unknown function, bad arguments, an invalid JSON frame,
stdout hygiene and shutdown. Nothing is assumed to pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .emulator import validator_problems
from .process import (
    CallResult,
    FunctionSpec,
    ManifestError,
    PluginProcess,
    PluginSpec,
    Timeouts,
    describe_exit,
    load_plugin_spec,
)

__all__ = ["DEFAULT_SKIP_TAGS", "CheckItem", "Scorecard", "run_check", "sample_arguments"]

DEFAULT_SKIP_TAGS = frozenset({"write", "dangerous"})
PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"
_SLOW_START = 3.0
_PROBE_FUNCTION = "gassist_check_no_such_function"
_INVALID_JSON = b'{"jsonrpc": "2.0", "method": "execute", "id": 424242, "params": {'


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


class _Checker:
    """Runs the items in order, restarting the plug-in when it dies."""

    def __init__(self, spec: PluginSpec, card: Scorecard, *, timeouts: Timeouts,
                 protocol: str | None, log_dir: str | Path | None, call_timeout: float,
                 skip: set[str], skip_tags: frozenset[str],
                 progress: Callable[[str], None]) -> None:
        self.spec = spec
        self.card = card
        self.timeouts = timeouts.scaled(ping_interval=None, execute=call_timeout)
        self.protocol = protocol
        self.log_dir = log_dir
        self.call_timeout = call_timeout
        self.skip = skip
        self.skip_tags = skip_tags
        self.progress = progress
        self.process: PluginProcess | None = None
        self.violations: list[str] = []
        self.durations: dict[str, float] = {}
        self.tails: list[str] = []
        self.pings_answered = True

    def add(self, key: str, title: str, status: str, measured: str = "", detail: str = "",
            value: float | None = None) -> None:
        self.card.items.append(CheckItem(key, title, status, measured, detail, value))

    # -- process ----------------------------------------------------------------------

    def _new_process(self) -> PluginProcess:
        self.card.starts += 1
        return PluginProcess(self.spec, timeouts=self.timeouts, protocol=self.protocol,
                             log_dir=self.log_dir, watchdog=False)

    def _retire(self, process: PluginProcess) -> None:
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
            self._retire(self.process)
        self.process = self._new_process()
        result = self.process.start()
        return self.process if result.success else None

    # -- items ------------------------------------------------------------------------

    def check_manifest(self) -> None:
        self.progress("validating manifest.json")
        plugin_py = self.spec.folder / "plugin.py"
        # Comparing the manifest with the code needs `plugin.py --manifest`,
        # which only plug-ins built on this SDK provide.
        uses_sdk = plugin_py.is_file() and "gassist_sdk" in plugin_py.read_text(
            "utf-8", errors="replace")
        errors, warnings = validator_problems(self.spec.folder, check_code=uses_sdk)
        if errors:
            self.add("manifest", "manifest valid", FAIL, f"{len(errors)} error(s)",
                     "; ".join(errors))
        elif warnings:
            self.add("manifest", "manifest valid", WARN, f"{len(warnings)} warning(s)",
                     "; ".join(warnings))
        else:
            self.add("manifest", "manifest valid", PASS, "0 problems",
                     f"{len(self.spec.functions)} function(s), protocol {self.card.protocol}")

    def check_start(self) -> bool:
        self.progress("starting the plug-in")
        self.process = self._new_process()
        result = self.process.start()
        if not result.success:
            self.add("start", "start → initialize", FAIL, _seconds(result.elapsed),
                     result.error or "did not start", result.elapsed)
            return False
        elapsed = time.monotonic() - (self.process.started_at or time.monotonic())
        status = PASS if elapsed <= _SLOW_START else WARN
        detail = f"initialize answered by pid {self.process.pid}"
        if status == WARN:
            detail += f"; slow: users wait this long at first use (aim for < {_SLOW_START:g} s)"
        self.add("start", "start → initialize", status, _seconds(elapsed), detail, elapsed)
        self._check_initialize_result(result)
        return True

    def _check_initialize_result(self, result: CallResult) -> None:
        title = "initialize result"
        if self.card.protocol == "v1":
            message = result.value.get("message", "") if isinstance(result.value, dict) else ""
            self.add("initialize", title, PASS, "success", f"answered {message!r}")
            return
        info = result.value
        if not isinstance(info, dict):
            self.add("initialize", title, FAIL, "", f"result is not an object: {info!r}")
            return
        problems: list[str] = []
        failures: list[str] = []
        if info.get("protocol_version") not in ("2.0", None):
            failures.append(f"protocol_version is {info.get('protocol_version')!r}, not '2.0'")
        elif "protocol_version" not in info:
            problems.append("no protocol_version (should be '2.0')")
        names = {self.spec.name, str(self.spec.manifest.get("name", self.spec.name))}
        if info.get("name") not in names:
            problems.append(f"name is {info.get('name')!r}; the manifest/folder says "
                            f"{sorted(names)[0]!r}")
        commands = info.get("commands")
        listed = {c.get("name") for c in commands if isinstance(c, dict)} \
            if isinstance(commands, list) else set()
        declared = {f.name for f in self.spec.functions}
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
        measured = f"{len(listed)} command(s)"
        if failures:
            self.add("initialize", title, FAIL, measured, "; ".join(failures + problems))
        elif problems:
            self.add("initialize", title, WARN, measured, "; ".join(problems))
        else:
            self.add("initialize", title, PASS, measured,
                     f"name {info.get('name')!r}, commands match the manifest")

    def check_ping_idle(self) -> None:
        title = "ping answered while idle"
        if self.card.protocol == "v1":
            detail = "protocol V1 has no ping"
            if self.spec.tethered:
                detail += "; tethered: heartbeats are watched by `call`/`chat`"
            self.add("ping_idle", title, SKIP, "", detail)
            return
        process = self.running()
        if process is None:
            self.add("ping_idle", title, SKIP, "", "the plug-in is not running")
            return
        self.progress("pinging while idle")
        deadline = self.timeouts.ping_deadline
        latencies: list[float] = []
        echoed = True
        patience = 3 * deadline  # wait past the deadline to measure a late pong
        for _ in range(5):
            ping = process.ping(timeout=patience)
            if not ping.answered or ping.latency is None:
                self.pings_answered = False
                self.add("ping_idle", title, FAIL, "no answer",
                         f"no answer to ping within {patience:g} s: the engine kills a"
                         f" plug-in that misses 2 consecutive pings (answer every ping within"
                         f" {deadline:g} s)")
                return
            latencies.append(ping.latency)
            echoed = echoed and ping.echoed
        worst = max(latencies)
        if worst > deadline:
            self.add("ping_idle", title, FAIL, _seconds(worst),
                     f"slowest of 5 pongs took {_seconds(worst)} (limit {deadline:g} s)", worst)
        elif not echoed:
            self.add("ping_idle", title, WARN, _seconds(worst),
                     "pong does not echo the ping's timestamp", worst)
        else:
            self.add("ping_idle", title, PASS, _seconds(worst),
                     "slowest of 5 pings; timestamps echoed", worst)

    def check_functions(self) -> None:
        for function in self.spec.functions:
            key, title = f"call:{function.name}", f"call {function.name}"
            if function.name in self.skip:
                self.add(key, title, SKIP, "", "skipped (--skip)")
                continue
            risky = self.skip_tags.intersection(function.tags)
            if risky:
                self.add(key, title, SKIP, "",
                         f"tagged {', '.join(sorted(risky))}: may change real state")
                continue
            process = self.running()
            if process is None:
                self.add(key, title, FAIL, "", "the plug-in could not be restarted")
                continue
            args = sample_arguments(function)
            self.progress(f"calling {function.name}")
            result = process.execute(function.name, args, timeout=self.call_timeout)
            if result.success or result.failure == "plugin":
                # Only calls that ended by themselves can be rerun under pings.
                self.durations[function.name] = result.elapsed
            self._record_call(key, title, args, result)

    def _record_call(self, key: str, title: str, args: dict[str, Any],
                     result: CallResult) -> None:
        shown = f"args {args}" if args else "no args"
        if result.success:
            status = WARN if result.problems else PASS
            text = result.text.strip().replace("\n", " ")
            detail = f"{shown} → {text[:60]!r}" + ("..." if len(text) > 60 else "")
            if result.chunks:
                detail += f" ({len(result.chunks)} chunk(s) streamed)"
            if result.problems:
                detail += "; " + "; ".join(result.problems)
            self.add(key, title, status, _seconds(result.elapsed), detail, result.elapsed)
        elif result.failure == "plugin":
            self.add(key, title, WARN, _seconds(result.elapsed),
                     f"{shown} → answered with an error: {result.error}"
                     + ("; " + "; ".join(result.problems) if result.problems else ""),
                     result.elapsed)
        else:
            self.add(key, title, FAIL, _seconds(result.elapsed),
                     f"{shown} → {result.failure}: {result.error}", result.elapsed)

    def check_ping_busy(self) -> None:
        title = "ping answered while a command runs"
        if self.card.protocol == "v1":
            self.add("ping_busy", title, SKIP, "", "protocol V1 has no ping")
            return
        if not self.durations:
            self.add("ping_busy", title, SKIP, "", "no function could be run")
            return
        if not self.pings_answered:
            self.add("ping_busy", title, SKIP, "", "pings are not answered even while idle")
            return
        name = max(self.durations, key=lambda n: self.durations[n])
        function = self.spec.function(name)
        process = self.running()
        if function is None or process is None:
            self.add("ping_busy", title, SKIP, "", "the plug-in is not running")
            return
        self.progress(f"pinging while {name} runs")
        deadline = self.timeouts.ping_deadline
        call = process.begin_execute(name, sample_arguments(function))
        worst = 0.0
        late_alive = 0
        late_dead = 0
        pings = 0
        unanswered = False
        while True:
            sent = time.monotonic()
            latency = process.ping(timeout=self.call_timeout).latency
            pings += 1
            if latency is None:
                unanswered = True
                break
            worst = max(worst, latency)
            if latency > deadline:
                if process.messages_between(sent, sent + deadline) > 0:
                    late_alive += 1
                else:
                    late_dead += 1
            if call.done:
                break
            time.sleep(min(0.25, deadline / 2))
        result = process.finish_call(call, self.call_timeout)
        ran = f"while {name} ran {_seconds(result.elapsed)}"
        if unanswered:
            self.add("ping_busy", title, FAIL, "no answer",
                     f"no answer to a ping within {self.call_timeout:g} s {ran}: the engine kills"
                     " a plug-in that misses 2 consecutive pings")
        elif late_dead:
            self.add("ping_busy", title, FAIL, _seconds(worst),
                     f"ping answered after {_seconds(worst)} {ran} (limit {deadline:g} s): the"
                     " plug-in handles one message at a time, so pings wait for the command;"
                     " the engine kills a plug-in that misses 2 consecutive pings — answer"
                     " pings from the reader thread and run commands on a worker", worst)
        elif late_alive:
            self.add("ping_busy", title, WARN, _seconds(worst),
                     f"pong late ({_seconds(worst)}) {ran}; only streamed messages kept it"
                     " alive — answer pings while commands run", worst)
        else:
            detail = f"slowest of {pings} ping(s) {ran}"
            if result.elapsed < deadline:
                detail += f" (no function runs longer than {deadline:g} s)"
            self.add("ping_busy", title, PASS, _seconds(worst), detail, worst)

    def check_unknown_function(self) -> None:
        title = "unknown function → error"
        process = self.running()
        if process is None:
            self.add("unknown_function", title, FAIL, "", "the plug-in could not be restarted")
            return
        self.progress("calling a function that does not exist")
        limit = min(self.call_timeout, 5.0)
        result = process.execute(_PROBE_FUNCTION, {}, timeout=limit)
        measured = _seconds(result.elapsed)
        if result.failure == "plugin":
            code = f" {result.error_code}" if result.error_code is not None else ""
            detail = f"error{code}: {result.error}"
            if result.problems:
                self.add("unknown_function", title, WARN, measured,
                         detail + "; " + "; ".join(result.problems), result.elapsed)
            else:
                self.add("unknown_function", title, PASS, measured, detail, result.elapsed)
        elif result.success:
            self.add("unknown_function", title, FAIL, measured,
                     f"reported success for {_PROBE_FUNCTION!r}, which does not exist",
                     result.elapsed)
        else:
            self.add("unknown_function", title, FAIL, measured,
                     f"{result.failure}: {result.error}", result.elapsed)

    def check_bad_arguments(self) -> None:
        title = "bad arguments → error"
        for function in self.spec.functions:
            if function.name in self.skip or self.skip_tags.intersection(function.tags):
                continue
            bad = _bad_arguments(function)
            if bad is None:
                continue
            process = self.running()
            if process is None:
                self.add("bad_arguments", title, FAIL, "", "the plug-in could not be restarted")
                return
            args, how = bad
            self.progress(f"calling {how}")
            result = process.execute(function.name, args, timeout=self.call_timeout)
            measured = _seconds(result.elapsed)
            if result.failure == "plugin":
                self.add("bad_arguments", title, PASS, measured, f"{how} → {result.error}",
                         result.elapsed)
            elif result.success:
                self.add("bad_arguments", title, WARN, measured,
                         f"{how} → reported success; validate arguments and fail clearly",
                         result.elapsed)
            else:
                self.add("bad_arguments", title, FAIL, measured,
                         f"{how} → {result.failure}: {result.error}", result.elapsed)
            return
        self.add("bad_arguments", title, SKIP, "", "no callable function takes parameters")

    def check_invalid_json(self) -> None:
        title = "invalid JSON frame survived"
        process = self.running()
        if process is None:
            self.add("invalid_json", title, FAIL, "", "the plug-in could not be restarted")
            return
        self.progress("sending an invalid JSON frame")
        before = len(process.orphan_errors)
        started = time.monotonic()
        reply = process.send_raw(_INVALID_JSON)
        answered = ""
        # As long as a pong may take: an answer, if any, comes at once.
        patience = self.timeouts.ping_deadline
        if reply is not None:  # V1: the probe expects a final answer
            result = reply.wait(patience)
            if result is None:
                process.abandon(reply)
            elif result.failure == "plugin":
                answered = f"answered {result.error!r}"
            elif result.success:
                answered = "answered with success (should be an error)"
        else:
            deadline = started + patience
            while time.monotonic() < deadline and len(process.orphan_errors) == before:
                time.sleep(0.01)
            if len(process.orphan_errors) > before:
                error = process.orphan_errors[before]
                answered = f"answered error {error.get('code')}: {error.get('message')!r}"
        if process.wait_exited(0.2):
            answer = ("answer -32700" if process.protocol == "v2"
                      else 'answer {"success": false}')
            self.add("invalid_json", title, FAIL, "crashed",
                     f"the plug-in {describe_exit(process.exit_code)} after an invalid JSON"
                     f" frame; catch the parse error, {answer}, keep reading")
            return
        stuck = self._probe_alive(process)
        elapsed = time.monotonic() - started
        if stuck is not None:
            self.add("invalid_json", title, FAIL, "stuck",
                     f"stopped answering after an invalid JSON frame: {stuck}")
        elif answered and "success" not in answered:
            self.add("invalid_json", title, PASS, _seconds(elapsed),
                     f"{answered}; still answering", elapsed)
        else:
            what = answered or "dropped it silently (no -32700 parse error reply)"
            self.add("invalid_json", title, WARN, _seconds(elapsed),
                     f"{what}; still answering", elapsed)

    def _probe_alive(self, process: PluginProcess) -> str | None:
        """None if the plug-in still answers, else what went wrong."""
        if (process.protocol == "v2" and self.pings_answered
                and process.ping(timeout=2.0).answered):
            return None
        # No pong (some plug-ins never answer pings): any answer to a call will do.
        result = process.execute(_PROBE_FUNCTION, {}, timeout=2.0)
        if result.failure in ("plugin", "protocol", None):
            return None
        return f"no answer to a ping or a call within 2 s ({result.failure}: {result.error})"

    def check_stdout_clean(self) -> None:
        title = "stdout clean"
        if self.process is not None:
            self._retire(self.process)
        if self.violations:
            shown = "; ".join(self.violations[:3])
            more = f" (+{len(self.violations) - 3} more)" if len(self.violations) > 3 else ""
            self.add("stdout", title, FAIL, f"{len(self.violations)} violation(s)",
                     shown + more)
        else:
            self.add("stdout", title, PASS, "0 stray bytes",
                     "only protocol messages on stdout")

    def check_shutdown(self) -> None:
        title = "shutdown honoured"
        process = self.running()
        if process is None:
            self.add("shutdown", title, SKIP, "", "the plug-in is not running")
            return
        self.progress("shutting down")
        grace = self.timeouts.shutdown_grace
        report = process.shutdown()
        self._retire(process)
        measured = _seconds(report.elapsed)
        code = describe_exit(report.exit_code)
        if report.step == "message":
            status = PASS if report.exit_code == 0 else WARN
            detail = f"{code} after the shutdown message"
            if status == WARN:
                detail += " (expected exit code 0)"
            self.add("shutdown", title, status, measured, detail, report.elapsed)
        elif report.step == "stdin":
            self.add("shutdown", title, WARN, measured,
                     f"ignored the shutdown message for {grace:g} s; {code} when stdin closed",
                     report.elapsed)
        else:
            self.add("shutdown", title, FAIL, measured,
                     f"ignored the shutdown message and the closing of stdin; had to be"
                     f" {'terminated' if report.step == 'terminate' else 'killed'} ({code})",
                     report.elapsed)


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
    checker = _Checker(spec, card, timeouts=timeouts or Timeouts(), protocol=protocol,
                       log_dir=log_dir, call_timeout=call_timeout, skip=set(skip),
                       skip_tags=frozenset(skip_tags), progress=progress or (lambda _: None))
    try:
        checker.check_manifest()
        if checker.check_start():
            checker.check_ping_idle()
            checker.check_functions()
            checker.check_ping_busy()
            checker.check_unknown_function()
            checker.check_bad_arguments()
            checker.check_invalid_json()
            checker.check_stdout_clean()
            checker.check_shutdown()
        elif checker.process is not None:
            checker._retire(checker.process)
    finally:
        if checker.process is not None and checker.process.alive:
            checker.process.shutdown()
    card.log_path = checker.process.log_path if checker.process is not None else None
    if not card.ok:
        card.stderr_tail = checker.tails[-1] if checker.tails else ""
    card.elapsed = time.monotonic() - started
    return card
