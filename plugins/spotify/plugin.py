# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""spotify — play, pause, skip, shuffle, queue and look up music on Spotify from G-Assist.

The commands live here; the Web API calls, the token cache and the error sentences in
``spotify_api.py``; the sign-in redirect listener in ``signin.py``.

Sign-in never blocks the plug-in. A command that finds no usable token answers at once
with Spotify's sign-in link and keeps the conversation open; a listener thread waits for
Spotify's redirect on ``http://127.0.0.1:<redirect_port>/callback`` and caches the token.
Whatever the user says next (for example "done") runs the command that asked for the
sign-in; asking again later works as well, since the token is then cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from gassist_sdk import CommandError, Context, Plugin, Range, setting

if TYPE_CHECKING:
    from spotify_api import SpotifyService

DASHBOARD = "https://developer.spotify.com/dashboard"
CANCEL_WORDS = frozenset({"cancel", "stop", "quit", "exit", "abort", "never mind", "nevermind"})
SIGN_IN_GRACE = 10.0  # seconds a follow-up waits for a redirect still on its way (30 s limit)


@dataclass
class SpotifyConfig:
    """The settings in config.json (no client secret: sign-in uses PKCE)."""

    client_id: str = setting(
        description="Client ID of your Spotify app",
        help=f"{DASHBOARD} (redirect URI http://127.0.0.1:8888/callback)")
    redirect_port: int = setting(
        8888, description="Port of the sign-in redirect http://127.0.0.1:<port>/callback "
                          "registered in your Spotify app")
    api_url: str = setting("https://api.spotify.com/v1", description="Spotify Web API base URL")
    accounts_url: str = setting("https://accounts.spotify.com",
                                description="Spotify accounts (sign-in) service base URL")


plugin = Plugin(
    "spotify", version="1.0.0",
    description="Controls Spotify: play songs, albums, artists or playlists, pause, skip, "
                "shuffle, change the volume, queue songs and list your playlists.",
    config=SpotifyConfig,
    setup_help=(f"Create an app at {DASHBOARD} (any name and description; under "
                "'Which API/SDKs are you planning to use?' tick Web API) and add the redirect "
                "URI http://127.0.0.1:8888/callback exactly. Then paste its Client ID here. "
                "No client secret is needed: sign-in uses PKCE."),
)

Kind = Literal["track", "album", "artist", "playlist"]
# What each command does, for "say anything and I'll ..." after the sign-in link.
_INTENT = {
    "spotify_start_playback": "start playing",
    "spotify_pause_playback": "pause the music",
    "spotify_next_track": "skip to the next track",
    "spotify_previous_track": "go back to the previous track",
    "spotify_shuffle_playback": "change the shuffle setting",
    "spotify_set_volume": "set the volume",
    "spotify_get_currently_playing": "tell you what is playing",
    "spotify_queue_track": "add it to the queue",
    "spotify_get_user_playlists": "list your playlists",
}
_service_slot: dict[str, Any] = {"current": None}


def _service(ctx: Context) -> SpotifyService:
    """The service for the current config (rebuilt when config.json changes)."""
    from spotify_api import SpotifyService

    config: SpotifyConfig = ctx.config
    if not 1 <= config.redirect_port <= 65535:
        raise CommandError(f"redirect_port in config.json must be a port number from 1 to "
                           f"65535, not {config.redirect_port}.")
    key = (config.client_id.strip(), config.redirect_port, config.api_url.rstrip("/"),
           config.accounts_url.rstrip("/"))
    current: SpotifyService | None = _service_slot["current"]
    if current is None or current.key != key:
        if current is not None:
            current.close()
        current = SpotifyService(client_id=key[0], redirect_port=key[1], api_url=key[2],
                                 accounts_url=key[3], token_file=ctx.plugin_dir / "auth.json")
        _service_slot["current"] = current
    return current


def _signed_in(ctx: Context, command: Any, arguments: dict[str, Any], run: Any) -> str:
    """``run(service)``; when Spotify needs a sign-in, answer at once with the link."""
    from spotify_api import SIGN_IN_LIFETIME, SignInNeeded

    service = _service(ctx)
    try:
        return run(service)
    except SignInNeeded as needed:
        url = service.begin_sign_in((command, arguments))
        ctx.keep_session(True)
        why = (f"{needed.reason[0].upper()}{needed.reason[1:]}." if needed.reason else
               "G-Assist needs your permission to control Spotify (once: the sign-in is "
               "remembered).")
        raise CommandError(
            f"**Sign in to Spotify first.** {why}\n\n"
            f"1. Open this link: {url}\n"
            "2. Log in and choose **Agree**.\n\n"
            f"I am waiting for Spotify's answer on {service.redirect_uri} for "
            f"{SIGN_IN_LIFETIME / 60:g} minutes. When the page says you are signed in, say "
            f"anything here (for example \"done\") and I'll {_INTENT[command.__name__]}. "
            "Say \"cancel\" to stop.") from None


def _artists(item: dict[str, Any]) -> str:
    names = [a.get("name") for a in item.get("artists") or [] if isinstance(a, dict)]
    return ", ".join(n for n in names if n) or "an unknown artist"


