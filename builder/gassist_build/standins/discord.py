# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A local Discord: a bot's channel messages and one webhook.

``api_url`` is ``<url>/api/v10`` (Discord's ``https://discord.com/api/v10``);
``POST /api/v10/channels/{id}/messages`` wants ``Authorization: Bot <token>``
(401 ``{"message": "401: Unauthorized", "code": 0}`` otherwise) and takes JSON
``{"content": ...}`` or ``multipart/form-data`` with the file in a ``file`` or
``files[n]`` part and the text in ``content`` or ``payload_json``. The webhook is
``POST <webhook_url>`` with the same bodies: 204 without ``?wait=true``, the message
object with it. Discord's checks are imitated: 2,000 characters at most (400, code
50035), no empty message (400, 50006), uploads up to ``max_upload_bytes`` (413,
40005), an unknown channel or webhook (404, 10003 / 10015), a bad webhook token
(401, 50027). :meth:`DiscordStandin.rate_limit_next` answers the next post with
Discord's 429 and its ``retry_after``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from ._server import FormPart, RecordedRequest, Reply, Route, StandinServer, reason

__all__ = ["Attachment", "DiscordStandin", "PostedMessage"]

#: Discord's limit on a message's ``content``.
MAX_CONTENT = 2000
#: Discord's default upload limit (servers without boosts), in bytes.
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
_FILE_PART = re.compile(r"files?(\[\d+\])?")


