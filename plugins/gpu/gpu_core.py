# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What the gpu plug-in's commands do: open the backend, read, format, and change settings.

Every change follows one shape: probe what the board allows, clamp to its reported limits
(saying so), describe the change and wait for the user's "yes", apply it, read it back and
report the value the driver now reports. ``dry_run`` describes instead of applying.
:mod:`plugin` holds the commands the engine sees and imports this module on the first call.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from backend import GpuBackend, GpuError, GpuLost, NoDriver, NoPermission, NotSupported
from gassist_sdk import CommandError, Context

if TYPE_CHECKING:
    from pathlib import Path

    from plugin import GpuConfig

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., str])

DRIVER_URL = "https://www.nvidia.com/Download/index.aspx"
NO_DRIVER = ("No NVIDIA driver found: NVML, the driver's management library, is not available "
             "on this PC, so I can't read or change GPU settings. Install (or repair) the "
             f"NVIDIA display driver from {DRIVER_URL}, then ask again.")
CONFIRM = "Say **yes** to apply it; anything else cancels."
RESTORE_HINT = "say \"restore GPU defaults\" to undo it"

_backends: dict[tuple[str, str], GpuBackend] = {}


@dataclass
class PendingChange:
    """A change described to the user, applied when they answer "yes"."""

    what: str
    apply: Callable[[], str]


_pending: PendingChange | None = None


def _make_backend(config: GpuConfig, plugin_dir: Path) -> GpuBackend:
    if config.backend == "fake":
        from fake_backend import ScenarioBackend

        if not config.fake_scenario:
            return ScenarioBackend(source="the built-in scenario")
        return ScenarioBackend.from_file(plugin_dir / config.fake_scenario)
    from nvml_backend import NvmlBackend

    return NvmlBackend()


def _scenario_version(config: GpuConfig, plugin_dir: Path) -> str:
    """Which scenario file, as it is now: an edited file starts a fresh fake.

    By content, not by modification time: file times tick coarsely (milliseconds, or
    seconds on some file systems), so a quick edit of the same size can keep the old one.
    """
    if config.backend != "fake" or not config.fake_scenario:
        return ""
    import hashlib  # only the fake needs it; it loads OpenSSL (milliseconds at start-up)

    try:
        content = (plugin_dir / config.fake_scenario).read_bytes()
    except OSError:
        return config.fake_scenario
    return f"{config.fake_scenario}@{hashlib.sha256(content).hexdigest()}"


def open_backend(ctx: Context) -> GpuBackend:
    """The configured backend, opened; "no NVIDIA driver found" when there is none."""
    global _pending
    _pending = None  # a new command: an unanswered question is dropped
    config: GpuConfig = ctx.config
    key = (config.backend, _scenario_version(config, ctx.plugin_dir))
    try:
        backend = _backends.get(key)
        if backend is None:
            backend = _make_backend(config, ctx.plugin_dir)
        backend.open()
    except NoDriver:
        ctx.logger.info("no NVIDIA driver (NVML not loadable)")
        raise CommandError(NO_DRIVER) from None
    except GpuError as exc:
        raise CommandError(f"Could not open the GPU backend: {exc}.") from None
    if key not in _backends:
        for stale in [known for known in _backends if known[0] == config.backend]:
            del _backends[stale]  # an edited scenario replaces the old fake
        _backends[key] = backend
    return backend


def _read(call: Callable[[], T]) -> T | None:
    """A value, or None when the board doesn't report it (shown as n/a)."""
    try:
        return call()
    except GpuLost:
        raise
    except GpuError:
        return None


def driver_errors(command: F) -> F:
    """Turn a driver error no step of ``command`` expected into a sentence, not a bug report."""

    @functools.wraps(command)
    def guarded(*args: object, **kwargs: object) -> str:
        try:
            return command(*args, **kwargs)
        except GpuLost:
            raise CommandError("A GPU stopped responding (the driver reports the GPU is lost). "
                               "Save your work and restart the PC.") from None
        except GpuError as exc:
            raise CommandError(f"The NVIDIA driver answered an error: {exc}.") from None

    return guarded  # type: ignore[return-value]


def _watts(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f} W" if abs(value - round(value)) < 0.05 else f"{value:.1f} W"


def _range(low: float, high: float) -> str:
    return f"{_watts(low)[:-2]}–{_watts(high)}"


