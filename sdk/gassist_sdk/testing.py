# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Drive a :class:`~gassist_sdk.Plugin` in memory, through the real codec and dispatcher.

Example:
    >>> from gassist_sdk.testing import PluginClient
    >>> with PluginClient(plugin) as client:          # doctest: +SKIP
    ...     result = client.call("greet", name="Ada")
    ...     assert result.success and result.text == "Hello, Ada!"

A pytest fixture, ``plugin_client``, is registered through the ``pytest11``
entry point: ``client = plugin_client(plugin, protocol="v1")``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ._endmarker import EndMarkerFramer
from ._framing import LengthPrefixFramer
from ._memory import MemoryPipe
from ._plugin import Plugin

__all__ = ["CallResult", "PluginClient", "collect_v1", "collect_v2", "plugin_client"]

Message = dict[str, Any]
# What a call's collection returns: streamed chunks, the final message, every message read.
Collected = tuple[list[Any], Message, list[Message]]


@dataclass
class CallResult:
    """What the engine would have seen for one call."""

    success: bool
    text: str
    chunks: list[str] = field(default_factory=list)
    keep_session: bool = False
    error_code: int | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        """Streamed chunks followed by the final text, as the engine shows them."""
        return "".join(self.chunks) + self.text


class _PluginSide:
    """The plug-in's end of the in-memory pipes."""

    def __init__(self, inbound: MemoryPipe, outbound: MemoryPipe) -> None:
        self._inbound = inbound
        self._outbound = outbound

    def read(self, size: int) -> bytes:
        return self._inbound.pull(size)

    def write(self, data: bytes) -> None:
        self._outbound.push(data)

    def close(self) -> None:
        self._outbound.close()


