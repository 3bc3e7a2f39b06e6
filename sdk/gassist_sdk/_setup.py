# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The setup conversation for a plug-in whose config is missing or invalid.

A command that needs config answers with what to set and where, keeps the
session open, and remembers the call. The user pastes ``key=value`` lines (or
a bare value when one key is missing); values are checked, saved atomically,
and the remembered call is replayed with its original arguments.
"""

from __future__ import annotations

import re
from typing import Any

from ._config import ConfigField, ConfigModel

__all__ = ["PendingCall", "parse_paste", "setup_instructions"]

_PAIR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*?)\s*$")
CANCEL_WORDS = {"cancel", "stop", "quit", "exit", "abort"}


class PendingCall:
    """A command that waits for its config."""

    __slots__ = ("arguments", "function", "messages", "system_info")

    def __init__(self, function: str, arguments: Any, messages: Any, system_info: Any) -> None:
        self.function = function
        self.arguments = arguments
        self.messages = messages
        self.system_info = system_info


def setup_instructions(plugin_name: str, fields: list[ConfigField], problems: list[str],
                       config_path: str, help_text: str) -> str:
    """The message that tells the user how to finish setting up the plug-in."""
    lines = [f"**{plugin_name} needs to be set up first.**"]
    if help_text:
        lines += ["", help_text.strip()]
    lines += ["", "What is wrong:"]
    lines += [f"- {problem}" for problem in problems]
    lines += ["", "Needed:"]
    for item in fields:
        detail = item.spec.description or item.name
        if item.help:
            detail += f" — {item.help}"
        marker = " (secret)" if item.secret else ""
        lines.append(f"- `{item.name}`{marker}: {detail}")
    lines += ["", "Paste the values here as `key=value`, one per line"]
    if len(fields) == 1:
        lines[-1] += f" (or just the value of `{fields[0].name}`)"
    lines[-1] += f", or edit `{config_path}` and ask again. Say `cancel` to stop."
    return "\n".join(lines)


def parse_paste(text: str, model: ConfigModel,
                wanted: list[ConfigField]) -> tuple[dict[str, Any], list[str]]:
    """Values the user pasted, and problems (never echoing a secret's value)."""
    updates: dict[str, Any] = {}
    problems: list[str] = []
    lines = [line for line in text.strip().splitlines() if line.strip()]
    pairs = [_PAIR.match(line) for line in lines]
    if lines and all(pairs):
        for match in pairs:
            assert match is not None
            key, value = match.group(1), match.group(2).strip().strip('"').strip("'")
            if key not in model.by_name:
                known = ", ".join(f.name for f in model.fields)
                problems.append(f"`{key}` is not a setting of this plug-in (it has: {known})")
                continue
            updates[key] = value
    elif len(wanted) == 1 and len(lines) == 1:
        updates[wanted[0].name] = lines[0].strip().strip('"').strip("'")
    else:
        names = ", ".join(f"`{f.name}`" for f in wanted)
        problems.append(f"write each value as `key=value` on its own line (keys: {names})")
    return updates, problems
