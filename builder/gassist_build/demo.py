# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``make demo``: the whole tool chain, offline, on the sample plug-ins.

Scaffolds a plug-in from a template, validates and builds the samples (source
mode, and one as a PyInstaller one-folder executable), installs them into a
local plug-ins folder, then runs a scripted session through the engine
emulator, typed as a user would speak (each line routed to a plug-in's
function by the built-in offline router, its decision shown before the call),
and the conformance scorecard. The Twitch, IFTTT, Discord, Gemini and
Spotify samples answer from local stand-ins for those services
(``gassist_build.standins``, on 127.0.0.1) and the GPU sample from its scenario
fake, so the session shows real answers and the demo stays offline. Every
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

#: The session types what a user would say; each line is routed by the built-in offline
#: router (``gassist-build route``), which prints its decision (``→ plugin.function
#: arguments``) and why before the call. A few lines keep the exact form,
#: ``/plugin function key=value``, to show both.
CHAT_SCRIPT = """\
say hello to Ada
count to 5
/hello count_to number=500
start a chat with hello
G-Assist plug-ins are fun to write
bye
/{new} {sample_call}
{services}/quit
"""

#: The samples that call a web service, and what the session asks each (answered by the
#: stand-ins in gassist_build.standins: pixel_pioneer is live, sleepy_streamer is not).
SERVICE_CHAT: dict[str, tuple[str, ...]] = {
    "twitch": (
        "Hey twitch, is pixel_pioneer live?",
        "is sleepy_streamer or nightowl_gg live?",
        "/twitch get_top_twitch_streams limit=3",
    ),
    "ifttt": ("start my gaming setup",),
    "discord": (
        "send 'GG! Ranked queue in 5 minutes.' to discord",
        "send my last screenshot to discord with the caption 'New personal best'",
    ),
    # A streamed, grounded answer, a follow-up in the open chat, then "done" ends it.
    "gemini": (
        "Hey gemini, when does Starfall Drift season 3 start?",
        "Which GPU do I need for its ray tracing?",
        "done",
    ),
    "spotify": (
        "play Boss Rush by Aurora Nine on spotify",
        "what's playing",
        "pause the music",
        "what's playing now?",
        "/spotify spotify_get_user_playlists limit=5",
    ),
}

