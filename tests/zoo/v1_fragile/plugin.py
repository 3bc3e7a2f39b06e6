# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A V1 plug-in in the style of NVIDIA's V1 templates (our own code, stdlib only).

It reads 4096-byte chunks until a short read and hands them to json.loads, so
an invalid message raises and the plug-in dies (the traceback goes to stderr).
"""

from __future__ import annotations

import json
import os
import sys


def read_command() -> dict | None:
    chunks = []
    while True:
        chunk = os.read(0, 4096)
        if not chunk:
            return None
        chunks.append(chunk.decode("utf-8"))
        if len(chunk) < 4096:
            break
    text = "".join(chunks).replace("<<END>>", "")
    return json.loads(text)


def write_response(response: dict) -> None:
    sys.stdout.write(json.dumps(response) + "<<END>>")
    sys.stdout.flush()


def main() -> None:
    while True:
        command = read_command()
        if command is None:
            return
        for tool_call in command.get("tool_calls", []):
            func = tool_call.get("func")
            if func == "shutdown":
                return
            if func == "initialize":
                write_response({"success": True, "message": "initialized"})
            elif func == "hello":
                write_response({"success": True, "message": "Hello from v1_fragile!"})
            else:
                write_response({"success": False, "message": f"Unknown command: {func}"})


if __name__ == "__main__":
    main()
