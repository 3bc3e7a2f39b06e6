# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The README's first-plug-in example runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_plugin_and_its_test_block_run(tmp_path: Path) -> None:
    plugin_code, test_code = python_blocks()
    folder = tmp_path / "dice"
    folder.mkdir()
    (folder / "plugin.py").write_text(plugin_code, encoding="utf-8")
    namespace: dict[str, object] = {"__file__": str(folder / "plugin.py"), "__name__": "dice"}
    exec(compile(plugin_code, str(folder / "plugin.py"), "exec"), namespace)
    exec(compile(test_code, "README test block", "exec"), namespace)


@pytest.mark.e2e
def test_readme_plugin_manifest_and_call_commands(tmp_path: Path) -> None:
    folder = tmp_path / "dice"
    folder.mkdir()
    (folder / "plugin.py").write_text(python_blocks()[0], encoding="utf-8")
    gassist_build = [sys.executable, "-m", "gassist_build.cli"]
    subprocess.run([*gassist_build, "manifest", str(folder)], check=True, capture_output=True)
    assert (folder / "manifest.json").exists()
    done = subprocess.run([*gassist_build, "call", str(folder), "roll", "sides=20", "count=2"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Rolling 2d20" in done.stdout and "= **" in done.stdout
