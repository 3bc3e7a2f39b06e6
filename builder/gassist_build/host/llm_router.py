# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Routing by a chat model: any OpenAI-compatible endpoint with tool calling.

:class:`LLMRouter` sends the manifests as tool definitions to
``POST <base>/chat/completions`` (Ollama, LM Studio, llama.cpp's server, NVIDIA
NIM, ...) and turns the model's tool call into a :class:`~.router.Decision`.
The call is checked against the manifest's parameter schema before it is
offered: invalid arguments become a clarifying question, never a bad call.
Whatever goes wrong on the way (no answer in time, an HTTP error, an answer
that is not the shape the API promises, a tool the manifests do not declare)
hands the utterance to the fallback router, and the decision says why in
``router`` and ``explanation``.

The base URL is what the server documents, with or without ``/v1``
(:func:`chat_completions_url`): Ollama ``http://localhost:11434``, LM Studio
``http://localhost:1234/v1``, llama.cpp's ``llama-server --jinja``
``http://localhost:8080/v1``, NVIDIA NIM ``https://integrate.api.nvidia.com/v1``
or a local NIM's ``http://localhost:8000/v1``.

Standard library only (``urllib.request``): the builder has no HTTP client
dependency. The API key is read from the environment at each request, sent
only as ``Authorization: Bearer``, and never written into a decision, a log
line or an error.
"""

from __future__ import annotations

import copy
import dataclasses
import http.client
import json
import logging
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .router import Candidate, Decision, Router, clarify_or_call, no_match, split_invocation
from .spec import FunctionSpec, PluginSpec

__all__ = [
    "DEFAULT_API_KEY_ENV",
    "HISTORY_TURNS",
    "LLM_CONFIDENCE",
    "SYSTEM_PROMPT",
    "LLMRouter",
    "ToolTable",
    "chat_completions_url",
]

log = logging.getLogger(__name__)

DEFAULT_API_KEY_ENV = "GASSIST_LLM_API_KEY"

# Chat models give no calibrated confidence for a tool call; a valid call the
# model chose is reported at this fixed value (the offline router's scores are
# its own scale, so the two are not compared).
LLM_CONFIDENCE = 0.9

SYSTEM_PROMPT = (
    "You are the command router of NVIDIA G-Assist, the AI assistant in the NVIDIA app "
    "overlay on a GeForce RTX PC. Users speak or type requests; plug-ins provide the "
    "tools you can call. Pick the one tool that does what the user asks and fill in its "
    "arguments from the user's words, using the values and units the parameter "
    "descriptions ask for. A request that starts with 'Hey <plug-in>,', '<plug-in>,' or "
    "'/<plug-in>' is meant for that plug-in: choose among its tools only (their names "
    "start with '<plug-in>__'). Never invent an argument value: when the user did not "
    "give a required one, still call the tool and leave that argument out, and G-Assist "
    "will ask the user for it. If no tool fits the request, call no tool and say so in "
    "one short sentence."
)

# OpenAI's rule for function names; stricter servers refuse anything else.
_TOOL_NAME_LIMIT = 64
_NOT_TOOL_NAME_CHAR = re.compile(r"[^A-Za-z0-9_-]")
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)
_ERROR_DETAIL_LIMIT = 200
_REPLY_LIMIT = 4 * 2**20  # a chat completion is a few KiB; more is not an answer
# The turns of the conversation sent along: enough for a follow-up ("and shroud?"),
# few enough that the tools still fit a small local model's context.
HISTORY_TURNS = 12


def chat_completions_url(base: str) -> str:
    """The chat-completions endpoint for a base URL as users write it.

    ``http://localhost:11434`` and ``http://localhost:11434/v1`` both give
    ``http://localhost:11434/v1/chat/completions``; a URL that already ends in
    ``/chat/completions`` is used as it is; any other path is a base that
    ``/chat/completions`` is appended to (``https://host/openai/v1``,
    ``https://host/api``).

    Raises:
        ValueError: Not an http(s) URL with a host.
    """
    url = base.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the LLM URL must be an http:// or https:// URL, not {base!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        if not path:
            path = "/v1"
        path += "/chat/completions"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


@dataclass(frozen=True)
class ToolTable:
    """The tool definitions sent for a set of plug-ins, and the way back.

    Tool names are ``<plugin>__<function>`` with any character outside
    ``[A-Za-z0-9_-]`` replaced by ``_`` and cut to 64 characters; a name that
    collides gets a ``_2``, ``_3`` ... suffix. The mapping back is this table,
    never the name parsed, so every name is reversible.
    """

    tools: tuple[dict[str, Any], ...]
    targets: dict[str, tuple[PluginSpec, FunctionSpec]]

    @classmethod
    def build(cls, plugins: Sequence[PluginSpec]) -> ToolTable:
        tools: list[dict[str, Any]] = []
        targets: dict[str, tuple[PluginSpec, FunctionSpec]] = {}
        for plugin in plugins:
            for function in plugin.functions:
                name = _unique(_tool_name(plugin.name, function.name), targets)
                targets[name] = (plugin, function)
                tools.append({
                    "type": "function",
                    "function": {
                        "name": name,
                        "description": _tool_description(plugin, function),
                        "parameters": parameter_schema(function),
                    },
                })
        return cls(tools=tuple(tools), targets=targets)


def parameter_schema(function: FunctionSpec) -> dict[str, Any]:
    """The manifest's parameters as one JSON-schema object (a copy)."""
    return {
        "type": "object",
        "properties": copy.deepcopy(function.properties),
        "required": list(function.required),
    }


def _tool_name(plugin: str, function: str) -> str:
    name = _NOT_TOOL_NAME_CHAR.sub("_", f"{plugin}__{function}")
    return name[:_TOOL_NAME_LIMIT]


def _unique(name: str, taken: dict[str, Any]) -> str:
    if name not in taken:
        return name
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = name[: _TOOL_NAME_LIMIT - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def _tool_description(plugin: PluginSpec, function: FunctionSpec) -> str:
    text = function.description.strip() or function.name.replace("_", " ")
    about = str(plugin.manifest.get("description", "")).strip()
    text += f" (plug-in '{plugin.name}'" + (f": {about}" if about else "") + ")"
    if function.tags:
        text += " Tags: " + ", ".join(function.tags) + "."
    return text


class _Fallback(Exception):
    """Why the model's answer cannot be used; carries the note for ``router``."""

    def __init__(self, note: str, detail: str) -> None:
        super().__init__(detail)
        self.note = note
        self.detail = detail


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are refused: urllib would carry the Authorization header along."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class LLMRouter:
    """Routes an utterance with a chat model's tool call.

    Args:
        url: Base URL of an OpenAI-compatible API, with or without ``/v1``
            (see :func:`chat_completions_url`).
        model: The model name the server knows (``llama3.1:8b``,
            ``meta/llama-3.1-8b-instruct``...).
        api_key_env: Environment variable holding the API key. Read at each
            request; when unset or empty no ``Authorization`` header is sent
            (local servers need none).
        timeout: Seconds the whole request may take before the fallback
            router decides instead.
        fallback: The router used when the model's answer cannot be used,
            and the source of the closest candidates for a no-match.

    Raises:
        ValueError: ``url`` is not an http(s) URL, or ``timeout`` is not positive.
    """

    name = "llm"

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api_key_env: str = DEFAULT_API_KEY_ENV,
        timeout: float = 10.0,
        fallback: Router,
    ) -> None:
        if not timeout > 0:
            raise ValueError(f"the LLM timeout must be a positive number of seconds: {timeout!r}")
        self.endpoint = chat_completions_url(url)
        self.model = model
        self.api_key_env = api_key_env
        self.timeout = float(timeout)
        self.fallback = fallback
        self._opener = urllib.request.build_opener(_NoRedirect())

    def route(
        self,
        utterance: str,
        plugins: Sequence[PluginSpec],
        history: Sequence[tuple[str, str]] = (),
    ) -> Decision:
        """The decision for ``utterance``; see the module docstring for the fallbacks."""
        # "Hey twitch, ..." addresses one plug-in: the model sees only its tools.
        invocation = split_invocation(utterance, plugins)
        table = ToolTable.build([invocation.plugin] if invocation else plugins)
        if not table.tools:
            return self.fallback.route(utterance, plugins, history)
        key = os.environ.get(self.api_key_env, "")
        body = self.request_body(utterance, table, history)
        try:
            reply = self._post(body, key)
            return self._decide(reply, table, utterance, plugins, history)
        except _Fallback as why:
            log.info("LLM router fell back to %s: %s", self.fallback.name, _redact(why.detail, key))
            return self._fall_back(why, utterance, plugins, history, key)

    def request_body(
        self, utterance: str, table: ToolTable, history: Sequence[tuple[str, str]] = ()
    ) -> dict[str, Any]:
        """The JSON body posted to the endpoint."""
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        for role, text in list(history)[-HISTORY_TURNS:]:
            if role == "user":
                messages.append({"role": "user", "content": str(text)})
            elif role == "assistant":
                messages.append({"role": "assistant", "content": str(text)})
            else:  # a plug-in's turn (passthrough), shown to the user as G-Assist's answer
                messages.append({"role": "assistant", "content": f"({role}) {text}"})
        messages.append({"role": "user", "content": utterance})
        return {
            "model": self.model,
            "messages": messages,
            "tools": list(table.tools),
            "tool_choice": "auto",
            "temperature": 0,
            "stream": False,
        }

    # -- the request --------------------------------------------------------------------

    def _post(self, body: dict[str, Any], key: str) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(
            self.endpoint, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
        )
        # The socket timeout bounds each read; the thread bounds the whole
        # exchange, so a server that trickles bytes cannot hold the user longer.
        outcome: dict[str, Any] = {}
        worker = threading.Thread(
            target=self._exchange, args=(request, outcome, key), name="llm-router", daemon=True
        )
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive() or "timeout" in outcome:
            raise _Fallback("llm timed out", f"no answer from the LLM within {self.timeout:g} s")
        if "error" in outcome:
            raise outcome["error"]
        if "reply" not in outcome:
            raise _Fallback("llm bad reply", "the exchange with the LLM ended without an answer")
        return outcome["reply"]

    def _exchange(self, request: urllib.request.Request, outcome: dict[str, Any], key: str) -> None:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read(_REPLY_LIMIT + 1)
                if response.length and len(raw) <= _REPLY_LIMIT:
                    # A read with a size returns what came before the server hung up.
                    raise http.client.IncompleteRead(raw, response.length)
        except urllib.error.HTTPError as exc:
            outcome["error"] = _http_fallback(exc, key, self.api_key_env)
            return
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                outcome["timeout"] = True
            else:
                where = _host(self.endpoint)
                outcome["error"] = _Fallback(
                    "llm unreachable", f"cannot reach the LLM at {where}: {exc.reason}"
                )
            return
        except TimeoutError:
            outcome["timeout"] = True
            return
        except OSError as exc:
            where = _host(self.endpoint)
            outcome["error"] = _Fallback(
                "llm unreachable", f"the connection to the LLM at {where} failed: {exc}"
            )
            return
        except (http.client.HTTPException, ValueError) as exc:
            # Not HTTP at all, or an answer cut short (BadStatusLine, IncompleteRead).
            outcome["error"] = _Fallback(
                "llm bad reply", "the LLM's answer is not a complete HTTP answer"
                                 f" ({type(exc).__name__})"
            )
            return
        if len(raw) > _REPLY_LIMIT:
            outcome["error"] = _Fallback(
                "llm bad reply", f"the LLM's answer is over {_REPLY_LIMIT // 2**20} MiB"
            )
            return
        try:
            outcome["reply"] = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            outcome["error"] = _Fallback("llm bad reply", "the LLM's answer is not JSON")

    # -- the answer ---------------------------------------------------------------------

    def _decide(
        self,
        reply: Any,
        table: ToolTable,
        utterance: str,
        plugins: Sequence[PluginSpec],
        history: Sequence[tuple[str, str]],
    ) -> Decision:
        message = _first_message(reply)
        call = _tool_call(message)
        text = _text(message.get("content"))
        if call is None:
            # The model names no near misses; the offline ranking supplies them.
            offline = self.fallback.route(utterance, plugins, history)
            return no_match(text or "The model called no tool.", _candidates(offline), self.name)
        name, raw_arguments = call
        if name not in table.targets:
            raise _Fallback(
                "llm unknown tool", f"the LLM called {name!r}, which no manifest declares"
            )
        arguments = _arguments(raw_arguments, name)
        plugin, function = table.targets[name]
        why = f"The model chose {plugin.name}.{function.name}"
        why += f": {text}" if text else "."
        # clarify_or_call checks the arguments against the schema: invalid or
        # missing ones become a question, never a call.
        return clarify_or_call(plugin, function, arguments, LLM_CONFIDENCE, why, (), self.name)

    def _fall_back(
        self,
        why: _Fallback,
        utterance: str,
        plugins: Sequence[PluginSpec],
        history: Sequence[tuple[str, str]],
        key: str,
    ) -> Decision:
        offline = self.fallback.route(utterance, plugins, history)
        note = f"{self.fallback.name} ({why.note})"
        detail = _redact(why.detail, key)
        explanation = f"{detail}; the {self.fallback.name} router decided instead"
        if offline.explanation:
            explanation += f": {offline.explanation}"
        return dataclasses.replace(offline, router=note, explanation=explanation)


def _candidates(decision: Decision) -> tuple[Candidate, ...]:
    if decision.candidates:
        return tuple(decision.candidates)
    if decision.plugin and decision.function:
        return (Candidate(decision.plugin, decision.function, decision.confidence),)
    return ()


def _first_message(reply: Any) -> dict[str, Any]:
    choices = reply.get("choices") if isinstance(reply, dict) else None
    if not isinstance(choices, list) or not choices:
        raise _Fallback("llm bad reply", "the LLM's answer has no choices")
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    if not isinstance(message, dict):
        raise _Fallback("llm bad reply", "the LLM's answer has no message")
    return message


def _tool_call(message: dict[str, Any]) -> tuple[str, Any] | None:
    """The first tool call's (name, arguments), also from the older ``function_call``."""
    calls = message.get("tool_calls")
    if calls:
        if not isinstance(calls, list):
            raise _Fallback("llm bad reply", "the LLM's tool_calls is not a list")
        function = calls[0].get("function") if isinstance(calls[0], dict) else None
    elif message.get("function_call") is not None:
        function = message["function_call"]
    else:
        return None
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        raise _Fallback("llm bad reply", "the LLM's tool call has no function name")
    return function["name"], function.get("arguments")


def _arguments(raw: Any, name: str) -> dict[str, Any]:
    # The API sends a JSON string; some local servers send the object itself,
    # or an empty string for a function without parameters.
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise _Fallback(
                "llm bad reply", f"the LLM's arguments for {name!r} are not JSON"
            ) from None
    if not isinstance(raw, dict):
        raise _Fallback("llm bad reply", f"the LLM's arguments for {name!r} are not a JSON object")
    return raw


def _text(content: Any) -> str:
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        content = " ".join(
            str(part.get("text", "")) for part in content if isinstance(part, dict)
        )
    if not isinstance(content, str):
        return ""
    return " ".join(_THINKING.sub("", content).split())


def _http_fallback(exc: urllib.error.HTTPError, key: str, key_env: str) -> _Fallback:
    status = exc.code
    detail = f"the LLM endpoint answered HTTP {status}"
    if status in (401, 403):
        detail += f" (check the API key in {key_env})"
    message = _error_message(exc)
    if message:
        detail += f": {_redact(message, key)}"
    return _Fallback(f"llm HTTP {status}", detail)


def _error_message(exc: urllib.error.HTTPError) -> str:
    """The server's own error sentence (Ollama: 'model "x" not found'), short."""
    try:
        doc = json.loads(exc.read(16384).decode("utf-8"))
    except (OSError, ValueError):
        return ""
    error = doc.get("error") if isinstance(doc, dict) else None
    if isinstance(error, dict):
        error = error.get("message")
    if not isinstance(error, str):
        return ""
    text = " ".join(error.split())
    return text[:_ERROR_DETAIL_LIMIT] + ("..." if len(text) > _ERROR_DETAIL_LIMIT else "")


def _redact(text: str, key: str) -> str:
    return text.replace(key, "***") if key else text


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc
