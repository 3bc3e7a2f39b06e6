# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Start-up of every sample plug-in beside ``plugins/hello``: launch → initialize answered.

Issue 12 asks that each sample's median launch → initialize time stay within 1.5×
hello's, measured side by side. Each folder of ``plugins/`` with a ``plugin.py`` is
built as source, offline (``build_plugin(..., offline=True)``, what ``gassist-build
build --offline`` does), into a temp folder; each build is then launched the way the
engine runs it (:func:`gassist_build._isolation.engine_isolation`: its own folder as
working directory, ``-S``, only the standard library and its ``libs/`` importable, the
developer's ``PYTHON*`` variables dropped, the build's byte code as shipped), and the
time from ``Popen`` to the complete V2 ``initialize`` response on stdout is taken.

The launches are interleaved round-robin (the order rotates every round), so noise
from the machine hits every plug-in alike; one untimed launch each warms the OS file
cache first. A plug-in that fails to build or to answer is reported as FAILED and the
exit status is 1; being slow is not a failure (the table says it).

Usage: ``python bench/startup_bench.py [--runs N] [--only NAME]... [--json]``.
``--only`` limits the samples measured (repeatable); ``hello`` is always measured,
as the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_bench import _INITIALIZE, _SHUTDOWN, _frame, _read_exactly
from gassist_build._isolation import engine_isolation
from gassist_build._platform import current_platform
from gassist_build.build import build_plugin
from protocol_bench import LoadMeter, _percentile

ROOT = Path(__file__).resolve().parents[1]
PLUGINS_DIR = ROOT / "plugins"
BASELINE = "hello"
LIMIT_RATIO = 1.5  # issue 12: each sample's median within 1.5x hello's
INITIALIZE_LIMIT_S = 10.0  # the engine's initialize timeout


class StartError(RuntimeError):
    """A plug-in did not answer initialize."""


@dataclass
class Sample:
    """One plug-in: its build and its timed starts (ms)."""

    name: str
    folder: Path | None = None
    executable: str = ""
    error: str | None = None
    starts: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.starts)

    @property
    def p90(self) -> float:
        return _percentile(sorted(self.starts), 90)


def sample_names(only: list[str]) -> list[str]:
    """hello first, then every other plug-in folder (or those in ``only``), sorted."""
    found = sorted(p.name for p in PLUGINS_DIR.iterdir() if (p / "plugin.py").is_file())
    unknown = [name for name in only if name not in found]
    if unknown:
        raise SystemExit(f"no plugins/{unknown[0]}/plugin.py (samples: {', '.join(found)})")
    chosen = [name for name in found if not only or name in only]
    return [BASELINE, *[name for name in chosen if name != BASELINE]]


def build(sample: Sample, out: Path) -> None:
    """Build ``plugins/<name>`` as source, offline, into ``out``."""
    try:
        result = build_plugin(PLUGINS_DIR / sample.name, "source", out, offline=True)
    except Exception as exc:  # a sample being written may not build: report, go on
        sample.error = f"build failed: {exc}"
        return
    sample.folder, sample.executable = result.path, result.executable


def launch_to_initialize(sample: Sample, logs: Path) -> float:
    """Milliseconds from launch to the complete initialize response, run as the engine does."""
    assert sample.folder is not None
    folder = sample.folder
    isolation = engine_isolation(folder, extra={"GASSIST_LOG_DIR": str(logs)})
    platform = current_platform()
    argv = platform.launch_command(folder, sample.executable, sys.executable,
                                   isolation.python_flags)
    with (logs / f"{sample.name}.stderr.txt").open("ab") as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr, env=isolation.env, **platform.popen_options())
        # A plug-in that never answers is killed at the engine's limit; the read then fails.
        watchdog = threading.Timer(INITIALIZE_LIMIT_S, proc.kill)
        watchdog.start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(_frame(_INITIALIZE))
            proc.stdin.flush()
            size = int.from_bytes(_read_exactly(proc.stdout, 4), "big")
            reply = json.loads(_read_exactly(proc.stdout, size))
            elapsed = time.perf_counter() - started
            if reply.get("id") != 1 or not isinstance(reply.get("result"), dict):
                raise StartError(f"unexpected initialize reply: {str(reply)[:200]}")
            proc.stdin.write(_frame(_SHUTDOWN))
            proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            raise StartError(f"{exc}{_stderr_tail(logs, sample.name)}") from exc
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                platform.kill_tree(proc)  # type: ignore[arg-type]
                proc.wait()
            proc.stdout.close()
    return elapsed * 1000


