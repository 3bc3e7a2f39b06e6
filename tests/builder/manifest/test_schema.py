# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The manifest schema file is generated and current; the docs' examples really validate."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gassist_build.cli import cli
from gassist_build.manifest.schema import MANIFEST_SCHEMA, render_schema, write_schema
from gassist_build.manifest.validate import check_manifest, validate_plugin
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "manifests" / "manifest.schema.json"
DOC = ROOT / "docs" / "manifest.md"


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", path.read_text(encoding="utf-8"), re.M | re.S)


def test_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(MANIFEST_SCHEMA)


def test_checked_in_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_schema(), (
        "manifests/manifest.schema.json is stale; run: "
        ".venv/bin/python -m gassist_build.manifest.schema manifests/manifest.schema.json"
    )


def test_write_schema_round_trips(tmp_path: Path) -> None:
    written = write_schema(tmp_path / "sub" / "manifest.schema.json")
    assert written.read_bytes() == SCHEMA_FILE.read_bytes()
    assert list(json.loads(written.read_text())) == list(MANIFEST_SCHEMA)


def test_schema_rejects_what_the_validator_calls_schema_errors() -> None:
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    good = {"manifestVersion": 1, "executable": "plugin.py", "persistent": True, "functions": []}
    assert validator.is_valid(good)
    assert validator.is_valid({**good, "engine_added_field": 1})  # unknown keys: not errors
    for bad in (
        {**good, "manifestVersion": 2},
        {**good, "protocol_version": "2"},
        {k: v for k, v in good.items() if k != "persistent"},
        {**good, "functions": [{"name": "rise_x", "description": "d"}]},
        {**good, "functions": [{"name": "f", "description": "d", "properties": {"p": {}}}]},
        {
            **good,
            "functions": [
                {
                    "name": "f",
                    "description": "d",
                    "properties": {},
                    "parameters": {"type": "object"},
                }
            ],
        },
    ):
        assert not validator.is_valid(bad), bad


def test_docs_json_examples_validate() -> None:
    blocks = _blocks(DOC, "json")
    assert len(blocks) >= 5
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    for block in blocks:
        manifest = json.loads(block)
        assert list(validator.iter_errors(manifest)) == []
        assert check_manifest(manifest) == [], block


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="the docs show POSIX paths")
def test_docs_console_examples_match_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples use paths relative to the repository root
    blocks = _blocks(DOC, "console")
    assert len(blocks) >= 3
    for block in blocks:
        command, *expected = block.rstrip("\n").split("\n")
        assert command.startswith("$ gassist-build ")
        status = None
        if expected[-2:-1] == ["$ echo $?"]:  # the transcript shows the exit status
            status = int(expected.pop())
            expected.pop()
        result = CliRunner().invoke(cli, command.split()[2:])
        assert result.output.rstrip("\n").split("\n") == expected, command
        assert status is None or result.exit_code == status, command


def test_readme_mentions_every_schema_field() -> None:
    readme = (ROOT / "manifests" / "README.md").read_text(encoding="utf-8")
    for field in [
        *MANIFEST_SCHEMA["properties"],
        *MANIFEST_SCHEMA["$defs"]["function"]["properties"],
    ]:
        assert f"`{field}`" in readme, field


@pytest.mark.e2e
@pytest.mark.parametrize(
    "plugin",
    sorted(p.parent for p in (ROOT / "plugins").glob("*/manifest.json")),
    ids=lambda p: p.name,
)
def test_every_sample_plugin_manifest_validates(plugin: Path) -> None:
    report = validate_plugin(plugin)
    assert report.errors == []
