# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The command table: what a plug-in registered, checked at registration.

Each ``@plugin.command`` builds its :class:`~gassist_sdk._introspect.CommandSpec`
at once, so a command the engine could not call fails at import time, naming
the function. The table is filled while the plug-in module is imported and
only read once the plug-in serves, so it needs no lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import RegistrationError
from ._introspect import CommandSpec, inspect_command

if TYPE_CHECKING:
    from typing import Protocol

    class PluginIdentity(Protocol):
        """What the manifest says about the plug-in itself (a :class:`Plugin` has it)."""

        name: str
        version: str
        description: str
        executable: str
        persistent: bool
        tethered: bool

__all__ = ["ON_INPUT", "CommandTable", "RegisteredCommand"]

F = TypeVar("F", bound=Callable[..., Any])
ON_INPUT = "on_input"


class RegisteredCommand:
    """A handler with its model, and whether it waits for valid config."""

    __slots__ = ("func", "needs_config", "spec")

    def __init__(self, spec: CommandSpec, func: Callable[..., Any], needs_config: bool) -> None:
        self.spec = spec
        self.func = func
        self.needs_config = needs_config


class CommandTable:
    """The registered commands by name, and the passthrough input handler."""

    def __init__(self) -> None:
        self.commands: dict[str, RegisteredCommand] = {}
        self.input: RegisteredCommand | None = None

    def decorator(self, name: str | None, description: str | None, tags: Iterable[str],
                  needs_config: bool) -> Callable[[F], F]:
        """The decorator ``@plugin.command(...)`` returns."""

        def decorate(func: F) -> F:
            command_name = name or getattr(func, "__name__", "")
            if command_name == ON_INPUT:
                # NVIDIA's magic name: the passthrough handler, never advertised.
                self.set_input(func)
                return func
            spec = inspect_command(func, name=name, description=description, tags=tags)
            if spec.name in self.commands:
                raise RegistrationError(f"{getattr(func, '__name__', func)!r}: a command named "
                                        f"{spec.name!r} is already registered")
            self.commands[spec.name] = RegisteredCommand(spec, func, needs_config)
            return func

        return decorate

    def set_input(self, func: Callable[..., Any]) -> None:
        """Register the handler of follow-up user turns (its first parameter gets the text)."""
        spec = inspect_command(func, name=ON_INPUT, description="Follow-up input")
        if self.input is not None:
            raise RegistrationError(f"{getattr(func, '__name__', func)!r}: an input handler is "
                                    "already registered")
        if not spec.params:
            raise RegistrationError(f"{getattr(func, '__name__', func)!r}: an input handler needs "
                                    "a parameter for the user's text")
        self.input = RegisteredCommand(spec, func, False)

    def get(self, name: Any) -> RegisteredCommand | None:
        """The command called ``name``, or None (also for a name that is not a string)."""
        return self.commands.get(name) if isinstance(name, str) else None

    def specs(self) -> dict[str, CommandSpec]:
        """The commands' models, by name, in registration order."""
        return {name: entry.spec for name, entry in self.commands.items()}

    def known(self) -> str:
        """The command names for an error message (``"none"`` without any)."""
        return ", ".join(sorted(self.commands)) or "none"

    def summaries(self) -> list[dict[str, str]]:
        """Name and description of each command, as ``initialize`` lists them."""
        return [{"name": e.spec.name, "description": e.spec.description}
                for e in self.commands.values()]

    def manifest(self, plugin: PluginIdentity) -> dict[str, Any]:
        """The manifest.json of ``plugin``, with a ``functions`` entry per command."""
        manifest: dict[str, Any] = {
            "manifestVersion": 1,
            "name": plugin.name,
            "version": plugin.version,
            "description": plugin.description,
            "executable": plugin.executable,
            "persistent": plugin.persistent,
            "protocol_version": "2.0",
        }
        if plugin.tethered:
            manifest["tethered"] = True
        manifest["functions"] = [entry.spec.manifest_entry() for entry in self.commands.values()]
        return manifest
