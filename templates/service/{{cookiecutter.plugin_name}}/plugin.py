# SPDX-License-Identifier: Apache-2.0
# Copyright {{ cookiecutter.author }}
"""{{ cookiecutter.description }}

A G-Assist plug-in built with gassist-sdk that calls a web API with requests.
Try: "Hey {{ cookiecutter.plugin_name }}, what's the forecast for Paris?". After changing a
command or a setting, regenerate the files made from the code:
gassist-build manifest . && gassist-build config .

The API it expects (adapt ``fetch_forecast`` to yours):
``GET <api_url>/forecast?city=Paris&days=2`` with ``Authorization: Bearer <api_key>``
answers ``{"city": "Paris", "days": [{"date": "2026-11-26", "summary": "Rain",
"high_c": 9, "low_c": 4}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import requests
from gassist_sdk import CommandError, Context, Plugin, Range, setting


@dataclass
class Config:
    """The settings in config.json; ``gassist-build config .`` writes config.example.json."""

    # No default: the plug-in asks for it (in the chat) before the first forecast.
    # secret=True keeps the value out of logs, replies, config.example.json and builds.
    api_key: str = setting(
        description="Your API key for the weather service",
        secret=True,
        help="create one on the service's developer page",
    )
    api_url: str = setting({{ cookiecutter.api_url | tojson }},
                           description="Base URL of the web API")
    # The engine gives up on a command after 30 s; stay well inside that.
    timeout_s: Annotated[float, Range(1, 20)] = setting(
        10.0, description="Seconds to wait for the API (1 to 20)")


plugin = Plugin(
    {{ cookiecutter.plugin_name | tojson }},
    version={{ cookiecutter.version | tojson }},
    description={{ cookiecutter.description | tojson }},
    config=Config,
    # Shown when config.json is missing or incomplete: say where to get the values.
    setup_help="The API key comes from the weather service's developer page: sign in and"
    " create one for {{ cookiecutter.plugin_name }}.",
)


def fetch_forecast(config: Config, city: str, days: int) -> dict[str, Any]:
    """Call the API; turn every failure into a message for the user."""
    url = config.api_url.rstrip("/") + "/forecast"
    try:
        response = requests.get(
            url,
            params={"city": city, "days": days},
            headers={"Authorization": f"Bearer {config.api_key}", "Accept": "application/json"},
            timeout=config.timeout_s,
        )
    except requests.Timeout:
        raise CommandError(
            f"The weather service did not answer within {config.timeout_s:g} s; try again later."
        ) from None
    except requests.RequestException:
        raise CommandError(
            f"I could not reach the weather service at {config.api_url}; check your connection"
            " and api_url in config.json."
        ) from None
    if response.status_code in (401, 403):
        raise CommandError("The weather service refused the api_key in config.json; check it.")
    if response.status_code == 404:
        raise CommandError(f"The weather service does not know {city!r}.")
    if response.status_code == 429:
        raise CommandError("The weather service says we asked too often; wait a minute.")
    if not response.ok:
        raise CommandError(f"The weather service failed (HTTP {response.status_code}).")
    try:
        data = response.json()
    except ValueError:
        raise CommandError("The weather service sent an answer I cannot read.") from None
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise CommandError("The weather service sent an answer I cannot read.")
    return data


@plugin.command(tags=["weather", "forecast", "temperature", "rain"])
def forecast(city: str, ctx: Context, days: Annotated[int, Range(1, 7)] = 1) -> str:
    """Get the weather forecast for a city.

    Args:
        city: The city, e.g. "Paris".
        days: Number of days.
    """
    config: Config = ctx.config  # only runs once config.json is valid
    data = fetch_forecast(config, city, days)
    lines = [f"**{data.get('city', city)}**"]
    for day in data["days"][:days]:
        if isinstance(day, dict):
            lines.append(
                f"- {day.get('date', '?')}: {day.get('summary', '?')},"
                f" {day.get('low_c', '?')}–{day.get('high_c', '?')} °C"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    plugin.run()
