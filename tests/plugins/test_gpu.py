# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""plugins/gpu against the scenario fake: every read and write, every refusal. No GPU needed.

The in-process tests import a fresh copy of the plug-in folder per test and drive it with
PluginClient; the fake's ``writes`` list is the exact record of what reached the "driver".
``NvmlBackend`` is exercised over a stand-in ``pynvml`` module (never the real setters),
and the real ``pynvml`` only ever for ``nvmlInit`` on this driverless machine. The
engine-style tests at the end build the sample and run it through the emulator.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from gassist_sdk.testing import PluginClient

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "plugins" / "gpu"
MODULES = ("plugin.py", "gpu_core.py", "backend.py", "fake_backend.py", "nvml_backend.py",
           "check_real_gpu.py", "manifest.json")
LOCAL_MODULES = ("backend", "fake_backend", "nvml_backend", "plugin", "gpu_core",
                 "check_real_gpu")
WRITES = ("set_gpu_power_limit", "lock_gpu_clocks", "reset_gpu_clocks", "set_gpu_fan_speed",
          "restore_gpu_defaults")

NO_DRIVER = ("No NVIDIA driver found: NVML, the driver's management library, is not available "
             "on this PC, so I can't read or change GPU settings. Install (or repair) the NVIDIA "
             "display driver from https://www.nvidia.com/Download/index.aspx, then ask again.")
CONFIRM = "\n\nSay **yes** to apply it; anything else cancels."
G0 = "GPU 0 (NVIDIA GeForce RTX 4080)"
G1 = "GPU 1 (NVIDIA H100 80GB HBM3)"


def geforce(**changes: Any) -> dict[str, Any]:
    """A GeForce-like board that reports everything, with two fans."""
    board = {
        "name": "NVIDIA GeForce RTX 4080",
        "temperature_c": 61,
        "utilization": {"gpu": 97, "memory": 43},
        "memory_mib": {"used": 9216, "total": 16384},
        "clocks_mhz": {"graphics": 2505, "sm": 2505, "memory": 11201},
        "max_clocks_mhz": {"graphics": 3105, "sm": 3105, "memory": 11201},
        "power_w": {"draw": 287.5, "limit": 320, "min": 150, "max": 360, "default": 320},
        "fans": [55, 57],
        "fan_range": [30, 100],
        "pstate": 0,
        "clock_event_reasons": ["sw_power_cap", "sw_thermal_slowdown"],
    }
    board.update(changes)
    return board


def datacenter(**changes: Any) -> dict[str, Any]:
    """A datacenter-like board (H100 as read back on a real one): no fans."""
    board = {
        "name": "NVIDIA H100 80GB HBM3",
        "temperature_c": 33,
        "utilization": {"gpu": 0, "memory": 0},
        "memory_mib": {"used": 0, "total": 81559},
        "clocks_mhz": {"graphics": 345, "sm": 345, "memory": 2619},
        "max_clocks_mhz": {"graphics": 1980, "sm": 1980, "memory": 2619},
        "power_w": {"draw": 71.3, "limit": 700, "min": 200, "max": 700, "default": 700},
        "pstate": 0,
        "clock_event_reasons": ["gpu_idle"],
    }
    board.update(changes)
    return board


GEFORCE_STATUS = """\
**GPU 0 — NVIDIA GeForce RTX 4080**
- Temperature: 61 °C
- Utilisation: GPU 97 %, memory 43 %
- Memory: 9.0 GiB of 16.0 GiB used
- Clocks (now / max): graphics 2505 / 3105 MHz, SM 2505 / 3105 MHz, memory 11201 / 11201 MHz
- Power: 287.5 W drawn, limit 320 W (allowed 150–360 W, default 320 W)
- Fans: 55 %, 57 %
- Performance state: P0
- Clocks held back by: power limit (software power cap), software thermal slowdown \
(running hot)"""

H100_STATUS = """\
**GPU 1 — NVIDIA H100 80GB HBM3**
- Temperature: 33 °C
- Utilisation: GPU 0 %, memory 0 %
- Memory: 0.0 GiB of 79.6 GiB used
- Clocks (now / max): graphics 345 / 1980 MHz, SM 345 / 1980 MHz, memory 2619 / 2619 MHz
- Power: 71.3 W drawn, limit 700 W (allowed 200–700 W, default 700 W)
- Fans: n/a (no fans reported)
- Performance state: P0
- Clocks held back by: idle (nothing to do)"""


# -- a fresh copy of the plug-in per test -----------------------------------------------------

def _forget_modules() -> None:
    for name in LOCAL_MODULES:
        sys.modules.pop(name, None)


class Gpu(SimpleNamespace):
    """The imported copy: ``module``, ``plugin``, ``folder``; configure() and writes."""

    def configure(self, *boards: dict[str, Any], backend: str = "fake",
                  dry_run: bool = False) -> None:
        config: dict[str, Any] = {"backend": backend, "dry_run": dry_run}
        if boards:
            (self.folder / "scenario.json").write_text(json.dumps({"gpus": list(boards)}),
                                                       encoding="utf-8")
            config["fake_scenario"] = "scenario.json"
        (self.folder / "config.json").write_text(json.dumps(config), encoding="utf-8")

    @property
    def fake(self) -> Any:
        return list(sys.modules["gpu_core"]._backends.values())[-1]  # the latest scenario

    @property
    def writes(self) -> list[dict[str, Any]]:
        return self.fake.writes


@pytest.fixture
def gpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gpu]:
    """plugins/gpu copied into tmp_path and imported from there (fake, one GeForce board)."""
    folder = tmp_path / "gpu"
    folder.mkdir()
    for name in MODULES:
        shutil.copy(SOURCE / name, folder / name)
    monkeypatch.delenv("GASSIST_CONFIG", raising=False)
    monkeypatch.syspath_prepend(str(folder))
    _forget_modules()
    name = f"gpu_plugin_{id(folder)}"
    spec = importlib.util.spec_from_file_location(name, folder / "plugin.py")
    assert spec and spec.loader
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    handle = Gpu(module=module, plugin=module.plugin, folder=folder)
    handle.configure(geforce())
    yield handle
    sys.modules.pop(name, None)
    _forget_modules()


