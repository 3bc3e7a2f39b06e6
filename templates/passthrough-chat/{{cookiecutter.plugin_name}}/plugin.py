# SPDX-License-Identifier: Apache-2.0
# Copyright {{ cookiecutter.author }}
"""{{ cookiecutter.description }}

A passthrough G-Assist plug-in built with gassist-sdk: after "Hey {{ cookiecutter.plugin_name }},
let's talk about cats" every next message goes straight to this plug-in (``@plugin.on_input``)
until the user says "bye". After changing a command or a setting, regenerate the files
made from the code: gassist-build manifest . && gassist-build config .
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from gassist_sdk import Context, Plugin, Range, setting


@dataclass
class Config:
    """The settings in config.json; ``gassist-build config .`` writes config.example.json.

    Every setting has a default, so the plug-in works without a config.json.
    """

    max_turns: Annotated[int, Range(1, 100)] = setting(
        10, description="Messages after which the conversation ends by itself (1 to 100)")


plugin = Plugin(
    {{ cookiecutter.plugin_name | tojson }},
    version={{ cookiecutter.version | tojson }},
    description={{ cookiecutter.description | tojson }},
    config=Config,
)

GOODBYES = frozenset({"bye", "goodbye", "exit", "quit", "stop", "done"})


@dataclass
class Conversation:
    """State of the open conversation (one at a time: the engine has one user)."""

    topic: str
    turns: list[str] = field(default_factory=list)


_conversation: Conversation | None = None


@plugin.command(tags=["chat", "talk", "conversation"])
def chat(topic: str, ctx: Context) -> str:
    """Start a conversation about a topic; the user's next messages come here until 'bye'.

    Args:
        topic: What to talk about.
    """
    global _conversation
    _conversation = Conversation(topic=topic.strip() or "anything")
    ctx.keep_session(True)
    return (
        f"Let's talk about {_conversation.topic}. Tell me something about it"
        " (say 'bye' to finish)."
    )


@plugin.on_input
def follow_up(text: str, ctx: Context) -> str:
    """Answer one turn of the open conversation."""
    global _conversation
    if _conversation is None:
        return "We are not talking yet: start with the chat command."
    said = text.strip()
    if said.lower().rstrip("!.") in GOODBYES:
        turns = len(_conversation.turns)
        _conversation = None
        return f"Bye! We exchanged {turns} message(s)."
    _conversation.turns.append(said)
    # None if config.json was broken during the conversation: go on with the defaults.
    config: Config = ctx.config or Config()
    if len(_conversation.turns) >= config.max_turns:
        _conversation = None
        return "That's all the turns I have for now. Bye!"
    ctx.keep_session(True)  # each reply decides whether the conversation goes on
    ctx.stream(f"About {_conversation.topic}: ")
    return f"you said \"{said}\" (message {len(_conversation.turns)}). Go on, or say 'bye'."


if __name__ == "__main__":
    plugin.run()
