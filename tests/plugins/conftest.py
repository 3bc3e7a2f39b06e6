# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Fixtures for the sample plug-ins' tests: build a sample, run it the way G-Assist does.

``sample_copy(name, mode="source") -> Path``
    A fresh copy, in the test's ``tmp_path``, of ``plugins/<name>`` built with the real
    command line, ``python -m gassist_build.cli build plugins/<name> --offline
    [--mode exe] --out <cache>``. The build runs once per test session and xdist
    worker for each (name, mode) (cached under ``tmp_path_factory.getbasetemp()``);
    every call copies it again, so a test may write ``config.json`` / ``auth.json``
    into its copy freely. A failed build fails the test with the build's output.
    ``mode="exe"`` is a PyInstaller build (seconds to a minute: mark such tests
    ``@pytest.mark.slow``); its manifest names the executable, which is what runs.
    Two calls in one test give two separate copies (``tmp_path/<name>``,
    ``tmp_path/<name>-2``...).

``run_sample(folder, *, config=None, timeouts=None, env=None)`` -> context manager
    Writes ``config`` (a dict) to ``folder/config.json`` when given (as JSON, UTF-8),
    then hosts the plug-in in :class:`gassist_build.host.emulator.Emulator`, the code
    ``gassist-build call`` and ``chat`` use: isolated (``-S``, ``PYTHONPATH`` = its
    ``libs/`` only, the developer's ``PYTHON*`` variables dropped:
    :func:`gassist_build._isolation.engine_isolation`), cwd = the folder, real pipes,
    the manifest's protocol, the engine's timeouts unless ``timeouts``
    (:class:`gassist_build.host.Timeouts`) says otherwise; ``env`` adds variables.
    The plug-in starts on the first call (as the engine starts a plug-in). Yields a
    :class:`SampleRun`:

    * ``run.call(function, **arguments) -> CallOutcome`` - one ``execute`` (arguments
      are sent as given: pass ints as ints). ``CallOutcome`` is
      :class:`gassist_build.host.CallOutcome`: ``.success``, ``.text`` (streamed
      chunks + final data: what the user sees), ``.chunks``, ``.data``,
      ``.keep_session``, ``.failure`` (None, "plugin", "timeout", "crash",
      "protocol", "watchdog", "host"), ``.error``, ``.stderr_tail``... A failed
      call's sentence is always in ``.error``: a ``CommandError`` (a failed
      ``complete``) also has it in ``.text``/``.data``; rejected arguments and
      unexpected exceptions (a V2 ``error``, ``.error_code`` set) leave ``.text`` empty.
    * ``run.input(text) -> CallOutcome`` - a passthrough turn to the plug-in whose
      session is open (a call that answered with ``keep_session``, e.g. a setup
      prompt); raises :class:`gassist_build.errors.ArgumentError` when none is.
    * ``run.log_text() -> str`` - everything the plug-in wrote to stderr and to its
      own ``<name>.log`` so far (the host puts both in ``run.log_dir``). Read it after
      the ``with`` block for the complete text (stderr is copied by a thread). For
      secrets use ``run.assert_never_shown`` (a plain ``assert s not in text`` prints
      the secret when it fails).
    * ``run.replies() -> str`` - the text of every outcome so far, failed ones'
      errors included (for "the secret is in no reply" checks).
    * ``run.assert_never_shown(*secrets)`` - fails (without printing the secret) when
      one of them is in a reply, an error, a host event or the logs; call it after the
      ``with`` block.
    * ``run.outcomes`` (every CallOutcome, in order), ``run.events`` (host events:
      violations, exits, watchdog), ``run.process`` (the running
      :class:`gassist_build.host.PluginProcess`, None before the first call),
      ``run.folder``, ``run.name``, ``run.log_dir``.

    On leaving the block the plug-in is shut down the engine's way (``shutdown``
    message, close stdin, terminate, kill). When the block itself succeeded, the exit
    also asserts that the process is gone, that it left no child process running, that
    it honoured ``shutdown`` (or stdin closing) rather than having to be killed, and
    that no protocol violation was seen; ``run.shutdown`` holds the
    :class:`gassist_build.host.ShutdownReport` (None if it never started).

Example::

    def test_live(sample_copy, run_sample, httpserver):
        folder = sample_copy("twitch")
        with run_sample(folder, config={"api_url": httpserver.url_for("/helix"), ...}) as run:
            reply = run.call("check_twitch_live_status", username="ninja")
        assert reply.success and "LIVE" in reply.text
        run.assert_never_shown("the-secret")

Smaller helpers the samples' in-process tests share:

