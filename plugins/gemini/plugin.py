# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gemini — ask Google Gemini: answers grounded in Google Search, streamed, with sources.

After an answer the conversation stays with Gemini for follow-up questions (the history is
kept) until the user says "done". The commands and their wording live here; the calls to
the Gemini API live in ``gemini_api.py``, imported on the first call so that google-genai
(half a second to import) never delays the engine's handshake.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from gassist_sdk import Context, Plugin, Range, setting

if TYPE_CHECKING:
    from gemini_api import Answer, Turn

KEYS_URL = "https://aistudio.google.com/app/apikey"
END_WORDS = {"exit", "done", "stop", "quit", "bye", "end", "cancel"}
# G-Assist ends a passthrough session after 5 minutes; a follow-up after that long is a
# new conversation, not a continuation of a stale one.
SESSION_LIMIT_S = 300.0
CHAT_HINT = "_Ask a follow-up question, or say “done” to end the chat with Gemini._"
INSTRUCTION = ("You answer inside NVIDIA G-Assist, an assistant overlay on a gamer's PC. "
               "Answer directly and concisely, in Markdown, in the language of the question. "
               "Use Google Search for anything recent or factual.")
# Questions about "my PC" get the engine's description of the machine.
_ABOUT_THE_PC = re.compile(
    r"\b(my|this|our)\s+(pc|computer|rig|system|setup|machine|laptop|desktop|build|gpu|cpu|"
    r"graphics\s*card|video\s*card|card|hardware|specs?|drivers?|monitor|ram|memory)\b|"
    r"\bcan\s+i\s+run\b|\bwill\s+(it|this|that|\w+)\s+run\b|\b(should|can)\s+i\s+upgrade\b|"
    r"\bon\s+my\b|"
    r"\b(gpu|cpu|processor|graphics\s*card|video\s*card|ram|vram|memory|drivers?|specs?|"
    r"hardware|ssd|storage)\b[^.?!]*\b(do\s+i\s+have|have\s+i\s+got|i\s+have|i've\s+got|"
    r"is\s+in\s+(here|this))\b",
    re.IGNORECASE)


@dataclass
class GeminiConfig:
    """The settings in config.json."""

    api_key: str = setting(description="Gemini API key (free from Google AI Studio)",
                           secret=True, help=KEYS_URL)
    model: str = setting("gemini-2.5-flash", description="The Gemini model that answers")
    api_url: str = setting("", description="Base URL of the Gemini API; empty means Google's "
                                           "own (https://generativelanguage.googleapis.com)")
    grounding: bool = setting(True, description="Ground answers in Google Search and list "
                                                "the sources")
    max_answer_chars: Annotated[int, Range(200, 100_000)] = setting(
        4000, description="Longest answer shown, in characters")


def check_config(candidate: GeminiConfig) -> str | None:
    """Before a pasted key is saved: does Gemini accept it (a models.get, no quota used)?"""
    import gemini_api

    return gemini_api.check_key(candidate.api_key, candidate.api_url, candidate.model)


plugin = Plugin(
    "gemini", version="1.0.0",
    description="Asks Google Gemini anything and answers from the web with sources: news, "
                "facts, game tips and guides, hardware questions, follow-up chat.",
    config=GeminiConfig,
    check_config=check_config,
    setup_help=(f"Create a free API key at {KEYS_URL} (sign in with a Google account, "
                "\"Create API key\"), then paste it here."),
)


