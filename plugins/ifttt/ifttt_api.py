# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""IFTTT's Webhooks service: ``POST <ifttt_url>/trigger/<event>/with/key/<key>``.

The key travels in the URL path, so every place a URL could surface is guarded:
error sentences name the host only, and :class:`KeyRedactingFilter` rewrites the
key out of the request lines urllib3 and the SDK's HTTP client log at DEBUG level.
``plugin.py`` imports this module at start-up, so it imports only what the SDK already
has loaded; ``logging``, ``urllib.parse`` and ``requests`` (through ``gassist_sdk.http``)
come with the first call.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gassist_sdk import CommandError

if TYPE_CHECKING:
    import logging

    from gassist_sdk.http import ServiceError

__all__ = ["KEYS_PAGE", "Ifttt", "KeyRedactingFilter", "check_event_name", "key_from_setting"]

KEYS_PAGE = "https://ifttt.com/maker_webhooks/settings"

# IFTTT accepts letters, digits, _ and - in event names; anything else would change the
# URL's meaning (a "/" a path, a "?" a query), so it is refused rather than sent.
_EVENT_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")
_KEY = re.compile(r"[A-Za-z0-9_-]{6,200}")
# What the settings page shows: https://maker.ifttt.com/use/<key>
_USE_URL = re.compile(r"/use/([A-Za-z0-9_-]+)/?\s*$")
_KEY_IN_PATH = re.compile(r"(/with/key/)[^\s/?#\"']+")
_REPLY_LIMIT = 300
# Connect and read timeouts; and the most one command may take in all (the news feeds'
# 10 s, news.FEEDS_BUDGET, included), inside the engine's 30 s call limit.
TIMEOUT = (3.05, 10.0)
COMMAND_SECONDS = 25.0

# The loggers that write request URLs: urllib3's request lines ("POST /trigger/... 200")
# and retry notes, and the SDK's HTTP client.
GUARDED_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "gassist_sdk.http")
LOGGER = "gassist.ifttt.api"


