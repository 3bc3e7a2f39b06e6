# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The README's first plug-in and its test file run as written, saved where it says.

Its ```console blocks run in tests/test_doc_commands.py, with the docs' ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_plugin_and_its_test_file_pass_with_pytest(tmp_path: Path) -> None:
    plugin_code, test_code = python_blocks()
    (tmp_path / "dice").mkdir()
    (tmp_path / "dice" / "plugin.py").write_text(plugin_code, encoding="utf-8")
    (tmp_path / "test_dice.py").write_text(test_code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_dice.py"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout
