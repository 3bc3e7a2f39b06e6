# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A play-time diary written the way NVIDIA's gassist_sdk examples are (our own code).

Its manifest drifted from the code, as manifests in the wild do: it declares
a ``platform`` parameter (required, even) that the code never took, and
``number`` for an ``int``. The code reads the conversation through an
unannotated ``context`` parameter, streams, keeps the session for a
follow-up question, marks the calls it makes itself with a hidden
``_from_on_input`` parameter, and calls ``plugin.run()`` at module level.
"""

import os
import sys

_libs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libs")
if os.path.isdir(_libs) and _libs not in sys.path:
    sys.path.insert(0, _libs)

from gassist_sdk import Plugin  # noqa: E402

plugin = Plugin(name="gamelog", version="0.3.0", description="A diary of your play time")

DIARY = []


@plugin.command("log_session", description="Write down how long a game was played.")
def log_session(game: str, minutes: int = 30, context=None, _from_on_input: bool = False):
    DIARY.append((game, minutes))
    plugin.stream(f"Writing down {minutes} min of {game}...\n")
    total = sum(spent for name, spent in DIARY if name == game)
    said = context.last_user_message() if context else None
    source = " (from your follow-up)" if _from_on_input else ""
    heard = f" You said: {said}" if said else ""
    return f"Logged {minutes} min of {game}{source}; {total} min so far.{heard}"


@plugin.command("ask_and_log", description="Ask which game to log, then log it.")
def ask_and_log():
    plugin.set_keep_session(True)
    return "Which game did you play?"


@plugin.command("on_input")
def on_input(content: str):
    plugin.set_keep_session(False)
    return log_session(content.strip(), _from_on_input=True)


plugin.run()
