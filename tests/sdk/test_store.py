# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist_sdk.store: atomic, private, forgiving JSON files for tokens and caches."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

import pytest
from gassist_sdk.store import JsonStore


def test_missing_file_reads_as_none_and_save_round_trips(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "auth.json")
    assert store.load() is None
    store.save({"token": "t", "expires_at": 12.5, "name": "Åsa"})
    assert store.load() == {"token": "t", "expires_at": 12.5, "name": "Åsa"}
    assert [p.name for p in tmp_path.iterdir()] == ["auth.json"]  # no temp file left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "auth.json")
    store.save({"token": "t"})
    assert (tmp_path / "auth.json").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\xff\xfe garbage", ""])
def test_a_corrupt_file_reads_as_none_with_a_warning_that_shows_no_content(
        tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "auth.json"
    path.write_text(text + " s3cr3t-token", encoding="latin-1")
    caplog.set_level(logging.WARNING)
    assert JsonStore(path).load() is None
    assert "auth.json" in caplog.text and "s3cr3t-token" not in caplog.text


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = JsonStore(tmp_path / "auth.json")
    store.save({"token": "old"})

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.save({"token": "new"})
    monkeypatch.undo()
    assert store.load() == {"token": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["auth.json"]


def test_update_merges_and_clear_deletes(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "state" / "auth.json")  # the folder is created
    store.save({"a": 1})
    assert store.update(b=2) == {"a": 1, "b": 2}
    assert store.load() == {"a": 1, "b": 2}
    store.clear()
    store.clear()  # twice is fine
    assert store.load() is None


def test_concurrent_updates_lose_nothing(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "auth.json")
    store.save({})

    def worker(n: int) -> None:
        for i in range(20):
            store.update(**{f"w{n}_{i}": i})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.load() or {}) == 80
