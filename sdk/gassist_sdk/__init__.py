# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist_sdk — the runtime for NVIDIA Project G-Assist plug-ins.

Stdlib only. A superset of NVIDIA's ``gassist_sdk`` 3.x API, so existing
plug-ins run unchanged::

    from gassist_sdk import Plugin, Context, CommandError

    plugin = Plugin("hello", version="1.0.0", description="Says hello")

    @plugin.command()
    def greet(name: str, ctx: Context) -> str:
        '''Greet someone by name.'''
        return f"Hello, {name}!"

    if __name__ == "__main__":
        plugin.run()
"""

from __future__ import annotations

from ._config import setting
from ._context import Context, LogLevel, SystemInfo
from ._errors import CommandError, ConfigError, GAssistError, RegistrationError
from ._introspect import Range
from ._plugin import Plugin

__version__ = "0.1.0"

__all__ = [
    "CommandError",
    "ConfigError",
    "Context",
    "GAssistError",
    "LogLevel",
    "Plugin",
    "Range",
    "RegistrationError",
    "SystemInfo",
    "__version__",
    "setting",
]
