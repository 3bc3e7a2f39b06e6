# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Manifest/code drift the runtime tolerates is a warning, not a failure (issue 10, item 9)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from gassist_build.manifest.validate import validate_plugin

pytestmark = pytest.mark.e2e

_CODE = """
    from gassist_sdk import Plugin

    plugin = Plugin("movers", description="Market movers")


    @plugin.command("top_movers", description="List the stocks that moved most.")
    def top_movers(count: int = 3, ratio: float = 1.0, label: str = "x"):
        return str(count)


    if __name__ == "__main__":
        plugin.run()
"""


def _folder(tmp_path: Path, properties: dict[str, dict[str, str]]) -> Path:
    folder = tmp_path / "movers"
    folder.mkdir()
    (folder / "plugin.py").write_text(textwrap.dedent(_CODE), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({
        "manifestVersion": 1, "name": "movers", "description": "Market movers",
        "executable": "plugin.py", "persistent": True, "protocol_version": "2.0",
        "functions": [{"name": "top_movers", "description": "List the stocks that moved most.",
                       "tags": [], "properties": properties, "required": []}]}),
        encoding="utf-8")
    return folder


def test_number_where_the_code_says_int_is_a_warning(tmp_path: Path) -> None:
    report = validate_plugin(_folder(tmp_path, {
        "count": {"type": "number", "description": "How many."},
        "ratio": {"type": "integer", "description": "Scale."},
        "label": {"type": "string", "description": "Label."}}))
    assert report.ok, report.to_dict()
    found = {(p.severity, p.path, p.code) for p in report.problems}
    assert found == {("warning", "$.functions[0].properties.count", "code-parameters"),
                     ("warning", "$.functions[0].properties.ratio", "code-parameters")}
    messages = " | ".join(p.message for p in report.problems)
    assert "accepts whole numbers" in messages and 'declare "integer"' in messages


def test_a_type_the_runtime_cannot_convert_stays_an_error(tmp_path: Path) -> None:
    report = validate_plugin(_folder(tmp_path, {
        "count": {"type": "string", "description": "How many."},
        "ratio": {"type": "number", "description": "Scale."},
        "label": {"type": "string", "description": "Label."}}))
    assert [(p.severity, p.path) for p in report.problems] == [
        ("error", "$.functions[0].properties.count")]
