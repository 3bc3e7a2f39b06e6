# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's side: run plug-ins the way G-Assist does.

:mod:`.process` runs one plug-in process, :mod:`.dialects` speaks both wire protocols,
:mod:`.emulator` hosts a plug-ins folder and :mod:`.scorecard` grades one plug-in.
"""

from __future__ import annotations

from .process import (
    CallResult,
    FunctionSpec,
    HostEvent,
    LaunchError,
    ManifestError,
    PendingCall,
    PingResult,
    PluginProcess,
    PluginSpec,
    ShutdownReport,
    Timeouts,
    Watchdog,
    default_log_dir,
    describe_exit,
    load_plugin_spec,
)

__all__ = [
    "CallResult",
    "FunctionSpec",
    "HostEvent",
    "LaunchError",
    "ManifestError",
    "PendingCall",
    "PingResult",
    "PluginProcess",
    "PluginSpec",
    "ShutdownReport",
    "Timeouts",
    "Watchdog",
    "default_log_dir",
    "describe_exit",
    "load_plugin_spec",
]
