# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Protocol V2 benchmark: the SDK's plug-in against a no-SDK floor, in the same run.

Each plug-in is launched as a subprocess and driven over real pipes with
length-prefixed JSON-RPC, as the G-Assist engine does. Measured for both, side
by side with the ratio SDK/floor and the targets of issue 2:

* execute round trips per second (sequential ``echo`` calls) and p50/p99 µs,
* start→initialize (Popen to the initialize response, median of 5 launches),
  warm (bytecode cached) and cold: no bytecode anywhere for the plug-in or the
  SDK, both copied into read-only folders with the SDK on ``PYTHONPATH`` as a
  built ``libs/`` would be,
* pings sent every 100 ms during a 3 s command: how many are answered within
  the engine's 1 s deadline, and their median/max latency,
* throughput of 1 MB results,
* peak RSS of the plug-in process (``VmHWM``, read before shutdown),
* log bytes written per 1,000 calls (``GASSIST_LOG_DIR`` points at a temp dir).

Every answer is checked (ids, echoed text, result sizes), so a fast but wrong
plug-in fails the run. Performance itself is not pass/fail: the exit status is
1 only when a plug-in could not be measured.

Usage: ``python bench/protocol_bench.py [--quick] [--awake] [--only sdk|floor] [--json PATH]``.
``--awake`` keeps the CPUs busy with lowest-priority spinners during the round
trips: on a virtual machine an idle vCPU takes tens of microseconds to wake,
which otherwise dominates every round trip and hides the plug-in's own cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

BENCH_DIR = Path(__file__).resolve().parent
SDK_DIR = BENCH_DIR.parent / "sdk" / "gassist_sdk"
PLUGINS = {
    "sdk": BENCH_DIR / "echo_plugin.py",
    "floor": BENCH_DIR / "floor_plugin.py",
}
ECHO_TEXT = "hello, G-Assist"
NOISY_PERCENT = 10.0  # other processes' share of the CPUs above which timings wobble
PING_DEADLINE_S = 1.0  # the engine kills a plug-in whose pong takes longer


@dataclass(frozen=True)
class Settings:
    """How much work each measurement does."""

    calls: int = 5000  # timed echo round trips per plug-in
    rounds: int = 10  # the calls are split into rounds alternating between plug-ins
    warmup: int = 200  # calls before each timed round
    launches: int = 5
    cold_launches: int = 15  # a cold start swings more: it is mostly compiling
    sleep_s: float = 3.0
    ping_interval_s: float = 0.1
    big_n: int = 1_000_000
    big_calls: int = 10
    log_calls: int = 1000


QUICK = Settings(calls=300, rounds=2, warmup=50, launches=2, cold_launches=2, sleep_s=1.0,
                 big_calls=2)


class BenchError(RuntimeError):
    """A plug-in died, answered wrongly or could not be launched."""


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return len(body).to_bytes(4, "big") + body


