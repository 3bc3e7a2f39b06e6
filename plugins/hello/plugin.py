# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""hello — the smallest useful G-Assist plug-in: greets, counts, and chats."""

from __future__ import annotations

from typing import Annotated

from gassist_sdk import Context, Plugin, Range

plugin = Plugin("hello", version="1.0.0",
                description="Greets you, counts out loud and keeps you company.")


@plugin.command(tags=("greeting",))
def say_hello(name: Annotated[str, "Who to greet"] = "World") -> str:
    """Say hello to someone by name."""
    return f"Hello, {name}! 👋"


@plugin.command(tags=("demo", "streaming"))
def count_to(number: Annotated[int, "Where to stop", Range(1, 50)], ctx: Context) -> str:
    """Count from 1 up to a number, streaming each step."""
    for step in range(1, number):
        if ctx.cancelled:
            return "Stopped counting."
        ctx.stream(f"{step}… ")
    return f"{number}!"


@plugin.command(tags=("chat",))
def start_chat(ctx: Context) -> str:
    """Start a little conversation; say 'bye' to end it."""
    ctx.keep_session(True)
    return "I'm listening. Tell me anything — say 'bye' when you're done."


@plugin.on_input
def chat_turn(text: str, ctx: Context) -> str:
    """Answer one turn of the conversation."""
    if text.strip().lower() in ("bye", "exit", "quit"):
        return "Bye! 👋"
    ctx.keep_session(True)
    words = len(text.split())
    return f"You said {words} word{'s' if words != 1 else ''}: “{text.strip()}”"


if __name__ == "__main__":
    plugin.run()
