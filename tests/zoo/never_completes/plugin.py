# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Broken on purpose: answers pings but never sends complete for a command."""

from __future__ import annotations

import os
import sys

# zoo_wire.py, the zoo's shared V2 plumbing, sits beside this plug-in's folder.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo_wire import answer_initialize, answer_ping, serve

if __name__ == "__main__":
    # The bug: no "execute" handler, so a command is "accepted" and forgotten.
    serve({"initialize": answer_initialize("never_completes"), "ping": answer_ping})
