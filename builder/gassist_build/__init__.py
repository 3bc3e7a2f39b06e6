# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist-build: dev-time tools for G-Assist plug-ins.

Scaffold, generate and validate manifests, emulate the engine, build, install, package.
"""

from __future__ import annotations

__version__ = "0.1.0"