@pytest.fixture
def client(gpu: Gpu) -> Iterator[PluginClient]:
    with PluginClient(gpu.plugin) as running:
        yield running


def confirm(client: PluginClient, function: str, answer: str = "yes", **arguments: Any):
    """Call a write, check it asks, answer; the (question, answer) results."""
    asked = client.call(function, **arguments)
    assert asked.success and asked.keep_session, asked.text
    assert asked.text.endswith(CONFIRM)
    return asked, client.input(answer)


# -- reads ------------------------------------------------------------------------------------

def test_status_of_a_board_that_reports_everything(gpu: Gpu, client: PluginClient) -> None:
    reply = client.call("get_gpu_status")
    assert reply.success and not reply.keep_session
    assert reply.text == GEFORCE_STATUS


def test_datacenter_board_has_no_fans_and_shows_n_a(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter())
    assert client.call("get_gpu_status", gpu="1").text == H100_STATUS


def test_every_value_a_board_does_not_report_is_n_a(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure({"name": "NVIDIA GeForce GTX 1050"})
    reply = client.call("get_gpu_status")
    assert reply.success
    assert reply.text == """\
**GPU 0 — NVIDIA GeForce GTX 1050**
- Temperature: n/a
- Utilisation: n/a
- Memory: n/a
- Clocks (now / max): graphics n/a / n/a MHz, SM n/a / n/a MHz, memory n/a / n/a MHz
- Power: n/a drawn, limit n/a
- Fans: n/a (no fans reported)
- Performance state: n/a
- Clocks held back by: n/a"""


def test_refused_reads_are_n_a_and_the_rest_still_shows(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(unsupported=["temperature", "power_limit_range", "fan_speed"],
                          faults={"power_draw": "no_permission", "clock_event_reasons":
                                  "not_supported"}, clock_event_reasons=[]))
    lines = client.call("get_gpu_status").text.splitlines()
    assert lines[1] == "- Temperature: n/a"
    assert lines[5] == "- Power: n/a drawn, limit 320 W (default 320 W)"
    assert lines[6] == "- Fans: n/a, n/a"
    assert lines[8] == "- Clocks held back by: n/a"
    assert lines[2] == "- Utilisation: GPU 97 %, memory 43 %"


def test_no_reason_means_none(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(clock_event_reasons=[]))
    assert client.call("get_gpu_status").text.endswith("- Clocks held back by: none")


def test_a_lost_gpu_is_reported_and_the_others_still_show(gpu: Gpu,
                                                          client: PluginClient) -> None:
    gpu.configure(geforce(faults={"temperature": "gpu_lost"}), datacenter())
    reply = client.call("get_gpu_status")
    assert reply.success
    assert reply.text == (f"**GPU 0**: {G0} is not responding: the driver reports the GPU is "
                          "lost. Save your work and restart the PC.\n\n" + H100_STATUS)


def test_list_gpus(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter())
    assert client.call("list_gpus").text == (
        "2 NVIDIA GPUs:\n"
        f"- {G0}: 16.0 GiB memory, power limit 320 W, 2 fans\n"
        f"- {G1}: 79.6 GiB memory, power limit 700 W, no fan control")


def test_status_of_all_gpus_by_default(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter())
    assert client.call("get_gpu_status").text == GEFORCE_STATUS + "\n\n" + H100_STATUS


@pytest.mark.parametrize("chosen", ["1", 1, "GPU 1", "#1", "h100", "H100 80GB", "nvidia h100"])
def test_a_gpu_is_chosen_by_index_or_by_name(gpu: Gpu, client: PluginClient,
                                             chosen: object) -> None:
    gpu.configure(geforce(), datacenter())
    assert client.call("get_gpu_status", gpu=chosen).text == H100_STATUS


@pytest.mark.parametrize(("chosen", "answer"), [
    ("4080", GEFORCE_STATUS),  # a model number, not GPU number 4080
    ("geforce", GEFORCE_STATUS),
    ("0", GEFORCE_STATUS),
])
def test_a_model_number_is_a_name(gpu: Gpu, client: PluginClient, chosen: str,
                                  answer: str) -> None:
    gpu.configure(geforce(), datacenter())
    assert client.call("get_gpu_status", gpu=chosen).text == answer


@pytest.mark.parametrize(("chosen", "message"), [
    ("7", f"There is no GPU 7. GPUs here: {G0}, {G1}."),
    ("radeon", f"No GPU matches 'radeon'. GPUs here: {G0}, {G1}."),
    ("nvidia", f"'nvidia' matches several GPUs: {G0}, {G1}. Say which one by its number."),
])
def test_a_gpu_that_is_not_there_is_named(gpu: Gpu, client: PluginClient, chosen: str,
                                          message: str) -> None:
    gpu.configure(geforce(), datacenter())
    reply = client.call("get_gpu_status", gpu=chosen)
    assert (reply.success, reply.text) == (False, message)


def test_built_in_scenario_is_a_geforce_board_with_fans(gpu: Gpu,
                                                        client: PluginClient) -> None:
    (gpu.folder / "config.json").write_text('{"backend": "fake"}')
    assert client.call("list_gpus").text == (
        "1 NVIDIA GPU:\n- GPU 0 (Fake NVIDIA GeForce RTX 4080): 16.0 GiB memory, "
        "power limit 320 W, 2 fans")
    assert "- Fans: 38 %, 40 %" in client.call("get_gpu_status").text


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read the fake scenario"),
    ("{oops", "is not valid JSON"),
    ('{"gpus": []}', 'must be a JSON object with a non-empty list "gpus"'),
    ('{"gpus": [{"name": "x", "faults": {"temperature": "melted"}}]}',
     "gpus[0].faults.temperature must be one of not_supported, no_permission, gpu_lost, "
     "not 'melted'"),
    ('{"gpus": [{"name": "x", "unsupported": ["overclock"]}]}',
     "gpus[0] names no such backend call: overclock"),
])
def test_a_broken_scenario_file_is_explained(gpu: Gpu, client: PluginClient,
                                             content: str | None, message: str) -> None:
    scenario = gpu.folder / "scenario.json"
    if content is None:
        scenario.unlink()
    else:
        scenario.write_text(content)
    reply = client.call("get_gpu_status")
    assert not reply.success
    assert reply.text.startswith("Could not open the GPU backend: ")
    assert message in reply.text


