# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: returns an object as complete.data instead of text."""

from __future__ import annotations

import os
import sys

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import answer_initialize, answer_ping, complete, serve


def execute(msg: dict) -> None:
    complete(msg.get("id"), {"temperature_c": 41, "fan": "auto"})  # the bug: data must be text


if __name__ == "__main__":
    serve({"initialize": answer_initialize("object_data", ("gpu_temp",)), "ping": answer_ping,
           "execute": execute})
