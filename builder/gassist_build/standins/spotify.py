# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A local Spotify: the accounts service (PKCE sign-in, refresh) and the Web API player.

Both live on one server: ``accounts_url`` is the root (Spotify's
``https://accounts.spotify.com``) and ``api_url`` is ``<url>/v1``
(``https://api.spotify.com/v1``).

* ``GET /authorize`` (the sign-in link) agrees at once, as if the user had chosen
  **Agree**: a 303 to ``redirect_uri?code=...&state=...``. It checks ``client_id``,
  ``response_type=code`` and an S256 ``code_challenge``.
* ``POST /api/token`` trades a code (with the PKCE ``code_verifier``) or a refresh token
  for an access token; mistakes get Spotify's ``{"error": "invalid_grant",
  "error_description": ...}`` (400) or ``invalid_client``.
* ``/v1/me/player/...`` (play, pause, next, previous, shuffle, volume, queue,
  currently-playing, devices, transfer), ``/v1/search``, ``/v1/me/playlists`` and
  ``/v1/me`` want ``Authorization: Bearer <a token this stand-in issued>`` (401
  ``{"error": {"status": 401, "message": "Invalid access token"}}`` otherwise). The
  player has one device and a small made-up catalogue; ``active_device=False`` gives 404
  ``NO_ACTIVE_DEVICE`` until playback is transferred, ``premium=False`` 403
  ``PREMIUM_REQUIRED`` on every player command.

:meth:`SpotifyStandin.token_cache` is an ``auth.json`` for the sample plug-in (a token
this stand-in accepts), so a demo can skip the browser sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ._server import Handler, RecordedRequest, Reply, Route, StandinServer

__all__ = ["DEMO_PLAYLISTS", "DEMO_TRACKS", "SCOPES", "Device", "Playlist", "SpotifyStandin",
           "Track"]

#: The scopes the sample plug-in asks for (and the stand-in grants).
SCOPES = ("user-library-read", "user-read-currently-playing", "user-read-playback-state",
          "user-modify-playback-state", "playlist-read-private", "playlist-read-collaborative")


@dataclass(frozen=True)
class Track:
    """A song of the catalogue."""

    id: str
    name: str
    artist: str
    album: str
    duration_ms: int

    @property
    def uri(self) -> str:
        return f"spotify:track:{self.id}"


@dataclass(frozen=True)
class Playlist:
    """One of the user's playlists (its tracks by id)."""

    id: str
    name: str
    track_ids: tuple[str, ...]
    owner: str = "Demo Player"

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.id}"


@dataclass
class Device:
    """A Spotify Connect device."""

    id: str
    name: str
    type: str = "Computer"
    volume_percent: int = 60
    is_active: bool = True
    supports_volume: bool = True


