# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Spotify through spotipy: sign-in with PKCE, the token cache, playback calls, plain errors.

:class:`SpotifyService` owns one spotipy client and one sign-in at a time.

* **Sign-in** is Authorization Code with PKCE (``spotipy.SpotifyPKCE``: no client secret
  anywhere). :meth:`SpotifyService.begin_sign_in` returns the authorize link at once and
  leaves a :class:`signin.SignInListener` waiting on ``http://127.0.0.1:<port>/callback``;
  the listener trades the code for a token on its own thread. spotipy's own interactive
  flow (a blocking local server, ``input()``, a browser) is never used: when spotipy finds
  no usable token it raises :class:`SignInNeeded` instead.
* **Tokens** live in ``auth.json`` in the plug-in folder, written atomically through
  :class:`gassist_sdk.store.JsonStore` and never logged. spotipy refreshes them a minute
  before they expire; a refresh answered ``invalid_grant`` (revoked, or the app's access
  removed) and a file that holds no usable token both lead to a new sign-in.
* **Errors** become one sentence each (:class:`gassist_sdk.CommandError`); a player with no
  active device is woken by transferring playback to the first available device.

spotipy and requests are imported on first use only, so the plug-in answers the engine's
``initialize`` without loading them.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from gassist_sdk import CommandError
from gassist_sdk.store import JsonStore

__all__ = ["SCOPES", "NoActiveDevice", "SignInNeeded", "SpotifyService"]

SCOPES = ("user-library-read", "user-read-currently-playing", "user-read-playback-state",
          "user-modify-playback-state", "playlist-read-private", "playlist-read-collaborative")
TIMEOUT = (3.05, 8.0)  # connect, read: one slow answer still leaves time for the reply
RETRY_AFTER_CAP = 5.0  # a 429 asking to wait longer is reported, not waited out
SIGN_IN_LIFETIME = 300.0

log = logging.getLogger("gassist.spotify.api")
T = TypeVar("T")


class SignInNeeded(Exception):
    """No usable token: the user has to sign in (``reason`` says why, for the reply)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class NoActiveDevice(CommandError):
    """Spotify's player is active nowhere (404 NO_ACTIVE_DEVICE) and no wake-up was asked."""


class _WaitTooLong(Exception):
    """Spotify asked for a longer pause (Retry-After) than a call can afford."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@lru_cache(maxsize=1)
def _classes() -> tuple[Any, Any, Any]:
    """spotipy's auth manager and cache handler adapted to this plug-in, and the Retry.

    Built on first use so that importing this module does not import spotipy.
    """
    import spotipy
    from urllib3.util.retry import Retry

    class NonInteractivePKCE(spotipy.SpotifyPKCE):
        """SpotifyPKCE that never opens a browser, a blocking server or ``input()``."""

        def get_authorization_code(self, response: Any = None) -> Any:
            if response:
                return super().get_authorization_code(response)
            raise SignInNeeded()

        def _get_auth_response(self, open_browser: Any = None) -> Any:
            raise SignInNeeded()

    class TokenCache(spotipy.CacheHandler):
        """spotipy's token cache over a JsonStore (atomic, owner-only, never logged)."""

        def __init__(self, store: JsonStore, scope: str) -> None:
            self.store = store
            self.scope = scope
            self.unreadable = False

        def get_cached_token(self) -> dict[str, Any] | None:
            token = self.store.load()
            self.unreadable = False
            if token is None:
                self.unreadable = Path(self.store.path).exists()
                return None
            if not (isinstance(token.get("access_token"), str)
                    and isinstance(token.get("refresh_token"), str)
                    and isinstance(token.get("expires_at"), (int, float))
                    and isinstance(token.get("scope"), str)):
                log.warning("auth.json holds no usable Spotify token; a new sign-in is needed")
                self.unreadable = True
                return None
            return token

        def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
            # Spotify's answers carry the granted scope; without it spotipy would see a
            # token of no scope and ask for a sign-in on every call.
            self.store.save({"scope": self.scope, **token_info})

    class BoundedRetry(Retry):
        """One retry of 429/5xx; a POST only on 429; no Retry-After wait over the cap."""

        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            if method.upper() == "POST" and status_code != 429:
                return False  # next/previous/queue may have happened: never send twice
            return bool(super().is_retry(method, status_code, has_retry_after))

        def sleep(self, response: Any = None) -> None:
            wait = self.get_retry_after(response) if response is not None else None
            if wait is not None and wait > RETRY_AFTER_CAP:
                raise _WaitTooLong(wait)
            super().sleep(response)

    return NonInteractivePKCE, TokenCache, BoundedRetry