class KeyRedactingFilter:
    """Replaces whatever follows ``/with/key/`` in a log record with ``***``.

    A logger's filters see the records created on that logger before they propagate
    to any handler (the plug-in's log file, a root handler a developer added), so the
    key is gone wherever the record ends up. The SDK already hides the configured
    secret in its own log file; this also covers handlers the SDK does not own.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/with/key/" in message:
            record.msg = _KEY_IN_PATH.sub(r"\1***", message)
            record.args = None
        return True


_FILTER = KeyRedactingFilter()


def guard_loggers() -> None:
    """Attach the key filter to every logger that writes request URLs (once)."""
    import logging

    for name in GUARDED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def check_event_name(name: str) -> str:
    """The event name, stripped; refused with a sentence unless IFTTT could accept it."""
    cleaned = name.strip()
    if not _EVENT_NAME.fullmatch(cleaned):
        shown = cleaned if len(cleaned) <= 40 else cleaned[:40] + "…"
        raise CommandError(
            f"{shown!r} is not an IFTTT event name: use only letters, digits, _ and - "
            "(for example game_routine), exactly as in your applet's "
            "\"Receive a web request\" trigger.")
    return cleaned


def key_from_setting(value: str) -> str:
    """The webhook key in ``value``, which may be the whole URL the settings page shows.

    Raises:
        CommandError: when it holds no usable key (the value itself is never repeated).
    """
    value = value.strip()
    found = _USE_URL.search(value)
    if found:
        value = found.group(1)
    if not _KEY.fullmatch(value):
        raise CommandError(
            "The webhook_key in config.json does not look like an IFTTT key: copy it from "
            f"{KEYS_PAGE} (the letters and digits after /use/ in the URL shown there).")
    return value


class Ifttt:
    """One configured IFTTT account: its base URL and webhook key.

    Args:
        base_url: ``ifttt_url`` from config.json.
        key: The webhook key (already checked by :func:`key_from_setting`).
        timeout: Connect and read timeouts in seconds (default :data:`TIMEOUT`).

    Used as a context manager it is one command: every request inside (the news
    feeds' too) shares :data:`COMMAND_SECONDS`, the SDK's per-command deadline.
    """

    def __init__(self, base_url: str, key: str, *,
                 timeout: tuple[float, float] | None = None) -> None:
        from contextlib import ExitStack

        from gassist_sdk.http import ServiceClient

        guard_loggers()
        self.base_url = base_url
        self._key = key
        self._timeout = timeout = timeout or TIMEOUT
        # retries=1: one more try after a 429 (Retry-After honoured). ServiceClient retries
        # a POST only on 429, never on a 5xx or a timeout: IFTTT may have run the applet
        # before it failed, and a second POST would run it twice (two tweets, lights
        # flashing twice). A 429 is refused before anything runs, so it is safe to repeat.
        self._api = ServiceClient(
            "IFTTT", base_url, setting="ifttt_url",
            auth_hint=f"Check webhook_key in config.json ({KEYS_PAGE}).",
            timeout=timeout, retries=1)
        self._limit = ExitStack()

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> Ifttt:
        from gassist_sdk.http import deadline

        self._limit.enter_context(deadline(COMMAND_SECONDS))
        return self

    def __exit__(self, *exc: object) -> None:
        self._limit.close()
        self.close()

    def trigger(self, event: str, values: dict[str, str]) -> str:
        """Fire ``event`` with ``values`` (value1..value3) and return IFTTT's reply text.

        Raises:
            CommandError: a sentence for the user for every failure; never the key.
        """
        from urllib.parse import quote

        from gassist_sdk.http import ServiceError

        path = f"/trigger/{quote(event, safe='')}/with/key/{quote(self._key, safe='')}"
        try:
            response = self._api.request("POST", path, json=values)
        except ServiceError as err:
            # "from None": the ServiceError holds the response, whose URL holds the key.
            raise CommandError(self._explain(err, event)) from None
        reply = _reply_text(response.content)
        if reply is None:
            raise CommandError(
                f"IFTTT answered HTTP {response.status_code} but not with its usual confirmation, "
                f"so I cannot tell whether {event} fired: check ifttt_url in config.json "
                f"(it should be https://maker.ifttt.com).")
        import logging

        logging.getLogger(LOGGER).info("fired %s with %s (HTTP %s)", event, sorted(values),
                                       response.status_code)
        return reply or f"OK (HTTP {response.status_code}, no text)"

    def _explain(self, err: ServiceError, event: str) -> str:
        status = f"HTTP {err.status}" if err.status else ""
        said = err.detail  # IFTTT's {"errors": [{"message": ...}]}, read by the SDK
        says = f" IFTTT says: {said}" if said else ""
        if err.kind == "auth":
            return (f"IFTTT refused the webhook_key in config.json ({status}).{says} Copy the key "
                    f"again from {KEYS_PAGE}: it is the part after /use/ in the URL shown there.")
        if err.kind == "not_found":
            return (f"IFTTT does not know the event {event} ({status}).{says} Check that an "
                    "applet's \"Receive a web request\" trigger uses exactly this event name, "
                    "and that ifttt_url in config.json is https://maker.ifttt.com.")
        if err.kind == "rate_limited":
            wait = (f"in {err.retry_after:g} s" if err.retry_after is not None
                    else "in a minute")
            return (f"IFTTT is limiting requests ({status}), so {event} did not fire; "
                    f"try again {wait}.")
        if err.kind == "server":
            return (f"IFTTT failed with {status} and {event} may or may not have fired. It was "
                    "not sent again, so the applet never runs twice: check it before you retry.")
        if err.kind == "timeout":
            return (f"IFTTT did not answer within {self._timeout[1]:g} s, so {event} may or may "
                    "not have fired. Check the applet before you retry.")
        if err.kind == "unreachable":
            # ServiceClient's sentence names the host, the reason (refused, host not found,
            # not a URL) and the ifttt_url setting: all this plug-in would say.
            return str(err)
        if err.kind == "bad_reply":
            return (f"IFTTT sent a reply I cannot read, so I cannot tell whether {event} fired: "
                    "check ifttt_url in config.json.")
        return f"IFTTT refused {event} ({status}).{says}".replace(" ().", ".")


def _reply_text(body: bytes) -> str | None:
    """IFTTT's confirmation as one short line; None for a body that is not plain text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<" in text and re.search(r"<\s*(html|body|head|!doctype)", text, re.IGNORECASE):
        return None  # an HTML page (a proxy, a login portal), not IFTTT's answer
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        return None
    text = " ".join(text.split())
    return text if len(text) <= _REPLY_LIMIT else text[:_REPLY_LIMIT] + "…"
