# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist-build: dev-time tools for G-Assist plug-ins.

Scaffold, generate and validate manifests, emulate the engine, build, install, package.
The ``gassist-build`` command line (:mod:`gassist_build.cli`) is a thin layer over
the library API below; ``docs/architecture.md`` maps the sub-packages.

The names are imported on first use, so ``import gassist_build`` stays cheap (the
command line imports only what the command it runs needs)::

    from gassist_build import build_plugin, install_plugin, PluginProcess
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_API: dict[str, str] = {
    "ToolError": "errors",
    "render_template": "scaffold",
    "validate_plugin": "manifest.validate",
    "sync_manifest": "manifest.sync",
    "sync_config_files": "manifest.config",
    "build_plugin": "build",
    "install_plugin": "install",
    "uninstall_plugin": "install",
    "package_plugin": "package",
    "load_plugin_spec": "host",
    "PluginProcess": "host",
    "Timeouts": "host",
    "Emulator": "host.emulator",
    "run_check": "host.scorecard",
}

__all__ = [
    "Emulator",
    "PluginProcess",
    "Timeouts",
    "ToolError",
    "__version__",
    "build_plugin",
    "install_plugin",
    "load_plugin_spec",
    "package_plugin",
    "render_template",
    "run_check",
    "sync_config_files",
    "sync_manifest",
    "uninstall_plugin",
    "validate_plugin",
]

if TYPE_CHECKING:
    from .build import build_plugin
    from .errors import ToolError
    from .host import PluginProcess, Timeouts, load_plugin_spec
    from .host.emulator import Emulator
    from .host.scorecard import run_check
    from .install import install_plugin, uninstall_plugin
    from .manifest.config import sync_config_files
    from .manifest.sync import sync_manifest
    from .manifest.validate import validate_plugin
    from .package import package_plugin
    from .scaffold import render_template


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'gassist_build' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
