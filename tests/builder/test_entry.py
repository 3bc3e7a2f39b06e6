# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build`` without the builder's packages: an install hint, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUILDER = Path(__file__).resolve().parents[2] / "builder"


def test_without_click_the_console_script_says_what_to_install() -> None:
    # -S: no site-packages, as after `pip install gassist-sdk` (runtime only) into a bare venv.
    code = (f"import sys; sys.path.insert(0, {str(BUILDER)!r}); "
            "from gassist_build._entry import main; main()")
    proc = subprocess.run([sys.executable, "-S", "-c", code, "--help"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert 'pip install "gassist-sdk[build]"' in proc.stderr
    assert "click is not installed" in proc.stderr


def test_with_its_packages_the_console_script_runs_the_cli() -> None:
    code = "from gassist_build._entry import main; main()"
    proc = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "gassist-build" in proc.stdout
