# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Tests of the engine emulator (host, watchdog, call/chat/check, the zoo)."""