def _describe(kind: str, item: dict[str, Any]) -> str:
    name = item.get("name") or "(untitled)"
    if kind == "track":
        return f"“{name}” by {_artists(item)}"
    if kind == "album":
        return f"the album “{name}” by {_artists(item)}"
    if kind == "artist":
        return f"songs by {name}"
    owner = (item.get("owner") or {}).get("display_name")
    return f"the playlist “{name}”" + (f" by {owner}" if owner else "")


def _find(service: SpotifyService, kind: str, name: str, artist: str) -> dict[str, Any]:
    """The best search match, or a CommandError saying what was searched."""
    name, artist = name.strip(), artist.strip()
    if kind == "artist":
        query = name or artist
    elif artist:
        query = f"{name} artist:{artist}"
    else:
        query = name
    # Playlist searches can answer null items (removed playlists): ask for a few.
    limit = 5 if kind == "playlist" else 1
    found, _ = service.call(lambda c: c.search(q=query, limit=limit, type=kind), wake=False)
    if not isinstance(found, dict):  # spotipy answers None for a body that is not JSON
        raise CommandError("Spotify sent a search reply that could not be read; try again.")
    items = [i for i in ((found or {}).get(f"{kind}s") or {}).get("items") or []
             if isinstance(i, dict) and i.get("uri")]
    if not items:
        searched = f"“{name or artist}”" + (f" by {artist}" if artist and kind != "artist"
                                             else "")
        raise CommandError(f"Spotify found no {kind} matching {searched}. Check the spelling, "
                           "or try fewer words.")
    return items[0]


@plugin.command(tags=("spotify", "play", "music", "song", "album", "artist", "playlist",
                      "resume"))
def spotify_start_playback(ctx: Context, type: Kind = "track", name: str = "",
                           artist: str = "") -> str:
    """Play a song, album, artist or playlist on Spotify, or resume playback when no name is given.

    Args:
        type: What to play: track (a song), album, artist or playlist.
        name: The name of the song, album, artist or playlist. Leave empty to resume.
        artist: The artist, to pick the right song or album.
    """
    arguments = {"type": type, "name": name, "artist": artist}

    def run(service: SpotifyService) -> str:
        if not name.strip() and not (type == "artist" and artist.strip()):
            _, note = service.call(lambda c: c.start_playback(),
                                   device_aware=lambda c, d: c.start_playback(device_id=d))
            return f"{note}Resumed playback."
        item = _find(service, type, name, artist)
        what = ({"uris": [item["uri"]]} if type == "track" else {"context_uri": item["uri"]})
        _, note = service.call(lambda c: c.start_playback(**what),
                               device_aware=lambda c, d: c.start_playback(device_id=d, **what))
        return f"{note}Playing {_describe(type, item)}."

    return _signed_in(ctx, spotify_start_playback, arguments, run)


@plugin.command(tags=("spotify", "pause", "stop music"))
def spotify_pause_playback(ctx: Context) -> str:
    """Pause the music playing on Spotify."""

    def run(service: SpotifyService) -> str:
        from spotify_api import NoActiveDevice

        try:
            service.call(lambda c: c.pause_playback(), wake=False)
        except NoActiveDevice:
            return "Nothing is playing on Spotify, so there is nothing to pause."
        return "Paused."

    return _signed_in(ctx, spotify_pause_playback, {}, run)


@plugin.command(tags=("spotify", "next", "skip", "next song"))
def spotify_next_track(ctx: Context) -> str:
    """Skip to the next song on Spotify."""

    def run(service: SpotifyService) -> str:
        _, note = service.call(lambda c: c.next_track(),
                               device_aware=lambda c, d: c.next_track(device_id=d))
        return f"{note}Skipped to the next track."

    return _signed_in(ctx, spotify_next_track, {}, run)


@plugin.command(tags=("spotify", "previous", "back", "last song"))
def spotify_previous_track(ctx: Context) -> str:
    """Go back to the previous song on Spotify."""

    def run(service: SpotifyService) -> str:
        _, note = service.call(lambda c: c.previous_track(),
                               device_aware=lambda c, d: c.previous_track(device_id=d))
        return f"{note}Went back to the previous track."

    return _signed_in(ctx, spotify_previous_track, {}, run)


@plugin.command(tags=("spotify", "shuffle", "shuffling"))
def spotify_shuffle_playback(ctx: Context, state: bool) -> str:
    """Turn shuffle on or off on Spotify.

    Args:
        state: true to shuffle, false to play in order.
    """

    def run(service: SpotifyService) -> str:
        _, note = service.call(lambda c: c.shuffle(state),
                               device_aware=lambda c, d: c.shuffle(state, device_id=d))
        return f"{note}Shuffle is {'on' if state else 'off'}."

    return _signed_in(ctx, spotify_shuffle_playback, {"state": state}, run)


