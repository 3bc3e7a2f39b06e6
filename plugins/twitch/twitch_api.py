# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The Twitch Helix API with an app access token, for the twitch plug-in.

Every HTTP call goes through :class:`gassist_sdk.http.ServiceClient` (timeouts, bounded
retries on 429/5xx honouring Retry-After, one short sentence per failure). The app access
token (client credentials) is cached with its expiry in ``auth.json`` in the plug-in folder,
so it survives restarts; it is refreshed shortly before it expires and fetched again once
when Helix answers 401. Neither the token nor the client secret is ever logged. One
command's requests together stay inside the engine's 30 s call limit
(:meth:`TwitchAPI.command`, the SDK's per-command deadline).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gassist_sdk import CommandError
from gassist_sdk.http import ServiceClient, ServiceError, deadline
from gassist_sdk.store import JsonStore

log = logging.getLogger("gassist.twitch.api")

#: Twitch login names: 4 to 25 letters, digits or underscores.
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9_]{4,25}")
#: Helix takes at most 100 ``user_login``/``login`` values in one request.
MAX_LOGINS = 100
#: A cached token this close to its expiry is replaced before it is used.
REFRESH_MARGIN_S = 300.0
#: Seconds one command may spend on Twitch in all (token, streams, users, retries): the
#: engine stops a call at 30 s.
COMMAND_BUDGET_S = 25.0
#: A request needs at least this long; with less left it is not started.
MIN_REQUEST_S = 2.0

CONSOLE_URL = "https://dev.twitch.tv/console/apps"
BAD_CREDENTIALS = ("Twitch did not accept client_id and client_secret in config.json; "
                   f"check both against your application at {CONSOLE_URL}.")
OUT_OF_TIME = ("Twitch answered too slowly to finish within G-Assist's 30-second limit; "
               "try again in a moment.")
TOKEN_REFUSED = ("Twitch refused a freshly issued app access token; check client_id and "
                 f"client_secret in config.json against your application at {CONSOLE_URL}.")


def is_login(name: str) -> bool:
    """Whether ``name`` is a possible Twitch login name."""
    return LOGIN_PATTERN.fullmatch(name) is not None


