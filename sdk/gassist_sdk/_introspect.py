# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Signature + type hints + docstring -> command model and schema.

Pure: nothing here talks to the wire. :func:`inspect_command` builds a
:class:`CommandSpec` at decoration time and raises :class:`RegistrationError`
naming the function for anything it cannot serve; :meth:`CommandSpec.bind`
validates and coerces the engine's arguments before the handler runs (with
:mod:`gassist_sdk._coerce`, loaded by the first call rather than at start-up).
"""

from __future__ import annotations

import re
import sys
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._errors import RegistrationError

if TYPE_CHECKING:
    from enum import Enum

__all__ = ["CommandSpec", "ParamSpec", "inspect_command", "parse_docstring", "type_name_hint"]

RESERVED_PREFIX = "rise_"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CO_VARARGS, _CO_VARKEYWORDS, _CO_COROUTINE = 0x04, 0x08, 0x80


class _Empty:
    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Any = _Empty()
"""Marks a parameter or field without a default (like ``EMPTY``)."""

# Plain classes rather than dataclasses: every import costs plug-in start-up time.


class ParamSpec:
    """One parameter as the engine sees it."""

    __slots__ = ("default", "description", "enum", "enum_class", "items", "kind", "maximum",
                 "minimum", "name", "required")

    def __init__(self, name: str, kind: str, description: str = "", required: bool = True,
                 default: Any = None, enum: tuple[Any, ...] | None = None,
                 items: str | None = None, minimum: float | None = None,
                 maximum: float | None = None, enum_class: type[Enum] | None = None) -> None:
        self.name = name
        self.kind = kind  # string | integer | number | boolean | array | object | any
        self.description = description
        self.required = required
        self.default = default
        self.enum = enum
        self.items = items
        self.minimum = minimum
        self.maximum = maximum
        self.enum_class = enum_class

    def __repr__(self) -> str:
        return f"ParamSpec({self.name!r}, {self.kind!r}, required={self.required!r})"

    def manifest_entry(self) -> dict[str, Any]:
        """The flat ``properties`` entry of the manifest."""
        from ._schema import param_entry  # manifests are written by the CLI, not at start-up

        return param_entry(self)


class CommandSpec:
    """A registered command: what the manifest says and how to call the handler."""

    __slots__ = ("accepts_extra", "by_name", "context_as_list", "context_param", "description",
                 "is_async", "name", "params", "private",
                 "system_info_param", "tags")

    def __init__(self, name: str, description: str, tags: tuple[str, ...],
                 params: tuple[ParamSpec, ...], context_param: str | None = None,
                 context_as_list: bool = False, system_info_param: str | None = None,
                 is_async: bool = False, accepts_extra: bool = False,
                 private: tuple[str, ...] = ()) -> None:
        self.name = name
        self.description = description
        self.tags = tags
        self.params = params
        self.context_param = context_param
        self.context_as_list = context_as_list
        self.system_info_param = system_info_param
        self.is_async = is_async
        self.accepts_extra = accepts_extra
        self.private = private  # ``_``-parameters with defaults: never bound from the engine
        self.by_name = {p.name: p for p in params}

    def __repr__(self) -> str:
        return f"CommandSpec({self.name!r}, params={[p.name for p in self.params]!r})"

    def manifest_entry(self) -> dict[str, Any]:
        """The manifest's ``functions`` entry (flat form, stable key order)."""
        from ._schema import command_entry

        return command_entry(self)

    def bind(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Validate and coerce the engine's arguments into handler keyword arguments.

        Raises:
            InvalidParams: With one readable sentence per problem.
        """
        from ._coerce import bind_arguments  # loaded with the first call, not at start-up

        return bind_arguments(self, arguments)


# -- the one rule for booleans written as text -----------------------------------------

_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def parse_bool(text: str) -> bool | None:
    """The boolean a word means (``yes``/``no``, ``on``/``off``, ``1``/``0`` …), or None.

    The one rule for booleans written as text: the runtime applies it to arguments
    and the emulator to ``key=value`` words, so the two accept the same words.
    """
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


# -- introspection --------------------------------------------------------------------

_SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object"}
_BUILTIN_TYPES = ("str", "int", "float", "bool", "list", "dict")
# The JSON Schema names an author may write for the Python type.
_SCHEMA_NAMES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool",
                 "array": "list", "object": "dict", "double": "float", "text": "str"}


def type_name_hint(name: str) -> str:
    """``"; did you mean `str`?"`` when ``name`` looks like a builtin type's name, else ``""``.

    Args:
        name: A type name as written in a hint (``string``, ``"String"``, ``Int``).
    """
    lowered = name.strip().lower()
    if lowered in _BUILTIN_TYPES and lowered != name:
        return f"; did you mean `{lowered}`?"
    match = _SCHEMA_NAMES.get(lowered)
    if match is None:
        import difflib  # only a registration error pays for it

        close = difflib.get_close_matches(lowered, _BUILTIN_TYPES, n=1, cutoff=0.75)
        match = close[0] if close else None
    return f"; did you mean `{match}`?" if match and match != name else ""


def _cleandoc(doc: str) -> str:
    """Docstring text without its common indentation (what ``inspect.cleandoc`` does)."""
    lines = doc.expandtabs().splitlines()
    rest = [line for line in lines[1:] if line.strip()]
    margin = min((len(line) - len(line.lstrip()) for line in rest), default=0)
    cleaned = [lines[0].strip()] + [line[margin:].rstrip() for line in lines[1:]]
    return "\n".join(cleaned).strip("\n")


class _Param:
    __slots__ = ("default", "kind", "name")

    def __init__(self, name: str, kind: str, default: Any) -> None:
        self.name = name
        self.kind = kind  # "positional_only" | "normal" | "var_positional" | "var_keyword"
        self.default = default


def _signature(func: Callable[..., Any]) -> tuple[list[_Param], bool]:
    """Parameters and whether ``func`` is a coroutine function.

    Read from the code object, which is all plain functions need and avoids
    importing :mod:`inspect` at start-up; other callables fall back to it.
    """
    target = func
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    code = getattr(target, "__code__", None)
    if code is None or not isinstance(target, types.FunctionType):
        import inspect

        kinds: dict[Any, str] = {inspect.Parameter.POSITIONAL_ONLY: "positional_only",
                                 inspect.Parameter.VAR_POSITIONAL: "var_positional",
                                 inspect.Parameter.VAR_KEYWORD: "var_keyword"}
        params = []
        for p in inspect.signature(func).parameters.values():
            kind = kinds.get(p.kind, "normal")
            params.append(_Param(p.name, kind, EMPTY if p.default is p.empty else p.default))
        return params, inspect.iscoroutinefunction(func)
    names = code.co_varnames
    positional = code.co_argcount
    keyword_only = code.co_kwonlyargcount
    defaults = target.__defaults__ or ()
    kwdefaults = target.__kwdefaults__ or {}
    result: list[_Param] = []
    first_default = positional - len(defaults)
    for index in range(positional):
        default = defaults[index - first_default] if index >= first_default else EMPTY
        kind = "positional_only" if index < code.co_posonlyargcount else "normal"
        result.append(_Param(names[index], kind, default))
    cursor = positional
    if code.co_flags & _CO_VARARGS:
        result.append(_Param(names[positional + keyword_only], "var_positional", EMPTY))
    for index in range(cursor, cursor + keyword_only):
        result.append(_Param(names[index], "normal", kwdefaults.get(names[index], EMPTY)))
    if code.co_flags & _CO_VARKEYWORDS:
        extra = positional + keyword_only + (1 if code.co_flags & _CO_VARARGS else 0)
        result.append(_Param(names[extra], "var_keyword", EMPTY))
    return result, bool(code.co_flags & _CO_COROUTINE)


# Read by hand rather than with regular expressions: compiling three patterns
# would cost more of a plug-in's start-up than reading every docstring it has.
_ARGS_HEADINGS = frozenset({"Args:", "Arguments:", "Parameters:", "Params:"})
_HEADING_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ")


def _is_heading(text: str) -> bool:
    """``Returns:``, ``Raises:``...: an ASCII capital, letters and spaces, a colon."""
    return (len(text) > 1 and text[-1] == ":" and "A" <= text[0] <= "Z"
            and all(c in _HEADING_CHARS for c in text[1:-1]))


def _arg_item(text: str) -> tuple[str, str] | None:
    """``name (type): description`` (``*args``/``**kwargs`` too) as (name, description)."""
    start = 0
    while start < 2 and text[start:start + 1] == "*":
        start += 1
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    if end == start:
        return None
    rest = text[end:].lstrip()
    if rest[:1] == "(":
        close = rest.find(")")
        if close < 0:
            return None
        rest = rest[close + 1:].lstrip()
    if rest[:1] != ":":
        return None
    return text[start:end], rest[1:].strip()


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Summary paragraph and ``Args:`` descriptions of a Google-style docstring."""
    if not doc:
        return "", {}
    lines = _cleandoc(doc).splitlines()
    summary: list[str] = []
    for line in lines:
        if not line.strip():
            break
        summary.append(line.strip())
    args: dict[str, str] = {}
    in_args = False
    current: str | None = None
    base_indent = 0
    for line in lines:
        stripped = line.strip()
        if stripped in _ARGS_HEADINGS:
            in_args, current = True, None
            continue
        if not in_args:
            continue
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0 and _is_heading(stripped):
            in_args = False  # the next section (Returns:, Raises:, ...)
            continue
        item = _arg_item(stripped)
        if item is not None and (current is None or indent <= base_indent):
            current, base_indent = item[0], indent
            args[current] = item[1]
        elif current is not None:
            args[current] = (args[current] + " " + stripped).strip()
    return " ".join(summary), args


def _is_context_type(tp: Any) -> bool:
    # Until something imports Context's module no class can derive from it, so the
    # check need not import it (a plug-in that never names Context starts sooner).
    context = sys.modules.get(f"{__package__}._context")
    return context is not None and isinstance(tp, type) and issubclass(tp, context.Context)


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], optional
        raise TypeError(f"unions other than Optional[T] are not supported ({tp!r})")
    return tp, False


