# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A late-V1 "tethered" plug-in: a heartbeat every 0.2 s until `go_quiet` stops them."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

_LOCK = threading.Lock()
_QUIET = threading.Event()


def write(obj: dict) -> None:
    with _LOCK:
        sys.stdout.write(json.dumps(obj) + "<<END>>")
        sys.stdout.flush()


def heartbeat() -> None:
    while not _QUIET.wait(0.2):
        write({"type": "heartbeat", "timestamp": int(time.time())})


def main() -> None:
    threading.Thread(target=heartbeat, daemon=True).start()
    decoder = json.JSONDecoder()
    buffer = ""
    while True:
        data = os.read(0, 65536)
        if not data:
            return
        buffer += data.decode("utf-8")
        while True:
            buffer = buffer.lstrip().removeprefix("<<END>>").lstrip()
            if not buffer:
                break
            try:
                msg, end = decoder.raw_decode(buffer)
            except ValueError:
                if "<<END>>" not in buffer:
                    break  # incomplete: wait for more
                buffer = buffer.split("<<END>>", 1)[1]
                write({"success": False, "message": "Invalid JSON message"})
                continue
            buffer = buffer[end:]
            for call in msg.get("tool_calls", []):
                func = call.get("func")
                if func == "shutdown":
                    return
                if func == "go_quiet":
                    write({"success": True, "message": "going quiet"})
                    _QUIET.set()
                elif func in ("initialize", "hello"):
                    write({"success": True, "message": f"{func}: ok"})
                else:
                    write({"success": False, "message": f"Unknown command: {func}"})


if __name__ == "__main__":
    main()
