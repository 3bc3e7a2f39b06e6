# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Gaming headlines from RSS/Atom feeds: the first feed that gives any wins.

Feeds are fetched here, with timeouts, and only their bytes go to ``feedparser``:
given a URL or a path, feedparser would fetch or open it itself, without our
timeouts. Broken feeds are normal, so a feed that parses with errors ("bozo") but
still has entries is used; one without entries is skipped for the next.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit

__all__ = ["Headlines", "feed_label", "fetch_headlines"]

# Each feed gets these connect and read timeouts; all feeds together get at most
# FEEDS_BUDGET seconds, so headlines plus the IFTTT call stay inside the engine's 30 s.
FEED_TIMEOUT = (3.05, 5.0)
FEEDS_BUDGET = 10.0
_TITLE_LIMIT = 200

log = logging.getLogger("gassist.ifttt.news")


@dataclass
class Headlines:
    """What the feeds gave: the titles, the feed they came from, and what went wrong."""

    titles: list[str] = field(default_factory=list)
    source: str | None = None
    problems: list[str] = field(default_factory=list)


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # e.g. "http://[::1/feed": an unclosed bracket
        return None


def feed_label(url: str) -> str:
    """A feed's address as shown to the user: no query string (it could hold a token)."""
    parts = _split(url)
    if parts is None:
        return url.split("?", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url


def _clean(title: Any) -> str:
    text = " ".join(str(title or "").split())
    return text if len(text) <= _TITLE_LIMIT else text[: _TITLE_LIMIT - 1] + "…"


def _titles(body: bytes, url: str, content_type: str, count: int) -> tuple[list[str], str | None]:
    """Up to ``count`` titles from a feed body, and a problem when it gave none."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body), response_headers={
        "content-type": content_type or "application/xml", "content-location": url})
    titles: list[str] = []
    for entry in parsed.entries:
        title = _clean(entry.get("title"))
        if title and title not in titles:
            titles.append(title)
        if len(titles) == count:
            break
    if parsed.bozo:
        # Common (a stray "&", a wrong encoding): worth a note in the log, not a failure.
        log.info("%s is not a well-formed feed (%s); %d usable entries", feed_label(url),
                 type(parsed.bozo_exception).__name__, len(titles))
    if titles:
        return titles, None
    return [], "not a feed" if parsed.bozo else "no headlines in it"


def _problem(err: Any, cut_short: bool) -> str:
    status = getattr(err, "status", None)
    kind = getattr(err, "kind", "")
    if kind == "timeout":
        if cut_short:
            return f"no answer before the {FEEDS_BUDGET:g} s for all feeds ran out"
        return f"no answer within {FEED_TIMEOUT[1]:g} s"
    if kind == "unreachable":
        return "could not connect"
    if status:
        return f"HTTP {status}"
    return "unreadable answer"


def fetch_headlines(feeds: list[str], count: int) -> Headlines:
    """The first ``count`` headlines of the first feed in ``feeds`` that has any."""
    from gassist_sdk.http import deadline

    with deadline(FEEDS_BUDGET, min_left=0.5):  # inside the command's own deadline
        return _fetch(feeds, count)


def _fetch(feeds: list[str], count: int) -> Headlines:
    from gassist_sdk.http import ServiceClient, ServiceError, time_left

    found = Headlines()
    for url in feeds:
        label = feed_label(url)
        parts = _split(url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            found.problems.append(f"{label}: not an http(s) address")
            continue
        left = time_left() or 0.0
        if left <= 0.5:
            found.problems.append(f"{label}: skipped, out of time")
            continue
        # No retries: the next feed is the better second try. The deadline cuts the
        # timeouts to the time left, or a slow second feed would spend its full 5 s after
        # the first's.
        cut_short = left < FEED_TIMEOUT[1]
        client = ServiceClient("the news feed", url, setting="news_feeds",
                               timeout=FEED_TIMEOUT, retries=0)
        try:
            response = client.request("GET", url, headers={
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                          "*/*;q=0.5"})
            body, content_type = response.content, response.headers.get("Content-Type", "")
        except ServiceError as err:
            found.problems.append(f"{label}: {_problem(err, cut_short)}")
            continue
        finally:
            client.close()
        titles, problem = _titles(body, url, content_type, count)
        if problem:
            found.problems.append(f"{label}: {problem}")
            continue
        found.titles, found.source = titles, url
        break
    for problem in found.problems:
        log.info("news feed skipped: %s", problem)
    return found