def _param_from_hint(func_name: str, name: str, hint: Any, default: Any,
                     doc_description: str) -> ParamSpec:
    description_parts: list[str] = []
    minimum = maximum = None
    if typing.get_origin(hint) is typing.Annotated:
        from ._hints import annotation_metadata  # only hints that carry metadata need it

        hint, description_parts, minimum, maximum = annotation_metadata(hint)
    try:
        hint, optional = _unwrap_optional(hint)
    except TypeError as exc:
        raise RegistrationError(f"{func_name}(): parameter {name!r}: {exc}") from None
    if typing.get_origin(hint) is typing.Annotated:
        return _param_from_hint(func_name, name, hint, default, doc_description)
    has_default = default is not EMPTY
    required = not has_default and not optional
    description = " ".join(description_parts) or doc_description
    common: dict[str, Any] = {"name": name, "description": description, "required": required,
                              "default": default if has_default else None,
                              "minimum": minimum, "maximum": maximum}
    if hint is EMPTY or hint is Any:
        return ParamSpec(kind="any", **common)
    if hint in _SIMPLE:
        kind = _SIMPLE[hint]
        if (minimum is not None or maximum is not None) and kind not in ("integer", "number"):
            raise RegistrationError(f"{func_name}(): parameter {name!r}: Range applies to "
                                    "int and float only")
        return ParamSpec(kind=kind, **common)
    from ._hints import param_of_rich_type  # Enum, Literal and list hints

    return param_of_rich_type(func_name, name, hint, common)


