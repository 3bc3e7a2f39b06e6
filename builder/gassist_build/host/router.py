# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Routing: what the user said -> which plug-in, function and arguments.

G-Assist's on-device model picks a plug-in, a function and its arguments from
the user's words using only the manifests' names, descriptions and tags. A
:class:`Router` does the same for the emulator: given an utterance, the loaded
:class:`~.spec.PluginSpec` objects and the conversation so far it returns a
:class:`Decision` - a call, "no match" with the closest candidates, or a
clarifying question when a required argument is missing or invalid.

Every router hands its pick to :func:`clarify_or_call`, which checks the
arguments against the function's parameter schema (:func:`check_arguments`)
so that no router ever produces a call the manifest does not allow.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .spec import FunctionSpec, PluginSpec

__all__ = [
    "Candidate",
    "Decision",
    "Invocation",
    "Router",
    "check_arguments",
    "clarify_or_call",
    "coerce_arguments",
    "find_function",
    "no_match",
    "split_invocation",
]

DecisionKind = Literal["call", "no_match", "clarify"]


@dataclass(frozen=True)
class Candidate:
    """A function a router considered, with its score (higher is closer; router-specific scale)."""

    plugin: str
    function: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"plugin": self.plugin, "function": self.function, "score": round(self.score, 3)}


@dataclass(frozen=True)
class Decision:
    """What a router decided for one utterance.

    Attributes:
        kind: ``"call"`` (plugin, function and valid arguments set), ``"no_match"``
            (nothing fits; ``candidates`` holds the closest) or ``"clarify"``
            (a function fits but an argument is missing or invalid; ``question``
            says what to ask the user).
        plugin: Invocation name (folder name) of the chosen plug-in, or None.
        function: The chosen function, or None.
        arguments: The arguments extracted so far (valid ones only for ``call``).
        confidence: 0..1, how sure the router is.
        explanation: Short, why (for the author reading ``chat``/``route``).
        candidates: The functions considered, best first.
        question: For ``clarify``: what to ask the user.
        router: Which router decided (``"offline"``, ``"llm"``,
            ``"offline (llm timed out)"``...).
    """

    kind: DecisionKind
    plugin: str | None
    function: str | None
    arguments: dict[str, Any]
    confidence: float
    explanation: str
    candidates: tuple[Candidate, ...] = ()
    question: str | None = None
    router: str = "offline"

    def to_json(self) -> dict[str, Any]:
        """The decision as a JSON-ready dict (what ``gassist-build route --json`` prints)."""
        return {
            "kind": self.kind,
            "plugin": self.plugin,
            "function": self.function,
            "arguments": dict(self.arguments),
            "confidence": round(self.confidence, 3),
            "explanation": self.explanation,
            "question": self.question,
            "router": self.router,
            "candidates": [c.to_json() for c in self.candidates],
        }


class Router(Protocol):
    """Anything that turns an utterance into a :class:`Decision`."""

    name: str

    def route(self, utterance: str, plugins: Sequence[PluginSpec],
              history: Sequence[tuple[str, str]] = ()) -> Decision:
        """Decide for ``utterance``; ``history`` is ``(role, text)`` pairs, oldest first
        (role ``"user"`` or ``"assistant"``/a plug-in name)."""
        ...


# --- argument validation -------------------------------------------------------------

def _type_ok(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "null":
        return value is None
    return True  # a type the host does not know: the validator reports it, not the router


_ARTICLE = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
            "string": "text", "array": "a list", "object": "an object"}


def _value_problems(name: str, prop: dict[str, Any], value: Any) -> list[str]:
    kinds = prop.get("type")
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds or () if isinstance(k, str)]
    if kinds and not any(_type_ok(k, value) for k in kinds):
        wanted = " or ".join(_ARTICLE.get(k, k) for k in kinds)
        return [f"{name!r} must be {wanted}, not {value!r}"]
    enum = prop.get("enum")
    if isinstance(enum, list) and enum and value not in enum:
        return [f"{name!r} must be one of {', '.join(map(str, enum))}, not {value!r}"]
    problems: list[str] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = prop.get("minimum"), prop.get("maximum")
        if isinstance(low, (int, float)) and value < low:
            problems.append(f"{name!r} must be at least {low}, not {value!r}")
        if isinstance(high, (int, float)) and value > high:
            problems.append(f"{name!r} must be at most {high}, not {value!r}")
    items = prop.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        for index, item in enumerate(value):
            problems.extend(_value_problems(f"{name}[{index}]", items, item))
    return problems


