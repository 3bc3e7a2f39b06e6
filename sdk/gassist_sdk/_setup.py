# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The setup conversation for a plug-in whose config is missing or invalid.

A command that needs config answers with what to set and where, keeps the
session open, and remembers the call. The user pastes ``key=value`` lines (or
a bare value when one key is missing); values are checked, saved atomically,
and the remembered call is replayed with its original arguments.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ._coerce import coerce
from ._logging import LazyLogger

if TYPE_CHECKING:
    from ._config import ConfigField, ConfigModel, PluginConfig
    from ._plugin import Plugin
    from ._runner import Runner
    from ._session import Session
    from ._worker import Job

__all__ = ["ParkedCall", "SetupConversation", "parse_paste", "setup_instructions"]

_PAIR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*?)\s*$")
CANCEL_WORDS = {"cancel", "stop", "quit", "exit", "abort"}
_logger = LazyLogger("gassist_sdk")


class ParkedCall:
    """A call parked while setup runs, replayed with its arguments once config is valid."""

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
    # "https://…" is a pasted URL, not the key "https" (`key: value` is accepted too).
    pairs = [match if match and not match.group(2).startswith("//") else None
             for match in map(_PAIR.match, lines)]
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


class SetupConversation:
    """Asks for missing config, takes the user's pasted values and replays the parked call.

    Used by the worker thread only (through the :class:`~gassist_sdk._runner.Runner`).

    Args:
        plugin: The plug-in being set up (it declares a config).
        session: Where replies go.
        runner: Replays the parked call once the config is valid.
    """

    def __init__(self, plugin: Plugin, session: Session, runner: Runner) -> None:
        assert plugin._settings is not None
        self.plugin = plugin
        self.settings: PluginConfig = plugin._settings
        self.session = session
        self.runner = runner
        self.parked: ParkedCall | None = None

    def _instructions(self, problems: list[str]) -> str:
        return setup_instructions(self.plugin.name, self.settings.state().fields_to_ask(),
                                  problems, self.settings.path(), self.plugin.setup_help)

    def ask(self, request_id: Any, function: str, arguments: Any, messages: Any,
            system_info: Any, problems: list[str]) -> None:
        """Park the call and tell the user what to set, keeping the session open."""
        _logger.info("%s needs config; asking the user (%d problem(s))", function, len(problems))
        self.parked = ParkedCall(function, arguments, messages, system_info)
        self.session.complete(request_id, False, self._instructions(problems), True)

    def turn(self, request_id: Any, content: str, job: Job) -> None:
        """One user turn: cancel, or values to check and save, then replay the parked call."""
        parked, session = self.parked, self.session
        assert parked is not None
        if content.strip().lower() in CANCEL_WORDS:
            self.parked = None
            session.complete(request_id, True, f"Setup of {self.plugin.name} cancelled; "
                             "nothing was changed.", False)
            return
        updates = self._checked_updates(request_id, content)
        if updates is None:
            return
        broken = self.settings.state().refused_by_rules(updates)
        if broken:
            session.complete(request_id, False, "\n".join(f"- {p}" for p in broken)
                             + "\n\nNothing was saved. Paste another value, or say `cancel`.",
                             True)
            return
        refusal = self._refusal(updates)
        if refusal is not None:
            session.complete(request_id, False, f"{refusal}\n\nNothing was saved. Paste "
                             "another value, or say `cancel`.", True)
            return
        problems = self.settings.state().save(updates)
        if problems:
            session.complete(request_id, False, "\n".join(f"- {p}" for p in problems), True)
            return
        saved = ", ".join(f"`{key}`" for key in updates)
        _logger.info("config saved (%d key(s))", len(updates))
        _value, problems = self.plugin.load_config()
        if problems:
            session.complete(request_id, False, f"Saved {saved}.\n\n"
                             f"{self._instructions(problems)}", True)
            return
        self.parked = None
        entry = self.plugin._table.get(parked.function)
        if entry is None:  # pragma: no cover - commands cannot be unregistered
            session.complete(request_id, True, f"Saved {saved}.", False)
            return
        session.stream(request_id, f"Saved {saved} to "
                       f"{os.path.basename(self.settings.path())}.\n\n")
        self.runner.call(request_id, entry, parked.arguments, job, parked.messages,
                         parked.system_info)

    def _refusal(self, updates: dict[str, Any]) -> str | None:
        """What the plug-in's ``check_config`` says about the config these values complete.

        Values that leave the config incomplete are saved unchecked; the check
        runs once they would make a whole config.
        """
        check = self.plugin.check_config
        if check is None:
            return None
        candidate = self.settings.state().candidate(updates)
        if candidate is None:
            return None
        try:
            verdict = check(candidate)
        except Exception as exc:
            # The log is redacted (pasted secrets included), so the traceback may go there.
            _logger.exception("check_config raised %s", type(exc).__name__)
            return (f"The settings could not be checked ({type(exc).__name__}); the details "
                    f"are in {self.plugin.name}.log")
        if verdict is None or not str(verdict).strip():
            return None
        _logger.info("check_config refused the pasted values")
        return str(verdict).strip()

    def _checked_updates(self, request_id: Any, content: str) -> dict[str, Any] | None:
        """The pasted values, coerced; None (after telling the user) when any is wrong."""
        model = self.settings.model
        self.plugin.load_config()
        updates, errors = parse_paste(content, model, self.settings.state().fields_to_ask())
        # Pasted secrets are hidden from everything we send or log from now on.
        self.plugin.redactor.add(str(v) for k, v in updates.items() if k in model.secret_names)
        for key, value in updates.items():
            try:
                updates[key] = coerce(model.by_name[key].spec, value)
            except ValueError as exc:
                field = model.by_name[key]
                errors.append(f"`{key}` must be {field.spec.kind}; that value was not saved"
                              if field.secret else str(exc))
        if errors:
            self.session.complete(request_id, False, "\n".join(f"- {e}" for e in errors)
                                  + "\n\nTry again, or say `cancel`.", True)
            return None
        return updates
