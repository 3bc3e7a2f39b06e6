# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Test fixture: its code registers other functions than manifest.json declares.

Stdlib only. Like an SDK plug-in it prints its manifest for ``--manifest``;
it serves no protocol.
"""

from __future__ import annotations

import json
import sys

MANIFEST = {
    "manifestVersion": 1,
    "name": "weather",
    "version": "2.0.0",
    "description": "Current weather and forecasts",
    "executable": "plugin.py",
    "persistent": True,
    "protocol_version": "2.0",
    "functions": [
        {
            "name": "get_weather",
            "description": "Gets the current weather for a city.",
            "tags": ["weather", "temperature", "rain"],
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Berlin."},
                "units": {
                    "type": "boolean",
                    "description": "Unit system.",
                    "enum": ["metric", "imperial"],
                },
                "days": {"type": "integer", "description": "Days."},
            },
            "required": ["city", "days"],
        },
        {
            "name": "get_alerts",
            "description": "Gets weather alerts.",
            "tags": [],
            "properties": {},
            "required": [],
        },
    ],
}

if __name__ == "__main__":
    if sys.argv[1:] != ["--manifest"]:
        sys.exit("fixture plug-in: only --manifest is supported")
    print(json.dumps(MANIFEST, indent=2))
