# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A fault inside the runtime itself still ends the call with one final answer."""

from __future__ import annotations

import pytest
from gassist_sdk import Plugin
from gassist_sdk._runner import Runner
from gassist_sdk.testing import PluginClient


def test_a_runtime_fault_during_a_call_is_answered_and_the_plugin_keeps_serving(
        monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = Plugin("faulty", description="Faulty")

    @plugin.command()
    def hello() -> str:
        """Say hello."""
        return "hello"

    real = Runner.execute
    faults = iter([True])

    def execute(self: Runner, request: object, job: object) -> None:
        if next(faults, False):
            raise RuntimeError("a bug in the runtime")
        real(self, request, job)  # type: ignore[arg-type]

    monkeypatch.setattr(Runner, "execute", execute)
    with PluginClient(plugin) as client:
        failed = client.call("hello")
        assert not failed.success
        assert failed.text == "the plug-in failed unexpectedly (RuntimeError); see its log"
        assert len([m for m in failed.messages if m.get("method") in ("complete", "error")]) == 1
        assert client.call("hello").text == "hello"
