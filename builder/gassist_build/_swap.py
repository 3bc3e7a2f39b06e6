# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Replace a folder in one step, for the build (``dist/<name>``) and the install.

The new content is assembled in a staging folder beside the target
(``.<name>.<tag>-<pid>``), so the final step is a rename on one file system. Then the
current folder is renamed aside, the staging folder renamed into place, and the old one
deleted; if the second rename fails the first is undone. The target is never left
half-written, and a failure leaves it as it was.

A process killed between the two renames leaves the target missing and both folders
beside it; :meth:`FolderSwap.recover` (run first by the next build, install or
uninstall) puts the one moved aside back, or, when the target is there, hands the
aside folder to a ``keep`` function (the install takes the user's files from it)
before deleting it, and deletes staging folders left by earlier runs. One command at
a time per target is assumed: a leftover is anything not of this process.

Renames go through :func:`gassist_build._platform.rename_dir` (looked up on each call),
which retries while Windows holds a folder locked and which tests replace to simulate a
locked or failing folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal

from . import _platform

__all__ = ["FolderSwap", "leftovers", "recover", "remove_tree", "sibling"]

# Receives a folder left aside by an interrupted run and the target, before the former is
# deleted: the place to carry what must survive into the target.
Keep = Callable[[Path, Path], object]


def sibling(target: Path, tag: str) -> Path:
    """A hidden scratch path beside ``target`` that is this process's own."""
    return target.parent / f".{target.name}.{tag}-{os.getpid()}"


def leftovers(target: Path, tags: Sequence[str]) -> list[Path]:
    """Scratch folders beside ``target`` named with one of ``tags``, newest first."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:{'|'.join(map(re.escape, tags))})-\d+")
    if not target.parent.is_dir():
        return []
    found = [p for p in target.parent.iterdir() if pattern.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def recover(target: Path, *, staging: Sequence[str], aside: Sequence[str],
            keep: Keep | None = None) -> list[str]:
    """Finish what interrupted swaps of ``target`` left; return what was done, for the user.

    Args:
        target: The folder swapped.
        staging: Tags of staging folders (deleted: an interrupted run never committed them).
        aside: Tags of folders holding a previous version moved aside.
        keep: Called with each aside folder and the target before that folder is deleted.
    """
    done: list[str] = []
    for folder in leftovers(target, staging):
        remove_tree(folder)
    for folder in leftovers(target, aside):
        if not target.exists() and not target.is_symlink():
            _platform.rename_dir(folder, target)
            done.append(f"restored {target} from {folder.name}, left by an interrupted run")
            continue
        if keep is not None:
            keep(folder, target)
        if remove_tree(folder):
            done.append(f"deleted {folder.name}, left by an interrupted run")
    return done


def remove_tree(folder: Path) -> bool:
    """Delete ``folder``; return False (and leave what could not go) on failure."""
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


class FolderSwap:
    """Stage a new version of ``target`` beside it, then swap it in.

    Use as a context manager: on entry the staging folder is cleared, on exit whatever
    is left of it is removed (nothing, after a successful :meth:`commit`)::

        with FolderSwap(target, staging="incoming", aside="old") as swap:
            fill(swap.staging)
            swap.commit()
        swap.remove_old()

    Attributes:
        target: The folder to replace (it need not exist yet).
        staging: Where the caller assembles the new version.
        aside: Where the current version waits until :meth:`remove_old`.
        failed_step: After :meth:`commit` raised: ``"aside"`` (the current version
            could not be moved away) or ``"in"`` (the new one could not be moved in).
    """

    def __init__(self, target: Path, *, staging: str, aside: str) -> None:
        self.target = target
        self.staging = sibling(target, staging)
        self.aside = sibling(target, aside)
        self._tags = (staging, aside)
        self.failed_step: Literal["aside", "in"] | None = None

    def recover(self, keep: Keep | None = None, *, also: Sequence[str] = ()) -> list[str]:
        """Finish earlier interrupted swaps of the target (:func:`recover`).

        Args:
            keep: Takes what must survive from a folder left aside.
            also: More tags of aside folders (another command's, such as uninstall's).
        """
        return recover(self.target, staging=[self._tags[0]], aside=[self._tags[1], *also],
                       keep=keep)

    def __enter__(self) -> FolderSwap:
        remove_tree(self.staging)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        remove_tree(self.staging)

    def commit(self) -> None:
        """Move the current ``target`` aside and ``staging`` into its place.

        Raises:
            OSError: A rename failed (``PermissionError`` when the folder is locked);
                ``target`` was left, or put back, as it was. :attr:`failed_step` says
                which rename failed.
        """
        self.failed_step = "aside"
        moved_aside = False
        try:
            if self.target.exists():
                _platform.rename_dir(self.target, self.aside)
                moved_aside = True
            self.failed_step = "in"
            _platform.rename_dir(self.staging, self.target)
        except OSError:
            if moved_aside and not self.target.exists():
                _platform.rename_dir(self.aside, self.target)
            raise
        self.failed_step = None

    def remove_old(self) -> bool:
        """Delete the version moved aside; False when some of it could not be deleted."""
        return remove_tree(self.aside)
