# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Shared test settings: hypothesis profiles (CI runs the long one), PyInstaller caches."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True, scope="session")
def _pyinstaller_cache_per_worker(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give each test session (each pytest-xdist worker) its own PyInstaller cache.

    PyInstaller keeps one binary cache per user and rebuilds it in place; two
    workers freezing at once (the demo and an exe build test) raced on it
    ("Directory not empty: .../pyinstaller/bincache..."), and so did two separate
    pytest runs ("SyntaxError" reading the cache index). Builds read the variable
    from the environment they inherit.
    """
    if "PYINSTALLER_CONFIG_DIR" not in os.environ:
        os.environ["PYINSTALLER_CONFIG_DIR"] = str(tmp_path_factory.getbasetemp() / "pyinstaller")
