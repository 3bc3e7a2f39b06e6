# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The call loop: run a command on the worker thread and turn its outcome into a reply.

Arguments are checked and coerced before the handler runs; what the handler
returns is rendered as text; what it raises becomes a failed result (a
:class:`CommandError`, written for the user) or an error with a JSON-RPC
code. The session (:mod:`gassist_sdk._session`) loads this module with the
first call, so answering ``initialize`` never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._coerce import bind_arguments
from ._context import Context
from ._errors import (
    METHOD_NOT_FOUND,
    PLUGIN_ERROR,
    TIMEOUT,
    CommandError,
    InvalidParams,
    WireError,
)
from ._logging import LazyLogger
from ._render import RenderError, render_result

if TYPE_CHECKING:
    import asyncio

    from ._jsonrpc import Request
    from ._plugin import Plugin
    from ._registry import RegisteredCommand
    from ._session import Session
    from ._setup import SetupConversation
    from ._worker import Job

__all__ = ["Runner"]

_logger = LazyLogger("gassist_sdk")


class Runner:
    """Runs ``execute`` and ``input`` jobs, one at a time, on the dispatcher's worker.

    Everything here is touched by the worker thread only (the event loop is
    closed by the serving thread once the worker is done).

    Args:
        plugin: The plug-in whose commands run.
        session: Where replies go.
    """

    def __init__(self, plugin: Plugin, session: Session) -> None:
        self.plugin = plugin
        self.session = session
        self._table = plugin._table
        self._loop: asyncio.AbstractEventLoop | None = None
        self._setup: SetupConversation | None = None
        if plugin._settings is not None:
            from ._setup import SetupConversation  # only plug-ins with config

            self._setup = SetupConversation(plugin, session, self)

    def execute(self, request: Request, job: Job) -> None:
        """Run the command an ``execute`` names."""
        params = request.params
        function = params.get("function")
        entry = self._table.get(function)
        if entry is None:
            self.session.error(request.id, METHOD_NOT_FOUND, f"{self.plugin.name} has no "
                               f"function {function!r} (it has: {self._table.known()})")
            return
        arguments = params.get("arguments")
        if self._setup is not None:
            self._setup.parked = None  # a new request abandons an unfinished setup
        self.call(request.id, entry, {} if arguments is None else arguments, job,
                  params.get("context"), params.get("system_info"))

    def follow_up(self, request: Request, job: Job) -> None:
        """Handle an ``input``: a setup answer, or the user's next turn for ``on_input``."""
        content = request.params.get("content")
        session, name = self.session, self.plugin.name
        if not session.session_open:
            session.error(request.id, PLUGIN_ERROR, f"there is no open conversation with {name} "
                          "to continue; start one with a command first")
            return
        setup = self._setup
        if setup is not None and setup.parked is not None and isinstance(content, str):
            setup.turn(request.id, content, job)
            return
        handler = self._table.input
        if handler is None:
            session.session_open = False
            session.error(request.id, PLUGIN_ERROR, f"{name} does not take follow-up input")
            return
        if not isinstance(content, str):
            session.error(request.id, InvalidParams.code, 'input needs a string "content"')
            return
        self.call(request.id, handler, {handler.spec.params[0].name: content}, job, None, None)

    def call(self, request_id: Any, entry: RegisteredCommand, arguments: Any, job: Job,
             messages: Any, system_info: Any) -> None:
        """Bind the arguments, run the handler (or ask for config first) and reply."""
        spec = entry.spec
        plugin, session = self.plugin, self.session
        ctx = Context(
            messages=messages if isinstance(messages, list) else None,
            system_info=system_info if isinstance(system_info, str) else None,
            function=spec.name,
            request_id=request_id,
            plugin_dir=plugin._dir,
            logger_name=plugin._logger_name,
            config=None,
            sink=session,
            log=session.log,
            cancelled=job.cancelled,
        )
        try:
            kwargs = bind_arguments(spec, arguments)
        except InvalidParams as exc:
            _logger.info("rejected arguments for %s", spec.name)
            session.error(request_id, exc.code, exc.message)
            return
        if self._setup is not None:
            value, problems = plugin.load_config()
            if problems and entry.needs_config:
                self._setup.ask(request_id, spec.name, arguments, messages, system_info, problems)
                return
            ctx.config = value  # None while config.json is missing or invalid
        if spec.context_param:
            kwargs[spec.context_param] = ctx.messages if spec.context_as_list else ctx
        if spec.system_info_param:
            kwargs[spec.system_info_param] = ctx.system_info
        session.current = ctx
        try:
            self._run(request_id, entry, kwargs, job, ctx)
        finally:
            session.current = None

    def _run(self, request_id: Any, entry: RegisteredCommand, kwargs: dict[str, Any], job: Job,
             ctx: Context) -> None:
        """Call the handler and map its outcome onto the wire."""
        session, name = self.session, entry.spec.name
        try:
            text = render_result(self._invoke(entry, kwargs, job))
        except CommandError as exc:
            session.complete(request_id, False, exc.message, ctx.keeps_session)
        except RenderError as exc:
            _logger.error("%s returned a value that cannot be shown: %s", name, exc)
            session.complete(request_id, False, str(exc), False)
        except KeyboardInterrupt:
            session.error(request_id, TIMEOUT, f"{name} was interrupted")
        except WireError as exc:
            session.error(request_id, exc.code, exc.message)
        except Exception as exc:
            _logger.exception("%s raised", name)
            session.error(request_id, PLUGIN_ERROR, f"{name} failed unexpectedly "
                          f"({type(exc).__name__}); the details are in {self.plugin.name}.log")
        except BaseException as exc:
            # asyncio's CancelledError means the plug-in is shutting down (asyncio is
            # imported only by plug-ins with async commands, so it is matched by name).
            if type(exc).__name__ == "CancelledError":
                session.error(request_id, TIMEOUT, f"{name} was cancelled: the plug-in is "
                              "shutting down")
            else:  # SystemExit and the like: the call still gets its answer
                _logger.error("%s raised %s", name, type(exc).__name__)
                session.error(request_id, PLUGIN_ERROR,
                              f"{name} stopped abruptly ({type(exc).__name__})")
        else:
            session.complete(request_id, True, text, ctx.keeps_session)

    def _invoke(self, entry: RegisteredCommand, kwargs: dict[str, Any], job: Job) -> Any:
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

    def close(self) -> None:
        """Close the event loop, if a command needed one (the serving is over)."""
        if self._loop is not None:
            self._loop.close()
            self._loop = None


def _cancel_soon(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
    if not loop.is_closed():
        loop.call_soon_threadsafe(task.cancel)


async def _await(awaitable: Any) -> Any:
    return await awaitable
