# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: debug print()s go to stdout, into the protocol stream."""

from __future__ import annotations

import os
import sys

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import answer_initialize, answer_ping, complete, serve


def execute(msg: dict) -> None:
    for step in range(20):
        print(f"DEBUG step {step}: computing greeting", flush=True)  # the bug: stdout is the wire
    complete(msg.get("id"), "Hello from floods_stdout!")


if __name__ == "__main__":
    serve({"initialize": answer_initialize("floods_stdout"), "ping": answer_ping,
           "execute": execute})
