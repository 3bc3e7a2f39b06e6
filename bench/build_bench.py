# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Build time, size and cold start of one plug-in built three ways, measured in one run.

The same plug-in (the ``basic`` template, or a folder given on the command line)
is built as source (``plugin.py`` + ``libs/``), as a one-folder executable and as
a one-file executable. Each build is then launched repeatedly the way the engine
does it (working directory = plug-in folder, ``libs`` on ``PYTHONPATH``), and the
cold start is the time from launch to the complete ``initialize`` reply on stdout.

Usage::

    python bench/build_bench.py [PLUGIN_DIR] [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gassist_build.build import BuildResult, build_plugin
from gassist_build.scaffold import render_template

_INITIALIZE = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                          "params": {"protocol_version": "2.0", "engine_version": "bench"}})
_SHUTDOWN = json.dumps({"jsonrpc": "2.0", "method": "shutdown", "params": {}})


def _frame(text: str) -> bytes:
    body = text.encode("utf-8")
    return struct.pack(">I", len(body)) + body


def _read_exactly(stream: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise RuntimeError("the plug-in closed stdout before answering initialize")
        data += chunk
    return data


def cold_start(argv: list[str], folder: Path, logs: Path) -> float:
    """Seconds from launch to the full ``initialize`` reply."""
    env = dict(os.environ, PYTHONPATH=str(folder / "libs"), GASSIST_LOG_DIR=str(logs))
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(_frame(_INITIALIZE))
        proc.stdin.flush()
        (size,) = struct.unpack(">I", _read_exactly(proc.stdout, 4))
        reply = json.loads(_read_exactly(proc.stdout, size))
        elapsed = time.perf_counter() - started
        if reply.get("id") != 1 or "result" not in reply:
            raise RuntimeError(f"unexpected initialize reply: {reply}")
        proc.stdin.write(_frame(_SHUTDOWN))
        proc.stdin.close()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return elapsed


def _argv(result: BuildResult) -> list[str]:
    path = result.path / result.executable
    return [sys.executable, str(path)] if result.executable.endswith(".py") else [str(path)]


def measure(src: Path, work: Path, runs: int) -> list[dict[str, Any]]:
    """Build ``src`` three ways and time each build's cold start."""
    rows: list[dict[str, Any]] = []
    for label, mode, onefile in (("source", "source", False), ("one-folder exe", "exe", False),
                                 ("one-file exe", "exe", True)):
        out = work / label.replace(" ", "-")
        result = build_plugin(src, mode, out / "dist", onefile=onefile,  # type: ignore[arg-type]
                              work_dir=out / "build", offline=True)
        argv = _argv(result)
        cold_start(argv, result.path, work / "logs")  # first launch warms the OS file cache
        starts = [cold_start(argv, result.path, work / "logs") for _ in range(runs)]
        rows.append({
            "build": label,
            "build_s": round(result.seconds, 2),
            "size_mib": round(result.size / (1024 * 1024), 2),
            "files": result.files,
            "cold_start_median_ms": round(statistics.median(starts) * 1000, 1),
            "cold_start_min_ms": round(min(starts) * 1000, 1),
            "cold_start_max_ms": round(max(starts) * 1000, 1),
            "runs": runs,
        })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plugin_dir", nargs="?", type=Path,
                        help="plug-in folder (default: a fresh copy of the basic template)")
    parser.add_argument("--runs", type=int, default=10, help="launches per build (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gassist-build-bench-") as scratch:
        work = Path(scratch)
        src = args.plugin_dir or render_template("bench", "basic", work / "src")
        rows = measure(Path(src).resolve(), work, args.runs)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"plug-in: {args.plugin_dir or 'basic template'}; Python {sys.version.split()[0]},"
          f" {sys.platform}, {os.cpu_count()} CPUs; cold start = launch → initialize reply,"
          f" {args.runs} runs")
    header = (f"{'build':<16}{'build time':>12}{'size':>11}{'files':>7}"
              f"{'cold start (median/min/max)':>34}")
    print(header)
    print("-" * len(header))
    for row in rows:
        start = (f"{row['cold_start_median_ms']:.1f} / {row['cold_start_min_ms']:.1f} /"
                 f" {row['cold_start_max_ms']:.1f} ms")
        print(f"{row['build']:<16}{row['build_s']:>10.2f} s{row['size_mib']:>7.2f} MiB"
              f"{row['files']:>7}{start:>34}")


if __name__ == "__main__":
    main()
