# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""discord — post messages, charts, clips and screenshots to a Discord channel.

Works with a bot (``bot_token`` + ``channel_id``) or with only a channel's
``webhook_url``. The HTTP calls live in ``discord_api.py``, finding the newest
capture in ``captures.py``; both are imported by the first command, so the
plug-in answers ``initialize`` with the standard library alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from gassist_sdk import ConfigError, Context, Plugin, setting

if TYPE_CHECKING:
    from pathlib import Path

    from captures import CaptureKind
    from discord_api import DiscordClient

BOT_PORTAL = "https://discord.com/developers/applications"
WEBHOOK_PLACE = "Server Settings > Integrations > Webhooks"
COPY_CHANNEL_ID = ("in Discord right-click the channel and choose Copy Channel ID (turn on "
                   "Developer Mode under User Settings > Advanced first)")
_CHANNEL_URL = re.compile(r"/channels/(?:\d+|@me)/(\d+)/?$")


@dataclass
class DiscordConfig:
    """config.json: a bot and its channel, or a webhook; all optional, one way is enough."""

    bot_token: str = setting("", description="Token of your Discord bot (your application > "
                             "Bot > Reset Token)", secret=True, help=BOT_PORTAL)
    channel_id: str = setting("", description="ID of the channel the bot posts in (right-click "
                              "the channel > Copy Channel ID, with Developer Mode on)")
    webhook_url: str = setting("", description="Instead of a bot: a channel webhook's URL",
                               secret=True, help="Server Settings > Integrations > Webhooks > "
                               "New Webhook > Copy Webhook URL")
    api_url: str = setting("https://discord.com/api/v10",
                           description="Discord's API address (change it only for a proxy or "
                           "a test server)")
    # setting() copies a list default per instance (a default_factory).
    capture_folders: list[str] = setting(
        [], description="Folders holding your charts, clips and screenshots (their subfolders "
        "are searched too); empty: NVIDIA's folders under your Videos folder")
    max_upload_mb: float = setting(10.0, description="Largest file to upload, in MB (Discord's "
                                   "limit is 10 MB unless your server allows more)")

    def __post_init__(self) -> None:
        """One way of posting must be complete, and its values must be of the right shape.

        A ConfigError makes the SDK's setup conversation show the sentence and ask for
        the fields it names; a pasted value that is still wrong is asked for again.
        Values are tidied in place: a ``Bot `` prefix on the token, a channel link.
        """
        token = (self.bot_token or "").strip()
        if token[:4].lower() == "bot ":  # pasted with the header's prefix
            token = token[4:].strip()
        channel = (self.channel_id or "").strip()
        found = _CHANNEL_URL.search(channel)  # a pasted channel link works too
        if found:
            channel = found.group(1)
        self.bot_token, self.channel_id = token, channel
        self.webhook_url = (self.webhook_url or "").strip()
        if token and channel:
            if not channel.isdigit():
                raise ConfigError(
                    "channel_id must be the channel's number (like 123456789012345678), not "
                    f"{channel!r}: {COPY_CHANNEL_ID}", fields=("channel_id",))
            return
        if self.webhook_url:
            if webhook_secret(self.webhook_url) is None:
                raise ConfigError(
                    f"webhook_url is not a Discord webhook URL: copy it again from {WEBHOOK_PLACE}"
                    " > your webhook > Copy Webhook URL", fields=("webhook_url",))
            return
        if token:
            raise ConfigError(f"bot_token is set but channel_id is missing: {COPY_CHANNEL_ID}; "
                              "or paste a webhook_url instead of the bot", fields=("channel_id",))
        if channel:
            raise ConfigError(
                f"channel_id is set but bot_token is missing: copy your bot's token from "
                f"{BOT_PORTAL} (your application > Bot > Reset Token); or paste a webhook_url "
                "instead of the bot", fields=("bot_token",))
        raise ConfigError("Discord is not set up yet: it needs either a channel's webhook_url, or "
                          "a bot_token with the channel_id the bot posts in",
                          fields=("webhook_url", "bot_token", "channel_id"))


