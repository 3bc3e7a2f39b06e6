# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What the code generates, held against manifest.json: drift, hand-written files, and the
hint for a function the code has but the manifest lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gassist_build.manifest.probe import render_manifest
from gassist_build.manifest.sync import (
    manifest_drift,
    not_in_manifest_hint,
    written_by_generator,
)

_IN_CODE = {
    "manifestVersion": 1,
    "description": "Two functions in the code.",
    "executable": "plugin.py",
    "persistent": True,
    "functions": [{"name": "ping", "description": "Ping."},
                  {"name": "pong", "description": "Pong."}],
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plug-in whose code registers ping and pong; manifest.json declares only ping."""
    plugin = tmp_path_factory.mktemp("sync") / "twofold"
    plugin.mkdir()
    (plugin / "plugin.py").write_text(f"import json\nprint(json.dumps({_IN_CODE!r}))\n",
                                      encoding="utf-8")
    declared = {**_IN_CODE, "functions": _IN_CODE["functions"][:1]}
    (plugin / "manifest.json").write_text(render_manifest(declared), encoding="utf-8")
    return plugin


@pytest.mark.e2e
def test_a_function_only_the_code_has_gets_the_manifest_command(folder: Path) -> None:
    assert not_in_manifest_hint(folder, "pong") == (
        "plugin.py registers 'pong' but manifest.json does not declare it (G-Assist reads the"
        f" manifest); run: gassist-build manifest {folder}")
    assert not_in_manifest_hint(folder, "nothing") == ""


def test_no_hint_without_plugin_py(tmp_path: Path) -> None:
    assert not_in_manifest_hint(tmp_path, "pong") == ""


def test_drift_and_the_generators_format(folder: Path, tmp_path: Path) -> None:
    diff = manifest_drift(folder, _IN_CODE)
    assert '+      "name": "pong",' in diff
    assert manifest_drift(folder, {**_IN_CODE, "functions": _IN_CODE["functions"][:1]}) == ""
    assert written_by_generator(folder)
    (tmp_path / "manifest.json").write_text(json.dumps(_IN_CODE))  # by hand: one line
    assert not written_by_generator(tmp_path)
    assert not written_by_generator(tmp_path / "missing")
