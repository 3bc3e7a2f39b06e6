# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: answers commands with Python reprs (str(dict)) instead of JSON."""

from __future__ import annotations

import json
import struct
import sys

NAME = "bad_json"


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
            respond(call_id, INFO)
        elif method == "ping":
            respond(call_id, {"timestamp": msg["params"]["timestamp"]})
        elif method == "execute":
            reply = {"jsonrpc": "2.0", "method": "complete",
                     "params": {"request_id": call_id, "success": True, "data": "hi"}}
            body = str(reply).encode("utf-8")  # the bug: a repr is not JSON
            sys.stdout.buffer.write(struct.pack(">I", len(body)) + body)
            sys.stdout.buffer.flush()
        elif method == "shutdown":
            return


if __name__ == "__main__":
    main()
