# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What the host reads from a plug-in folder's manifest.json.

Only what stops the host from running a plug-in is an error here; the
validator (:mod:`gassist_build.manifest.validate`) reports everything else.
Both parameter forms are read through the runtime's one parser,
:func:`gassist_sdk._manifest.parameter_form`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gassist_sdk._manifest import parameter_form

from .._files import executable_problem
from ..errors import ManifestError

__all__ = ["FunctionSpec", "PluginSpec", "load_plugin_spec"]


@dataclass(frozen=True)
class FunctionSpec:
    """One function a manifest declares, with its parameters in flat form.

    Attributes:
        name: Function name the engine calls.
        description: What the model reads.
        tags: Intent keywords (``write``/``dangerous`` mark state-changing ones).
        properties: Parameter name → JSON-schema-ish property object.
        required: Names of required parameters.
    """

    name: str
    description: str = ""
    tags: tuple[str, ...] = ()
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @classmethod
    def from_manifest(cls, raw: dict[str, Any]) -> FunctionSpec:
        """Read one entry of the manifest's ``functions``, either parameter form."""
        _, props, required = parameter_form(raw)
        tags = raw.get("tags")
        return cls(
            name=str(raw.get("name", "")),
            description=str(raw.get("description", "")),
            tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
            properties={str(k): v for k, v in props.items() if isinstance(v, dict)}
            if isinstance(props, dict) else {},
            required=tuple(str(r) for r in required) if isinstance(required, list) else (),
        )

    def param_type(self, param: str) -> str | None:
        """The declared JSON type of ``param`` (None when undeclared)."""
        prop = self.properties.get(param)
        kind = prop.get("type") if isinstance(prop, dict) else None
        return kind if isinstance(kind, str) else None


@dataclass(frozen=True)
class PluginSpec:
    """What the host needs from a plug-in folder's manifest.json.

    Attributes:
        folder: The plug-in folder; its name is the invocation name.
        manifest: The parsed manifest.
        functions: Declared functions, in manifest order.
    """

    folder: Path
    manifest: dict[str, Any]
    functions: tuple[FunctionSpec, ...]

    @property
    def name(self) -> str:
        """Invocation name: the engine identifies a plug-in by its folder."""
        return self.folder.name

    @property
    def executable(self) -> str:
        return str(self.manifest.get("executable", ""))

    @property
    def protocol(self) -> str:
        """``"v2"`` when the manifest says ``protocol_version: "2.0"``, else ``"v1"``."""
        return "v2" if str(self.manifest.get("protocol_version", "")) == "2.0" else "v1"

    @property
    def persistent(self) -> bool:
        return self.manifest.get("persistent") is True

    @property
    def tethered(self) -> bool:
        return self.manifest.get("tethered") is True

    def function(self, name: str) -> FunctionSpec | None:
        """The declared function called ``name``, if any."""
        for spec in self.functions:
            if spec.name == name:
                return spec
        return None


def load_plugin_spec(folder: str | os.PathLike[str]) -> PluginSpec:
    """Read ``folder/manifest.json`` into a :class:`PluginSpec`.

    Raises:
        ManifestError: No readable manifest, not JSON, or no ``executable``.
    """
    path = Path(folder).resolve()
    manifest_path = path / "manifest.json"
    try:
        data = manifest_path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read {manifest_path}: {exc.strerror or exc}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{manifest_path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ManifestError(f"{manifest_path} must hold a JSON object")
    if not isinstance(manifest.get("executable"), str) or not manifest["executable"]:
        raise ManifestError(f"{manifest_path} has no 'executable' to launch")
    if problem := executable_problem(path, manifest["executable"]):
        raise ManifestError(f"{manifest_path}: executable {problem}; nothing was started")
    raw_functions = manifest.get("functions", [])
    functions = tuple(
        FunctionSpec.from_manifest(f) for f in raw_functions if isinstance(f, dict)
    ) if isinstance(raw_functions, list) else ()
    return PluginSpec(folder=path, manifest=manifest, functions=functions)
