# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A local Twitch: the OAuth token endpoint and Helix ``/streams``, ``/users``, ``/games``.

Both services live on one server: ``auth_url`` is ``<url>/oauth2`` (Twitch's
``https://id.twitch.tv/oauth2``) and ``api_url`` is ``<url>/helix``
(``https://api.twitch.tv/helix``). Client credentials are checked like Twitch
does (a wrong client ID is 400 ``invalid client``, a wrong secret 403
``invalid client secret``), Helix wants ``Client-Id`` and ``Authorization: Bearer
<a token this stand-in issued>`` (401 otherwise), and the JSON has Helix's shapes:
``{"data": [...], "pagination": {...}}``.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ._server import Handler, RecordedRequest, Reply, Route, StandinServer, reason

__all__ = ["DEMO_CHANNELS", "DEMO_GAMES", "Channel", "Game", "LiveStream", "TwitchStandin"]

#: Helix takes at most this many values of ``user_login`` (and of ``login``) in one request.
MAX_LOOKUPS = 100


@dataclass(frozen=True)
class Game:
    """A Twitch category."""

    id: str
    name: str
    igdb_id: str = ""


@dataclass(frozen=True)
class LiveStream:
    """What a live channel is streaming."""

    title: str
    game: Game
    viewer_count: int
    started_minutes_ago: int
    tags: tuple[str, ...] = ("English",)
    language: str = "en"


@dataclass(frozen=True)
class Channel:
    """A Twitch user; ``live`` is None while they are offline."""

    login: str
    display_name: str
    id: str
    description: str = ""
    live: LiveStream | None = None
    broadcaster_type: str = ""


FACTORIO = Game("27546", "Factorio", "7046")
ELDEN_RING = Game("512953", "Elden Ring", "119133")
JUST_CHATTING = Game("509658", "Just Chatting")
DEMO_GAMES = (FACTORIO, ELDEN_RING, JUST_CHATTING)

#: Made-up channels: two live, one offline. Any other login is unknown to this Twitch.
DEMO_CHANNELS = (
    Channel("pixel_pioneer", "Pixel_Pioneer", "410000001",
            "Factory games, every evening.", broadcaster_type="affiliate",
            live=LiveStream("Megabase day 12: trains everywhere", FACTORIO, 4213, 133,
                            ("English", "Automation"))),
    Channel("nightowl_gg", "NightOwl_GG", "410000002", "Soulslikes without getting hit.",
            broadcaster_type="partner",
            live=LiveStream("No-hit run attempt #37", ELDEN_RING, 18342, 47)),
    Channel("sleepy_streamer", "Sleepy_Streamer", "410000003", "Streams on weekends."),
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class TwitchStandin(StandinServer):
    """Twitch's token endpoint and the Helix endpoints the samples use.

    Args:
        client_id: The application's client ID the stand-in accepts.
        client_secret: The client secret it accepts.
        channels: The users it knows; those with ``live`` set are streaming.
        games: Its categories (a live stream's game is added if missing).
        token_lifetime: ``expires_in`` of the tokens it issues, in seconds.
    """

    name = "Twitch"

    def __init__(self, client_id: str, client_secret: str, *,
                 channels: Sequence[Channel] = DEMO_CHANNELS,
                 games: Sequence[Game] = DEMO_GAMES, token_lifetime: int = 5_000_000,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.channels = list(channels)
        self.games = list(games) + [c.live.game for c in channels
                                    if c.live and c.live.game not in games]
        self.token_lifetime = token_lifetime
        self._tokens: dict[str, float] = {}  # token -> expiry (time.monotonic)
        self._token_lock = threading.Lock()
        self._serial = itertools.count(1)
        #: How many app access tokens the stand-in has handed out.
        self.tokens_issued = 0
        self._created = datetime.now(timezone.utc)
        super().__init__(host=host, port=port)

    @property
    def auth_url(self) -> str:
        """The ``auth_url`` setting (Twitch: ``https://id.twitch.tv/oauth2``)."""
        return f"{self.url}/oauth2"

    @property
    def api_url(self) -> str:
        """The ``api_url`` setting (Twitch: ``https://api.twitch.tv/helix``)."""
        return f"{self.url}/helix"

    def revoke_tokens(self) -> None:
        """Make every issued token invalid (Helix then answers 401, as after a revocation)."""
        with self._token_lock:
            self._tokens.clear()

    def routes(self) -> Iterable[Route]:
        """Token, validate, and the Helix endpoints."""
        return (
            self.route("POST", r"/oauth2/token", self._token),
            self.route("GET", r"/oauth2/validate", self._validate),
            self.route("GET", r"/helix/streams", self._helix(self._streams)),
            self.route("GET", r"/helix/users", self._helix(self._users)),
            self.route("GET", r"/helix/games", self._helix(self._games)),
            self.route("GET", r"/helix/games/top", self._helix(self._top_games)),
        )

    def error(self, status: int, message: str = "") -> Reply:
        """Helix's error body: ``{"error": "Unauthorized", "status": 401, "message": ...}``."""
        phrase = reason(status)
        return Reply.json(status, {"error": phrase, "status": status, "message": message})

    # -- OAuth -------------------------------------------------------------------------------
    @staticmethod
    def _token_params(request: RecordedRequest) -> dict[str, str]:
        # Twitch reads the client credentials from the query string or a form body.
        params = dict(request.query)
        if request.content_type == "application/x-www-form-urlencoded":
            params.update(request.form())
        return params

    def _check_client(self, params: dict[str, str]) -> Reply | None:
        if not params.get("client_id"):
            return Reply.json(400, {"status": 400, "message": "missing client id"})
        if params["client_id"] != self.client_id:
            return Reply.json(400, {"status": 400, "message": "invalid client"})
        if params.get("client_secret") != self.client_secret:
            return Reply.json(403, {"status": 403, "message": "invalid client secret"})
        if params.get("grant_type") != "client_credentials":
            return Reply.json(400, {"status": 400, "message": "unsupported grant type"})
        return None

    def _token(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        refused = self._check_client(self._token_params(request))
        if refused is not None:
            return refused
        token = f"demo-app-token-{next(self._serial)}"
        with self._token_lock:
            self.tokens_issued += 1
            self._tokens[token] = time.monotonic() + self.token_lifetime
        return Reply.json(200, {"access_token": token, "expires_in": self.token_lifetime,
                                "token_type": "bearer"})

    def _token_valid(self, token: str) -> bool:
        with self._token_lock:
            expiry = self._tokens.get(token)
        return expiry is not None and expiry > time.monotonic()

    def _validate(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() not in ("oauth", "bearer") or not self._token_valid(token):
            return Reply.json(401, {"status": 401, "message": "invalid access token"})
        with self._token_lock:
            left = int(self._tokens[token] - time.monotonic())
        return Reply.json(200, {"client_id": self.client_id, "scopes": [], "expires_in": left})

    # -- Helix -------------------------------------------------------------------------------
    def _helix(self, endpoint: Handler) -> Handler:
        def checked(request: RecordedRequest, match: re.Match[str]) -> Reply:
            scheme, _, token = (request.header("Authorization") or "").partition(" ")
            if not token:
                return self.error(401, "OAuth token is missing")
            if scheme != "Bearer" or not self._token_valid(token):
                return self.error(401, "Invalid OAuth token")
            client = request.header("Client-Id")
            if not client:
                return self.error(401, "Client-Id header required")
            if client != self.client_id:
                return self.error(401, "Client ID and OAuth token do not match")
            return endpoint(request, match)
        return checked

    def _first(self, request: RecordedRequest, default: int = 20) -> int | Reply:
        raw = request.param("first")
        if raw is None:
            return default
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            return self.error(400, 'The parameter "first" was malformed: the value must be '
                              "greater than or equal to 1 and less than or equal to 100")
        return int(raw)

    def _stream_json(self, channel: Channel) -> dict[str, object]:
        live = channel.live
        assert live is not None
        started = datetime.now(timezone.utc) - timedelta(minutes=live.started_minutes_ago)
        return {
            "id": f"31{channel.id}", "user_id": channel.id, "user_login": channel.login,
            "user_name": channel.display_name, "game_id": live.game.id,
            "game_name": live.game.name, "type": "live", "title": live.title,
            "tags": list(live.tags), "viewer_count": live.viewer_count,
            "started_at": _iso(started), "language": live.language,
            "thumbnail_url": ("https://static-cdn.jtvnw.net/previews-ttv/"
                              f"live_user_{channel.login}-{{width}}x{{height}}.jpg"),
            "tag_ids": [], "is_mature": False,
        }

    def _streams(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        logins = [login.lower() for login in request.params("user_login")]
        ids, games = request.params("user_id"), request.params("game_id")
        if len(logins) + len(ids) > MAX_LOOKUPS:
            return self.error(400, "The request exceeds the maximum allowed number of "
                              "'user_login' and 'user_id' query parameters (100)")
        first = self._first(request)
        if isinstance(first, Reply):
            return first
        live = [c for c in self.channels if c.live is not None
                and (not (logins or ids) or c.login in logins or c.id in ids)
                and (not games or c.live.game.id in games)]
        live.sort(key=lambda c: -c.live.viewer_count if c.live else 0)
        pagination = {"cursor": "demo-cursor"} if len(live) > first else {}
        return Reply.json(200, {"data": [self._stream_json(c) for c in live[:first]],
                                "pagination": pagination})

    def _users(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        logins = [login.lower() for login in request.params("login")]
        ids = request.params("id")
        if not logins and not ids:
            return self.error(400, "Must provide an ID, Login or OAuth Token.")
        if len(logins) + len(ids) > MAX_LOOKUPS:
            return self.error(400, "The request exceeds the maximum allowed number of "
                              "'login' and 'id' query parameters (100)")
        created = _iso(self._created - timedelta(days=900))
        found = [c for c in self.channels if c.login in logins or c.id in ids]
        return Reply.json(200, {"data": [{
            "id": c.id, "login": c.login, "display_name": c.display_name, "type": "",
            "broadcaster_type": c.broadcaster_type, "description": c.description,
            "profile_image_url": "", "offline_image_url": "", "view_count": 0,
            "created_at": created,
        } for c in found]})

    @staticmethod
    def _game_json(game: Game) -> dict[str, str]:
        return {"id": game.id, "name": game.name, "igdb_id": game.igdb_id,
                "box_art_url": ("https://static-cdn.jtvnw.net/ttv-boxart/"
                                f"{game.id}-{{width}}x{{height}}.jpg")}

    def _games(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        names = [name.lower() for name in request.params("name")]
        ids, igdb = request.params("id"), request.params("igdb_id")
        if not (names or ids or igdb):
            return self.error(400, "Must provide at least one id, name or igdb_id.")
        found = [g for g in self.games
                 if g.name.lower() in names or g.id in ids or (g.igdb_id and g.igdb_id in igdb)]
        return Reply.json(200, {"data": [self._game_json(g) for g in found]})

    def _top_games(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        first = self._first(request)
        if isinstance(first, Reply):
            return first

        def viewers(game: Game) -> int:
            return sum(c.live.viewer_count for c in self.channels
                       if c.live is not None and c.live.game == game)

        ranked = sorted(self.games, key=viewers, reverse=True)
        return Reply.json(200, {"data": [self._game_json(g) for g in ranked[:first]],
                                "pagination": {}})

