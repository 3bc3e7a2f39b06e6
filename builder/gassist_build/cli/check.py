# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build check``: the conformance scorecard, every item measured live."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import ArgumentError, ReportedFailure
from ..host.scorecard import DEFAULT_SKIP_TAGS, WRITE_TAG, Scorecard, run_check
from ._hosting import (
    config_env,
    config_option,
    log_dir_option,
    make_console,
    protocol_choice,
    protocol_option,
    stops_plugins_on_signals,
    timeout_option,
    warn_unbuilt,
)
from .validate import dev_option

__all__ = ["check"]

_STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


def _print_scorecard(console: Console, card: Scorecard) -> None:
    console.print(Text(f"{card.plugin} ({card.protocol.upper()}) — {card.folder}", style="bold"))
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("result")
    table.add_column("check")
    table.add_column("measured", justify="right")
    table.add_column("detail", overflow="fold")
    for item in card.items:
        table.add_row(Text(item.status.upper(), style=_STATUS_STYLE[item.status]),
                      Text(item.title), Text(item.measured), Text(item.detail))
    console.print(table)
    counts = card.counts()
    summary = ", ".join(f"{counts[s]} {s}" for s in ("pass", "warn", "fail", "skip"))
    verdict = Text("PASSED" if card.ok else "FAILED",
                   style="bold green" if card.ok else "bold red")
    console.print(Text.assemble(verdict, f" — {summary} in {card.elapsed:.2f} s"
                                f" ({card.starts} process start(s))"))
    if not card.ok and card.stderr_tail:
        console.print(Text("--- plug-in stderr (last lines) ---", style="dim"))
        console.print(Text(card.stderr_tail, style="dim"))
    if not card.ok and card.log_path is not None:
        console.print(Text(f"full stderr log: {card.log_path}", style="dim"))


def _parse_samples(words: tuple[str, ...]) -> dict[str, dict[str, str]]:
    samples: dict[str, dict[str, str]] = {}
    for word in words:
        function, colon, pair = word.partition(":")
        key, equals, value = pair.partition("=")
        if not (colon and function and equals and key):
            raise click.BadParameter(f"{word!r} is not FUNCTION:KEY=VALUE (e.g. greet:name=Ada)",
                                     param_hint="--sample")
        samples.setdefault(function, {})[key] = value
    return samples


@click.command("check")
@click.argument("plugin_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON.")
@click.option("--skip", default="", metavar="F1,F2",
              help="Functions not to call (they change real state). Functions tagged"
                   f" {' or '.join(sorted(DEFAULT_SKIP_TAGS))} are skipped anyway"
                   " (see --include-writes).")
@click.option("--include-writes", is_flag=True,
              help=f"Also call the functions tagged {WRITE_TAG!r} (they change real state:"
                   " use it against a fake or dry-run backend).")
@click.option("--sample", "samples", multiple=True, metavar="FUNCTION:KEY=VALUE",
              help="Call FUNCTION with KEY=VALUE instead of a generated value (repeatable,"
                   " e.g. --sample greet:name=Ada --sample greet:times=2).")
@config_option
@dev_option
@protocol_option
@timeout_option
@log_dir_option
@stops_plugins_on_signals
def check(plugin_dir: Path, as_json: bool, skip: str, include_writes: bool,
          samples: tuple[str, ...],
          config_file: Path | None, dev: bool, protocol: str, timeout: float,
          log_dir: Path | None) -> None:
    """Run the conformance scorecard against a plug-in: every item measured live.

    Every function is called with schema-conforming sample arguments (--sample gives
    your own). Exits 1 when any item fails (warnings alone exit 0).
    """
    skipped = [name.strip() for name in skip.split(",") if name.strip()]
    skip_tags = DEFAULT_SKIP_TAGS - {WRITE_TAG} if include_writes else DEFAULT_SKIP_TAGS
    given = _parse_samples(samples)
    err = make_console(stderr=True)
    if not as_json:
        warn_unbuilt(err, plugin_dir, dev)
    with contextlib.ExitStack() as stack:
        progress: Callable[[str], None] | None = None
        if not as_json and err.is_terminal:
            status = stack.enter_context(err.status("checking"))
            progress = status.update
        try:
            card = run_check(plugin_dir, skip=skipped, skip_tags=skip_tags,
                             protocol=protocol_choice(protocol),
                             call_timeout=timeout, log_dir=log_dir, progress=progress,
                             samples=given, isolated=not dev,
                             env=config_env(config_file))
        except ArgumentError as exc:
            raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(card.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_scorecard(make_console(), card)
    if not card.ok:
        raise ReportedFailure()
