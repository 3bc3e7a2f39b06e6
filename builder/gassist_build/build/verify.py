# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The last check of a source build: the staged plug-in loads as the engine loads it.

``plugin.py --manifest`` runs in the engine's isolation (:mod:`gassist_build._isolation`:
the standard library and the staged ``libs/`` only). A plug-in that imports a package
its ``requirements.txt`` does not name passes in the author's virtual environment and
dies in G-Assist; here the build fails instead, naming the missing import and where it
should come from: the requirement that installed its package into ``libs/``, or the
distribution that provides it in this environment, to be added to ``requirements.txt``.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from ..errors import BuildError
from ..manifest.probe import ManifestCommandError, run_manifest_command
from .pip import REQUIREMENTS_FILE
from .wheelhouse import canonical_name, read_requirement_names

__all__ = ["check_loads_isolated", "missing_import_hint"]

_MISSING = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")


def _top_level_names(info: Path) -> set[str]:
    """Importable top-level names a ``*.dist-info`` folder's distribution installed."""
    top_level = info / "top_level.txt"
    if top_level.is_file():
        return {line.strip() for line in top_level.read_text(encoding="utf-8").splitlines()
                if line.strip()}
    names: set[str] = set()
    record = info / "RECORD"
    if record.is_file():
        for line in record.read_text(encoding="utf-8").splitlines():
            first = line.split(",", 1)[0].split("/", 1)[0]
            if first and not first.endswith((".dist-info", ".data")) and first != "..":
                names.add(first.removesuffix(".py"))
    return names


def _distribution_name(info: Path) -> str:
    meta = info / "METADATA"
    if meta.is_file():
        for line in meta.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Name:"):
                return line.split(":", 1)[1].strip()
    return info.name.split("-", 1)[0]


def _requirement_for(distribution: str, requirements: list[str]) -> str | None:
    wanted = canonical_name(distribution)
    for line in requirements:
        parsed = read_requirement_names([line])
        if parsed and canonical_name(parsed[0].name) == wanted:
            return line
    return None


def missing_import_hint(module: str, libs: Path, requirements: list[str]) -> str:
    """Where the missing ``module`` should come from, for the build's error message.

    Args:
        module: The name in ``No module named '...'`` (``yaml``, ``google.protobuf``).
        libs: The staged ``libs/`` folder.
        requirements: The plug-in's requirement lines.
    """
    top = module.split(".", 1)[0]
    for info in sorted(libs.glob("*.dist-info")):
        if top in _top_level_names(info):
            dist = _distribution_name(info)
            line = _requirement_for(dist, requirements)
            origin = f"requirement {line!r}" if line else f"a dependency of {REQUIREMENTS_FILE}"
            return (f"libs/ has {top} from the distribution {dist} ({origin}), but not"
                    f" {module}: check the version {REQUIREMENTS_FILE} asks for")
    providers = metadata.packages_distributions().get(top, [])
    for dist in providers:
        line = _requirement_for(dist, requirements)
        if line:
            return (f"{REQUIREMENTS_FILE} names {line!r}, but pip installed no {top} into"
                    " libs/ (an environment marker or extra may leave it out)")
    if providers:
        return (f"no line of {REQUIREMENTS_FILE} provides it — add {providers[0]} (it provides"
                f" {top} in this environment) to {REQUIREMENTS_FILE} and build again")
    return (f"no line of {REQUIREMENTS_FILE} provides it — add the distribution that provides"
            f" {top} to {REQUIREMENTS_FILE} and build again")


def check_loads_isolated(stage: Path, src: Path, requirements: list[str]) -> None:
    """Run the staged ``plugin.py --manifest`` with only the standard library and ``libs/``.

    Args:
        stage: The staged build folder.
        src: The plug-in's source folder (named in messages).
        requirements: The plug-in's requirement lines.

    Raises:
        BuildError: The plug-in does not load from ``libs/`` alone.
    """
    try:
        run_manifest_command(stage, isolated=True)
    except ManifestCommandError as exc:
        found = _MISSING.findall(exc.stderr_tail)
        if found:
            module = found[-1]
            hint = missing_import_hint(module, stage / "libs", requirements)
            raise BuildError(
                f"the built plug-in does not load with only the standard library and its"
                f" libs/ (as in G-Assist): `import {module}` fails. "
                f"{hint[0].upper()}{hint[1:]}."
                f" ({src / 'plugin.py'} loads here only because this environment has it.)"
            ) from None
        raise BuildError(
            "the built plug-in does not load with only the standard library and its libs/"
            f" (as in G-Assist); nothing was replaced:\n{exc}"
        ) from None
