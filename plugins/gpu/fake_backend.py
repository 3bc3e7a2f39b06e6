# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A scenario fake of :class:`backend.GpuBackend`: GPUs described in JSON, no driver needed.

Tests and demos use it, and so does anyone who sets ``"backend": "fake"`` in config.json
(with no ``fake_scenario`` it plays :data:`DEFAULT_SCENARIO`, one GeForce-like board).
Every write is recorded in :attr:`ScenarioBackend.writes`, logged, and changes what later
reads return. A scenario file::

    {"gpus": [{
        "name": "NVIDIA GeForce RTX 4080",
        "temperature_c": 54,
        "utilization": {"gpu": 37, "memory": 21},
        "memory_mib": {"used": 3120, "total": 16376},
        "clocks_mhz": {"graphics": 2505, "sm": 2505, "memory": 11201},
        "max_clocks_mhz": {"graphics": 3105, "sm": 3105, "memory": 11201},
        "power_w": {"draw": 128.4, "limit": 320, "min": 150, "max": 360, "default": 320},
        "fans": [38, 40],
        "fan_range": [30, 100],
        "pstate": 2,
        "clock_event_reasons": ["sw_power_cap"],
        "unsupported": ["lock_gpu_clocks"],
        "faults": {"set_power_limit": "no_permission",
                   "temperature": {"error": "gpu_lost", "times": 1}},
        "ignore_writes": ["set_fan_speed"]
    }]}

