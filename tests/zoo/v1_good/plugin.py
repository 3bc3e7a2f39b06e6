# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A well-behaved legacy protocol V1 plug-in, stdlib only.

Reads whole JSON values from a buffer (never trusting read boundaries), strips
an optional <<END>>, and ends every reply with <<END>>.
"""

from __future__ import annotations

import json
import os
import sys
import time

END = "<<END>>"


def write(obj: dict) -> None:
    sys.stdout.buffer.write((json.dumps(obj) + END).encode("utf-8"))
    sys.stdout.buffer.flush()


def messages():
    decoder = json.JSONDecoder()
    raw = b""
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            return
        raw += chunk
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a character split across reads
        raw = b""
        while True:
            text = text.lstrip()
            if text.startswith(END):
                text = text[len(END):]
                continue
            if not text:
                break
            try:
                value, end = decoder.raw_decode(text)
            except ValueError:
                if END in text:  # a whole message that is not JSON: answer and move on
                    text = text.split(END, 1)[1]
                    yield None
                    continue
                break
            text = text[end:]
            yield value
        raw = text.encode("utf-8")


def handle(func: str, params: dict) -> bool:
    if func == "initialize":
        write({"success": True, "message": "v1_good ready"})
    elif func == "shutdown":
        write({"success": True, "message": "bye"})
        return False
    elif func == "greet":
        name = params.get("name")
        if not isinstance(name, str) or not name:
            write({"success": False, "message": "greet needs 'name' (a non-empty string)"})
        else:
            write({"success": True, "message": f"Hello, {name}!"})
    elif func == "count":
        n = params.get("n", 3)
        if not isinstance(n, int) or n < 0:
            write({"success": False, "message": "'n' must be a non-negative integer"})
            return True
        for i in range(1, n + 1):
            write({"message": f"{i} "})
            time.sleep(0.1)
        write({"success": True, "message": "done"})
    elif func == "start_chat":
        write({"success": True, "message": "Chat started: say something ('bye' ends it).",
               "awaiting_input": True})
    else:
        write({"success": False, "message": f"Unknown command: {func}"})
    return True


def main() -> None:
    for msg in messages():
        if not isinstance(msg, dict):
            write({"success": False, "message": "Invalid JSON message"})
            continue
        if msg.get("msg_type") == "user_input":
            text = str(msg.get("content", ""))
            if text.strip().lower() == "bye":
                write({"success": True, "message": "Bye!"})
            else:
                write({"success": True, "message": f"You said: {text}", "awaiting_input": True})
            continue
        if msg.get("msg_type") == "terminate":
            return
        for call in msg.get("tool_calls") or []:
            params = call.get("params") or call.get("properties") or {}
            if not handle(str(call.get("func")), params):
                return


if __name__ == "__main__":
    main()
