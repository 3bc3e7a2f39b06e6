# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The JSON Schema (draft 2020-12) of a G-Assist plug-in's ``manifest.json``.

:data:`MANIFEST_SCHEMA` is the single source of truth; ``manifests/manifest.schema.json``
is generated from it with :func:`write_schema` (``python -m gassist_build.manifest.schema``) and a
test fails when the checked-in copy is stale. Key order is fixed by the literal below so
the generated file diffs cleanly.

The schema describes the union of every manifest shape G-Assist has accepted: V1
(no ``protocol_version``) and V2 (``"2.0"``), and function parameters in either the
flat form (``properties`` + ``required`` beside the function's ``name``) or the JSON
Schema form (a ``parameters`` object). Unknown keys are allowed because engines add
fields; the validator reports them as warnings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "FUNCTION_KEYS",
    "MANIFEST_SCHEMA",
    "PARAMETER_TYPES",
    "TOP_LEVEL_KEYS",
    "render_schema",
    "write_schema",
]

# The parameter types G-Assist's model is shown; "object" for nested JSON-Schema parameters.
PARAMETER_TYPES: tuple[str, ...] = ("string", "number", "integer", "boolean", "array", "object")

_PARAMETER: dict[str, Any] = {
    "type": "object",
    "description": "One parameter of a function, as a small JSON Schema.",
    "required": ["type"],
    "properties": {
        "type": {"enum": list(PARAMETER_TYPES)},
        "description": {
            "type": "string",
            "description": "What the value means; the model reads it to fill the argument.",
        },
        "enum": {"type": "array", "minItems": 1, "uniqueItems": True},
        "items": {"$ref": "#/$defs/parameter"},
        "properties": {"$ref": "#/$defs/parameterMap"},
        "required": {"$ref": "#/$defs/requiredList"},
        "default": {},
        "minimum": {"type": "number"},
        "maximum": {"type": "number"},
    },
}

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "G-Assist plug-in manifest (manifest.json)",
    "description": (
        "Describes a G-Assist plug-in to the engine: how to start it and which functions "
        "it offers. GENERATED from gassist_build/manifest/schema.py; edit that file, not this one."
    ),
    "type": "object",
    "required": ["manifestVersion", "executable", "persistent", "functions"],
    "properties": {
        "$schema": {
            "type": "string",
            "description": "Editor hint pointing at this schema; ignored by G-Assist.",
        },
        "manifestVersion": {
            "type": "integer",
            "const": 1,
            "description": "Always 1, for both protocol versions.",
        },
        "name": {
            "type": "string",
            "minLength": 1,
            "description": (
                "Display name. The engine identifies the plug-in by its folder name, "
                "so keep the two equal."
            ),
        },
        "version": {"type": "string", "minLength": 1, "description": "Plug-in version."},
        "description": {"type": "string", "description": "What the plug-in does."},
        "executable": {
            "type": "string",
            "minLength": 1,
            "description": (
                "Program the engine starts, relative to the plug-in folder: plugin.py, "
                "launch.bat or g-assist-plugin-<name>.exe."
            ),
        },
        "persistent": {
            "type": "boolean",
            "description": (
                "true: one process for the whole G-Assist session; false: started on demand."
            ),
        },
        "protocol_version": {
            "const": "2.0",
            "description": '"2.0" for the JSON-RPC protocol (V2); absent for the legacy V1 pipe.',
        },
        "passthrough": {
            "type": "boolean",
            "description": "Legacy V1: the single function receives follow-up user turns.",
        },
        "tethered": {
            "type": "boolean",
            "description": "Late V1: the plug-in sends heartbeats and may stay in passthrough.",
        },
        "tether_config": {
            "type": "object",
            "description": "Late V1 heartbeat settings, used when tethered is true.",
            "properties": {
                "heartbeat_interval": {"type": "number", "exclusiveMinimum": 0},
                "heartbeat_timeout": {"type": "number", "exclusiveMinimum": 0},
                "onboarding_timeout": {"type": "number", "exclusiveMinimum": 0},
                "allow_passthrough": {"type": "boolean"},
            },
        },
        "mcp": {
            "type": "object",
            "description": "Model Context Protocol bridge settings.",
            "properties": {
                "enabled": {"type": "boolean"},
                "server_url": {"type": "string", "minLength": 1},
                "launch_on_startup": {"type": "boolean"},
                "poll_interval": {"type": "number", "exclusiveMinimum": 0},
                "auto_refresh_session": {"type": "boolean"},
            },
        },
        "functions": {
            "type": "array",
            "description": "The functions the model may call; may be empty.",
            "items": {"$ref": "#/$defs/function"},
        },
    },
    "$defs": {
        "function": {
            "type": "object",
            "required": ["name", "description"],
            "properties": {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "not": {"pattern": "^rise_"},
                    "description": "Function name; the rise_ prefix is reserved by G-Assist.",
                },
                "description": {
                    "type": "string",
                    "minLength": 1,
                    "description": "What the function does; the model reads it to pick functions.",
                },
                "tags": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Intent keywords that help the model route requests.",
                },
                "properties": {
                    "$ref": "#/$defs/parameterMap",
                    "description": "Flat form: parameter name -> parameter schema.",
                },
                "required": {
                    "$ref": "#/$defs/requiredList",
                    "description": "Flat form: names of the parameters that must be given.",
                },
                "parameters": {
                    "type": "object",
                    "description": "JSON-Schema form: an object schema of the parameters.",
                    "properties": {
                        "type": {"const": "object"},
                        "properties": {"$ref": "#/$defs/parameterMap"},
                        "required": {"$ref": "#/$defs/requiredList"},
                    },
                },
            },
            "dependentSchemas": {
                "parameters": {
                    "not": {
                        "anyOf": [{"required": ["properties"]}, {"required": ["required"]}],
                    },
                },
            },
        },
        "parameterMap": {
            "type": "object",
            "additionalProperties": {"$ref": "#/$defs/parameter"},
        },
        "requiredList": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
        },
        "parameter": _PARAMETER,
    },
}

# Keys the validator knows; anything else is reported as a warning.
TOP_LEVEL_KEYS: frozenset[str] = frozenset(MANIFEST_SCHEMA["properties"])
FUNCTION_KEYS: frozenset[str] = frozenset(MANIFEST_SCHEMA["$defs"]["function"]["properties"])


def render_schema() -> str:
    """The text of ``manifest.schema.json``: indented JSON with a trailing newline."""
    return json.dumps(MANIFEST_SCHEMA, indent=2) + "\n"


def write_schema(path: str | Path) -> Path:
    """Write the manifest schema to ``path`` (UTF-8, ``\\n`` line endings).

    Args:
        path: Destination file, normally ``manifests/manifest.schema.json``.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render_schema().encode("utf-8"))
    return target


if __name__ == "__main__":
    print(write_schema(sys.argv[1] if len(sys.argv) > 1 else "manifests/manifest.schema.json"))
