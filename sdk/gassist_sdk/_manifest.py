# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""manifest.json generated from the registered commands, and drift checks."""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = [
    "dumps_manifest",
    "manifest_diff",
    "manifest_drift",
    "parameter_form",
    "read_manifest",
]

MANIFEST_NAME = "manifest.json"
# Exit status of ``plugin.py --config-example`` / ``--config-schema`` for a plug-in that
# declares no config: the builder tells "no config" from a failure by it, not by its text.
EXIT_NO_CONFIG = 3


def parameter_form(function: dict[str, Any]) -> tuple[tuple[str, ...], Any, Any]:
    """Where a manifest function declares its parameters, in either of its two forms.

    A function with a ``parameters`` object uses the JSON-Schema form (its
    ``properties`` and ``required``); any other uses the flat form NVIDIA's
    examples use (``properties`` and ``required`` on the function itself).
    The schema forbids mixing the two.

    Returns:
        The path of the parameter map relative to the function, the map and
        the required list, as written (not checked).
    """
    schema = function.get("parameters")
    if isinstance(schema, dict):
        return ("parameters", "properties"), schema.get("properties"), schema.get("required")
    return ("properties",), function.get("properties"), function.get("required")


def dumps_manifest(manifest: dict[str, Any]) -> str:
    """The canonical text of a manifest: 2-space JSON, UTF-8 as-is, final newline."""
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def _read_text(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest at ``path`` (BOM tolerated), or None when absent or unreadable."""
    try:
        data = json.loads(_read_text(path))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest_diff(generated: dict[str, Any], path: str | os.PathLike[str]) -> str:
    """A unified diff from the file at ``path`` to the generated manifest ("" when equal)."""
    import difflib  # only the --check path needs it

    try:
        current = _read_text(path)
    except OSError:
        current = ""
    wanted = dumps_manifest(generated)
    if current.replace("\r\n", "\n") == wanted:
        return ""
    return "".join(difflib.unified_diff(current.splitlines(keepends=True),
                                        wanted.splitlines(keepends=True),
                                        fromfile=str(path), tofile="generated from code"))


def manifest_drift(generated: dict[str, Any], on_disk: dict[str, Any]) -> list[str]:
    """Human-readable differences that change what the engine would call."""
    problems: list[str] = []

    def functions(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
        items = manifest.get("functions")
        if not isinstance(items, list):
            return {}
        return {f["name"]: f for f in items
                if isinstance(f, dict) and isinstance(f.get("name"), str)}

    code, disk = functions(generated), functions(on_disk)
    for name in sorted(set(disk) - set(code)):
        problems.append(f"manifest.json declares {name!r}, which the code does not register")
    for name in sorted(set(code) - set(disk)):
        problems.append(f"the code registers {name!r}, which manifest.json does not declare")
    for name in sorted(set(code) & set(disk)):
        declared = parameter_form(disk[name])[1]
        declared_names = set(declared) if isinstance(declared, dict) else set()
        code_names = set(code[name].get("properties", {}))
        if declared_names != code_names:
            problems.append(f"{name!r}: manifest.json parameters {sorted(declared_names)} differ "
                            f"from the code's {sorted(code_names)}")
    return problems
