# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist_sdk — the runtime for NVIDIA Project G-Assist plug-ins."""
__version__ = "0.1.0"
