# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Replace a folder in one step, for the build (``dist/<name>``) and the install.

The new content is assembled in a staging folder beside the target
(``.<name>.<tag>-<pid>``), so the final step is a rename on one file system. Then the
current folder is renamed aside, the staging folder renamed into place, and the old one
deleted; if the second rename fails the first is undone. The target is never left
half-written, and a failure leaves it as it was.

Renames go through :func:`gassist_build._platform.rename_dir` (looked up on each call),
which retries while Windows holds a folder locked and which tests replace to simulate a
locked or failing folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import Literal

from . import _platform

__all__ = ["FolderSwap", "remove_tree", "sibling"]


def sibling(target: Path, tag: str) -> Path:
    """A hidden scratch path beside ``target`` that is this process's own."""
    return target.parent / f".{target.name}.{tag}-{os.getpid()}"


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
        self.failed_step: Literal["aside", "in"] | None = None

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
