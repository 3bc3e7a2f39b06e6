# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``python -m gassist_build.cli``: the same as ``gassist-build``."""

from . import main

main()
