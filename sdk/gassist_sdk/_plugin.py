# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The :class:`Plugin` facade: registration, the NVIDIA-compatible helpers, and ``run()``.

The facade holds what a plug-in declares and hands the work to its parts:
the command table (:mod:`gassist_sdk._registry`), the serving with its routes
and replies (:mod:`gassist_sdk._session`), the call loop
(:mod:`gassist_sdk._runner`), the setup conversation
(:mod:`gassist_sdk._setup`) and the plug-in's own command line
(:mod:`gassist_sdk._cli`). Only the first two are loaded before the engine's
``initialize`` is answered; the others come with their first use.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._errors import RegistrationError
from ._logging import (
    LazyLogger,
    RedactingFilter,
    _logging_module,
    level_number,
    when_logging_starts,
)
from ._registry import CommandTable
from ._transport import Transport, open_stdio

if TYPE_CHECKING:
    import logging
    from pathlib import Path

    from ._config import ConfigModel, PluginConfig
    from ._context import Context, LogLevel
    from ._introspect import CommandSpec
    from ._registry import F
    from ._session import Session

__all__ = ["Plugin"]

_INVOCATION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_CLI_FLAGS = ("--manifest", "--config-example", "--config-schema")
_sdk_logger = LazyLogger("gassist_sdk")


def _caller_dir() -> str:
    """Folder of the module that created the Plugin (the plug-in folder)."""
    if getattr(sys, "frozen", False):
        return os.path.dirname(os.path.realpath(sys.executable))
    filename = sys._getframe(2).f_globals.get("__file__")
    return os.path.dirname(os.path.realpath(filename)) if filename else os.getcwd()


