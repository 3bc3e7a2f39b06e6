# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: single-threaded, and `freeze` blocks that thread forever."""

from __future__ import annotations

import os
import sys
import time

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import answer_initialize, answer_ping, complete, serve


def execute(msg: dict) -> None:
    if msg["params"].get("function") == "freeze":
        sys.stderr.write("hangs: freezing now\n")
        sys.stderr.flush()
        time.sleep(3600)  # the bug: this is the only thread, so pings go unanswered too
    complete(msg.get("id"), "Hello from hangs!")


if __name__ == "__main__":
    serve({"initialize": answer_initialize("hangs", ("hello", "freeze")), "ping": answer_ping,
           "execute": execute})