def _gib(value: int) -> str:
    return f"{value / 2**30:.1f} GiB"


def _sentence(text: str) -> str:
    """``text`` with its first letter capitalised (and the rest as it was)."""
    return text[:1].upper() + text[1:]


def _na(value: object, unit: str = "") -> str:
    return "n/a" if value is None else f"{value}{unit}"


_REASONS = (
    (0x1, "idle (nothing to do)"),
    (0x2, "application clock setting"),
    (0x4, "power limit (software power cap)"),
    (0x8, "hardware slowdown"),
    (0x10, "sync boost (matching another GPU)"),
    (0x20, "software thermal slowdown (running hot)"),
    (0x40, "hardware thermal slowdown (too hot)"),
    (0x80, "hardware power brake"),
    (0x100, "display clock setting"),
)


def reasons_in_words(mask: int) -> str:
    """Why clocks are held back, e.g. 'power limit (software power cap)', or 'none'."""
    words = [text for bit, text in _REASONS if mask & bit]
    rest = mask & ~sum(bit for bit, _ in _REASONS)
    if rest:
        words.append(f"other (0x{rest:x})")
    return ", ".join(words) or "none"


def gpu_label(backend: GpuBackend, gpu: int) -> str:
    """'GPU 0 (NVIDIA GeForce RTX 4080)'."""
    try:
        return f"GPU {gpu} ({backend.name(gpu)})"
    except GpuError:
        return f"GPU {gpu}"


def _lost(backend: GpuBackend, gpu: int) -> str:
    return (f"{gpu_label(backend, gpu)} is not responding: the driver reports the GPU is "
            "lost. Save your work and restart the PC.")


def describe_gpu(backend: GpuBackend, gpu: int) -> str:
    """One GPU's status as Markdown; values the board doesn't report are 'n/a'."""
    try:
        return _describe(backend, gpu)
    except GpuLost:
        return f"**GPU {gpu}**: {_lost(backend, gpu)}"


def _describe(backend: GpuBackend, gpu: int) -> str:
    name = _read(lambda: backend.name(gpu)) or "name n/a"
    lines = [f"**GPU {gpu} — {name}**"]
    lines.append(f"- Temperature: {_na(_read(lambda: backend.temperature(gpu)), ' °C')}")
    load = _read(lambda: backend.utilization(gpu))
    lines.append("- Utilisation: " + (f"GPU {load[0]} %, memory {load[1]} %" if load else "n/a"))
    memory = _read(lambda: backend.memory(gpu))
    lines.append("- Memory: " + (f"{_gib(memory[0])} of {_gib(memory[1])} used"
                                 if memory else "n/a"))
    clocks = []
    for kind, shown in (("graphics", "graphics"), ("sm", "SM"), ("memory", "memory")):
        now = _read(lambda kind=kind: backend.clock(gpu, kind))
        top = _read(lambda kind=kind: backend.max_clock(gpu, kind))
        clocks.append(f"{shown} {_na(now)} / {_na(top)} MHz")
    lines.append("- Clocks (now / max): " + ", ".join(clocks))
    draw = _read(lambda: backend.power_draw(gpu))
    limit = _read(lambda: backend.power_limit(gpu))
    allowed = _read(lambda: backend.power_limit_range(gpu))
    default = _read(lambda: backend.default_power_limit(gpu))
    power = f"- Power: {_watts(draw)} drawn, limit {_watts(limit)}"
    extra = []
    if allowed:
        extra.append(f"allowed {_range(*allowed)}")
    if default is not None:
        extra.append(f"default {_watts(default)}")
    lines.append(power + (f" ({', '.join(extra)})" if extra else ""))
    fans = _read(lambda: backend.fan_count(gpu))
    if fans:
        speeds = [_na(_read(lambda fan=fan: backend.fan_speed(gpu, fan)), " %")
                  for fan in range(fans)]
        lines.append(f"- Fans: {', '.join(speeds)}")
    else:
        lines.append("- Fans: n/a (no fans reported)")
    state = _read(lambda: backend.performance_state(gpu))
    lines.append("- Performance state: " + ("n/a" if state is None or state > 15
                                            else f"P{state}"))
    mask = _read(lambda: backend.clock_event_reasons(gpu))
    lines.append("- Clocks held back by: " + ("n/a" if mask is None else reasons_in_words(mask)))
    return "\n".join(lines)


