# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: reads every message and never answers initialize."""

from __future__ import annotations

import os
import sys

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import serve

if __name__ == "__main__":
    serve({})  # the bug: no handlers at all; only shutdown (or end of input) ends it
