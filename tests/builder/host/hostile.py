# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Hostile plug-ins written into a test's temporary folder.

Each test states its plug-in's misbehaviour in a few lines of Python; this
module wraps them in a V2 plug-in folder (manifest and ``plugin.py``) that uses
the zoo's shared plumbing (``tests/zoo/zoo_wire.py``).
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

from .conftest import ZOO

_PRELUDE = f"""\
import json, os, struct, subprocess, sys, time
sys.path.insert(0, {str(ZOO)!r})
from zoo_wire import answer_initialize, answer_ping, complete, send, serve, write_frame
LOG_DIR = os.environ.get("GASSIST_LOG_DIR", ".")
"""


def hostile_plugin(root: Path, name: str, code: str, functions: tuple[str, ...] = ("hello",)
                   ) -> Path:
    """A V2 plug-in folder ``root/name`` whose ``plugin.py`` is the prelude then ``code``.

    ``code`` ends by calling ``serve(...)``; the prelude imports the zoo's V2
    plumbing and sets ``LOG_DIR`` (the host's log folder, for pid files).
    """
    folder = root / name
    folder.mkdir(parents=True)
    manifest = {
        "manifestVersion": 1, "name": name, "version": "1.0.0", "description": "hostile",
        "executable": "plugin.py", "persistent": False, "protocol_version": "2.0",
        "functions": [{"name": f, "description": f"{f}.", "tags": [], "properties": {},
                       "required": []} for f in functions],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "plugin.py").write_text(_PRELUDE + textwrap.dedent(code), encoding="utf-8")
    return folder


def wait_for_pid(path: Path, wait: float = 10.0) -> int:
    """The pid a plug-in wrote to ``path``, once it has."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            text = path.read_text()
        except FileNotFoundError:
            text = ""
        if text.strip():
            return int(text)
        time.sleep(0.02)
    raise AssertionError(f"no pid in {path}")


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return os.path.exists(f"/proc/{pid}")
