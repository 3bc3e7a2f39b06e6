# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The legacy V1 "pipe" protocol, translated to and from the JSON-RPC model.

V1 engines send ``{"tool_calls": [{"func", "params"}], "messages", "system_info"}``
(or ``msg_type`` objects) and read back ``JSON<<END>>`` objects, the one with
``success`` being the final answer. This codec turns each incoming object into
the same :class:`Request` objects V2 produces (with ids of its own), and turns
outgoing responses and notifications into V1 objects, so nothing above it
branches on the protocol.

Outgoing text never contains the bytes ``<<END>>`` except as terminators: a
reply holding the marker is written with each ``<`` escaped as ``\\u003c``
(the same JSON text, so the engine decodes the same string).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import Any

from ._endmarker import EndMarkerFramer
from ._errors import InvalidRequest, ParseError
from ._framing import END_MARKER
from ._jsonrpc import TOO_DEEP, Message, Request, Response, dumps_wire

__all__ = ["V1Codec", "codec_for_plugin"]

HEARTBEAT_INTERVAL = 5.0


def v1_body(obj: dict[str, Any]) -> bytes:
    """One outgoing V1 object as JSON in which ``<<END>>`` cannot occur.

    ``<`` appears in JSON text only inside strings, where ``\\u003c`` means
    the same character.

    Raises:
        InternalError: The object cannot be encoded (see :func:`dumps_wire`).
    """
    body = dumps_wire(obj)
    if END_MARKER in body:
        body = body.replace(b"<", b"\\u003c")
    return body


class V1Codec:
    """Protocol V1: raw JSON objects terminated by ``<<END>>``.

    Args:
        tethered: Send ``{"type": "heartbeat"}`` every 5 s while a command
            runs, as late V1 "tethered" plug-ins do.
    """

    name = "v1"
    answers_stray_bytes = False  # no ids: an answer would desynchronise the engine

    def __init__(self, *, tethered: bool = False) -> None:
        self.framer = EndMarkerFramer()
        self.heartbeat_interval: float | None = HEARTBEAT_INTERVAL if tethered else None
        self._ids = itertools.count(1)
        self._methods: dict[Any, str] = {}

    def _next_id(self, method: str) -> str:
        request_id = f"v1-{next(self._ids)}"
        self._methods[request_id] = method
        return request_id

    def decode(self, payload: bytes) -> list[Message]:
        try:
            obj = json.loads(payload.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ParseError(f"message is not valid UTF-8 (byte {exc.start})") from None
        except ValueError as exc:
            raise ParseError(f"invalid JSON: {exc}") from None
        except RecursionError:
            raise ParseError(f"invalid JSON: {TOO_DEEP} to decode") from None
        if not isinstance(obj, dict):
            raise InvalidRequest(f"expected a JSON object, got {type(obj).__name__}")
        msg_type = obj.get("msg_type")
        if msg_type == "user_input":
            content = obj.get("content")
            if not isinstance(content, str):
                raise InvalidRequest('user_input needs a string "content"')
            params = {"content": content, "timestamp": obj.get("timestamp")}
            return [Request("input", params, self._next_id("input"))]
        if msg_type == "terminate":
            return [Request("shutdown", {"reason": obj.get("reason")}, notification=True)]
        calls = obj.get("tool_calls")
        if msg_type is not None and calls is None:
            raise InvalidRequest(f"unknown msg_type {msg_type!r}")
        if not isinstance(calls, list) or not calls:
            raise InvalidRequest('expected "tool_calls" (a non-empty list) or "msg_type"')
        context = obj.get("messages", obj.get("context")) or []
        system_info = obj.get("system_info")
        requests: list[Message] = []
        for call in calls:
            requests.append(self._tool_call(call, context, system_info))
        return requests

    def _tool_call(self, call: Any, context: Any, system_info: Any) -> Request:
        if not isinstance(call, dict) or not isinstance(call.get("func"), str):
            raise InvalidRequest('each tool call needs a string "func"')
        func = call["func"]
        if func == "initialize":
            return Request("initialize", {"protocol_version": "1"}, self._next_id("initialize"))
        if func == "shutdown":
            return Request("shutdown", {}, self._next_id("shutdown"))
        params = call.get("params")
        if params is None:
            params = call.get("properties")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise InvalidRequest(f'"params" of {func!r} must be an object')
        arguments = {"function": func, "arguments": params, "context": context,
                     "system_info": system_info}
        return Request("execute", arguments, self._next_id("execute"))

    def encode(self, message: Message) -> bytes | None:
        obj = self._translate(message)
        if obj is None:
            return None
        return self.framer.encode(v1_body(obj))

    def _translate(self, message: Message) -> dict[str, Any] | None:
        if isinstance(message, Response):
            method = self._methods.pop(message.id, None)
            if message.error is not None:
                return {"success": False, "message": str(message.error.get("message", ""))}
            if method == "initialize":
                return {"success": True, "message": "initialized"}
            if method == "shutdown":
                return {"success": True, "message": "shutting down"}
            return None  # acknowledgements and pongs have no V1 form
        params = message.params
        if message.method == "stream":
            return {"message": params.get("data", "")}
        if message.method == "complete":
            self._methods.pop(params.get("request_id"), None)
            answer: dict[str, Any] = {"success": bool(params.get("success")),
                                      "message": params.get("data", "")}
            if params.get("keep_session"):
                answer["awaiting_input"] = True
            return answer
        if message.method == "error":
            self._methods.pop(params.get("request_id"), None)
            return {"success": False, "message": params.get("message", "")}
        return None  # log notifications have no V1 form; they stay in the log file

    def encode_notification(self, method: str, params: dict[str, Any]) -> bytes | None:
        return self.encode(Request(method, params, notification=True))

    def heartbeat(self) -> bytes | None:
        obj = {"type": "heartbeat", "timestamp": int(time.time())}
        return self.framer.encode(v1_body(obj))


def codec_for_plugin(plugin_dir: str, tethered: bool) -> V1Codec:
    """The V1 codec for a plug-in: tethered when its Plugin or its manifest.json says so."""
    if not tethered:
        from ._manifest import MANIFEST_NAME, read_manifest

        on_disk = read_manifest(os.path.join(plugin_dir, MANIFEST_NAME))
        tethered = bool(on_disk and on_disk.get("tethered") is True)
    return V1Codec(tethered=tethered)