class TwitchAPI:
    """The few Helix endpoints the plug-in needs, authenticated with an app access token.

    Args:
        client_id: The Twitch application's client ID.
        client_secret: The application's client secret (never logged).
        api_url: Base URL of Helix, e.g. ``https://api.twitch.tv/helix``.
        auth_url: Base URL of Twitch's OAuth service, e.g. ``https://id.twitch.tv/oauth2``.
        token_file: Where the token is cached (``<plug-in folder>/auth.json``).
        timeout: Connect and read timeouts in seconds for every request.
        retries: How often a 429/5xx answer is retried.
        clock: Seconds since the epoch (tests pass their own).
    """

    def __init__(self, client_id: str, client_secret: str, *, api_url: str, auth_url: str,
                 token_file: str | Path, timeout: tuple[float, float] = (3.05, 10.0),
                 retries: int = 2, clock: Callable[[], float] = time.time) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._auth_url = auth_url
        self._store = JsonStore(Path(token_file))
        self._clock = clock
        self._token: dict[str, Any] | None = None
        hint = "Check client_id and client_secret in config.json."
        self._helix = ServiceClient("Twitch", api_url, setting="api_url", auth_hint=hint,
                                    headers={"Client-ID": client_id}, timeout=timeout,
                                    retries=retries)
        self._oauth = ServiceClient("Twitch", auth_url, setting="auth_url", auth_hint=hint,
                                    timeout=timeout, retries=retries)

    def close(self) -> None:
        """Close both HTTP sessions."""
        self._helix.close()
        self._oauth.close()

    def command(self, budget: float = COMMAND_BUDGET_S) -> Any:
        """The time limit of one command: ``with twitch.command(): ...``.

        One command can need four requests (a token, the streams, a second token after a
        401, the users); inside the block each gets only what is left, so together they
        end in time, and one with less than :data:`MIN_REQUEST_S` left is not started.
        """
        return deadline(budget, message=OUT_OF_TIME, min_left=MIN_REQUEST_S)

    # Helix endpoints

    def streams_of(self, logins: Sequence[str]) -> list[dict[str, Any]]:
        """The live streams of up to 100 logins, in one ``GET /streams`` request."""
        params = [("user_login", login) for login in logins]
        # Helix returns 20 streams unless told otherwise, even for 100 logins.
        params.append(("first", str(len(logins))))
        return self._data("/streams", params)

    def users(self, logins: Sequence[str]) -> list[dict[str, Any]]:
        """The users among up to 100 logins that exist (``GET /users``)."""
        return self._data("/users", [("login", login) for login in logins])

    def top_streams(self, limit: int, game_id: str | None = None) -> list[dict[str, Any]]:
        """The most-watched live streams, optionally of one game."""
        params = [("game_id", game_id)] if game_id else []
        params.append(("first", str(limit)))
        return self._data("/streams", params)

    def game(self, name: str) -> dict[str, Any] | None:
        """The game or category called ``name``, or ``None`` when Twitch has none."""
        found = self._data("/games", [("name", name)])
        return found[0] if found else None

    def _data(self, path: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
        document = self._get(path, params)
        data = document.get("data") if isinstance(document, dict) else None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise self._helix.bad_reply()
        return data

    def _get(self, path: str, params: list[tuple[str, str]]) -> Any:
        try:
            headers = self._authorization()
            return self._helix.get_json(path, params=params, headers=headers)
        except ServiceError as error:
            if error.status != 401:
                raise
        # The token was revoked or expired early: fetch a new one, once.
        log.info("Helix answered 401; fetching a new app access token")
        self._forget_token()
        try:
            headers = self._authorization()
            return self._helix.get_json(path, params=params, headers=headers)
        except ServiceError as error:
            if error.status == 401:
                raise CommandError(TOKEN_REFUSED) from None
            raise

    # The app access token

    def _authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._access_token()}"}

    def _access_token(self) -> str:
        token = self._token if self._usable(self._token) else None
        if token is None:
            stored = self._store.load()
            token = stored if self._usable(stored) else None
        if token is None:
            token = self._fetch_token()
            try:
                self._store.save(token)
            except OSError as error:  # e.g. a plug-in folder the user cannot write to
                log.warning("cannot keep the access token in %s (%s); it lasts until the "
                            "plug-in stops", self._store.path, error.strerror or "OSError")
        self._token = token
        return str(token["access_token"])

    def _usable(self, token: dict[str, Any] | None) -> bool:
        """Whether a cached token belongs to this application and lives a while longer."""
        if not isinstance(token, dict):
            return False
        expires_at = token.get("expires_at")
        return (token.get("client_id") == self._client_id
                and token.get("auth_url") == self._auth_url
                and isinstance(token.get("access_token"), str) and bool(token["access_token"])
                and isinstance(expires_at, (int, float))
                and expires_at - REFRESH_MARGIN_S > self._clock())

    def _fetch_token(self) -> dict[str, Any]:
        log.info("requesting an app access token from %s", self._auth_url)
        try:
            reply = self._oauth.post_json("/token", data={
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "grant_type": "client_credentials",
            })
        except ServiceError as error:
            if error.status in (400, 401, 403):
                raise CommandError(BAD_CREDENTIALS) from None
            raise
        access_token = reply.get("access_token") if isinstance(reply, dict) else None
        expires_in = reply.get("expires_in") if isinstance(reply, dict) else None
        if (not isinstance(access_token, str) or not access_token
                or isinstance(expires_in, bool) or not isinstance(expires_in, (int, float))):
            raise self._oauth.bad_reply()
        return {"client_id": self._client_id, "auth_url": self._auth_url,
                "access_token": access_token, "expires_at": self._clock() + expires_in}

    def _forget_token(self) -> None:
        self._token = None
        try:
            self._store.clear()
        except OSError as error:
            log.warning("cannot delete %s (%s)", self._store.path, error.strerror or "OSError")