def _session() -> Any:
    import requests
    from requests.adapters import HTTPAdapter

    retry = _classes()[2](total=1, connect=0, read=False, status=1, other=0,
                          allowed_methods=None, status_forcelist=(429, 500, 502, 503, 504),
                          backoff_factor=0.3, raise_on_status=False,
                          respect_retry_after_header=True)
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _quiet_libraries() -> None:
    # spotipy logs request headers (the bearer token) and token request bodies at DEBUG,
    # and every HTTP error at ERROR; urllib3 logs URLs. None of that may reach a log.
    for name in ("spotipy", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


class SpotifyService:
    """One Spotify account reached through one app (client ID).

    Args:
        client_id: The app's client ID (developer.spotify.com/dashboard).
        redirect_port: Port of ``http://127.0.0.1:<port>/callback``.
        api_url: Web API base URL (``https://api.spotify.com/v1``).
        accounts_url: Accounts service base URL (``https://accounts.spotify.com``).
        token_file: Where the token is cached (``auth.json`` in the plug-in folder).
    """

    def __init__(self, *, client_id: str, redirect_port: int, api_url: str, accounts_url: str,
                 token_file: Path) -> None:
        self.client_id = client_id
        self.redirect_port = redirect_port
        self.api_url = api_url.rstrip("/")
        self.accounts_url = accounts_url.rstrip("/")
        self.store = JsonStore(token_file)
        self.listener: Any = None  # the SignInListener of the sign-in in progress
        self.sign_in_url = ""
        self.pending: tuple[Callable[..., Any], dict[str, Any]] | None = None
        self._lock = threading.Lock()
        self._client: Any = None
        self._auth: Any = None
        self._cache: Any = None

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.client_id, self.redirect_port, self.api_url, self.accounts_url)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.redirect_port}/callback"

    # -- spotipy objects ------------------------------------------------------------------

    def _auth_manager(self, session: Any) -> Any:
        pkce, cache_class, _ = _classes()
        if self._cache is None:
            self._cache = cache_class(self.store, " ".join(sorted(SCOPES)))
        auth = pkce(client_id=self.client_id, redirect_uri=self.redirect_uri,
                    scope=",".join(SCOPES), cache_handler=self._cache,
                    requests_session=session, requests_timeout=TIMEOUT, open_browser=False)
        auth.OAUTH_AUTHORIZE_URL = f"{self.accounts_url}/authorize"
        auth.OAUTH_TOKEN_URL = f"{self.accounts_url}/api/token"
        return auth

    @property
    def client(self) -> Any:
        """The spotipy client (spotipy imported on first use)."""
        if self._client is None:
            import spotipy

            _quiet_libraries()
            session = _session()
            self._auth = self._auth_manager(session)
            # The session carries the retry policy (BoundedRetry: one retry, short waits
            # only); spotipy's own retries/status_retries apply to sessions it builds, and
            # are kept as small should it ever build one.
            client = spotipy.Spotify(auth_manager=self._auth, requests_session=session,
                                     requests_timeout=TIMEOUT, retries=1, status_retries=1)
            client.prefix = f"{self.api_url}/"
            self._client = client
        return self._client

    def close(self) -> None:
        """Stop a sign-in in progress and close the connections."""
        self.cancel_sign_in()
        if self._client is not None:
            self._client._session.close()

    # -- sign-in --------------------------------------------------------------------------

    def begin_sign_in(self, pending: tuple[Callable[..., Any], dict[str, Any]] | None) -> str:
        """The authorize link; a listener waits for its redirect (one sign-in at a time).

        Raises:
            CommandError: The redirect port is taken by another program.
        """
        from signin import SignInListener

        with self._lock:
            self.pending = pending
            if self.listener is not None and self.listener.waiting:
                return self.sign_in_url
            self.client  # noqa: B018 - quiet libraries, build the cache
            auth = self._auth_manager(_session())
            state = secrets.token_urlsafe(24)
            url = auth.get_authorize_url(state=state)

            def exchange(code: str) -> None:
                self._exchange(auth, code)

            listener = SignInListener(self.redirect_port, state, exchange,
                                      lifetime=SIGN_IN_LIFETIME)
            try:
                listener.start()
            except OSError as exc:
                raise CommandError(
                    f"Cannot wait for Spotify's sign-in on port {self.redirect_port}: "
                    f"{exc.strerror or exc}. Close the program using it, or set "
                    "`redirect_port` in config.json to a free port and add "
                    f"http://127.0.0.1:<that port>/callback to your app's redirect URIs."
                ) from None
            self.listener = listener
            self.sign_in_url = url
            log.info("waiting for the Spotify sign-in redirect on %s", self.redirect_uri)
            return url

    def _exchange(self, auth: Any, code: str) -> None:
        """Trade the redirect's code (with the PKCE verifier) for a token, cached by spotipy."""
        import spotipy

        try:
            auth.get_access_token(code=code, check_cache=False)
        except spotipy.SpotifyOauthError as exc:
            raise CommandError(_oauth_sentence(exc)) from None
        except Exception as exc:  # requests' errors: no answer from the accounts service
            sentence = self._no_answer(exc, self.accounts_url, "accounts_url")
            raise CommandError(sentence or "The sign-in request to Spotify failed.") from None
        log.info("signed in to Spotify; token cached")

    def cancel_sign_in(self) -> None:
        """Stop the listener of the sign-in in progress, if any."""
        listener = self.listener
        if listener is not None:
            listener.cancel()
        self.pending = None

    def forget_token(self) -> None:
        """Drop the cached token (the next call asks for a sign-in)."""
        self.store.clear()

    # -- calls ----------------------------------------------------------------------------

    def call(self, action: Callable[[Any], T], *,
             device_aware: Callable[[Any, str], T] | None = None,
             wake: bool = True) -> tuple[T, str]:
        """Run ``action(client)``; return its result and a note to put before the reply.

        On a player with no active device the first available device gets playback
        (``device_aware(client, device_id)`` is then run, or ``action`` again). A token
        the Web API refuses (401) is refreshed once.

        Raises:
            SignInNeeded: No usable token (never cached, unreadable, revoked).
            CommandError: Anything else, as one sentence.
        """
        import spotipy

        client = self.client
        try:
            try:
                return action(client), ""
            except spotipy.SpotifyException as exc:
                if exc.http_status == 401:
                    self._expire_token()
                    return action(client), ""
                if not (wake and exc.http_status == 404 and exc.reason == "NO_ACTIVE_DEVICE"):
                    raise
            note, device_id = self._wake_device(client)
            retry = device_aware or (lambda c, _id: action(c))
            return retry(client, device_id), note
        except SignInNeeded as needed:
            if not needed.reason:
                needed.reason = ("the saved Spotify sign-in (auth.json) could not be used"
                                 if self._cache is not None and self._cache.unreadable else "")
            raise needed from None
        except spotipy.SpotifyOauthError as exc:
            if exc.error == "invalid_grant":
                log.warning("Spotify refused the saved refresh token (invalid_grant)")
                self.forget_token()
                raise SignInNeeded("Spotify no longer accepts the saved sign-in "
                                   "(it was revoked or has expired)") from None
            raise CommandError(_oauth_sentence(exc)) from None
        except spotipy.SpotifyException as exc:
            if exc.http_status == 401:
                self.forget_token()
                raise SignInNeeded("Spotify refused the saved sign-in (HTTP 401)") from None
            if exc.http_status == 404 and exc.reason == "NO_ACTIVE_DEVICE":
                raise NoActiveDevice(_api_sentence(exc)) from None
            raise CommandError(_api_sentence(exc)) from None
        except _WaitTooLong as exc:
            raise CommandError(f"Spotify is limiting requests right now; try again in "
                               f"{exc.seconds:.0f} seconds.") from None
        except CommandError:
            raise
        except Exception as exc:
            # A token refresh goes to the accounts service, everything else to the Web API.
            url = str(getattr(getattr(exc, "request", None), "url", "") or "")
            sentence = (self._no_answer(exc, self.accounts_url, "accounts_url")
                        if url.startswith(self.accounts_url) else
                        self._no_answer(exc, self.api_url, "api_url"))
            if sentence is None:
                raise
            raise CommandError(sentence) from None

    def _expire_token(self) -> None:
        """Mark the cached token expired, so spotipy refreshes it before the next request."""
        token = self.store.load()
        if token:
            token["expires_at"] = 0
            self.store.save(token)

    def _wake_device(self, client: Any) -> tuple[str, str]:
        """Transfer playback to the first available device; the note and its id."""
        devices = [d for d in (client.devices() or {}).get("devices") or []
                   if isinstance(d, dict) and d.get("id") and not d.get("is_restricted")]
        if not devices:
            raise CommandError("Spotify is not open on any device. Open Spotify on this PC or "
                               "your phone (and play anything once), then ask again.")
        device, others = devices[0], devices[1:]
        client.transfer_playback(device["id"], force_play=False)
        log.info("no active device; transferred playback to the first available one")
        also = (f"; also available: {', '.join(map(_device_name, others))}" if others else "")
        return (f"Nothing was playing anywhere, so I switched Spotify to "
                f"{_device_name(device)}{also}. "), device["id"]

    @staticmethod
    def _no_answer(exc: BaseException, url: str, setting: str) -> str | None:
        try:
            import requests
        except ImportError:  # pragma: no cover - requests comes with spotipy
            return None
        host = urlsplit(url).netloc or url
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return (f"Could not reach Spotify at {host} (the connection timed out). Check your "
                    f"internet connection and `{setting}` in config.json.")
        if isinstance(exc, requests.exceptions.Timeout):
            return (f"Spotify did not answer within {TIMEOUT[1]:g} seconds; try again in a "
                    "moment.")
        if isinstance(exc, requests.exceptions.ConnectionError):
            from gassist_sdk.http import caused_by

            refused = "refused" in str(exc).lower() or caused_by(exc, ConnectionRefusedError)
            why = "connection refused" if refused else "the connection failed"
            return (f"Could not reach Spotify at {host} ({why}). Check your internet "
                    f"connection and `{setting}` in config.json.")
        if isinstance(exc, requests.exceptions.RequestException):
            return "The request to Spotify failed."
        return None