#: Made-up music (ids of Spotify's length, but not real ones).
DEMO_TRACKS = (
    Track("4demoNeonHighway0000001", "Neon Highway", "The Midnight Circuit", "Afterglow Drive",
          221_000),
    Track("4demoStarfallTheme00002", "Starfall (Main Theme)", "Aurora Nine",
          "Starfall Drift Original Soundtrack", 187_000),
    Track("4demoPixelHeart00000003", "Pixel Heart", "Low Poly Club", "Eight Bit Summer",
          198_000),
    Track("4demoBossRush0000000004", "Boss Rush", "Aurora Nine",
          "Starfall Drift Original Soundtrack", 243_000),
    Track("4demoSlowLoading0000005", "Slow Loading Screen", "Low Poly Club", "Eight Bit Summer",
          176_000),
)
DEMO_PLAYLISTS = (
    Playlist("37demoRankedFocus00001", "Ranked Focus", ("4demoNeonHighway0000001",
                                                        "4demoBossRush0000000004")),
    Playlist("37demoChillLobby000002", "Chill Lobby", ("4demoPixelHeart00000003",
                                                       "4demoSlowLoading0000005",
                                                       "4demoStarfallTheme00002")),
)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class SpotifyStandin(StandinServer):
    """Spotify's accounts service and the Web API endpoints the sample uses.

    Args:
        client_id: The app's client ID it accepts.
        tracks: The catalogue (search finds these).
        playlists: The user's playlists.
        device_name: The one device's name.
        active_device: Whether that device is active (else 404 NO_ACTIVE_DEVICE until a
            transfer).
        premium: Whether the account may control playback (else 403 PREMIUM_REQUIRED).
        token_lifetime: ``expires_in`` of the access tokens it issues, in seconds.
    """

    name = "Spotify"

    def __init__(self, client_id: str, *, tracks: Sequence[Track] = DEMO_TRACKS,
                 playlists: Sequence[Playlist] = DEMO_PLAYLISTS,
                 device_name: str = "GAMING-PC", active_device: bool = True,
                 premium: bool = True, token_lifetime: int = 3600,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.client_id = client_id
        self.tracks = list(tracks)
        self.playlists = list(playlists)
        self.devices = [Device("demo0device0gaming0pc0000000000000000001", device_name,
                               is_active=active_device)]
        self.premium = premium
        self.token_lifetime = token_lifetime
        # The player: what plays, where in it, and what comes next.
        self.current: Track | None = self.tracks[0] if self.tracks else None
        self.context_uri: str | None = None
        self.is_playing = False
        self.progress_ms = 83_000
        self.shuffle = False
        self.queue: list[Track] = []
        self.history: list[Track] = []
        #: Player commands in arrival order, e.g. ("play", "spotify:track:..."), ("pause", "").
        self.commands: list[tuple[str, str]] = []
        self._lock = threading.RLock()
        self._serial = itertools.count(1)
        self._access: dict[str, float] = {}  # access token -> expiry (time.time)
        self._refresh: set[str] = set()
        self._codes: dict[str, tuple[str, str]] = {}  # code -> (challenge, redirect_uri)
        #: How many access tokens it has issued, by grant type.
        self.tokens_issued: dict[str, int] = {"authorization_code": 0, "refresh_token": 0}
        super().__init__(host=host, port=port)

    @property
    def api_url(self) -> str:
        """The ``api_url`` setting (Spotify: ``https://api.spotify.com/v1``)."""
        return f"{self.url}/v1"

    @property
    def accounts_url(self) -> str:
        """The ``accounts_url`` setting (Spotify: ``https://accounts.spotify.com``)."""
        return self.url

    # -- tokens ------------------------------------------------------------------------------
    def _issue(self, grant: str, refresh: str | None = None) -> dict[str, Any]:
        serial = next(self._serial)
        access = f"demo-spotify-access-{serial}"
        with self._lock:
            self._access[access] = time.time() + self.token_lifetime
            if refresh is None:
                refresh = f"demo-spotify-refresh-{serial}"
                self._refresh.add(refresh)
            if grant in self.tokens_issued:
                self.tokens_issued[grant] += 1
        return {"access_token": access, "token_type": "Bearer", "scope": " ".join(SCOPES),
                "expires_in": self.token_lifetime, "refresh_token": refresh}

    def token_cache(self, *, expired: bool = False) -> dict[str, Any]:
        """An ``auth.json`` for the sample plug-in, as its spotipy cache writes one.

        With ``expired`` the access token is past its time, so the plug-in's first call
        refreshes it through ``/api/token``.
        """
        token = self._issue("")
        token["scope"] = " ".join(sorted(SCOPES))
        token["expires_at"] = int(time.time()) + (-60 if expired else self.token_lifetime)
        if expired:
            with self._lock:
                self._access[token["access_token"]] = time.time() - 60
        return token

    def revoke_tokens(self) -> None:
        """Forget every access and refresh token (as when the user removes the app's access)."""
        with self._lock:
            self._access.clear()
            self._refresh.clear()

    def routes(self) -> Iterable[Route]:
        """The accounts endpoints and the Web API."""
        api = self._api
        return (
            self.route("GET", r"/authorize", self._authorize),
            self.route("POST", r"/api/token", self._token),
            self.route("GET", r"/v1/me", api(self._me)),
            self.route("GET", r"/v1/me/player", api(self._state)),
            self.route("PUT", r"/v1/me/player", api(self._transfer)),
            self.route("GET", r"/v1/me/player/currently-playing", api(self._currently_playing)),
            self.route("GET", r"/v1/me/player/devices", api(self._devices)),
            self.route("PUT", r"/v1/me/player/play", api(self._player(self._play))),
            self.route("PUT", r"/v1/me/player/pause", api(self._player(self._pause))),
            self.route("POST", r"/v1/me/player/next", api(self._player(self._next))),
            self.route("POST", r"/v1/me/player/previous", api(self._player(self._previous))),
            self.route("PUT", r"/v1/me/player/shuffle", api(self._player(self._shuffle))),
            self.route("PUT", r"/v1/me/player/volume", api(self._player(self._volume))),
            self.route("POST", r"/v1/me/player/queue", api(self._player(self._add_to_queue))),
            self.route("GET", r"/v1/me/player/queue", api(self._queue)),
            self.route("GET", r"/v1/search", api(self._search)),
            self.route("GET", r"/v1/me/playlists", api(self._playlists)),
        )

    def error(self, status: int, message: str = "", reason: str = "") -> Reply:
        """The Web API's error body: ``{"error": {"status": 404, "message": ...}}``."""
        body: dict[str, Any] = {"status": status, "message": message or _default(status)}
        if reason:
            body["reason"] = reason
        return Reply.json(status, {"error": body})

    # -- accounts ----------------------------------------------------------------------------
    def _authorize(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        redirect = request.param("redirect_uri") or ""
        if request.param("client_id") != self.client_id:
            return Reply.text(400, "INVALID_CLIENT: Invalid client")
        if not redirect:
            return Reply.text(400, "INVALID_CLIENT: Invalid redirect URI")
        if request.param("response_type") != "code":
            return Reply.text(400, "unsupported_response_type")
        challenge = request.param("code_challenge") or ""
        if challenge and request.param("code_challenge_method") != "S256":
            return Reply.text(400, "INVALID_REQUEST: code_challenge_method must be S256")
        code = f"demo-code-{next(self._serial)}"
        with self._lock:
            self._codes[code] = (challenge, redirect)
        answer = {"code": code}
        if request.param("state") is not None:
            answer["state"] = request.param("state") or ""
        separator = "&" if "?" in redirect else "?"
        return Reply(303, headers={"Location": f"{redirect}{separator}{urlencode(answer)}"})

    def _token(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        form = request.form() if request.content_type == "application/x-www-form-urlencoded" \
            else {}
        client = form.get("client_id")
        basic = request.header("Authorization") or ""
        if not client and basic.startswith("Basic "):
            try:
                client = base64.b64decode(basic[6:]).decode().partition(":")[0]
            except ValueError:
                client = None
        if client != self.client_id:
            return Reply.json(400, {"error": "invalid_client", "error_description":
                                    "Invalid client"})
        grant = form.get("grant_type")
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            with self._lock:
                known = refresh in self._refresh
            if not known:
                return Reply.json(400, {"error": "invalid_grant",
                                        "error_description": "Invalid refresh token"})
            token = self._issue(grant, refresh)
            del token["refresh_token"]  # Spotify keeps the refresh token (PKCE may rotate it)
            return Reply.json(200, token)
        if grant == "authorization_code":
            with self._lock:
                expected = self._codes.pop(form.get("code", ""), None)
            if expected is None:
                return Reply.json(400, {"error": "invalid_grant",
                                        "error_description": "Invalid authorization code"})
            challenge, redirect = expected
            if form.get("redirect_uri") != redirect:
                return Reply.json(400, {"error": "invalid_grant",
                                        "error_description": "Invalid redirect URI"})
            if challenge and _s256(form.get("code_verifier", "")) != challenge:
                return Reply.json(400, {"error": "invalid_grant",
                                        "error_description": "code_verifier was incorrect"})
            return Reply.json(200, self._issue(grant))
        return Reply.json(400, {"error": "unsupported_grant_type", "error_description":
                                f"grant_type parameter is missing or unsupported: {grant}"})

    # -- Web API -----------------------------------------------------------------------------
    def _api(self, endpoint: Handler) -> Handler:
        def checked(request: RecordedRequest, match: re.Match[str]) -> Reply:
            scheme, _, token = (request.header("Authorization") or "").partition(" ")
            if not token:
                return self.error(401, "No token provided")
            with self._lock:
                expiry = self._access.get(token)
            if scheme != "Bearer" or expiry is None:
                return self.error(401, "Invalid access token")
            if expiry <= time.time():
                return self.error(401, "The access token expired")
            with self._lock:
                return endpoint(request, match)
        return checked

    def _active(self) -> Device | None:
        return next((d for d in self.devices if d.is_active), None)

    def _player(self, command: Handler) -> Handler:
        def player(request: RecordedRequest, match: re.Match[str]) -> Reply:
            if not self.premium:
                return self.error(403, "Player command failed: Premium required",
                                  "PREMIUM_REQUIRED")
            wanted = request.param("device_id")
            if wanted is not None:
                device = next((d for d in self.devices if d.id == wanted), None)
                if device is None:
                    return self.error(404, "Device not found")
                for other in self.devices:
                    other.is_active = other is device
            if self._active() is None:
                return self.error(404, "Player command failed: No active device found",
                                  "NO_ACTIVE_DEVICE")
            return command(request, match)
        return player

    def _done(self, name: str, detail: str = "") -> Reply:
        self.commands.append((name, detail))
        return Reply(204)

    def _me(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        return Reply.json(200, {"id": "demo-player", "display_name": "Demo Player",
                                "type": "user", "uri": "spotify:user:demo-player",
                                "product": "premium" if self.premium else "free"})

    def _track_json(self, track: Track) -> dict[str, Any]:
        artist_id = "0demo" + hashlib.sha1(track.artist.encode()).hexdigest()[:17]
        album_id = "1demo" + hashlib.sha1(track.album.encode()).hexdigest()[:17]
        artist = {"id": artist_id, "name": track.artist, "type": "artist",
                  "uri": f"spotify:artist:{artist_id}"}
        return {"id": track.id, "name": track.name, "type": "track", "uri": track.uri,
                "duration_ms": track.duration_ms, "explicit": False, "is_local": False,
                "artists": [artist],
                "album": {"id": album_id, "name": track.album, "type": "album",
                          "album_type": "album", "uri": f"spotify:album:{album_id}",
                          "artists": [artist]}}

    def _device_json(self, device: Device) -> dict[str, Any]:
        return {"id": device.id, "name": device.name, "type": device.type,
                "is_active": device.is_active, "is_private_session": False,
                "is_restricted": False, "supports_volume": device.supports_volume,
                "volume_percent": device.volume_percent}

    def _playing_json(self) -> dict[str, Any]:
        assert self.current is not None
        context = ({"type": self.context_uri.split(":")[1], "uri": self.context_uri}
                   if self.context_uri else None)
        return {"timestamp": int(time.time() * 1000), "progress_ms": self.progress_ms,
                "is_playing": self.is_playing, "item": self._track_json(self.current),
                "currently_playing_type": "track", "context": context,
                "actions": {"disallows": {"resuming": self.is_playing}}}

    def _state(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        device = self._active()
        if device is None or self.current is None:
            return Reply(204)
        return Reply.json(200, {**self._playing_json(), "device": self._device_json(device),
                                "shuffle_state": self.shuffle, "repeat_state": "off"})

    def _currently_playing(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if self._active() is None or self.current is None:
            return Reply(204)
        return Reply.json(200, self._playing_json())

    def _devices(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        return Reply.json(200, {"devices": [self._device_json(d) for d in self.devices]})

    def _transfer(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if not self.premium:
            return self.error(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "Malformed json")
        ids = body.get("device_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or len(ids) != 1:
            return self.error(400, "Exactly one device id must be given")
        device = next((d for d in self.devices if d.id == ids[0]), None)
        if device is None:
            return self.error(404, "Device not found")
        for other in self.devices:
            other.is_active = other is device
        if body.get("play"):
            self.is_playing = True
        return self._done("transfer", device.name)

    def _by_uri(self, uri: str) -> Track | Playlist | None:
        return next((item for item in [*self.tracks, *self.playlists] if item.uri == uri), None)

    def _play(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        try:
            body = request.json() if request.body else {}
        except ValueError:
            return self.error(400, "Malformed json")
        uris = body.get("uris") or []
        context = body.get("context_uri")
        if uris:
            track = self._by_uri(str(uris[0]))
            if not isinstance(track, Track):
                return self.error(400, "Invalid track uri: " + str(uris[0]))
            self._start(track, None)
            return self._done("play", track.uri)
        if context:
            found = self._by_uri(str(context))
            first: Track | None = None
            if isinstance(found, Playlist):
                first = next((t for t in self.tracks if t.id in found.track_ids), None)
            elif str(context).startswith(("spotify:album:", "spotify:artist:")):
                first = next((t for t in self.tracks
                              if self._matches_context(t, str(context))), None)
            if first is None:
                return self.error(400, "Invalid context uri: " + str(context))
            self._start(first, str(context))
            return self._done("play", str(context))
        if self.current is None:
            return self.error(404, "Player command failed: Nothing to play")
        self.is_playing = True
        return self._done("resume")

    def _matches_context(self, track: Track, context: str) -> bool:
        info = self._track_json(track)
        return context in (info["album"]["uri"], info["artists"][0]["uri"])

    def _start(self, track: Track, context: str | None) -> None:
        if self.current is not None and self.current != track:
            self.history.append(self.current)
        self.current, self.context_uri = track, context
        self.is_playing, self.progress_ms = True, 0

    def _pause(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if not self.is_playing:
            return self.error(403, "Player command failed: Restriction violated",
                              "UNKNOWN")
        self.is_playing = False
        return self._done("pause")

    def _next(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if self.queue:
            following = self.queue.pop(0)
        else:
            at = self.tracks.index(self.current) if self.current in self.tracks else -1
            following = self.tracks[(at + 1) % len(self.tracks)]
        self._start(following, self.context_uri)
        return self._done("next", following.uri)

    def _previous(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if self.history:
            earlier = self.history.pop()
        else:
            at = self.tracks.index(self.current) if self.current in self.tracks else 0
            earlier = self.tracks[(at - 1) % len(self.tracks)]
        self.current, self.is_playing, self.progress_ms = earlier, True, 0
        return self._done("previous", earlier.uri)

    def _shuffle(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        state = request.param("state")
        if state not in ("true", "false"):
            return self.error(400, "Missing or invalid state parameter")
        self.shuffle = state == "true"
        return self._done("shuffle", state)

    def _volume(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        raw = request.param("volume_percent") or ""
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            return self.error(400, "Invalid volume_percent: must be an integer 0-100")
        device = self._active()
        assert device is not None
        if not device.supports_volume:
            return self.error(403, "Player command failed: Cannot control device volume",
                              "VOLUME_CONTROL_DISALLOW")
        device.volume_percent = int(raw)
        return self._done("volume", raw)

    def _add_to_queue(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        found = self._by_uri(request.param("uri") or "")
        if not isinstance(found, Track):
            return self.error(400, "Invalid base62 id")
        self.queue.append(found)
        return self._done("queue", found.uri)

    def _queue(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        playing = self._track_json(self.current) if self.current else None
        return Reply.json(200, {"currently_playing": playing,
                                "queue": [self._track_json(t) for t in self.queue]})

    # -- search and playlists ----------------------------------------------------------------
    @staticmethod
    def _paging(items: list[Any], limit: int, offset: int, total: int) -> dict[str, Any]:
        return {"href": "", "items": items, "limit": limit, "offset": offset, "next": None,
                "previous": None, "total": total}

    def _limits(self, request: RecordedRequest, default: int) -> tuple[int, int] | Reply:
        raw, start = request.param("limit") or str(default), request.param("offset") or "0"
        if not raw.isdigit() or not 0 <= int(raw) <= 50:
            return self.error(400, "Invalid limit")
        if not start.isdigit():
            return self.error(400, "Invalid offset")
        return int(raw), int(start)

    def _search(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        query = (request.param("q") or "").strip()
        kinds = [k.strip() for k in (request.param("type") or "").split(",") if k.strip()]
        if not query:
            return self.error(400, "No search query")
        if not kinds or any(k not in ("track", "album", "artist", "playlist") for k in kinds):
            return self.error(400, "Bad search type field")
        limits = self._limits(request, 20)
        if isinstance(limits, Reply):
            return limits
        limit, offset = limits
        artist = ""
        filtered = re.search(r'\bartist:(?:"([^"]*)"|(\S+(?:\s+(?!\w+:)\S+)*))', query)
        if filtered:
            artist = (filtered.group(1) or filtered.group(2) or "").lower()
            query = (query[:filtered.start()] + query[filtered.end():]).strip()
        words = query.lower().split()

        def hit(*texts: str) -> bool:
            joined = " ".join(texts).lower()
            return all(w in joined for w in words)

        tracks = [t for t in self.tracks if (not artist or artist in t.artist.lower())
                  and hit(t.name, t.artist, t.album)]
        found: dict[str, list[dict[str, Any]]] = {"track": [self._track_json(t) for t in tracks]}
        albums: dict[str, dict[str, Any]] = {}
        artists: dict[str, dict[str, Any]] = {}
        for track in self.tracks:
            info = self._track_json(track)
            if (not artist or artist in track.artist.lower()) and hit(track.album, track.artist):
                albums.setdefault(track.album, info["album"])
            if hit(track.artist) and (not artist or artist in track.artist.lower()):
                artists.setdefault(track.artist, info["artists"][0])
        found["album"] = list(albums.values())
        found["artist"] = list(artists.values())
        found["playlist"] = [{"id": p.id, "name": p.name, "type": "playlist", "uri": p.uri,
                              "owner": {"display_name": p.owner},
                              "tracks": {"total": len(p.track_ids)}}
                             for p in self.playlists if hit(p.name)]
        return Reply.json(200, {f"{kind}s": self._paging(found[kind][offset:offset + limit],
                                                         limit, offset, len(found[kind]))
                                for kind in kinds})

    def _playlists(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        limits = self._limits(request, 20)
        if isinstance(limits, Reply):
            return limits
        limit, offset = limits
        items = [{"id": p.id, "name": p.name, "type": "playlist", "uri": p.uri,
                  "public": False, "collaborative": False,
                  "owner": {"display_name": p.owner, "id": "demo-player"},
                  "tracks": {"href": "", "total": len(p.track_ids)}}
                 for p in self.playlists]
        return Reply.json(200, self._paging(items[offset:offset + limit], limit, offset,
                                            len(items)))


def _default(status: int) -> str:
    return {400: "Bad request", 401: "Invalid access token", 403: "Forbidden",
            404: "Not found", 405: "Method not allowed", 429: "API rate limit exceeded",
            500: "Server error", 503: "Service unavailable"}.get(status, "Error")
