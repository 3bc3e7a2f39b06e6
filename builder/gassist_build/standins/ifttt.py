# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A local IFTTT Maker webhooks service, plus RSS feeds of gaming headlines.

``ifttt_url`` is the stand-in's root (IFTTT's ``https://maker.ifttt.com``):
``POST /trigger/{event}/with/key/{key}`` (and ``/trigger/{event}/json/with/key/{key}``)
answers IFTTT's ``Congratulations! You've fired the {event} event`` for the right
key and 401 ``{"errors": [{"message": "You sent an invalid key."}]}`` otherwise.
Like IFTTT, any event name is accepted; ``value1``..``value3`` are read from a JSON
body, a form body or the query string. ``GET /feeds/{name}`` serves RSS 2.0
feeds, so a sample's ``news_feeds`` can point here too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from ._server import RecordedRequest, Reply, Route, StandinServer

__all__ = ["DEMO_FEEDS", "Headline", "IftttStandin", "Trigger"]


@dataclass(frozen=True)
class Headline:
    """One item of a feed."""

    title: str
    link: str
    summary: str = ""


@dataclass(frozen=True)
class Trigger:
    """One event the stand-in accepted."""

    event: str
    values: dict[str, str] = field(default_factory=dict)
    json_trigger: bool = False


#: Made-up headlines (links on example.com, a domain reserved for examples).
DEMO_FEEDS: dict[str, tuple[Headline, ...]] = {
    "pc-articles": (
        Headline("Starfall Drift patch 1.4 adds ray-traced reflections",
                 "https://example.com/news/starfall-drift-1-4",
                 "The space racer's biggest update yet."),
        Headline("Hollow Forge gets a surprise co-op mode",
                 "https://example.com/news/hollow-forge-co-op"),
        Headline("Ten indie strategy games to play this winter",
                 "https://example.com/news/indie-strategy-winter"),
        Headline("Mechbound Tactics delayed to spring",
                 "https://example.com/news/mechbound-delay"),
    ),
    "all": (
        Headline("Console round-up: what's new this week",
                 "https://example.com/news/console-round-up"),
        Headline("Starfall Drift patch 1.4 adds ray-traced reflections",
                 "https://example.com/news/starfall-drift-1-4"),
        Headline("The best cosy games of the year",
                 "https://example.com/news/cosy-games"),
    ),
}


def rss_document(title: str, link: str, headlines: Sequence[Headline]) -> bytes:
    """An RSS 2.0 document with ``headlines`` as items, newest first."""
    now = datetime.now(timezone.utc)
    items = "".join(
        f"<item><title>{escape(h.title)}</title><link>{escape(h.link)}</link>"
        f"<guid isPermaLink=\"true\">{escape(h.link)}</guid>"
        f"<description>{escape(h.summary)}</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=index))}</pubDate></item>"
        for index, h in enumerate(headlines))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<description>Gaming headlines (local stand-in)</description>"
            f"{items}</channel></rss>\n").encode()


class IftttStandin(StandinServer):
    """IFTTT's Maker webhooks and a few RSS feeds.

    Args:
        webhook_key: The key the stand-in accepts in trigger URLs.
        feeds: Feed name -> its headlines (served at ``/feeds/<name>``), or raw bytes to
            serve as they are (a broken feed).
    """

    name = "IFTTT"

    def __init__(self, webhook_key: str, *,
                 feeds: Mapping[str, Sequence[Headline] | bytes] = DEMO_FEEDS,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.webhook_key = webhook_key
        self.feeds = dict(feeds)
        self._triggers: list[Trigger] = []
        self._trigger_lock = threading.Lock()
        super().__init__(host=host, port=port)

    @property
    def ifttt_url(self) -> str:
        """The ``ifttt_url`` setting (IFTTT: ``https://maker.ifttt.com``)."""
        return self.url

    def feed_url(self, name: str = "pc-articles") -> str:
        """The URL of one of the stand-in's feeds."""
        return f"{self.url}/feeds/{name}"

    @property
    def triggers(self) -> list[Trigger]:
        """The events accepted so far, oldest first (a copy)."""
        with self._trigger_lock:
            return list(self._triggers)

    def routes(self) -> Iterable[Route]:
        """The two trigger URLs (POST; IFTTT takes GET too) and the feeds."""
        trigger = r"/trigger/(?P<event>[^/]+)(?P<json>/json)?/with/key/(?P<key>[^/]+)"
        return (
            self.route("POST", trigger, self._trigger),
            self.route("GET", trigger, self._trigger),
            self.route("GET", r"/feeds/(?P<name>[^/]+)", self._feed),
        )

    def error(self, status: int, message: str = "") -> Reply:
        """IFTTT's error body: ``{"errors": [{"message": ...}]}``."""
        return Reply.json(status, {"errors": [{"message": message or "Something went wrong"}]})

    @staticmethod
    def _values(request: RecordedRequest) -> dict[str, str] | None:
        values = {k: v for k, v in request.query if k in ("value1", "value2", "value3")}
        if request.content_type == "application/json" and request.body:
            try:
                document = request.json()
            except ValueError:
                return None
            if not isinstance(document, dict):
                return None
            values.update({k: "" if v is None else str(v) for k, v in document.items()
                           if k in ("value1", "value2", "value3")})
        elif request.content_type == "application/x-www-form-urlencoded":
            values.update({k: v for k, v in request.form().items()
                           if k in ("value1", "value2", "value3")})
        return values

    def _trigger(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if match["key"] != self.webhook_key:
            return self.error(401, "You sent an invalid key.")
        values = self._values(request)
        if values is None:
            return self.error(400, "Your JSON could not be parsed.")
        event, json_trigger = match["event"], bool(match["json"])
        with self._trigger_lock:
            self._triggers.append(Trigger(event, values, json_trigger))
        kind = " json" if json_trigger else ""
        return Reply.text(200, f"Congratulations! You've fired the {event}{kind} event",
                          content_type="text/html")

    def _feed(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        feed = self.feeds.get(match["name"])
        if feed is None:
            return Reply.text(404, "Not Found")
        body = feed if isinstance(feed, bytes) else rss_document(
            f"Gaming news: {match['name']}", self.feed_url(match["name"]), feed)
        return Reply(200, body, {"Content-Type": "application/rss+xml; charset=utf-8"})