def _listing(backend: GpuBackend) -> str:
    return ", ".join(gpu_label(backend, gpu) for gpu in range(backend.count()))


def status_text(backend: GpuBackend, gpu: str | None = None) -> str:
    """What ``get_gpu_status`` answers."""
    chosen = select_gpus(backend, gpu)
    return "\n\n".join(describe_gpu(backend, index) for index in chosen)


def list_text(backend: GpuBackend) -> str:
    """What ``list_gpus`` answers."""
    count = backend.count()
    if count == 0:
        raise CommandError("The NVIDIA driver is installed but reports no GPU.")
    lines = [f"{count} NVIDIA GPU{'s' if count != 1 else ''}:"]
    for gpu in range(count):
        try:
            memory = _read(lambda gpu=gpu: backend.memory(gpu))
            limit = _read(lambda gpu=gpu: backend.power_limit(gpu))
            fans = _read(lambda gpu=gpu: backend.fan_count(gpu))
        except GpuLost:
            lines.append(f"- {_lost(backend, gpu)}")
            continue
        facts = [f"{_gib(memory[1])} memory" if memory else "memory n/a",
                 f"power limit {_watts(limit)}",
                 f"{fans} fan{'s' if fans != 1 else ''}" if fans else "no fan control"]
        lines.append(f"- {gpu_label(backend, gpu)}: {', '.join(facts)}")
    return "\n".join(lines)


def select_gpus(backend: GpuBackend, gpu: str | None) -> list[int]:
    """The GPUs ``gpu`` names: an index ('1', 'GPU 1', '#1'), part of a name ('4080'), or all."""
    count = backend.count()
    if count == 0:
        raise CommandError("The NVIDIA driver is installed but reports no GPU.")
    text = (gpu or "").strip()
    if not text or text.lower() in ("all", "every", "any"):
        return list(range(count))
    number = re.fullmatch(r"(?:gpu\s*)?#?\s*(\d+)", text, re.IGNORECASE)
    if number and int(number[1]) < count:
        return [int(number[1])]
    names = {index: _name_or_blank(backend, index).lower() for index in range(count)}
    wanted = text.lower()
    matches = [index for index, name in names.items() if wanted in name]
    if not matches:
        words = wanted.replace("nvidia", "").split()
        matches = [index for index, name in names.items()
                   if words and all(word in name for word in words)]
    if len(matches) == 1:
        return matches
    if matches:
        raise CommandError(f"'{text}' matches several GPUs: "
                           f"{', '.join(gpu_label(backend, i) for i in matches)}. "
                           "Say which one by its number.")
    if number:
        raise CommandError(f"There is no GPU {number[1]}. GPUs here: {_listing(backend)}.")
    raise CommandError(f"No GPU matches '{text}'. GPUs here: {_listing(backend)}.")


def _name_or_blank(backend: GpuBackend, gpu: int) -> str:
    try:
        return backend.name(gpu)
    except GpuError:  # a lost GPU matches no name
        return ""


def _one_gpu(backend: GpuBackend, gpu: str | None) -> int:
    chosen = select_gpus(backend, gpu)
    if len(chosen) > 1:
        raise CommandError(f"There are {len(chosen)} GPUs; say which one to change "
                           f"(by number or name): {_listing(backend)}.")
    return chosen[0]


def _write(ctx: Context, label: str, what: str, call: Callable[[], None]) -> None:
    """Make one change, turning the driver's refusals into sentences for the user."""
    ctx.logger.info("%s: %s", label, what)
    try:
        call()
    except NoPermission:
        raise CommandError(f"{_sentence(what)} on {label} needs G-Assist (or this plug-in) to "
                           "run elevated, as administrator: the driver answered 'Insufficient "
                           "Permissions'. Nothing was changed.") from None
    except NotSupported:
        raise CommandError(f"{label} doesn't allow {what}: the driver answered 'Not "
                           "Supported'. Nothing was changed.") from None
    except GpuLost:
        raise CommandError(f"{label} stopped responding while {what} (the driver reports the "
                           "GPU is lost). Save your work and restart the PC.") from None
    except GpuError as exc:
        raise CommandError(f"The driver refused {what} on {label}: {exc}.") from None


