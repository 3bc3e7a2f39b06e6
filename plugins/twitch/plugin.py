# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""twitch — is a streamer live, and what are the top live streams on Twitch.

The commands and their wording live here; the HTTP calls and the app access token live in
``twitch_api.py``, imported on the first call so that start-up stays as fast as ``hello``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from gassist_sdk import CommandError, Context, Plugin, setting

if TYPE_CHECKING:
    from twitch_api import TwitchAPI

CONSOLE_URL = "https://dev.twitch.tv/console/apps"


@dataclass
class TwitchConfig:
    """The settings in config.json."""

    client_id: str = setting(description="Client ID of your Twitch application",
                             help=CONSOLE_URL)
    client_secret: str = setting(description="Client secret of your Twitch application",
                                 secret=True, help=CONSOLE_URL)
    api_url: str = setting("https://api.twitch.tv/helix",
                           description="Base URL of the Twitch Helix API")
    auth_url: str = setting("https://id.twitch.tv/oauth2",
                            description="Base URL of Twitch's OAuth service (app access tokens)")


plugin = Plugin(
    "twitch", version="1.0.0",
    description="Tells whether Twitch streamers are live (title, game, viewers, uptime) "
                "and lists the top live streams, for any game.",
    config=TwitchConfig,
    setup_help=(f"Register an application at {CONSOLE_URL} (\"Register Your Application\": "
                "any name, OAuth Redirect URL http://localhost, category Application "
                "Integration, client type Confidential), then copy its Client ID and create a "
                "New Secret on the application's Manage page."),
)

_SEPARATORS = re.compile(r"[\s,;&+]+")
_CONNECTIVES = {"and", "or"}
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.|m\.)?twitch\.tv/", re.IGNORECASE)
_client: TwitchAPI | None = None
_client_for: tuple[str, ...] = ()


def _twitch(ctx: Context) -> TwitchAPI:
    """The API client for the current config (made again when config.json changed)."""
    global _client, _client_for
    from twitch_api import TwitchAPI  # first use: keeps requests out of start-up

    config: TwitchConfig = ctx.config
    wanted = (config.client_id, config.client_secret, config.api_url, config.auth_url)
    if _client is None or _client_for != wanted:
        if _client is not None:
            _client.close()
        _client = TwitchAPI(config.client_id, config.client_secret, api_url=config.api_url,
                            auth_url=config.auth_url,
                            token_file=ctx.plugin_dir / "auth.json")
        _client_for = wanted
    return _client


def _logins(names: list[str]) -> list[str]:
    """Login names from what the user said: "ninja, shroud", "ninja and shroud", a list."""
    from twitch_api import MAX_LOGINS, is_login

    found: list[str] = []
    for text in names:
        for word in _SEPARATORS.split(text.strip()):
            word = _URL_PREFIX.sub("", word).strip("@#?!.\"'“”")
            if word and word.lower() not in _CONNECTIVES and word.lower() not in found:
                found.append(word.lower())
    if not found:
        raise CommandError("Tell me which Twitch streamer to check, e.g. “is ninja live?”.")
    wrong = [name for name in found if not is_login(name)]
    if wrong:
        listed = ", ".join(f"“{name}”" for name in wrong)
        verb = "is not a Twitch username" if len(wrong) == 1 else "are not Twitch usernames"
        raise CommandError(f"{listed} {verb}: Twitch usernames are 4 to 25 letters, digits "
                           "or underscores.")
    if len(found) > MAX_LOGINS:
        raise CommandError(f"I can check at most {MAX_LOGINS} streamers at once; "
                           f"you gave me {len(found)}.")
    return found


