# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Test fixture: a V2 weather plug-in whose manifest.json is in sync.

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
                    "type": "string",
                    "description": "Unit system.",
                    "enum": ["metric", "imperial"],
                },
            },
            "required": ["city"],
        },
        {
            "name": "get_forecast",
            "description": "Gets the forecast for the next days.",
            "tags": ["forecast"],
            "properties": {
                "city": {"type": "string", "description": "City name."},
                "days": {"type": "integer", "description": "How many days ahead (1-7)."},
            },
            "required": ["city"],
        },
    ],
}

if __name__ == "__main__":
    if sys.argv[1:] != ["--manifest"]:
        sys.exit("fixture plug-in: only --manifest is supported")
    print(json.dumps(MANIFEST, indent=2))