def _device_name(device: dict[str, Any]) -> str:
    """'GAMING-PC (computer)' for a device of Spotify's device list."""
    kind = str(device.get("type") or "").lower()
    return f"{device.get('name') or 'your device'}{f' ({kind})' if kind else ''}"


def _message(exc: Any) -> str:
    text = str(getattr(exc, "msg", "") or "")
    # spotipy puts "<url>:\n <message>" in msg: keep the message, never the URL.
    text = text.split(":\n", 1)[-1].strip()
    return " ".join(text.split())[:160]


def _api_sentence(exc: Any) -> str:
    status, reason, detail = exc.http_status, exc.reason or "", _message(exc)
    if status == 403 and reason == "PREMIUM_REQUIRED":
        return ("Controlling playback needs Spotify Premium, and this account is on the free "
                "plan. Searching and listing your playlists still work.")
    if status == 403 and reason == "VOLUME_CONTROL_DISALLOW":
        return "The device playing Spotify does not let its volume be changed remotely."
    if status == 403:
        return f"Spotify refused the command ({detail or 'HTTP 403'})."
    if status == 404 and reason == "NO_ACTIVE_DEVICE":
        return ("Spotify is not playing on any device. Open Spotify on this PC or your phone, "
                "then ask again.")
    if status == 404:
        return f"Spotify found nothing there ({detail or 'HTTP 404'})."
    if status == 429:
        wait = (exc.headers or {}).get("Retry-After")
        later = f"try again in {wait} seconds" if wait else "try again in a moment"
        return f"Spotify is limiting requests right now; {later}."
    if status >= 500:
        return f"Spotify is having trouble right now (HTTP {status}); try again later."
    return f"Spotify rejected the request (HTTP {status}{f': {detail}' if detail else ''})."


def _oauth_sentence(exc: Any) -> str:
    error = getattr(exc, "error", None) or ""
    if error == "invalid_client":
        return ("Spotify does not know this app: check `client_id` in config.json (from "
                "https://developer.spotify.com/dashboard).")
    if error == "invalid_grant":
        return "Spotify refused the sign-in code (it expired or was already used)."
    described = getattr(exc, "error_description", None) or error or "no reason given"
    described = " ".join(str(described).split())[:160]
    return f"Spotify's sign-in service refused the request ({described})."