class Chat:
    """The conversation with Gemini while the session stays open."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.last_active = 0.0
        # The engine sends system_info with the call, not with follow-ups: kept for them.
        self.system_info: str | None = None

    def reset(self, turns: list[Turn] | None = None, system_info: str | None = None) -> None:
        self.turns = list(turns or [])
        self.last_active = clock()
        self.system_info = system_info

    def stale(self) -> bool:
        return clock() - self.last_active > SESSION_LIMIT_S


clock = time.monotonic
chat = Chat()


@plugin.command(tags=("gemini", "google", "search", "web", "news", "question", "ask",
                      "explain", "guide", "tips", "best", "buy", "recommend", "beat", "boss",
                      "ai", "chat"))
def query_gemini(query: Annotated[str, "The question to ask, in the user's words"],
                 ctx: Context) -> str:
    """Ask Google Gemini anything and get an answer searched on the web, with sources:
    news, release dates, prices, what is best to buy, game tips, walkthroughs and how to
    beat a boss, how-tos, and whether a game runs on this PC.

    Follow-up questions continue the chat until the user says "done".
    """
    from gemini_api import Turn

    chat.reset(_engine_turns(ctx.messages, query), ctx.system_info)
    chat.turns.append(Turn("user", query.strip()))
    return _answer(ctx, query)


@plugin.on_input
def follow_up(text: str, ctx: Context) -> str:
    """A follow-up question in the open chat, or "done" to end it."""
    from gemini_api import Turn

    words = text.strip().lower().strip(".!")
    if words in END_WORDS:
        chat.reset()
        return "Chat with Gemini ended."
    if chat.stale():
        # past the engine's session limit: start over, without old history
        chat.reset(system_info=chat.system_info)
    chat.turns.append(Turn("user", text.strip()))
    ctx.keep_session(True)  # a failed turn (quota, timeout) leaves the chat open to retry
    return _answer(ctx, text)


def _answer(ctx: Context, question: str) -> str:
    import gemini_api

    config: GeminiConfig = ctx.config
    try:
        answer = gemini_api.stream_answer(
            config.api_key, config.api_url, config.model, chat.turns,
            instruction=_instruction(question, ctx.system_info or chat.system_info),
            grounding=config.grounding, max_chars=config.max_answer_chars,
            on_text=ctx.stream, cancelled=lambda: ctx.cancelled)
    except gemini_api.GeminiError:
        chat.turns.pop()  # the unanswered question is not part of the history
        raise
    if not answer.text:
        chat.turns.pop()
        raise gemini_api.GeminiError("Gemini returned an empty answer. Try asking it "
                                     "differently.")
    chat.turns.append(gemini_api.Turn("model", answer.text))
    chat.last_active = clock()
    ctx.keep_session(True)
    return _closing(answer, config.max_answer_chars)


def _closing(answer: Answer, max_chars: int) -> str:
    """What follows the streamed answer: notes, the sources, how to go on."""
    parts: list[str] = []
    if answer.cut:
        parts.append(f"_(Answer cut at {max_chars} characters; raise max_answer_chars in "
                     "config.json for longer ones.)_")
    elif answer.out_of_time:
        parts.append("_(Gemini was still writing when the time for one answer ran out; say "
                     "“go on” for the rest.)_")
    elif answer.stopped_early:
        parts.append("_(Gemini stopped early: the answer reached its length limit.)_")
    if answer.sources:
        lines = [f"{number}. [{_link_text(source.title)}]({source.uri})"
                 for number, source in enumerate(answer.sources, 1)]
        parts.append("**Sources**\n" + "\n".join(lines))
    parts.append(CHAT_HINT)
    return "\n\n" + "\n\n".join(parts)


def _link_text(title: str) -> str:
    return title.replace("[", "(").replace("]", ")")


def _instruction(question: str, system_info: str | None) -> str:
    if system_info and _ABOUT_THE_PC.search(question):
        return (f"{INSTRUCTION}\n\nThe user's PC, as G-Assist describes it (use it when the "
                f"question is about their machine):\n{system_info.strip()}")
    return INSTRUCTION


def _engine_turns(messages: list[dict[str, Any]], query: str) -> list[Turn]:
    """The engine's conversation as Gemini turns, without the engine's own tool-call JSON.

    The user's last message is usually the request that led to this call: it is left
    out when it says the same as ``query`` (which is sent as the last turn).
    """
    from gemini_api import Turn

    turns: list[Turn] = []
    for message in messages:
        role = {"user": "user", "assistant": "model"}.get(str(message.get("role")))
        content = message.get("content")
        if role is None or not isinstance(content, str) or not content.strip():
            continue
        if _is_tool_json(content):
            continue
        turns.append(Turn(role, content.strip()))
    if turns and turns[-1].role == "user" and _same(turns[-1].text, query):
        turns.pop()
    return turns


def _is_tool_json(text: str) -> bool:
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.strip("`").removeprefix("json").strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
    return norm(a) == norm(b) or norm(b) in norm(a)


if __name__ == "__main__":
    plugin.run()
