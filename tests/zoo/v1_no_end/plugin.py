# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: a V1 plug-in that forgets the <<END>> marker on every reply."""

from __future__ import annotations

import json
import os
import sys


def write(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj))  # the bug: no "<<END>>"
    sys.stdout.flush()


def main() -> None:
    while True:
        data = os.read(0, 4096)
        if not data:
            return
        text = data.decode("utf-8").replace("<<END>>", "")
        msg = json.loads(text)
        for call in msg.get("tool_calls", []):
            func = call.get("func")
            if func == "shutdown":
                return
            if func == "initialize":
                write({"success": True, "message": "ready"})
            else:
                write({"success": True, "message": "Hello from v1_no_end!"})


if __name__ == "__main__":
    main()
