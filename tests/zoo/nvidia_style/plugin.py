# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-in in the style of NVIDIA's V2 SDK examples (our own code, stdlib only).

Like those examples it handles one message at a time: it reads a message,
handles it fully, then reads the next, so a ping that arrives during a slow
command is answered only after the command. It answers an unknown function
with a JSON-RPC error *response* and drops a frame it cannot parse, as
NVIDIA's SDK does.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import sys
import time

LOG_DIR = os.environ.get("GASSIST_LOG_DIR", os.path.dirname(os.path.abspath(__file__)))
logging.basicConfig(filename=os.path.join(LOG_DIR, "nvidia_style.log"), level=logging.INFO)
logger = logging.getLogger("nvidia_style")


class Plugin:
    def __init__(self, name: str, version: str, description: str) -> None:
        self.name = name
        self.version = version
        self.description = description
        self.commands = {}
        self.current_request_id = None
        self.keep_session = False

    def command(self, name: str, description: str = ""):
        def decorator(func):
            self.commands[name] = (func, description)
            return func
        return decorator

    def stream(self, text: str) -> None:
        self._notify("stream", {"request_id": self.current_request_id, "data": text})

    def set_keep_session(self, keep: bool) -> None:
        self.keep_session = keep

    def _write_message(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8")
        sys.stdout.buffer.write(struct.pack(">I", len(data)))
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def _read_message(self):
        header = sys.stdin.buffer.read(4)
        if len(header) < 4:
            return None
        length = struct.unpack(">I", header)[0]
        data = sys.stdin.buffer.read(length)
        try:
            return json.loads(data.decode("utf-8"))
        except Exception as exc:
            logger.error("Failed to parse message: %s", exc)
            return {}

    def _respond(self, request_id, result) -> None:
        self._write_message({"jsonrpc": "2.0", "id": request_id, "result": result})

    def _respond_error(self, request_id, code: int, message: str) -> None:
        self._write_message({"jsonrpc": "2.0", "id": request_id,
                             "error": {"code": code, "message": message}})

    def _notify(self, method: str, params: dict) -> None:
        self._write_message({"jsonrpc": "2.0", "method": method, "params": params})

    def _handle_initialize(self, request_id) -> None:
        self._respond(request_id, {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "protocol_version": "2.0",
            "commands": [{"name": n, "description": d} for n, (_, d) in self.commands.items()],
        })

    def _handle_execute(self, request_id, params: dict) -> None:
        function = params.get("function", "")
        arguments = params.get("arguments", {})
        if function not in self.commands:
            self._respond_error(request_id, -32601, f"Unknown command: {function}")
            return
        self.current_request_id = request_id
        self.keep_session = False
        try:
            result = self.commands[function][0](**arguments)
            self._notify("complete", {"request_id": request_id, "success": True,
                                      "data": result if result is not None else "",
                                      "keep_session": self.keep_session})
        except Exception as exc:
            logger.exception("Command failed")
            self._notify("error", {"request_id": request_id, "code": -1, "message": str(exc)})

    def run(self) -> None:
        logger.info("Plugin %s starting", self.name)
        while True:
            message = self._read_message()
            if message is None:
                break
            method = message.get("method")
            request_id = message.get("id")
            if method == "initialize":
                self._handle_initialize(request_id)
            elif method == "ping":
                self._respond(request_id, {"timestamp": message.get("params", {}).get("timestamp")})
            elif method == "execute":
                self._handle_execute(request_id, message.get("params", {}))
            elif method == "shutdown":
                logger.info("Shutdown requested")
                break


plugin = Plugin("nvidia_style", "1.0.0", "Written in the style of NVIDIA's V2 SDK examples")


@plugin.command("get_status", "Report the plug-in's status.")
def get_status():
    return "All systems nominal."


@plugin.command("search_web", "Search for a query and stream what was found.")
def search_web(query: str):
    plugin.stream(f"Searching for {query}...\n")
    return f"Found 3 results for **{query}**."


@plugin.command("slow_report", "Build a report; takes a while.")
def slow_report():
    time.sleep(1.2)
    return "Report ready."


@plugin.command("deep_search", "Search thoroughly, streaming a dot every 0.15 s to stay alive.")
def deep_search(query: str = "gpu"):
    for _ in range(8):
        plugin.stream(".")
        time.sleep(0.15)
    return f" Deep results for {query}."


if __name__ == "__main__":
    plugin.run()
