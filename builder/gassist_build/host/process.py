# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Run one plug-in process the way the G-Assist engine does.

:class:`PluginProcess` launches a plug-in from its manifest (working directory
= the plug-in folder, ``<plugin>/libs`` on ``PYTHONPATH``, stderr to its own
log file), performs the ``initialize`` handshake, sends ``execute`` / ``input``
/ ``ping`` / ``shutdown`` and delivers streamed chunks as they arrive. A reader
thread decodes stdout; a :class:`Watchdog` pings like the engine and kills a
plug-in that misses consecutive pings. Every way a call can end — success, the
plug-in's own error, a timeout, a crash, a protocol violation — is a
:class:`CallResult` that says which, with the exit code and stderr tail when
the process died.

One :class:`PluginProcess` is one OS process; restarting is the caller's job
(see :mod:`gassist_build.host.emulator`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from .. import __version__
from .._platform import Platform, current_platform
from ..errors import LaunchError, ManifestError
from .dialects import Dialect, V1Dialect, V2Dialect, Violation, preview

__all__ = [
    "CallResult",
    "FunctionSpec",
    "HostEvent",
    "LaunchError",
    "ManifestError",
    "PendingCall",
    "PingResult",
    "PluginProcess",
    "PluginSpec",
    "ShutdownReport",
    "Timeouts",
    "Watchdog",
    "default_log_dir",
    "describe_exit",
    "load_plugin_spec",
]

log = logging.getLogger(__name__)

_STDERR_TAIL_BYTES = 4096
_STDERR_TAIL_LINES = 20
_MAX_VIOLATIONS = 100


# -- manifest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSpec:
    """One function a manifest declares, with its parameters in flat form.

    Attributes:
        name: Function name the engine calls.
        description: What the model reads.
        tags: Intent keywords (``write``/``dangerous`` mark state-changing ones).
        properties: Parameter name → JSON-schema-ish property object.
        required: Names of required parameters.
    """

    name: str
    description: str = ""
    tags: tuple[str, ...] = ()
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    def param_type(self, param: str) -> str | None:
        """The declared JSON type of ``param`` (None when undeclared)."""
        prop = self.properties.get(param)
        kind = prop.get("type") if isinstance(prop, dict) else None
        return kind if isinstance(kind, str) else None


@dataclass(frozen=True)
class PluginSpec:
    """What the host needs from a plug-in folder's manifest.json.

    Attributes:
        folder: The plug-in folder; its name is the invocation name.
        manifest: The parsed manifest.
        functions: Declared functions, in manifest order.
    """

    folder: Path
    manifest: dict[str, Any]
    functions: tuple[FunctionSpec, ...]

    @property
    def name(self) -> str:
        """Invocation name: the engine identifies a plug-in by its folder."""
        return self.folder.name

    @property
    def executable(self) -> str:
        return str(self.manifest.get("executable", ""))

    @property
    def protocol(self) -> str:
        """``"v2"`` when the manifest says ``protocol_version: "2.0"``, else ``"v1"``."""
        return "v2" if str(self.manifest.get("protocol_version", "")) == "2.0" else "v1"

    @property
    def persistent(self) -> bool:
        return self.manifest.get("persistent") is True

    @property
    def tethered(self) -> bool:
        return self.manifest.get("tethered") is True

    def function(self, name: str) -> FunctionSpec | None:
        """The declared function called ``name``, if any."""
        for spec in self.functions:
            if spec.name == name:
                return spec
        return None


def _function_spec(raw: dict[str, Any]) -> FunctionSpec:
    # Both manifest forms: flat `properties` + `required` (every NVIDIA example)
    # and a JSON-schema `parameters` object.
    schema = raw.get("parameters")
    source = schema if isinstance(schema, dict) and "properties" in schema else raw
    props = source.get("properties")
    required = source.get("required")
    tags = raw.get("tags")
    return FunctionSpec(
        name=str(raw.get("name", "")),
        description=str(raw.get("description", "")),
        tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        properties={str(k): v for k, v in props.items() if isinstance(v, dict)}
        if isinstance(props, dict) else {},
        required=tuple(str(r) for r in required) if isinstance(required, list) else (),
    )


def load_plugin_spec(folder: str | os.PathLike[str]) -> PluginSpec:
    """Read ``folder/manifest.json`` into a :class:`PluginSpec`.

    Only what stops the host from running the plug-in is an error here; the
    validator reports everything else.

    Raises:
        ManifestError: No readable manifest, not JSON, or no ``executable``.
    """
    path = Path(folder).resolve()
    manifest_path = path / "manifest.json"
    try:
        data = manifest_path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read {manifest_path}: {exc.strerror or exc}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{manifest_path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ManifestError(f"{manifest_path} must hold a JSON object")
    if not isinstance(manifest.get("executable"), str) or not manifest["executable"]:
        raise ManifestError(f"{manifest_path} has no 'executable' to launch")
    raw_functions = manifest.get("functions", [])
    functions = tuple(
        _function_spec(f) for f in raw_functions if isinstance(f, dict)
    ) if isinstance(raw_functions, list) else ()
    return PluginSpec(folder=path, manifest=manifest, functions=functions)


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """Every interval the host enforces, in seconds (the engine's values by default).

    Attributes:
        ping_interval: Seconds between watchdog pings (V2); None disables the watchdog.
        ping_deadline: A ping must be answered within this.
        max_missed_pings: Consecutive misses that get the plug-in killed.
        any_message_is_liveness: Count any message that arrives before the
            deadline as a sign of life (what lets streaming plug-ins survive a
            long single-threaded command); False demands the pong itself.
        input_ack: ``input`` must be acknowledged within this (V2).
        execute: ``execute``/``input`` must complete within this.
        initialize: The handshake must be answered within this.
        shutdown_grace: Wait after the ``shutdown`` message before closing stdin.
        stdin_close_grace: Wait after closing stdin before terminating.
        terminate_grace: Wait after terminating before killing.
        heartbeat_timeout: Silence that gets a ``tethered`` V1 plug-in killed
            (None: the manifest's ``tether_config.heartbeat_timeout``, else 20).
    """

    ping_interval: float | None = 2.0
    ping_deadline: float = 1.0
    max_missed_pings: int = 2
    any_message_is_liveness: bool = True
    input_ack: float = 2.0
    execute: float = 30.0
    initialize: float = 10.0
    shutdown_grace: float = 2.0
    stdin_close_grace: float = 1.0
    terminate_grace: float = 1.0
    heartbeat_timeout: float | None = None

    def scaled(self, **changes: Any) -> Timeouts:
        """A copy with some values changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class CallResult:
    """How one call ended.

    Attributes:
        success: The plug-in completed the call successfully.
        text: What the user sees: streamed chunks followed by the final data.
        chunks: Streamed chunks, in arrival order.
        data: The final ``complete.data`` (V2) or ``message`` (V1).
        keep_session: The plug-in asked to keep the conversation (passthrough).
        failure: None on success; otherwise ``"plugin"`` (the plug-in reported
            an error), ``"timeout"``, ``"watchdog"``, ``"crash"``,
            ``"protocol"`` or ``"host"``.
        error: Why it failed, written for a person.
        error_code: The plug-in's error code, when it sent one.
        elapsed: Seconds from sending the request to the end of the call.
        first_chunk_after: Seconds until the first streamed chunk, if any.
        problems: Protocol deviations seen during the call that did not end it.
        exit_code: The exit code, when the plug-in died during the call.
        stderr_tail: The end of the plug-in's stderr, when it died.
        value: The raw result object (``initialize`` info, ping result).
    """

    success: bool
    text: str = ""
    chunks: tuple[str, ...] = ()
    data: str = ""
    keep_session: bool = False
    failure: str | None = None
    error: str | None = None
    error_code: int | None = None
    elapsed: float = 0.0
    first_chunk_after: float | None = None
    problems: tuple[str, ...] = ()
    exit_code: int | None = None
    stderr_tail: str = ""
    value: Any = None


@dataclass(frozen=True)
class PingResult:
    """One ping.

    Attributes:
        answered: A pong arrived before the deadline.
        latency: Seconds until the pong (None if none came before giving up).
        echoed: The pong carried the timestamp that was sent.
        other_messages: Messages of any kind that arrived while waiting.
    """

    answered: bool
    latency: float | None
    echoed: bool
    other_messages: int = 0


@dataclass(frozen=True)
class ShutdownReport:
    """How the process ended on :meth:`PluginProcess.shutdown`.

    Attributes:
        step: What ended it: ``"message"`` (it honoured ``shutdown``),
            ``"stdin"`` (it exited when stdin closed), ``"terminate"``,
            ``"kill"`` or ``"already-exited"``.
        elapsed: Seconds from the ``shutdown`` message to exit.
        exit_code: The process exit code.
    """

    step: str
    elapsed: float
    exit_code: int | None


@dataclass(frozen=True)
class HostEvent:
    """Something worth showing that is not the reply to a call.

    Attributes:
        plugin: Plug-in (folder) name.
        kind: ``started``, ``exited``, ``violation``, ``log``, ``status``,
            ``watchdog``, ``restart`` or ``stopped``.
        message: Human-readable text.
    """

    plugin: str
    kind: str
    message: str


EventSink = Callable[[HostEvent], None]
ChunkSink = Callable[[str], None]


class PendingCall:
    """A request in flight; :meth:`wait` returns its :class:`CallResult`."""

    def __init__(self, kind: str, call_id: int | None, on_chunk: ChunkSink | None = None,
                 function: str = "") -> None:
        self.kind = kind
        self.id = call_id
        self.function = function
        self.started = time.monotonic()
        self.on_chunk = on_chunk
        self.chunks: list[str] = []
        self.problems: list[str] = []
        self.first_chunk_at: float | None = None
        self.sent_timestamp: Any = None
        self.acked = threading.Event()
        self._done = threading.Event()
        self._result: CallResult | None = None
        self._lock = threading.Lock()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> CallResult | None:
        """The result, or None if the call has not ended within ``timeout``."""
        self._done.wait(timeout)
        return self._result

    def add_chunk(self, text: str) -> None:
        if self._done.is_set():
            return
        if self.first_chunk_at is None:
            self.first_chunk_at = time.monotonic()
        self.chunks.append(text)
        if self.on_chunk is not None:
            try:
                self.on_chunk(text)
            except Exception:  # a display callback must not kill the reader
                log.exception("chunk callback failed")

    def finish(self, **fields: Any) -> bool:
        """End the call; False if it had already ended."""
        with self._lock:
            if self._result is not None:
                return False
            data = fields.get("data", "")
            chunks = tuple(self.chunks)
            first = self.first_chunk_at
            self._result = CallResult(
                text=fields.pop("text", "".join(chunks) + data),
                chunks=chunks,
                elapsed=time.monotonic() - self.started,
                first_chunk_after=None if first is None else first - self.started,
                problems=tuple(self.problems) + tuple(fields.pop("problems", ())),
                **fields,
            )
        self.acked.set()
        self._done.set()
        return True

    def fail(self, failure: str, error: str, **fields: Any) -> bool:
        """End the call as failed for ``failure`` (see :attr:`CallResult.failure`)."""
        return self.finish(success=False, failure=failure, error=error, **fields)


# -- the process ------------------------------------------------------------------------


class PluginProcess:
    """One running plug-in process and the conversation with it.

    Args:
        spec: The plug-in's manifest.
        timeouts: Intervals to enforce (the engine's by default).
        log_dir: Folder for ``<name>.stderr.log``; also passed to the plug-in as
            ``GASSIST_LOG_DIR`` so its own log files land there.
        protocol: ``"v1"``/``"v2"`` to override the manifest's.
        platform: How to launch and stop processes (the current OS by default).
        python: Interpreter for ``plugin.py`` (the current one by default).
        on_event: Receives :class:`HostEvent` records (violations, exits, ...).
        watchdog: Ping the plug-in like the engine (V2) / watch heartbeats
            (tethered V1).
        env: Extra environment variables for the plug-in.
    """

    def __init__(
        self,
        spec: PluginSpec,
        *,
        timeouts: Timeouts | None = None,
        log_dir: str | os.PathLike[str] | None = None,
        protocol: str | None = None,
        platform: Platform | None = None,
        python: str | None = None,
        on_event: EventSink | None = None,
        watchdog: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.spec = spec
        self.timeouts = timeouts or Timeouts()
        self.protocol = protocol or spec.protocol
        if self.protocol not in ("v1", "v2"):
            raise ValueError(f"protocol must be 'v1' or 'v2', not {self.protocol!r}")
        self.log_dir = Path(log_dir) if log_dir is not None else default_log_dir()
        self.log_path = self.log_dir / f"{spec.name}.stderr.log"
        self._platform = platform or current_platform()
        self._python = python or sys.executable
        self._on_event = on_event
        self._use_watchdog = watchdog
        self._extra_env = env or {}
        self._dialect: Dialect = V2Dialect() if self.protocol == "v2" else V1Dialect()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr_file: IO[bytes] | None = None
        self._stderr_offset = 0
        self._reader: threading.Thread | None = None
        self._watchdog: Watchdog | None = None
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._pending: dict[int, PendingCall] = {}
        self._v1_current: PendingCall | None = None
        self._v1_abandoned = False
        self._expired_pings: set[int] = set()
        self._abandoned: set[int] = set()
        self._end_reason: tuple[str, str] | None = None
        self._exited = threading.Event()
        self._stopping = False
        self.exit_code: int | None = None
        self.started_at: float | None = None
        self.info: dict[str, Any] = {}
        self.violations: list[str] = []
        self.orphan_errors: list[dict[str, Any]] = []
        self.messages_received = 0
        self.last_message_at = 0.0
        self.message_times: deque[float] = deque(maxlen=4096)

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self._proc is not None and not self._exited.is_set()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def end_reason(self) -> str | None:
        """Why the process ended, when the host (or a crash) ended it."""
        return self._end_reason[1] if self._end_reason else None

    def launch(self) -> None:
        """Start the process (no handshake). Raises :class:`LaunchError`."""
        if self._proc is not None:
            raise RuntimeError("a PluginProcess runs one process; create another to restart")
        argv = self._platform.launch_command(self.spec.folder, self.spec.executable,
                                             self._python)
        env = dict(os.environ)
        libs = str(self.spec.folder / "libs")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (libs, env.get("PYTHONPATH", "")) if p
        )
        env["GASSIST_LOG_DIR"] = str(self.log_dir)
        env.update(self._extra_env)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._stderr_file = self.log_path.open("ab")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._stderr_file.write(f"--- {stamp} gassist-build started {argv} ---\n".encode())
        self._stderr_file.flush()
        self._stderr_offset = self._stderr_file.tell()
        try:
            self._proc = subprocess.Popen(
                argv,
                cwd=self.spec.folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr_file,
                env=env,
                bufsize=0,
                **self._platform.popen_options(),
            )
        except OSError as exc:
            self._stderr_file.close()
            raise LaunchError(f"cannot start {argv[0]}: {exc.strerror or exc}") from exc
        self.started_at = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop,
                                        name=f"gassist-reader-{self.spec.name}", daemon=True)
        self._reader.start()
        self._emit("started", f"started pid {self._proc.pid} ({self.protocol.upper()})")

    def start(self) -> CallResult:
        """Launch the process and perform the ``initialize`` handshake.

        The result's ``value`` is the plug-in's initialize result (V2) or
        final answer (V1). On failure the process is stopped.
        """
        try:
            self.launch()
        except LaunchError as exc:
            return CallResult(success=False, failure="host", error=str(exc))
        if self.protocol == "v2":
            params = {"protocol_version": "2.0", "engine_version": f"gassist-build {__version__}",
                      "capabilities": ["streaming", "passthrough"]}
            call = self._request_v2("initialize", params, "initialize")
        else:
            call = self._request_v1("initialize", self._dialect_v1.tool_call("initialize", {}))
        result = self._await(call, self.timeouts.initialize, "initialize")
        if result.success:
            if isinstance(result.value, dict):
                self.info = result.value
            if self._use_watchdog:
                self._watchdog = Watchdog(self, self.timeouts)
                self._watchdog.start()
        elif self.alive:
            self.kill(result.error or "initialize failed", "host")
            self._exited.wait(5)
        return result

    def kill(self, reason: str, category: str = "host") -> None:
        """Kill the process tree now; pending calls fail with ``reason``."""
        with self._lock:
            if self._end_reason is None:
                self._end_reason = (category, reason)
        if self._proc is not None and not self._exited.is_set():
            self._emit("stopped", f"killed: {reason}")
            self._platform.kill_tree(self._proc)

    def shutdown(self) -> ShutdownReport:
        """Stop the plug-in: ``shutdown`` message, close stdin, terminate, kill.

        Each step waits at most its :class:`Timeouts` grace before the next.
        """
        proc = self._proc
        if proc is None or self._exited.is_set():
            return ShutdownReport("already-exited", 0.0, self.exit_code)
        self._stopping = True
        if self._watchdog is not None:
            self._watchdog.stop()
        started = time.monotonic()
        if self.protocol == "v2":
            self._write(self._dialect_v2.request("shutdown", {}, None))
        else:
            self._write(self._dialect_v1.tool_call("shutdown", {}))
        step = "message"
        if not self._wait_exit(self.timeouts.shutdown_grace):
            step = "stdin"
            self._close_stdin()
            if not self._wait_exit(self.timeouts.stdin_close_grace):
                step = "terminate"
                self._platform.terminate_tree(proc)
                if not self._wait_exit(self.timeouts.terminate_grace):
                    step = "kill"
                    self._platform.kill_tree(proc)
                    self._wait_exit(5.0)
        elapsed = time.monotonic() - started
        with self._lock:
            if self._end_reason is None:
                self._end_reason = ("host", "shut down")
        self._close_stdin()
        if self._reader is not None:
            self._reader.join(5.0)
        self._emit("stopped", f"shut down by {step} after {elapsed:.2f} s")
        return ShutdownReport(step, elapsed, self.exit_code)

    def wait_exited(self, timeout: float | None = None) -> bool:
        """Wait for the process to end and the host to notice; True if it has."""
        return self._exited.wait(timeout)

    def stderr_tail(self, lines: int = _STDERR_TAIL_LINES) -> str:
        """The last lines this process wrote to stderr."""
        try:
            with self.log_path.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                start = max(self._stderr_offset, size - _STDERR_TAIL_BYTES)
                handle.seek(start)
                data = handle.read()
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # -- requests -----------------------------------------------------------------------

    def begin_execute(
        self,
        function: str,
        arguments: dict[str, Any] | None = None,
        *,
        context: list[dict[str, Any]] | None = None,
        system_info: str = "",
        on_chunk: ChunkSink | None = None,
    ) -> PendingCall:
        """Send ``execute`` and return at once; see :meth:`finish_call`."""
        args = arguments or {}
        if self.protocol == "v2":
            params: dict[str, Any] = {"function": function, "arguments": args}
            if context is not None:
                params["context"] = context
            if system_info:
                params["system_info"] = system_info
            return self._request_v2("execute", params, "execute", on_chunk, function)
        payload = self._dialect_v1.tool_call(function, args, context, system_info)
        return self._request_v1("execute", payload, on_chunk, function)

    def execute(
        self,
        function: str,
        arguments: dict[str, Any] | None = None,
        *,
        context: list[dict[str, Any]] | None = None,
        system_info: str = "",
        on_chunk: ChunkSink | None = None,
        timeout: float | None = None,
    ) -> CallResult:
        """Run ``function`` and wait for it to complete (or fail, or time out)."""
        call = self.begin_execute(function, arguments, context=context,
                                  system_info=system_info, on_chunk=on_chunk)
        return self.finish_call(call, timeout)

    def finish_call(self, call: PendingCall, timeout: float | None = None) -> CallResult:
        """Wait for a call begun with a ``begin_*`` method, enforcing its timeout.

        A call that does not complete in time gets the plug-in killed, as the
        engine does.
        """
        limit = self.timeouts.execute if timeout is None else timeout
        return self._await(call, limit, f"{call.kind} {call.function}".strip())

    def send_input(self, text: str, *, on_chunk: ChunkSink | None = None,
                   timeout: float | None = None) -> CallResult:
        """Send a passthrough turn (``input`` in V2, ``user_input`` in V1) and wait."""
        if self.protocol == "v1":
            call = self._request_v1("input", self._dialect_v1.user_input(text), on_chunk)
            return self.finish_call(call, timeout)
        call = self._request_v2("input", {"content": text, "timestamp": int(time.time() * 1000)},
                                "input", on_chunk)
        if not call.acked.wait(self.timeouts.input_ack):
            reason = (f"input was not acknowledged within {self.timeouts.input_ack:g} s"
                      " (the engine requires an immediate {acknowledged: true} response)")
            self.kill(reason, "timeout")
            result = call.wait(5.0)
            return result or CallResult(success=False, failure="timeout", error=reason)
        return self.finish_call(call, timeout)

    def begin_ping(self) -> PendingCall:
        """Send a ``ping`` (V2 only) and return at once."""
        if self.protocol != "v2":
            raise RuntimeError("protocol V1 has no ping")
        return self._request_v2("ping", {"timestamp": int(time.time() * 1000)}, "ping")

    def ping(self, timeout: float | None = None) -> PingResult:
        """Ping and wait up to ``timeout`` (default: the ping deadline) for the pong.

        Unlike the watchdog this never kills the plug-in.
        """
        limit = self.timeouts.ping_deadline if timeout is None else timeout
        before = self.messages_received
        call = self.begin_ping()
        result = call.wait(limit)
        others = self.messages_received - before - (1 if result and result.success else 0)
        self._expire_ping(call)
        if result is None or not result.success:
            return PingResult(False, None, False, max(others, 0))
        return PingResult(True, result.elapsed, bool(result.value), max(others, 0))

    def send_raw(self, body: bytes) -> PendingCall | None:
        """Send ``body`` framed for the protocol, whatever it holds (conformance probes).

        In V1 every message the engine sends expects one final answer, so the
        probe is registered as a call and returned; in V2 nothing can answer an
        unparseable request by id, and None is returned.
        """
        dialect = self._dialect
        if isinstance(dialect, V1Dialect):
            return self._request_v1("raw", dialect.raw(body))
        assert isinstance(dialect, V2Dialect)
        self._write(dialect.raw(body))
        return None

    def abandon(self, call: PendingCall) -> None:
        """Stop waiting for ``call``: a reply that still arrives is not a violation."""
        self._abandon(call)
        call.fail("host", "abandoned by the host")

    def messages_between(self, start: float, end: float) -> int:
        """How many messages arrived between two ``time.monotonic()`` instants."""
        return sum(1 for t in list(self.message_times) if start <= t <= end)

    # -- internals: sending -------------------------------------------------------------

    @property
    def _dialect_v2(self) -> V2Dialect:
        assert isinstance(self._dialect, V2Dialect)
        return self._dialect

    @property
    def _dialect_v1(self) -> V1Dialect:
        assert isinstance(self._dialect, V1Dialect)
        return self._dialect

    def _request_v2(self, method: str, params: dict[str, Any], kind: str,
                    on_chunk: ChunkSink | None = None, function: str = "") -> PendingCall:
        with self._lock:
            call_id = self._dialect.new_id()
            call = PendingCall(kind, call_id, on_chunk, function)
            if not self._register(call):
                return call
            self._pending[call_id] = call
        if method == "ping":
            call.sent_timestamp = params["timestamp"]
        self._write(self._dialect_v2.request(method, params, call_id))
        return call

    def _request_v1(self, kind: str, payload: bytes, on_chunk: ChunkSink | None = None,
                    function: str = "") -> PendingCall:
        with self._lock:
            call = PendingCall(kind, None, on_chunk, function)
            if not self._register(call):
                return call
            if self._v1_current is not None and not self._v1_current.done:
                call.fail("host", "a V1 plug-in handles one call at a time; another is running")
                return call
            self._v1_current = call
        self._write(payload)
        return call

    def _register(self, call: PendingCall) -> bool:
        if self._proc is None:
            call.fail("host", "the plug-in is not running")
            return False
        if self._exited.is_set():
            self._fail_dead(call)
            return False
        return True

    def _write(self, data: bytes) -> bool:
        proc = self._proc
        if proc is None or proc.stdin is None:
            return False
        with self._write_lock:
            try:
                proc.stdin.write(data)
                proc.stdin.flush()
            except (OSError, ValueError):
                # The process is gone; the reader reports how it ended.
                return False
        return True

    def _close_stdin(self) -> None:
        proc = self._proc
        if proc is not None and proc.stdin is not None:
            with self._write_lock, contextlib.suppress(OSError):
                proc.stdin.close()

    def _await(self, call: PendingCall, limit: float, what: str) -> CallResult:
        result = call.wait(limit)
        if result is not None:
            return result
        hint = self._dialect.waiting_hint()
        reason = f"no reply to {what} within {limit:g} s"
        if hint:
            reason += f": {hint}"
            category = "protocol"
        else:
            category = "timeout"
        reason += "; the plug-in was stopped (the engine kills a plug-in that times out)"
        self._abandon(call)
        call.fail(category, reason, stderr_tail=self.stderr_tail())
        self.kill(reason, category)
        self._exited.wait(5.0)
        result = call.wait(0)
        assert result is not None
        return result

    def _abandon(self, call: PendingCall) -> None:
        # Replies that still arrive for this call are expected, not violations.
        with self._lock:
            if call.id is not None:
                self._pending.pop(call.id, None)
                self._abandoned.add(call.id)
            if call is self._v1_current:
                self._v1_current = None
                self._v1_abandoned = True

    def _expire_ping(self, call: PendingCall) -> None:
        with self._lock:
            if call.id is not None and self._pending.pop(call.id, None) is not None:
                self._expired_pings.add(call.id)

    def _wait_exit(self, timeout: float) -> bool:
        return self._exited.wait(timeout)

    # -- internals: receiving -----------------------------------------------------------

    def _read_loop(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        stream = proc.stdout
        while True:
            try:
                data = stream.read(65536)
            except (OSError, ValueError):
                data = b""
            if not data:
                break
            for item in self._dialect.feed(data):
                self._handle(item)
        for item in self._dialect.finish():
            self._handle(item)
        try:
            code = proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            # stdout closed but the process lingers: the engine would lose it too.
            self.kill("closed stdout but kept running", "crash")
            code = proc.wait()
        with contextlib.suppress(OSError, ValueError):
            stream.close()
        if self._stderr_file is not None:
            self._stderr_file.close()
        self._on_exit(code)

    def _on_exit(self, code: int) -> None:
        with self._lock:
            self.exit_code = code
            self._exited.set()
            calls = list(self._pending.values())
            self._pending.clear()
            if self._v1_current is not None:
                calls.append(self._v1_current)
                self._v1_current = None
        if self._watchdog is not None:
            self._watchdog.stop()
        for call in calls:
            self._fail_dead(call)
        if not self._stopping:
            self._emit("exited", self._death_message())

    def _death_message(self) -> str:
        code = self.exit_code
        described = describe_exit(code)
        if self._end_reason is not None:
            return f"{self._end_reason[1]} ({described})"
        return f"the plug-in {described}"

    def _fail_dead(self, call: PendingCall) -> None:
        category = self._end_reason[0] if self._end_reason else "crash"
        call.fail(category, self._death_message(), exit_code=self.exit_code,
                  stderr_tail=self.stderr_tail())

    def _violation(self, text: str) -> None:
        if self._stopping or self._end_reason is not None:
            return  # what a dying process leaves half-sent is no news
        if len(self.violations) < _MAX_VIOLATIONS:
            self.violations.append(text)
            self._emit("violation", text)
        # The engine would have lost the stream: the calls waiting on it fail.
        with self._lock:
            calls = [c for c in self._pending.values() if c.kind != "ping"]
            if self._v1_current is not None:
                calls.append(self._v1_current)
        for call in calls:
            self._abandon(call)
            call.fail("protocol", f"protocol violation: {text}")

    def _handle(self, item: dict[str, Any] | Violation) -> None:
        if isinstance(item, Violation):
            self._violation(item.message)
            return
        self.messages_received += 1
        self.last_message_at = time.monotonic()
        self.message_times.append(self.last_message_at)
        if self.protocol == "v2":
            self._route_v2(item)
        else:
            self._route_v1(item)

    def _route_v2(self, msg: dict[str, Any]) -> None:
        problem = None
        if msg.get("jsonrpc") != "2.0":
            problem = f'message without "jsonrpc": "2.0": {_short(msg)}'
        method = msg.get("method")
        if isinstance(method, str):
            if "id" in msg:
                self._violation(f"the plug-in sent a request ({method!r}); plug-ins only answer"
                                f" and notify: {_short(msg)}")
                return
            self._route_notification(method, msg.get("params"), msg, problem)
            return
        if "id" in msg and ("result" in msg or "error" in msg):
            self._route_response(msg, problem)
            return
        self._violation(f"message is neither a response nor a notification: {_short(msg)}")

    def _route_notification(self, method: str, params: Any, msg: dict[str, Any],
                            problem: str | None) -> None:
        if not isinstance(params, dict):
            self._violation(f"notification {method!r} without a params object: {_short(msg)}")
            return
        if method == "log":
            self._emit("log", f"[{params.get('level', 'info')}] {params.get('message', '')}")
            return
        if method not in ("stream", "complete", "error"):
            self._violation(f"unknown notification {method!r}: {_short(msg)}")
            return
        request_id = params.get("request_id")
        with self._lock:
            call = self._pending.get(request_id)  # type: ignore[arg-type]
            abandoned = request_id in self._abandoned
        if call is None or call.kind not in ("execute", "input"):
            if not self._stopping and not abandoned:
                self._violation(f"{method!r} for request_id {params.get('request_id')!r}, which"
                                f" is not a call in progress: {_short(msg)}")
            return
        if problem:
            call.problems.append(problem)
        if method == "stream":
            data = params.get("data")
            if not isinstance(data, str):
                call.problems.append(f"stream.data is {_json_type(data)}, not text")
                data = json.dumps(data, ensure_ascii=False)
            call.add_chunk(data)
            return
        with self._lock:
            self._pending.pop(call.id, None)  # type: ignore[arg-type]
        if method == "error":
            code = params.get("code")
            message = params.get("message")
            call.finish(success=False, failure="plugin",
                        error=str(message) if message is not None else "(no message)",
                        error_code=code if isinstance(code, int) else None)
            return
        data = params.get("data", "")
        if data is None:
            data = ""
        if not isinstance(data, str):
            text = json.dumps(data, ensure_ascii=False)
            call.fail("protocol", f"complete.data is {_json_type(data)}, not text: "
                      f"{_clip(text)} — engines show text only; return a string",
                      data=text)
            return
        success = params.get("success", True)
        if not isinstance(success, bool):
            call.problems.append(f"complete.success is {_json_type(success)}, not a boolean")
        call.finish(success=bool(success), data=data,
                    keep_session=params.get("keep_session") is True,
                    failure=None if success else "plugin",
                    error=None if success else (data or "the plug-in reported failure"))

    def _route_response(self, msg: dict[str, Any], problem: str | None) -> None:
        call_id = msg.get("id")
        with self._lock:
            call = self._pending.get(call_id) if isinstance(call_id, int) else None
            expired = isinstance(call_id, int) and (
                call_id in self._expired_pings or call_id in self._abandoned)
        if call is None:
            if expired:
                return  # a late pong; the ping already counted as missed
            if call_id is None and "error" in msg:
                # e.g. -32700 for a frame it could not parse: the right answer.
                self.orphan_errors.append(msg["error"] if isinstance(msg["error"], dict)
                                          else {"message": msg["error"]})
                return
            self._violation(f"response to id {call_id!r}, which was never sent or has"
                            f" ended: {_short(msg)}")
            return
        if problem:
            call.problems.append(problem)
        error = msg.get("error")
        if call.kind == "input" and "result" in msg:
            call.acked.set()  # the call stays pending until complete/error
            return
        with self._lock:
            self._pending.pop(call.id, None)  # type: ignore[arg-type]
        if error is not None:
            err = error if isinstance(error, dict) else {"message": str(error)}
            extra: tuple[str, ...] = ()
            if call.kind in ("execute", "input"):
                extra = ("answered with a JSON-RPC error response instead of an `error`"
                         " notification: engines that wait for notifications never see this"
                         " call end",)
            code = err.get("code")
            call.finish(success=False, failure="plugin", error=str(err.get("message", err)),
                        error_code=code if isinstance(code, int) else None, problems=extra)
            return
        result = msg.get("result")
        if call.kind == "ping":
            echoed = isinstance(result, dict) and result.get("timestamp") == call.sent_timestamp
            call.finish(success=True, value=echoed)
            return
        if call.kind == "execute":
            call.finish(success=True, value=result,
                        data=result if isinstance(result, str) else "",
                        problems=("answered execute with a response instead of `complete`:"
                                  " engines wait for the complete notification",))
            return
        call.finish(success=True, value=result)

    def _route_v1(self, msg: dict[str, Any]) -> None:
        with self._lock:
            call = self._v1_current
        kind = msg.get("type")
        if kind == "heartbeat":
            return
        if "success" in msg:
            if call is None:
                if not self._v1_abandoned:
                    self._violation(f"final answer with no call in progress: {_short(msg)}")
                self._v1_abandoned = False
                return
            with self._lock:
                self._v1_current = None
            message = msg.get("message", "")
            if not isinstance(message, str):
                text = json.dumps(message, ensure_ascii=False)
                call.fail("protocol", f"message is {_json_type(message)}, not text: "
                          f"{_clip(text)} — engines show text only", data=text)
                return
            success = msg.get("success") is True
            call.finish(success=success, data=message,
                        keep_session=msg.get("awaiting_input") is True,
                        failure=None if success else "plugin",
                        error=None if success else (message or "the plug-in reported failure"),
                        value=msg)
            return
        status = msg.get("status") or kind
        if status in ("in_progress", "status", "state_change"):
            self._emit("status", str(msg.get("message") or msg.get("new_state") or status))
            return
        if "message" in msg and call is not None:
            message = msg["message"]
            call.add_chunk(message if isinstance(message, str)
                           else json.dumps(message, ensure_ascii=False))
            return
        if not self._stopping:
            self._violation(f"message the engine does not understand: {_short(msg)}")

    def _emit(self, kind: str, message: str) -> None:
        if self._on_event is not None:
            try:
                self._on_event(HostEvent(self.spec.name, kind, message))
            except Exception:
                log.exception("event callback failed")


class Watchdog:
    """Pings a V2 plug-in like the engine; watches a tethered V1 plug-in's heartbeats.

    Every ``ping_interval`` seconds a ping is sent; one not answered within
    ``ping_deadline`` is a miss (unless ``any_message_is_liveness`` and some
    other message arrived meanwhile); ``max_missed_pings`` consecutive misses
    get the process killed. A hung plug-in is therefore killed at most
    ``max_missed_pings * ping_interval + ping_deadline`` after it last answered.
    """

    def __init__(self, process: PluginProcess, timeouts: Timeouts) -> None:
        self._process = process
        self._timeouts = timeouts
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"gassist-watchdog-{process.spec.name}")
        self.misses = 0

    def start(self) -> None:
        if self._process.protocol == "v2" and self._timeouts.ping_interval is None:
            return
        if self._process.protocol == "v1" and not self._process.spec.tethered:
            return
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        if self._process.protocol == "v2":
            self._ping_loop()
        else:
            self._heartbeat_loop()

    def _ping_loop(self) -> None:
        timeouts = self._timeouts
        assert timeouts.ping_interval is not None
        process = self._process
        next_at = time.monotonic() + timeouts.ping_interval
        while not self._stop.wait(max(0.0, next_at - time.monotonic())):
            if not process.alive:
                return
            sent = time.monotonic()
            next_at = sent + timeouts.ping_interval
            call = process.begin_ping()
            result = call.wait(timeouts.ping_deadline)
            process._expire_ping(call)
            if self._stop.is_set() or not process.alive:
                return
            if result is not None and result.success:
                self.misses = 0
                continue
            if timeouts.any_message_is_liveness and process.last_message_at > sent:
                self.misses = 0
                continue
            self.misses += 1
            process._emit("watchdog", f"no answer to ping within {timeouts.ping_deadline:g} s"
                                      f" (miss {self.misses} of {timeouts.max_missed_pings})")
            if self.misses >= timeouts.max_missed_pings:
                process.kill(f"watchdog: missed {self.misses} consecutive pings (none answered"
                             f" within {timeouts.ping_deadline:g} s)", "watchdog")
                return

    def _heartbeat_loop(self) -> None:
        process = self._process
        config = process.spec.manifest.get("tether_config")
        limit = self._timeouts.heartbeat_timeout
        if limit is None:
            value = config.get("heartbeat_timeout") if isinstance(config, dict) else None
            limit = float(value) if isinstance(value, (int, float)) else 20.0
        step = min(1.0, limit / 4)
        while not self._stop.wait(step):
            if not process.alive:
                return
            last = max(process.last_message_at, process.started_at or 0.0)
            if time.monotonic() - last > limit:
                process.kill(f"watchdog: tethered plug-in silent for more than {limit:g} s"
                             " (no heartbeat)", "watchdog")
                return


def describe_exit(code: int | None) -> str:
    """``exited with code 3`` / ``was killed by SIGKILL`` / ``is still running``."""
    if code is None:
        return "is still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name} (exit code {code})"
    return f"exited with code {code}"


def default_log_dir() -> Path:
    """Where plug-in stderr logs go unless told otherwise."""
    import tempfile

    return Path(tempfile.gettempdir()) / "gassist-build" / "logs"


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "a string"


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _short(msg: dict[str, Any]) -> str:
    return preview(json.dumps(msg, ensure_ascii=False).encode("utf-8"), 120)
