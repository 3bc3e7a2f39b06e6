# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Output conventions of every subcommand when stdout and stderr are pipes.

No ANSI codes (colour or cursor moves) reach a pipe, long steps still say how long
they took, and tables are not wrapped inside a word.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gassist_build._steps import StepLog, console_for
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
GASSIST_BUILD = [sys.executable, "-m", "gassist_build.cli"]
ELAPSED = re.compile(r"\d+\.\d\d s\b")


def piped(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run gassist-build with stdout and stderr piped, as a CI log or `| less` sees it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS")}
    env["TERM"] = "xterm-256color"  # a colour terminal type: only the pipe must stop colour
    return subprocess.run([*GASSIST_BUILD, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each subcommand once on a copy of plugins/hello, all piped."""
    work = tmp_path_factory.mktemp("piped")
    shutil.copytree(ROOT / "plugins" / "hello", work / "hello")
    done = {"validate": piped("validate", "hello", cwd=work),
            "build": piped("build", "hello", "--offline", cwd=work)}
    done["call"] = piped("call", "dist/hello", "say_hello", "name=Ada", cwd=work)
    done["check"] = piped("check", "dist/hello", cwd=work)
    done["install"] = piped("install", "dist/hello", "--plugins-dir", work / "plugins",
                            cwd=work)
    done["package"] = piped("package", "dist/hello", cwd=work)
    done["package --submission"] = piped("package", "dist/hello", "--submission",
                                         "--source", "hello", cwd=work)
    return done


@pytest.mark.parametrize("command", ["validate", "build", "call", "check", "install",
                                     "package", "package --submission"])
def test_no_ansi_codes_reach_a_pipe(runs: dict[str, subprocess.CompletedProcess[str]],
                                    command: str) -> None:
    result = runs[command]
    expected = 0  # every command succeeds on hello (its README has Setup and prompts)
    assert result.returncode == expected, result.stdout + result.stderr
    assert result.stdout + result.stderr
    assert "\x1b[" not in result.stdout
    assert "\x1b[" not in result.stderr


def test_build_steps_show_their_time_when_piped(
        runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    steps = [line for line in runs["build"].stderr.splitlines() if line.startswith("✓")]
    assert steps
    assert all(ELAPSED.search(line) for line in steps), steps


def test_console_for_a_pipe_writes_plain_unwrapped_tables() -> None:
    buffer = io.StringIO()
    console = console_for(buffer)
    table = Table()
    table.add_column("function")
    table.add_column("result")
    cell = "a-description-that-is-one-long-word-" * 4 + " and more words " * 6
    table.add_row("[bold]say_hello[/bold]", cell)
    console.print(table)
    console.print("[red]failed[/red] " + "word " * 40)
    text = buffer.getvalue()
    assert "\x1b[" not in text
    assert cell.strip() in text  # the whole cell on one line
    assert ("word " * 40).strip() in text


def test_step_log_on_a_pipe_names_each_step_with_its_time() -> None:
    buffer = io.StringIO()
    log = StepLog(console_for(buffer))
    with log.step("Install requirements"):
        pass
    line = buffer.getvalue().strip()
    assert line.startswith("✓ Install requirements") and ELAPSED.search(line)
    assert "\x1b[" not in line


def _tool_errors() -> dict[str, int]:
    """Every error class of the builder, by name, with its exit code."""
    import importlib
    import pkgutil

    import gassist_build
    from gassist_build.errors import ToolError

    for module in pkgutil.walk_packages(gassist_build.__path__, "gassist_build."):
        if not module.name.endswith(".__main__"):  # every module, so every subclass is seen
            importlib.import_module(module.name)

    found: dict[str, int] = {}
    pending: list[type[ToolError]] = [ToolError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls.exit_code
        pending.extend(cls.__subclasses__())
    return found


def test_the_exit_code_table_in_docs_cli_md_matches_the_error_classes() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `([\w.]+)` \|", text, re.M)
    documented = {name: int(code) for code, name in rows}
    assert documented.pop("click.UsageError") == 2
    assert documented == _tool_errors()
    import click

    assert click.UsageError.exit_code == 2
