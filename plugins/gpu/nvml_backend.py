# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The real backend: NVML through ``pynvml`` (PyPI package nvidia-ml-py).

``pynvml`` is imported on :meth:`NvmlBackend.open`, never at import time, so the plug-in
starts (and prints its manifest) without it. NVML speaks milliwatts; this backend speaks
watts. Every ``pynvml.NVMLError`` becomes one of :mod:`backend`'s errors.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from backend import GpuError, GpuLost, NoDriver, NoPermission, NotSupported

__all__ = ["NvmlBackend"]

log = logging.getLogger("gassist.gpu.nvml")
T = TypeVar("T")

# NVML return codes (nvml.h), so that mapping an error needs no attribute of pynvml.
_NOT_SUPPORTED, _NO_PERMISSION, _DRIVER_NOT_LOADED = 3, 4, 9
_LIBRARY_NOT_FOUND, _FUNCTION_NOT_FOUND, _GPU_IS_LOST = 12, 13, 15
_ARGUMENT_VERSION_MISMATCH, _DEPRECATED = 25, 26
# A newer call the driver lacks: fall back to the older one.
_FALL_BACK = (_FUNCTION_NOT_FOUND, _ARGUMENT_VERSION_MISMATCH, _DEPRECATED, _NOT_SUPPORTED)
_CLOCK_IDS = {"graphics": 0, "sm": 1, "memory": 2}  # NVML_CLOCK_GRAPHICS / _SM / _MEM
_TEMPERATURE_GPU = 0


def _translate(exc: Exception) -> GpuError:
    code = getattr(exc, "value", None)
    text = str(exc) or type(exc).__name__
    if code in (_LIBRARY_NOT_FOUND, _DRIVER_NOT_LOADED):
        return NoDriver(text)
    if code in (_NOT_SUPPORTED, _FUNCTION_NOT_FOUND):
        return NotSupported(text)
    if code == _NO_PERMISSION:
        return NoPermission(text)
    if code == _GPU_IS_LOST:
        return GpuLost(text)
    return GpuError(text)


