# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The loopback listener that catches Spotify's sign-in redirect, on a thread of its own.

Spotify sends the browser back to ``http://127.0.0.1:<port>/callback?code=...&state=...``
once the user has agreed. :class:`SignInListener` listens there (on 127.0.0.1 only, never
on other interfaces), refuses a redirect whose ``state`` is not the one it handed out
(another site cannot inject its own code), hands the code to ``exchange`` (which trades
it for a token and caches it) and then stops listening. It also stops after
``lifetime`` seconds without a good redirect. Nothing here blocks the plug-in: the
command that needs sign-in answers at once with the link while this thread waits.

Only the standard library is used; the request line (which holds the one-time code) is
never logged.
"""

from __future__ import annotations

import hmac
import html
import http.server
import os
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

__all__ = ["SignInListener"]

WAITING, DONE, FAILED, EXPIRED, CANCELLED = "waiting", "done", "failed", "expired", "cancelled"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>G-Assist · Spotify</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto">
<h1>{title}</h1><p>{text}</p></body></html>
"""


class _LoopbackServer(http.server.HTTPServer):
    """An HTTPServer for 127.0.0.1 that binds fast and alone.

    ``HTTPServer.server_bind`` looks up the host's fully qualified name, which can take
    seconds on Windows; it is not needed here. On Windows ``SO_REUSEADDR`` would let a
    second program bind the same port (and catch the redirect), so the port is taken
    exclusively there instead.
    """

    allow_reuse_address = os.name != "nt"

    def server_bind(self) -> None:
        if os.name == "nt" and hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


class SignInListener:
    """Waits for one good redirect to ``http://127.0.0.1:<port><path>``.

    Args:
        port: The port of the redirect URI registered with Spotify.
        state: The ``state`` value put into the authorize link.
        exchange: Called on the listener's thread with the code; raises an exception
            whose text is one sentence for the user when the code cannot be traded.
        lifetime: Seconds to wait for the redirect before giving up.
        path: The redirect URI's path.
    """

    def __init__(self, port: int, state: str, exchange: Callable[[str], None], *,
                 lifetime: float = 300.0, path: str = "/callback") -> None:
        self.port = port
        self.path = path
        self.lifetime = lifetime
        self.status = WAITING
        self.error: str | None = None
        self._state = state
        self._exchange = exchange
        self._finished = threading.Event()
        self._server: http.server.HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._deadline = 0.0

    def start(self) -> None:
        """Bind the port and start waiting. Raises ``OSError`` when the port is taken."""
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, title, text = listener._handle(self.path)
                body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """The request line holds the one-time code: never written anywhere."""

        server = _LoopbackServer(("127.0.0.1", self.port), Handler)
        server.timeout = 0.2  # handle_request() returns this often to check the deadline
        self._server = server
        self._deadline = time.monotonic() + self.lifetime
        self._thread = threading.Thread(target=self._serve, name="spotify-sign-in", daemon=True)
        self._thread.start()

    @property
    def waiting(self) -> bool:
        """Whether the redirect is still awaited."""
        return self.status == WAITING

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the listener to finish; whether it has."""
        return self._finished.wait(timeout)

    def cancel(self) -> None:
        """Stop listening (the link no longer works)."""
        if self.status == WAITING:
            self.status = CANCELLED
        self._finished.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2.0)

    def _serve(self) -> None:
        server = self._server
        assert server is not None
        try:
            while not self._finished.is_set():
                if time.monotonic() >= self._deadline:
                    if self.status == WAITING:
                        self.status = EXPIRED
                        self.error = (f"the sign-in link expired after {self.lifetime / 60:g} "
                                      "minutes without an answer from Spotify")
                    break
                server.handle_request()
        finally:
            server.server_close()
            self._finished.set()

    def _handle(self, target: str) -> tuple[int, str, str]:
        parts = urlsplit(target)
        if parts.path != self.path:
            return 404, "Not found", "This address only receives Spotify's sign-in redirect."
        if self.status != WAITING:
            return 410, "Sign-in already finished", "Go back to G-Assist."
        query = parse_qs(parts.query)
        state = (query.get("state") or [""])[0]
        if not hmac.compare_digest(state.encode(), self._state.encode()):
            return (400, "Not the expected sign-in",
                    "This sign-in answer does not belong to the link G-Assist gave you, so it "
                    "was ignored. Use the latest link from G-Assist.")
        if "error" in query:
            reason = query["error"][0]
            self._finish(FAILED, "you did not allow access on Spotify's page"
                         if reason == "access_denied" else f"Spotify answered '{reason}'")
            return (200, "Spotify sign-in cancelled",
                    "Nothing was changed. You can close this tab; ask G-Assist again to retry.")
        code = (query.get("code") or [""])[0]
        if not code:
            return 400, "No sign-in code", "Spotify's answer held no code. Ask G-Assist again."
        try:
            self._exchange(code)
        except Exception as exc:  # the exchange's sentence is shown to the user
            self._finish(FAILED, str(exc))
            return 502, "Spotify sign-in failed", f"{exc} Ask G-Assist again for a new link."
        self._finish(DONE, None)
        return (200, "Signed in to Spotify",
                "G-Assist can control Spotify now. You can close this tab and go back to "
                "G-Assist.")

    def _finish(self, status: str, error: str | None) -> None:
        self.status = status
        self.error = error
        self._finished.set()
