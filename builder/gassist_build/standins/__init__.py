# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Local stand-ins for the services the sample plug-ins call: Twitch, IFTTT, Discord,
Gemini and Spotify.

Each is a small HTTP server on 127.0.0.1 (ephemeral port, standard library only)
that answers like the real API: the same paths, JSON shapes, auth checks (a wrong
key or token is refused with the service's own 401/403) and limits. Every request is
recorded, so tests can assert on what a plug-in sent. ``make demo`` runs the sample
plug-ins against them; so can you::

    python -m gassist_build.standins            # prints the URLs, serves until Ctrl-C

It writes one config file per sample into a private temporary folder (or
``--config-dir DIR``) and prints how to use them, e.g.
``gassist-build call plugins/twitch check_twitch_live_status username=pixel_pioneer
--config DIR/twitch.json``. The keys and tokens they accept are fake
(:data:`DEMO_SECRET`) and never printed. In Python::

    from gassist_build.standins import LocalServices

    with LocalServices() as services:
        services.twitch.api_url       # http://127.0.0.1:<port>/helix
        services.discord.messages     # what the Discord stand-in accepted
        services.gemini.questions     # what Gemini was asked
        services.spotify.commands     # the player commands Spotify got
"""

from __future__ import annotations

from ._server import FormPart, RecordedRequest, Reply, StandinServer
from .discord import Attachment, DiscordStandin, PostedMessage
from .gemini import CannedAnswer, GeminiStandin, WebSource
from .ifttt import Headline, IftttStandin, Trigger
from .services import (
    DEMO_CLIENT_ID,
    DEMO_SECRET,
    DEMO_SPOTIFY_CLIENT_ID,
    LocalServices,
    write_screenshot,
)
from .spotify import Device, Playlist, SpotifyStandin, Track
from .twitch import Channel, Game, LiveStream, TwitchStandin

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_SECRET",
    "DEMO_SPOTIFY_CLIENT_ID",
    "Attachment",
    "CannedAnswer",
    "Channel",
    "Device",
    "DiscordStandin",
    "FormPart",
    "Game",
    "GeminiStandin",
    "Headline",
    "IftttStandin",
    "LiveStream",
    "LocalServices",
    "Playlist",
    "PostedMessage",
    "RecordedRequest",
    "Reply",
    "SpotifyStandin",
    "StandinServer",
    "Track",
    "Trigger",
    "TwitchStandin",
    "WebSource",
    "write_screenshot",
]
