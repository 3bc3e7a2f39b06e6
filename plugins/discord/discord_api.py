# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Posting to Discord: a bot in one channel, or a channel's webhook.

Both take the same bodies: JSON ``{"content": ...}`` for text, and multipart
(``files[0]`` plus ``payload_json``) for an upload. The bot posts to
``{api_url}/channels/{channel_id}/messages`` with ``Authorization: Bot <token>``;
the webhook to ``<webhook_url>?wait=true`` (so Discord answers with the message).

A webhook URL carries its token in the path, so it is never put into a
sentence, and the token is handed to the plug-in's redactor.

HTTP goes through :class:`gassist_sdk.http.ServiceClient`, which imports
``requests`` on the first request only.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gassist_sdk import CommandError

__all__ = ["MAX_MESSAGE", "MAX_PARTS", "DiscordClient", "DiscordError", "Target",
           "file_size", "split_message", "target_from_config", "too_big"]

MAX_MESSAGE = 2000  # characters in one Discord message
MAX_PARTS = 5  # a longer text is refused rather than flooding the channel
MAX_WAIT = 10.0  # seconds we wait for a 429 once; longer and the user is told to retry
TIMEOUT = (3.05, 20.0)  # connect, read: an upload of 10 MB needs time to be answered
# One command, every message and the 429 wait included, stays under the engine's 30 s.
BUDGET = 25.0
MIN_ATTEMPT = 3.0  # seconds a POST needs at least; with less left it is not started
OUT_OF_TIME = ("Discord answered too slowly, so there was no time left to send more within "
               "G-Assist's 30-second limit.")
USER_AGENT = "DiscordBot (gassist-sdk discord sample, 1.0.0)"
# Nobody asked a voice assistant to ping @everyone: only user mentions notify.
ALLOWED_MENTIONS = {"parse": ["users"]}

BOT_PORTAL = "https://discord.com/developers/applications"
WEBHOOK_PLACE = "Server Settings > Integrations > Webhooks"


class DiscordError(CommandError):
    """A failure told to the user in one sentence (never holding a secret)."""


class Target:
    """Where messages go: a bot's channel or a webhook, with its wording for errors.

    Attributes:
        mode: ``"bot"`` or ``"webhook"``.
        url: The endpoint messages are POSTed to (a webhook's holds its token).
        params: Query parameters added to each POST.
        headers: Headers added to each POST.
        setting: The config key naming the endpoint's host (for "cannot reach").
        channel_id: The bot's channel ('' for a webhook).
        token: The secret in the endpoint or the headers.
    """

    def __init__(self, mode: str, url: str, *, params: list[tuple[str, str]],
                 headers: dict[str, str], setting: str, channel_id: str, token: str) -> None:
        self.mode = mode
        self.url = url
        self.params = params
        self.headers = headers
        self.setting = setting
        self.channel_id = channel_id
        self.token = token

    @property
    def where(self) -> str:
        """How replies name the destination."""
        return f"Discord channel {self.channel_id}" if self.mode == "bot" else \
            "Discord (through the webhook)"


