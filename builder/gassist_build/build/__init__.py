# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Build a plug-in folder into ``dist/<name>/``.

:mod:`.pipeline` runs the steps every build shares (read the folder, generate and
validate the manifest, check the config with :mod:`.config`, stage, move into place);
a :class:`~.mode.BuildMode` fills the staging folder: :mod:`.source` (``plugin.py`` +
``libs/``) or :mod:`.exe` (a PyInstaller executable, frozen by :mod:`.freeze`).
Requirements are installed by :mod:`.pip`, offline from this environment's wheels
(:mod:`.wheelhouse`).
"""

from __future__ import annotations

from .._secrets import secret_keys
from .config import DeclaredConfig, declared_config
from .mode import Mode
from .pipeline import BuildResult, build_plugin, plugin_modules

__all__ = [
    "BuildResult",
    "DeclaredConfig",
    "Mode",
    "build_plugin",
    "declared_config",
    "plugin_modules",
    "secret_keys",
]
