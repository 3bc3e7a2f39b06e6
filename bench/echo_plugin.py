# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The benchmark's plug-in on gassist-sdk, written against the NVIDIA-compatible core.

``bench/protocol_bench.py`` measures it beside ``floor_plugin.py`` (the same
commands with no SDK). ``boom`` and ``noisy`` exercise the failure and stdout
isolation paths.
"""

from __future__ import annotations

import time

from gassist_sdk import Plugin

plugin = Plugin("echo", version="1.0.0", description="Benchmark plug-in: echoes, sleeps, fails")


@plugin.command("echo")
def echo(text: str) -> str:
    """Return the text unchanged.

    Args:
        text: Text to send back.
    """
    return text


@plugin.command("sleep")
def sleep(seconds: float) -> str:
    """Block for a while, like a slow command would.

    Args:
        seconds: How long to block.
    """
    time.sleep(seconds)
    return f"slept {seconds} s"


@plugin.command("big")
def big(n: int) -> str:
    """Return a result of n bytes.

    Args:
        n: Length of the result.
    """
    return "x" * n


@plugin.command("boom")
def boom() -> str:
    """Always fail, to exercise the error path."""
    raise RuntimeError("boom: this command always fails")


@plugin.command("noisy")
def noisy() -> str:
    """Print a line (which must not reach the pipe), then return."""
    print("noisy: this line must go to stderr, never to the protocol pipe")
    return "done"


if __name__ == "__main__":
    plugin.run()
