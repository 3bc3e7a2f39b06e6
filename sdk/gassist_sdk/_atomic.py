# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Replacing a file in one step: a temporary file beside it, flushed, then renamed over it."""

from __future__ import annotations

import os

__all__ = ["write_atomically"]


def write_atomically(path: str, text: str, *, prefix: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old file or the new one.

    The temporary file (``<prefix>XXXXXXXX.tmp`` in the same folder, which is created
    when missing) is readable by its owner only (``tempfile.mkstemp``), and the renamed
    file keeps that mode. Raises ``OSError`` when it cannot be written, and encoding
    errors as they come; ``path`` is then left as it was and no temporary file remains.
    """
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
