# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The :class:`Plugin` facade: registration, the G-Assist methods, and ``run()``."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ._config import CONFIG_ENV, CONFIG_NAME, ConfigModel, ConfigState
from ._context import Context, LogLevel
from ._dispatcher import NO_REPLY, Codec, Dispatcher, Job
from ._errors import (
    METHOD_NOT_FOUND,
    PLUGIN_ERROR,
    TIMEOUT,
    CommandError,
    InvalidParams,
    RegistrationError,
    WireError,
)
from ._introspect import CommandSpec, coerce, inspect_command
from ._jsonrpc import Request, V2Codec
from ._legacy import V1Codec
from ._logging import (
    LazyLogger,
    RedactingFilter,
    _logging_module,
    configure_logging,
    level_number,
    when_logging_starts,
)
from ._manifest import (
    EXIT_NO_CONFIG,
    MANIFEST_NAME,
    dumps_manifest,
    manifest_diff,
    manifest_drift,
    read_manifest,
)
from ._render import RenderError, render_result
from ._setup import CANCEL_WORDS, PendingCall, parse_paste, setup_instructions
from ._transport import READ_SIZE, Transport, open_stdio

if TYPE_CHECKING:
    import asyncio
    import logging
    from pathlib import Path

__all__ = ["Plugin"]

F = TypeVar("F", bound=Callable[..., Any])
_INVOCATION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_sdk_logger = LazyLogger("gassist_sdk")
ON_INPUT = "on_input"


def _caller_dir() -> str:
    """Folder of the module that created the Plugin (the plug-in folder)."""
    if getattr(sys, "frozen", False):
        return os.path.dirname(os.path.realpath(sys.executable))
    filename = sys._getframe(2).f_globals.get("__file__")
    return os.path.dirname(os.path.realpath(filename)) if filename else os.getcwd()


class _Command:
    __slots__ = ("func", "needs_config", "spec")

    def __init__(self, spec: CommandSpec, func: Callable[..., Any], needs_config: bool) -> None:
        self.spec = spec
        self.func = func
        self.needs_config = needs_config


def detect_protocol(first: bytes) -> str:
    """``"v2"`` when the first byte can start a length header, else ``"v1"``."""
    return "v2" if first[:1] and first[0] < 0x09 else "v1"


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
        self.config_model = ConfigModel(config) if config is not None else None
        self.setup_help = setup_help
        self._dir = os.path.realpath(plugin_dir) if plugin_dir else _caller_dir()
        self._logger_name = f"gassist.{name}"
        self.redactor = RedactingFilter()
        self._commands: dict[str, _Command] = {}
        self._input: _Command | None = None
        self._current: Context | None = None
        self._session_open = False
        self._dispatcher: Dispatcher | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._config_state: ConfigState | None = None
        self._pending: PendingCall | None = None

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

        def decorate(func: F) -> F:
            command_name = name or getattr(func, "__name__", "")
            if command_name == ON_INPUT:
                # NVIDIA's magic name: the passthrough handler, never advertised.
                self.on_input(func)
                return func
            spec = inspect_command(func, name=name, description=description, tags=tags)
            if spec.name in self._commands:
                raise RegistrationError(f"{getattr(func, '__name__', func)!r}: a command named "
                                        f"{spec.name!r} is already registered")
            self._commands[spec.name] = _Command(spec, func, needs_config)
            return func

        return decorate

    def on_input(self, func: F) -> F:
        """Register the handler of follow-up user turns in a passthrough session.

        Its first parameter (other than a Context) receives the user's text.
        """
        spec = inspect_command(func, name=ON_INPUT, description="Follow-up input")
        if self._input is not None:
            raise RegistrationError(f"{getattr(func, '__name__', func)!r}: an input handler is "
                                    "already registered")
        if not spec.params:
            raise RegistrationError(f"{getattr(func, '__name__', func)!r}: an input handler needs "
                                    "a parameter for the user's text")
        self._input = _Command(spec, func, False)
        return func

    @property
    def logger(self) -> logging.Logger:
        """The plug-in's own logger (``gassist.<name>``), written to ``<name>.log``."""
        return _logging_module().getLogger(self._logger_name)  # type: ignore[no-any-return]

    @property
    def commands(self) -> dict[str, CommandSpec]:
        """The registered commands, by name."""
        return {name: entry.spec for name, entry in self._commands.items()}

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

        return Path(self._config_file())

    def _config_file(self) -> str:
        return os.environ.get(CONFIG_ENV) or os.path.join(self._dir, CONFIG_NAME)

    def _config(self) -> ConfigState | None:
        if self.config_model is None:
            return None
        path = self._config_file()
        if self._config_state is None or self._config_state.path != path:
            self._config_state = ConfigState(self.config_model, path)
        return self._config_state

    def load_config(self) -> tuple[Any, list[str]]:
        """``(config, problems)``: the current config.json, re-read when it changed."""
        state = self._config()
        if state is None:
            return None, []
        value, problems = state.current()
        if value is not None and self.config_model is not None:
            self.redactor.add(str(getattr(value, name) or "")
                              for name in self.config_model.secret_names)
        for warning in state.warnings:
            _sdk_logger.warning("%s", warning)
        state.warnings = []
        return value, problems

    @property
    def config(self) -> Any:
        """The loaded config, or None while config.json is missing or invalid."""
        return self.load_config()[0]

    # -- NVIDIA-compatible helpers ------------------------------------------------------

    def stream(self, data: str) -> None:
        """Stream a chunk of text for the command now running."""
        ctx = self._current
        if ctx is None:
            self.logger.warning("plugin.stream() called outside a command; text not sent")
            return
        ctx.stream(data)

    def set_keep_session(self, keep: bool) -> None:
        """Keep (or end) the passthrough session after the current reply."""
        ctx = self._current
        if ctx is None:
            self.logger.warning("plugin.set_keep_session() called outside a command; ignored")
            return
        ctx.keep_session(keep)

    def log(self, message: str, level: LogLevel | str = LogLevel.INFO) -> None:
        """Log to the plug-in log file and send a ``log`` notification to the engine."""
        level_name = level.value if isinstance(level, LogLevel) else str(level).lower()
        self.logger.log(level_number(level_name), "%s", message)
        self._send_log(message, level_name)

    def _send_log(self, message: str, level: str) -> None:
        if self._dispatcher is not None:
            self._dispatcher.notify("log", {"level": level,
                                            "message": self.redactor.redact(message)})

    # -- manifest -----------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """The manifest.json for this plug-in, generated from the registered commands."""
        manifest: dict[str, Any] = {
            "manifestVersion": 1,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "executable": self.executable,
            "persistent": self.persistent,
            "protocol_version": "2.0",
        }
        if self.tethered:
            manifest["tethered"] = True
        manifest["functions"] = [entry.spec.manifest_entry() for entry in self._commands.values()]
        return manifest

    def _manifest_cli(self, check: bool) -> int:
        out = sys.stdout if sys.stdout is not None else sys.__stdout__
        manifest = self.manifest()
        if not check:
            if out is not None:
                out.write(dumps_manifest(manifest))
                out.flush()
            return 0
        path = os.path.join(self._dir, MANIFEST_NAME)
        diff = manifest_diff(manifest, path)
        if diff:
            sys.stderr.write(f"{path} is stale; regenerate it with: gassist-build manifest "
                             f"{self._dir}\n{diff}")
            return 1
        sys.stderr.write(f"{path} is up to date\n")
        return 0

    def _config_cli(self, *, schema: bool) -> int:
        out = sys.stdout if sys.stdout is not None else sys.__stdout__
        if self.config_model is None:
            sys.stderr.write(f"{self.name} declares no config (Plugin(..., config=...))\n")
            return EXIT_NO_CONFIG
        document = (self.config_model.schema(f"{self.name} config.json") if schema
                    else self.config_model.example())
        if out is not None:
            out.write(dumps_manifest(document))
            out.flush()
        return 0

    def _warn_manifest_drift(self) -> None:
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
        if "--manifest" in args:
            sys.exit(self._manifest_cli("--check" in args))
        if "--config-example" in args or "--config-schema" in args:
            sys.exit(self._config_cli(schema="--config-schema" in args))
        # Logging starts with the first record, so the answer to initialize is not
        # held up by importing and configuring it.
        when_logging_starts(self.enable_logging)
        self._warn_manifest_drift()
        try:
            transport, _isolation = open_stdio()
        except OSError as exc:
            _sdk_logger.error("cannot serve: %s", exc)
            sys.stderr.write(f"{self.name}: {exc}\n")
            sys.exit(2)
        self.serve(transport, protocol)

    def enable_logging(self) -> str | None:
        """Send the SDK's and the plug-in's logs to ``<name>.log`` (see ``GASSIST_LOG_DIR``).

        Returns:
            The log file's path, or None when no writable place exists.
        """
        return configure_logging(self.name, self._dir, self.redactor,
                                 ["gassist_sdk", self._logger_name])

    def serve(self, transport: Transport, protocol: str = "auto") -> None:
        """Serve over any transport (``run()`` uses the engine's pipes; tests use memory)."""
        initial = b""
        if protocol == "auto":
            try:
                initial = transport.read(READ_SIZE)
            except OSError as exc:
                _sdk_logger.warning("reading the engine's pipe failed: %s", exc)
                return
            if not initial:
                _sdk_logger.info("the engine closed the pipe before sending anything")
                return
            protocol = detect_protocol(initial)
        codec: Codec
        if protocol == "v2":
            codec = V2Codec()
        elif protocol == "v1":
            codec = V1Codec(tethered=self.tethered or self._manifest_says_tethered())
        else:
            raise ValueError(f"protocol must be 'auto', 'v1' or 'v2', not {protocol!r}")
        dispatcher = Dispatcher(transport, codec)
        dispatcher.route("initialize", self._initialize)
        dispatcher.route("ping", _pong)
        dispatcher.route("execute", self._on_execute)
        dispatcher.route("input", self._on_input)
        dispatcher.route("shutdown", self._on_shutdown)
        self._dispatcher = dispatcher
        self._session_open = False
        self._pending = None
        when_logging_starts(lambda: _ensure_fallback_log_handler(self.redactor))
        try:
            dispatcher.serve(initial)
        finally:
            self._dispatcher = None
            if self._loop is not None:
                self._loop.close()
                self._loop = None
            _sdk_logger.info("%s stopped", self.name)

    def _manifest_says_tethered(self) -> bool:
        on_disk = read_manifest(os.path.join(self._dir, MANIFEST_NAME))
        return bool(on_disk and on_disk.get("tethered") is True)

    # -- routes (reader thread) -----------------------------------------------------------

    def _initialize(self, request: Request) -> Any:
        assert self._dispatcher is not None
        # Answer first, log after: the engine times the handshake.
        if not request.notification:
            self._dispatcher.respond(request.id, self._describe())
        _sdk_logger.info("%s %s initialized by engine %s over protocol %s", self.name,
                         self.version, request.params.get("engine_version") or "?",
                         self._dispatcher.codec.name)
        return NO_REPLY

    def _describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "protocol_version": "2.0",
            "commands": [{"name": e.spec.name, "description": e.spec.description}
                         for e in self._commands.values()],
            "capabilities": ["streaming", "passthrough"],
        }

    def _on_execute(self, request: Request) -> Any:
        assert self._dispatcher is not None
        self._dispatcher.submit(Job(self._execute, request, "execute", self._drop))
        return NO_REPLY

    def _drop(self, request: Request, why: str) -> None:
        self._send_error(request.id, TIMEOUT, why)

    def _on_input(self, request: Request) -> Any:
        assert self._dispatcher is not None
        # Acknowledge before queueing, so the ack always precedes the reply.
        self._dispatcher.respond(request.id, {"acknowledged": True})
        self._dispatcher.submit(Job(self._continue, request, "input", self._drop))
        return NO_REPLY

    def _on_shutdown(self, request: Request) -> Any:
        _sdk_logger.info("shutdown requested by the engine")
        assert self._dispatcher is not None
        self._dispatcher.stop()
        return {}

    # -- jobs (worker thread) ---------------------------------------------------------------

    def _execute(self, request: Request, job: Job) -> None:
        params = request.params
        function = params.get("function")
        entry = self._commands.get(function) if isinstance(function, str) else None
        if entry is None:
            known = ", ".join(sorted(self._commands)) or "none"
            self._send_error(request.id, METHOD_NOT_FOUND,
                             f"{self.name} has no function {function!r} (it has: {known})")
            return
        arguments = params.get("arguments")
        self._pending = None  # a new request abandons an unfinished setup
        self._call(request.id, entry, {} if arguments is None else arguments, job,
                   params.get("context"), params.get("system_info"))

    def _continue(self, request: Request, job: Job) -> None:
        content = request.params.get("content")
        if not self._session_open:
            self._send_error(request.id, PLUGIN_ERROR,
                             f"there is no open conversation with {self.name} to continue; "
                             "start one with a command first")
            return
        if self._pending is not None and isinstance(content, str):
            self._setup_turn(request.id, content, job)
            return
        if self._input is None:
            self._session_open = False
            self._send_error(request.id, PLUGIN_ERROR,
                             f"{self.name} does not take follow-up input")
            return
        if not isinstance(content, str):
            self._send_error(request.id, InvalidParams.code, 'input needs a string "content"')
            return
        first = self._input.spec.params[0].name
        self._call(request.id, self._input, {first: content}, job, None, None)

    def _call(self, request_id: Any, entry: _Command, arguments: Any, job: Job,
              messages: Any, system_info: Any) -> None:
        spec = entry.spec
        ctx = Context(
            messages=messages if isinstance(messages, list) else None,
            system_info=system_info if isinstance(system_info, str) else None,
            function=spec.name,
            request_id=request_id,
            plugin_dir=self._dir,
            logger_name=self._logger_name,
            config=None,
            sink=self,
            log=self._send_log,
            cancelled=job.cancelled,
        )
        try:
            kwargs = spec.bind(arguments)
        except InvalidParams as exc:
            _sdk_logger.info("rejected arguments for %s", spec.name)
            self._send_error(request_id, exc.code, exc.message)
            return
        if self.config_model is not None:
            value, problems = self.load_config()
            if problems and entry.needs_config:
                self._ask_for_config(request_id, spec.name, arguments, messages, system_info,
                                     problems)
                return
            ctx.config = value  # None while config.json is missing or invalid
        if spec.context_param:
            kwargs[spec.context_param] = ctx.messages if spec.context_as_list else ctx
        if spec.system_info_param:
            kwargs[spec.system_info_param] = ctx.system_info
        self._current = ctx
        try:
            result = self._invoke(entry, kwargs, job)
            text = render_result(result)
        except CommandError as exc:
            self._complete(request_id, False, exc.message, ctx.keeps_session)
        except RenderError as exc:
            _sdk_logger.error("%s returned a value that cannot be shown: %s", spec.name, exc)
            self._complete(request_id, False, str(exc), False)
        except KeyboardInterrupt:
            self._send_error(request_id, TIMEOUT, f"{spec.name} was interrupted")
        except WireError as exc:
            self._send_error(request_id, exc.code, exc.message)
        except Exception as exc:
            _sdk_logger.exception("%s raised", spec.name)
            self._send_error(request_id, PLUGIN_ERROR,
                             f"{spec.name} failed unexpectedly ({type(exc).__name__}); "
                             f"the details are in {self.name}.log")
        except BaseException as exc:
            # asyncio's CancelledError means the plug-in is shutting down (asyncio is
            # imported only by plug-ins with async commands, so it is matched by name).
            if type(exc).__name__ == "CancelledError":
                self._send_error(request_id, TIMEOUT, f"{spec.name} was cancelled: the plug-in "
                                 "is shutting down")
            else:  # SystemExit and the like: the call still gets its answer
                _sdk_logger.error("%s raised %s", spec.name, type(exc).__name__)
                self._send_error(request_id, PLUGIN_ERROR,
                                 f"{spec.name} stopped abruptly ({type(exc).__name__})")
        else:
            self._complete(request_id, True, text, ctx.keeps_session)
        finally:
            self._current = None

    def _ask_for_config(self, request_id: Any, function: str, arguments: Any, messages: Any,
                        system_info: Any, problems: list[str]) -> None:
        assert self.config_model is not None
        _sdk_logger.info("%s needs config; asking the user (%d problem(s))", function,
                         len(problems))
        self._pending = PendingCall(function, arguments, messages, system_info)
        state = self._config()
        assert state is not None
        text = setup_instructions(self.name, state.fields_to_ask(), problems,
                                  self._config_file(), self.setup_help)
        self._complete(request_id, False, text, True)

    def _setup_turn(self, request_id: Any, content: str, job: Job) -> None:
        """One user turn of the setup conversation (worker thread)."""
        model, state, pending = self.config_model, self._config(), self._pending
        assert model is not None and state is not None and pending is not None
        if content.strip().lower() in CANCEL_WORDS:
            self._pending = None
            self._complete(request_id, True, f"Setup of {self.name} cancelled; nothing was "
                           "changed.", False)
            return
        self.load_config()
        wanted = state.fields_to_ask()
        updates, errors = parse_paste(content, model, wanted)
        # Pasted secrets are hidden from everything we send or log from now on.
        self.redactor.add(str(v) for k, v in updates.items() if k in model.secret_names)
        for key, value in updates.items():
            try:
                updates[key] = coerce(model.by_name[key].spec, value)
            except ValueError as exc:
                field = model.by_name[key]
                errors.append(f"`{key}` must be {field.spec.kind}; that value was not saved"
                              if field.secret else str(exc))
        if errors:
            self._complete(request_id, False, "\n".join(f"- {e}" for e in errors)
                           + "\n\nTry again, or say `cancel`.", True)
            return
        problems = state.save(updates)
        if problems:
            self._complete(request_id, False, "\n".join(f"- {p}" for p in problems), True)
            return
        saved = ", ".join(f"`{key}`" for key in updates)
        _sdk_logger.info("config saved (%d key(s))", len(updates))
        value, problems = self.load_config()
        if problems:
            text = setup_instructions(self.name, state.fields_to_ask(), problems,
                                      self._config_file(),
                                      self.setup_help)
            self._complete(request_id, False, f"Saved {saved}.\n\n{text}", True)
            return
        self._pending = None
        entry = self._commands.get(pending.function)
        if entry is None:  # pragma: no cover - commands cannot be unregistered
            self._complete(request_id, True, f"Saved {saved}.", False)
            return
        self._stream(request_id, f"Saved {saved} to {os.path.basename(self._config_file())}.\n\n")
        self._call(request_id, entry, pending.arguments, job, pending.messages,
                   pending.system_info)

    def _invoke(self, entry: _Command, kwargs: dict[str, Any], job: Job) -> Any:
        result = entry.func(**kwargs)
        if hasattr(type(result), "__await__"):
            loop = self._event_loop()
            task = loop.create_task(_await(result))
            job.on_cancel(lambda: _cancel_soon(loop, task))
            result = loop.run_until_complete(task)
        return result

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or self._loop.is_closed():
            import asyncio  # only plug-ins with async commands pay for it

            self._loop = asyncio.new_event_loop()
        return self._loop

    # -- output -------------------------------------------------------------------------

    def _stream(self, request_id: Any, text: str) -> None:
        if self._dispatcher is not None:
            self._dispatcher.notify("stream", {"request_id": request_id,
                                               "data": self.redactor.redact(text)})

    def _complete(self, request_id: Any, success: bool, text: str, keep_session: bool) -> None:
        self._session_open = keep_session
        if self._dispatcher is not None:
            self._dispatcher.notify("complete", {"request_id": request_id, "success": success,
                                                 "data": self.redactor.redact(text),
                                                 "keep_session": keep_session})

    def _send_error(self, request_id: Any, code: int, message: str) -> None:
        self._session_open = False
        if self._dispatcher is not None:
            self._dispatcher.notify("error", {"request_id": request_id, "code": code,
                                              "message": self.redactor.redact(message)})


def _ensure_fallback_log_handler(redactor: RedactingFilter) -> None:
    """Without a log file, warnings still reach stderr — redacted, never stdout."""
    logging = _logging_module()
    sdk_logger = logging.getLogger("gassist_sdk")
    if sdk_logger.handlers:
        return
    handler: Any = (logging.StreamHandler(sys.stderr) if sys.stderr is not None
                    else logging.NullHandler())
    handler.setLevel(logging.WARNING)
    handler.addFilter(redactor)
    handler._gassist = True
    sdk_logger.addHandler(handler)
    sdk_logger.propagate = False


def _cancel_soon(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
    if not loop.is_closed():
        loop.call_soon_threadsafe(task.cancel)


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _pong(request: Request) -> dict[str, Any]:
    if "timestamp" in request.params:
        return {"timestamp": request.params["timestamp"]}
    return {}


