# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`make demo` end to end: scaffold, validate, build (source and exe), install, chat, check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
@pytest.mark.e2e
def test_demo_runs_offline_and_shows_real_calls(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "gassist_build.demo", "--workdir",
                           str(tmp_path / "demo")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "hello> Hello, Ada!" in out
    assert "number must be an integer 1–50, got 500" in out  # validation, readable
    assert "You said 6 words" in out  # passthrough turn
    assert "Hello, executable!" in out  # the PyInstaller build answered over pipes
    assert "PASSED" in out and "0 fail" in out  # the scorecard
    assert (tmp_path / "demo" / "plugins" / "hello" / "manifest.json").exists()
