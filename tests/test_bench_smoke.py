# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Smoke test of ``bench/protocol_bench.py``: the quick run completes and reports everything.

Performance is not pass/fail, so no number is judged here; what is checked is
that both plug-ins (the SDK's and the no-SDK floor) were driven over real pipes
through every measurement and that each metric row carries a value for both.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench" / "protocol_bench.py"

METRIC_ROWS = [
    "execute round trips/s",
    "round trip p50 (µs)",
    "round trip p99 (µs)",
    "start→initialize (ms, median)",
    "cold start→initialize (ms, median)",
    "pings answered ≤ 1 s during cmd (%)",
    "ping latency median (ms)",
    "ping latency max (ms)",
    "1 MB result throughput (MB/s)",
    "peak RSS (MiB)",
    "log bytes per 1,000 calls",
]
NUMBER = re.compile(r"^[\d,]+(\.\d+)?$")


@pytest.mark.e2e
@pytest.mark.slow
def test_quick_bench_reports_every_metric_for_both_plugins() -> None:
    run = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=100,
    )
    assert run.returncode == 0, f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    lines = run.stdout.splitlines()
    for label in METRIC_ROWS:
        matching = [line for line in lines if line.startswith(label)]
        assert len(matching) == 1, f"no row {label!r} in:\n{run.stdout}"
        sdk, floor = matching[0][len(label):].split()[:2]
        has_proc = Path("/proc/self/status").exists()
        for cell in (sdk, floor):
            if label.startswith("peak RSS") and not has_proc:
                assert cell == "n/a"
            else:
                assert NUMBER.match(cell), f"{label}: {cell!r} is not a number:\n{run.stdout}"
    assert "FAILED" not in run.stdout
    assert "sdk check: boom(): error notification" in run.stdout


STARTUP_BENCH = ROOT / "bench" / "startup_bench.py"
STARTUP_ROW = re.compile(r"^hello +(\d+\.\d) +(\d+\.\d) +1\.00  yes$")


@pytest.mark.e2e
@pytest.mark.slow
def test_startup_bench_prints_the_table_for_hello() -> None:
    run = subprocess.run(
        [sys.executable, str(STARTUP_BENCH), "--runs", "2", "--only", "hello", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=100,
    )
    assert run.returncode == 0, f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    lines = run.stdout.splitlines()
    assert "2 runs each" in lines[0]
    assert lines[1].split() == ["plugin", "median", "ms", "p90", "ms", "×", "hello", "within",
                                "1.5x"]
    rows = [line for line in lines if STARTUP_ROW.match(line)]
    assert len(rows) == 1, run.stdout
    median, p90 = map(float, STARTUP_ROW.match(rows[0]).groups())  # type: ignore[union-attr]
    assert 0 < median <= p90
    assert "FAILED" not in run.stdout
    (hello,) = json.loads(run.stdout[run.stdout.index("["):])
    assert hello["plugin"] == "hello" and hello["runs"] == 2 and hello["error"] is None


def test_startup_bench_refuses_an_unknown_sample() -> None:
    run = subprocess.run(
        [sys.executable, str(STARTUP_BENCH), "--runs", "1", "--only", "no_such_sample"],
        capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert run.returncode != 0
    assert "no plugins/no_such_sample/plugin.py (samples: " in run.stderr
    assert "hello" in run.stderr
