# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""ifttt — fires IFTTT applets through the Webhooks service, e.g. a gaming routine with headlines.

The HTTP calls live in ``ifttt_api`` (IFTTT) and ``news`` (the RSS feeds). ``requests`` and
``feedparser`` load only when a command runs (``news`` is imported there too), so the
plug-in answers ``initialize`` having imported little more than the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import ifttt_api
from gassist_sdk import Context, Plugin, Range, setting

# IFTTT's values; also what the no-headlines note sends as value1.
NO_HEADLINES = "No gaming headlines right now (no news feed answered)."


@dataclass
class IftttConfig:
    """The settings in config.json (``gassist-build config .`` writes config.example.json)."""

    webhook_key: str = setting(
        description="Your IFTTT Webhooks key (the part after /use/ on the settings page)",
        secret=True, help=ifttt_api.KEYS_PAGE)
    event_name: str = setting(
        "game_routine",
        description="The event trigger_gaming_setup fires: the Event Name of your applet's "
                    "\"Receive a web request\" trigger")
    ifttt_url: str = setting("https://maker.ifttt.com",
                             description="Base URL of IFTTT's Webhooks service")
    # setting() gives a list default its own copy per config (a default_factory).
    news_feeds: list[str] = setting(
        ["https://feeds.feedburner.com/ign/pc-articles", "https://feeds.feedburner.com/ign/all"],
        description="RSS or Atom feeds for the gaming headlines, tried in order")
    headline_count: Annotated[int, Range(1, 3)] = setting(
        3, description="How many headlines trigger_gaming_setup sends (1 to 3: value1..value3)")


plugin = Plugin(
    "ifttt", version="1.0.0",
    description="Fires your IFTTT applets (Webhooks), like a gaming routine that sets the "
                "lights and sends you the latest gaming headlines.",
    config=IftttConfig,
    setup_help=(
        "Connect IFTTT's Webhooks service (https://ifttt.com/maker_webhooks), then open "
        f"{ifttt_api.KEYS_PAGE}: your key is the last part of the URL shown there "
        "(https://maker.ifttt.com/use/<key>). Create an applet whose trigger is Webhooks "
        "\"Receive a web request\" with the event name game_routine."),
)


def _account(ctx: Context) -> ifttt_api.Ifttt:
    config: IftttConfig = ctx.config
    key = ifttt_api.key_from_setting(config.webhook_key)
    if key != config.webhook_key:
        plugin.redactor.add([key])  # the whole URL was pasted: hide the key inside it too
    return ifttt_api.Ifttt(config.ifttt_url, key)


@plugin.command(tags=("ifttt", "applet", "webhook", "trigger", "automation", "smart home"))
def trigger_ifttt_event(
    event_name: Annotated[str, "The IFTTT event to fire, e.g. lights_on"],
    ctx: Context,
    value1: Annotated[str | None, "First value passed to the applet"] = None,
    value2: Annotated[str | None, "Second value passed to the applet"] = None,
    value3: Annotated[str | None, "Third value passed to the applet"] = None,
) -> str:
    """Fire an IFTTT applet's webhook event by name, optionally with up to three values:
    "trigger lights_on on IFTTT", "fire my movie_night applet".
    """
    event = ifttt_api.check_event_name(event_name)
    values = {name: value for name, value in
              (("value1", value1), ("value2", value2), ("value3", value3)) if value is not None}
    with _account(ctx) as account:
        reply = account.trigger(event, values)
    sent = f" with {', '.join(values)}" if values else ""
    return f"Fired IFTTT event {event}{sent}. IFTTT replied: {reply}"


@plugin.command(tags=("gaming", "routine", "game mode", "setup", "ifttt", "news", "headlines"))
def trigger_gaming_setup(ctx: Context) -> str:
    """Start the user's gaming routine on IFTTT, sending the latest gaming headlines along:
    "start my gaming setup", "gaming mode on", "run my game routine".
    """
    import news

    config: IftttConfig = ctx.config
    event = ifttt_api.check_event_name(config.event_name)
    with _account(ctx) as account:  # a key that cannot be one is refused before any request
        found = news.fetch_headlines(config.news_feeds, config.headline_count)
        titles = found.titles or [NO_HEADLINES]
        values = {f"value{number}": title for number, title in enumerate(titles, start=1)}
        reply = account.trigger(event, values)
    lines = []
    if found.source:
        plural = "s" if len(found.titles) != 1 else ""
        lines.append(f"Fired IFTTT event {event} with {len(found.titles)} headline{plural} "
                     f"from {news.feed_label(found.source)}:")
        lines += [f"{number}. {title}" for number, title in enumerate(found.titles, start=1)]
        if found.problems:
            lines.append(f"(Skipped: {'; '.join(found.problems)}.)")
    else:
        why = "; ".join(found.problems) or "news_feeds in config.json is empty"
        lines.append(f"Fired IFTTT event {event} without headlines: no news feed gave any "
                     f"({why}). value1 says \"{NO_HEADLINES}\"")
    lines.append(f"IFTTT replied: {reply}")
    return "\n".join(lines)


if __name__ == "__main__":
    plugin.run()
