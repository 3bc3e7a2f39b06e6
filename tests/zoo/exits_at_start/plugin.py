# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: imports a dependency that was never installed into libs/."""

from __future__ import annotations

import sys

sys.stderr.write("exits_at_start: loading dependencies\n")
import gassist_zoo_dependency_that_is_not_installed  # noqa: E402, F401