class PluginClient:
    """An in-memory engine for one plug-in.

    Args:
        plugin: The plug-in to drive.
        protocol: ``"v2"`` (JSON-RPC, the default) or ``"v1"`` (legacy).
        timeout: Seconds to wait for any reply before failing the test.
    """

    def __init__(self, plugin: Plugin, protocol: str = "v2", *, timeout: float = 10.0) -> None:
        if protocol not in ("v1", "v2"):
            raise ValueError("protocol must be 'v1' or 'v2'")
        self.plugin = plugin
        self.protocol = protocol
        self.timeout = timeout
        self._to_plugin = MemoryPipe()
        self._from_plugin = MemoryPipe()
        self._framer = LengthPrefixFramer() if protocol == "v2" else EndMarkerFramer()
        self._pending: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self.initialize_result: dict[str, Any] | None = None
        self._thread = threading.Thread(
            target=plugin.serve, args=(_PluginSide(self._to_plugin, self._from_plugin), protocol),
            name=f"plugin-{plugin.name}", daemon=True)
        self._thread.start()
        self.initialize_result = self._initialize()

    # -- wire helpers -------------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        """Write raw bytes to the plug-in, exactly as given."""
        self._to_plugin.push(data)

    def _send(self, obj: dict[str, Any]) -> None:
        payload = json.dumps(obj).encode("utf-8")
        self.send_raw(self._framer.encode(payload))

    def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message from the plug-in (decoded JSON)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the plug-in sent nothing in time")
            data = self._from_plugin.pull(1 << 20, timeout=remaining)
            if not data:
                raise EOFError("the plug-in closed its output")
            for event in self._framer.feed(data):
                if isinstance(event, bytes):
                    self._pending.append(json.loads(event))
                else:
                    raise AssertionError(f"the plug-in sent a malformed frame: {event}")
        return self._pending.pop(0)

    # -- engine operations ---------------------------------------------------------------

    def _initialize(self) -> dict[str, Any]:
        if self.protocol == "v2":
            request_id = next(self._ids)
            self._send({"jsonrpc": "2.0", "id": request_id, "method": "initialize",
                        "params": {"protocol_version": "2.0", "engine_version": "test"}})
            reply = self.receive()
            return dict(reply.get("result") or {})
        self._send({"tool_calls": [{"func": "initialize", "params": {}}]})
        return self.receive()

    def ping(self, timestamp: Any = None) -> dict[str, Any]:
        """Send a V2 ping and return the pong's result."""
        if self.protocol != "v2":
            raise RuntimeError("ping exists in protocol V2 only")
        request_id = next(self._ids)
        stamp = int(time.time() * 1000) if timestamp is None else timestamp
        self._send({"jsonrpc": "2.0", "id": request_id, "method": "ping",
                    "params": {"timestamp": stamp}})
        reply = self.receive()
        return dict(reply.get("result") or {})

    def call(self, function: str, context: list[dict[str, Any]] | None = None,
             system_info: str | None = None, **arguments: Any) -> CallResult:
        """Execute ``function`` with ``arguments`` and wait for its final reply."""
        if self.protocol == "v2":
            request_id = next(self._ids)
            params: dict[str, Any] = {"function": function, "arguments": arguments}
            if context is not None:
                params["context"] = context
            if system_info is not None:
                params["system_info"] = system_info
            self._send({"jsonrpc": "2.0", "id": request_id, "method": "execute", "params": params})
            return self._collect_v2(request_id)
        message: dict[str, Any] = {"tool_calls": [{"func": function, "params": arguments}]}
        if context is not None:
            message["messages"] = context
        if system_info is not None:
            message["system_info"] = system_info
        self._send(message)
        return self._collect_v1()

    def input(self, text: str) -> CallResult:
        """Send a follow-up user turn of a passthrough session."""
        if self.protocol == "v2":
            request_id = next(self._ids)
            self._send({"jsonrpc": "2.0", "id": request_id, "method": "input",
                        "params": {"content": text, "timestamp": int(time.time() * 1000)}})
            ack = self.receive()
            if ack.get("id") != request_id or not (ack.get("result") or {}).get("acknowledged"):
                raise AssertionError(f"input was not acknowledged first: {ack}")
            return self._collect_v2(request_id)
        self._send({"msg_type": "user_input", "content": text})
        return self._collect_v1()

    def _collect_v2(self, request_id: int) -> CallResult:
        chunks, final, seen = collect_v2(self.receive, request_id)
        texts = [str(chunk) for chunk in chunks]
        params = final.get("params") or {}
        if final.get("method") == "complete":
            return CallResult(bool(params.get("success")), str(params.get("data", "")),
                              texts, bool(params.get("keep_session")), None, seen)
        return CallResult(False, str(params.get("message", "")), texts, False,
                          int(params.get("code", -1)), seen)

    def _collect_v1(self) -> CallResult:
        chunks, final, seen = collect_v1(self.receive)
        return CallResult(bool(final["success"]), str(final.get("message", "")),
                          [str(chunk) for chunk in chunks], bool(final.get("awaiting_input")),
                          None, seen)

    def close(self) -> None:
        """Shut the plug-in down and wait for it to stop serving."""
        if not self._thread.is_alive():
            return
        try:
            if self.protocol == "v2":
                self._send({"jsonrpc": "2.0", "method": "shutdown", "params": {}})
            else:
                self._send({"tool_calls": [{"func": "shutdown", "params": {}}]})
        except BrokenPipeError:
            pass
        self._to_plugin.close()
        self._thread.join(5)

    def __enter__(self) -> PluginClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def collect_v2(receive: Callable[[], Message], request_id: int) -> Collected:
    """Read V2 messages until ``request_id`` completes or fails.

    Args:
        receive: Returns the plug-in's next message (and raises when none comes).
        request_id: The ``execute``/``input`` request whose reply to collect.

    Returns:
        The ``stream`` notifications' data, the ``complete`` or ``error``
        notification, and every message read (others' included).
    """
    chunks: list[Any] = []
    seen: list[Message] = []
    while True:
        message = receive()
        seen.append(message)
        params = message.get("params") or {}
        if params.get("request_id") != request_id:
            continue
        method = message.get("method")
        if method == "stream":
            chunks.append(params.get("data", ""))
        elif method in ("complete", "error"):
            return chunks, message, seen


def collect_v1(receive: Callable[[], Message]) -> Collected:
    """Read V1 messages until the final answer (the first with ``success``).

    Returns:
        The interim messages' text, the final answer, and every message read.
    """
    chunks: list[Any] = []
    seen: list[Message] = []
    while True:
        message = receive()
        seen.append(message)
        if "success" in message:
            return chunks, message, seen
        if "message" in message and "type" not in message:
            chunks.append(message["message"])


try:  # the fixture exists only where pytest does
    import pytest
except ImportError:  # pragma: no cover
    pass
else:

    @pytest.fixture
    def plugin_client() -> Iterator[Any]:
        """Factory fixture: ``plugin_client(plugin, protocol="v2")`` → a started PluginClient."""
        clients: list[PluginClient] = []

        def make(plugin: Plugin, protocol: str = "v2", **options: Any) -> PluginClient:
            client = PluginClient(plugin, protocol, **options)
            clients.append(client)
            return client

        yield make
        for client in clients:
            client.close()
