# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Any argument value is either coerced or refused with a "must be" message: nothing escapes."""

from __future__ import annotations

import enum
import math

import pytest
from fixtures.hostile_peer import alive_v2, v2  # noqa: F401
from fixtures.wire import WirePeer
from gassist_sdk._coerce import coerce
from gassist_sdk._introspect import ParamSpec
from hypothesis import given, settings
from hypothesis import strategies as st


def test_float_parameter_given_a_400_digit_integer_is_refused_as_invalid_params(
        v2: WirePeer) -> None:  # noqa: F811
    _, final = v2.execute("scale", factor=10**400)
    assert final["method"] == "error" and final["params"]["code"] == -32602
    assert "factor must be a number" in final["params"]["message"]
    alive_v2(v2)


@pytest.mark.parametrize("value", ["9" * 5000, "1e400", "-1e999", "nan", "inf", "0x10",
                                   "1" * 4301, 1.5])
def test_integer_parameter_given_hostile_numbers_is_refused_as_invalid_params(
        v2: WirePeer, value: object) -> None:  # noqa: F811
    _, final = v2.execute("count", n=value)
    assert final["method"] == "error" and final["params"]["code"] == -32602, final
    message = final["params"]["message"]
    assert "n must be an integer" in message and len(message) < 300, message
    alive_v2(v2)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


SPECS = [
    ParamSpec("i", "integer"), ParamSpec("f", "number"), ParamSpec("b", "boolean"),
    ParamSpec("s", "string"), ParamSpec("o", "object"), ParamSpec("a", "array", items="integer"),
    ParamSpec("af", "array", items="number"), ParamSpec("e", "string", enum=("red", "blue"),
                                                       enum_class=Colour),
    ParamSpec("r", "integer", minimum=0, maximum=10), ParamSpec("rf", "number", minimum=0.5),
    ParamSpec("ai", "array", items="string", enum=("x", "y")),
]

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**300, max_value=10**600)
    | st.floats() | st.text()
    | st.sampled_from(["9" * 5000, "1e400", "nan", "-inf", "[1,", "[1e999]", "[" * 2000, " 12 ",
                       "true"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=12)


@settings(max_examples=2_000)
@given(st.sampled_from(SPECS), JSONISH)
def test_coerce_raises_only_value_error_with_a_short_must_be_message(spec: ParamSpec,
                                                                      value: object) -> None:
    try:
        result = coerce(spec, value)
    except ValueError as exc:
        text = str(exc)
        assert " must be " in text and len(text) < 400, text
    else:
        if spec.kind == "number":
            assert math.isfinite(result)


def test_coerce_refuses_a_list_nested_too_deeply() -> None:
    deep: list[object] = []
    for _ in range(50_000):
        deep = [deep]
    for spec in SPECS:
        try:
            coerce(spec, deep)
        except ValueError as exc:
            assert " must be " in str(exc)