``closed_port -> int``
    A port on 127.0.0.1 nothing listens on, held bound (never listening) for the whole
    test, so it refuses connections ("connection refused"); a port merely freed could be
    taken by another xdist worker's server in the meantime.

``rewrite_config(path, config)``
    Writes ``config`` (a dict) as JSON to ``path`` so that a running plug-in sees the
    change: the SDK re-reads config.json when its (mtime, size) changes, and two
    same-size files written within one timestamp tick (Windows: ~16 ms) would look
    unchanged, so the mtime is moved on when it did not move.

``wait_for_log(server, count, within=20.0)``
    Waits until the pytest-httpserver ``server`` has logged ``count`` requests. A handler
    logs its request when it returns, so a test whose client gave up first (a timeout)
    waits here before counting, and before the next test clears the shared server.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from gassist_build.host import (
    CallOutcome,
    HostEvent,
    PluginProcess,
    ShutdownReport,
    Timeouts,
    load_plugin_spec,
)
from gassist_build.host.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
BUILD_TIMEOUT = {"source": 300, "exe": 900}
# Ways a plug-in may end on shutdown without being forced.
POLITE_ENDINGS = ("message", "stdin", "already-exited")

__all__ = ["SampleRun", "build_sample"]


def build_sample(name: str, mode: str, out: Path) -> Path:
    """Build ``plugins/<name>`` into ``out/<name>`` with the real CLI; the built folder.

    Calls :func:`pytest.fail` with the build's output when it fails.
    """
    source = PLUGINS / name
    if not (source / "plugin.py").is_file():
        known = sorted(p.name for p in PLUGINS.iterdir() if (p / "plugin.py").is_file())
        pytest.fail(f"no sample plugins/{name} (samples: {', '.join(known)})", pytrace=False)
    command = [sys.executable, "-m", "gassist_build.cli", "build", str(source), "--offline",
               "--out", str(out)]
    if mode == "exe":
        command[5:5] = ["--mode", "exe"]
    elif mode != "source":
        raise ValueError(f"mode must be 'source' or 'exe', not {mode!r}")
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=BUILD_TIMEOUT[mode], cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"building {name} ({mode}) took over {exc.timeout} s:\n{exc.stderr or ''}",
                    pytrace=False)
    built = out / name
    if done.returncode != 0 or not (built / "manifest.json").is_file():
        pytest.fail(f"`{' '.join(command[1:])}` failed (exit {done.returncode}):\n"
                    f"{done.stderr}\n{done.stdout}", pytrace=False)
    return built


@pytest.fixture(scope="session")
def _sample_builds(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """One build per (name, mode) per session and worker (basetemp is per xdist worker)."""
    root = tmp_path_factory.getbasetemp() / "sample-builds"
    builds: dict[tuple[str, str], Path] = {}
    lock = threading.Lock()

    def built(name: str, mode: str) -> Path:
        with lock:
            key = (name, mode)
            if key not in builds:
                # --out <root>/<mode>/dist: the build's scratch is then <root>/<mode>/build.
                builds[key] = build_sample(name, mode, root / mode / "dist")
            return builds[key]

    return built


@pytest.fixture
def sample_copy(_sample_builds: Callable[[str, str], Path],
                tmp_path: Path) -> Callable[..., Path]:
    """``sample_copy(name, mode="source") -> Path``: a fresh copy of a built sample."""
    taken: set[str] = set()

    def copy(name: str, mode: str = "source") -> Path:
        built = _sample_builds(name, mode)
        target = next(tmp_path / n for n in itertools.chain(
            [name], (f"{name}-{i}" for i in itertools.count(2))) if n not in taken)
        taken.add(target.name)
        shutil.copytree(built, target, symlinks=True)
        return target

    return copy


class SampleRun:
    """One hosted plug-in inside ``run_sample`` (see the module docstring)."""

    def __init__(self, folder: Path, emulator: Emulator, name: str) -> None:
        self.folder = folder
        self.name = name
        self.log_dir = emulator.log_dir
        self.outcomes: list[CallOutcome] = []
        self.events: list[HostEvent] = []
        self.shutdown: ShutdownReport | None = None
        self._emulator = emulator

    @property
    def process(self) -> PluginProcess | None:
        return self._emulator.plugin(self.name).process

    def call(self, function: str, /, **arguments: Any) -> CallOutcome:
        outcome = self._emulator.call(self.name, function, arguments)
        self.outcomes.append(outcome)
        return outcome

    def input(self, text: str) -> CallOutcome:
        outcome = self._emulator.send_input(text)
        self.outcomes.append(outcome)
        return outcome

    def log_text(self) -> str:
        parts = []
        for path in sorted(self.log_dir.glob("*")):
            if path.is_file():
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)

    def replies(self) -> str:
        return "\n".join(f"{o.text}\n{o.error or ''}" for o in self.outcomes)

    def assert_never_shown(self, *secrets: str) -> None:
        """Fail if any of ``secrets`` is in a reply, an error, a host event or the logs."""
        seen = {"a reply": self.replies(), "the plug-in's stderr/log": self.log_text(),
                "a host event": "\n".join(e.message for e in self.events)}
        for secret in secrets:
            if not secret:
                raise ValueError("an empty secret would match everything")
            for where, text in seen.items():
                # Never print the secret itself (a plain `assert` would: pytest rewrites
                # conftest.py and shows both operands): say where, and which by position.
                if secret in text:
                    raise AssertionError(f"secret #{secrets.index(secret) + 1} appears in"
                                         f" {where}")


