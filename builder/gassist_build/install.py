# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Install a built plug-in into the G-Assist plug-ins folder, and uninstall it.

An install never leaves a half-copied plug-in and never loses the user's settings:

1. the built folder is copied to a staging folder beside the target
   (``plugins/.<name>.installing-<pid>``), so the final step is a rename on one
   file system;
2. the user's files (those matching :data:`gassist_build._files.USER_STATE`:
   settings, tokens, keys, caches, logs; and every file the current install did not
   ship, as listed in its install stamp) are carried from the current install into the staging
   folder as they are (a link stays a link); in ``config.json`` keys that are new
   in ``config.example.json`` are added (with their ``//`` comment), and existing
   values are never changed;
3. the current install is renamed aside, the staging folder renamed into place,
   and the old one deleted (:class:`gassist_build._swap.FolderSwap`). If the
   second rename fails the first is undone; if the process is killed between the
   two, the next install or uninstall puts the old folder back first.

Only a folder ``gassist-build build`` made is installed (``force`` takes any), and it
is copied under the one link and name rule of :mod:`gassist_build._tree`, without
the files that are never shipped.

On Windows a folder cannot be renamed while the plug-in's executable runs: that
failure is reported as "close G-Assist" and the previous install stays as it was.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import _platform
from ._files import (
    CONFIG_EXAMPLE_FILE,
    CONFIG_FILE,
    INSTALL_STAMP,
    build_output_problem,
    count_files,
    executable_problem,
    never_shipped,
    read_json_object,
    shipped_bytecode,
    user_state,
)
from ._steps import StepLog, format_size
from ._swap import FolderSwap, recover, remove_tree, sibling
from ._tree import copy_tree
from .errors import InstallError

__all__ = [
    "CONFIG_EXAMPLE_FILE",
    "CONFIG_FILE",
    "InstallResult",
    "UninstallResult",
    "install_plugin",
    "is_comment",
    "merge_config",
    "uninstall_plugin",
]

COMMENT_PREFIX = "//"
# Scratch folders of install (staging, previous version) and uninstall, beside the target.
_STAGING, _REPLACED, _REMOVING = "installing", "replaced", "removing"


@dataclass
class InstallResult:
    """What :func:`install_plugin` did.

    Attributes:
        name: The plug-in's invocation (folder) name.
        path: The installed folder.
        previous_version: Version of the install that was replaced, ``""`` if it had none,
            ``None`` if there was no previous install.
        version: Version now installed (from its manifest).
        config: ``"kept"`` (user's config unchanged), ``"merged"`` (new keys added),
            ``"created"`` (from config.example.json), ``"unreadable"`` (user's file kept
            as it was, no keys added) or ``"none"``.
        added_keys: Keys added to the user's config (dotted for nested ones).
        files: Number of files installed.
        size: Their total size in bytes.
        warnings: Things the user should know.
    """

    name: str
    path: Path
    previous_version: str | None
    version: str
    config: str
    added_keys: list[str] = field(default_factory=list)
    files: int = 0
    size: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One paragraph telling the user what happened."""
        if self.previous_version is None:
            what = f"Installed {self.name} {self.version} into {self.path}"
        else:
            before = self.previous_version or "unknown version"
            what = f"Replaced {self.name} ({before} → {self.version}) in {self.path}"
        what += f" ({self.files} files, {format_size(self.size)})."
        config = {
            "kept": "Your config.json was kept unchanged.",
            "merged": "Your config.json was kept; new keys added with default values: "
            + ", ".join(self.added_keys)
            + ".",
            "created": f"Created config.json from {CONFIG_EXAMPLE_FILE}: fill in your settings"
            f" in {self.path / CONFIG_FILE}.",
            "unreadable": "Your config.json is not a JSON object, so it was kept exactly as it"
            " was and no new keys were added.",
            "none": "",
        }[self.config]
        return f"{what} {config}".strip()


@dataclass
class UninstallResult:
    """What :func:`uninstall_plugin` did.

    Attributes:
        name: The plug-in removed.
        path: Its folder.
        kept_config: True when the user's files were left in the folder.
        kept: Those files and folders, relative to ``path``.
    """

    name: str
    path: Path
    kept_config: bool
    kept: tuple[str, ...] = ()

    def summary(self) -> str:
        """One sentence telling the user what happened."""
        if self.kept_config:
            return (
                f"Uninstalled {self.name}; kept your files in {self.path}"
                f" ({', '.join(self.kept)}; use --purge to delete them too)."
            )
        return f"Uninstalled {self.name} and deleted {self.path}."


def is_comment(key: object) -> bool:
    """Keys starting with ``//`` are comments in config files (the runtime ignores them)."""
    return isinstance(key, str) and key.startswith(COMMENT_PREFIX)


def merge_config(user: dict[str, Any], example: dict[str, Any], *,
                 nested: bool = True) -> list[str]:
    """Add to ``user`` (in place) the keys of ``example`` it lacks; never change a value.

    New keys go after the user's own keys, in the example's order. A ``//`` comment
    key is copied only together with the new key it describes (``"//timeout_s"`` with
    ``"timeout_s"``) and only where the user has no such key: a comment never
    replaces anything, and comments the user deleted do not come back.

    Args:
        user: The user's config, changed in place.
        example: The config.example.json of the new build.
        nested: Merge objects found in both the same way (``"auth": {...}`` gains new
            sub-keys). Off for typed config, where an object is one setting's value
            and belongs to the user as a whole.

    Returns:
        The keys added, dotted for nested ones (``"auth.client_id"``); comments are
        not listed.
    """
    added: list[str] = []
    for key, value in example.items():
        if is_comment(key):
            described = key[len(COMMENT_PREFIX):]
            if key not in user and described in example and described not in user:
                user[key] = value
            continue
        if key not in user:
            user[key] = value
            added.append(key)
        elif nested and isinstance(user[key], dict) and isinstance(value, dict):
            added.extend(f"{key}.{sub}" for sub in merge_config(user[key], value))
    return added


def _manifest_version(folder: Path) -> str:
    manifest = read_json_object(folder / "manifest.json")
    version = manifest.get("version") if manifest else None
    return version if isinstance(version, str) else ""


def _check_dist(dist: Path, *, force: bool) -> str:
    if not dist.is_dir():
        raise InstallError(f"{dist} is not a folder; pass the folder `gassist-build build` made"
                           " (dist/<name>)")
    manifest_path = dist / "manifest.json"
    if not manifest_path.is_file():
        raise InstallError(
            f"{dist} has no manifest.json, so it is not a built plug-in; build it first with"
            f" `gassist-build build {dist}`"
        )
    manifest = read_json_object(manifest_path)
    if manifest is None:
        raise InstallError(f"{manifest_path} is not a JSON object; rebuild the plug-in")
    executable = manifest.get("executable")
    outside = executable_problem(dist, executable) if isinstance(executable, str) else None
    if outside:
        raise InstallError(f"{manifest_path}: executable {outside}; nothing was installed")
    if not isinstance(executable, str) or not (dist / executable).is_file():
        raise InstallError(
            f"{manifest_path} names executable {executable!r}, which is not in {dist};"
            " rebuild the plug-in"
        )
    # The engine identifies a plug-in by its folder name, so the folder is the name.
    problem = _platform.invocation_name_problem(dist.name)
    if problem:
        raise InstallError(f"cannot install {dist}: {problem}")
    problem = None if force else build_output_problem(dist)
    if problem:
        raise InstallError(problem)
    return dist.name


def _prepare_plugins_dir(plugins_dir: Path) -> None:
    if plugins_dir.exists() and not plugins_dir.is_dir():
        raise InstallError(
            f"the plug-ins folder {plugins_dir} is a file, not a folder; pass --plugins-dir"
        )
    try:
        plugins_dir.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise InstallError(_no_permission(plugins_dir)) from None
    except OSError as exc:
        raise InstallError(f"cannot create the plug-ins folder {plugins_dir}: {exc}") from None


def _no_permission(folder: Path) -> str:
    return (
        f"no permission to write to {folder}. On Windows, run the command from an"
        " administrator prompt (the G-Assist plug-ins folder belongs to the system);"
        " or install somewhere you own with --plugins-dir (or GASSIST_PLUGINS_DIR)"
    )


def _shipped(folder: Path) -> set[str] | None:
    """The files (relative, ``/``-separated) the install in ``folder`` shipped, from its
    install stamp; None for an install made before the stamp listed them.

    A folder with neither a stamp nor a manifest holds no install (it is what
    ``uninstall`` kept, or the user's own): nothing in it was shipped.
    """
    stamp_file = folder / INSTALL_STAMP
    if not stamp_file.exists() and not (folder / "manifest.json").exists():
        return set()
    stamp = read_json_object(stamp_file)
    shipped = stamp.get("shipped") if stamp else None
    if not isinstance(shipped, list) or not all(isinstance(p, str) for p in shipped):
        return None
    return set(shipped)


def _list_shipped(folder: Path) -> list[str]:
    """Every file and link in ``folder`` (links not followed), relative, ``/``-separated."""
    found: list[str] = []
    for top, dirs, files in os.walk(folder):
        base = PurePosixPath(Path(top).relative_to(folder).as_posix())
        found.extend((base / name).as_posix() for name in files)
        found.extend((base / d).as_posix() for d in dirs if (Path(top) / d).is_symlink())
    return sorted(found)


def _user_files(folder: Path) -> list[PurePosixPath]:
    """The user's files and folders in an installed ``folder`` (links not followed).

    Those matching :data:`USER_STATE`, and, when the install stamp lists what the
    install shipped, everything else it did not ship (but the stamp and scratch files).
    """
    shipped = _shipped(folder)
    bytecode = shipped_bytecode(folder)
    shipped_dirs = {parent.as_posix() for path in shipped or ()
                    for parent in PurePosixPath(path).parents}

    def users(relative: PurePosixPath) -> bool:
        if user_state(relative) is not None:
            return True
        posix = relative.as_posix()
        return (shipped is not None and posix != INSTALL_STAMP and posix not in shipped
                and posix not in shipped_dirs
                and never_shipped(relative, bytecode=bytecode) is None)

    found: list[PurePosixPath] = []
    for top, dirs, files in os.walk(folder):
        base = PurePosixPath(Path(top).relative_to(folder).as_posix())
        for name in sorted(files + dirs):
            if users(base / name):
                found.append(base / name)
        dirs[:] = sorted(d for d in dirs if not users(base / d))
    return found


def _copy_user_files(source: Path, dest: Path) -> None:
    """Copy the user's files from ``source`` over ``dest``, as they are (links stay links)."""
    for relative in _user_files(source):
        if relative.as_posix() == CONFIG_FILE:
            continue  # merged by _carry_user_files
        old, new = source / relative.as_posix(), dest / relative.as_posix()
        new.parent.mkdir(parents=True, exist_ok=True)
        if old.is_dir() and not old.is_symlink():
            shutil.copytree(old, new, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(old, new, follow_symlinks=False)


def _move_user_files(source: Path, dest: Path) -> list[str]:
    """Move the user's files that ``dest`` lacks from ``source`` into it; list those moved."""
    moved: list[str] = []
    for relative in _user_files(source):
        new = dest / relative.as_posix()
        if new.exists() or new.is_symlink():
            continue
        new.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source / relative.as_posix(), new)
        moved.append(relative.as_posix())
    return moved


def _recover(target: Path, log: StepLog) -> None:
    """Finish an install or uninstall of ``target`` that was killed half-way."""
    try:
        done = recover(target, staging=[_STAGING], aside=[_REPLACED, _REMOVING],
                       keep=_move_user_files)
    except OSError as exc:
        raise InstallError(
            f"an interrupted install or uninstall left {target.name}'s folders beside"
            f" {target}, and they could not be put back ({exc.strerror or exc}); nothing"
            " was changed. " + _platform.locked_hint(target)
        ) from None
    for note in done:
        log.warn(note)


def _carry_user_files(target: Path, stage: Path, log: StepLog) -> tuple[str, list[str]]:
    """Bring the user's files from ``target`` (current install) into ``stage``."""
    if target.is_dir():
        _copy_user_files(target, stage)
    example_path = stage / CONFIG_EXAMPLE_FILE
    user_path = target / CONFIG_FILE
    staged_path = stage / CONFIG_FILE
    if not user_path.is_file():
        if staged_path.is_file():
            return "kept", []
        if example_path.is_file():
            shutil.copy2(example_path, staged_path)
            return "created", []
        return "none", []
    # The user's file always wins over anything the build shipped under that name.
    shutil.copy2(user_path, staged_path)
    user = read_json_object(user_path)
    if user is None:
        log.warn(f"{user_path} is not a JSON object: kept unchanged, no new keys added")
        return "unreadable", []
    example = read_json_object(example_path) if example_path.is_file() else None
    if not example:
        return "kept", []
    # `//` comments mark an example the runtime printed from a config dataclass
    # (`plugin.py --config-example`): there each top-level key is one whole setting.
    typed = any(is_comment(key) for key in example)
    added = merge_config(user, example, nested=not typed)
    if not added:
        return "kept", []
    staged_path.write_text(json.dumps(user, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    return "merged", added


def _copy_dist(dist: Path, stage: Path) -> None:
    try:
        skip = functools.partial(never_shipped, bytecode=shipped_bytecode(dist))
        copy_tree(dist, stage, InstallError, skip=skip)
        stamp = {"name": dist.name, "version": _manifest_version(dist),
                 "shipped": _list_shipped(stage)}
        (stage / INSTALL_STAMP).write_text(json.dumps(stamp) + "\n", encoding="utf-8")
    except PermissionError:
        raise InstallError(_no_permission(stage.parent)) from None
    except (OSError, shutil.Error) as exc:
        raise InstallError(f"copying {dist} to {stage.parent} failed: {exc}") from None


def _swap_failure(name: str, target: Path, swap: FolderSwap, exc: OSError) -> str:
    """What to tell the user when the new install could not replace the old one."""
    if swap.failed_step == "aside" and isinstance(exc, PermissionError):
        return "the previous install was left as it was: " + _platform.locked_hint(target)
    return (
        f"could not move the new {name} into place ({exc.strerror or exc}); the"
        " previous install was left as it was"
    )


def install_plugin(
    dist: str | Path,
    plugins_dir: str | Path | None = None,
    *,
    force: bool = False,
    log: StepLog | None = None,
) -> InstallResult:
    """Install (or replace) a built plug-in, keeping the user's ``config.json``.

    Args:
        dist: A folder made by ``gassist-build build`` (``dist/<name>``); its name is
            the plug-in's invocation name.
        plugins_dir: The G-Assist plug-ins folder; defaults to
            :func:`gassist_build._platform.default_plugins_dir`.
        force: Install a folder that ``gassist-build build`` did not make.
        log: Receives progress and warnings (silent if omitted).

    Returns:
        An :class:`InstallResult`.

    Raises:
        InstallError: Nothing was changed (or the previous install was restored); the
            message says why and what to do.
    """
    log = log or StepLog()
    dist = Path(dist).resolve()
    plugins = Path(plugins_dir) if plugins_dir is not None else _platform.default_plugins_dir()
    plugins = plugins.resolve()
    target = plugins / dist.name
    if dist == target:
        raise InstallError(f"{dist} is already the installed copy; install from"
                           f" dist/{dist.name}")
    name = _check_dist(dist, force=force)
    _prepare_plugins_dir(plugins)
    _recover(target, log)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InstallError(
            f"{target} exists and is not a plug-in folder (a file or link is in the way);"
            " move or delete it, then install again"
        )
    previous = _manifest_version(target) if target.is_dir() else None

    with FolderSwap(target, staging=_STAGING, aside=_REPLACED) as swap:
        with log.step(f"Copy {name} into {plugins}"):
            _copy_dist(dist, swap.staging)
            config, added = _carry_user_files(target, swap.staging, log)
        with log.step(f"Put {name} in place"):
            try:
                swap.commit()
            except OSError as exc:
                raise InstallError(_swap_failure(name, target, swap, exc)) from None
    if previous is not None and not swap.remove_old():
        log.warn(f"could not delete the old copy {swap.aside}; delete it by hand")
    files, size = count_files(target)
    return InstallResult(
        name=name,
        path=target,
        previous_version=previous,
        version=_manifest_version(target),
        config=config,
        added_keys=added,
        files=files,
        size=size,
        warnings=list(log.warnings),
    )


def uninstall_plugin(
    name: str, plugins_dir: str | Path | None = None, *, purge: bool = False
) -> UninstallResult:
    """Remove an installed plug-in, keeping the user's files in its folder unless ``purge``.

    The user's files are those matching :data:`gassist_build._files.USER_STATE`
    (settings, tokens, keys, caches, logs) and every file the install did not ship.

    Raises:
        InstallError: The plug-in is not installed, or is running (nothing removed).
    """
    problem = _platform.invocation_name_problem(name)
    if problem:
        raise InstallError(problem)
    plugins = Path(plugins_dir) if plugins_dir is not None else _platform.default_plugins_dir()
    target = plugins.resolve() / name
    _recover(target, StepLog())
    if target.is_symlink() or not target.is_dir():
        raise InstallError(f"{name} is not installed in {plugins} (no folder {target})")
    trash = sibling(target, _REMOVING)
    try:
        _platform.rename_dir(target, trash)
    except PermissionError:
        raise InstallError(f"{name} was not removed: " + _platform.locked_hint(target)) from None
    kept: list[str] = []
    if not purge and _user_files(trash):
        target.mkdir()
        kept = _move_user_files(trash, target)
    remove_tree(trash)
    return UninstallResult(name=name, path=target, kept_config=bool(kept), kept=tuple(kept))
