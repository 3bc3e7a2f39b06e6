# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A mistyped builtin type name in a command's hints gets a "did you mean" at registration."""

from __future__ import annotations

from typing import Any

import pytest
from gassist_sdk import Plugin, RegistrationError
from gassist_sdk._introspect import type_name_hint


def _takes(annotation: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(  # a module written by an author: `from __future__ import annotations` + one command
        "from __future__ import annotations\n"
        f"def greet(name: {annotation}) -> str:\n"
        '    """Greets."""\n'
        "    return 'hi'\n",
        namespace,
    )
    return namespace["greet"]


@pytest.mark.parametrize(("annotation", "suggested"), [
    ("string", "str"),
    ("'String'", "str"),
    ("integer", "int"),
    ("Int", "int"),
    ("boolean", "bool"),
    ("number", "float"),
    ("flaot", "float"),
    ("strng", "str"),
    ("List", "list"),
])
def test_an_unknown_builtin_type_name_suggests_the_builtin(annotation: str,
                                                            suggested: str) -> None:
    plugin = Plugin("demo")
    with pytest.raises(RegistrationError) as caught:
        plugin.command(_takes(annotation))
    message = str(caught.value)
    assert message.startswith("greet(): cannot resolve its type hints")
    assert message.endswith(f"did you mean `{suggested}`?")


def test_an_unrelated_unknown_name_gets_no_guess() -> None:
    with pytest.raises(RegistrationError) as caught:
        Plugin("demo").command(_takes("Forecast"))
    assert "did you mean" not in str(caught.value)


class String:
    """An author's own class named like the builtin: unsupported, with the hint."""


def test_an_unsupported_class_named_like_a_builtin_suggests_it() -> None:
    def greet(name: String) -> str:
        """Greets."""
        return "hi"

    with pytest.raises(RegistrationError) as caught:
        Plugin("demo").command(greet)
    assert "has unsupported type" in str(caught.value)
    assert "did you mean `str`?" in str(caught.value)


@pytest.mark.parametrize(("written", "hint"), [
    ("str", ""), ("float", ""), ("Str", "; did you mean `str`?"), ("Weather", ""),
    ("array", "; did you mean `list`?"), ("object", "; did you mean `dict`?"),
])
def test_type_name_hint_table(written: str, hint: str) -> None:
    assert type_name_hint(written) == hint