# -- writes: happy paths ----------------------------------------------------------------------

def test_power_limit_in_watts_is_confirmed_applied_and_read_back(gpu: Gpu,
                                                                 client: PluginClient) -> None:
    asked, done = confirm(client, "set_gpu_power_limit", watts=250)
    assert asked.text == (f"I'll change {G0}'s power limit from 320 W to 250 W "
                          "(allowed 150–360 W)." + CONFIRM)
    assert done.success and not done.keep_session
    assert done.text == (f"Done: {G0}'s power limit is now 250 W (read back from the driver). "
                         "It lasts until the PC restarts; say \"restore GPU defaults\" to go "
                         "back to 320 W.")
    assert gpu.writes == [{"call": "set_power_limit", "gpu": 0, "watts": 250.0}]
    assert "limit 250 W (allowed 150–360 W, default 320 W)" in client.call("get_gpu_status").text


def test_power_limit_in_percent_of_the_default(gpu: Gpu, client: PluginClient) -> None:
    asked, done = confirm(client, "set_gpu_power_limit", percent="80")
    assert asked.text.startswith(f"I'll change {G0}'s power limit from 320 W to 256 W")
    assert done.success and "is now 256 W" in done.text
    assert gpu.writes == [{"call": "set_power_limit", "gpu": 0, "watts": 256.0}]


def test_clock_lock_is_confirmed_applied_and_read_back(gpu: Gpu, client: PluginClient) -> None:
    asked, done = confirm(client, "lock_gpu_clocks", min_mhz=1200, max_mhz=1800)
    assert asked.text == (f"I'll lock {G0}'s graphics clock to 1200–1800 MHz "
                          "(allowed 0–3105 MHz)." + CONFIRM)
    assert done.text == (f"Done: {G0}'s graphics clock is locked to 1200–1800 MHz and reads "
                         "1800 MHz now. Say \"reset GPU clocks\" to unlock it.")
    assert gpu.writes == [{"call": "lock_gpu_clocks", "gpu": 0, "min_mhz": 1200,
                           "max_mhz": 1800}]
    asked, done = confirm(client, "reset_gpu_clocks")
    assert asked.text == (f"I'll unlock {G0}'s graphics clock so the driver manages it again."
                          + CONFIRM)
    assert done.text == (f"Done: {G0}'s graphics clock is unlocked (the driver manages it "
                         "again); it reads 2505 MHz now.")
    assert gpu.writes[1:] == [{"call": "reset_gpu_clocks", "gpu": 0}]


def test_fan_speed_warns_about_manual_control(gpu: Gpu, client: PluginClient) -> None:
    asked, done = confirm(client, "set_gpu_fan_speed", percent=70)
    assert asked.text == (
        f"I'll set {G0}'s 2 fans to 70% (allowed 30–100%). Warning: the fans switch to manual "
        "control and stay at that speed whatever the temperature until you say \"restore GPU "
        "defaults\" or restart the PC." + CONFIRM)
    assert done.text == (f"Done: {G0}'s 2 fans run at 70% now (read back from the driver), "
                         "under manual control; say \"restore GPU defaults\" to undo it and give "
                         "them back to automatic control.")
    assert gpu.writes == [{"call": "set_fan_speed", "gpu": 0, "fan": 0, "percent": 70},
                          {"call": "set_fan_speed", "gpu": 0, "fan": 1, "percent": 70}]
    assert "- Fans: 70 %, 70 %" in client.call("get_gpu_status").text


def test_restore_defaults_undoes_every_change(gpu: Gpu, client: PluginClient) -> None:
    confirm(client, "set_gpu_power_limit", watts=200)
    confirm(client, "set_gpu_fan_speed", percent=90)
    asked, done = confirm(client, "restore_gpu_defaults")
    assert asked.text == (f"I'll restore the defaults — {G0}: power limit to its default 320 W, "
                          "graphics clock unlocked, fans back to automatic control." + CONFIRM)
    assert done.success
    assert done.text == ("Defaults restored (read back from the driver):\n\n"
                         f"**{G0}**\n- done: power limit 320 W\n- done: graphics clock unlocked\n"
                         "- done: fans automatic")
    assert gpu.writes[3:] == [
        {"call": "set_power_limit", "gpu": 0, "watts": 320.0},
        {"call": "reset_gpu_clocks", "gpu": 0},
        {"call": "set_default_fan_speed", "gpu": 0, "fan": 0},
        {"call": "set_default_fan_speed", "gpu": 0, "fan": 1}]
    assert client.call("get_gpu_status").text == GEFORCE_STATUS


def test_restore_defaults_covers_every_gpu_and_skips_what_a_board_lacks(
        gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter())
    asked, done = confirm(client, "restore_gpu_defaults")
    assert f"{G1}: power limit to its default 700 W, graphics clock unlocked." in asked.text
    assert done.success and f"**{G1}**\n- done: power limit 700 W\n" in done.text
    assert [w["call"] for w in gpu.writes if w["gpu"] == 1] == ["set_power_limit",
                                                              "reset_gpu_clocks"]


def test_writes_to_the_second_gpu_by_name(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter())
    asked, done = confirm(client, "set_gpu_power_limit", watts=500, gpu="H100")
    assert asked.text.startswith(f"I'll change {G1}'s power limit from 700 W to 500 W")
    assert done.success and f"{G1}'s power limit is now 500 W" in done.text
    assert gpu.writes == [{"call": "set_power_limit", "gpu": 1, "watts": 500.0}]


# -- clamping and refusals --------------------------------------------------------------------

@pytest.mark.parametrize(("arguments", "note", "written"), [
    ({"watts": 450}, "450 W is above the highest power limit allowed, so I'll use 360 W. ", 360.0),
    ({"watts": 90.5}, "90.5 W is below the lowest power limit allowed, so I'll use 150 W. ",
     150.0),
    ({"percent": 200}, "640 W is above the highest power limit allowed, so I'll use 360 W. ",
     360.0),
])
def test_power_limit_is_clamped_to_the_allowed_range(gpu: Gpu, client: PluginClient,
                                                     arguments: dict, note: str,
                                                     written: float) -> None:
    asked, done = confirm(client, "set_gpu_power_limit", **arguments)
    assert asked.text.startswith(note + f"I'll change {G0}'s power limit from 320 W to ")
    assert "(allowed 150–360 W)" in asked.text
    assert done.success
    assert gpu.writes == [{"call": "set_power_limit", "gpu": 0, "watts": written}]


def test_fan_speed_is_clamped_to_the_boards_minimum(gpu: Gpu, client: PluginClient) -> None:
    asked, done = confirm(client, "set_gpu_fan_speed", percent=10)
    assert asked.text.startswith("10% is below the lowest fan speed allowed, so I'll use 30%. ")
    assert done.success and "2 fans run at 30% now" in done.text
    assert {w["percent"] for w in gpu.writes} == {30}


def test_clock_lock_above_the_maximum_is_clamped(gpu: Gpu, client: PluginClient) -> None:
    asked, _ = confirm(client, "lock_gpu_clocks", min_mhz=2000, max_mhz=4000)
    assert asked.text.startswith("4000 MHz is above the highest graphics clock, so I'll use "
                                 f"3105 MHz. I'll lock {G0}'s graphics clock to 2000–3105 MHz")
    assert gpu.writes == [{"call": "lock_gpu_clocks", "gpu": 0, "min_mhz": 2000,
                           "max_mhz": 3105}]


@pytest.mark.parametrize(("function", "arguments", "message"), [
    ("set_gpu_power_limit", {},
     f"Tell me the new power limit in watts or in percent of the default: {G0} allows "
     "150–360 W, default 320 W; it is 320 W now."),
    ("set_gpu_power_limit", {"watts": 250, "percent": 80},
     "Give the new power limit in watts or in percent, not both."),
    ("set_gpu_power_limit", {"watts": 0},
     f"A power limit must be positive; {G0} allows 150–360 W."),
    ("lock_gpu_clocks", {"min_mhz": 1800, "max_mhz": 1200},
     "The lowest clock (1800 MHz) must not be above the highest (1200 MHz)."),
    ("lock_gpu_clocks", {"min_mhz": 3500, "max_mhz": 3600},
     f"3500 MHz is above {G0}'s highest graphics clock; choose a range within 0–3105 MHz."),
])
def test_impossible_changes_are_refused_with_the_allowed_range(
        gpu: Gpu, client: PluginClient, function: str, arguments: dict, message: str) -> None:
    reply = client.call(function, **arguments)
    assert (reply.success, reply.keep_session, reply.text) == (False, False, message)
    assert gpu.writes == []


def test_fan_speed_out_of_0_to_100_is_refused_before_the_plugin_runs(
        gpu: Gpu, client: PluginClient) -> None:
    reply = client.call("set_gpu_fan_speed", percent=150)
    assert reply.text == "set_gpu_fan_speed: percent must be an integer 0–100, got 150"


def test_a_write_with_several_gpus_asks_which(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter())
    reply = client.call("set_gpu_power_limit", watts=250)
    assert (reply.success, reply.text) == (
        False, f"There are 2 GPUs; say which one to change (by number or name): {G0}, {G1}.")


def test_fans_on_a_board_without_fans_are_not_supported(gpu: Gpu,
                                                        client: PluginClient) -> None:
    gpu.configure(datacenter())
    reply = client.call("set_gpu_fan_speed", percent=50)
    assert reply.text == ("GPU 0 (NVIDIA H100 80GB HBM3) has no fans the driver lets software "
                          "control, so this GPU doesn't allow setting a fan speed.")


def test_power_limit_on_a_board_without_a_range_is_not_supported(
        gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(unsupported=["power_limit_range"]))
    reply = client.call("set_gpu_power_limit", watts=250)
    assert reply.text == (f"{G0} doesn't allow changing its power limit: the driver reports no "
                          "adjustable range.")


@pytest.mark.parametrize("answer", ["no", "cancel", "sure", "yes please", ""])
def test_anything_but_yes_cancels(gpu: Gpu, client: PluginClient, answer: str) -> None:
    _, cancelled = confirm(client, "set_gpu_power_limit", answer, watts=250)
    assert cancelled.success and not cancelled.keep_session
    assert cancelled.text == "Cancelled: the power limit change was not made. Nothing was changed."
    assert gpu.writes == []
    assert "limit 320 W" in client.call("get_gpu_status").text


@pytest.mark.parametrize("answer", ["yes", "Yes", "YES.", " y ", "yes!"])
def test_yes_in_any_case_applies(gpu: Gpu, client: PluginClient, answer: str) -> None:
    _, done = confirm(client, "set_gpu_power_limit", answer, watts=250)
    assert done.text.startswith("Done:")
    assert len(gpu.writes) == 1


def test_a_new_command_drops_the_unanswered_question(gpu: Gpu, client: PluginClient) -> None:
    client.call("set_gpu_power_limit", watts=250)
    client.call("get_gpu_status")
    assert not client.input("yes").success  # the session ended with the status reply
    assert gpu.writes == []


# -- the driver says no -----------------------------------------------------------------------

@pytest.mark.parametrize(("function", "arguments", "call", "what"), [
    ("set_gpu_power_limit", {"watts": 250}, "set_power_limit", "changing the power limit to 250 W"),
    ("lock_gpu_clocks", {"min_mhz": 1000, "max_mhz": 2000}, "lock_gpu_clocks",
     "locking the graphics clock to 1000–2000 MHz"),
    ("reset_gpu_clocks", {}, "reset_gpu_clocks", "unlocking the graphics clock"),
    ("set_gpu_fan_speed", {"percent": 60}, "set_fan_speed", "setting fan 0 to 60%"),
])
def test_no_permission_means_run_elevated(gpu: Gpu, client: PluginClient, function: str,
                                          arguments: dict, call: str, what: str) -> None:
    gpu.configure(geforce(faults={call: "no_permission"}))
    _, refused = confirm(client, function, **arguments)
    assert (refused.success, refused.keep_session) == (False, False)
    assert refused.text == (f"{what[0].upper()}{what[1:]} on {G0} needs G-Assist (or this "
                            "plug-in) to run elevated, as administrator: the driver answered "
                            "'Insufficient Permissions'. Nothing was changed.")
    assert gpu.writes == []


@pytest.mark.parametrize(("function", "arguments", "call", "what"), [
    ("set_gpu_power_limit", {"watts": 250}, "set_power_limit", "changing the power limit to 250 W"),
    ("lock_gpu_clocks", {"min_mhz": 1000, "max_mhz": 2000}, "lock_gpu_clocks",
     "locking the graphics clock to 1000–2000 MHz"),
    ("set_gpu_fan_speed", {"percent": 60}, "set_fan_speed", "setting fan 0 to 60%"),
])
def test_not_supported_means_this_gpu_does_not_allow_it(gpu: Gpu, client: PluginClient,
                                                        function: str, arguments: dict,
                                                        call: str, what: str) -> None:
    gpu.configure(geforce(unsupported=[call]))
    _, refused = confirm(client, function, **arguments)
    assert refused.text == (f"{G0} doesn't allow {what}: the driver answered 'Not Supported'. "
                            "Nothing was changed.")
    assert gpu.writes == []


def test_restore_reports_each_step_and_fails_when_one_is_refused(gpu: Gpu,
                                                                 client: PluginClient) -> None:
    gpu.configure(geforce(faults={"set_default_fan_speed": "no_permission"},
                          unsupported=["reset_gpu_clocks"]))
    _, done = confirm(client, "restore_gpu_defaults")
    assert not done.success
    assert done.text == (
        f"**{G0}**\n- done: power limit 320 W\n"
        "- skipped unlocking the graphics clock: this GPU doesn't allow it\n"
        f"- not done: Giving the fans back to automatic control on {G0} needs G-Assist (or this "
        "plug-in) to run elevated, as administrator: the driver answered 'Insufficient "
        "Permissions'. Nothing was changed.")


def test_a_gpu_lost_during_a_write_is_reported(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(faults={"set_power_limit": {"error": "gpu_lost", "times": 1}}))
    _, lost = confirm(client, "set_gpu_power_limit", watts=250)
    assert lost.text == (f"{G0} stopped responding while changing the power limit to 250 W (the "
                         "driver reports the GPU is lost). Save your work and restart the PC.")
    _, done = confirm(client, "set_gpu_power_limit", watts=250)  # the fault was injected once
    assert done.success


def test_a_power_limit_the_board_ignores_is_reported_as_read_back(
        gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(ignore_writes=["set_power_limit"]))
    _, done = confirm(client, "set_gpu_power_limit", watts=250)
    assert not done.success
    assert done.text == (f"The driver accepted the change, but {G0}'s power limit reads 320 W, "
                         "not 250 W: the board did not take it (another tool or a driver policy "
                         "may hold it).")
    assert gpu.writes == [{"call": "set_power_limit", "gpu": 0, "watts": 250.0}]


def test_fans_the_board_ignores_are_reported_as_read_back(gpu: Gpu,
                                                          client: PluginClient) -> None:
    gpu.configure(geforce(ignore_writes=["set_fan_speed"]))
    _, done = confirm(client, "set_gpu_fan_speed", percent=80)
    assert done.text == ("The driver accepted 80%, but fan 0 reads 55%, fan 1 reads 57%: the "
                         "board did not take it. Say \"restore GPU defaults\" to undo it.")


def test_a_clock_lock_the_board_does_not_hold_is_reported(gpu: Gpu,
                                                          client: PluginClient) -> None:
    gpu.configure(geforce(ignore_writes=["lock_gpu_clocks"]))
    _, done = confirm(client, "lock_gpu_clocks", min_mhz=1000, max_mhz=1500)
    assert done.text == (f"The driver accepted the lock, but {G0}'s graphics clock reads "
                         "2505 MHz, outside 1000–1500 MHz: the board is not holding it.")


def test_a_failed_second_fan_says_the_first_was_set(gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(faults={"set_fan_speed": {"error": "no_permission", "after": 1}}))
    _, failed = confirm(client, "set_gpu_fan_speed", percent=60)
    assert not failed.success
    assert failed.text == (f"Setting fan 1 to 60% on {G0} needs G-Assist (or this plug-in) to "
                           "run elevated, as administrator: the driver answered 'Insufficient "
                           "Permissions'. Fan 0 already runs at 60%; say "
                           "\"restore GPU defaults\" to undo it.")
    assert gpu.writes == [{"call": "set_fan_speed", "gpu": 0, "fan": 0, "percent": 60}]


# -- dry run ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("function", "arguments", "text"), [
    ("set_gpu_power_limit", {"watts": 250},
     f"I'll change {G0}'s power limit from 320 W to 250 W (allowed 150–360 W)."),
    ("lock_gpu_clocks", {"min_mhz": 1000, "max_mhz": 2000},
     f"I'll lock {G0}'s graphics clock to 1000–2000 MHz (allowed 0–3105 MHz)."),
    ("reset_gpu_clocks", {}, f"I'll unlock {G0}'s graphics clock so the driver manages it again."),
    ("set_gpu_fan_speed", {"percent": 60}, f"I'll set {G0}'s 2 fans to 60% (allowed 30–100%)."),
    ("restore_gpu_defaults", {}, f"I'll restore the defaults — {G0}: power limit to its default"),
])
def test_dry_run_describes_and_writes_nothing(gpu: Gpu, client: PluginClient, function: str,
                                              arguments: dict, text: str) -> None:
    gpu.configure(geforce(), dry_run=True)
    reply = client.call(function, **arguments)
    assert reply.success and not reply.keep_session
    assert reply.text.startswith("Dry run: " + text)
    assert reply.text.endswith("Nothing was changed (dry_run is on in config.json).")
    assert gpu.writes == []


# -- no driver, and the real backend over a stand-in pynvml -----------------------------------

def test_no_driver_with_the_real_pynvml_on_this_machine(gpu: Gpu, client: PluginClient) -> None:
    pynvml = pytest.importorskip("pynvml")
    try:  # only nvmlInit, never a setter: this machine must have no NVIDIA driver
        pynvml.nvmlInit()
    except pynvml.NVMLError:
        pass
    else:
        pynvml.nvmlShutdown()
        pytest.skip("this machine has an NVIDIA driver")
    gpu.configure(backend="nvml")
    for function, arguments in [("get_gpu_status", {}), ("list_gpus", {}),
                                ("set_gpu_power_limit", {"watts": 250})]:
        reply = client.call(function, **arguments)
        assert (reply.success, reply.keep_session, reply.text) == (False, False, NO_DRIVER)


class StandInNvml:
    """A stand-in for the pynvml module: records calls, answers from ``values``."""

    class NVMLError(Exception):
        def __init__(self, value: int) -> None:
            super().__init__({3: "Not Supported", 4: "Insufficient Permissions",
                              9: "Driver Not Loaded", 12: "NVML Shared Library Not Found",
                              13: "Function Not Found", 15: "GPU is lost"}.get(value, "Unknown"))
            self.value = value

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.calls: list[tuple[str, tuple]] = []

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("nvml") or name not in self.values:
            raise AttributeError(name)

        def call(*args: Any) -> Any:
            self.calls.append((name, args))
            value = self.values[name]
            if isinstance(value, int) and value < 0:
                raise self.NVMLError(-value)
            return value

        return call


NVML_VALUES = {
    "nvmlInit": None, "nvmlSystemGetDriverVersion": "580.159.04", "nvmlDeviceGetCount": 1,
    "nvmlDeviceGetHandleByIndex": "handle-0", "nvmlDeviceGetName": b"NVIDIA GeForce RTX 4090",
    "nvmlDeviceGetTemperatureV": 58, "nvmlDeviceGetTemperature": 57,
    "nvmlDeviceGetPowerUsage": 301250, "nvmlDeviceGetPowerManagementLimit": 450000,
    "nvmlDeviceGetPowerManagementLimitConstraints": [150000, 600000],
    "nvmlDeviceGetPowerManagementDefaultLimit": 450000,
    "nvmlDeviceGetCurrentClocksEventReasons": 4,
    "nvmlDeviceGetCurrentClocksThrottleReasons": 64,
    "nvmlDeviceSetPowerManagementLimit": None,
}


def _nvml_backend(gpu: Gpu, **changes: Any) -> tuple[Any, StandInNvml]:
    from nvml_backend import NvmlBackend

    stand_in = StandInNvml({**NVML_VALUES, **changes})
    backend = NvmlBackend(stand_in)
    backend.open()
    return backend, stand_in


def test_nvml_backend_uses_the_v_temperature_call_and_watts(gpu: Gpu) -> None:
    backend, nvml = _nvml_backend(gpu)
    assert backend.name(0) == "NVIDIA GeForce RTX 4090"
    assert backend.temperature(0) == 58
    assert ("nvmlDeviceGetTemperatureV", ("handle-0", 0)) in nvml.calls
    assert "nvmlDeviceGetTemperature" not in [name for name, _ in nvml.calls]
    assert backend.power_draw(0) == 301.25
    assert backend.power_limit_range(0) == (150.0, 600.0)
    assert backend.clock_event_reasons(0) == 4
    backend.set_power_limit(0, 350.0)  # the stand-in's setter, never a real one
    assert nvml.calls[-1] == ("nvmlDeviceSetPowerManagementLimit", ("handle-0", 350000))


@pytest.mark.parametrize("missing", [{"nvmlDeviceGetTemperatureV": -13},  # older driver
                                     {"nvmlDeviceGetTemperatureV": None}])  # older pynvml
def test_nvml_backend_falls_back_to_the_older_temperature_call(gpu: Gpu,
                                                               missing: dict) -> None:
    values = {key: value for key, value in missing.items() if value is not None}
    backend, nvml = _nvml_backend(gpu, **values)
    if not values:
        del nvml.values["nvmlDeviceGetTemperatureV"]
    assert backend.temperature(0) == 57
    assert nvml.calls[-1] == ("nvmlDeviceGetTemperature", ("handle-0", 0))


def test_nvml_backend_falls_back_to_throttle_reasons(gpu: Gpu) -> None:
    backend, _ = _nvml_backend(gpu, nvmlDeviceGetCurrentClocksEventReasons=-13)
    assert backend.clock_event_reasons(0) == 64


@pytest.mark.parametrize(("code", "error"), [(3, "NotSupported"), (4, "NoPermission"),
                                             (15, "GpuLost"), (999, "GpuError")])
def test_nvml_errors_become_backend_errors(gpu: Gpu, code: int, error: str) -> None:
    import backend as interface

    backend, _ = _nvml_backend(gpu, nvmlDeviceGetPowerManagementLimit=-code)
    with pytest.raises(interface.GpuError) as caught:
        backend.power_limit(0)
    assert type(caught.value).__name__ == error


@pytest.mark.parametrize("code", [9, 12])
def test_nvml_init_without_a_driver_is_no_driver(gpu: Gpu, code: int) -> None:
    import backend as interface
    from nvml_backend import NvmlBackend

    with pytest.raises(interface.NoDriver):
        NvmlBackend(StandInNvml({"nvmlInit": -code})).open()


def test_read_only_backend_refuses_every_write(gpu: Gpu) -> None:
    import backend as interface
    from fake_backend import ScenarioBackend

    fake = ScenarioBackend()
    read_only = interface.ReadOnlyBackend(fake)
    assert read_only.power_limit(0) == 320.0
    for call, arguments in [("set_power_limit", (0, 200.0)), ("lock_gpu_clocks", (0, 1, 2)),
                            ("reset_gpu_clocks", (0,)), ("set_fan_speed", (0, 0, 50)),
                            ("set_default_fan_speed", (0, 0))]:
        with pytest.raises(interface.WriteRefused):
            getattr(read_only, call)(*arguments)
    assert fake.writes == []
    assert read_only.refused == sorted(interface.WRITE_METHODS, key=[
        "set_power_limit", "lock_gpu_clocks", "reset_gpu_clocks", "set_fan_speed",
        "set_default_fan_speed"].index)


def test_check_real_gpu_prints_no_driver_here() -> None:
    done = subprocess.run([sys.executable, str(SOURCE / "check_real_gpu.py")],
                          capture_output=True, text=True, timeout=60)
    if done.returncode == 0:
        pytest.skip("this machine has an NVIDIA driver")
    assert (done.returncode, done.stdout.strip()) == (1, NO_DRIVER)


def test_check_real_gpu_runs_only_reads(gpu: Gpu, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import check_real_gpu
    from fake_backend import ScenarioBackend

    fake = ScenarioBackend({"gpus": [geforce()]})
    monkeypatch.setattr(check_real_gpu, "NvmlBackend", lambda: fake)
    assert check_real_gpu.main() == 0
    printed = capsys.readouterr().out
    assert printed == (f"1 NVIDIA GPU:\n- {G0}: 16.0 GiB memory, power limit 320 W, 2 fans\n\n"
                       + GEFORCE_STATUS + "\n")
    assert fake.writes == []


# -- the manifest and start-up ----------------------------------------------------------------

def test_writes_are_tagged_write_and_reads_are_not() -> None:
    manifest = json.loads((SOURCE / "manifest.json").read_text(encoding="utf-8"))
    tagged = {f["name"] for f in manifest["functions"] if "write" in f["tags"]}
    assert tagged == set(WRITES)
    assert {f["name"] for f in manifest["functions"]} == set(WRITES) | {"get_gpu_status",
                                                                        "list_gpus"}


def test_manifest_is_current_and_start_up_imports_no_gpu_library() -> None:
    fresh = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=SOURCE,
                           capture_output=True, text=True, timeout=60)
    assert fresh.returncode == 0, fresh.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, plugin; print(sorted(m for m in ('pynvml', "
         "'fake_backend', 'nvml_backend') if m in sys.modules))"],
        cwd=SOURCE, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "[]", probe.stderr


# -- engine-style: built, isolated, real pipes ------------------------------------------------

def _scenario_in(folder: Path, *boards: dict[str, Any]) -> dict[str, Any]:
    (folder / "scenario.json").write_text(json.dumps({"gpus": list(boards)}), encoding="utf-8")
    return {"backend": "fake", "fake_scenario": "scenario.json"}


@pytest.mark.e2e
def test_emulator_run_with_a_confirmed_write(sample_copy, run_sample) -> None:
    folder = sample_copy("gpu")
    with run_sample(folder, config=_scenario_in(folder, geforce(), datacenter())) as run:
        listed = run.call("list_gpus")
        asked = run.call("set_gpu_power_limit", watts=260, gpu="4080")
        done = run.input("yes")
        status = run.call("get_gpu_status", gpu="0")
        run.call("set_gpu_fan_speed", percent=80, gpu="0")
        cancelled = run.input("no")
    assert listed.success and listed.text.startswith("2 NVIDIA GPUs:\n")
    assert asked.keep_session and asked.text.endswith(CONFIRM)
    assert done.success and done.text.startswith(f"Done: {G0}'s power limit is now 260 W")
    assert "limit 260 W (allowed 150–360 W, default 320 W)" in status.text
    assert cancelled.text == "Cancelled: the fan speed change was not made. Nothing was changed."
    log = run.log_text()
    assert "fake GPU 0: set_power_limit watts=260.0" in log
    assert "set_fan_speed" not in log.split("set_power_limit watts=260.0", 1)[1]


@pytest.mark.e2e
def test_emulator_run_without_a_driver_answers_no_driver(sample_copy, run_sample) -> None:
    folder = sample_copy("gpu")
    with run_sample(folder) as run:  # no config.json: backend nvml, and no driver here
        status = run.call("get_gpu_status")
        listed = run.call("list_gpus")
    if status.success:
        pytest.skip("this machine has an NVIDIA driver")
    for reply in (status, listed):
        assert (reply.failure, reply.text) == ("plugin", NO_DRIVER)
    # The read-only check runs from the built folder too, on its libs/ alone (-S: no site).
    checked = subprocess.run([sys.executable, "-S", "-E", "check_real_gpu.py"], cwd=folder,
                             capture_output=True, text=True, timeout=60)
    assert (checked.returncode, checked.stdout.strip()) == (1, NO_DRIVER), checked.stderr


@pytest.mark.e2e
def test_check_passes_with_writes_skipped(sample_copy, tmp_path: Path) -> None:
    from gassist_build.host.scorecard import run_check

    folder = sample_copy("gpu")
    (folder / "config.json").write_text(json.dumps(_scenario_in(folder, geforce())))
    card = run_check(folder, log_dir=tmp_path)
    assert card.ok, card.to_dict()
    statuses = {item.key: item.status for item in card.items}
    assert {statuses[f"call:{name}"] for name in WRITES} == {"skip"}
    assert statuses["call:get_gpu_status"] == statuses["call:list_gpus"] == "pass"


@pytest.mark.slow
@pytest.mark.e2e
def test_executable_build_answers_through_the_executable(sample_copy, run_sample) -> None:
    folder = sample_copy("gpu", "exe")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["executable"].startswith("g-assist-plugin-gpu")
    with run_sample(folder, config=_scenario_in(folder, geforce())) as run:
        asked = run.call("set_gpu_power_limit", watts=300)
        done = run.input("yes")
    assert asked.keep_session
    assert done.success and done.text.startswith(f"Done: {G0}'s power limit is now 300 W")
    with run_sample(folder, config={"backend": "nvml"}) as run:
        status = run.call("get_gpu_status")
    if not status.success:  # pynvml is bundled: it found no driver, not no package
        assert status.text == NO_DRIVER


@pytest.mark.e2e
def test_readme_demo_through_gassist_build_chat(sample_copy) -> None:
    folder = sample_copy("gpu")
    (folder / "config.json").write_text('{"backend": "fake"}')
    script = "/gpu set_gpu_power_limit watts=250\nyes\n/gpu list_gpus\n/quit\n"
    assert script.replace("\n", "\\n") in (SOURCE / "README.md").read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "chat", str(folder)],
                          input=script, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    shown = done.stdout + done.stderr
    assert ("gpu> Done: GPU 0 (Fake NVIDIA GeForce RTX 4080)'s power limit is now 250 W (read "
            "back from the driver).") in shown
    assert "- GPU 0 (Fake NVIDIA GeForce RTX 4080): 16.0 GiB memory, power limit 250 W" in shown


def _troubleshooting_replies(gpu: Gpu, client: PluginClient) -> str:
    """What the plug-in answers in each situation README.md's Troubleshooting covers."""
    replies = []

    def say(function: str, answer: str | None = None, **arguments: Any) -> None:
        reply = client.call(function, **arguments)
        replies.append(reply.text)
        if answer is not None:
            replies.append(client.input(answer).text)

    gpu.configure(backend="nvml")
    say("get_gpu_status")
    gpu.configure(geforce(faults={"set_power_limit": "no_permission"},
                          unsupported=["lock_gpu_clocks"]),
                  datacenter(faults={"temperature": "gpu_lost"}))
    say("set_gpu_power_limit", "yes", watts=250, gpu="0")
    say("lock_gpu_clocks", "yes", min_mhz=1000, max_mhz=2000, gpu="0")
    say("set_gpu_fan_speed", percent=50, gpu="1")
    say("set_gpu_power_limit", watts=250)
    say("get_gpu_status", gpu="radeon")
    say("get_gpu_status", gpu="7")
    say("get_gpu_status", gpu="1")
    gpu.configure(geforce(unsupported=["power_limit_range"]))
    say("set_gpu_power_limit", watts=250)
    gpu.configure(geforce(ignore_writes=["set_power_limit"]))
    say("set_gpu_power_limit", "yes", watts=250)
    say("set_gpu_power_limit", "no", watts=250)
    gpu.configure(geforce(), dry_run=True)
    say("set_gpu_power_limit", watts=250)
    (gpu.folder / "scenario.json").unlink()
    gpu.configure(backend="fake")
    (gpu.folder / "config.json").write_text('{"backend": "fake", "fake_scenario": "gone.json"}')
    say("get_gpu_status")
    (gpu.folder / "gone.json").write_text("{oops")
    say("get_gpu_status")
    return "\n".join(replies)


def test_readme_has_setup_prompts_safety_and_troubleshooting_by_real_text(
        gpu: Gpu, client: PluginClient) -> None:
    readme = (SOURCE / "README.md").read_text(encoding="utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    for heading in ("## Setup", "## Example prompts", "## Safety", "## Troubleshooting"):
        assert heading in headings
    prompts = readme.split("## Example prompts", 1)[1].split("\n## ", 1)[0]
    assert sum(line.startswith('- "') for line in prompts.splitlines()) >= 5
    # Every troubleshooting entry quotes what the plug-in really answers ("…" marks a gap).
    replies = " ".join(_troubleshooting_replies(gpu, client).split())
    troubles = readme.split("## Troubleshooting", 1)[1]
    quoted = re.findall(r'\*\*"(.+?)"\*\*', troubles, flags=re.DOTALL)
    assert len(quoted) >= 12
    for text in quoted:
        for piece in text.split("…"):
            piece = " ".join(piece.split()).strip()
            if len(piece) > 3:
                assert piece in replies, piece


def test_a_gpu_lost_while_choosing_by_name_is_a_sentence_not_a_bug(
        gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(), datacenter(faults={"name": "gpu_lost"}))
    reply = client.call("get_gpu_status", gpu="geforce")
    assert (reply.success, reply.text) == (True, GEFORCE_STATUS)  # the lost one has no name
    gpu.configure(geforce(faults={"fan_speed_range": "gpu_lost"}))
    lost = client.call("set_gpu_fan_speed", percent=50)
    assert (lost.success, lost.error_code, lost.text) == (
        False, None, "A GPU stopped responding (the driver reports the GPU is lost). Save your "
                     "work and restart the PC.")


def test_an_edited_scenario_file_starts_a_fresh_fake(gpu: Gpu, client: PluginClient) -> None:
    confirm(client, "set_gpu_power_limit", watts=250)
    assert "limit 250 W" in client.call("get_gpu_status").text  # the write is remembered
    gpu.configure(geforce(temperature_c=75))
    status = client.call("get_gpu_status").text
    assert "- Temperature: 75 °C" in status and "limit 320 W" in status
    assert len(sys.modules["gpu_core"]._backends) == 1


def test_restore_skips_what_the_board_does_not_offer_and_still_succeeds(
        gpu: Gpu, client: PluginClient) -> None:
    gpu.configure(geforce(unsupported=["reset_gpu_clocks", "set_default_fan_speed"]))
    _, done = confirm(client, "restore_gpu_defaults")
    assert done.success
    assert done.text == ("Defaults restored (read back from the driver):\n\n"
                         f"**{G0}**\n- done: power limit 320 W\n"
                         "- skipped unlocking the graphics clock: this GPU doesn't allow it\n"
                         "- skipped giving the fans back to automatic control: this GPU doesn't "
                         "allow it")


def test_an_edit_within_one_timestamp_tick_still_starts_a_fresh_fake(
        gpu: Gpu, client: PluginClient) -> None:
    # File times tick coarsely (a few ms, up to 2 s on FAT): a quick edit of the same size
    # can keep the old time, and must still be seen.
    import os

    scenario = gpu.folder / "scenario.json"
    assert "- Temperature: 61 °C" in client.call("get_gpu_status").text
    before = scenario.stat()
    gpu.configure(geforce(temperature_c=75))
    assert scenario.stat().st_size == before.st_size
    os.utime(scenario, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "- Temperature: 75 °C" in client.call("get_gpu_status").text


@pytest.mark.parametrize(("said", "function"), [
    ("what's my GPU usage", "get_gpu_status"),  # was routed to reset_gpu_clocks, a write
    ("is my graphics card throttling", "get_gpu_status"),
    ("how hot is my graphics card", "get_gpu_status"),
    ("what's holding my clocks back", "get_gpu_status"),
    ("which graphics card do I have", "list_gpus"),
])
def test_the_manifest_carries_what_users_say(said: str, function: str) -> None:
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", "route", str(SOURCE), said,
                           "--json"], capture_output=True, text=True, timeout=60)
    decision = json.loads(done.stdout)
    assert (decision["function"], decision["arguments"]) == (function, {}), decision
