# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Read-only check on a real NVIDIA machine: run the gpu plug-in's reads through NVML, print.

    python check_real_gpu.py          (from the plug-in folder, or with its path)

It lists the GPUs and prints each one's status exactly as ``list_gpus`` and
``get_gpu_status`` answer them. It never changes a setting: the NVML backend is wrapped in
:class:`backend.ReadOnlyBackend`, which refuses every write before it reaches the driver,
and no write command is ever called. Exit status 0 when the reads ran, 1 when there is no
NVIDIA driver (the plug-in's "no NVIDIA driver found" answer is printed), 2 on another error.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (os.path.join(_HERE, "libs"), _HERE):  # a built folder carries libs/
    if os.path.isdir(_path) and _path not in sys.path:
        sys.path.insert(0, _path)

from backend import GpuError, NoDriver, ReadOnlyBackend  # noqa: E402
from gassist_sdk import CommandError  # noqa: E402
from gpu_core import NO_DRIVER, list_text, status_text  # noqa: E402
from nvml_backend import NvmlBackend  # noqa: E402


def main() -> int:
    """Print the reads; never write."""
    backend = ReadOnlyBackend(NvmlBackend())
    try:
        backend.open()
        print(list_text(backend))  # type: ignore[arg-type]
        print()
        print(status_text(backend))  # type: ignore[arg-type]
    except NoDriver:
        print(NO_DRIVER)
        return 1
    except (CommandError, GpuError) as exc:
        print(f"error: {exc}")
        return 2
    if backend.refused:  # cannot happen: only reads run here; say so loudly if it ever does
        print(f"refused writes: {', '.join(backend.refused)}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
