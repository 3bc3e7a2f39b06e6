# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``make demo``: the whole tool chain, offline, on the sample plug-ins.

Scaffolds a plug-in from a template, validates and builds the samples (source
mode, and one as a PyInstaller one-folder executable), installs them into a
local plug-ins folder, then runs a scripted session through the engine
emulator and the conformance scorecard. The Twitch, IFTTT and Discord samples
answer from local stand-ins for those services (``gassist_build.standins``, on
127.0.0.1), so the session shows real answers and the demo stays offline. Every
step is a real ``gassist-build`` command, printed before it runs, so the output
doubles as a tutorial.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .standins import LocalServices, write_screenshot

REPO = Path(__file__).resolve().parents[2]

CHAT_SCRIPT = """\
/hello say_hello name=Ada
/hello count_to number=5
/hello count_to number=500
/hello start_chat
G-Assist plug-ins are fun to write
bye
/{new} {sample_call}
{services}/quit
"""

#: The samples that call a web service, and what the session asks each (answered by the
#: stand-ins in gassist_build.standins: pixel_pioneer is live, sleepy_streamer is not).
SERVICE_CHAT: dict[str, tuple[str, ...]] = {
    "twitch": (
        "/twitch check_twitch_live_status username=pixel_pioneer",
        "/twitch check_twitch_live_status username=sleepy_streamer,nightowl_gg",
        "/twitch get_top_twitch_streams limit=3",
    ),
    "ifttt": ("/ifttt trigger_gaming_setup",),
    "discord": (
        '/discord send_message_to_discord_channel "message=GG! Ranked queue in 5 minutes."',
        '/discord send_latest_screenshot_to_discord_channel "caption=New personal best"',
    ),
}


class DemoFailed(Exception):
    """A step failed; the message says which."""


def _say(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def _run(args: list[str], *, stdin: str | None = None, cwd: Path = REPO,
         env: dict[str, str] | None = None, allow: tuple[int, ...] = (0,)) -> float:
    shown = " ".join(["gassist-build", *args])
    print(f"$ {shown}", flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gassist_build.cli", *args], cwd=cwd,
                          input=stdin, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in allow:
        raise DemoFailed(f"`{shown}` exited with {done.returncode}")
    print(f"   ({elapsed:.1f} s)", flush=True)
    return elapsed


def _sample_call(plugin_dir: Path) -> str:
    """``function key=value…`` for the plug-in's first function, required arguments filled."""
    from .host import load_plugin_spec  # parses both manifest parameter forms

    function = load_plugin_spec(plugin_dir).functions[0]
    samples = {"string": "Oslo", "integer": "3", "number": "1.5", "boolean": "true"}
    words = [function.name]
    for name in function.required:
        spec = function.properties.get(name, {})
        value = spec.get("enum", [samples.get(spec.get("type", "string"), "x")])[0]
        words.append(f"{name}={value}")
    return " ".join(words)


def _write_config(path: Path, config: dict[str, object]) -> None:
    """config.json with the demo keys: owner-only, never printed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(config, file, indent=2)
        file.write("\n")


def _point_samples_at(services: LocalServices, plugins: Path, workdir: Path) -> list[str]:
    """Write each installed service sample's config.json for the stand-ins; the ready ones."""
    captures = workdir / "captures"
    screenshot = write_screenshot(captures)
    configs = services.plugin_configs(captures)
    urls = services.public_urls()
    ready = []
    for name in SERVICE_CHAT:
        if not (REPO / "plugins" / name / "plugin.py").exists():
            print(f"{name}: skipped, plugins/{name} does not exist yet", flush=True)
            continue
        if not (plugins / name).is_dir():
            print(f"{name}: skipped, it was not installed", flush=True)
            continue
        _write_config(plugins / name / "config.json", configs[name])
        settings = ", ".join(f"{key} {value}" for key, value in urls[name].items())
        print(f"{name}: {settings} (written to {plugins / name / 'config.json'})", flush=True)
        ready.append(name)
    if "discord" in ready:
        print(f"discord: newest screenshot {screenshot.relative_to(workdir)}", flush=True)
        webhook_only = {**configs["discord"], "bot_token": "", "channel_id": ""}
        _write_config(workdir / "discord-webhook.json", webhook_only)
    return ready


def _report_received(services: LocalServices) -> None:
    """What each stand-in got, without its keys (they are in the URLs and headers)."""
    helix = services.twitch.requests_to(r"/helix/.*")
    print(f"Twitch: {services.twitch.tokens_issued} app token(s) issued (cached in the plug-in's"
          f" auth.json), {len(helix)} Helix request(s):", flush=True)
    for request in helix:
        query = "&".join(f"{key}={value}" for key, value in request.query)
        print(f"   {request.method} {request.path}{'?' + query if query else ''}")
    print(f"IFTTT: {len(services.ifttt.triggers)} event(s) fired:")
    for trigger in services.ifttt.triggers:
        values = ", ".join(f"{key}={value!r}" for key, value in sorted(trigger.values.items()))
        print(f"   {trigger.event}: {values}")
    print(f"Discord: {len(services.discord.messages)} message(s) posted:")
    for message in services.discord.messages:
        files = "".join(f" + {item.filename} ({len(item.data)} bytes)"
                        for item in message.attachments)
        print(f"   via {message.via} to channel {message.channel_id}: {message.content!r}{files}",
              flush=True)


def run_demo(workdir: Path, *, exe: bool = True) -> None:
    """Run every step in ``workdir`` (wiped first)."""
    started = time.perf_counter()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    src, dist, plugins = workdir / "src", workdir / "dist", workdir / "plugins"
    env = dict(os.environ, GASSIST_LOG_DIR=str(workdir / "logs"))

    _say("1. Scaffold a new plug-in from the 'basic' template")
    _run(["new", "weather", "--template", "basic", "--output-dir", str(src), "--no-input"])
    new_plugin = src / "weather"

    _say("2. Validate the plug-ins (manifest generated from code, checked against it)")
    sources = [REPO / "plugins" / p.name for p in sorted((REPO / "plugins").iterdir())
               if (p / "plugin.py").exists()] + [new_plugin]
    for plugin in sources:
        _run(["validate", str(plugin)])

    _say("3. Build them in source mode (plugin.py + libs/, what V2 engines run)")
    for plugin in sources:
        _run(["build", str(plugin), "--out", str(dist), "--offline"])

    if exe:
        _say("4. Build hello as a one-folder executable with PyInstaller")
        _run(["build", str(REPO / "plugins" / "hello"), "--mode", "exe",
              "--out", str(workdir / "dist-exe")])
        _run(["call", str(workdir / "dist-exe" / "hello"), "say_hello", "name=executable"],
             env=env)

    _say("5. Install into a local plug-ins folder (twice: the second run keeps user config)")
    for built in sorted(dist.iterdir()):
        _run(["install", str(built), "--plugins-dir", str(plugins)])
    _run(["install", str(dist / "weather"), "--plugins-dir", str(plugins)])

    with LocalServices() as services:
        _say("6. Local stand-ins for Twitch, IFTTT and Discord (127.0.0.1, fake keys)")
        ready = _point_samples_at(services, plugins, workdir)
        # A proxy from the environment must not be asked for 127.0.0.1.
        env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")

        _say("7. A scripted session through the engine emulator")
        lines = "".join(f"{line}\n" for name in ready for line in SERVICE_CHAT[name])
        script = CHAT_SCRIPT.format(new="weather", sample_call=_sample_call(new_plugin),
                                    services=lines)
        print(script.replace("\n", "\n   | ").rstrip("| "), flush=True)
        _run(["chat", "--plugins-dir", str(plugins)], stdin=script, env=env)
        if "discord" in ready:
            print("\nThe Discord sample also works with only a webhook (no bot); "
                  "--config points it at another config file:", flush=True)
            _run(["call", str(plugins / "discord"), "send_message_to_discord_channel",
                  "message=Posted through the webhook", "--config",
                  str(workdir / "discord-webhook.json")], env=env)

        _say("8. What the stand-ins received")
        _report_received(services)

    _say("9. The conformance scorecard, as the engine would see hello")
    _run(["check", str(plugins / "hello")], env=env)

    print(f"\nDemo finished in {time.perf_counter() - started:.0f} s. Everything it made is in "
          f"{workdir}.\nNext: `. .venv/bin/activate`, then `gassist-build new myplugin`"
          " (see README.md).", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m gassist_build.demo``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=REPO / ".demo")
    parser.add_argument("--no-exe", action="store_true", help="skip the PyInstaller build")
    options = parser.parse_args(argv)
    try:
        run_demo(options.workdir, exe=not options.no_exe)
    except DemoFailed as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
