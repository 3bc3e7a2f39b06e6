# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A local Gemini API: ``models.get``, ``generateContent`` and the streamed SSE answer.

``api_url`` is the stand-in's root (Gemini's ``https://generativelanguage.googleapis.com``;
google-genai's ``HttpOptions(base_url=...)``). Both API versions the library uses are
served (``/v1`` and ``/v1beta``):

* ``GET /{version}/models/{model}``: the model's description;
* ``POST /{version}/models/{model}:generateContent``: the whole answer at once;
* ``POST /{version}/models/{model}:streamGenerateContent?alt=sse``: the answer as several
  server-sent events (``data: {...}``), each flushed on its own, ``pause`` seconds apart.
  The last one carries ``finishReason: STOP`` and, when the request asked for the
  ``googleSearch`` tool, ``groundingMetadata`` with the web sources.

The key is read from ``x-goog-api-key`` (or a ``key`` query parameter). A wrong key
gets Gemini's 400 ``INVALID_ARGUMENT`` with an ``ErrorInfo`` detail whose reason is
``API_KEY_INVALID``, no key at all 403 ``PERMISSION_DENIED``, an unknown model 404
``NOT_FOUND``; errors have Google's shape ``{"error": {"code", "message", "status",
"details"}}``. The answers are canned (:class:`CannedAnswer`): the first whose keywords
all appear in the question's last user turn, else one that says what was asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._server import RecordedRequest, Reply, Route, StandinServer

__all__ = ["DEMO_ANSWERS", "DEMO_MODELS", "CannedAnswer", "GeminiStandin", "WebSource"]

#: The models this Gemini knows (any other name is 404 NOT_FOUND).
DEMO_MODELS = ("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite")

# Google's status names for the HTTP statuses its APIs answer.
_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                 404: "NOT_FOUND", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED",
                 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
_MESSAGES = {429: "Resource has been exhausted (e.g. check quota).",
             500: "An internal error has occurred. Please retry or report in "
                  "https://developers.generativeai.google/guide/troubleshooting",
             503: "The model is overloaded. Please try again later.",
             504: "Deadline expired before operation could complete."}
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
_MODEL_PATH = r"/(?P<version>v1|v1beta|v1alpha)/models/(?P<model>[^/:]+)"


@dataclass(frozen=True)
class WebSource:
    """A web page an answer is grounded in."""

    title: str
    uri: str