def check_arguments(function: FunctionSpec, arguments: dict[str, Any]) -> list[str]:
    """Problems with ``arguments`` against ``function``'s parameter schema; ``[]`` means fine.

    Checks, in this order: unknown parameters, missing required ones (absent or
    None), then each value's declared ``type`` (a whole-valued float passes as an
    integer), ``enum``, ``minimum``/``maximum`` and array ``items``. Each problem
    is one sentence naming the parameter.
    """
    problems: list[str] = []
    for name in arguments:
        if name not in function.properties:
            known = ", ".join(function.properties) or "none"
            problems.append(f"{function.name} has no parameter {name!r} (it takes: {known})")
    for name in function.required:
        if arguments.get(name) is None:
            problems.append(f"{name!r} is required")
    for name, value in arguments.items():
        prop = function.properties.get(name)
        if prop is None or value is None:
            continue
        problems.extend(_value_problems(name, prop, value))
    return problems


def coerce_arguments(function: FunctionSpec, arguments: dict[str, Any]) -> dict[str, Any]:
    """``arguments`` with values the schema plainly means converted, others left as they are.

    ``"5"`` -> 5 for an integer parameter, ``"2.5"`` -> 2.5 for a number,
    ``"true"``/``"off"``... -> bool for a boolean, ``5.0`` -> 5 for an integer,
    a lone string -> ``[string]`` for an array, enum values matched case-insensitively.
    Models (and people) send these; :func:`check_arguments` then judges the result.
    """
    out: dict[str, Any] = {}
    for name, value in arguments.items():
        out[name] = _coerce(function.properties.get(name) or {}, value)
    return out


_TRUE = {"true", "yes", "on", "1", "enable", "enabled"}
_FALSE = {"false", "no", "off", "0", "disable", "disabled"}


def _coerce(prop: dict[str, Any], value: Any) -> Any:
    kind = prop.get("type")
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            return int(value)
    elif kind == "number":
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                return value
            return int(number) if number.is_integer() and "." not in value else number
    elif kind == "boolean" and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    elif kind == "array" and isinstance(value, str):
        return [_coerce(prop.get("items") or {}, value)]
    enum = prop.get("enum")
    if isinstance(enum, list) and isinstance(value, str) and value not in enum:
        for option in enum:
            if isinstance(option, str) and option.lower() == value.strip().lower():
                return option
    return value


# --- shared decision builders ---------------------------------------------------------

def find_function(plugins: Sequence[PluginSpec], plugin: str,
                  function: str) -> tuple[PluginSpec, FunctionSpec] | None:
    """The loaded plug-in called ``plugin`` and its function ``function`` (case-insensitive
    plug-in name), or None."""
    for spec in plugins:
        if spec.name.lower() == plugin.lower():
            found = spec.function(function)
            return (spec, found) if found is not None else None
    return None


def _describe(name: str, prop: dict[str, Any]) -> str:
    description = str(prop.get("description") or "").strip().rstrip(".")
    enum = prop.get("enum")
    if isinstance(enum, list) and enum:
        choices = ", ".join(map(str, enum))
        return f"{description} ({choices})" if description else f"one of {choices}"
    return description or name.replace("_", " ")


