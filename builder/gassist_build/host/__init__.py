# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's side: run plug-ins the way G-Assist does.

:mod:`.spec` reads a manifest, :mod:`.process` runs one plug-in process over
:mod:`.stdio` (the OS process), :mod:`.session` (calls in flight) and
:mod:`.dialects` (one per wire protocol, with its :mod:`.watchdog`);
:mod:`.results` holds what they report. :mod:`.emulator` hosts a plug-ins
folder and :mod:`.scorecard` grades one plug-in.
"""

from __future__ import annotations

from ..errors import LaunchError, ManifestError
from .process import PluginProcess
from .results import CallOutcome, HostEvent, PingResult, ShutdownReport, Timeouts
from .session import PendingCall
from .spec import FunctionSpec, PluginSpec, load_plugin_spec
from .stdio import default_log_dir, describe_exit
from .watchdog import Watchdog

__all__ = [
    "CallOutcome",
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