@dataclass(frozen=True)
class CannedAnswer:
    """An answer: its pieces (one streamed event each) and the pages it cites."""

    keywords: tuple[str, ...]
    pieces: tuple[str, ...]
    sources: tuple[WebSource, ...] = ()
    search_queries: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The whole answer."""
        return "".join(self.pieces)


#: Made-up answers about the made-up games of the other stand-ins (links on example.com).
DEMO_ANSWERS = (
    CannedAnswer(
        ("starfall drift", "season"),
        ("**Starfall Drift season 3** starts on **12 December 2026**, ",
         "together with patch 1.4: ray-traced reflections, two new tracks ",
         "and a ranked mode with weekly resets."),
        (WebSource("Starfall Drift patch 1.4 notes", "https://example.com/news/starfall-drift-1-4"),
         WebSource("Season 3 roadmap - Starfall Drift", "https://example.com/starfall/season-3")),
        ("Starfall Drift season 3 start date",)),
    CannedAnswer(
        ("ray", "trac"),
        ("For ray-traced reflections at 1440p the developers recommend ",
         "an RTX 4060 or better with 8 GB of video memory; ",
         "turn on DLSS Quality to keep 60 fps."),
        (WebSource("Starfall Drift PC requirements", "https://example.com/starfall/pc-specs"),),
        ("Starfall Drift ray tracing requirements",)),
)


def _google_error(status: int, message: str = "",
                  details: Sequence[dict[str, Any]] = ()) -> Reply:
    document: dict[str, Any] = {"code": status,
                                "message": message or _MESSAGES.get(status, "Request failed."),
                                "status": _STATUS_NAMES.get(status, "UNKNOWN")}
    if details:
        document["details"] = list(details)
    return Reply.json(status, {"error": document})


class GeminiStandin(StandinServer):
    """The Gemini API endpoints google-genai calls for ``models.get`` and answers.

    Args:
        api_key: The API key it accepts.
        answers: The canned answers, tried in order.
        models: The model names it knows.
        pause: Seconds between two streamed events (the answer visibly arrives in pieces).
    """

    name = "Gemini"

    def __init__(self, api_key: str, *, answers: Sequence[CannedAnswer] = DEMO_ANSWERS,
                 models: Sequence[str] = DEMO_MODELS, pause: float = 0.05,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.answers = list(answers)
        self.models = list(models)
        self.pause = pause
        #: What each answered request asked: the model, the turns, whether grounded.
        self.questions: list[Question] = []
        super().__init__(host=host, port=port)

    @property
    def api_url(self) -> str:
        """The ``api_url`` setting (Gemini: ``https://generativelanguage.googleapis.com``)."""
        return f"{self.url}/"

    def routes(self) -> Iterable[Route]:
        """models.get, generateContent, streamGenerateContent, and the model list."""
        return (
            self.route("GET", r"/(v1|v1beta|v1alpha)/models", self._checked(self._list)),
            self.route("GET", _MODEL_PATH, self._checked(self._model)),
            self.route("POST", _MODEL_PATH + r":generateContent", self._checked(self._generate)),
            self.route("POST", _MODEL_PATH + r":streamGenerateContent",
                       self._checked(self._stream)),
        )

    def error(self, status: int, message: str = "") -> Reply:
        """Google's error body: ``{"error": {"code": 404, "message": ..., "status": ...}}``."""
        return _google_error(status, message)

    # -- auth ---------------------------------------------------------------------------------
    def _checked(self, endpoint: Any) -> Any:
        def checked(request: RecordedRequest, match: re.Match[str]) -> Reply:
            key = request.header("x-goog-api-key") or request.param("key")
            if not key:
                return _google_error(403, "Method doesn't allow unregistered callers (callers "
                                     "without established identity). Please use API Key or "
                                     "other form of API consumer identity to call this API.")
            if key != self.api_key:
                return _google_error(400, "API key not valid. Please pass a valid API key.", [
                    {"@type": _ERROR_INFO, "reason": "API_KEY_INVALID",
                     "domain": "googleapis.com",
                     "metadata": {"service": "generativelanguage.googleapis.com"}}])
            model = match.groupdict().get("model")
            if model is not None and model not in self.models:
                return _google_error(404, f"models/{model} is not found for API version "
                                     f"{match['version']}, or is not supported for "
                                     "generateContent. Call ListModels to see the list of "
                                     "available models and their supported methods.")
            return endpoint(request, match)
        return checked

    # -- models -------------------------------------------------------------------------------
    @staticmethod
    def _model_json(model: str) -> dict[str, Any]:
        title = " ".join(word.capitalize() for word in model.split("-"))
        return {"name": f"models/{model}", "version": "001", "displayName": title,
                "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
                "supportedGenerationMethods": ["generateContent", "countTokens"]}

    def _list(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        return Reply.json(200, {"models": [self._model_json(m) for m in self.models]})

    def _model(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        return Reply.json(200, self._model_json(match["model"]))

    # -- answers ------------------------------------------------------------------------------
    def _question(self, request: RecordedRequest, match: re.Match[str]) -> Question | Reply:
        try:
            body = request.json()
        except ValueError:
            return _google_error(400, "Invalid JSON payload received.")
        contents = body.get("contents") if isinstance(body, dict) else None
        if not isinstance(contents, list) or not contents:
            return _google_error(400, "* GenerateContentRequest.contents: contents is not "
                                 "specified")
        turns = []
        for content in contents:
            parts = content.get("parts") if isinstance(content, dict) else None
            text = "".join(str(p.get("text", "")) for p in parts or [] if isinstance(p, dict))
            turns.append((str(content.get("role") or "user"), text))
        tools = body.get("tools") or []
        grounded = any(isinstance(t, dict) and ("googleSearch" in t or "google_search" in t)
                       for t in tools)
        instruction = body.get("systemInstruction") or body.get("system_instruction") or {}
        system = "".join(str(p.get("text", "")) for p in instruction.get("parts") or []
                         if isinstance(p, dict)) if isinstance(instruction, dict) else ""
        question = Question(match["model"], turns, grounded, system)
        self.questions.append(question)
        return question

    def answer_for(self, text: str) -> CannedAnswer:
        """The canned answer to ``text`` (a question), or one that repeats it."""
        lowered = text.lower()
        for answer in self.answers:
            if all(word in lowered for word in answer.keywords):
                return answer
        shown = " ".join(text.split())[:120]
        return CannedAnswer((), ("This is the local Gemini stand-in: ",
                                 f"it has no demo answer for “{shown}”."))

    def _events(self, question: Question) -> list[dict[str, Any]]:
        answer = self.answer_for(question.last_user_text)
        events: list[dict[str, Any]] = []
        pieces = answer.pieces or ("",)
        words = 0
        for index, piece in enumerate(pieces):
            words += len(piece.split())
            candidate: dict[str, Any] = {"content": {"role": "model",
                                                     "parts": [{"text": piece}]},
                                         "index": 0}
            if index == len(pieces) - 1:
                candidate["finishReason"] = "STOP"
                if question.grounded and answer.sources:
                    candidate["groundingMetadata"] = _grounding(answer)
            events.append({
                "candidates": [candidate],
                "usageMetadata": {"promptTokenCount": sum(len(t.split()) for _, t in
                                                          question.turns),
                                  "candidatesTokenCount": words,
                                  "totalTokenCount": words},
                "modelVersion": question.model,
                "responseId": f"demo-response-{len(self.questions)}",
            })
        return events

    def _generate(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        question = self._question(request, match)
        if isinstance(question, Reply):
            return question
        events = self._events(question)
        whole = events[-1]
        whole["candidates"][0]["content"]["parts"] = [
            {"text": "".join(e["candidates"][0]["content"]["parts"][0]["text"] for e in events)}]
        return Reply.json(200, whole)

    def _stream(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        question = self._question(request, match)
        if isinstance(question, Reply):
            return question
        events = self._events(question)
        if request.param("alt") != "sse":  # without alt=sse Gemini sends one JSON array
            return Reply.json(200, events)
        pieces = tuple(f"data: {json.dumps(event)}\r\n\r\n".encode() for event in events)
        return Reply(200, headers={"Content-Type": "text/event-stream"}, stream=pieces,
                     pause=self.pause)


def _grounding(answer: CannedAnswer) -> dict[str, Any]:
    chunks = [{"web": {"uri": s.uri, "title": s.title}} for s in answer.sources]
    text = answer.text
    return {"webSearchQueries": list(answer.search_queries),
            "groundingChunks": chunks,
            "groundingSupports": [{"segment": {"startIndex": 0, "endIndex": len(text),
                                               "text": text},
                                   "groundingChunkIndices": list(range(len(chunks)))}],
            "searchEntryPoint": {"renderedContent": "<div>Google Search suggestions</div>"}}


@dataclass
class Question:
    """One request for an answer, as the stand-in read it."""

    model: str
    turns: list[tuple[str, str]] = field(default_factory=list)  # (role, text)
    grounded: bool = False
    system_instruction: str = ""

    @property
    def last_user_text(self) -> str:
        """The text of the last user turn (what is being asked)."""
        return next((text for role, text in reversed(self.turns) if role == "user"), "")
