# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-in written with our SDK, hosted by the emulator in both protocols."""

from __future__ import annotations

import time

from gassist_sdk import CommandError, Context, Plugin

plugin = Plugin("sdk_good", version="1.0.0",
                description="Built on gassist_sdk: greets, counts, works slowly and chats.")


@plugin.command(tags=("greeting",))
def greet(name: str, times: int = 1) -> str:
    """Greet someone by name.

    Args:
        name: Who to greet.
        times: How many times.
    """
    if times < 1:
        raise CommandError("times must be at least 1")
    return " ".join([f"Hello, {name}!"] * times)


@plugin.command(tags=("demo",))
def count(n: int = 3, ctx: Context | None = None) -> str:
    """Count to n, streaming each number.

    Args:
        n: Where to stop.
    """
    assert ctx is not None
    for i in range(1, n + 1):
        ctx.stream(f"{i} ")
        time.sleep(0.05)
    return "done"


@plugin.command(tags=("demo",))
def slow(seconds: float = 1.2) -> str:
    """Work for a while; pings are still answered.

    Args:
        seconds: How long to work.
    """
    time.sleep(min(seconds, 60.0))
    return f"worked for {seconds} s"


@plugin.command(tags=("chat",))
def start_chat(ctx: Context) -> str:
    """Start a conversation; say 'bye' to end it."""
    ctx.keep_session(True)
    return "Listening: say something ('bye' ends it)."


@plugin.on_input
def chat_turn(text: str, ctx: Context) -> str:
    """Answer one turn of the conversation."""
    if text.strip().lower() == "bye":
        return "Bye!"
    ctx.keep_session(True)
    return f"You said: {text}"


if __name__ == "__main__":
    plugin.run()