class Plugin:
    """A G-Assist plug-in.

    Args:
        name: The invocation name (the plug-in's folder name).
        version: Shown to the engine at ``initialize``.
        description: What the plug-in does, for the manifest.
        persistent: One process for the whole G-Assist session (the default)
            or a launch per call.
        tethered: V1 only: send heartbeats while a command runs.
        executable: The manifest's ``executable`` (``plugin.py`` by default).
        config: A dataclass describing ``config.json`` (see ``docs/config.md``).
        setup_help: Shown when config is missing: where to get the values.
        check_config: Called with the config a setup conversation is about to
            save (an instance of ``config``, pasted values included); returns
            None when it is fine, or the sentence to show the user, in which
            case nothing is saved and the conversation stays open. It runs
            on the worker thread, so it may call the service to test a key.
        plugin_dir: The plug-in folder; by default the folder of the module
            that creates the Plugin.

    Example:
        >>> plugin = Plugin("hello", version="1.0.0", description="Says hello")
        >>> @plugin.command()
        ... def greet(name: str) -> str:
        ...     '''Greet someone by name.'''
        ...     return f"Hello, {name}!"
    """

    def __init__(
        self,
        name: str,
        version: str = "1.0.0",
        description: str = "",
        *,
        persistent: bool = True,
        tethered: bool = False,
        executable: str = "plugin.py",
        config: type | None = None,
        setup_help: str = "",
        check_config: Callable[[Any], str | None] | None = None,
        plugin_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if not isinstance(name, str) or not _INVOCATION_NAME.match(name):
            raise RegistrationError(f"plug-in name {name!r} is not a valid invocation name: use a "
                                    "letter followed by letters, digits, '-' or '_'")
        self.name = name
        self.version = str(version)
        self.description = description
        self.persistent = persistent
        self.tethered = tethered
        self.executable = executable
        self.setup_help = setup_help
        if check_config is not None and (config is None or not callable(check_config)):
            raise RegistrationError("check_config= needs config= and must be a function "
                                    "taking the candidate config")
        self.check_config = check_config
        self._dir = os.path.realpath(plugin_dir) if plugin_dir else _caller_dir()
        self._logger_name = f"gassist.{name}"
        self.redactor = RedactingFilter()
        self._table = CommandTable()
        self.config_model: ConfigModel | None = None
        self._settings: PluginConfig | None = None
        if config is not None:
            from ._config import ConfigModel, PluginConfig  # only plug-ins with config

            self.config_model = ConfigModel(config)
            self._settings = PluginConfig(self.config_model, self._dir, self.redactor)
        self._session: Session | None = None

    # -- registration -----------------------------------------------------------------

    def command(self, name: str | Callable[..., Any] | None = None, description: str | None = None,
                *, tags: tuple[str, ...] | list[str] = (), needs_config: bool = True) -> Any:
        """Register a function as a command the engine can call.

        Usable as ``@plugin.command``, ``@plugin.command()`` or
        ``@plugin.command("name", description=...)``. The parameters' types,
        defaults and docstring become the manifest entry and the validator.
        With a config declared, a command runs only once config.json is
        valid (the user is walked through setup otherwise), unless
        ``needs_config=False``.

        Raises:
            RegistrationError: At decoration time, naming the function, for
                duplicates, lambdas, ``*args``, unsupported types and names
                reserved by the engine.
        """
        if callable(name):
            return self.command()(name)
        return self._table.decorator(name, description, tags, needs_config)

    def on_input(self, func: F) -> F:
        """Register the handler of follow-up user turns in a passthrough session.

        Its first parameter (other than a Context) receives the user's text.
        """
        self._table.set_input(func)
        return func

    @property
    def logger(self) -> logging.Logger:
        """The plug-in's own logger (``gassist.<name>``), written to ``<name>.log``."""
        return _logging_module().getLogger(self._logger_name)  # type: ignore[no-any-return]

    @property
    def commands(self) -> dict[str, CommandSpec]:
        """The registered commands, by name."""
        return self._table.specs()

    # -- config -------------------------------------------------------------------------

    @property
    def plugin_dir(self) -> Path:
        """The plug-in folder (where manifest.json, config.json and the log live)."""
        from pathlib import Path

        return Path(self._dir)

    @property
    def config_path(self) -> Path:
        """Where config.json is read from: ``$GASSIST_CONFIG`` or the plug-in folder."""
        from pathlib import Path

        from ._config import config_file

        return Path(config_file(self._dir))

    def load_config(self) -> tuple[Any, list[str]]:
        """``(config, problems)``: the current config.json, re-read when it changed."""
        if self._settings is None:
            return None, []
        return self._settings.load()

    @property
    def config(self) -> Any:
        """The loaded config, or None while config.json is missing or invalid."""
        return self.load_config()[0]

    # -- NVIDIA-compatible helpers ------------------------------------------------------

    def _running(self) -> Context | None:
        session = self._session
        return session.current if session is not None else None

    def stream(self, data: str) -> None:
        """Stream a chunk of text for the command now running."""
        ctx = self._running()
        if ctx is None:
            self.logger.warning("plugin.stream() called outside a command; text not sent")
            return
        ctx.stream(data)

    def set_keep_session(self, keep: bool) -> None:
        """Keep (or end) the passthrough session after the current reply."""
        ctx = self._running()
        if ctx is None:
            self.logger.warning("plugin.set_keep_session() called outside a command; ignored")
            return
        ctx.keep_session(keep)

    def log(self, message: str, level: LogLevel | str = "info") -> None:
        """Log to the plug-in log file and send a ``log`` notification to the engine.

        ``level`` is a :class:`LogLevel` or its name (``"info"``, the default,
        is ``LogLevel.INFO``).
        """
        from ._context import log_level_name

        level_name = log_level_name(level)
        self.logger.log(level_number(level_name), "%s", message)
        session = self._session
        if session is not None:
            session.log(message, level_name)

    # -- manifest -----------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """The manifest.json for this plug-in, generated from the registered commands."""
        return self._table.manifest(self)

    def _warn_manifest_drift(self) -> None:
        from ._manifest import MANIFEST_NAME, manifest_drift, read_manifest

        on_disk = read_manifest(os.path.join(self._dir, MANIFEST_NAME))
        if on_disk is None:
            return
        for problem in manifest_drift(self.manifest(), on_disk):
            _sdk_logger.warning("%s; regenerate it with `gassist-build manifest`", problem)

    # -- serving ------------------------------------------------------------------------

    def run(self, protocol: str = "auto", argv: list[str] | None = None) -> None:
        """Serve the engine over stdin/stdout until it shuts the plug-in down.

        ``python plugin.py --manifest`` prints the manifest instead, and
        ``--manifest --check`` compares it with manifest.json (exit 1 when stale).

        Args:
            protocol: ``"auto"`` (from the first byte), ``"v1"`` or ``"v2"``.
            argv: Command-line arguments (default ``sys.argv[1:]``).
        """
        args = sys.argv[1:] if argv is None else argv
        if any(flag in args for flag in _CLI_FLAGS):
            from ._cli import command_line

            sys.exit(command_line(self, args))
        # Logging starts with the first record, so the answer to initialize is not
        # held up by importing and configuring it.
        when_logging_starts(self.enable_logging)
        try:
            transport, _isolation = open_stdio()
        except OSError as exc:
            _sdk_logger.error("cannot serve: %s", exc)
            sys.stderr.write(f"{self.name}: {exc}\n")
            sys.exit(2)
        # manifest.json is compared with the code once the engine's first request is
        # answered, on the worker: the check never delays the handshake.
        self._serve(transport, protocol, self._warn_manifest_drift)

    def enable_logging(self) -> str | None:
        """Send the SDK's and the plug-in's logs to ``<name>.log`` (see ``GASSIST_LOG_DIR``).

        Returns:
            The log file's path, or None when no writable place exists.
        """
        from ._logfile import configure_logging

        return configure_logging(self.name, self._dir, self.redactor,
                                 ["gassist_sdk", self._logger_name])

    def serve(self, transport: Transport, protocol: str = "auto") -> None:
        """Serve over any transport (``run()`` uses the engine's pipes; tests use memory)."""
        self._serve(transport, protocol, None)

    def _serve(self, transport: Transport, protocol: str,
               after_first_request: Callable[[], None] | None) -> None:
        from ._session import Session

        opened = Session.open(self, transport, protocol, after_first_request)
        if opened is None:  # no request will come: do now what waited for the first
            if after_first_request is not None:
                after_first_request()
            return
        session, initial = opened
        self._session = session
        try:
            session.serve(initial)
        finally:
            self._session = None
