# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What NVIDIA's gassist_sdk examples do that ours must accept (issue 10, item 9)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from gassist_sdk import Plugin, RegistrationError
from gassist_sdk._errors import InvalidParams
from gassist_sdk._introspect import inspect_command
from gassist_sdk.testing import PluginClient


def test_a_private_parameter_with_a_default_is_never_advertised() -> None:
    def get_stock_price(ticker: str, _from_pending: bool = False) -> str:
        """Get a price."""
        return ticker

    spec = inspect_command(get_stock_price)
    assert [p.name for p in spec.params] == ["ticker"]
    assert list(spec.manifest_entry()["properties"]) == ["ticker"]
    assert spec.manifest_entry()["required"] == ["ticker"]


def test_a_private_parameter_without_a_default_says_to_give_it_one() -> None:
    def lookup(query: str, _cache) -> str:  # type: ignore[no-untyped-def]
        return query

    with pytest.raises(RegistrationError,
                       match=r"lookup\(\): parameter '_cache'.*give it a default"):
        inspect_command(lookup)


def _stock_plugin(tmp_path: Path) -> Plugin:
    plugin = Plugin("stocks", description="Quotes", plugin_dir=tmp_path)

    @plugin.command("get_stock_price")
    def get_stock_price(ticker: str, _from_pending: bool = False) -> str:
        return f"{ticker} pending={_from_pending}"

    @plugin.command("anything")
    def anything(_from_on_input: bool = False, **extra: Any) -> str:
        return f"{sorted(extra)} from_input={_from_on_input}"

    return plugin


@pytest.mark.parametrize("protocol", ["v2", "v1"])
def test_the_engine_cannot_set_a_private_parameter(tmp_path: Path, protocol: str) -> None:
    with PluginClient(_stock_plugin(tmp_path), protocol=protocol) as client:
        plain = client.call("get_stock_price", ticker="NVDA")
        assert (plain.success, plain.text) == (True, "NVDA pending=False")
        forced = client.call("get_stock_price", ticker="NVDA", _from_pending=True)
        assert (forced.success, forced.text) == (True, "NVDA pending=False")
        # Not through **kwargs either.
        extra = client.call("anything", colour="red", _from_on_input="yes")
        assert extra.text == "['colour'] from_input=False"


def _declaring(tmp_path: Path, properties: dict[str, Any]) -> Plugin:
    (tmp_path / "manifest.json").write_text(json.dumps({"functions": [
        {"name": "get_weather", "description": "Weather.", "properties": properties,
         "required": ["city"]}]}), encoding="utf-8")
    plugin = Plugin("weather", description="Weather", plugin_dir=tmp_path)

    @plugin.command("get_weather")
    def get_weather(city: str) -> str:
        return f"Sunny in {city}"

    return plugin


@pytest.mark.parametrize("protocol", ["v2", "v1"])
def test_an_argument_the_manifest_declares_but_the_code_ignores_is_dropped(
        tmp_path: Path, protocol: str, caplog: pytest.LogCaptureFixture) -> None:
    plugin = _declaring(tmp_path, {"city": {"type": "string"}, "units": {"type": "string"},
                                   "country ": {"type": "string"}})
    # The SDK's logger stops propagating once an in-process plug-in set up its fallback
    # handler (whichever earlier test did it first), so caplog listens on it directly.
    sdk_logger = logging.getLogger("gassist_sdk")
    sdk_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG, logger="gassist_sdk"), \
                PluginClient(plugin, protocol=protocol) as client:
            result = client.call("get_weather", city="Oslo", units="hunter2-metric",
                                 country="NO")
    finally:
        sdk_logger.removeHandler(caplog.handler)
    assert (result.success, result.text) == (True, "Sunny in Oslo")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "get_weather: dropped arguments 'units', 'country'" in logged
    assert "hunter2" not in logged


def test_an_argument_nobody_declares_is_dropped_as_nvidias_sdk_does(tmp_path: Path) -> None:
    with PluginClient(_declaring(tmp_path, {"city": {"type": "string"}})) as client:
        assert client.call("get_weather", city="Oslo", mood="sunny").success


@pytest.mark.parametrize(("sent", "received"), [(3, 3), (3.0, 3), ("3", 3), ("3.0", 3)])
def test_an_int_parameter_takes_the_whole_numbers_a_number_manifest_allows(
        sent: object, received: int) -> None:
    def top(count: int = 1) -> str:
        """Top."""
        return str(count)

    assert inspect_command(top).bind({"count": sent}) == {"count": received}


def test_an_int_parameter_refuses_a_fraction() -> None:
    def top(count: int = 1) -> str:
        """Top."""
        return str(count)

    with pytest.raises(InvalidParams, match=r"count must be an integer, got 3\.5"):
        inspect_command(top).bind({"count": 3.5})