def target_from_config(config: Any, webhook_secret: Callable[[str], str | None]) -> Target:
    """The destination a checked config describes: the bot when it is set up, else the webhook.

    ``DiscordConfig.__post_init__`` has already refused a config with neither, or with
    a value of the wrong shape (the SDK then runs its setup conversation), and tidied
    ``bot_token`` and ``channel_id``.
    """
    token, channel = config.bot_token, config.channel_id
    if token and channel:
        api_url = (config.api_url or "").strip().rstrip("/")
        return Target("bot", f"{api_url}/channels/{channel}/messages", params=[],
                      headers={"Authorization": f"Bot {token}", "User-Agent": USER_AGENT},
                      setting="api_url", channel_id=channel, token=token)
    secret = webhook_secret(config.webhook_url)
    if secret is None:  # pragma: no cover - the config check refuses it first
        raise DiscordError("webhook_url is not a Discord webhook URL.")
    return Target("webhook", config.webhook_url, params=[("wait", "true")], headers={},
                  setting="webhook_url", channel_id="", token=secret)


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at a line break or space.

    A piece is cut at the last line break before the limit, else the last space,
    else at the limit itself (one very long word). The break itself is dropped.
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit + 1]  # a break right at the limit still counts
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            pieces.append(rest[:limit])
            rest = rest[limit:]
            continue
        pieces.append(rest[:cut])
        rest = rest[cut + 1:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def file_size(size: int) -> str:
    """``"812 bytes"``, ``"34 KB"``, ``"12.3 MB"`` (binary units, as Discord counts its limits)."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1048576:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


def too_big(path: Path, size: int, limit_mb: float) -> str | None:
    """Why the file cannot be uploaded, or None when it is small enough."""
    if size <= limit_mb * 1048576:
        return None
    return (f"{path.name} is {file_size(size)}, over the {limit_mb:g} MB upload limit "
            "(max_upload_mb in config.json), so it was not sent; trim it, or raise max_upload_mb "
            "if your server allows bigger uploads.")


class DiscordClient:
    """Sends messages and files to one :class:`Target`.

    One client serves one command: used as a context manager, every POST it makes,
    and the wait after a 429, fit in :data:`BUDGET` seconds (the SDK's per-command
    deadline), so a slow Discord cannot push a long message in parts (or a retried
    upload) past the engine's 30 s call limit.

    Args:
        target: Where to post.
        sleep: How to wait for a 429's ``retry_after`` (tests record it).
    """

    def __init__(self, target: Target, *, sleep: Callable[[float], None] | None = None) -> None:
        from contextlib import ExitStack

        from gassist_sdk.http import ServiceClient

        self.target = target
        self._sleep = sleep or _wait
        self._limit = ExitStack()
        # retries=0: the one retry after a 429 is ours, so it can honour Discord's
        # JSON retry_after as well as the header; other POSTs are never re-sent.
        self._api = ServiceClient("Discord", target.url, setting=target.setting,
                                  headers=target.headers, timeout=TIMEOUT, retries=0,
                                  budget=BUDGET)

    def close(self) -> None:
        """Close the connection."""
        self._api.close()

    def __enter__(self) -> DiscordClient:
        from gassist_sdk.http import deadline

        self._limit.enter_context(deadline(BUDGET, message=OUT_OF_TIME, min_left=MIN_ATTEMPT))
        return self

    def __exit__(self, *exc: object) -> None:
        self._limit.close()
        self.close()

    def send_text(self, content: str) -> dict[str, Any]:
        """Post one message (at most 2,000 characters); Discord's message object."""
        body = {"content": content, "allowed_mentions": ALLOWED_MENTIONS}
        return self._post(lambda: {"json": body})

    def send_file(self, path: Path, content: str = "") -> dict[str, Any]:
        """Upload one file, with ``content`` as its message; Discord's message object."""
        import mimetypes

        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        payload: dict[str, Any] = {"attachments": [{"id": 0, "filename": path.name}],
                                   "allowed_mentions": ALLOWED_MENTIONS}
        if content:
            payload = {"content": content, **payload}
        opened: list[Any] = []

        def body() -> dict[str, Any]:
            handle = path.open("rb")  # opened again for the retry: the first read it all
            opened.append(handle)
            return {"data": {"payload_json": json.dumps(payload)},
                    "files": {"files[0]": (path.name, handle, mime)}}

        try:
            return self._post(body, upload=path)
        finally:
            for handle in opened:
                handle.close()

    def _post(self, body: Callable[[], dict[str, Any]], upload: Path | None = None
              ) -> dict[str, Any]:
        from gassist_sdk.http import ServiceError, time_left

        for attempt in (1, 2):
            try:  # inside the deadline: with too little time left this raises OUT_OF_TIME
                response = self._api.request("POST", self.target.url, params=self.target.params,
                                             **body())
                break
            except ServiceError as error:
                wait = retry_after(error)
                left = time_left()
                if (error.kind == "rate_limited" and attempt == 1 and wait is not None
                        and wait <= MAX_WAIT
                        and (left is None or left - wait >= MIN_ATTEMPT)):
                    self._sleep(wait)
                    continue
                raise DiscordError(self.explain(error, upload, wait)) from None
            except OSError as error:  # the file went away between finding and reading it
                name = upload.name if upload else "the file"
                raise DiscordError(f"Cannot read {name}: {error.strerror or error}.") from None
        try:
            message = response.json()
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise DiscordError(
                "Discord answered, but its reply could not be read, so I cannot tell whether it "
                "was posted; check the channel.")
        return message

    def explain(self, error: Any, upload: Path | None, wait: float | None) -> str:
        """The sentence for a failed POST, in the words of this mode."""
        target, status = self.target, error.status
        bot = target.mode == "bot"
        if error.kind == "auth" and status == 401:
            if bot:
                return (f"Discord rejected the bot token (401 Unauthorized): copy a fresh one "
                        f"from {BOT_PORTAL} (your application > Bot > Reset Token) into "
                        "bot_token in config.json.")
            return ("Discord rejected the webhook's token (401 Unauthorized): copy the webhook "
                    f"URL again from {WEBHOOK_PLACE} into webhook_url in config.json.")
        if error.kind == "auth":
            if bot:
                return (f"The bot may not post in channel {target.channel_id} (403 Forbidden): "
                        "add it to that server and give it the View Channel, Send Messages and "
                        "Attach Files permissions in the channel.")
            return ("Discord refused the webhook (403 Forbidden): it may no longer post in its "
                    f"channel; create a new one in {WEBHOOK_PLACE}.")
        if error.kind == "not_found":
            if bot:
                return (f"Discord has no channel {target.channel_id} that the bot can see (404 "
                        "Not Found): check channel_id in config.json (right-click the channel > "
                        "Copy Channel ID).")
            return ("The Discord webhook no longer exists (404 Not Found): it was deleted or "
                    f"webhook_url is mistyped; create one in {WEBHOOK_PLACE} and put its URL "
                    "in webhook_url in config.json.")
        if error.kind == "rate_limited":
            seconds = math.ceil(wait) if wait else 0
            later = (f"wait {seconds} second{'s' if seconds != 1 else ''}" if seconds
                     else "wait a moment")
            who = "bot" if bot else "webhook"
            return f"Discord is rate-limiting this {who}: {later} and try again."
        if status == 413 and upload is not None:
            return (f"{upload.name} is larger than this Discord server accepts (413 Payload Too "
                    "Large); set max_upload_mb in config.json to the server's upload limit.")
        if error.kind == "bad_reply":
            return ("Discord answered, but its reply could not be read, so I cannot tell whether "
                    "it was posted; check the channel.")
        if error.kind == "http":
            detail = error.detail  # Discord's "message", read by the SDK
            return f"Discord refused the message (HTTP {status}{': ' + detail if detail else ''})."
        return str(error)  # timeout, unreachable, 5xx: the SDK's sentences name only the host


def _wait(seconds: float) -> None:
    """Wait out a 429 (a module function, so tests can record the wait instead)."""
    time.sleep(seconds)


def retry_after(error: Any) -> float | None:
    """Seconds Discord asked us to wait: the JSON body's ``retry_after``, else the header."""
    response = getattr(error, "response", None)
    if response is not None:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            value = body.get("retry_after")
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                return float(value)
    return getattr(error, "retry_after", None)
