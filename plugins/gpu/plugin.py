# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gpu — NVIDIA GPU status and safe tuning (power limit, clock lock, fans) through NVML.

Every change follows one shape: probe what the board allows, clamp to its reported limits
(saying so), describe the change and wait for the user's "yes", apply it, read it back and
report the value the driver now reports. ``dry_run`` describes instead of applying. The GPU
calls go through :mod:`backend` (NVML via ``nvml_backend``, or the scenario fake in
``fake_backend``), both imported on the first call so that start-up stays as fast as
``hello``'s. This file holds the settings and the commands the engine sees; what they do is in
:mod:`gpu_core`, imported by the first command (a script is compiled on every launch, and
the engine's plug-in folder is often read-only, so a long plugin.py costs start-up time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from gassist_sdk import Context, Plugin, Range, setting


@dataclass
class GpuConfig:
    """The settings in config.json (all optional)."""

    backend: Literal["nvml", "fake"] = setting(
        "nvml", description="Where GPU readings come from: nvml (the NVIDIA driver) or fake "
                            "(a simulated GPU, to try the plug-in safely)")
    fake_scenario: str = setting(
        "", description="With backend fake: a JSON file describing the simulated GPUs "
                        "(a path relative to the plug-in folder); empty plays a built-in "
                        "GeForce board with fans")
    dry_run: bool = setting(
        False, description="Describe every change instead of making it (nothing is written "
                           "to the GPU)")


plugin = Plugin(
    "gpu", version="1.0.0",
    description="Shows NVIDIA GPU status (temperature, load, memory, clocks, power, fans, "
                "throttling) and safely changes the power limit, clock lock and fan speed "
                "after you confirm.",
    config=GpuConfig,
)


@plugin.command(tags=("gpu", "graphics card", "status", "temperature", "hot", "usage", "load",
                      "vram", "memory", "clocks", "power", "fans", "throttling", "nvidia"))
def get_gpu_status(ctx: Context, gpu: Annotated[str | None, "Which GPU: its number (0, 1...) "
                                                "or part of its name; all GPUs when omitted"]
                   = None) -> str:
    """Show how the NVIDIA GPU is doing: temperature (how hot), usage, VRAM used, clocks, power
    draw and limit, fan speeds, performance state and what holds its clocks back (throttling)."""
    from gpu_core import get_gpu_status as run

    return run(ctx, gpu=gpu)


@plugin.command(tags=("gpu", "list", "graphics card", "nvidia"))
def list_gpus(ctx: Context) -> str:
    """List the NVIDIA GPUs in this PC with their numbers, memory, power limit and fans."""
    from gpu_core import list_gpus as run

    return run(ctx)


@plugin.command(tags=("gpu", "power limit", "watts", "tuning", "write"))
def set_gpu_power_limit(
    ctx: Context,
    watts: Annotated[float | None, "The new power limit in watts"] = None,
    percent: Annotated[float | None, "The new power limit in percent of the default limit"]
    = None,
    gpu: Annotated[str | None, "Which GPU: its number or part of its name"] = None,
) -> str:
    """Change the GPU's power limit (in watts or percent of the default), after confirmation."""
    from gpu_core import set_gpu_power_limit as run

    return run(ctx, watts=watts, percent=percent, gpu=gpu)


@plugin.command(tags=("gpu", "clocks", "lock", "tuning", "write"))
def lock_gpu_clocks(
    ctx: Context,
    min_mhz: Annotated[int, Range(min=0), "Lowest graphics clock in MHz"],
    max_mhz: Annotated[int, Range(min=1), "Highest graphics clock in MHz"],
    gpu: Annotated[str | None, "Which GPU: its number or part of its name"] = None,
) -> str:
    """Lock the GPU's graphics clock into a range (MHz), after confirmation."""
    from gpu_core import lock_gpu_clocks as run

    return run(ctx, min_mhz=min_mhz, max_mhz=max_mhz, gpu=gpu)


@plugin.command(tags=("gpu", "clocks", "unlock", "reset", "write"))
def reset_gpu_clocks(
    ctx: Context,
    gpu: Annotated[str | None, "Which GPU: its number or part of its name"] = None,
) -> str:
    """Unlock the GPU's graphics clock (undo a clock lock), after confirmation."""
    from gpu_core import reset_gpu_clocks as run

    return run(ctx, gpu=gpu)


@plugin.command(tags=("gpu", "fan", "fan speed", "cooling", "write"))
def set_gpu_fan_speed(
    ctx: Context,
    percent: Annotated[int, Range(0, 100), "Fan speed in percent"],
    gpu: Annotated[str | None, "Which GPU: its number or part of its name"] = None,
) -> str:
    """Set the GPU's fans to a fixed speed in percent (manual control), after confirmation."""
    from gpu_core import set_gpu_fan_speed as run

    return run(ctx, percent=percent, gpu=gpu)


@plugin.command(tags=("gpu", "restore", "defaults", "reset", "fans automatic", "write"))
def restore_gpu_defaults(
    ctx: Context,
    gpu: Annotated[str | None, "Which GPU: its number or part of its name; all when omitted"]
    = None,
) -> str:
    """Put the GPU back to its defaults: default power limit, clocks unlocked, fans automatic
    (after confirmation)."""
    from gpu_core import restore_gpu_defaults as run

    return run(ctx, gpu=gpu)


@plugin.on_input
def confirm_change(text: str, ctx: Context) -> str:
    """The user's answer to "Say yes to apply it": "yes" applies, anything else cancels."""
    from gpu_core import confirm_change as run

    return run(text, ctx=ctx)


if __name__ == "__main__":
    plugin.run()
