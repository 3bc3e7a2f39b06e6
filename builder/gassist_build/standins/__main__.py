# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``python -m gassist_build.standins``: serve the stand-ins until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .services import LocalServices, write_screenshot
from .twitch import DEMO_CHANNELS


def _write_private(path: Path, document: dict[str, object]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(document, file, indent=2)
        file.write("\n")


def write_configs(services: LocalServices, folder: Path) -> dict[str, Path]:
    """One ``<plug-in>.json`` per sample in ``folder`` (owner-only: they hold the demo keys),
    and ``<plug-in>-auth.json`` for a sample that caches a sign-in (Spotify)."""
    folder.mkdir(parents=True, exist_ok=True)
    captures = folder / "captures"
    write_screenshot(captures)
    written = {}
    for name, config in services.plugin_configs(captures).items():
        path = folder / f"{name}.json"
        _write_private(path, config)
        written[name] = path
    for name, token in services.plugin_token_caches().items():
        path = folder / f"{name}-auth.json"
        _write_private(path, token)
        written[f"{name}-auth"] = path
    return written


def main(argv: list[str] | None = None) -> int:
    """Start the stand-ins, print their URLs and the config files, wait for Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m gassist_build.standins",
        description="Local stand-ins for Twitch, IFTTT, Discord, Gemini and Spotify, "
                    "on 127.0.0.1.")
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="where to write twitch.json, ifttt.json, discord.json, gemini.json, "
                             "spotify.json and spotify-auth.json "
                             "(default: a new private temporary folder)")
    options = parser.parse_args(argv)
    folder = options.config_dir or Path(tempfile.mkdtemp(prefix="gassist-standins-"))
    with LocalServices() as services:
        configs = write_configs(services, folder)
        print("Local stand-ins (fake keys; nothing leaves this machine):")
        for plugin, urls in services.public_urls().items():
            settings = ", ".join(f"{key} {value}" for key, value in urls.items())
            print(f"  {plugin:<8} {settings}")
        live = [c.login for c in DEMO_CHANNELS if c.live]
        offline = [c.login for c in DEMO_CHANNELS if not c.live]
        print(f"Twitch channels: live {', '.join(live)}; offline {', '.join(offline)}")
        print("config.json for each sample (pass it with --config):")
        for plugin, path in configs.items():
            if not plugin.endswith("-auth"):
                print(f"  {plugin:<8} {path}")
        print(f"Copy {configs['spotify-auth']} into the Spotify plug-in's folder as auth.json to "
              "skip its sign-in (or sign in: the stand-in's sign-in page agrees at once).")
        print(f"e.g. gassist-build call plugins/twitch check_twitch_live_status "
              f"username={live[0]} --config {configs['twitch']} --dev")
        print("Serving until Ctrl-C.", flush=True)
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            while not stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
