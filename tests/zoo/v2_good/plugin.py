# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A well-behaved protocol V2 plug-in, stdlib only: answers pings while a command runs."""

from __future__ import annotations

import json
import os
import struct
import sys
import threading
import time

_LOCK = threading.Lock()


def send(message: dict) -> None:
    body = json.dumps(message).encode("utf-8")
    with _LOCK:
        sys.stdout.buffer.write(struct.pack(">I", len(body)) + body)
        sys.stdout.buffer.flush()


def notify(method: str, **params: object) -> None:
    send({"jsonrpc": "2.0", "method": method, "params": params})


def respond(call_id: object, result: object) -> None:
    send({"jsonrpc": "2.0", "id": call_id, "result": result})


def error_response(call_id: object, code: int, message: str) -> None:
    send({"jsonrpc": "2.0", "id": call_id, "error": {"code": code, "message": message}})


def read_exact(n: int) -> bytes | None:
    data = sys.stdin.buffer.read(n)
    return data if data is not None and len(data) == n else None


def complete(req: int, data: str, success: bool = True, keep: bool = False) -> None:
    notify("complete", request_id=req, success=success, data=data, keep_session=keep)


def fail(req: int, code: int, message: str) -> None:
    notify("error", request_id=req, code=code, message=message)


def greet(req: int, args: dict) -> None:
    name, times = args.get("name"), args.get("times", 1)
    if not isinstance(name, str) or not name:
        return fail(req, -32602, "greet needs 'name' (a non-empty string)")
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        return fail(req, -32602, "'times' must be a positive integer")
    complete(req, " ".join([f"Hello, {name}!"] * times))


def count(req: int, args: dict) -> None:
    n = args.get("n", 3)
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        return fail(req, -32602, "'n' must be a non-negative integer")
    for i in range(1, n + 1):
        notify("stream", request_id=req, data=f"{i} ")
        time.sleep(0.1)
    complete(req, "done")


def slow(req: int, args: dict) -> None:
    seconds = args.get("seconds", 1.2)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return fail(req, -32602, "'seconds' must be a number")
    time.sleep(min(float(seconds), 60.0))
    complete(req, f"worked for {seconds} s")


def start_chat(req: int, args: dict) -> None:
    complete(req, "Chat started: say something ('bye' ends it).", keep=True)


def reset_counter(req: int, args: dict) -> None:
    complete(req, "counter reset")


def where(req: int, args: dict) -> None:
    complete(req, json.dumps({
        "pid": os.getpid(), "cwd": os.getcwd(),
        "pythonpath": os.environ.get("PYTHONPATH", "").split(os.pathsep),
        "log_dir": os.environ.get("GASSIST_LOG_DIR"),
    }))


FUNCTIONS = {"greet": greet, "count": count, "slow": slow, "start_chat": start_chat,
             "reset_counter": reset_counter, "where": where}


def run_command(req: int, function: str, args: dict) -> None:
    handler = FUNCTIONS.get(function)
    if handler is None:
        return fail(req, -32601, f"Unknown function {function!r}")
    try:
        handler(req, args)
    except Exception as exc:  # report, never die
        fail(req, -1, f"{type(exc).__name__}: {exc}")


def on_input(req: int, text: str) -> None:
    if text.strip().lower() == "bye":
        complete(req, "Bye!", keep=False)
    else:
        complete(req, f"You said: {text}", keep=True)


def main() -> None:
    sys.stderr.write("v2_good: ready (diagnostics go to stderr)\n")
    sys.stderr.flush()
    while True:
        header = read_exact(4)
        if header is None:
            return
        (size,) = struct.unpack(">I", header)
        body = read_exact(size)
        if body is None:
            return
        try:
            msg = json.loads(body)
        except ValueError:
            error_response(None, -32700, "Parse error")
            continue
        if not isinstance(msg, dict):
            error_response(None, -32600, "Invalid request")
            continue
        method, params, call_id = msg.get("method"), msg.get("params") or {}, msg.get("id")
        if method == "initialize":
            respond(call_id, {
                "name": "v2_good", "version": "1.0.0", "protocol_version": "2.0",
                "description": "A well-behaved protocol V2 plug-in",
                "commands": [{"name": n, "description": ""} for n in FUNCTIONS],
            })
        elif method == "ping":
            respond(call_id, {"timestamp": params.get("timestamp")})
        elif method == "execute":
            args = params.get("arguments") or {}
            threading.Thread(target=run_command, daemon=True,
                             args=(call_id, str(params.get("function")), args)).start()
        elif method == "input":
            respond(call_id, {"acknowledged": True})
            threading.Thread(target=on_input, daemon=True,
                             args=(call_id, str(params.get("content", "")))).start()
        elif method == "shutdown":
            if call_id is not None:
                respond(call_id, {})
            return
        elif call_id is not None:
            error_response(call_id, -32601, f"Method not found: {method}")


if __name__ == "__main__":
    main()