class ColdCopy:
    """Read-only copies of the plug-ins and the SDK, for starts with no bytecode at all.

    The SDK goes to ``libs/`` beside the plug-ins, as a source build lays it out,
    and is found through ``PYTHONPATH``. With the folders read-only and
    ``PYTHONDONTWRITEBYTECODE`` set, every launch compiles the plug-in and the
    SDK from source (the standard library keeps its bytecode, as installed).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.libs = root / "libs"
        shutil.copytree(SDK_DIR, self.libs / SDK_DIR.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for script in PLUGINS.values():
            shutil.copy2(script, root / script.name)
        self._set_writable(False)

    def script(self, name: str) -> Path:
        """The copy of plug-in ``name``."""
        return self.root / PLUGINS[name].name

    def env(self) -> dict[str, str]:
        """What a cold launch adds to the environment."""
        return {"PYTHONPATH": str(self.libs), "PYTHONDONTWRITEBYTECODE": "1"}

    def release(self) -> None:
        """Make the copies writable again, so the scratch folder can be removed."""
        self._set_writable(True)

    def _set_writable(self, writable: bool) -> None:
        for folder, _dirs, files in os.walk(self.root):
            for file in files:
                os.chmod(os.path.join(folder, file), 0o644 if writable else 0o444)
            os.chmod(folder, 0o755 if writable else 0o555)


class PluginProcess:
    """One plug-in process over real pipes, driven from the engine's side.

    Args:
        script: The plug-in's ``.py`` file, run with this interpreter in its own folder.
        workdir: A scratch folder for this process: its log dir and stderr file.
        pycache: Where the child caches bytecode (kept out of the source tree).
        env: Added to the child's environment (a cold launch's, see :class:`ColdCopy`).
    """

    def __init__(self, script: Path, workdir: Path, pycache: Path,
                 env: dict[str, str] | None = None) -> None:
        self.log_dir = workdir / "logs"
        self.log_dir.mkdir(parents=True)
        self.stderr_path = workdir / "stderr.txt"
        child_env = dict(os.environ, GASSIST_LOG_DIR=str(self.log_dir),
                         PYTHONPYCACHEPREFIX=str(pycache))
        # A deployed plug-in imports byte-compiled modules (pip compiles libs/, PyInstaller
        # bundles .pyc); compiling the SDK on every launch would measure the wrong thing,
        # except in the cold launches, which measure exactly that.
        child_env.pop("PYTHONDONTWRITEBYTECODE", None)
        child_env.update(env or {})
        self._stderr = self.stderr_path.open("wb")
        self.launched_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=script.parent,
            env=child_env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in: IO[bytes] = self.proc.stdin
        self._out: IO[bytes] = self.proc.stdout
        self._next_id = 0

    # -- wire ---------------------------------------------------------------------

    def new_id(self) -> int:
        """A fresh request id."""
        self._next_id += 1
        return self._next_id

    def write(self, data: bytes) -> None:
        """Write already-framed bytes to the plug-in's stdin."""
        try:
            self._in.write(data)
            self._in.flush()
        except (BrokenPipeError, OSError) as exc:
            raise BenchError(f"plug-in stopped reading: {exc}{self._stderr_tail()}") from exc

    def send(self, message: dict[str, Any]) -> None:
        """Frame and write one message."""
        self.write(_frame(message))

    def request(self, method: str, params: dict[str, Any]) -> int:
        """Send a request; return its id."""
        request_id = self.new_id()
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return request_id

    def read_message(self) -> dict[str, Any]:
        """Read and decode the next frame the plug-in wrote.

        Raises:
            BenchError: The plug-in closed its stdout or wrote something that
                is not a JSON object.
        """
        header = self._out.read(4)
        if len(header) < 4:
            raise BenchError(f"plug-in closed its stdout{self._stderr_tail()}")
        size = int.from_bytes(header, "big")
        body = self._out.read(size)
        if len(body) < size:
            raise BenchError(f"plug-in closed its stdout inside a frame{self._stderr_tail()}")
        try:
            message = json.loads(body)
        except ValueError as exc:
            raise BenchError(f"plug-in sent invalid JSON: {body[:80]!r}") from exc
        if not isinstance(message, dict):
            raise BenchError(f"plug-in sent a non-object message: {body[:80]!r}")
        return message

    def wait_response(self, request_id: int) -> dict[str, Any]:
        """Read until the successful response to ``request_id``; skip anything else."""
        while True:
            message = self.read_message()
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise BenchError(f"request {request_id} failed: {message['error']}")
                return message

    def wait_end(self, request_id: int) -> dict[str, Any]:
        """Read until the ``complete``/``error`` notification of an execute; return its params."""
        while True:
            message = self.read_message()
            if message.get("method") in ("complete", "error"):
                params = message.get("params") or {}
                if params.get("request_id") == request_id:
                    return {"method": message["method"], **params}

    def execute(self, function: str, **arguments: Any) -> dict[str, Any]:
        """Run a command; return the params of its ending notification (plus ``method``)."""
        request_id = self.request("execute", {"function": function, "arguments": arguments})
        return self.wait_end(request_id)

    def call(self, function: str, **arguments: Any) -> str:
        """Execute a command that must succeed; return its text."""
        end = self.execute(function, **arguments)
        if end["method"] != "complete" or end.get("success") is not True:
            raise BenchError(f"{function} failed: {end}")
        data = end.get("data")
        if not isinstance(data, str):
            raise BenchError(f"{function} returned non-text data: {data!r:.80}")
        return data

    def initialize(self) -> dict[str, Any]:
        """Send ``initialize`` as the engine does; return the checked result."""
        request_id = self.request(
            "initialize",
            {"protocol_version": "2.0", "engine_version": "protocol-bench",
             "capabilities": ["streaming", "passthrough"]},
        )
        result = self.wait_response(request_id).get("result")
        if not isinstance(result, dict) or result.get("protocol_version") != "2.0":
            raise BenchError(f"bad initialize result: {result!r}")
        return result

    # -- process ------------------------------------------------------------------

    def peak_rss_kib(self) -> int | None:
        """High-water resident set size, or None where /proc is absent."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None

    def shutdown(self, timeout: float = 5.0) -> None:
        """Ask the plug-in to exit (a notification, as the docs say); kill it if it lingers."""
        try:
            if self.proc.poll() is None:
                self.send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
                self._in.close()
            self.proc.wait(timeout)
        except (BenchError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            self._out.close()
            self._stderr.close()

    def _stderr_tail(self) -> str:
        self._stderr.flush()
        try:
            tail = self.stderr_path.read_text(errors="replace")[-1500:].strip()
        except OSError:
            return ""
        return f"\n--- plug-in stderr (tail) ---\n{tail}" if tail else ""


@dataclass
class Result:
    """Measurements of one plug-in (None where not measured)."""

    rate: float | None = None
    p50_us: float | None = None
    p99_us: float | None = None
    start_ms: float | None = None
    cold_start_ms: float | None = None
    pings_answered: int | None = None
    pings_sent: int | None = None
    ping_median_ms: float | None = None
    ping_max_ms: float | None = None
    big_mb_s: float | None = None
    rss_mib: float | None = None
    log_bytes: int | None = None
    checks: list[str] = field(default_factory=list)
    error: str | None = None
    # raw samples, kept out of the JSON output
    _rounds: list[tuple[float, float, float]] = field(default_factory=list, repr=False)
    _big_bytes: int = 0
    _big_ns: int = 0


class Bench:
    """Runs every measurement for the chosen plug-ins."""

    def __init__(self, names: list[str], settings: Settings, scratch: Path,
                 awake: bool = False) -> None:
        self.names = names
        self.awake = awake
        self.s = settings
        self.scratch = scratch
        self.results = {name: Result() for name in names}
        self._serial = 0
        self.load_percent: float | None = None

    def launch(self, name: str, cold: ColdCopy | None = None) -> PluginProcess:
        """Start a fresh process of plug-in ``name`` with its own scratch folder.

        With ``cold``, the plug-in and the SDK are run from read-only copies and
        compiled from source (see :class:`ColdCopy`).
        """
        self._serial += 1
        script = PLUGINS[name] if cold is None else cold.script(name)
        return PluginProcess(script, self.scratch / f"{name}-{self._serial}",
                             self.scratch / "pycache", None if cold is None else cold.env())

    @contextmanager
    def session(self, name: str) -> Iterator[PluginProcess]:
        """An initialized process of plug-in ``name``, shut down afterwards."""
        plugin = self.launch(name)
        try:
            plugin.initialize()
            yield plugin
        finally:
            plugin.shutdown()

    def alive(self) -> list[str]:
        """The plug-ins that have not failed so far."""
        return [name for name in self.names if self.results[name].error is None]

    def guarded(self, name: str, step: Callable[[], object]) -> None:
        """Run one step; a failure marks the plug-in and skips its later steps."""
        if self.results[name].error is not None:
            return
        try:
            step()
        except BenchError as exc:
            self.results[name].error = str(exc)

    # -- measurements -------------------------------------------------------------

    def run(self) -> None:
        """Every measurement, in an order that keeps the two plug-ins' conditions alike."""
        meter = LoadMeter()
        try:
            self._run()
        finally:
            self.load_percent = meter.others_percent()

    def _run(self) -> None:
        self.startup()
        self.main_sessions()
        for name in self.alive():
            self.guarded(name, partial(self.ping_during_command, name))
        for name in self.alive():
            self.guarded(name, partial(self.log_volume, name))
        if "sdk" in self.alive():
            self.guarded("sdk", self.sdk_checks)

    def startup(self) -> None:
        """Median time from Popen to the initialize response, warm then cold, alternating."""
        # One unmeasured launch each first, so bytecode caches are warm for both.
        for name in self.names:
            self.guarded(name, partial(self._launch_once, name))
        self.timed_launches(self.s.launches, None, "start_ms")
        cold = ColdCopy(self.scratch / "cold")
        try:
            self.timed_launches(self.s.cold_launches, cold, "cold_start_ms")
        finally:
            cold.release()

    def timed_launches(self, count: int, cold: ColdCopy | None, metric: str) -> None:
        """Launch each plug-in ``count`` times, alternating; store the median in ``metric``."""
        times: dict[str, list[float]] = {name: [] for name in self.names}
        for _ in range(count):
            for name in self.alive():
                self.guarded(name, partial(self._timed_launch, name, times[name], cold))
        for name in self.alive():
            setattr(self.results[name], metric, statistics.median(times[name]))

    def _timed_launch(self, name: str, times: list[float], cold: ColdCopy | None) -> None:
        times.append(self._launch_once(name, cold))

    def _launch_once(self, name: str, cold: ColdCopy | None = None) -> float:
        plugin = self.launch(name, cold)
        try:
            plugin.initialize()  # the request waits in the pipe while Python starts
            return (time.perf_counter() - plugin.launched_at) * 1000
        finally:
            plugin.shutdown()

    def main_sessions(self) -> None:
        """Round trips, then 1 MB results and peak RSS, alternating between plug-ins.

        Each round runs in a fresh pair of processes: how the scheduler happens
        to place a process's threads on the CPUs sways a whole session by up to
        2× on a small machine, so one long session per plug-in would measure luck.
        The process of the last round stays open for the 1 MB results and RSS.
        """
        plugins: dict[str, PluginProcess] = {}
        per_round = max(1, self.s.calls // self.s.rounds)
        try:
            for index in range(self.s.rounds):
                for name in self.alive():
                    if name in plugins:
                        plugins.pop(name).shutdown()
                    self.guarded(name, partial(self._open_warm, name, plugins))
                # Who goes first alternates, so a drift in machine speed favours neither.
                order = self.alive() if index % 2 == 0 else self.alive()[::-1]
                with cpus_kept_awake(self.awake):
                    for name in order:
                        self.guarded(name, partial(self._round_trips, name, plugins[name],
                                                   per_round))
            for _ in range(self.s.big_calls):
                for name in self.alive():
                    self.guarded(name, partial(self._big, name, plugins[name]))
            for name in self.alive():
                # Median over rounds: a burst of load from elsewhere on the machine
                # spoils a round or two, which would otherwise decide the p99.
                result = self.results[name]
                result.rate = statistics.median(r[0] for r in result._rounds)
                result.p50_us = statistics.median(r[1] for r in result._rounds)
                result.p99_us = statistics.median(r[2] for r in result._rounds)
                kib = plugins[name].peak_rss_kib()
                result.rss_mib = None if kib is None else kib / 1024
        finally:
            for plugin in plugins.values():
                plugin.shutdown()

    def _open_warm(self, name: str, plugins: dict[str, PluginProcess]) -> None:
        plugin = plugins[name] = self.launch(name)
        plugin.initialize()
        for _ in range(self.s.warmup):
            if plugin.call("echo", text=ECHO_TEXT) != ECHO_TEXT:
                raise BenchError("echo returned different text")

    def _round_trips(self, name: str, plugin: PluginProcess, count: int) -> None:
        # The loop is kept tight so the host's own cost hides as little of the
        # plug-in's as possible; every answer is still decoded and checked.
        result = self.results[name]
        head = b'{"jsonrpc":"2.0","id":'
        tail = (b',"method":"execute","params":{"function":"echo","arguments":{"text":'
                + json.dumps(ECHO_TEXT).encode() + b"}}}")
        write, read = plugin.write, plugin.read_message
        clock = time.perf_counter_ns
        latencies: list[int] = []
        round_start = clock()
        for _ in range(count):
            request_id = plugin.new_id()
            body = head + str(request_id).encode() + tail
            started = clock()
            write(len(body).to_bytes(4, "big") + body)
            while True:
                message = read()
                if message.get("method") in ("complete", "error"):
                    break
            latencies.append(clock() - started)
            params = message["params"]
            if (params.get("request_id") != request_id or params.get("data") != ECHO_TEXT
                    or message["method"] != "complete"):
                raise BenchError(f"wrong answer to echo #{request_id}: {message!r:.200}")
        elapsed_ns = clock() - round_start
        latencies.sort()
        result._rounds.append((count / (elapsed_ns / 1e9), _percentile(latencies, 50) / 1000,
                               _percentile(latencies, 99) / 1000))

    def _big(self, name: str, plugin: PluginProcess) -> None:
        result = self.results[name]
        started = time.perf_counter_ns()
        data = plugin.call("big", n=self.s.big_n)
        result._big_ns += time.perf_counter_ns() - started
        if len(data) != self.s.big_n:
            raise BenchError(f"big({self.s.big_n}) returned {len(data)} characters")
        result._big_bytes += len(data)
        result.big_mb_s = result._big_bytes / 1e6 / (result._big_ns / 1e9)

    def ping_during_command(self, name: str) -> None:
        """Ping every interval while a slow command runs; time each pong."""
        result = self.results[name]
        count = round(self.s.sleep_s / self.s.ping_interval_s)
        with self.session(name) as plugin:
            sent: dict[int, float] = {}
            answered: dict[int, float] = {}
            ended: list[float] = []
            failure: list[BaseException] = []

            def collect() -> None:
                try:
                    while len(answered) < count or not ended:
                        message = plugin.read_message()
                        now = time.perf_counter()
                        if message.get("id") in sent and "result" in message:
                            request_id = message["id"]
                            if message["result"].get("timestamp") != request_id * 1000:
                                raise BenchError(f"ping timestamp not echoed: {message!r}")
                            answered[request_id] = now
                        elif message.get("method") in ("complete", "error"):
                            ended.append(now)
                except BaseException as exc:  # reported by the main thread
                    failure.append(exc)

            reader = threading.Thread(target=collect, daemon=True)
            reader.start()
            plugin.request("execute", {"function": "sleep",
                                       "arguments": {"seconds": self.s.sleep_s}})
            start = time.perf_counter()
            for k in range(count):
                due = start + self.s.ping_interval_s * (k + 0.5)
                time.sleep(max(0.0, due - time.perf_counter()))
                request_id = plugin.new_id()
                sent[request_id] = time.perf_counter()
                # The timestamp is derived from the id so its echo can be checked.
                plugin.send({"jsonrpc": "2.0", "id": request_id, "method": "ping",
                             "params": {"timestamp": request_id * 1000}})
            # Late pongs still count towards the latency figures, so wait for them.
            reader.join(self.s.sleep_s + 3 * PING_DEADLINE_S)
            if failure:
                raise BenchError(f"during the ping test: {failure[0]}")
            if ended and ended[0] < max(sent.values()):
                result.checks.append("warning: the command ended before the last ping was sent")
        latencies = sorted((answered[i] - sent[i]) * 1000 for i in answered)
        result.pings_sent = len(sent)
        result.pings_answered = sum(1 for ms in latencies if ms <= PING_DEADLINE_S * 1000)
        result.ping_median_ms = statistics.median(latencies) if latencies else None
        result.ping_max_ms = max(latencies) if len(latencies) == len(sent) else None

    def log_volume(self, name: str) -> None:
        """Bytes of log files a fresh process leaves after ``log_calls`` echo calls."""
        with self.session(name) as plugin:
            for _ in range(self.s.log_calls):
                plugin.call("echo", text=ECHO_TEXT)
            log_dir = plugin.log_dir
        # Counted after exit, so start-up and shutdown lines are included (a
        # conservative figure) and nothing is left in a buffer.
        total = sum(p.stat().st_size for p in log_dir.rglob("*") if p.is_file())
        self.results[name].log_bytes = round(total * 1000 / self.s.log_calls)

    def sdk_checks(self) -> None:
        """Correctness of the failure paths the floor does not have (not timed)."""
        checks = self.results["sdk"].checks
        with self.session("sdk") as plugin:
            end = plugin.execute("boom")
            if end["method"] != "error" or end.get("code") != -1:
                raise BenchError(f"boom() should end in an error notification, code -1: {end}")
            checks.append("boom(): error notification, code -1")
            if plugin.call("noisy") != "done":
                raise BenchError("noisy() answered wrongly")
            request_id = plugin.request("ping", {"timestamp": "after-noisy"})
            if plugin.wait_response(request_id)["result"].get("timestamp") != "after-noisy":
                raise BenchError("ping after noisy() answered wrongly")
            checks.append("noisy(): print() kept off the pipe, stream still in sync")
            stderr_path = plugin.stderr_path
        if "noisy:" not in stderr_path.read_text(errors="replace"):
            checks.append("warning: noisy()'s print() did not reach stderr")


class LoadMeter:
    """How busy other processes kept the machine while the bench ran (Linux only).

    All CPU time the machine spent, from ``/proc/stat``, minus this process's and
    its waited-for children's: what is left was taken by someone else, and it
    makes the timings noisy.
    """

    def __init__(self) -> None:
        self._start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat") as stat:
                fields = [int(x) for x in stat.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # not idle/iowait
        ours = os.times()
        mine = ours.user + ours.system + ours.children_user + ours.children_system
        return busy / os.sysconf("SC_CLK_TCK"), mine, time.monotonic()

    def others_percent(self) -> float | None:
        """Share of all CPUs used by other processes since construction, or None."""
        end = self._sample()
        if self._start is None or end is None or end[2] <= self._start[2]:
            return None
        others = (end[0] - self._start[0]) - (end[1] - self._start[1])
        capacity = (end[2] - self._start[2]) * (os.cpu_count() or 1)
        return max(0.0, 100 * others / capacity)


_SPIN = """
import os
os.nice(19)
parent = os.getppid()
while os.getppid() == parent:  # an orphaned spinner stops by itself
    for _ in range(200_000):
        pass
"""


@contextmanager
def cpus_kept_awake(enabled: bool) -> Iterator[None]:
    """Keep every CPU busy with lowest-priority spinners while timing (POSIX only).

    On a virtual machine an idle vCPU is halted, and waking it costs tens of
    microseconds per pipe hand-off: an idle 2-vCPU VM measures ~100 µs round
    trips where a busy one measures ~25 µs, and that latency would hide the
    plug-in's own cost. Spinners at nice 19 keep the vCPUs awake yet yield to
    the measured processes at once.
    """
    spinners: list[subprocess.Popen[bytes]] = []
    if enabled and hasattr(os, "nice"):
        for _ in range(os.cpu_count() or 1):
            spinners.append(subprocess.Popen([sys.executable, "-S", "-c", _SPIN],
                                             stdin=subprocess.DEVNULL))
        time.sleep(0.05)
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _percentile(ordered: list[int], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return float(ordered[int(rank) - 1])


# -- report -------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One line of the report and its target, judged on the SDK's numbers.

    ``max_ratio``/``min_ratio`` judge SDK/floor; ``judge`` judges the SDK alone.
    ``paired`` names a per-round statistic whose ratio is taken round by round.
    """

    label: str
    value: Callable[[Result], float | None]
    fmt: str
    target: str = ""
    min_ratio: float | None = None
    max_ratio: float | None = None
    judge: Callable[[Result], bool] | None = None
    ratio: bool = True
    paired: int | None = None  # index into Result._rounds entries


def _pings_percent(r: Result) -> float | None:
    if not r.pings_sent or r.pings_answered is None:
        return None
    return 100 * r.pings_answered / r.pings_sent


ROWS = [
    Row("execute round trips/s", lambda r: r.rate, "{:,.0f}", "≥ 0.9× floor",
        min_ratio=0.9, paired=0),
    Row("round trip p50 (µs)", lambda r: r.p50_us, "{:,.0f}", paired=1),
    Row("round trip p99 (µs)", lambda r: r.p99_us, "{:,.0f}", "≤ 1.1× floor",
        max_ratio=1.1, paired=2),
    Row("start→initialize (ms, median)", lambda r: r.start_ms, "{:.1f}", "≤ 1.2× floor",
        max_ratio=1.2),
    Row("cold start→initialize (ms, median)", lambda r: r.cold_start_ms, "{:.1f}",
        "≤ 1.5× floor", max_ratio=1.5),
    Row("pings answered ≤ 1 s during cmd (%)", _pings_percent, "{:.0f}", "100%",
        judge=lambda r: r.pings_sent is not None and r.pings_answered == r.pings_sent,
        ratio=False),
    Row("ping latency median (ms)", lambda r: r.ping_median_ms, "{:.2f}"),
    Row("ping latency max (ms)", lambda r: r.ping_max_ms, "{:.2f}", "< 5 ms",
        judge=lambda r: r.ping_max_ms is not None and r.ping_max_ms < 5),
    Row("1 MB result throughput (MB/s)", lambda r: r.big_mb_s, "{:,.0f}"),
    Row("peak RSS (MiB)", lambda r: r.rss_mib, "{:.1f}", "≤ 1.15× floor", max_ratio=1.15),
    Row("log bytes per 1,000 calls", lambda r: r.log_bytes, "{:,.0f}", "≤ 1 KB",
        judge=lambda r: r.log_bytes is not None and r.log_bytes <= 1024, ratio=False),
]

REFERENCE = (
    "NVIDIA gassist_sdk 3.1.0 for reference (issue 2): 5,550 round trips/s ≈ 0.7× floor; "
    "start 120 ms vs 47 ms floor;\n0 of 30 pings answered during a 3 s command; "
    "peak RSS 33 MB vs 20 MB floor; 373 KB of log per 1,000 calls."
)


def _cell(row: Row, result: Result | None) -> str:
    if result is None:
        return "-"
    if result.error is not None:
        return "FAILED"
    value = row.value(result)
    return "n/a" if value is None else row.fmt.format(value)


def row_ratio(row: Row, sdk: Result, floor: Result) -> float | None:
    """SDK/floor for a row; round-timed rows use the median of per-round ratios.

    The two plug-ins run each round back to back, so a round's ratio compares
    them under the same conditions even when the machine's speed drifts
    between rounds (other load, vCPU wake-ups): the median of those ratios is
    steadier than the ratio of the two medians.
    """
    if not row.ratio:
        return None
    if row.paired is not None and sdk._rounds and len(sdk._rounds) == len(floor._rounds):
        index = row.paired
        return statistics.median(a[index] / b[index]
                                 for a, b in zip(sdk._rounds, floor._rounds, strict=True)
                                 if b[index])
    a, b = row.value(sdk), row.value(floor)
    return a / b if a is not None and b else None


def _verdict(row: Row, sdk: Result, ratio: float | None) -> str:
    if row.judge is not None:
        return "pass" if row.judge(sdk) else "MISS"
    if row.min_ratio is None and row.max_ratio is None:
        return ""
    if ratio is None:
        return "n/a"
    if row.min_ratio is not None and ratio < row.min_ratio:
        return "MISS"
    if row.max_ratio is not None and ratio > row.max_ratio:
        return "MISS"
    return "pass"


def render(bench: Bench) -> str:
    """The report table, with the environment it was measured in."""
    sdk = bench.results.get("sdk")
    floor = bench.results.get("floor")
    s = bench.s
    lines = [
        "gassist-sdk protocol benchmark — V2 length-prefixed JSON-RPC over real pipes",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs. {s.calls:,} echo round trips per plug-in in {s.rounds}"
        " rounds, each in a fresh pair of processes"
        + (", CPUs kept awake by nice-19 spinners" if bench.awake else "") + ";",
        f"{s.launches} warm and {s.cold_launches} cold launches (no bytecode for the plug-in"
        " and the SDK, read-only folders);",
        f"pings every {s.ping_interval_s * 1000:g} ms during a"
        f" {s.sleep_s:g} s command; {s.big_calls}× big({s.big_n:,}); peak RSS after all that.",
        "Round-trip figures are medians over rounds; their SDK/floor is the median of"
        " per-round ratios.",
    ]
    if bench.load_percent is not None:
        busy = bench.load_percent
        note = " — timings are noisy, compare ratios only" if busy >= NOISY_PERCENT else ""
        lines.append(f"Other processes kept the CPUs {busy:.0f}% busy during the run{note}.")
    lines.append("")
    header = f"{'metric':<37}{'SDK':>11}{'floor':>11}{'SDK/floor':>11}  {'target':<15}{'':<5}"
    lines += [header, "-" * len(header)]
    both = (sdk is not None and floor is not None and sdk.error is None
            and floor.error is None)
    for row in ROWS:
        ratio_text = met = ""
        if both:
            assert sdk is not None and floor is not None
            ratio = row_ratio(row, sdk, floor)
            ratio_text = f"{ratio:.2f}×" if ratio is not None else ""
            if row.target:
                met = _verdict(row, sdk, ratio)
        elif sdk is not None and sdk.error is None and row.judge is not None:
            met = _verdict(row, sdk, None)
        lines.append(f"{row.label:<37}{_cell(row, sdk):>11}{_cell(row, floor):>11}"
                     f"{ratio_text:>11}  {row.target:<15}{met:<5}".rstrip())
    pings = [f"{name}: {r.pings_answered}/{r.pings_sent}" for name, r in bench.results.items()
             if r.pings_sent]
    if pings:
        lines.append(f"{'':<4}pings answered within 1 s — " + ", ".join(pings))
    lines += ["", REFERENCE]
    for name, result in bench.results.items():
        for check in result.checks:
            lines.append(f"{name} check: {check}")
        if result.error is not None:
            lines += ["", f"{name} plug-in FAILED: {result.error}"]
    return "\n".join(lines)


def to_json(bench: Bench) -> dict[str, Any]:
    """The numbers as a plain dict (for notes and CI artefacts)."""
    out: dict[str, Any] = {"settings": bench.s.__dict__, "awake": bench.awake,
                           "python": platform.python_version(),
                           "cpus": os.cpu_count(), "others_busy_percent": bench.load_percent}
    for name, result in bench.results.items():
        out[name] = {k: v for k, v in result.__dict__.items() if not k.startswith("_")}
    sdk, floor = bench.results.get("sdk"), bench.results.get("floor")
    if sdk is not None and floor is not None and sdk.error is None and floor.error is None:
        out["sdk_over_floor"] = {row.label: row_ratio(row, sdk, floor) for row in ROWS
                                 if row.ratio}
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few calls)")
    parser.add_argument("--only", choices=sorted(PLUGINS), help="measure one plug-in only")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--awake", action="store_true",
                        help="keep the CPUs awake with nice-19 spinners during the round trips"
                        " (on a VM, idle vCPUs add wake-up latency that hides the plug-in's cost)")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else ["sdk", "floor"]
    scratch = Path(tempfile.mkdtemp(prefix="gassist-bench-"))
    try:
        bench = Bench(names, QUICK if args.quick else Settings(), scratch, awake=args.awake)
        bench.run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(render(bench))
    if args.json:
        args.json.write_text(json.dumps(to_json(bench), indent=2) + "\n")
    return 1 if any(r.error is not None for r in bench.results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
