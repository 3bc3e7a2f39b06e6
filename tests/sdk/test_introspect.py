# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Introspection: signature + hints + docstring -> manifest entry and validator (table-driven)."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal, Optional

import pytest
from gassist_sdk import Context, Range, RegistrationError
from gassist_sdk._errors import InvalidParams
from gassist_sdk._introspect import inspect_command, parse_docstring


class Kind(enum.Enum):
    TRACK = "track"
    ALBUM = "album"


def f_str(name: str) -> None:
    """S."""


def f_int_default(count: int = 3) -> None:
    """S."""


def f_float(ratio: float) -> None:
    """S."""


def f_bool(flag: bool) -> None:
    """S."""


def f_list(names: list[str]) -> None:
    """S."""


def f_literal(mode: Literal["on", "off"]) -> None:
    """S."""


def f_enum(kind: Kind) -> None:
    """S."""


def f_optional(user: Optional[str]) -> None:  # noqa: UP045 - the old spelling on purpose
    """S."""


def f_union_none(user: str | None = None) -> None:
    """S."""


def f_annotated(volume: Annotated[int, "Volume level", Range(0, 100)]) -> None:
    """S."""


def f_docargs(query: str) -> None:
    """Search.

    Args:
        query: What to look for,
            over two lines.
    """


def f_untyped(content) -> None:
    """S."""


CASES = [
    (f_str, {"name": {"type": "string", "description": ""}}, ["name"]),
    (f_int_default, {"count": {"type": "integer", "description": ""}}, []),
    (f_float, {"ratio": {"type": "number", "description": ""}}, ["ratio"]),
    (f_bool, {"flag": {"type": "boolean", "description": ""}}, ["flag"]),
    (f_list, {"names": {"type": "array", "description": "", "items": {"type": "string"}}},
     ["names"]),
    (f_literal, {"mode": {"type": "string", "description": "", "enum": ["on", "off"]}},
     ["mode"]),
    (f_enum, {"kind": {"type": "string", "description": "", "enum": ["track", "album"]}},
     ["kind"]),
    (f_optional, {"user": {"type": "string", "description": ""}}, []),
    (f_union_none, {"user": {"type": "string", "description": ""}}, []),
    (f_annotated, {"volume": {"type": "integer", "description": "Volume level (0–100)"}},
     ["volume"]),
    (f_docargs, {"query": {"type": "string",
                           "description": "What to look for, over two lines."}}, ["query"]),
    (f_untyped, {"content": {"type": "string", "description": ""}}, ["content"]),
]


@pytest.mark.parametrize(("func", "properties", "required"), CASES,
                         ids=[c[0].__name__ for c in CASES])
def test_manifest_entry_from_signature(func: Any, properties: dict, required: list) -> None:
    entry = inspect_command(func).manifest_entry()
    assert entry["properties"] == properties
    assert entry["required"] == required


BIND_CASES = [
    (f_int_default, {"count": "5"}, {"count": 5}),
    (f_int_default, {"count": 5.0}, {"count": 5}),
    (f_int_default, {}, {}),
    (f_float, {"ratio": "0.5"}, {"ratio": 0.5}),
    (f_bool, {"flag": "TRUE"}, {"flag": True}),
    (f_bool, {"flag": "no"}, {"flag": False}),
    (f_bool, {"flag": 0}, {"flag": False}),
    (f_str, {"name": 42}, {"name": "42"}),
    (f_str, {"name ": "trailing space in the key"}, {"name": "trailing space in the key"}),
    # Issue 10: an argument the code does not take is dropped, as NVIDIA's SDK does.
    (f_str, {"name": "x", "other": 1}, {"name": "x"}),
    (f_list, {"names": "solo"}, {"names": ["solo"]}),
    (f_list, {"names": '["a", "b"]'}, {"names": ["a", "b"]}),
    (f_literal, {"mode": "ON"}, {"mode": "on"}),
    (f_enum, {"kind": "album"}, {"kind": Kind.ALBUM}),
    (f_optional, {"user": None}, {}),
    (f_annotated, {"volume": "100"}, {"volume": 100}),
]


@pytest.mark.parametrize(("func", "arguments", "expected"), BIND_CASES)
def test_bind_coerces_unambiguous_values(func: Any, arguments: dict, expected: dict) -> None:
    assert inspect_command(func).bind(arguments) == expected


