# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: single-threaded, and `freeze` blocks that thread forever."""

from __future__ import annotations

import json
import struct
import sys
import time

NAME = "hangs"


def send(message: dict) -> None:
    body = json.dumps(message).encode("utf-8")
    sys.stdout.buffer.write(struct.pack(">I", len(body)) + body)
    sys.stdout.buffer.flush()


def read() -> dict | None:
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        return None
    body = sys.stdin.buffer.read(struct.unpack(">I", header)[0])
    try:
        return json.loads(body)
    except ValueError:
        return {}


def respond(call_id: object, result: object) -> None:
    send({"jsonrpc": "2.0", "id": call_id, "result": result})


def complete(req: object, data: object, success: bool = True) -> None:
    send({"jsonrpc": "2.0", "method": "complete",
          "params": {"request_id": req, "success": success, "data": data, "keep_session": False}})


INFO = {"name": NAME, "version": "1.0.0", "protocol_version": "2.0", "description": "",
        "commands": [{"name": "hello", "description": "Say hello."}]}


def main() -> None:
    while (msg := read()) is not None:
        method, call_id = msg.get("method"), msg.get("id")
        if method == "initialize":
            respond(call_id, dict(INFO, commands=[{"name": "hello", "description": ""},
                                                  {"name": "freeze", "description": ""}]))
        elif method == "ping":
            respond(call_id, {"timestamp": msg["params"]["timestamp"]})
        elif method == "execute":
            if msg["params"].get("function") == "freeze":
                sys.stderr.write("hangs: freezing now\n")
                sys.stderr.flush()
                time.sleep(3600)
            complete(call_id, "Hello from hangs!")
        elif method == "shutdown":
            return


if __name__ == "__main__":
    main()
