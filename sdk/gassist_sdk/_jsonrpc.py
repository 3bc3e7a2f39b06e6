# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""JSON-RPC 2.0 messages and the V2 codec (one message body <-> one message).

The message model here is also what the legacy V1 codec translates to and
from, so the dispatcher serves both protocols without knowing which it speaks.

Hostile input is answered, never fatal. JSON nested deeper than the decoder
goes is a :class:`ParseError` (and a value too deep to encode an
:class:`InternalError`), never a ``RecursionError``. Text that cannot be
UTF-8 (a lone surrogate such as ``"\\ud800"``, which JSON escapes can carry)
is repaired on the way out by :func:`dumps_wire`: each lone surrogate becomes
U+FFFD. Ids are the exception: they are echoed exactly, written as ``\\u``
escapes (valid UTF-8 and valid JSON), so the engine can match the answer to
its request.
"""

from __future__ import annotations

import json
from typing import Any

from ._errors import InternalError, InvalidRequest, ParseError, WireError
from ._framing import LengthPrefixFramer

__all__ = ["Message", "Request", "Response", "V2Codec", "decode_message", "dumps_wire",
           "encode_message"]

RequestId = int | str | None


class Request:
    """A request (``id`` set) or a notification (``notification`` true)."""

    __slots__ = ("id", "method", "notification", "params")

    def __init__(self, method: str, params: dict[str, Any] | None = None, id: RequestId = None,
                 notification: bool = False) -> None:
        self.method = method
        self.params = params if params is not None else {}
        self.id = id
        self.notification = notification

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Request) and (
            (self.method, self.params, self.id, self.notification)
            == (other.method, other.params, other.id, other.notification))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Request({self.method!r}, {self.params!r}, id={self.id!r}, "
                f"notification={self.notification!r})")


class Response:
    """A response to a request: ``result`` or ``error`` (a JSON-RPC error object)."""

    __slots__ = ("error", "id", "result")

    def __init__(self, id: RequestId, result: Any = None,
                 error: dict[str, Any] | None = None) -> None:
        self.id = id
        self.result = result
        self.error = error

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Response) and (
            (self.id, self.result, self.error) == (other.id, other.result, other.error))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Response({self.id!r}, result={self.result!r}, error={self.error!r})"


Message = Request | Response

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_ascii_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)
_decoder = json.JSONDecoder()
TOO_DEEP = "JSON nested too deeply"
# Members that echo an id back: kept exactly when text is repaired.
_ID_KEYS = frozenset(("id", "request_id"))


def dumps_wire(obj: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON of one outgoing message.

    Lone surrogates in strings become U+FFFD, except in ``id`` and
    ``request_id`` members (at the top level or in ``params``), which are kept
    and written as ``\\u`` escapes. The fast path pays nothing for this.

    Raises:
        InternalError: A value cannot be represented in JSON (not JSON data,
            NaN, circular, or nested too deeply).
    """
    try:
        text = _encoder.encode(obj)
    except (TypeError, ValueError, RecursionError) as exc:
        reason = "a value is nested too deeply" if isinstance(exc, RecursionError) else exc
        raise InternalError(f"message cannot be encoded as JSON: {reason}") from None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    try:
        return _ascii_encoder.encode(_repaired(obj, 0)).encode("ascii")
    except RecursionError:
        raise InternalError("message cannot be encoded as JSON: a value is nested too deeply"
                            ) from None


def _repaired(value: Any, level: int) -> Any:
    """``value`` with lone surrogates replaced, ids at ``level`` 0 and 1 left alone."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, dict):
        return {_repaired(k, 2): v if level < 2 and k in _ID_KEYS else _repaired(v, level + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_repaired(v, 2) for v in value]
    return value


def _valid_id(value: Any) -> bool:
    return value is None or (isinstance(value, (int, str)) and not isinstance(value, bool))


def decode_message(payload: bytes) -> Message:
    """Decode one JSON-RPC message body.

    Raises:
        ParseError: The body is not UTF-8 JSON.
        InvalidRequest: It is JSON but not a JSON-RPC 2.0 message. ``request_id``
            on the error is the id when one could be read.
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"message is not valid UTF-8 (byte {exc.start})") from None
    try:
        # raw_decode skips decode()'s regex pass; trailing text is checked by hand.
        if text[:1].isspace():
            text = text.lstrip()
        obj, end = _decoder.raw_decode(text)
        if end != len(text) and text[end:].strip():
            _decoder.decode(text)  # raises the usual "Extra data" error
    except ValueError as exc:
        raise ParseError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ParseError(f"invalid JSON: {TOO_DEEP} to decode") from None
    if not isinstance(obj, dict):
        kind = "a batch (array)" if isinstance(obj, list) else type(obj).__name__
        raise InvalidRequest(f"expected a JSON-RPC object, got {kind}")
    raw_id = obj.get("id")
    request_id = raw_id if _valid_id(raw_id) else None
    if obj.get("jsonrpc") != "2.0":
        raise _with_id(InvalidRequest('missing or wrong "jsonrpc" member (must be "2.0")'),
                       request_id)
    if not _valid_id(raw_id):
        # The type only: a repr of a hostile id could be huge or nested too deeply.
        raise InvalidRequest(f"invalid id (a {type(raw_id).__name__}): must be a string,"
                             " an integer or null")
    method = obj.get("method")
    if method is not None:
        if not isinstance(method, str) or not method:
            raise _with_id(InvalidRequest('"method" must be a non-empty string'), request_id)
        params = obj.get("params", {})
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise _with_id(InvalidRequest('"params" must be an object'), request_id)
        return Request(method, params, raw_id, notification="id" not in obj)
    if "result" in obj or "error" in obj:
        error = obj.get("error")
        if error is not None and not isinstance(error, dict):
            raise InvalidRequest('"error" must be an object')
        return Response(raw_id, obj.get("result"), error)
    raise _with_id(InvalidRequest('neither "method" nor "result"/"error" present'), request_id)


def _with_id(error: WireError, request_id: RequestId) -> WireError:
    error.request_id = request_id  # type: ignore[attr-defined]
    return error


def encode_message(message: Message) -> bytes:
    """Encode a message as compact UTF-8 JSON (see :func:`dumps_wire`).

    Raises:
        InternalError: A value in the message cannot be represented in JSON.
    """
    obj: dict[str, Any] = {"jsonrpc": "2.0"}
    if isinstance(message, Request):
        if not message.notification:
            obj["id"] = message.id
        obj["method"] = message.method
        obj["params"] = message.params
    else:
        obj["id"] = message.id
        if message.error is not None:
            obj["error"] = message.error
        else:
            obj["result"] = message.result
    return dumps_wire(obj)


class V2Codec:
    """Protocol V2: length-prefixed JSON-RPC 2.0."""

    name = "v2"
    heartbeat_interval: float | None = None
    answers_stray_bytes = True  # with id null, which matches no request

    def __init__(self) -> None:
        self.framer = LengthPrefixFramer()

    def decode(self, payload: bytes) -> list[Message]:
        return [decode_message(payload)]

    def encode(self, message: Message) -> bytes | None:
        return self.framer.encode(encode_message(message))

    def encode_notification(self, method: str, params: dict[str, Any]) -> bytes | None:
        body = dumps_wire({"jsonrpc": "2.0", "method": method, "params": params})
        return self.framer.encode(body)

    def heartbeat(self) -> bytes | None:
        return None