_runs = itertools.count(1)


@pytest.fixture
def run_sample(tmp_path: Path) -> Callable[..., Any]:
    """``with run_sample(folder, config=None) as run:`` - the plug-in hosted like the engine."""

    @contextmanager
    def run(folder: Path, *, config: dict[str, Any] | None = None,
            timeouts: Timeouts | None = None,
            env: dict[str, str] | None = None) -> Iterator[SampleRun]:
        folder = Path(folder)
        if config is not None:
            (folder / "config.json").write_text(json.dumps(config, indent=2),
                                                encoding="utf-8")
        extra = dict(env or {})
        if "GASSIST_CONFIG" in os.environ and "GASSIST_CONFIG" not in extra:
            # The developer's own setting would point the plug-in at another file.
            extra["GASSIST_CONFIG"] = str(folder / "config.json")
        log_dir = tmp_path / f"logs-{folder.name}-{next(_runs)}"
        log_dir.mkdir()
        spec = load_plugin_spec(folder)
        events: list[HostEvent] = []
        emulator = Emulator(timeouts=timeouts, log_dir=log_dir, on_event=events.append,
                            isolated=True, env=extra)
        emulator.add(spec)
        session = SampleRun(folder, emulator, spec.name)
        session.events = events
        try:
            yield session
        finally:
            reports = emulator.close()
            session.shutdown = reports.get(spec.name)
        process = session.process
        if process is not None:
            assert process.wait_exited(10), f"{spec.name} is still running after shutdown"
            report = session.shutdown
            assert report is not None
            assert not report.leftovers, (f"{spec.name} left processes running: "
                                          f"{', '.join(report.leftovers)}")
            assert report.step in POLITE_ENDINGS, (
                f"{spec.name} did not stop on shutdown; it had to be ended by {report.step}")
            assert not process.violations, (f"{spec.name} broke the protocol: "
                                            f"{'; '.join(process.violations)}")

    return run


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port nothing listens on, held for the test (a bound socket refuses connections)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def _rewrite_config(path: Path, config: dict[str, Any]) -> None:
    before = path.stat().st_mtime_ns if path.exists() else None
    path.write_text(json.dumps(config), encoding="utf-8")
    if before is not None and path.stat().st_mtime_ns == before:
        stamp = before + 2_000_000_000
        os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def rewrite_config() -> Callable[[Path, dict[str, Any]], None]:
    """``rewrite_config(path, config)``: config.json written so the plug-in sees the change."""
    return _rewrite_config


def _wait_for_log(server: Any, count: int, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while len(server.log) < count and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture
def wait_for_log() -> Callable[..., None]:
    """``wait_for_log(server, count, within=20.0)``: until the fake server logged ``count``."""
    return _wait_for_log


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The per-command time limit's clock (``gassist_sdk.http``), moved on by a fake server
    (see :func:`answers_after`) instead of by waiting: ``clock[0]`` is "now" in seconds."""
    from gassist_sdk import http  # the SDK keeps the deadline the plug-in sets

    now = [1000.0]
    monkeypatch.setattr(http, "_now", lambda: now[0])
    return now


@pytest.fixture
def answers_after(clock: list[float]) -> Callable[..., Any]:
    """``answers_after(seconds, body, status=200)``: a pytest-httpserver handler that answers
    ``body`` as JSON as if it had taken ``seconds`` (it moves :func:`clock` on)."""
    from werkzeug import Response

    def make(seconds: float, body: dict[str, Any], status: int = 200) -> Any:
        def answer(request: Any) -> Any:
            clock[0] += seconds
            return Response(json.dumps(body), status=status, content_type="application/json")

        return answer

    return make