def _uptime(started_at: Any) -> str:
    from datetime import datetime, timezone  # ~1.4 ms: not before initialize

    try:
        started = datetime.fromisoformat(str(started_at).replace("Z", "+00:00"))
    except ValueError:
        return ""
    if started.tzinfo is None:
        started = started.replace(tzinfo=timezone.utc)
    minutes = int((datetime.now(timezone.utc) - started).total_seconds() // 60)
    if minutes < 1:
        return "live for less than a minute"
    hours, minutes = divmod(minutes, 60)
    return f"live for {hours} h {minutes} min" if hours else f"live for {minutes} min"


def _viewers(stream: dict[str, Any]) -> str:
    count = stream.get("viewer_count")
    if not isinstance(count, int) or isinstance(count, bool):
        return ""
    return f"{count:,} viewer{'' if count == 1 else 's'}"


def _describe(stream: dict[str, Any], *, game: bool = True) -> str:
    """`“Title” — Fortnite, 12,345 viewers, live for 2 h 14 min`, leaving out what is missing."""
    title = str(stream.get("title") or "").strip()
    details = [str(stream.get("game_name") or "").strip() if game else "", _viewers(stream),
               _uptime(stream.get("started_at"))]
    details_text = ", ".join(part for part in details if part)
    if title and details_text:
        return f"“{title}” — {details_text}"
    return f"“{title}”" if title else details_text


@plugin.command(tags=("twitch", "live", "online", "streaming", "streamer", "is live",
                      "stream status"))
def check_twitch_live_status(
    username: Annotated[list[str], "The Twitch username(s), e.g. “ninja”, or several: "
                                   "“ninja, shroud”"],
    ctx: Context,
) -> str:
    """Check whether Twitch streamers are live now, with title, game, viewers and uptime:
    "is ninja live?", "is ninja or shroud streaming?", "is xqc online on Twitch?".

    Several names are checked with one request.
    """
    logins = _logins(username)
    twitch = _twitch(ctx)
    with twitch.command():  # both requests (and a token) within the command's time
        live = {str(stream.get("user_login", "")).lower(): stream
                for stream in twitch.streams_of(logins)}
        not_live = [login for login in logins if login not in live]
        known = ({str(user.get("login", "")).lower(): user for user in twitch.users(not_live)}
                 if not_live else {})
    lines = []
    for login in logins:
        if login in live:
            stream = live[login]
            name = stream.get("user_name") or login
            about = _describe(stream)
            lines.append(f"**{name}** is LIVE{': ' + about if about else ''}.")
        elif login in known:
            lines.append(f"**{known[login].get('display_name') or login}** is offline.")
        else:
            lines.append(f"There is no Twitch user called “{login}”.")
    if len(lines) == 1:
        return lines[0]
    return "\n".join(f"- {line}" for line in lines)


@plugin.command(tags=("twitch", "top streams", "popular", "trending", "most watched",
                      "who is streaming"))
def get_top_twitch_streams(
    ctx: Context,
    game: Annotated[str | None, "A game or category, e.g. “Fortnite” (all games when "
                                   "left out)"] = None,
    limit: Annotated[int, "How many streams to list, 1 to 20"] = 5,
) -> str:
    """List the most-watched live streams on Twitch right now, optionally for one game:
    "top Twitch streams", "who is streaming Fortnite?", "most watched Valorant streams".
    """
    twitch = _twitch(ctx)
    limit = max(1, min(20, limit))
    game_id = None
    where = "on Twitch"
    with twitch.command():  # the game and the streams within the command's time
        if game and game.strip():
            found = twitch.game(game.strip())
            if found is None:
                raise CommandError(f"Twitch has no game or category called “{game.strip()}”; "
                                   "check the spelling and use its full name.")
            game_id = str(found.get("id", ""))
            where = f"in {found.get('name') or game.strip()} on Twitch"
        streams = twitch.top_streams(limit, game_id)
    if not streams:
        return f"Nobody is streaming {where} right now."
    lines = [f"The most-watched live streams {where} right now:"]
    for number, stream in enumerate(streams[:limit], 1):
        name = stream.get("user_name") or stream.get("user_login") or "?"
        # In a list for one game, the game on every line is noise.
        lines.append(f"{number}. **{name}** — {_describe(stream, game=game_id is None)}")
    return "\n".join(lines)


if __name__ == "__main__":
    plugin.run()
