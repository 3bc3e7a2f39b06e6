# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Every ```python block of docs/emulator.md runs, from the repository root."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "emulator.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
BLOCKS = _BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_document_has_examples() -> None:
    assert BLOCKS


@pytest.mark.e2e
@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_python_example_runs(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
