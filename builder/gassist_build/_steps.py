# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Timed, named steps with optional rich output, shared by build, install and package."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape

__all__ = ["StepLog", "StepTime", "format_size"]


@dataclass(frozen=True)
class StepTime:
    """One finished step: its title, how long it took and whether it succeeded."""

    title: str
    seconds: float
    ok: bool


@dataclass
class StepLog:
    """Records steps and warnings; prints them as they happen when given a console.

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
                self.console.print(f"{mark} {escape(title)} [dim]{seconds:.2f} s[/dim]")

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