def _read_back(label: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except GpuError as exc:
        raise CommandError(f"The change was sent to {label}, but reading it back failed "
                           f"({exc}); ask for the GPU status to see where it stands.") from None


def _confirm_or_describe(ctx: Context, what: str, description: str,
                         apply: Callable[[], str]) -> str:
    """Ask for a "yes" (passthrough), or with dry_run just say what would happen."""
    global _pending
    config: GpuConfig = ctx.config
    if config.dry_run:
        return (f"Dry run: {description} Nothing was changed (dry_run is on in "
                "config.json).")
    _pending = PendingChange(what, apply)
    ctx.keep_session(True)
    return f"{description}\n\n{CONFIRM}"


def _clamped(value: float, low: float, high: float, shown: Callable[[float], str],
             what: str) -> tuple[float, str]:
    if value < low:
        return low, f"{shown(value)} is below the lowest {what} allowed, so I'll use {shown(low)}. "
    if value > high:
        return high, (f"{shown(value)} is above the highest {what} allowed, so I'll use "
                      f"{shown(high)}. ")
    return value, ""


@driver_errors
def get_gpu_status(ctx: Context, gpu: str | None = None) -> str:
    """The ``get_gpu_status`` command (its parameters are described in plugin.py)."""
    return status_text(open_backend(ctx), gpu)


@driver_errors
def list_gpus(ctx: Context) -> str:
    """The ``list_gpus`` command (its parameters are described in plugin.py)."""
    return list_text(open_backend(ctx))


@driver_errors
def set_gpu_power_limit(
    ctx: Context,
    watts: float | None = None,
    percent: float | None = None,
    gpu: str | None = None,
) -> str:
    """The ``set_gpu_power_limit`` command (its parameters are described in plugin.py)."""
    backend = open_backend(ctx)
    index = _one_gpu(backend, gpu)
    label = gpu_label(backend, index)
    try:
        low, high = backend.power_limit_range(index)
        current = backend.power_limit(index)
    except NotSupported:
        raise CommandError(f"{label} doesn't allow changing its power limit: the driver "
                           "reports no adjustable range.") from None
    except GpuLost:
        raise CommandError(_lost(backend, index)) from None
    except GpuError as exc:
        raise CommandError(f"Could not read {label}'s power limit: {exc}.") from None
    default = _read(lambda: backend.default_power_limit(index))
    allowed = _range(low, high)
    if watts is None and percent is None:
        raise CommandError(f"Tell me the new power limit in watts or in percent of the default: "
                           f"{label} allows {allowed}"
                           + (f", default {_watts(default)}" if default is not None else "")
                           + f"; it is {_watts(current)} now.")
    if watts is not None and percent is not None:
        raise CommandError("Give the new power limit in watts or in percent, not both.")
    if watts is not None:
        asked = watts
    else:
        if default is None:
            raise CommandError(f"{label} doesn't report its default power limit, so a percent "
                               f"can't be worked out; give watts instead ({allowed}).")
        asked = default * percent / 100  # type: ignore[operator]
    if asked <= 0:
        raise CommandError(f"A power limit must be positive; {label} allows {allowed}.")
    target, note = _clamped(asked, low, high, _watts, "power limit")
    target = float(round(target))  # NVML takes whole milliwatts; whole watts read better

    def apply() -> str:
        _write(ctx, label, f"changing the power limit to {_watts(target)}",
               lambda: backend.set_power_limit(index, target))
        now = _read_back(label, lambda: backend.power_limit(index))
        if abs(now - target) > 0.5:
            raise CommandError(f"The driver accepted the change, but {label}'s power limit "
                               f"reads {_watts(now)}, not {_watts(target)}: the board did not "
                               "take it (another tool or a driver policy may hold it).")
        back = f"back to {_watts(default)}" if default is not None else "back"
        return (f"Done: {label}'s power limit is now {_watts(now)} (read back from the driver). "
                f"It lasts until the PC restarts; say \"restore GPU defaults\" to go {back}.")

    return _confirm_or_describe(
        ctx, "power limit",
        f"{note}I'll change {label}'s power limit from {_watts(current)} to {_watts(target)} "
        f"(allowed {allowed}).", apply)


@driver_errors
def lock_gpu_clocks(ctx: Context, min_mhz: int, max_mhz: int, gpu: str | None = None) -> str:
    """The ``lock_gpu_clocks`` command (its parameters are described in plugin.py)."""
    backend = open_backend(ctx)
    index = _one_gpu(backend, gpu)
    label = gpu_label(backend, index)
    if min_mhz > max_mhz:
        raise CommandError(f"The lowest clock ({min_mhz} MHz) must not be above the highest "
                           f"({max_mhz} MHz).")
    try:
        top = _read(lambda: backend.max_clock(index, "graphics"))
    except GpuLost:
        raise CommandError(_lost(backend, index)) from None
    note = ""
    if top is not None:
        if min_mhz > top:
            raise CommandError(f"{min_mhz} MHz is above {label}'s highest graphics clock; "
                               f"choose a range within 0–{top} MHz.")
        if max_mhz > top:
            note = (f"{max_mhz} MHz is above the highest graphics clock, so I'll use {top} MHz. ")
            max_mhz = top
    allowed = f" (allowed 0–{top} MHz)" if top is not None else ""

    def apply() -> str:
        _write(ctx, label, f"locking the graphics clock to {min_mhz}–{max_mhz} MHz",
               lambda: backend.lock_gpu_clocks(index, min_mhz, max_mhz))
        now = _read_back(label, lambda: backend.clock(index, "graphics"))
        if not min_mhz <= now <= max_mhz:
            raise CommandError(f"The driver accepted the lock, but {label}'s graphics clock "
                               f"reads {now} MHz, outside {min_mhz}–{max_mhz} MHz: the board "
                               "is not holding it.")
        return (f"Done: {label}'s graphics clock is locked to {min_mhz}–{max_mhz} MHz and reads "
                f"{now} MHz now. Say \"reset GPU clocks\" to unlock it.")

    return _confirm_or_describe(
        ctx, "clock lock",
        f"{note}I'll lock {label}'s graphics clock to {min_mhz}–{max_mhz} MHz{allowed}.", apply)


@driver_errors
def reset_gpu_clocks(ctx: Context, gpu: str | None = None) -> str:
    """The ``reset_gpu_clocks`` command (its parameters are described in plugin.py)."""
    backend = open_backend(ctx)
    index = _one_gpu(backend, gpu)
    label = gpu_label(backend, index)

    def apply() -> str:
        _write(ctx, label, "unlocking the graphics clock",
               lambda: backend.reset_gpu_clocks(index))
        now = _read_back(label, lambda: backend.clock(index, "graphics"))
        return (f"Done: {label}'s graphics clock is unlocked (the driver manages it again); "
                f"it reads {now} MHz now.")

    return _confirm_or_describe(
        ctx, "clock reset", f"I'll unlock {label}'s graphics clock so the driver manages it again.",
        apply)


def _fans(backend: GpuBackend, index: int, label: str) -> int:
    try:
        fans = backend.fan_count(index)
    except GpuLost:
        raise CommandError(_lost(backend, index)) from None
    except GpuError:
        fans = 0
    return fans


@driver_errors
def set_gpu_fan_speed(ctx: Context, percent: int, gpu: str | None = None) -> str:
    """The ``set_gpu_fan_speed`` command (its parameters are described in plugin.py)."""
    backend = open_backend(ctx)
    index = _one_gpu(backend, gpu)
    label = gpu_label(backend, index)
    fans = _fans(backend, index, label)
    if not fans:
        raise CommandError(f"{label} has no fans the driver lets software control, so this GPU "
                           "doesn't allow setting a fan speed.")
    low, high = _read(lambda: backend.fan_speed_range(index)) or (0, 100)
    chosen, note = _clamped(percent, low, high, lambda v: f"{v:.0f}%", "fan speed")
    target = int(chosen)
    count = f"{fans} fan{'s' if fans != 1 else ''}"

    def apply() -> str:
        done: list[int] = []
        for fan in range(fans):
            try:
                _write(ctx, label, f"setting fan {fan} to {target}%",
                       lambda fan=fan: backend.set_fan_speed(index, fan, target))
            except CommandError as exc:
                if done:
                    fans_set = ", ".join(map(str, done))
                    raise CommandError(f"{str(exc).removesuffix(' Nothing was changed.')} "
                                       f"Fan {fans_set} already runs at {target}%; "
                                       f"{RESTORE_HINT}.") from None
                raise
            done.append(fan)
        speeds = [_read_back(label, lambda fan=fan: backend.fan_target(index, fan))
                  for fan in range(fans)]
        off = [f"fan {fan} reads {speed}%" for fan, speed in enumerate(speeds) if speed != target]
        if off:
            raise CommandError(f"The driver accepted {target}%, but {', '.join(off)}: the board "
                               f"did not take it. {_sentence(RESTORE_HINT)}.")
        return (f"Done: {label}'s {count} run at {target}% now (read back from the driver), "
                f"under manual control; {RESTORE_HINT} and give them back to automatic control.")

    return _confirm_or_describe(
        ctx, "fan speed",
        f"{note}I'll set {label}'s {count} to {target}% (allowed {low}–{high}%). Warning: the "
        "fans switch to manual control and stay at that speed whatever the temperature until "
        "you say \"restore GPU defaults\" or restart the PC.", apply)


class _Unsupported(Exception):
    """A restore step the board does not offer (escapes :func:`_write`'s mapping)."""


def _allowing_not_supported(call: Callable[[], None]) -> Callable[[], None]:
    def attempt() -> None:
        try:
            call()
        except NotSupported:
            raise _Unsupported from None
    return attempt


@driver_errors
def restore_gpu_defaults(ctx: Context, gpu: str | None = None) -> str:
    """The ``restore_gpu_defaults`` command (its parameters are described in plugin.py)."""
    backend = open_backend(ctx)
    chosen = select_gpus(backend, gpu)
    plans: list[tuple[int, str, float | None, int]] = []
    for index in chosen:
        label = gpu_label(backend, index)
        try:
            default = _read(lambda index=index: backend.default_power_limit(index))
        except GpuLost:
            raise CommandError(_lost(backend, index)) from None
        plans.append((index, label, default, _fans(backend, index, label)))

    def steps_of(default: float | None, fans: int) -> list[str]:
        steps = [f"power limit to its default {_watts(default)}" if default is not None else "",
                 "graphics clock unlocked",
                 "fans back to automatic control" if fans else ""]
        return [step for step in steps if step]

    def apply() -> str:
        report: list[str] = []
        failed = False
        for index, label, default, fans in plans:
            lines = [f"**{label}**"]
            actions: list[tuple[str, Callable[[], None], Callable[[], str]]] = []
            if default is not None:
                actions.append((
                    "setting the default power limit",
                    lambda index=index, default=default: backend.set_power_limit(index, default),
                    lambda index=index: f"power limit {_watts(backend.power_limit(index))}"))
            actions.append(("unlocking the graphics clock",
                            lambda index=index: backend.reset_gpu_clocks(index),
                            lambda: "graphics clock unlocked"))
            if fans:
                def fans_auto(index: int = index, fans: int = fans) -> None:
                    for fan in range(fans):
                        backend.set_default_fan_speed(index, fan)
                actions.append(("giving the fans back to automatic control", fans_auto,
                                lambda: "fans automatic"))
            for what, call, check in actions:
                try:
                    _write(ctx, label, what, _allowing_not_supported(call))
                    lines.append(f"- done: {_read_back(label, check)}")
                except _Unsupported:
                    # A board that refuses a setting cannot have had it changed either.
                    lines.append(f"- skipped {what}: this GPU doesn't allow it")
                except CommandError as exc:
                    failed = True
                    lines.append(f"- not done: {exc}")
            report.append("\n".join(lines))
        text = "\n\n".join(report)
        if failed:
            raise CommandError(text)
        return "Defaults restored (read back from the driver):\n\n" + text

    plan = "; ".join(f"{label}: {', '.join(steps_of(default, fans))}"
                     for _, label, default, fans in plans)
    return _confirm_or_describe(ctx, "restore defaults", f"I'll restore the defaults — {plan}.",
                                apply)


@driver_errors
def confirm_change(text: str, ctx: Context) -> str:
    """The ``confirm_change`` command (its parameters are described in plugin.py)."""
    global _pending
    pending, _pending = _pending, None
    if pending is None:
        return "Nothing is waiting for confirmation."
    if text.strip().strip(".!").strip().lower() in ("yes", "y"):
        return pending.apply()
    ctx.logger.info("%s cancelled by the user", pending.what)
    return f"Cancelled: the {pending.what} change was not made. Nothing was changed."