class NvmlBackend:
    """:class:`backend.GpuBackend` over NVML. One instance per process; NVML stays open."""

    def __init__(self, nvml: Any = None) -> None:
        # ``nvml`` lets tests hand in a stand-in module; real use imports pynvml.
        self._nvml = nvml
        self._handles: dict[int, Any] = {}
        self._opened = False
        self._lock = threading.Lock()

    def _call(self, function: str, *args: Any) -> Any:
        nvml = self._nvml
        try:
            return getattr(nvml, function)(*args)
        except nvml.NVMLError as exc:
            raise _translate(exc) from None

    def _with_fallback(self, newer: str, older: str, *args: Any) -> Any:
        """``newer(*args)``, or ``older(*args)`` when this pynvml or driver lacks ``newer``."""
        nvml = self._nvml
        call: Callable[..., Any] | None = getattr(nvml, newer, None)
        if call is not None:
            try:
                return call(*args)
            except nvml.NVMLError as exc:
                if getattr(exc, "value", None) not in _FALL_BACK:
                    raise _translate(exc) from None
                log.debug("%s failed (%s); using %s", newer, exc, older)
        return self._call(older, *args)

    def open(self) -> None:
        with self._lock:
            if self._opened:
                return
            if self._nvml is None:
                try:
                    import pynvml
                except ImportError as exc:
                    raise GpuError("the nvidia-ml-py package is not installed "
                                   "(pip install nvidia-ml-py)") from exc
                self._nvml = pynvml
            nvml = self._nvml
            try:
                nvml.nvmlInit()
            except nvml.NVMLError as exc:
                raise _translate(exc) from None
            except OSError as exc:  # a broken library file, seen as an OS error
                raise NoDriver(str(exc)) from None
            self._opened = True
            try:
                version = self._call("nvmlSystemGetDriverVersion")
                log.info("NVML open, driver %s", version)
            except GpuError:
                log.info("NVML open")

    def _handle(self, gpu: int) -> Any:
        if gpu not in self._handles:
            self._handles[gpu] = self._call("nvmlDeviceGetHandleByIndex", gpu)
        return self._handles[gpu]

    def count(self) -> int:
        return int(self._call("nvmlDeviceGetCount"))

    def name(self, gpu: int) -> str:
        name = self._call("nvmlDeviceGetName", self._handle(gpu))
        return name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)

    def temperature(self, gpu: int) -> int:
        # nvmlDeviceGetTemperature is deprecated (removed in CUDA 14); drivers before
        # the V call still need it.
        return int(self._with_fallback("nvmlDeviceGetTemperatureV", "nvmlDeviceGetTemperature",
                                       self._handle(gpu), _TEMPERATURE_GPU))

    def utilization(self, gpu: int) -> tuple[int, int]:
        rates = self._call("nvmlDeviceGetUtilizationRates", self._handle(gpu))
        return int(rates.gpu), int(rates.memory)

    def memory(self, gpu: int) -> tuple[int, int]:
        info = self._call("nvmlDeviceGetMemoryInfo", self._handle(gpu))
        return int(info.used), int(info.total)

    def clock(self, gpu: int, kind: str) -> int:
        return int(self._call("nvmlDeviceGetClockInfo", self._handle(gpu), _CLOCK_IDS[kind]))

    def max_clock(self, gpu: int, kind: str) -> int:
        return int(self._call("nvmlDeviceGetMaxClockInfo", self._handle(gpu), _CLOCK_IDS[kind]))

    def power_draw(self, gpu: int) -> float:
        return self._call("nvmlDeviceGetPowerUsage", self._handle(gpu)) / 1000.0

    def power_limit(self, gpu: int) -> float:
        return self._call("nvmlDeviceGetPowerManagementLimit", self._handle(gpu)) / 1000.0

    def power_limit_range(self, gpu: int) -> tuple[float, float]:
        low, high = self._call("nvmlDeviceGetPowerManagementLimitConstraints",
                               self._handle(gpu))
        return low / 1000.0, high / 1000.0

    def default_power_limit(self, gpu: int) -> float:
        return self._call("nvmlDeviceGetPowerManagementDefaultLimit", self._handle(gpu)) / 1000.0

    def fan_count(self, gpu: int) -> int:
        return int(self._call("nvmlDeviceGetNumFans", self._handle(gpu)))

    def fan_speed(self, gpu: int, fan: int) -> int:
        return int(self._call("nvmlDeviceGetFanSpeed_v2", self._handle(gpu), fan))

    def fan_target(self, gpu: int, fan: int) -> int:
        return int(self._with_fallback("nvmlDeviceGetTargetFanSpeed", "nvmlDeviceGetFanSpeed_v2",
                                       self._handle(gpu), fan))

    def fan_speed_range(self, gpu: int) -> tuple[int, int]:
        low, high = self._call("nvmlDeviceGetMinMaxFanSpeed", self._handle(gpu))
        return int(low), int(high)

    def performance_state(self, gpu: int) -> int:
        return int(self._call("nvmlDeviceGetPerformanceState", self._handle(gpu)))

    def clock_event_reasons(self, gpu: int) -> int:
        # "Throttle reasons" were renamed "clocks event reasons"; the old call is deprecated.
        return int(self._with_fallback("nvmlDeviceGetCurrentClocksEventReasons",
                                       "nvmlDeviceGetCurrentClocksThrottleReasons",
                                       self._handle(gpu)))

    def set_power_limit(self, gpu: int, watts: float) -> None:
        self._call("nvmlDeviceSetPowerManagementLimit", self._handle(gpu),
                   round(watts * 1000))

    def lock_gpu_clocks(self, gpu: int, min_mhz: int, max_mhz: int) -> None:
        self._call("nvmlDeviceSetGpuLockedClocks", self._handle(gpu), min_mhz, max_mhz)

    def reset_gpu_clocks(self, gpu: int) -> None:
        self._call("nvmlDeviceResetGpuLockedClocks", self._handle(gpu))

    def set_fan_speed(self, gpu: int, fan: int, percent: int) -> None:
        self._call("nvmlDeviceSetFanSpeed_v2", self._handle(gpu), fan, percent)

    def set_default_fan_speed(self, gpu: int, fan: int) -> None:
        self._call("nvmlDeviceSetDefaultFanSpeed_v2", self._handle(gpu), fan)
