# SPDX-License-Identifier: Apache-2.0
# Copyright {{ cookiecutter.author }}
"""{{ cookiecutter.description }}

A G-Assist plug-in built with gassist-sdk. Try: "Hey {{ cookiecutter.plugin_name }}, greet Ada".
After changing a command or a setting, regenerate the files made from the code:
gassist-build manifest . && gassist-build config .
"""

from __future__ import annotations

from dataclasses import dataclass

from gassist_sdk import CommandError, Context, Plugin, setting


@dataclass
class Config:
    """The settings in config.json; ``gassist-build config .`` writes config.example.json."""

    # No default: the plug-in asks for it (in the chat) before the first command runs.
    # secret=True keeps the value out of logs, replies, config.example.json and builds.
    api_key: str = setting(
        description="API key of the service your commands call",
        secret=True,
        help="from your account page on the service's website",
    )
    greeting: str = setting("Hello", description="Word used to greet")


plugin = Plugin(
    {{ cookiecutter.plugin_name | tojson }},
    version={{ cookiecutter.version | tojson }},
    description={{ cookiecutter.description | tojson }},
    config=Config,
    # Shown when config.json is missing or incomplete: say where to get the values.
    setup_help="The API key comes from the service's website: sign in and create one for"
    " {{ cookiecutter.plugin_name }}.",
)


@plugin.command()
def greet(name: str, ctx: Context, times: int = 1) -> str:
    """Greet someone by name.

    Args:
        name: Who to greet.
        times: How many times to say it (1 to 5).
    """
    if not 1 <= times <= 5:
        raise CommandError("I can greet someone 1 to 5 times.")
    config: Config = ctx.config  # only runs once config.json is valid
    ctx.log(f"greeting a name of {len(name)} characters {times} time(s)")
    return " ".join([f"{config.greeting}, {name}!"] * times)


if __name__ == "__main__":
    plugin.run()
