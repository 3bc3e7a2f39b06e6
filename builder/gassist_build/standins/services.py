# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The stand-ins together, and the sample plug-ins' config.json pointing at them."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from ._server import StandinServer
from .discord import DiscordStandin
from .gemini import GeminiStandin
from .ifttt import IftttStandin
from .spotify import SpotifyStandin
from .twitch import TwitchStandin

__all__ = ["DEMO_CLIENT_ID", "DEMO_SECRET", "DEMO_SPOTIFY_CLIENT_ID", "LocalServices",
           "write_screenshot"]

#: Every key, secret and token the stand-ins accept: obviously not a real one.
DEMO_SECRET = "demo-not-a-real-secret"
#: The Twitch client ID they accept (not a secret, but not a real application either).
DEMO_CLIENT_ID = "demo-client-id-not-real"
#: The Spotify app client ID they accept (a client ID is not a secret; PKCE needs no secret).
DEMO_SPOTIFY_CLIENT_ID = "demo0spotify0client0id0not0real"
#: The event the IFTTT sample triggers by default.
DEMO_EVENT = "game_routine"


class LocalServices:
    """Twitch, IFTTT, Discord, Gemini and Spotify stand-ins on 127.0.0.1, each on an
    ephemeral port.

    A context manager: ``with LocalServices() as services:`` starts them all and
    stops them on the way out.
    """

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self.twitch = TwitchStandin(DEMO_CLIENT_ID, DEMO_SECRET, host=host)
        self.ifttt = IftttStandin(DEMO_SECRET, host=host)
        self.discord = DiscordStandin(DEMO_SECRET, webhook_token=DEMO_SECRET, host=host)
        self.gemini = GeminiStandin(DEMO_SECRET, host=host)
        self.spotify = SpotifyStandin(DEMO_SPOTIFY_CLIENT_ID, host=host)

    @property
    def all(self) -> tuple[StandinServer, ...]:
        """Every stand-in, in start order."""
        return (self.twitch, self.ifttt, self.discord, self.gemini, self.spotify)

    def start(self) -> LocalServices:
        """Start them all (none is left running when one fails to start)."""
        try:
            for standin in self.all:
                standin.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop them all."""
        for standin in self.all:
            standin.stop()

    def __enter__(self) -> LocalServices:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def public_urls(self) -> dict[str, dict[str, str]]:
        """Plug-in -> the settings that hold no secret (what may be printed)."""
        return {
            "twitch": {"api_url": self.twitch.api_url, "auth_url": self.twitch.auth_url},
            "ifttt": {"ifttt_url": self.ifttt.ifttt_url,
                      "news_feeds": self.ifttt.feed_url("pc-articles")},
            "discord": {"api_url": self.discord.api_url},
            "gemini": {"api_url": self.gemini.api_url},
            "spotify": {"api_url": self.spotify.api_url,
                        "accounts_url": self.spotify.accounts_url},
        }

    def plugin_configs(self, capture_folder: Path) -> dict[str, dict[str, Any]]:
        """Plug-in name -> the config.json that points the sample at these stand-ins.

        These hold the demo secrets: write them to files, never print them.
        """
        return {
            "twitch": {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_SECRET,
                       "api_url": self.twitch.api_url, "auth_url": self.twitch.auth_url},
            "ifttt": {"webhook_key": DEMO_SECRET, "event_name": DEMO_EVENT,
                      "ifttt_url": self.ifttt.ifttt_url,
                      "news_feeds": [self.ifttt.feed_url("pc-articles"),
                                     self.ifttt.feed_url("all")]},
            "discord": {"bot_token": DEMO_SECRET, "channel_id": self.discord.channel_id,
                        "webhook_url": self.discord.webhook_url,
                        "api_url": self.discord.api_url,
                        "capture_folders": [str(capture_folder)]},
            "gemini": {"api_key": DEMO_SECRET, "api_url": self.gemini.api_url},
            "spotify": {"client_id": DEMO_SPOTIFY_CLIENT_ID, "api_url": self.spotify.api_url,
                        "accounts_url": self.spotify.accounts_url},
        }

    def plugin_token_caches(self) -> dict[str, dict[str, Any]]:
        """Plug-in name -> the ``auth.json`` to put in its folder (signed in already).

        Only Spotify needs one: its access token is issued expired, so the plug-in's first
        call refreshes it through the accounts stand-in. Tokens: never print them.
        """
        return {"spotify": self.spotify.token_cache(expired=True)}


def _png(width: int, height: int) -> bytes:
    """A small valid PNG: a green-to-blue gradient, 8-bit RGB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"".join(bytes((30, 185 - 4 * y, 60 + 8 * x)) for x in range(width))
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def write_screenshot(capture_folder: Path, game: str = "Starfall Drift") -> Path:
    """A small ``.png`` in ``<capture_folder>/<game>/``, named the way NVIDIA's app names one."""
    folder = capture_folder / game
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{game} Screenshot 2026.12.02 - 18.30.00.00.png"
    path.write_bytes(_png(16, 9))
    return path