def inspect_command(func: Callable[..., Any], *, name: str | None = None,
                    description: str | None = None, tags: typing.Iterable[str] = ()) -> CommandSpec:
    """Build the model of a command from its function.

    Raises:
        RegistrationError: The function cannot be served as a command; the
            message names it and says what to change.
    """
    if not callable(func):
        raise RegistrationError(f"@command must decorate a function, got {func!r}")
    func_name = getattr(func, "__name__", repr(func))
    if func_name == "<lambda>" and name is None:
        raise RegistrationError("a lambda cannot be a command: give it a name with def")
    command_name = name or func_name
    if not _NAME.match(command_name):
        raise RegistrationError(f"{func_name}(): command name {command_name!r} must start with a "
                                "letter and contain only letters, digits and underscores")
    if command_name.lower().startswith(RESERVED_PREFIX):
        raise RegistrationError(f"{func_name}(): command names starting with {RESERVED_PREFIX!r} "
                                "are reserved by the G-Assist engine")
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception as exc:
        unknown = getattr(exc, "name", None) if isinstance(exc, NameError) else None
        hint = type_name_hint(unknown) if isinstance(unknown, str) else ""
        raise RegistrationError(
            f"{func_name}(): cannot resolve its type hints: {exc}{hint}") from None
    summary, arg_docs = parse_docstring(getattr(func, "__doc__", None))
    params: list[ParamSpec] = []
    private: list[str] = []
    context_param = system_info_param = None
    context_as_list = accepts_extra = False
    parameters, is_async = _signature(func)
    for param in parameters:
        if param.kind == "var_positional":
            raise RegistrationError(f"{func_name}(): *{param.name} is not supported; the engine "
                                    "passes arguments by name")
        if param.kind == "var_keyword":
            accepts_extra = True
            continue
        if param.kind == "positional_only":
            raise RegistrationError(f"{func_name}(): positional-only parameter {param.name!r} "
                                    "cannot receive named arguments")
        hint = hints.get(param.name, EMPTY)
        base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
        try:
            base = _unwrap_optional(base)[0]
        except TypeError as exc:
            raise RegistrationError(f"{func_name}(): parameter {param.name!r}: {exc}") from None
        if _is_context_type(base) or (param.name == "context" and hint is EMPTY):
            context_param = param.name
            continue
        if param.name == "context" and (base is list or typing.get_origin(base) is list):
            context_param, context_as_list = param.name, True
            continue
        if param.name == "system_info":
            system_info_param = param.name
            continue
        if param.name.startswith("_"):
            # NVIDIA's examples mark calls a plug-in makes itself this way
            # (``_from_pending: bool = False``): private, the default is all the engine gets.
            if param.default is EMPTY:
                raise RegistrationError(
                    f"{func_name}(): parameter {param.name!r} starts with '_', so the engine "
                    "never sets it, and it has no default, so no call could fill it: give it "
                    "a default to keep it private, or rename it")
            private.append(param.name)
            continue
        params.append(_param_from_hint(func_name, param.name, hint, param.default,
                                       arg_docs.get(param.name, "")))
    if description is None:
        description = summary
    if not description:
        # NVIDIA-style handlers often have no docstring; the model still needs words.
        description = command_name.replace("_", " ").capitalize()
    return CommandSpec(
        name=command_name,
        description=description,
        tags=tuple(tags),
        params=tuple(params),
        context_param=context_param,
        context_as_list=context_as_list,
        system_info_param=system_info_param,
        is_async=is_async,
        accepts_extra=accepts_extra,
        private=tuple(private),
    )