def webhook_secret(url: str) -> str | None:
    """The token in a Discord webhook URL (``.../webhooks/<id>/<token>``); None if it is not one."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if (parts.scheme not in ("http", "https") or not parts.netloc or "webhooks" not in segments
            or len(segments) < segments.index("webhooks") + 3):
        return None
    return segments[segments.index("webhooks") + 2]


plugin = Plugin(
    "discord", version="1.0.0",
    description="Posts messages, G-Assist charts, ShadowPlay clips and screenshots to your "
                "Discord channel.",
    config=DiscordConfig,
    setup_help=f"Use a channel's webhook URL ({WEBHOOK_PLACE}), the quickest way, or a bot "
               f"(create one at {BOT_PORTAL}) with the ID of the channel it posts in.",
)

Caption = Annotated[str | None, "Text to post with the file (optional)"]


@plugin.command(tags=("discord", "message", "send", "post", "tell", "chat", "friends",
                      "channel"))
def send_message_to_discord_channel(
        message: Annotated[str, "The text to post in the Discord channel"], ctx: Context) -> str:
    """Send a text message to the user's Discord channel: "send this to discord",
    "tell my Discord I'm on in 10 minutes", "post gg on discord".
    """
    from discord_api import MAX_MESSAGE, DiscordError

    parts = _parts(message, "message")
    if not "".join(parts).strip():
        raise DiscordError("There is nothing to send: the message is empty.")
    with _client(ctx) as client:
        _deliver(client, parts)
        where = client.target.where
    if len(parts) == 1:
        return f"Sent to {where}."
    return (f"Sent to {where} as {len(parts)} messages (Discord allows {MAX_MESSAGE:,} characters "
            "per message).")


@plugin.command(tags=("discord", "chart", "performance", "csv", "fps", "share", "upload",
                      "g-assist"))
def send_latest_chart_to_discord_channel(ctx: Context, caption: Caption = None) -> str:
    """Send the newest G-Assist performance chart (CSV) to the user's Discord channel:
    "send my performance chart to discord", "share my fps chart on discord".
    """
    from captures import CHART

    return _send_latest(CHART, caption, ctx)


@plugin.command(tags=("discord", "clip", "video", "shadowplay", "highlight", "replay",
                      "share", "upload"))
def send_latest_shadowplay_clip_to_discord_channel(ctx: Context, caption: Caption = None) -> str:
    """Send the most recent ShadowPlay / NVIDIA app video clip to the user's Discord channel:
    "send my last clip to discord", "share that highlight on discord".
    """
    from captures import CLIP

    return _send_latest(CLIP, caption, ctx)


@plugin.command(tags=("discord", "screenshot", "picture", "image", "capture", "share",
                      "upload"))
def send_latest_screenshot_to_discord_channel(ctx: Context, caption: Caption = None) -> str:
    """Send the latest game screenshot to the user's Discord channel:
    "send my last screenshot to discord", "post that screenshot on discord".
    """
    from captures import SCREENSHOT

    return _send_latest(SCREENSHOT, caption, ctx)


def _send_latest(kind: CaptureKind, caption: str | None, ctx: Context) -> str:
    """Find the newest capture of ``kind``, check its size, upload it with the caption."""
    from captures import default_folders, expand_folders, newest_capture
    from discord_api import DiscordError, file_size, too_big

    config: DiscordConfig = ctx.config
    parts = _parts((caption or "").strip(), "caption")  # a blank caption is no caption
    with _client(ctx) as client:
        folders = expand_folders(config.capture_folders) or default_folders(kind)
        found = newest_capture(kind, folders)
        if found is None:
            searched = ", ".join(str(folder) for folder in folders)
            raise DiscordError(f"No {kind.label} found in {searched} or their subfolders; set "
                               "capture_folders in config.json to the folder your captures are "
                               "saved in.")
        try:
            size = found.stat().st_size
        except OSError as error:
            raise DiscordError(f"Cannot read {found.name}: {error.strerror or error}.") from None
        refused = too_big(found, size, config.max_upload_mb)
        if refused:
            raise DiscordError(refused)
        _deliver(client, parts, upload=found)
        where = client.target.where
    reply = f"Sent the latest {kind.name}, {found.name} ({file_size(size)}), to {where}."
    if len(parts) > 1:
        reply += f" The caption followed in {len(parts) - 1} more message(s)."
    return reply


def _parts(text: str, what: str) -> list[str]:
    """The text as Discord messages; too long for MAX_PARTS of them is refused up front."""
    from discord_api import MAX_MESSAGE, MAX_PARTS, DiscordError, split_message

    parts = split_message(text)
    if len(parts) > MAX_PARTS:
        raise DiscordError(
            f"That {what} is {len(text):,} characters; Discord takes {MAX_MESSAGE:,} per message "
            f"and I send at most {MAX_PARTS} messages at once ({MAX_PARTS * MAX_MESSAGE:,} "
            "characters), so nothing was sent; shorten it.")
    return parts


def _client(ctx: Context) -> DiscordClient:
    """The client for what config.json sets up (its secret registered for redaction)."""
    from discord_api import DiscordClient, target_from_config

    target = target_from_config(ctx.config, webhook_secret)
    plugin.redactor.add([target.token])  # a webhook's token is a part of its URL
    return DiscordClient(target)


def _deliver(client: DiscordClient, parts: list[str], upload: Path | None = None) -> None:
    """Post the parts in order (the first with the file); says how far it got on failure."""
    from discord_api import DiscordError

    for index, part in enumerate(parts):
        try:
            if index == 0 and upload is not None:
                client.send_file(upload, part)
            else:
                client.send_text(part)
        except DiscordError as error:
            if index == 0:
                raise
            raise DiscordError(f"Sent {index} of {len(parts)} messages to Discord; the rest "
                               f"failed: {error}") from None


if __name__ == "__main__":
    plugin.run()
