# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The protocol V2 plumbing the zoo's broken plug-ins share (stdlib only).

Each broken plug-in keeps its bug in its own ``plugin.py``; this module holds
only what they all do alike: length-prefixed JSON frames, the ``initialize``
reply, ``ping`` answers and a single-threaded message loop. A plug-in imports
it from the folder above its own::

    sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from zoo_wire import answer_initialize, answer_ping, serve

It is a file beside the plug-in folders, not a folder, so discovery of the zoo
sees no extra plug-in; a test that copies zoo plug-ins into another plug-ins
folder copies this file with them (``plugins_dir`` in tests/builder/host/conftest.py).
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Callable, Mapping

Handler = Callable[[dict], None]
"""Handles one message (the whole decoded JSON-RPC object)."""


def write_frame(body: bytes) -> None:
    """Write ``body`` to stdout behind its 4-byte big-endian length."""
    sys.stdout.buffer.write(struct.pack(">I", len(body)) + body)
    sys.stdout.buffer.flush()


def send(message: dict) -> None:
    """Write one JSON-RPC message as a frame."""
    write_frame(json.dumps(message).encode("utf-8"))


def read() -> dict | None:
    """Read one message; None at end of input, ``{}`` for a frame that is not JSON."""
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        return None
    body = sys.stdin.buffer.read(struct.unpack(">I", header)[0])
    try:
        return json.loads(body)
    except ValueError:
        return {}


def respond(call_id: object, result: object) -> None:
    """Send the result of request ``call_id``."""
    send({"jsonrpc": "2.0", "id": call_id, "result": result})


def complete(req: object, data: object, success: bool = True) -> None:
    """Send the ``complete`` notification that ends command ``req``."""
    send({"jsonrpc": "2.0", "method": "complete",
          "params": {"request_id": req, "success": success, "data": data, "keep_session": False}})


def answer_initialize(name: str, commands: tuple[str, ...] = ("hello",)) -> Handler:
    """A handler that answers ``initialize`` as plug-in ``name`` offering ``commands``."""
    info = {"name": name, "version": "1.0.0", "protocol_version": "2.0", "description": "",
            "commands": [{"name": command, "description": ""} for command in commands]}
    return lambda msg: respond(msg.get("id"), info)


def answer_ping(msg: dict) -> None:
    """Answer a ``ping`` with its own timestamp."""
    respond(msg.get("id"), {"timestamp": msg["params"]["timestamp"]})


def serve(handlers: Mapping[str, Handler]) -> None:
    """Handle messages one at a time, on this (the only) thread, until shutdown or end of input.

    A method without a handler is read and left unanswered, which is how most
    zoo plug-ins misbehave: what a plug-in leaves out of ``handlers`` is its bug.
    """
    while (msg := read()) is not None:
        method = msg.get("method")
        if method == "shutdown":
            return
        handler = handlers.get(method)
        if handler is not None:
            handler(msg)
