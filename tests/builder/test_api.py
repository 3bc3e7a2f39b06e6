# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The builder's library surface and its lazy command line."""

from __future__ import annotations

import subprocess
import sys

import gassist_build
import pytest
from click.testing import CliRunner
from gassist_build import cli as cli_module


@pytest.mark.parametrize("name", [n for n in gassist_build.__all__ if n != "__version__"])
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(gassist_build, name)
    assert getattr(value, "__name__", name) == name


def test_the_lazy_table_and_all_agree() -> None:
    assert set(gassist_build.__all__) == {"__version__", *gassist_build._API}


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = gassist_build.nope  # type: ignore[attr-defined]


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli_module.cli, ["--help"])
    assert result.exit_code == 0
    for name in ("validate", "manifest", "config", "new", "build", "install", "uninstall",
                 "package", "call", "chat", "check"):
        assert f"  {name} " in result.output


def test_a_command_imports_only_its_own_layer() -> None:
    code = ("import sys; from gassist_build.cli import cli; "
            "cli(['package', '--help'], standalone_mode=False); "
            "print(sorted(m for m in sys.modules if m.startswith('gassist_build.') "
            "and m.split('.')[1] in ('build', 'host', 'manifest', 'install', 'scaffold')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert proc.stdout.rstrip().splitlines()[-1] == "[]"


def test_a_command_that_cannot_import_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli_module._COMMANDS, "ghost", ("no_such_module", "ghost"))
    broken = CliRunner().invoke(cli_module.cli, ["ghost"])
    assert broken.exit_code == 1
    assert "'ghost' is unavailable" in broken.output
    working = CliRunner().invoke(cli_module.cli, ["new", "--help"])
    assert working.exit_code == 0 and "Create a new plug-in" in working.output
