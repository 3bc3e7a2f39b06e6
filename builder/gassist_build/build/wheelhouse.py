# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Offline builds: wheels made from distributions already installed in this environment.

``gassist-build build --offline`` must not reach PyPI, yet the plug-in's
``requirements.txt`` still has to be installed into ``libs/`` by pip (so that pip
resolves versions and reports unknown packages itself). This module repacks the
installed distributions a requirements file needs, with their dependencies, as
wheels in a local folder that pip then installs from with ``--no-index``.

A repacked wheel holds exactly the files the distribution's ``RECORD`` lists
inside site-packages (console scripts and byte code are left out) and keeps the
platform tag of the original, so pip treats compiled distributions correctly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

try:  # packaging ships with every pip; prefer a standalone copy when there is one.
    from packaging.markers import UndefinedEnvironmentName
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # pragma: no cover - depends on the environment
    from pip._vendor.packaging.markers import (  # type: ignore[assignment]
        UndefinedEnvironmentName,
    )
    from pip._vendor.packaging.requirements import (  # type: ignore[assignment]
        InvalidRequirement,
        Requirement,
    )

__all__ = ["canonical_name", "read_requirement_names", "wheelhouse_from_environment"]

# Written by the installer, not part of a wheel; RECORD is regenerated.
_INSTALLER_FILES = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def canonical_name(name: str) -> str:
    """PEP 503 normalised project name (``Foo_Bar`` → ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirement_names(lines: Iterable[str]) -> list[Requirement]:
    """Requirements in a requirements file's lines; options, URLs and blanks are skipped."""
    found: list[Requirement] = []
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            found.append(Requirement(line))
        except InvalidRequirement:
            continue
    return found


def _wanted(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    for extra in extras | {""}:
        try:
            if requirement.marker.evaluate({"extra": extra}):
                return True
        except UndefinedEnvironmentName:
            return True
    return False


def _closure(requirements: list[Requirement]) -> list[metadata.Distribution]:
    """Installed distributions the requirements need, dependencies included."""
    queue = [(canonical_name(r.name), set(r.extras)) for r in requirements]
    seen: dict[str, set[str]] = {}
    found: dict[str, metadata.Distribution] = {}
    while queue:
        name, extras = queue.pop()
        if name in seen and extras <= seen[name]:
            continue
        seen.setdefault(name, set()).update(extras)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # pip will report it, with its own clear message
        found[name] = dist
        for text in dist.requires or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if _wanted(requirement, seen[name]):
                queue.append((canonical_name(requirement.name), set(requirement.extras)))
    return [found[name] for name in sorted(found)]


def _wheel_tag(dist: metadata.Distribution) -> str:
    """The compressed tag set for the wheel's file name (``py2.py3-none-any``)."""
    pythons: list[str] = []
    abis: list[str] = []
    platforms: list[str] = []
    for line in (dist.read_text("WHEEL") or "").splitlines():
        key, _, value = line.partition(":")
        if key.strip() != "Tag" or value.count("-") != 2:
            continue
        for part, seen in zip(value.strip().split("-"), (pythons, abis, platforms), strict=True):
            if part not in seen:
                seen.append(part)
    if not pythons:
        return "py3-none-any"
    return "-".join(".".join(group) for group in (pythons, abis, platforms))


def _is_editable(dist: metadata.Distribution) -> bool:
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except json.JSONDecodeError:
        return False
    return bool(isinstance(direct, dict) and direct.get("dir_info", {}).get("editable"))


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _repack(dist: metadata.Distribution, dest: Path) -> Path | None:
    files = dist.files
    if not files or _is_editable(dist):
        return None
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    info_dir = f"{name}-{version}.dist-info"
    wheel_path = dest / f"{name}-{version}-{_wheel_tag(dist)}.whl"
    record: list[str] = []
    dist_info: str | None = None
    with zipfile.ZipFile(wheel_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in sorted(files, key=str):
            posix = entry.as_posix()
            parts = entry.parts
            if parts[0] == ".." or "__pycache__" in parts or posix.endswith(".pyc"):
                continue
            if parts[0].endswith(".dist-info"):
                dist_info = parts[0]
                if parts[-1] in _INSTALLER_FILES:
                    continue
                posix = "/".join((info_dir, *parts[1:]))
            source = Path(str(dist.locate_file(entry)))
            if not source.is_file():
                continue
            data = source.read_bytes()
            zf.writestr(zipfile.ZipInfo(posix, _FIXED_TIME), data)
            record.append(f"{posix},{_record_hash(data)},{len(data)}")
        if dist_info is None:
            return None
        record.append(f"{info_dir}/RECORD,,")
        zf.writestr(zipfile.ZipInfo(f"{info_dir}/RECORD", _FIXED_TIME), "\n".join(record) + "\n")
    return wheel_path


def wheelhouse_from_environment(requirements: list[Requirement], dest: Path) -> list[Path]:
    """Write wheels for the installed distributions ``requirements`` need into ``dest``.

    Requirements that are not installed here are skipped: pip, run with
    ``--no-index --find-links dest``, then reports them.

    Returns:
        The wheels written.
    """
    dest.mkdir(parents=True, exist_ok=True)
    wheels = []
    for dist in _closure(requirements):
        wheel = _repack(dist, dest)
        if wheel is not None:
            wheels.append(wheel)
    return wheels
