# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""How a command and its parameters are written in manifest.json.

Loaded by ``--manifest``, the drift check and the config schema, and by the
first argument that fails to coerce (its message states the bounds the same
way), never before ``initialize`` is answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._introspect import CommandSpec, ParamSpec

__all__ = ["command_entry", "param_entry", "range_phrase"]


def param_entry(spec: ParamSpec) -> dict[str, Any]:
    """The flat ``properties`` entry of one parameter."""
    entry: dict[str, Any] = {"type": "string" if spec.kind == "any" else spec.kind}
    description = spec.description
    bounds = range_phrase(spec.minimum, spec.maximum)
    if bounds:
        description = f"{description} ({bounds})" if description else bounds.capitalize()
    entry["description"] = description
    if spec.enum is not None:
        entry["enum"] = list(spec.enum)
    if spec.kind == "array":
        entry["items"] = {"type": spec.items or "string"}
    return entry


def command_entry(spec: CommandSpec) -> dict[str, Any]:
    """The manifest's ``functions`` entry of one command (flat form, stable key order)."""
    entry: dict[str, Any] = {"name": spec.name, "description": spec.description,
                             "tags": list(spec.tags)}
    entry["properties"] = {p.name: param_entry(p) for p in spec.params}
    entry["required"] = [p.name for p in spec.params if p.required]
    return entry


def range_phrase(minimum: float | None, maximum: float | None) -> str:
    """Bounds in words: ``"0–100"``, ``"at least 1"``, ``"at most 9"`` or ``""``."""

    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if minimum is not None and maximum is not None:
        return f"{fmt(minimum)}–{fmt(maximum)}"
    if minimum is not None:
        return f"at least {fmt(minimum)}"
    if maximum is not None:
        return f"at most {fmt(maximum)}"
    return ""
