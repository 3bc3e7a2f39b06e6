# SPDX-License-Identifier: Apache-2.0
# Copyright {{ cookiecutter.author }}
"""{{ cookiecutter.description }}

A G-Assist plug-in built with gassist-sdk. Try: "Hey {{ cookiecutter.plugin_name }}, greet Ada".
After changing a command or a setting, regenerate the files made from the code:
gassist-build manifest . && gassist-build config .
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from gassist_sdk import CommandError, Context, Plugin, Range, setting


@dataclass
class Config:
    """The settings in config.json; ``gassist-build config .`` writes config.example.json."""

    # Optional (default ""): `greet` works without it; only `account` needs it.
    # A setting without a default is required: the plug-in then asks for it (in the chat)
    # before any command runs.
    # secret=True keeps the value out of logs, replies, config.example.json and builds.
    api_key: str = setting(
        "",
        description="API key of the service your commands call (only `account` needs it)",
        secret=True,
        help="from your account page on the service's website",
    )
    greeting: str = setting("Hello", description="Word used to greet")


plugin = Plugin(
    {{ cookiecutter.plugin_name | tojson }},
    version={{ cookiecutter.version | tojson }},
    description={{ cookiecutter.description | tojson }},
    config=Config,
    # Shown when config.json is invalid: say where to get the values.
    setup_help="The API key comes from the service's website: sign in and create one for"
    " {{ cookiecutter.plugin_name }}.",
)


@plugin.command()
def greet(name: str, ctx: Context, times: Annotated[int, Range(1, 5)] = 1) -> str:
    """Greet someone by name.

    Args:
        name: Who to greet.
        times: How many times to say it.
    """
    config: Config = ctx.config
    ctx.log(f"greeting a name of {len(name)} characters {times} time(s)")
    return " ".join([f"{config.greeting}, {name}!"] * times)


@plugin.command()
def account(ctx: Context) -> str:
    """Say whether the service's API key is set up."""
    config: Config = ctx.config
    if not config.api_key:
        raise CommandError(
            f"No API key yet: add \"api_key\" to {plugin.config_path} (see config.example.json)."
        )
    # Call your service with config.api_key here; never put the key in a reply or a log.
    return f"The API key is set ({len(config.api_key)} characters)."


if __name__ == "__main__":
    plugin.run()
