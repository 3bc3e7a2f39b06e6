# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The small HTTP server every stand-in is built on (standard library only).

A :class:`StandinServer` listens on 127.0.0.1 with an ephemeral port, serves in a
thread of its own, records every request it gets (:class:`RecordedRequest`) and
routes it to a method of the subclass by method and path pattern. It never logs a
request line: the paths and bodies it sees carry keys and tokens.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["FormPart", "Handler", "RecordedRequest", "Reply", "Route", "StandinServer", "reason"]

log = logging.getLogger(__name__)

#: The largest request body a stand-in reads (above every service limit it imitates).
MAX_BODY_BYTES = 64 * 1024 * 1024


def reason(status: int) -> str:
    """The standard reason phrase of an HTTP status ("Unauthorized"), or "" for an odd one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass(frozen=True)
class FormPart:
    """One part of a ``multipart/form-data`` body."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RecordedRequest:
    """A request exactly as a stand-in received it."""

    method: str
    path: str  # percent-decoded
    query: list[tuple[str, str]]
    headers: Message
    body: bytes

    def param(self, name: str) -> str | None:
        """The first query value of ``name``, or None."""
        return next((value for key, value in self.query if key == name), None)

    def params(self, name: str) -> list[str]:
        """Every query value of ``name``, in order."""
        return [value for key, value in self.query if key == name]

    def header(self, name: str) -> str | None:
        """A header's value (names are case-insensitive), or None."""
        return self.headers.get(name)

    @property
    def content_type(self) -> str:
        """The media type of the body, lower case, without parameters."""
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        """An ``application/x-www-form-urlencoded`` body (last value of each name wins)."""
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def multipart(self) -> list[FormPart]:
        """The parts of a ``multipart/form-data`` body (empty for any other body)."""
        if self.content_type != "multipart/form-data":
            return []
        head = f"Content-Type: {self.header('Content-Type')}\r\n\r\n".encode("latin-1")
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        parts = []
        for part in message.iter_parts():
            disposition = part.get("Content-Disposition")
            if disposition is None:
                continue
            name = part.get_param("name", header="content-disposition") or ""
            data = part.get_payload(decode=True)
            parts.append(FormPart(name=str(name), filename=part.get_filename(),
                                  content_type=part.get_content_type(),
                                  data=data if isinstance(data, bytes) else b""))
        return parts


@dataclass
class Reply:
    """What a stand-in answers: a status, headers and a body.

    A reply with ``stream`` set is sent piece by piece instead of ``body``
    (``Transfer-Encoding: chunked``, each piece flushed on its own, ``pause`` seconds
    apart), the way a server-sent-events answer arrives.
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: tuple[bytes, ...] | None = None
    pause: float = 0.0

    @classmethod
    def json(cls, status: int, document: Any, headers: dict[str, str] | None = None) -> Reply:
        """A JSON reply."""
        return cls(status, json.dumps(document).encode("utf-8"),
                   {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain") -> Reply:
        """A text reply in UTF-8."""
        return cls(status, text.encode("utf-8"), {"Content-Type": f"{content_type}; charset=utf-8"})


#: A route's handler: the request and the path pattern's match -> the reply.
Handler = Callable[[RecordedRequest, "re.Match[str]"], Reply]


@dataclass(frozen=True)
class Route:
    """``method`` + a full-match path pattern -> handler."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' sessions expect
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing: request lines carry keys and tokens."""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(method=self.command, path=unquote(parts.path),
                                  query=parse_qsl(parts.query, keep_blank_values=True),
                                  headers=self.headers, body=body)
        reply = self.server.standin.dispatch(request)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.stream is not None:
            self._send_stream(reply)
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _send_stream(self, reply: Reply) -> None:
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            for index, piece in enumerate(reply.stream or ()):
                if index and reply.pause:
                    time.sleep(reply.pause)
                if piece:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:  # the client stopped reading (an answer cut short)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], standin: StandinServer) -> None:
        self.standin = standin
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        with self._open_lock:
            self._open.add(connection)
        return connection, address

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End the kept-alive connections too: a stopped stand-in answers nothing."""
        with self._open_lock:
            connections, self._open = list(self._open), set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class StandinServer:
    """A local HTTP service that answers like a real one; a context manager.

    Subclasses list their routes in :meth:`routes` and shape their error bodies in
    :meth:`error`. Every request is kept in :attr:`requests`, in arrival order.

    Args:
        host: The address to listen on (127.0.0.1: nothing outside this machine).
        port: 0 for an ephemeral port.
    """

    #: The service's name, for messages.
    name = "service"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._queued: list[Reply] = []
        self._routes = list(self.routes())

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> StandinServer:
        """Bind and serve in a background thread (idempotent)."""
        if self._server is None:
            self._server = _Server(self._address, self)
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.1},
                                            name=f"standin-{self.name}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, the root of this stand-in."""
        if self._server is None:
            raise RuntimeError(f"the {self.name} stand-in is not running; start() it first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what tests look at ----------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path_pattern: str, method: str | None = None) -> list[RecordedRequest]:
        """The requests whose path fully matches ``path_pattern`` (a regular expression)."""
        pattern = re.compile(path_pattern)
        return [r for r in self.requests if pattern.fullmatch(r.path)
                and (method is None or r.method == method)]

    def clear(self) -> None:
        """Forget the recorded requests and any queued replies."""
        with self._lock:
            self._requests.clear()
            self._queued.clear()

    def fail_next(self, status: int, document: Any = None, *, headers: dict[str, str] | None = None,
                  times: int = 1) -> None:
        """Answer the next ``times`` requests with ``status`` (and a JSON body) whatever they are.

        Without ``document`` the body is the service's own error for that status.
        """
        reply = (self.error(status) if document is None else Reply.json(status, document))
        reply.headers.update(headers or {})
        with self._lock:
            self._queued.extend([reply] * times)

    # -- for subclasses ----------------------------------------------------------------------
    def routes(self) -> Iterable[Route]:
        """The service's routes (a subclass lists them)."""
        return ()

    def error(self, status: int, message: str = "") -> Reply:
        """The service's error body for ``status`` (a subclass shapes it like the service)."""
        return Reply.json(status, {"status": status, "message": message})

    @staticmethod
    def route(method: str, pattern: str, handler: Handler) -> Route:
        """A :class:`Route` whose ``pattern`` must match the whole path."""
        return Route(method, re.compile(pattern), handler)

    def dispatch(self, request: RecordedRequest) -> Reply:
        """Record ``request`` and answer it (called on the server's threads)."""
        with self._lock:
            self._requests.append(request)
            queued = self._queued.pop(0) if self._queued else None
        if queued is not None:
            return queued
        allowed = False
        for route in self._routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            allowed = True
            if route.method == request.method:
                try:
                    return route.handler(request, match)
                except Exception:  # a stand-in bug answers like a broken service, not a hang
                    log.exception("the %s stand-in failed on a %s request", self.name,
                                  request.method)
                    return self.error(500, "Internal Server Error")
        return self.error(405 if allowed else 404)
