# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A small JSON file a plug-in keeps for itself: OAuth tokens, caches, last state.

:class:`JsonStore` reads and writes one JSON object. Writes are atomic (a temporary
file beside it, flushed, then renamed over it), so a crash or a second process never
sees half a file, and the file is readable by its owner only. A file that is missing
or cannot be parsed reads as ``None``: a corrupted token cache means "sign in again",
never a traceback. The contents are never logged.

Keep tokens in ``auth.json`` in the plug-in folder::

    from gassist_sdk.store import JsonStore

    tokens = JsonStore(plugin.plugin_dir / "auth.json")
    cached = tokens.load() or {}

``gassist-build`` never ships ``auth.json`` in a build or package, and ``install``
never overwrites or deletes it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from typing import Any

from ._atomic import write_atomically

__all__ = ["AUTH_FILE", "JsonStore"]

# The plug-in's own tokens: the builder's rules know this name (never shipped, kept on install).
AUTH_FILE = "auth.json"


class JsonStore:
    """One JSON object in a file, read and written whole.

    Thread-safe within a process: a lock orders the reads and writes of one store
    (``update`` is one step).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._lock = threading.RLock()

    def load(self) -> dict[str, Any] | None:
        """The stored object; None when the file is missing, unreadable or not an object."""
        with self._lock:
            try:
                with open(self.path, encoding="utf-8-sig") as file:
                    data = json.load(file)
            except FileNotFoundError:
                return None
            except (OSError, ValueError) as exc:
                self._warn(f"{os.path.basename(self.path)} cannot be read "
                           f"({type(exc).__name__}); it is ignored")
                return None
        if not isinstance(data, dict):
            self._warn(f"{os.path.basename(self.path)} does not hold a JSON object; it is ignored")
            return None
        return data

    def save(self, data: Mapping[str, Any]) -> None:
        """Replace the stored object with ``data`` (atomically). Raises ``OSError``."""
        text = json.dumps(dict(data), indent=2, ensure_ascii=False) + "\n"
        with self._lock:
            write_atomically(self.path, text, prefix=".store-")

    def update(self, **values: Any) -> dict[str, Any]:
        """Merge ``values`` into the stored object, save it, and return the result."""
        with self._lock:
            current = self.load() or {}
            current.update(values)
            self.save(current)
        return current

    def clear(self) -> None:
        """Delete the file (nothing happens when it does not exist)."""
        with self._lock:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def _warn(self, message: str) -> None:
        import logging

        logging.getLogger("gassist_sdk.store").warning("%s", message)
