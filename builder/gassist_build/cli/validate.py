# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build validate`` and ``gassist-build manifest``.

Thin wrappers: :func:`gassist_build.manifest.validate.validate_plugin` and
:func:`gassist_build.manifest.sync.sync_manifest` do the work; this module only prints.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from .._steps import console_for
from ..manifest.probe import DEFAULT_TIMEOUT, ManifestCommandError, missing_module_hint
from ..manifest.sync import sync_manifest
from ..manifest.validate import Problem, validate_plugin

__all__ = ["dev_option", "hinted_failure", "manifest", "validate"]

_STYLE = {"error": "bold red", "warning": "yellow"}
# Code problems that regenerating manifest.json does not fix.
_NOT_DRIFT = frozenset({"code-run-failed", "code-import-failed"})


def _console() -> Console:
    # soft_wrap: long JSON paths and messages must not be cut into pieces (logs, grep, tests).
    # Text objects, never markup: paths like ["volume_percent "] look like rich markup.
    return console_for()


def _print_problems(console: Console, problems: Iterable[Problem]) -> None:
    for problem in problems:
        first, *rest = problem.message.splitlines() or [""]
        line = Text("  ")
        line.append(f"{problem.severity:<8}", style=_STYLE[problem.severity])
        line.append(f"{problem.path}: ", style="bold")
        line.append(first)
        console.print(line)
        for extra in rest:
            console.print(Text("            " + extra, style="dim"))


@contextlib.contextmanager
def hinted_failure(folder: Path, *, isolated: bool) -> Iterator[None]:
    """Add the next step to a ``plugin.py`` failure caused by a module it cannot import."""
    try:
        yield
    except ManifestCommandError as exc:
        hint = missing_module_hint(exc, folder, isolated=isolated)
        if hint:
            exc.message = f"{exc.message}; {hint}"
        raise


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


_python_option = click.option(
    "--python",
    metavar="EXE",
    help="Interpreter that runs plugin.py (default: the one running gassist-build).",
)


dev_option = click.option(
    "--dev",
    is_flag=True,
    help="Run plugin.py with this environment's packages instead of only the standard"
    " library and libs/ (what G-Assist's Python sees).",
)


@click.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--no-code",
    is_flag=True,
    help="Do not run plugin.py --manifest to compare its functions with the manifest.",
)
@_python_option
@dev_option
def validate(path: Path, as_json: bool, no_code: bool, python: str | None, dev: bool) -> None:
    """Check a plug-in folder (or its manifest.json) and list every problem.

    plugin.py runs as G-Assist runs it (only the standard library and libs/ importable)
    unless --dev is given. Exits 1 when there are errors (plugin.py failing to import is
    one); warnings alone exit 0.
    """
    report = validate_plugin(path, check_code=not no_code, python=python, timeout=DEFAULT_TIMEOUT,
                             isolated=not dev)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        console = _console()
        console.print(Text(str(report.manifest), style="bold"))
        _print_problems(console, report.problems)
        summary = (
            f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
        )
        console.print(Text(summary, style="bold red" if report.errors else "green"))
        if any(p.code.startswith("code-") and p.code not in _NOT_DRIFT for p in report.errors):
            console.print(
                Text(
                    f"Regenerate manifest.json from the code: gassist-build manifest {path}", "dim"
                )
            )
    click.get_current_context().exit(1 if report.errors else 0)


@click.command("manifest")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 and show a diff when manifest.json is not up to date.",
)
@_python_option
@dev_option
def manifest(path: Path, check: bool, python: str | None, dev: bool) -> None:
    """Write PATH/manifest.json from the plug-in's code (plugin.py --manifest).

    The generated manifest is validated first; if it has errors nothing is written.
    """
    with hinted_failure(path, isolated=not dev):
        result = sync_manifest(path, check=check, python=python, isolated=not dev)
    console = _console()
    _print_problems(console, result.problems)
    if result.status == "invalid":
        console.print(
            Text(
                f"The manifest generated by plugin.py has errors; {result.path} was left as it is.",
                style="bold red",
            )
        )
        click.get_current_context().exit(1)
    if result.status == "stale":
        for line in result.diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
            console.print(Text(line, style=style or ""))
        state = "is not up to date" if result.path.exists() else "does not exist"
        console.print(
            Text(f"{result.path} {state}; run: gassist-build manifest {path}", style="bold red")
        )
        click.get_current_context().exit(1)
    if result.status == "unchanged":
        console.print(Text(f"{result.path} is up to date", style="green"))
    else:
        console.print(Text(f"wrote {result.path}", style="green"))
