# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Timed, named steps with optional rich output, shared by build, install and package."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from rich.console import Console
from rich.markup import escape

__all__ = ["PIPED_WIDTH", "StepLog", "StepTime", "console_for", "format_size"]

#: Line width of a console that is not a terminal: wide enough that no table cell wraps.
PIPED_WIDTH = 10_000


def console_for(stream: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """A console for ``stream`` (default stdout, or stderr) that behaves when piped.

    On a terminal it is rich's usual console. Anywhere else (a pipe, a file, a CI log)
    it writes no ANSI codes (no colour, no cursor moves), lines are not wrapped and
    tables are as wide as their content (:data:`PIPED_WIDTH`), so no word is broken
    in two. ``FORCE_COLOR`` and ``NO_COLOR`` keep their usual meaning.
    """
    file = stream if stream is not None else (sys.stderr if stderr else sys.stdout)
    probe = Console(file=file)
    if probe.is_terminal:
        return Console(file=file, soft_wrap=True, highlight=False)
    return Console(file=file, soft_wrap=True, highlight=False, width=PIPED_WIDTH,
                   color_system=probe.color_system)


@dataclass(frozen=True)
class StepTime:
    """One finished step: its title, how long it took and whether it succeeded."""

    title: str
    seconds: float
    ok: bool


@dataclass
class StepLog:
    """Records steps and warnings; prints them as they happen when given a console.

    Each finished step prints its elapsed time (``✓ Install requirements 3.21 s``) on a
    terminal and when the output is piped alike; a terminal also shows a spinner while
    the step runs.

    Library functions take a ``StepLog`` so that the CLI shows progress while a
    caller such as ``make demo`` may stay quiet and read the timings afterwards.

    Attributes:
        console: Where to print (``None``: silent).
        steps: Finished steps in order.
        warnings: Warnings raised so far, in order.
    """

    console: Console | None = None
    steps: list[StepTime] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """Time the enclosed block as one step, printing a spinner then its outcome."""
        start = time.perf_counter()
        ok = False
        try:
            if self.console is not None:
                with self.console.status(escape(title)):
                    yield
            else:
                yield
            ok = True
        finally:
            seconds = time.perf_counter() - start
            self.steps.append(StepTime(title, seconds, ok))
            if self.console is not None:
                mark = "[green]✓[/green]" if ok else "[red]✗[/red]"
                # One line whatever the console's width, so the time stays beside its step.
                self.console.print(f"{mark} {escape(title)} [dim]{seconds:.2f} s[/dim]",
                                   soft_wrap=True)

    def warn(self, message: str) -> None:
        """Record a warning (something the user should fix, not a failure)."""
        self.warnings.append(message)
        if self.console is not None:
            self.console.print(f"[yellow]warning:[/yellow] {escape(message)}")

    def note(self, message: str) -> None:
        """Record a plain statement of something that was done."""
        self.notes.append(message)
        if self.console is not None:
            self.console.print(f"  {escape(message)}")


def format_size(size: int) -> str:
    """``1536`` → ``"1.5 KiB"``: sizes the way a file manager shows them."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"
