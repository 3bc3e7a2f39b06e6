# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The richer parameter hints: ``Annotated`` metadata, ``Enum``, ``Literal`` and ``list[T]``.

:func:`gassist_sdk._introspect.inspect_command` reads plain ``str``/``int``/
``float``/``bool`` parameters itself and calls on this module for the rest,
still at registration: a plug-in whose commands take only plain values never
loads it, and one with a hint nothing here can serve fails at import time.
:class:`Range` lives here too (``from gassist_sdk import Range`` loads it).
"""

from __future__ import annotations

import typing
from enum import Enum
from typing import Any

from ._errors import RegistrationError
from ._introspect import _SIMPLE, EMPTY, ParamSpec, _param_from_hint, type_name_hint

__all__ = ["Range", "annotation_metadata", "param_of_rich_type"]


class Range:
    """Bounds for a number parameter, used as ``Annotated[int, Range(0, 100)]``.

    Enforced before the handler runs and stated in the manifest description.
    """

    __slots__ = ("max", "min")

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        self.min = min
        self.max = max

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Range) and (self.min, self.max) == (other.min, other.max)

    def __hash__(self) -> int:
        return hash((self.min, self.max))

    def __repr__(self) -> str:
        return f"Range({self.min!r}, {self.max!r})"


def annotation_metadata(hint: Any) -> tuple[Any, list[str], float | None, float | None]:
    """``Annotated[T, ...]`` as ``(T, description parts, minimum, maximum)``.

    Strings are descriptions; a :class:`Range` or annotated-types style
    constraints (Ge/Le/Gt/Lt/Interval) give the bounds.
    """
    description_parts: list[str] = []
    minimum = maximum = None
    base, *meta = typing.get_args(hint)
    for item in meta:
        if isinstance(item, str):
            description_parts.append(item)
        elif isinstance(item, Range):
            minimum, maximum = item.min, item.max
        else:  # annotated-types style constraints (Ge/Le/Gt/Lt/Interval)
            minimum, maximum = _bounds_from(item, minimum, maximum, base)
    return base, description_parts, minimum, maximum


def _bounds_from(item: Any, minimum: float | None, maximum: float | None,
                 base: Any) -> tuple[float | None, float | None]:
    """Inclusive bounds from annotated-types style objects.

    Exclusive integer bounds become inclusive ones (``Gt(0)`` on an int is
    ``min 1``); exclusive float bounds are kept as inclusive, the nearest the
    manifest can say.
    """
    step = 1 if base is int else 0
    if getattr(item, "ge", None) is not None:
        minimum = item.ge
    elif getattr(item, "gt", None) is not None:
        minimum = item.gt + step
    if getattr(item, "le", None) is not None:
        maximum = item.le
    elif getattr(item, "lt", None) is not None:
        maximum = item.lt - step
    return minimum, maximum


def param_of_rich_type(func_name: str, name: str, hint: Any, common: dict[str, Any]) -> ParamSpec:
    """The parameter for an Enum, Literal or list hint (``common`` holds the rest of it).

    Raises:
        RegistrationError: The hint is none of those, or one the engine cannot send.
    """
    if isinstance(hint, type) and issubclass(hint, Enum):
        values = tuple(member.value for member in hint)
        kinds = {_SIMPLE.get(type(v)) for v in values}
        if len(kinds) != 1 or None in kinds:
            raise RegistrationError(f"{func_name}(): parameter {name!r}: enum {hint.__name__} "
                                    "must have values of one simple type (str or int)")
        return ParamSpec(kind=kinds.pop() or "string", enum=values, enum_class=hint, **common)
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        values = typing.get_args(hint)
        kinds = {_SIMPLE.get(type(v)) for v in values}
        if len(kinds) != 1 or None in kinds:
            raise RegistrationError(f"{func_name}(): parameter {name!r}: Literal values must "
                                    "all be of one simple type")
        return ParamSpec(kind=kinds.pop() or "string", enum=tuple(values), **common)
    if origin in (list, typing.List) or hint is list:  # noqa: UP006
        args = typing.get_args(hint)
        item_kind = "any"
        item_enum = None
        if args:
            item = _param_from_hint(func_name, name, args[0], EMPTY, "")
            if item.kind in ("array", "object"):
                raise RegistrationError(f"{func_name}(): parameter {name!r}: lists of lists or "
                                        "objects are not supported")
            item_kind, item_enum = item.kind, item.enum
        return ParamSpec(kind="array", items=None if item_kind == "any" else item_kind,
                         enum=item_enum, **common)
    written = hint if isinstance(hint, str) else getattr(hint, "__name__", "")
    suggestion = type_name_hint(written) if isinstance(written, str) and written else ""
    raise RegistrationError(
        f"{func_name}(): parameter {name!r} has unsupported type {hint!r}{suggestion}; use str, "
        "int, float, bool, list[T], Literal[...], an Enum, or Optional of those"
    )
