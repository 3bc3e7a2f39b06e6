# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The Gemini API through google-genai: streamed, grounded answers and one sentence per failure.

google-genai costs about half a second to import, so it is imported inside the functions
here, and plugin.py imports this module only when a command runs: the engine's
``initialize`` is answered before any of it loads.

One ``genai.Client`` is kept per (key, base URL) for the life of the plug-in: a client
that is garbage-collected closes its HTTP transport, and a new one per call would pay
for a new connection every time.
"""

from __future__ import annotations

import json
import math
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from gassist_sdk import CommandError

KEYS_URL = "https://aistudio.google.com/app/apikey"
DEFAULT_HOST = "generativelanguage.googleapis.com"
# Each network wait (connect, each read of the stream) gives up after this long.
TIMEOUT_S = 20.0
# An answer ends within this, whatever the network does: the engine stops a call that has
# not completed after 30 s (streaming does not extend it).
CALL_BUDGET_S = 25.0
# The key check during setup answers within the engine's 30 s, retry included.
CHECK_TIMEOUT_S = 10.0
# One more try for the errors Google calls transient (overloaded, unavailable).
RETRY_STATUSES = (500, 502, 503, 504)
MAX_SOURCES = 8
_SAFETY_REASONS = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY",
                   "IMAGE_PROHIBITED_CONTENT", "JAILBREAK", "MODEL_ARMOR"}

_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


class GeminiError(CommandError):
    """A failure of a Gemini request, as the one sentence the user reads."""


@dataclass
class Turn:
    """One turn of a conversation: ``role`` is ``"user"`` or ``"model"``."""

    role: str
    text: str


@dataclass
class Source:
    """A web page the answer was grounded in."""

    title: str
    uri: str


@dataclass
class Answer:
    """What Gemini answered (the text was also handed to ``on_text`` as it came)."""

    text: str = ""
    sources: list[Source] = field(default_factory=list)
    cut: bool = False  # stopped at max_chars
    out_of_time: bool = False  # stopped at CALL_BUDGET_S
    stopped_early: str | None = None  # a finish reason worth telling (MAX_TOKENS)


def client_for(api_key: str, api_url: str = "") -> Any:
    """The one ``genai.Client`` for this key and base URL (empty: the library's default)."""
    base_url = api_url.strip()
    wanted = (api_key, base_url)
    with _clients_lock:
        client = _clients.get(wanted)
        if client is None:
            from google import genai
            from google.genai import types

            options = types.HttpOptions(
                base_url=base_url or None,
                timeout=int(TIMEOUT_S * 1000),  # milliseconds
                retry_options=types.HttpRetryOptions(attempts=2, initial_delay=0.5,
                                                     max_delay=2.0, jitter=0.2,
                                                     http_status_codes=list(RETRY_STATUSES)))
            client = _clients[wanted] = genai.Client(vertexai=False, api_key=api_key,
                                                     http_options=options)
        return client


def check_key(api_key: str, api_url: str, model: str) -> str | None:
    """None when the key can use ``model``, else the sentence saying why not.

    A ``models.get`` costs no quota and proves both the key and the model name.
    """
    try:
        from google.genai import types

        quick = types.GetModelConfig(http_options=types.HttpOptions(
            timeout=int(CHECK_TIMEOUT_S * 1000)))
        client_for(api_key, api_url).models.get(model=model, config=quick)
    except Exception as exc:
        sentence = describe_error(exc, model=model, api_url=api_url)
        if sentence is None:
            raise
        with _clients_lock:  # a refused key gets no client kept for it
            _clients.pop((api_key, api_url.strip()), None)
        return sentence
    return None


def stream_answer(api_key: str, api_url: str, model: str, turns: list[Turn], *,
                  instruction: str, grounding: bool, max_chars: int,
                  on_text: Callable[[str], None],
                  cancelled: Callable[[], bool] = lambda: False) -> Answer:
    """Ask Gemini, handing each piece of the answer to ``on_text`` as it arrives.

    The stream is read on a thread of its own, so the answer ends within
    ``CALL_BUDGET_S`` whatever the network does (the engine stops a call after 30 s),
    and at once when ``cancelled()`` turns true (the plug-in is shutting down).

    Raises:
        GeminiError: One sentence for every failure: quota, key, safety block,
            timeout, server trouble, no connection.
    """
    from google.genai import types

    config = types.GenerateContentConfig(
        system_instruction=instruction or None,
        tools=[types.Tool(google_search=types.GoogleSearch())] if grounding else None)
    contents = [types.Content(role=turn.role, parts=[types.Part(text=turn.text)])
                for turn in turns]
    client = client_for(api_key, api_url)
    deadline = time.monotonic() + CALL_BUDGET_S
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def read_stream() -> None:
        stream = None
        try:
            stream = client.models.generate_content_stream(model=model, contents=contents,
                                                           config=config)
            for chunk in stream:
                if stop.is_set():
                    break
                events.put(("chunk", chunk))
            events.put(("end", None))
        except BaseException as exc:  # handed to the caller's thread, which decides
            events.put(("error", exc))
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # frees the connection when the answer was cut short

    threading.Thread(target=read_stream, name="gemini-stream", daemon=True).start()
    answer = Answer()
    try:
        _consume(events, answer, deadline, max_chars, on_text, cancelled)
    except GeminiError:
        raise
    except Exception as exc:
        sentence = describe_error(exc, model=model, api_url=api_url)
        if sentence is None:
            raise
        raise GeminiError(sentence) from None
    finally:
        stop.set()
    if answer.out_of_time and not answer.text:
        host = urlsplit(api_url.strip()).netloc if api_url.strip() else DEFAULT_HOST
        raise GeminiError(f"Gemini did not answer within {CALL_BUDGET_S:g} seconds ({host}). "
                          "Try again in a moment.")
    answer.sources = _unique(answer.sources)[:MAX_SOURCES]
    return answer


def _consume(events: queue.Queue[tuple[str, Any]], answer: Answer, deadline: float,
             max_chars: int, on_text: Callable[[str], None],
             cancelled: Callable[[], bool]) -> None:
    """Turn the streamed responses into ``answer``, passing its text on as it comes."""
    pieces: list[str] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            answer.out_of_time = True
            break
        try:
            kind, item = events.get(timeout=min(remaining, 0.25))
        except queue.Empty:
            if cancelled():
                break
            continue
        if kind == "end":
            break
        if kind == "error":
            raise item
        _refuse_blocked(item)
        candidate = (item.candidates or [None])[0]
        if candidate is None:
            continue
        _collect_sources(candidate, answer.sources)
        text = _text_of(candidate)
        if text:
            room = max_chars - sum(map(len, pieces))
            if len(text) >= room:
                text, answer.cut = text[:room], True
            if text:
                pieces.append(text)
                answer.text = "".join(pieces)
                on_text(text)
            if answer.cut:
                break
        reason = _name(candidate.finish_reason)
        if reason in _SAFETY_REASONS:
            raise GeminiError(
                f"Gemini stopped {'its answer' if pieces else 'before answering'}: its "
                f"safety filters blocked it ({reason}). Try asking it differently.")
        if reason == "RECITATION":
            raise GeminiError("Gemini stopped its answer because it was quoting a source "
                              "too closely (RECITATION). Try asking it differently.")
        if reason == "MAX_TOKENS":
            answer.stopped_early = reason


def _refuse_blocked(chunk: Any) -> None:
    feedback = getattr(chunk, "prompt_feedback", None)
    reason = _name(getattr(feedback, "block_reason", None))
    if reason and reason != "BLOCKED_REASON_UNSPECIFIED":
        raise GeminiError(f"Gemini blocked this question ({reason}) and gave no answer. "
                          "Try asking it differently.")


def _text_of(candidate: Any) -> str:
    content = candidate.content
    parts = (content.parts or []) if content is not None else []
    return "".join(part.text for part in parts if part.text and not part.thought)


def _collect_sources(candidate: Any, into: list[Source]) -> None:
    metadata = candidate.grounding_metadata
    for item in (metadata.grounding_chunks or []) if metadata is not None else []:
        web = item.web
        if web is not None and web.uri:
            into.append(Source(web.title or urlsplit(web.uri).hostname or web.uri, web.uri))


def _unique(sources: Iterable[Source]) -> list[Source]:
    seen: set[str] = set()
    kept: list[Source] = []
    for source in sources:
        if source.uri not in seen:
            seen.add(source.uri)
            kept.append(source)
    return kept


def _name(value: Any) -> str:
    """An enum's name (google-genai gives enums, or strings for values it does not know)."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))


# -- errors ---------------------------------------------------------------------------------

def describe_error(exc: BaseException, *, model: str, api_url: str) -> str | None:
    """The sentence for a failed request, or None for an exception that is a bug of ours.

    Never includes the key; a URL shows only its host.
    """
    from google.genai import errors

    if isinstance(exc, errors.APIError):
        return _api_error(exc, model)
    host = urlsplit(api_url.strip()).netloc if api_url.strip() else DEFAULT_HOST
    if isinstance(exc, _http_errors("TimeoutException")):
        return (f"Gemini did not answer within {TIMEOUT_S:g} seconds ({host}). "
                "Try again in a moment.")
    if isinstance(exc, _http_errors("ConnectError")):
        why = "connection refused" if "refused" in str(exc).lower() else "no connection"
        where = "api_url in config.json" if api_url.strip() else "your internet connection"
        return f"Cannot reach Gemini at {host} ({why}). Check {where}."
    if isinstance(exc, _http_errors("TransportError")):
        return f"The connection to Gemini at {host} broke off. Try again."
    from pydantic import ValidationError

    if isinstance(exc, (errors.UnknownApiResponseError, json.JSONDecodeError, ValidationError)):
        return "Gemini sent a reply that could not be read. Try again."
    return None


def _http_errors(name: str) -> tuple[type[BaseException], ...]:
    """The exception class ``name`` of each HTTP library google-genai may be using.

    It uses httpx2 (a fork of httpx under its own name) where that is installed, else
    httpx; only a library already loaded can have raised, so nothing is imported here.
    """
    found = (getattr(sys.modules.get(module), name, None) for module in ("httpx2", "httpx"))
    return tuple(cls for cls in found if isinstance(cls, type))


def _api_error(exc: Any, model: str) -> str:
    code, status = int(exc.code or 0), str(exc.status or "")
    reasons = {str(item.get("reason", "")) for item in _details(exc)}
    label = f"{code} {status}".strip()
    if code == 429 or status == "RESOURCE_EXHAUSTED":
        delay = retry_delay(exc)
        when = f"try again in {_seconds(delay)}" if delay else "try again later"
        return (f"Gemini's quota for this API key is used up for now ({label}); {when}, "
                "or check the key's plan and limits at https://aistudio.google.com.")
    if "API_KEY_INVALID" in reasons or (code == 400 and "api key" in str(exc.message).lower()):
        return (f"Gemini says the API key is not valid ({label}). Create a key at {KEYS_URL} "
                "and put it in config.json as api_key.")
    if code == 401:
        return (f"Gemini did not accept the API key ({label}). Check api_key in config.json "
                f"(keys: {KEYS_URL}).")
    if code == 403:
        return (f"Gemini refused this API key access ({label}): it may be restricted, or the "
                f"Gemini API is not enabled for its project. Check it at {KEYS_URL}.")
    if code == 404:
        return (f"Gemini has no model '{model}' ({label}). Set model in config.json to one "
                "such as gemini-2.5-flash.")
    if code >= 500:
        return f"Gemini is having trouble right now ({label}). Try again in a minute."
    message = " ".join(str(exc.message or "").split())[:200]
    return f"Gemini refused the request ({label}{': ' + message if message else ''})."


def _details(exc: Any) -> list[dict[str, Any]]:
    body = exc.details if isinstance(exc.details, dict) else {}
    error = body.get("error", body)
    items = error.get("details") if isinstance(error, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def retry_delay(exc: Any) -> float | None:
    """The wait, in seconds, the API asks for in its ``RetryInfo`` detail (``"17s"``)."""
    for item in _details(exc):
        if str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            text = str(item.get("retryDelay", "")).strip()
            try:
                return float(text[:-1]) if text.endswith("s") else float(text)
            except ValueError:
                return None
    return None


def _seconds(delay: float) -> str:
    seconds = max(1, math.ceil(delay))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