#: Samples that need no web service, with the config.json the demo gives them and what the
#: session asks: the GPU sample runs on its built-in scenario fake (a GeForce-like board),
#: and its power-limit change is applied only after the "yes".
LOCAL_CHAT: dict[str, tuple[dict[str, object], tuple[str, ...], tuple[str, ...]]] = {
    # name: (config, functions it must have, chat lines)
    "gpu": ({"backend": "fake", "dry_run": False},
            ("get_gpu_status", "set_gpu_power_limit"),
            ("what's my GPU status", "set the GPU power limit to 250 watts", "yes")),
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


def _installed(name: str, plugins: Path) -> bool:
    """Whether the sample exists and was installed; says why not when it was not."""
    if not (REPO / "plugins" / name / "plugin.py").exists():
        print(f"{name}: skipped, plugins/{name} does not exist yet", flush=True)
        return False
    if not (plugins / name).is_dir():
        print(f"{name}: skipped, it was not installed", flush=True)
        return False
    return True


def _point_samples_at(services: LocalServices, plugins: Path, workdir: Path) -> list[str]:
    """Write each installed service sample's config.json for the stand-ins; the ready ones."""
    captures = workdir / "captures"
    screenshot = write_screenshot(captures)
    configs = services.plugin_configs(captures)
    caches = services.plugin_token_caches()
    urls = services.public_urls()
    ready = []
    for name in SERVICE_CHAT:
        if not _installed(name, plugins):
            continue
        _write_config(plugins / name / "config.json", configs[name])
        settings = ", ".join(f"{key} {value}" for key, value in urls[name].items())
        print(f"{name}: {settings} (written to {plugins / name / 'config.json'})", flush=True)
        if name in caches:
            _write_config(plugins / name / "auth.json", caches[name])
            print(f"{name}: signed in by a pre-written auth.json (no browser sign-in; its "
                  "access token is already expired, so the first call refreshes it through "
                  "the accounts stand-in)", flush=True)
        ready.append(name)
    if "discord" in ready:
        print(f"discord: newest screenshot {screenshot.relative_to(workdir)}", flush=True)
        webhook_only = {**configs["discord"], "bot_token": "", "channel_id": ""}
        _write_config(workdir / "discord-webhook.json", webhook_only)
    return ready


def _prepare_local_samples(plugins: Path) -> list[str]:
    """Write config.json for the samples that need no service; the ready ones."""
    from .host import load_plugin_spec

    ready = []
    for name, (config, needed, _lines) in LOCAL_CHAT.items():
        if not _installed(name, plugins):
            continue
        functions = {f.name for f in load_plugin_spec(plugins / name).functions}
        missing = [f for f in needed if f not in functions]
        if missing:
            print(f"{name}: skipped, plugins/{name} has no {', '.join(missing)} yet", flush=True)
            continue
        _write_config(plugins / name / "config.json", config)
        settings = ", ".join(f"{key} {json.dumps(value)}" for key, value in config.items())
        print(f"{name}: {settings} (the built-in scenario fake: no GPU is touched)", flush=True)
        ready.append(name)
    return ready


def _chat_lines(name: str) -> tuple[str, ...]:
    return SERVICE_CHAT[name] if name in SERVICE_CHAT else LOCAL_CHAT[name][2]


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
    questions = services.gemini.questions
    print(f"Gemini: {len(questions)} question(s), each answered as a stream of server-sent "
          "events:")
    for question in questions:
        grounded = "grounded in Google Search" if question.grounded else "not grounded"
        pieces = len(services.gemini.answer_for(question.last_user_text).pieces)
        print(f"   {question.model}, {len(question.turns)} turn(s), {grounded}, {pieces} "
              f"pieces: {question.last_user_text!r}")
    spotify = services.spotify
    print(f"Spotify: {spotify.tokens_issued['refresh_token']} token refresh(es), "
          f"{len(spotify.commands)} player command(s):")
    for command, detail in spotify.commands:
        print(f"   {command}{' ' + detail if detail else ''}", flush=True)


def run_demo(workdir: Path, *, exe: bool = True) -> None:
    """Run every step in ``workdir`` (wiped first)."""
    started = time.perf_counter()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    src, dist, plugins = workdir / "src", workdir / "dist", workdir / "plugins"
    # Every plug-in log lands here (the hosts pass it on as GASSIST_LOG_DIR), so the demo's
    # test can check that no key or token reached one.
    logs = workdir / "logs"
    env = dict(os.environ, GASSIST_LOG_DIR=str(logs))

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
        _run(["call", str(workdir / "dist-exe" / "hello"), "say_hello", "name=executable",
              "--log-dir", str(logs)],
             env=env)

    _say("5. Install into a local plug-ins folder (twice: the second run keeps user config)")
    for built in sorted(dist.iterdir()):
        _run(["install", str(built), "--plugins-dir", str(plugins)])
    _run(["install", str(dist / "weather"), "--plugins-dir", str(plugins)])

    with LocalServices() as services:
        _say("6. Local stand-ins for Twitch, IFTTT, Discord, Gemini and Spotify (127.0.0.1, "
             "fake keys); the GPU sample on its scenario fake")
        ready = _point_samples_at(services, plugins, workdir) + _prepare_local_samples(plugins)
        # A proxy from the environment must not be asked for 127.0.0.1.
        env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")

        _say("7. A scripted session through the engine emulator")
        lines = "".join(f"{line}\n" for name in ready for line in _chat_lines(name))
        script = CHAT_SCRIPT.format(new="weather", sample_call=_sample_call(new_plugin),
                                    services=lines)
        print(script.replace("\n", "\n   | ").rstrip("| "), flush=True)
        _run(["chat", "--plugins-dir", str(plugins), "--log-dir", str(logs)], stdin=script,
             env=env)
        if "discord" in ready:
            print("\nThe Discord sample also works with only a webhook (no bot); "
                  "--config points it at another config file:", flush=True)
            _run(["call", str(plugins / "discord"), "send_message_to_discord_channel",
                  "message=Posted through the webhook", "--config",
                  str(workdir / "discord-webhook.json"), "--log-dir", str(logs)], env=env)

        _say("8. What the stand-ins received")
        _report_received(services)

    _say("9. The conformance scorecard, as the engine would see hello")
    _run(["check", str(plugins / "hello"), "--log-dir", str(logs)], env=env)

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