REJECT_CASES = [
    (f_int_default, {"count": "loud"}, "count must be an integer, got 'loud'"),
    (f_int_default, {"count": True}, "count must be an integer, got True"),
    (f_int_default, {"count": 2.5}, "count must be an integer, got 2.5"),
    (f_float, {"ratio": "nan"}, "ratio must be a number"),
    (f_bool, {"flag": "maybe"}, "flag must be true or false, got 'maybe'"),
    (f_str, {}, "missing required argument 'name'"),
    (f_str, {"name": ["a"]}, "name must be a string"),
    (f_literal, {"mode": "auto"}, "mode must be one of 'on', 'off', got 'auto'"),
    (f_enum, {"kind": "song"}, "kind must be one of 'track', 'album', got 'song'"),
    (f_annotated, {"volume": "loud"}, "volume must be an integer 0–100, got 'loud'"),
    (f_annotated, {"volume": 101}, "volume must be an integer 0–100, got 101"),
]


@pytest.mark.parametrize(("func", "arguments", "message"), REJECT_CASES)
def test_bind_rejects_with_a_readable_message(func: Any, arguments: dict, message: str) -> None:
    with pytest.raises(InvalidParams) as caught:
        inspect_command(func).bind(arguments)
    assert message in caught.value.message
    assert caught.value.code == -32602


def test_context_and_system_info_are_injected_not_advertised() -> None:
    def by_annotation(query: str, ctx: Context) -> None:
        """S."""

    def nvidia(query: str, context: Context = None, system_info: str = "") -> None:  # type: ignore[assignment]
        """S."""

    def untyped_context(query: str, context=None) -> None:
        """S."""

    for func in (by_annotation, nvidia, untyped_context):
        spec = inspect_command(func)
        assert [p.name for p in spec.params] == ["query"]
        assert spec.context_param is not None
    assert inspect_command(nvidia).system_info_param == "system_info"


def test_name_description_and_tags() -> None:
    def play(song: str) -> None:
        """Play a song.

        Longer text that is not the summary.
        """

    spec = inspect_command(play, name="spotify_play", tags=("music", "write"))
    entry = spec.manifest_entry()
    assert entry["name"] == "spotify_play" and entry["description"] == "Play a song."
    assert entry["tags"] == ["music", "write"]
    assert list(entry) == ["name", "description", "tags", "properties", "required"]
    assert inspect_command(play, description="Custom").description == "Custom"


def test_undocumented_command_gets_a_readable_description() -> None:
    def say_hello(name: str = "World") -> str:
        return name

    assert inspect_command(say_hello).description == "Say hello"


class NotSupported:
    pass


def bad_args(*names: str) -> None:
    """S."""


def bad_type(thing: NotSupported) -> None:
    """S."""


def bad_private(_hidden: str) -> None:
    """S."""


def bad_union(x: int | str) -> None:
    """S."""


def bad_range(name: Annotated[str, Range(0, 1)]) -> None:
    """S."""


def rise_reserved() -> None:
    """S."""


def bad_nested(x: list[list[int]]) -> None:
    """S."""


@pytest.mark.parametrize(("func", "kwargs", "message"), [
    (bad_args, {}, "bad_args(): *names is not supported"),
    (bad_type, {}, "bad_type(): parameter 'thing' has unsupported type"),
    (bad_private, {}, "bad_private(): parameter '_hidden'"),
    (bad_union, {}, "bad_union(): parameter 'x'"),
    (bad_range, {}, "Range applies to int and float only"),
    (rise_reserved, {}, "reserved by the G-Assist engine"),
    (bad_nested, {}, "lists of lists"),
    (lambda: None, {}, "a lambda cannot be a command"),
    (f_str, {"name": "has space"}, "must start with a letter"),
])
def test_registration_fails_loudly_naming_the_function(func: Any, kwargs: dict,
                                                       message: str) -> None:
    with pytest.raises(RegistrationError) as caught:
        inspect_command(func, **kwargs)
    assert message in str(caught.value)


def test_parse_docstring_sections() -> None:
    summary, args = parse_docstring("""Do it.

    Args:
        a (int): First.
        b: Second
            continued.

    Returns:
        c: not an argument.
    """)
    assert summary == "Do it."
    assert args == {"a": "First.", "b": "Second continued."}


class Gt:
    """Shaped like annotated-types' Gt (a constraint object with a ``gt`` attribute)."""

    def __init__(self, gt: float) -> None:
        self.gt = gt


def test_exclusive_integer_bounds_become_inclusive() -> None:
    def f(count: Annotated[int, Gt(0)]) -> None:
        """S."""

    spec = inspect_command(f)
    assert spec.manifest_entry()["properties"]["count"]["description"] == "At least 1"
    with pytest.raises(InvalidParams, match="count must be an integer at least 1, got 0"):
        spec.bind({"count": 0})


def test_missing_and_invalid_are_reported_together() -> None:
    def f(speed: int, fan_id: int = 0) -> None:
        """S."""

    with pytest.raises(InvalidParams) as caught:
        inspect_command(f).bind({"colour": "red", "fan_id": "x"})
    message = caught.value.message
    assert "colour" not in message  # dropped: the code does not take it
    assert "fan_id must be an integer, got 'x'" in message
    assert "missing required argument 'speed'" in message
