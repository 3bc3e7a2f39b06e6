# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``make demo``: the whole tool chain, offline, on the sample plug-ins.

Scaffolds a plug-in from a template, validates and builds the samples (source
mode, and one as a PyInstaller one-folder executable), installs them into a
local plug-ins folder, then runs a scripted session through the engine
emulator and the conformance scorecard. Every step is a real ``gassist-build``
command, printed before it runs, so the output doubles as a tutorial.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHAT_SCRIPT = """\
/hello say_hello name=Ada
/hello count_to number=5
/hello count_to number=500
/hello start_chat
G-Assist plug-ins are fun to write
bye
/{new} {sample_call}
demo-key-not-real-0000
/{new} {sample_call}
/quit
"""


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

    _say("6. A scripted session through the engine emulator")
    script = CHAT_SCRIPT.format(new="weather", sample_call=_sample_call(new_plugin))
    print(script.replace("\n", "\n   | ").rstrip("| "), flush=True)
    _run(["chat", "--plugins-dir", str(plugins)], stdin=script, env=env)

    _say("7. The conformance scorecard, as the engine would see hello")
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
