# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Test fixture: a plug-in whose import fails, as when libs/ was never installed."""

from __future__ import annotations

import gassist_fixture_dependency_that_is_not_installed  # noqa: F401
