# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The floor: the least a correct protocol V2 plug-in must do, with no SDK.

Standard library only. The main thread reads length-prefixed frames and
answers ``initialize``, ``ping`` and ``shutdown`` itself, so a ping is answered
even while a command runs; commands run one at a time on a worker thread, in
arrival order. Framing is honest (zero-length and oversized frames are
reported and skipped, the stream stays in sync) and every payload is really
parsed as JSON. No logging, no streaming: each command ends with one
``complete`` (or ``error``) notification.

``bench/protocol_bench.py`` measures the SDK against this script, so it is kept
as lean as plain Python allows while still doing the job correctly.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

MAX_FRAME_SIZE = 10 * 1024 * 1024
_DISCARD_CHUNK = 64 * 1024

_encode = json.JSONEncoder(separators=(",", ":")).encode
_stdin = sys.stdin.buffer
_write_lock = threading.Lock()
_jobs: queue.SimpleQueue[tuple[Any, Any, Any]] = queue.SimpleQueue()


def send(message: dict[str, Any]) -> None:
    """Frame one message and write it whole; the reader and the worker share the pipe."""
    body = _encode(message).encode("utf-8")
    frame = memoryview(len(body).to_bytes(4, "big") + body)
    with _write_lock:
        while frame:  # a pipe may take a large frame in several writes
            frame = frame[os.write(1, frame):]


def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def sleep(seconds: float) -> str:
    """Block for a while, like a slow command would."""
    time.sleep(seconds)
    return f"slept {seconds} s"


def big(n: int) -> str:
    """Return a result of n bytes."""
    return "x" * n


COMMANDS: dict[str, Callable[..., Any]] = {"echo": echo, "sleep": sleep, "big": big}


def _notify(method: str, params: dict[str, Any]) -> None:
    send({"jsonrpc": "2.0", "method": method, "params": params})


def _respond_error(request_id: Any, code: int, message: str) -> None:
    send({"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}})


def work() -> None:
    """Run queued commands one at a time, each ending in one notification."""
    while True:
        request_id, function, arguments = _jobs.get()
        handler = COMMANDS.get(function)
        if handler is None:
            _notify("error", {"request_id": request_id, "code": -32601,
                              "message": f"unknown function {function!r}"})
            continue
        if not isinstance(arguments, dict):
            _notify("error", {"request_id": request_id, "code": -32602,
                              "message": "arguments must be an object"})
            continue
        try:
            result = handler(**arguments)
        except Exception as exc:
            _notify("error", {"request_id": request_id, "code": -1, "message": str(exc)})
            continue
        data = result if isinstance(result, str) else _encode(result)
        _notify("complete", {"request_id": request_id, "success": True, "data": data,
                             "keep_session": False})


def _read_exact(n: int) -> bytes:
    data = _stdin.read(n)
    return data if data is not None else b""


def _discard(n: int) -> bool:
    """Skip n body bytes in bounded chunks; False when the stream ended first."""
    while n:
        chunk = _read_exact(min(n, _DISCARD_CHUNK))
        if not chunk:
            return False
        n -= len(chunk)
    return True


def _handle(message: Any) -> bool:
    """Answer one decoded message; False when the plug-in should exit."""
    if not isinstance(message, dict) or not isinstance(message.get("method"), str):
        request_id = message.get("id") if isinstance(message, dict) else None
        _respond_error(request_id, -32600, "not a JSON-RPC request")
        return True
    method = message["method"]
    request_id = message.get("id")
    params = message.get("params")
    if not isinstance(params, dict):
        params = {}
    if method == "execute":
        _jobs.put((request_id, params.get("function"), params.get("arguments", {})))
    elif method == "ping":
        send({"jsonrpc": "2.0", "id": request_id,
              "result": {"timestamp": params.get("timestamp")}})
    elif method == "initialize":
        send({"jsonrpc": "2.0", "id": request_id, "result": {
            "name": "floor", "version": "1.0.0", "description": "No-SDK floor plug-in",
            "protocol_version": "2.0",
            "commands": [{"name": name, "description": fn.__doc__ or ""}
                         for name, fn in COMMANDS.items()],
        }})
    elif method == "shutdown":
        if request_id is not None:
            send({"jsonrpc": "2.0", "id": request_id, "result": {}})
        return False
    elif request_id is not None:
        _respond_error(request_id, -32601, f"method not found: {method}")
    return True


def main() -> int:
    """Serve protocol V2 on stdin/stdout until shutdown or end of input."""
    threading.Thread(target=work, name="worker", daemon=True).start()
    while True:
        header = _read_exact(4)
        if len(header) < 4:
            return 0  # EOF, possibly inside a header: nothing more will come
        size = int.from_bytes(header, "big")
        if size == 0:
            _respond_error(None, -32600, "zero-length frame")
            continue
        if size > MAX_FRAME_SIZE:
            if not _discard(size):
                return 0
            _respond_error(None, -32600, f"frame of {size} bytes exceeds {MAX_FRAME_SIZE}")
            continue
        body = _read_exact(size)
        if len(body) < size:
            return 0  # truncated frame then EOF
        try:
            message = json.loads(body)
        except ValueError as exc:  # also covers invalid UTF-8
            _respond_error(None, -32700, f"parse error: {exc}")
            continue
        if not _handle(message):
            return 0


if __name__ == "__main__":
    sys.exit(main())
