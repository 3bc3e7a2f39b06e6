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

from typing import TYPE_CHECKING, Any

from ._errors import CommandError, ConfigError, GAssistError, RegistrationError
from ._plugin import Plugin

if TYPE_CHECKING:
    from ._config import setting
    from ._context import Context, LogLevel, SystemInfo
    from ._hints import Range

__version__ = "0.1.0"

# Imported on first use (PEP 562), so a plug-in that never names them answers
# ``initialize`` without compiling their modules.
_ON_FIRST_USE = {"Context": "_context", "LogLevel": "_context", "SystemInfo": "_context",
                 "Range": "_hints", "setting": "_config"}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

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
