# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Keep ``config.example.json`` and ``config.schema.json`` in step with the plug-in's code.

The runtime prints both documents itself (``python plugin.py --config-example`` and
``--config-schema``), from the config dataclass, without reading ``config.json``. This module
runs those commands the way ``gassist-build manifest`` runs ``--manifest`` and writes, or
checks, the two files beside ``plugin.py``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .probe import (
    DEFAULT_TIMEOUT,
    EXIT_NO_CONFIG,
    ManifestCommandError,
    render_manifest,
    run_plugin_json,
)
from .sync import _normalise_newlines, _write_atomically

__all__ = ["EXAMPLE_NAME", "SCHEMA_NAME", "ConfigSyncResult", "SecretLeakError",
           "sync_config_files"]

EXAMPLE_NAME = "config.example.json"
SCHEMA_NAME = "config.schema.json"


class SecretLeakError(ManifestCommandError):
    """A generated document contains a secret value from the plug-in's config.json."""


@dataclass
class ConfigSyncResult:
    """What :func:`sync_config_files` did.

    Attributes:
        folder: The plug-in folder.
        status: ``"written"`` (at least one file changed), ``"unchanged"``, ``"stale"``
            (check mode: at least one file differs or is missing) or ``"no-config"`` (the
            plug-in declares no config; nothing written).
        paths: The two files concerned (example, schema).
        changed: The files that were written (or, in check mode, would be).
        diff: Unified diffs of the stale files (check mode only).
    """

    folder: Path
    status: Literal["written", "unchanged", "stale", "no-config"]
    paths: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    diff: str = ""


def _read_text(path: Path) -> str | None:
    try:
        # utf-8-sig: a BOM an editor added is not staleness.
        return _normalise_newlines(path.read_bytes().decode("utf-8-sig", "replace"))
    except FileNotFoundError:
        return None


def _secret_values(folder: Path, schema: dict[str, Any]) -> list[str]:
    """Values of the secret keys (``writeOnly`` in the schema) of ``folder/config.json``."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return []
    secret_keys = [k for k, v in properties.items() if isinstance(v, dict) and v.get("writeOnly")]
    try:
        data = json.loads((folder / "config.json").read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    values = (data.get(key) for key in secret_keys)
    # Very short values would match by accident everywhere; the runtime ignores them too.
    return [str(v) for v in values if isinstance(v, (str, int, float)) and len(str(v)) >= 4]


def _diff(path: Path, current: str | None, wanted: str) -> str:
    lines = difflib.unified_diff(
        (current or "").splitlines(keepends=True),
        wanted.splitlines(keepends=True),
        fromfile=f"{path} (on disk)" if current is not None else f"{path} (missing)",
        tofile=f"{path} (from plugin.py)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def sync_config_files(
    folder: str | Path,
    *,
    check: bool = False,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConfigSyncResult:
    """Regenerate ``config.example.json`` and ``config.schema.json`` in ``folder``, or check them.

    Both documents are produced before anything is written, so a failure leaves both files as
    they were. As a last guard, a document that contains the value of a secret key of the
    ``config.json`` beside the plug-in is never written or shown.

    Args:
        folder: The plug-in folder (holds ``plugin.py``).
        check: Only compare; never write.
        python: Interpreter that runs ``plugin.py``.
        timeout: Seconds each ``plugin.py`` run may take.

    Returns:
        A :class:`ConfigSyncResult`.

    Raises:
        ManifestCommandError: ``plugin.py --config-example`` or ``--config-schema`` failed.
        SecretLeakError: A generated document holds a secret value from config.json.
    """
    folder = Path(folder)
    paths = [folder / EXAMPLE_NAME, folder / SCHEMA_NAME]
    documents: list[dict[str, Any]] = []
    for flag in ("--config-example", "--config-schema"):
        try:
            documents.append(run_plugin_json(folder, flag, python=python, timeout=timeout))
        except ManifestCommandError as exc:
            if exc.returncode == EXIT_NO_CONFIG:
                return ConfigSyncResult(folder, "no-config", paths)
            raise
    wanted = {path: render_manifest(document)
              for path, document in zip(paths, documents, strict=True)}
    secrets = _secret_values(folder, documents[1])
    leaked = [path.name for path, text in wanted.items() if any(s in text for s in secrets)]
    if leaked:
        raise SecretLeakError(
            f"{' and '.join(leaked)} generated by plugin.py would contain a secret value from "
            f"{folder / 'config.json'}; nothing was written. Secrets must not have defaults "
            "taken from config.json or the environment."
        )
    current = {path: _read_text(path) for path in paths}
    changed = [path for path, text in wanted.items() if current[path] != text]
    if not changed:
        return ConfigSyncResult(folder, "unchanged", paths)
    if check:
        diff = "".join(_diff(path, current[path], wanted[path]) for path in changed)
        return ConfigSyncResult(folder, "stale", paths, changed, diff)
    for path in changed:
        _write_atomically(path, wanted[path])
    return ConfigSyncResult(folder, "written", paths, changed)
