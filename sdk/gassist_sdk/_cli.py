# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The plug-in's own command line: ``python plugin.py --manifest`` and friends.

``--manifest`` prints the manifest generated from the code, ``--manifest
--check`` compares it with manifest.json (exit 1 when stale), and
``--config-example`` / ``--config-schema`` print the config documents (exit
:data:`~gassist_sdk._manifest.EXIT_NO_CONFIG` for a plug-in without config).
The builder runs these; :meth:`Plugin.run` loads this module only for them.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from ._manifest import EXIT_NO_CONFIG, MANIFEST_NAME, dumps_manifest, manifest_diff

if TYPE_CHECKING:
    from ._plugin import Plugin

__all__ = ["command_line"]


def command_line(plugin: Plugin, args: list[str]) -> int:
    """Do what ``args`` ask (``--manifest`` or a ``--config-*`` flag); returns the exit status."""
    if "--manifest" in args:
        return _manifest(plugin, check="--check" in args)
    return _config_document(plugin, schema="--config-schema" in args)


def _write(text: str) -> None:
    out = sys.stdout if sys.stdout is not None else sys.__stdout__
    if out is not None:
        out.write(text)
        out.flush()


def _manifest(plugin: Plugin, check: bool) -> int:
    manifest = plugin.manifest()
    if not check:
        _write(dumps_manifest(manifest))
        return 0
    folder = plugin._dir
    path = os.path.join(folder, MANIFEST_NAME)
    diff = manifest_diff(manifest, path)
    if diff:
        sys.stderr.write(f"{path} is stale; regenerate it with: gassist-build manifest "
                         f"{folder}\n{diff}")
        return 1
    sys.stderr.write(f"{path} is up to date\n")
    return 0


def _config_document(plugin: Plugin, *, schema: bool) -> int:
    model = plugin.config_model
    if model is None:
        sys.stderr.write(f"{plugin.name} declares no config (Plugin(..., config=...))\n")
        return EXIT_NO_CONFIG
    document = model.schema(f"{plugin.name} config.json") if schema else model.example()
    _write(dumps_manifest(document))
    return 0