def _stderr_tail(logs: Path, name: str) -> str:
    try:
        lines = (logs / f"{name}.stderr.txt").read_text("utf-8", "replace").splitlines()
    except OSError:
        return ""
    return ("; stderr: " + " | ".join(lines[-5:])) if lines else ""


def measure(samples: list[Sample], runs: int, logs: Path) -> None:
    """One warm-up launch each, then ``runs`` timed rounds over all samples."""
    def once(sample: Sample) -> float | None:
        try:
            return launch_to_initialize(sample, logs)
        except StartError as exc:
            sample.error = f"did not start: {exc}"
            return None

    live = [s for s in samples if s.error is None]
    for sample in live:
        once(sample)
    for round_no in range(runs):
        live = [s for s in live if s.error is None]
        if not live:
            return
        shift = round_no % len(live)
        for sample in live[shift:] + live[:shift]:
            elapsed = once(sample)
            if elapsed is not None:
                sample.starts.append(elapsed)


def render(samples: list[Sample], runs: int, others: float | None) -> str:
    """The table: plugin, median, p90, ratio to hello's median, within 1.5x."""
    load = "n/a" if others is None else f"{others:.0f}%"
    lines = [f"launch → initialize answered (V2), source builds run as the engine runs them"
             f" (-S, stdlib + libs/); {runs} runs each, interleaved; Python"
             f" {sys.version.split()[0]}, {sys.platform}, {os.cpu_count()} CPUs;"
             f" other processes' CPU load {load}"]
    header = f"{'plugin':<12}{'median ms':>11}{'p90 ms':>10}{'× hello':>9}  within {LIMIT_RATIO}x"
    lines += [header, "-" * len(header)]
    base = samples[0] if samples and samples[0].name == BASELINE else None
    base_median = base.median if base is not None and base.starts and not base.error else None
    for sample in samples:
        if sample.error or not sample.starts:
            lines.append(f"{sample.name:<12}FAILED: {sample.error or 'no start measured'}")
            continue
        if base_median:
            ratio = sample.median / base_median
            cells = f"{ratio:>9.2f}  {'yes' if ratio <= LIMIT_RATIO else 'no'}"
        else:
            cells = f"{'n/a':>9}  n/a (hello not measured)"
        lines.append(f"{sample.name:<12}{sample.median:>11.1f}{sample.p90:>10.1f}{cells}")
    return "\n".join(lines)


def to_json(samples: list[Sample]) -> list[dict[str, Any]]:
    base = samples[0].median if samples and samples[0].starts and not samples[0].error else None
    rows = []
    for s in samples:
        ok = s.error is None and bool(s.starts)
        rows.append({"plugin": s.name, "error": s.error, "runs": len(s.starts),
                     "median_ms": round(s.median, 2) if ok else None,
                     "p90_ms": round(s.p90, 2) if ok else None,
                     "ratio": round(s.median / base, 3) if ok and base else None,
                     "starts_ms": [round(x, 2) for x in s.starts]})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed launches per plug-in"
                        " (default 15)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="measure only this sample besides hello (repeatable)")
    parser.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    samples = [Sample(name) for name in sample_names(args.only)]
    with tempfile.TemporaryDirectory(prefix="gassist-startup-bench-") as scratch:
        work = Path(scratch)
        logs = work / "logs"
        logs.mkdir()
        for sample in samples:
            build(sample, work / "dist")
        meter = LoadMeter()
        measure(samples, args.runs, logs)
        others = meter.others_percent()
    print(render(samples, args.runs, others))
    if args.json:
        print(json.dumps(to_json(samples), indent=2))
    return 1 if any(s.error or not s.starts for s in samples) else 0


if __name__ == "__main__":
    sys.exit(main())
