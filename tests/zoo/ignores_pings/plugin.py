# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: handles commands but never answers ping."""

from __future__ import annotations

import os
import sys

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import answer_initialize, complete, serve


def execute(msg: dict) -> None:
    complete(msg.get("id"), "Hello from ignores_pings!")


if __name__ == "__main__":
    # The bug: no "ping" handler, so every ping is read and left unanswered.
    serve({"initialize": answer_initialize("ignores_pings"), "execute": execute})