def clarify_or_call(plugin: PluginSpec | str, function: FunctionSpec,
                    arguments: dict[str, Any], confidence: float, explanation: str,
                    candidates: Sequence[Candidate] = (), router: str = "offline") -> Decision:
    """A ``call`` when ``arguments`` satisfy ``function``'s schema, else a ``clarify``.

    Values the schema plainly means are coerced first (:func:`coerce_arguments`);
    unknown parameters are dropped with a note in the explanation (a model's
    invention must not reach the plug-in). The clarifying question names the
    first missing or invalid parameter and quotes its description.
    """
    plugin_name = plugin if isinstance(plugin, str) else plugin.name
    args = coerce_arguments(function, arguments)
    unknown = [name for name in args if name not in function.properties]
    for name in unknown:
        del args[name]
    if unknown:
        explanation = f"{explanation}; dropped unknown {', '.join(map(repr, unknown))}"
    missing = [name for name in function.required if args.get(name) is None]
    invalid: list[tuple[str, str]] = []
    for name, value in list(args.items()):
        if value is None:
            del args[name]
            continue
        problems = _value_problems(name, function.properties[name], value)
        if problems:
            invalid.append((name, problems[0]))
    if not missing and not invalid:
        return Decision("call", plugin_name, function.name, args, _clamp(confidence),
                        explanation, tuple(candidates), router=router)
    if missing:
        name = missing[0]
        question = (f"{function.name} needs {name!r} "
                    f"({_describe(name, function.properties.get(name) or {})}). What should it be?")
        reason = f"{name!r} is required"
    else:
        name, reason = invalid[0]
        question = (f"{reason[0].upper()}{reason[1:]} "
                    f"({_describe(name, function.properties.get(name) or {})}). What should it be?")
    for name, _ in invalid:
        args.pop(name, None)
    return Decision("clarify", plugin_name, function.name, args, _clamp(confidence),
                    f"{explanation}; {reason}", tuple(candidates), question=question,
                    router=router)


def no_match(explanation: str, candidates: Sequence[Candidate] = (),
             router: str = "offline", confidence: float = 0.0) -> Decision:
    """A ``no_match`` decision listing the closest ``candidates``."""
    return Decision("no_match", None, None, {}, _clamp(confidence), explanation,
                    tuple(candidates), router=router)


def _clamp(value: float) -> float:
    return 0.0 if value != value else max(0.0, min(1.0, float(value)))


# --- direct invocation ----------------------------------------------------------------

@dataclass(frozen=True)
class Invocation:
    """An utterance that addresses one plug-in by name, as G-Assist allows.

    Attributes:
        plugin: The addressed plug-in (its spec).
        rest: The utterance with the invocation words removed.
        form: Which form was used (``"hey"``, ``"comma"``, ``"slash"``).
    """

    plugin: PluginSpec
    rest: str
    form: str = field(default="hey")


def _name_pattern(name: str) -> str:
    # "ifttt" also matches "IFTTT"; "gpu-tuner" matches "gpu tuner" and "gpu_tuner".
    parts = [re.escape(p) for p in re.split(r"[-_\s]+", name) if p]
    return r"[-_\s]?".join(parts)


def split_invocation(utterance: str, plugins: Sequence[PluginSpec]) -> Invocation | None:
    """The plug-in ``utterance`` addresses directly, if any.

    Recognised forms (case-insensitive, leading/trailing punctuation ignored):
    ``"Hey <plugin>, ..."`` (also "hi", "ok", "yo", "ask", "use", "tell"),
    ``"<plugin>, ..."`` / ``"<plugin>: ..."`` and ``"/<plugin> ..."``. The name is the
    plug-in's folder name (the invocation name) or its manifest ``name``.
    """
    text = utterance.strip()
    for spec in sorted(plugins, key=lambda s: -len(s.name)):
        names = {spec.name}
        manifest_name = spec.manifest.get("name")
        if isinstance(manifest_name, str) and manifest_name.strip():
            names.add(manifest_name.strip())
        for name in sorted(names, key=len, reverse=True):
            pattern = _name_pattern(name)
            match = re.match(rf"/{pattern}(?:\s+|$)", text, re.IGNORECASE)
            if match:
                return Invocation(spec, text[match.end():].strip(), "slash")
            match = re.match(rf"(?:hey|hi|hello|ok|okay|yo|ask|use|tell)\s+{pattern}\b[\s,:;!.-]*",
                             text, re.IGNORECASE)
            if match:
                return Invocation(spec, text[match.end():].strip(), "hey")
            match = re.match(rf"{pattern}\s*[,:;]\s*", text, re.IGNORECASE)
            if match:
                return Invocation(spec, text[match.end():].strip(), "comma")
    return None
