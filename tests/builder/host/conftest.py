# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Fixtures for the engine-emulator tests: the zoo of plug-ins and short intervals."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gassist_build.host import HostEvent, PluginProcess, Timeouts, load_plugin_spec

ZOO = Path(__file__).resolve().parents[2] / "zoo"
WIRE = "zoo_wire.py"  # beside the plug-in folders, so discovery sees no extra folder

# Short intervals so failure paths take a fraction of a second; the watchdog
# bound is 2 * 0.5 + 0.4 = 1.4 s.
FAST = Timeouts(
    ping_interval=0.5,
    ping_deadline=0.4,
    max_missed_pings=2,
    input_ack=0.5,
    execute=2.0,
    initialize=1.5,
    shutdown_grace=1.0,
    stdin_close_grace=0.5,
    terminate_grace=0.5,
)


@pytest.fixture
def zoo() -> Path:
    """The folder of test plug-ins (good and broken)."""
    return ZOO


@pytest.fixture
def events() -> list[HostEvent]:
    """Collects host events; pass ``events.append`` as ``on_event``."""
    return []


@pytest.fixture
def start_plugin(tmp_path: Path, events: list[HostEvent]
                 ) -> Iterator[Callable[..., PluginProcess]]:
    """Start a zoo plug-in (or any folder) and shut it down after the test."""
    started: list[PluginProcess] = []

    def start(name_or_path: str | Path, *, handshake: bool = True,
              **options: object) -> PluginProcess:
        folder = Path(name_or_path) if isinstance(name_or_path, Path) else ZOO / name_or_path
        options.setdefault("timeouts", FAST)
        options.setdefault("log_dir", tmp_path / "logs")
        options.setdefault("on_event", events.append)
        process = PluginProcess(load_plugin_spec(folder), **options)  # type: ignore[arg-type]
        started.append(process)
        if handshake:
            result = process.start()
            assert result.success, result.error
        return process

    yield start
    for process in started:
        process.shutdown()


@pytest.fixture
def plugins_dir(tmp_path: Path) -> Callable[..., Path]:
    """Copy some zoo plug-ins into a fresh plug-ins folder."""

    def make(*names: str) -> Path:
        root = tmp_path / "plugins"
        root.mkdir(exist_ok=True)
        # The broken plug-ins import the zoo's shared V2 plumbing from beside their folder.
        shutil.copy2(ZOO / WIRE, root / WIRE)
        for name in names:
            shutil.copytree(ZOO / name, root / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.log"))
        return root

    return make
