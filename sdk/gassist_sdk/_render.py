# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Turn whatever a handler returns into the text the engine shows."""

from __future__ import annotations

import enum
import json
import os
from typing import Any

__all__ = ["RenderError", "render_result"]


class RenderError(ValueError):
    """The value cannot be shown as text; the message says why, for the user."""


def render_result(value: Any) -> str:
    """Text for a handler's return value.

    ``str`` is sent as-is, ``None`` as nothing, numbers and booleans as
    literals, mappings and sequences as readable Markdown.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return _render(value, 0, set())
    except RecursionError:
        raise RenderError("the command returned a value nested too deeply to be shown as text"
                          ) from None


def _scalar(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value) if isinstance(value, float) and value != value else str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return _scalar(value.value)
    if type(value).__module__ == "datetime" and hasattr(value, "isoformat"):
        return str(value.isoformat())  # date, time, datetime (no import needed to tell)
    if isinstance(value, os.PathLike):
        return str(os.fspath(value))
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise RenderError(f"the command returned {len(value)} bytes of binary data, "
                              "which cannot be shown as text") from None
    return None


def _is_dataclass_instance(value: Any) -> bool:
    # What dataclasses.is_dataclass checks, without importing dataclasses.
    return hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type)


def _render(value: Any, depth: int, seen: set[int]) -> str:
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    if _is_dataclass_instance(value):
        value = {name: getattr(value, name) for name in value.__dataclass_fields__}
    if isinstance(value, (set, frozenset, tuple)):
        value = list(value)
    if isinstance(value, (dict, list)):
        if id(value) in seen:
            raise RenderError("the command returned a value that contains itself "
                              "(a circular reference), which cannot be shown as text")
        seen.add(id(value))
        try:
            return _render_container(value, depth, seen)
        finally:
            seen.discard(id(value))
    if getattr(type(value), "__str__", None) is not object.__str__:
        return str(value)
    raise RenderError(f"the command returned a value of type {type(value).__name__}, "
                      "which cannot be shown as text")


def _render_container(value: dict[Any, Any] | list[Any], depth: int, seen: set[int]) -> str:
    indent = "  " * depth
    lines: list[str] = []
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for key, item in items:
        label = f"**{key}**: " if key is not None else ""
        nested = isinstance(item, (dict, list, tuple, set, frozenset)) or (
            _is_dataclass_instance(item))
        if isinstance(item, dict) and item and not any(
                isinstance(v, (dict, list, tuple, set, frozenset)) for v in item.values()):
            if id(item) in seen:
                raise RenderError("the command returned a value that contains itself "
                                  "(a circular reference), which cannot be shown as text")
            flat = "; ".join(f"**{k}**: {_render(v, depth + 1, seen)}" for k, v in item.items())
            lines.append(f"{indent}- {label}{flat}")
        elif nested and not item:
            lines.append(f"{indent}- {label}(none)")
        elif nested:
            body = _render(item, depth + 1, seen)
            lines.append(f"{indent}- {label.rstrip(': ') + ':' if label else ''}".rstrip())
            lines.append(body)
        else:
            lines.append(f"{indent}- {label}{_render(item, depth + 1, seen)}")
    return "\n".join(lines)