@plugin.command(tags=("spotify", "volume", "louder", "quieter", "turn up", "turn down"))
def spotify_set_volume(ctx: Context,
                       volume_level: Annotated[int, Range(0, 100),
                                               "Volume in percent"]) -> str:
    """Set the Spotify volume in percent (turn the music up or down)."""

    def run(service: SpotifyService) -> str:
        _, note = service.call(lambda c: c.volume(volume_level),
                               device_aware=lambda c, d: c.volume(volume_level, device_id=d))
        return f"{note}Volume set to {volume_level}%."

    return _signed_in(ctx, spotify_set_volume, {"volume_level": volume_level}, run)


def _clock(ms: Any) -> str:
    seconds = int(ms or 0) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


@plugin.command(tags=("spotify", "what's playing", "current song", "now playing"))
def spotify_get_currently_playing(ctx: Context) -> str:
    """Say which song is playing on Spotify right now."""

    def run(service: SpotifyService) -> str:
        playing, _ = service.call(lambda c: c.currently_playing(), wake=False)
        item = (playing or {}).get("item")
        if not isinstance(item, dict):
            return "Nothing is playing on Spotify right now."
        album = (item.get("album") or {}).get("name")
        state = "Now playing" if playing.get("is_playing") else "Paused"
        return (f"{state}: {_describe('track', item)}"
                + (f" from “{album}”" if album else "")
                + f" ({_clock(playing.get('progress_ms'))} of {_clock(item.get('duration_ms'))}).")

    return _signed_in(ctx, spotify_get_currently_playing, {}, run)


@plugin.command(tags=("spotify", "queue", "add to queue", "up next", "add song"))
def spotify_queue_track(ctx: Context, name: str, type: Kind = "track",
                        artist: str = "") -> str:
    """Add a song to the Spotify queue, to play after the current one.

    Args:
        name: The name of the song (required: there is nothing to queue without it).
        type: What to queue: track (Spotify queues songs only).
        artist: The artist, to pick the right song.
    """
    arguments = {"type": type, "name": name, "artist": artist}

    def run(service: SpotifyService) -> str:
        if type != "track":
            raise CommandError(f"Spotify can only queue songs, not a whole {type}. To hear "
                               f"it now, say \"play the {type} {name.strip() or '...'}\".")
        if not name.strip():
            raise CommandError("Which song should I add to the queue? Say its name.")
        item = _find(service, "track", name, artist)
        uri = item["uri"]
        _, note = service.call(lambda c: c.add_to_queue(uri),
                               device_aware=lambda c, d: c.add_to_queue(uri, device_id=d))
        return f"{note}Added {_describe('track', item)} to the queue."

    return _signed_in(ctx, spotify_queue_track, arguments, run)


@plugin.command(tags=("spotify", "playlists", "my playlists", "show", "list"))
def spotify_get_user_playlists(ctx: Context,
                               limit: Annotated[int, Range(1, 50),
                                                "How many playlists to list"] = 10) -> str:
    """List (show) your Spotify playlists."""

    def run(service: SpotifyService) -> str:
        page, _ = service.call(lambda c: c.current_user_playlists(limit=limit), wake=False)
        items = [p for p in (page or {}).get("items") or [] if isinstance(p, dict)]
        if not items:
            return "You have no playlists on Spotify yet."
        total = (page or {}).get("total") or len(items)
        lines = [f"Your playlists ({len(items)} of {total}):" if total > len(items)
                 else "Your playlists:"]
        for number, playlist in enumerate(items, 1):
            tracks = (playlist.get("tracks") or playlist.get("items") or {}).get("total")
            count = f" — {tracks} track{'s' if tracks != 1 else ''}" if tracks is not None else ""
            lines.append(f"{number}. {playlist.get('name') or '(untitled)'}{count}")
        return "\n".join(lines)

    return _signed_in(ctx, spotify_get_user_playlists, {"limit": limit}, run)


@plugin.on_input
def sign_in_follow_up(text: str, ctx: Context) -> str:
    """What the user says while a sign-in is pending: finish it and run the waiting command."""
    from signin import DONE

    service: SpotifyService | None = _service_slot["current"]
    listener = service.listener if service is not None else None
    if service is None or listener is None:
        return "Nothing is waiting for you here. Ask me to play something on Spotify."
    if text.strip().lower().strip(".!") in CANCEL_WORDS:
        service.cancel_sign_in()
        return "Spotify sign-in cancelled. Ask again whenever you like."
    listener.wait(SIGN_IN_GRACE)
    if listener.waiting:
        ctx.keep_session(True)
        raise CommandError(f"Spotify has not sent the sign-in back yet. Open {service.sign_in_url}"
                           ", choose Agree, then say anything here (or \"cancel\").")
    pending, service.pending = service.pending, None
    if listener.status != DONE:
        why = (listener.error or "it was cancelled").rstrip(".")
        raise CommandError(f"The Spotify sign-in did not finish: {why}. Ask again for a new link.")
    if pending is None:
        return "Signed in to Spotify. What would you like to hear?"
    command, arguments = pending
    ctx.stream("Signed in to Spotify.\n\n")
    return command(ctx, **arguments)


if __name__ == "__main__":
    plugin.run()