@dataclass(frozen=True)
class Attachment:
    """A file posted with a message."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class PostedMessage:
    """A message the stand-in accepted."""

    id: str
    channel_id: str
    content: str
    via: str  # "bot" or "webhook"
    attachments: tuple[Attachment, ...] = field(default=())


class DiscordStandin(StandinServer):
    """Discord's channel messages (bot token) and one webhook.

    Args:
        bot_token: The bot token it accepts (``Authorization: Bot <token>``).
        channel_id: The one text channel the bot may post in.
        webhook_id: The webhook's ID (part of ``webhook_url``).
        webhook_token: The webhook's token (the secret end of ``webhook_url``).
        max_upload_bytes: The upload limit of the channel.
    """

    name = "Discord"

    def __init__(self, bot_token: str, *, channel_id: str = "1300000000000000001",
                 webhook_id: str = "1300000000000000002", webhook_token: str,
                 max_upload_bytes: int = DEFAULT_UPLOAD_LIMIT,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.bot_token = bot_token
        self.channel_id = channel_id
        self.webhook_id = webhook_id
        self.webhook_token = webhook_token
        self.max_upload_bytes = max_upload_bytes
        self._messages: list[PostedMessage] = []
        self._message_lock = threading.Lock()
        self._ids = itertools.count(1300000000000001000)
        super().__init__(host=host, port=port)

    @property
    def api_url(self) -> str:
        """The ``api_url`` setting (Discord: ``https://discord.com/api/v10``)."""
        return f"{self.url}/api/v10"

    @property
    def webhook_url(self) -> str:
        """The ``webhook_url`` setting (a secret: it holds the webhook's token)."""
        return f"{self.url}/api/webhooks/{self.webhook_id}/{self.webhook_token}"

    @property
    def messages(self) -> list[PostedMessage]:
        """The messages accepted so far, oldest first (a copy)."""
        with self._message_lock:
            return list(self._messages)

    def rate_limit_next(self, retry_after: float = 0.25, *, times: int = 1) -> None:
        """Answer the next ``times`` requests with Discord's 429 and this ``retry_after``."""
        self.fail_next(429, {"message": "You are being rate limited.",
                             "retry_after": retry_after, "global": False},
                       headers={"Retry-After": str(max(1, math.ceil(retry_after))),
                                "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                                "X-RateLimit-Scope": "user"},
                       times=times)

    def routes(self) -> Iterable[Route]:
        """Bot endpoints under any API version, the webhook, and the uploaded files."""
        api = r"/api(?:/v\d+)?"
        webhook = rf"{api}/webhooks/(?P<webhook_id>\d+)/(?P<token>[^/]+)"
        return (
            self.route("POST", rf"{api}/channels/(?P<channel>\d+)/messages", self._bot_post),
            self.route("GET", rf"{api}/channels/(?P<channel>\d+)", self._channel),
            self.route("GET", rf"{api}/users/@me", self._me),
            self.route("POST", webhook, self._webhook_post),
            self.route("GET", r"/attachments/(?P<channel>\d+)/(?P<id>\d+)/(?P<name>[^/]+)",
                       self._attachment),
        )

    def error(self, status: int, message: str = "") -> Reply:
        """Discord's error body: ``{"message": ..., "code": ...}``."""
        phrase = reason(status)
        return Reply.json(status, {"message": message or f"{status}: {phrase}", "code": 0})

    # -- auth --------------------------------------------------------------------------------
    def _bot_auth(self, request: RecordedRequest) -> Reply | None:
        if request.header("Authorization") != f"Bot {self.bot_token}":
            return self.error(401)
        return None

    def _me(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        refused = self._bot_auth(request)
        return refused or Reply.json(200, self._author(bot=True))

    def _channel(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        refused = self._bot_auth(request)
        if refused:
            return refused
        if match["channel"] != self.channel_id:
            return Reply.json(404, {"message": "Unknown Channel", "code": 10003})
        return Reply.json(200, {"id": self.channel_id, "type": 0, "name": "gaming",
                                "guild_id": "1300000000000000000", "position": 0,
                                "nsfw": False, "last_message_id": None})

    # -- posting -----------------------------------------------------------------------------
    def _bot_post(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        refused = self._bot_auth(request)
        if refused:
            return refused
        if match["channel"] != self.channel_id:
            return Reply.json(404, {"message": "Unknown Channel", "code": 10003})
        return self._post(request, via="bot")

    def _webhook_post(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if match["webhook_id"] != self.webhook_id:
            return Reply.json(404, {"message": "Unknown Webhook", "code": 10015})
        if match["token"] != self.webhook_token:
            return Reply.json(401, {"message": "Invalid Webhook Token", "code": 50027})
        reply = self._post(request, via="webhook")
        wait = (request.param("wait") or "").lower() == "true"
        return reply if reply.status != 200 or wait else Reply(204)

    @staticmethod
    def _body(request: RecordedRequest) -> tuple[dict[str, Any], list[FormPart]] | Reply:
        """The JSON payload and the file parts of a post."""
        bad_body = Reply.json(400, {"message": "Cannot send an empty message", "code": 50006})
        if request.content_type == "multipart/form-data":
            parts = request.multipart()
            payload: dict[str, Any] = {}
            for part in parts:
                if part.name == "payload_json":
                    try:
                        loaded = json.loads(part.data.decode("utf-8"))
                    except ValueError:
                        return Reply.json(400, {"message": "Invalid Form Body", "code": 50035})
                    if isinstance(loaded, dict):
                        payload.update(loaded)
                elif part.filename is None and part.name in ("content", "username"):
                    payload[part.name] = part.data.decode("utf-8")
            files = [p for p in parts if p.filename is not None and _FILE_PART.fullmatch(p.name)]
            return payload, files
        if request.content_type == "application/json":
            try:
                document = request.json()
            except ValueError:
                return Reply.json(400, {"message": "The request body contains invalid JSON.",
                                        "code": 50109})
            return (document, []) if isinstance(document, dict) else bad_body
        if request.content_type == "application/x-www-form-urlencoded":
            return dict(request.form()), []
        return bad_body

    def _post(self, request: RecordedRequest, *, via: str) -> Reply:
        body = self._body(request)
        if isinstance(body, Reply):
            return body
        payload, files = body
        content = payload.get("content") or ""
        if not isinstance(content, str):
            content = str(content)
        if len(content) > MAX_CONTENT:
            return Reply.json(400, {"message": "Invalid Form Body", "code": 50035, "errors": {
                "content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                         "message": "Must be 2000 or fewer in length."}]}}})
        if sum(len(f.data) for f in files) > self.max_upload_bytes:
            return Reply.json(413, {"message": "Request entity too large", "code": 40005})
        if not content.strip() and not files and not payload.get("embeds"):
            return Reply.json(400, {"message": "Cannot send an empty message", "code": 50006})
        message = PostedMessage(
            id=str(next(self._ids)), channel_id=self.channel_id, content=content, via=via,
            attachments=tuple(Attachment(f.filename or "file", f.content_type, f.data)
                              for f in files))
        with self._message_lock:
            self._messages.append(message)
        return Reply.json(200, self._message_json(message,
                                                  username=str(payload.get("username") or "")))

    # -- JSON shapes ---------------------------------------------------------------------------
    def _author(self, *, bot: bool, username: str = "") -> dict[str, Any]:
        return {"id": "1300000000000000010" if bot else self.webhook_id,
                "username": username or ("G-Assist Demo Bot" if bot else "G-Assist"),
                "discriminator": "0000", "global_name": None, "avatar": None, "bot": True}

    def _message_json(self, message: PostedMessage, *, username: str) -> dict[str, Any]:
        attachments = []
        for index, item in enumerate(message.attachments):
            attachment_id = str(int(message.id) + index + 1)
            url = (f"{self.url}/attachments/{message.channel_id}/{attachment_id}/"
                   f"{quote(item.filename)}")
            attachments.append({"id": attachment_id, "filename": item.filename,
                                "size": len(item.data), "url": url, "proxy_url": url,
                                "content_type": item.content_type})
        document: dict[str, Any] = {
            "id": message.id, "type": 0, "channel_id": message.channel_id,
            "author": self._author(bot=message.via == "bot", username=username),
            "content": message.content,
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "attachments": attachments, "embeds": [],
            "pinned": False, "flags": 0,
        }
        if message.via == "webhook":
            document["webhook_id"] = self.webhook_id
        return document

    def _attachment(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        for message in self.messages:
            for index, item in enumerate(message.attachments):
                if (str(int(message.id) + index + 1) == match["id"]
                        and item.filename == match["name"]):
                    return Reply(200, item.data, {"Content-Type": item.content_type})
        return self.error(404)
