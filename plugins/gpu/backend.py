# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The small interface between the gpu commands and NVML, and the errors it raises.

Two backends implement :class:`GpuBackend`: :class:`nvml_backend.NvmlBackend` over
``pynvml`` (nvidia-ml-py) and :class:`fake_backend.ScenarioBackend`, a scenario fake for
tests and demos. Both speak in the units people use (°C, %, MHz, W, bytes) and raise only
the :class:`GpuError` family, so the commands never see a ``pynvml`` exception.
This module is standard library only: ``plugin.py --manifest`` imports it.
"""

from __future__ import annotations

from typing import Protocol

__all__ = [
    "CLOCK_KINDS",
    "READ_METHODS",
    "WRITE_METHODS",
    "GpuBackend",
    "GpuError",
    "GpuLost",
    "NoDriver",
    "NoPermission",
    "NotSupported",
    "ReadOnlyBackend",
    "WriteRefused",
]

#: The clock domains the commands read: graphics, SM (streaming multiprocessor), memory.
CLOCK_KINDS = ("graphics", "sm", "memory")


class GpuError(Exception):
    """A GPU call failed; ``str(err)`` is the driver's short reason (e.g. 'Not Supported')."""


class NotSupported(GpuError):
    """The board or driver does not offer this value or setting."""


class NoPermission(GpuError):
    """The driver refused: the process is not elevated (administrator / root)."""


class GpuLost(GpuError):
    """The GPU stopped answering (fell off the bus, crashed, was removed)."""


class NoDriver(GpuError):
    """No NVIDIA driver / NVML library on this machine."""


class WriteRefused(GpuError):
    """A read-only backend was asked to change a setting."""


class GpuBackend(Protocol):
    """What the commands need from a GPU library. GPUs are numbered from 0.

    Every read may raise :class:`NotSupported` / :class:`NoPermission` for one value,
    :class:`GpuLost` for a GPU that stopped answering, and :meth:`open` raises
    :class:`NoDriver` when there is no NVIDIA driver.
    """

    def open(self) -> None:
        """Connect to the driver (idempotent)."""

    def count(self) -> int:
        """How many GPUs there are."""

    def name(self, gpu: int) -> str:
        """The board's name, e.g. 'NVIDIA GeForce RTX 4080'."""

    def temperature(self, gpu: int) -> int:
        """Core temperature in °C."""

    def utilization(self, gpu: int) -> tuple[int, int]:
        """(GPU %, memory-controller %) over the last sample period."""

    def memory(self, gpu: int) -> tuple[int, int]:
        """(used, total) frame-buffer bytes."""

    def clock(self, gpu: int, kind: str) -> int:
        """Current clock of ``kind`` (one of :data:`CLOCK_KINDS`) in MHz."""

    def max_clock(self, gpu: int, kind: str) -> int:
        """Highest clock of ``kind`` the board runs at, in MHz."""

    def power_draw(self, gpu: int) -> float:
        """Board power draw in W."""

    def power_limit(self, gpu: int) -> float:
        """The power limit in force, in W."""

    def power_limit_range(self, gpu: int) -> tuple[float, float]:
        """(min, max) power limit the board accepts, in W."""

    def default_power_limit(self, gpu: int) -> float:
        """The factory power limit, in W."""

    def fan_count(self, gpu: int) -> int:
        """How many fans the board reports (0 for passively cooled boards)."""

    def fan_speed(self, gpu: int, fan: int) -> int:
        """A fan's current speed in % of its maximum."""

    def fan_target(self, gpu: int, fan: int) -> int:
        """The speed in % a fan is being driven to (what a write sets)."""

    def fan_speed_range(self, gpu: int) -> tuple[int, int]:
        """(min, max) % a fan may be set to."""

    def performance_state(self, gpu: int) -> int:
        """The performance state: 0 (P0, fastest) to 15 (P15, slowest)."""

    def clock_event_reasons(self, gpu: int) -> int:
        """Bit mask of why clocks are held down (NVML's clocks event reasons)."""

    def set_power_limit(self, gpu: int, watts: float) -> None:
        """Set the power limit (until reboot or driver reload)."""

    def lock_gpu_clocks(self, gpu: int, min_mhz: int, max_mhz: int) -> None:
        """Keep the graphics clock within [min_mhz, max_mhz]."""

    def reset_gpu_clocks(self, gpu: int) -> None:
        """Undo :meth:`lock_gpu_clocks`."""

    def set_fan_speed(self, gpu: int, fan: int, percent: int) -> None:
        """Drive a fan at a fixed speed (manual control)."""

    def set_default_fan_speed(self, gpu: int, fan: int) -> None:
        """Give a fan back to the driver's automatic control."""


WRITE_METHODS = frozenset({"set_power_limit", "lock_gpu_clocks", "reset_gpu_clocks",
                           "set_fan_speed", "set_default_fan_speed"})
READ_METHODS = frozenset({
    "open", "count", "name", "temperature", "utilization", "memory", "clock", "max_clock",
    "power_draw", "power_limit", "power_limit_range", "default_power_limit", "fan_count",
    "fan_speed", "fan_target", "fan_speed_range", "performance_state", "clock_event_reasons",
})


class ReadOnlyBackend:
    """Passes reads through to ``backend`` and refuses every write before it is made.

    Used by ``check_real_gpu.py``: on a shared machine nothing may change a setting.
    """

    def __init__(self, backend: GpuBackend) -> None:
        self._backend = backend
        self.refused: list[str] = []

    def __getattr__(self, name: str) -> object:
        if name in READ_METHODS:
            return getattr(self._backend, name)
        if name in WRITE_METHODS:
            def refuse(*_args: object, **_kwargs: object) -> None:
                self.refused.append(name)
                raise WriteRefused(f"{name} refused: this backend is read-only")
            return refuse
        raise AttributeError(name)
