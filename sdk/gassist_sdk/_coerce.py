# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's arguments checked and coerced to what a command declares.

Only a call needs this, so it is loaded with the first one rather than at
start-up: :mod:`gassist_sdk._introspect` builds the model at registration,
this module applies it (:func:`bind_arguments`, :func:`coerce`).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ._errors import InvalidParams
from ._introspect import CommandSpec, ParamSpec, parse_bool
from ._logging import LazyLogger
from ._schema import range_phrase

__all__ = ["bind_arguments", "coerce"]

_INT = re.compile(r"^[+-]?\d+$")
_SHOWN = 80
_logger = LazyLogger("gassist_sdk")

_ARTICLE = {"integer": "an integer", "number": "a number", "boolean": "true or false",
            "string": "a string", "array": "a list", "object": "an object"}


def _expectation(spec: ParamSpec) -> str:
    if spec.enum is not None:
        return "one of " + ", ".join(repr(v) for v in spec.enum)
    phrase = _ARTICLE.get(spec.kind, "a value")
    bounds = range_phrase(spec.minimum, spec.maximum)
    return f"{phrase} {bounds}" if bounds else phrase


def _fail(spec: ParamSpec, value: Any) -> ValueError:
    return ValueError(f"{spec.name} must be {_expectation(spec)}, got {_shown(value)}")


def _shown(value: Any) -> str:
    """A short quote of a value; never fails (huge ints, deep lists, long strings)."""
    try:
        text = repr(value) if not isinstance(value, (dict, list)) else json.dumps(value)
    except (ValueError, TypeError, RecursionError):
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _scalar(kind: str, spec: ParamSpec, value: Any) -> Any:
    if kind == "any" or kind == "object":
        if kind == "object" and not isinstance(value, dict):
            raise _fail(spec, value)
        return value
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise _fail(spec, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            flag = parse_bool(value)
            if flag is not None:
                return flag
        raise _fail(spec, value)
    if isinstance(value, bool):
        raise _fail(spec, value)
    if kind == "integer":
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip()
            if _INT.match(text):
                try:
                    return int(text)
                except ValueError:  # more digits than Python converts
                    raise _fail(spec, value) from None
            try:
                number = float(text)
            except ValueError:
                raise _fail(spec, value) from None
            if number.is_integer():
                return int(number)
        raise _fail(spec, value)
    if kind == "number":
        if isinstance(value, (int, float)):
            try:
                result = float(value)
            except OverflowError:  # an int beyond a float's range
                raise _fail(spec, value) from None
        elif isinstance(value, str):
            try:
                result = float(value.strip())
            except ValueError:
                raise _fail(spec, value) from None
        else:
            raise _fail(spec, value)
        if not math.isfinite(result):
            raise _fail(spec, value)
        return result
    raise _fail(spec, value)  # pragma: no cover - kinds are closed


def coerce(spec: ParamSpec, value: Any) -> Any:
    """Coerce one value to what ``spec`` declares, or raise ``ValueError``.

    ``ValueError`` is the only exception it raises, whatever the value (huge
    numbers, values nested too deeply to handle), and its message always
    says what ``spec`` expects.
    """
    try:
        return _coerce(spec, value)
    except (ArithmeticError, RecursionError):
        raise _fail(spec, value) from None


def _coerce(spec: ParamSpec, value: Any) -> Any:
    if spec.kind == "array":
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                raise _fail(spec, value) from None
        if not isinstance(value, list):
            value = [value]  # a lone item is unambiguous
        item = ParamSpec(f"each item of {spec.name}", spec.items or "any", enum=spec.enum)
        return [_check_choice(item, _scalar(item.kind, item, v)) for v in value]
    result = _scalar(spec.kind, spec, value)
    result = _check_choice(spec, result)
    if spec.kind in ("integer", "number"):
        if (spec.minimum is not None and result < spec.minimum) or (
            spec.maximum is not None and result > spec.maximum
        ):
            raise _fail(spec, value)
    if spec.enum_class is not None:
        return spec.enum_class(result)
    return result


def _check_choice(spec: ParamSpec, value: Any) -> Any:
    if spec.enum is None or value in spec.enum:
        return value
    if isinstance(value, str):
        folded = [c for c in spec.enum if isinstance(c, str) and c.lower() == value.strip().lower()]
        if len(folded) == 1:
            return folded[0]
    raise _fail(spec, value)


def bind_arguments(command: CommandSpec, arguments: dict[str, Any]) -> dict[str, Any]:
    """Validate and coerce the engine's arguments into handler keyword arguments.

    Raises:
        InvalidParams: With one readable sentence per problem.
    """
    if not isinstance(arguments, dict):
        raise InvalidParams(f"{command.name}: arguments must be an object, "
                            f"got {type(arguments).__name__}")
    problems: list[str] = []
    bound: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    invalid: set[str] = set()
    dropped: list[str] = []
    for raw_key, value in arguments.items():
        key = raw_key.strip() if isinstance(raw_key, str) else raw_key
        spec = command.by_name.get(key)
        if spec is None:
            # NVIDIA's SDK drops what the code does not take: the engine's model sometimes
            # invents arguments, and manifests declare ones the code ignores. A private
            # `_name` is never settable by the engine, not even through **kwargs.
            if command.accepts_extra and key not in command.private:
                extra[key] = value
            else:
                dropped.append(key)
            continue
        if value is None:
            continue  # null means "not given": a default applies, a required one is missing
        try:
            bound[key] = coerce(spec, value)
        except ValueError as exc:
            invalid.add(key)
            problems.append(str(exc))
    for spec in command.params:
        if spec.name not in bound and spec.name not in extra:
            if spec.required and spec.name not in invalid:
                hint = f" ({spec.description})" if spec.description else ""
                problems.append(f"missing required argument {spec.name!r}{hint}")
    if dropped:
        # Names only: a value may be a secret the user typed.
        _logger.debug("%s: dropped %s %s, which the code does not take", command.name,
                      "argument" if len(dropped) == 1 else "arguments",
                      ", ".join(repr(key) for key in dropped))
    if problems:
        raise InvalidParams(f"{command.name}: " + "; ".join(problems))
    bound.update(extra)
    return bound
