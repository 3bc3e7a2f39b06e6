# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: answers commands with Python reprs (str(dict)) instead of JSON."""

from __future__ import annotations

import os
import sys

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import answer_initialize, answer_ping, serve, write_frame


def execute(msg: dict) -> None:
    reply = {"jsonrpc": "2.0", "method": "complete",
             "params": {"request_id": msg.get("id"), "success": True, "data": "hi"}}
    write_frame(str(reply).encode("utf-8"))  # the bug: a repr is not JSON


if __name__ == "__main__":
    serve({"initialize": answer_initialize("bad_json"), "ping": answer_ping,
           "execute": execute})