A value left out is one the board does not report (its read answers NotSupported; leave
out ``fans`` for a board without fan control, as datacenter boards are). ``unsupported``
makes named backend methods answer NotSupported; ``faults`` makes a method raise
``not_supported``, ``no_permission`` or ``gpu_lost`` (every time, or ``times`` times,
after the first ``after`` calls succeeded);
``ignore_writes`` names writes the board accepts without changing anything (so the
read-back shows the old value).
"""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

from backend import (
    CLOCK_KINDS,
    READ_METHODS,
    WRITE_METHODS,
    GpuError,
    GpuLost,
    NoPermission,
    NotSupported,
)

__all__ = ["DEFAULT_SCENARIO", "EVENT_REASON_BITS", "ScenarioBackend", "ScenarioError"]

log = logging.getLogger("gassist.gpu.fake")

#: Names a scenario's ``clock_event_reasons`` may use, and NVML's bit for each.
EVENT_REASON_BITS = {
    "gpu_idle": 0x1, "applications_clocks_setting": 0x2, "sw_power_cap": 0x4,
    "hw_slowdown": 0x8, "sync_boost": 0x10, "sw_thermal_slowdown": 0x20,
    "hw_thermal_slowdown": 0x40, "hw_power_brake_slowdown": 0x80,
    "display_clock_setting": 0x100,
}
_FAULTS = {"not_supported": (NotSupported, "Not Supported"),
           "no_permission": (NoPermission, "Insufficient Permissions"),
           "gpu_lost": (GpuLost, "GPU is lost")}

#: What ``backend: fake`` plays without a scenario file: a GeForce-like board with fans.
DEFAULT_SCENARIO: dict[str, Any] = {"gpus": [{
    "name": "Fake NVIDIA GeForce RTX 4080",
    "temperature_c": 54,
    "utilization": {"gpu": 37, "memory": 21},
    "memory_mib": {"used": 3120, "total": 16376},
    "clocks_mhz": {"graphics": 2505, "sm": 2505, "memory": 11201},
    "max_clocks_mhz": {"graphics": 3105, "sm": 3105, "memory": 11201},
    "power_w": {"draw": 128.4, "limit": 320, "min": 150, "max": 360, "default": 320},
    "fans": [38, 40],
    "fan_range": [30, 100],
    "pstate": 2,
    "clock_event_reasons": ["sw_power_cap"],
}]}


class ScenarioError(GpuError):
    """The scenario file is missing or malformed; the text says where."""


def _check_scenario(scenario: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(scenario, dict) or not isinstance(scenario.get("gpus"), list) \
            or not scenario["gpus"]:
        raise ScenarioError(f"{where} must be a JSON object with a non-empty list \"gpus\"")
    for number, board in enumerate(scenario["gpus"]):
        if not isinstance(board, dict) or not isinstance(board.get("name"), str):
            raise ScenarioError(f"{where}: gpus[{number}] must be an object with a \"name\"")
        faults = board.get("faults", {})
        for method, fault in faults.items():
            kind = fault.get("error") if isinstance(fault, dict) else fault
            if kind not in _FAULTS:
                raise ScenarioError(f"{where}: gpus[{number}].faults.{method} must be one of "
                                    f"{', '.join(_FAULTS)}, not {kind!r}")
        for reason in board.get("clock_event_reasons", []):
            if reason not in EVENT_REASON_BITS:
                raise ScenarioError(f"{where}: gpus[{number}]: unknown clock event reason "
                                    f"{reason!r} (known: {', '.join(EVENT_REASON_BITS)})")
        named = [*board.get("unsupported", []), *faults, *board.get("ignore_writes", [])]
        unknown = sorted(set(named) - READ_METHODS - WRITE_METHODS)
        if unknown:
            raise ScenarioError(f"{where}: gpus[{number}] names no such backend call: "
                                f"{', '.join(unknown)}")
    return copy.deepcopy(scenario["gpus"])


class ScenarioBackend:
    """:class:`backend.GpuBackend` playing a scenario; see the module docstring."""

    def __init__(self, scenario: dict[str, Any] | None = None, *, source: str = "scenario"):
        self.source = source
        self._boards = _check_scenario(DEFAULT_SCENARIO if scenario is None else scenario,
                                       source)
        self._factory = copy.deepcopy(self._boards)
        #: Every write, in order: {"call": ..., "gpu": ..., plus its arguments}.
        self.writes: list[dict[str, Any]] = []

    @classmethod
    def from_file(cls, path: str | Path) -> ScenarioBackend:
        """The scenario in ``path`` (JSON); :class:`ScenarioError` says what is wrong."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ScenarioError(f"cannot read the fake scenario {path} "
                                f"({exc.strerror or exc})") from None
        try:
            scenario = json.loads(text)
        except ValueError as exc:
            raise ScenarioError(f"the fake scenario {path} is not valid JSON: {exc}") from None
        return cls(scenario, source=str(path))

    def _board(self, gpu: int, method: str) -> dict[str, Any]:
        if not 0 <= gpu < len(self._boards):
            raise GpuError("Invalid Argument")
        board = self._boards[gpu]
        fault = board.get("faults", {}).get(method)
        if isinstance(fault, dict) and fault.get("after", 0) > 0:
            fault["after"] -= 1  # this call still succeeds
            fault = None
        if fault is not None:
            kind = fault.get("error") if isinstance(fault, dict) else fault
            if isinstance(fault, dict) and "times" in fault:
                fault["times"] -= 1
                if fault["times"] <= 0:
                    del board["faults"][method]
            error, text = _FAULTS[kind]
            raise error(text)
        if method in board.get("unsupported", []):
            raise NotSupported("Not Supported")
        return board

    @staticmethod
    def _value(board: dict[str, Any], *keys: str | int) -> Any:
        value: Any = board
        for key in keys:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                raise NotSupported("Not Supported") from None
        return value

    def _record(self, call: str, gpu: int, **arguments: Any) -> bool:
        """Record a write; False when the board ignores it."""
        self.writes.append({"call": call, "gpu": gpu, **arguments})
        shown = " ".join(f"{key}={value}" for key, value in arguments.items())
        log.info("fake GPU %d: %s %s", gpu, call, shown)
        return call not in self._boards[gpu].get("ignore_writes", [])

    def open(self) -> None:
        return None

    def count(self) -> int:
        return len(self._boards)

    def name(self, gpu: int) -> str:
        return str(self._board(gpu, "name")["name"])

    def temperature(self, gpu: int) -> int:
        return int(self._value(self._board(gpu, "temperature"), "temperature_c"))

    def utilization(self, gpu: int) -> tuple[int, int]:
        rates = self._value(self._board(gpu, "utilization"), "utilization")
        return int(self._value(rates, "gpu")), int(self._value(rates, "memory"))

    def memory(self, gpu: int) -> tuple[int, int]:
        mib = self._value(self._board(gpu, "memory"), "memory_mib")
        return (int(self._value(mib, "used")) * 2**20, int(self._value(mib, "total")) * 2**20)

    def clock(self, gpu: int, kind: str) -> int:
        return int(self._value(self._board(gpu, "clock"), "clocks_mhz", kind))

    def max_clock(self, gpu: int, kind: str) -> int:
        return int(self._value(self._board(gpu, "max_clock"), "max_clocks_mhz", kind))

    def power_draw(self, gpu: int) -> float:
        return float(self._value(self._board(gpu, "power_draw"), "power_w", "draw"))

    def power_limit(self, gpu: int) -> float:
        return float(self._value(self._board(gpu, "power_limit"), "power_w", "limit"))

    def power_limit_range(self, gpu: int) -> tuple[float, float]:
        board = self._board(gpu, "power_limit_range")
        return (float(self._value(board, "power_w", "min")),
                float(self._value(board, "power_w", "max")))

    def default_power_limit(self, gpu: int) -> float:
        return float(self._value(self._board(gpu, "default_power_limit"), "power_w", "default"))

    def fan_count(self, gpu: int) -> int:
        return len(self._value(self._board(gpu, "fan_count"), "fans"))

    def fan_speed(self, gpu: int, fan: int) -> int:
        return int(self._value(self._board(gpu, "fan_speed"), "fans", fan))

    def fan_target(self, gpu: int, fan: int) -> int:
        return int(self._value(self._board(gpu, "fan_target"), "fans", fan))

    def fan_speed_range(self, gpu: int) -> tuple[int, int]:
        low, high = self._value(self._board(gpu, "fan_speed_range"), "fan_range")
        return int(low), int(high)

    def performance_state(self, gpu: int) -> int:
        return int(self._value(self._board(gpu, "performance_state"), "pstate"))

    def clock_event_reasons(self, gpu: int) -> int:
        reasons = self._value(self._board(gpu, "clock_event_reasons"), "clock_event_reasons")
        mask = 0
        for reason in reasons:
            mask |= EVENT_REASON_BITS[reason]
        return mask

    def set_power_limit(self, gpu: int, watts: float) -> None:
        board = self._board(gpu, "set_power_limit")
        low, high = self._value(board, "power_w", "min"), self._value(board, "power_w", "max")
        if not low <= watts <= high:
            raise GpuError("Invalid Argument")
        if self._record("set_power_limit", gpu, watts=watts):
            board["power_w"]["limit"] = watts

    def lock_gpu_clocks(self, gpu: int, min_mhz: int, max_mhz: int) -> None:
        board = self._board(gpu, "lock_gpu_clocks")
        if min_mhz > max_mhz:
            raise GpuError("Invalid Argument")
        if self._record("lock_gpu_clocks", gpu, min_mhz=min_mhz, max_mhz=max_mhz):
            factory = self._factory[gpu].get("clocks_mhz", {})
            for kind in ("graphics", "sm"):
                if kind in factory:
                    board["clocks_mhz"][kind] = min(max(factory[kind], min_mhz), max_mhz)

    def reset_gpu_clocks(self, gpu: int) -> None:
        board = self._board(gpu, "reset_gpu_clocks")
        if self._record("reset_gpu_clocks", gpu):
            factory = self._factory[gpu].get("clocks_mhz", {})
            for kind in CLOCK_KINDS:
                if kind in factory:
                    board["clocks_mhz"][kind] = factory[kind]

    def set_fan_speed(self, gpu: int, fan: int, percent: int) -> None:
        board = self._board(gpu, "set_fan_speed")
        self._value(board, "fans", fan)
        if self._record("set_fan_speed", gpu, fan=fan, percent=percent):
            board["fans"][fan] = percent

    def set_default_fan_speed(self, gpu: int, fan: int) -> None:
        board = self._board(gpu, "set_default_fan_speed")
        self._value(board, "fans", fan)
        if self._record("set_default_fan_speed", gpu, fan=fan):
            board["fans"][fan] = self._factory[gpu]["fans"][fan]
