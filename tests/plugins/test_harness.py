# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The sample fixtures themselves (conftest.py), on plugins/hello.

What they promise: a real build, a fresh writable copy per call, the plug-in run
over real pipes with only the standard library and its libs/ importable, passthrough
turns, config.json written where the running plug-in reads it, the plug-in's
stderr/log text readable, and a clean shutdown.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from gassist_build.errors import ArgumentError
from gassist_build.host import Timeouts

pytestmark = pytest.mark.e2e


def test_sample_copy_is_a_fresh_build_in_tmp_path(sample_copy, tmp_path: Path) -> None:
    first = sample_copy("hello")
    second = sample_copy("hello")
    assert first.parent == tmp_path and second.parent == tmp_path and first != second
    for folder in (first, second):
        assert (folder / "libs" / ".gassist-build.json").is_file()
        assert (folder / "libs" / "gassist_sdk" / "__init__.py").is_file()
        assert json.loads((folder / "manifest.json").read_text("utf-8"))["executable"] \
            == "plugin.py"
    (first / "auth.json").write_text("{}", encoding="utf-8")
    assert not (second / "auth.json").exists()


def test_unknown_sample_fails_with_the_known_names(sample_copy) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"no sample plugins/nope .*hello"):
        sample_copy("nope")


def test_call_streams_and_answers_over_real_pipes(sample_copy, run_sample) -> None:
    with run_sample(sample_copy("hello")) as run:
        hello = run.call("say_hello", name="Ada")
        counted = run.call("count_to", number=4)
        pid = run.process.pid
    assert hello.success and hello.text == "Hello, Ada! 👋"
    assert counted.chunks == ("1… ", "2… ", "3… ") and counted.text == "1… 2… 3… 4!"
    assert isinstance(pid, int) and pid > 0
    assert run.shutdown is not None and run.shutdown.step in ("message", "stdin")
    assert not run.process.alive


def test_passthrough_turns_follow_the_session(sample_copy, run_sample) -> None:
    with run_sample(sample_copy("hello")) as run:
        with pytest.raises(ArgumentError, match="no plug-in is waiting for input"):
            run.input("too early")
        opened = run.call("start_chat")
        turn = run.input("two words")
        bye = run.input("bye")
        with pytest.raises(ArgumentError):
            run.input("after the end")
    assert opened.keep_session
    assert turn.text == "You said 2 words: “two words”" and turn.keep_session
    assert bye.text == "Bye! 👋" and not bye.keep_session
    assert [o.text for o in run.outcomes][1:] == [turn.text, bye.text]


def _patch_say_hello(folder: Path, body: str) -> None:
    """Replace say_hello's return line in the copy's plugin.py with ``body``."""
    source = (folder / "plugin.py").read_text("utf-8")
    line = '    return f"Hello, {name}! 👋"'
    assert line in source
    (folder / "plugin.py").write_text(source.replace(line, body), encoding="utf-8")
    for stale in (folder / "__pycache__").glob("plugin.*.pyc"):
        stale.unlink()


def test_config_is_written_where_the_running_plugin_reads_it(sample_copy, run_sample) -> None:
    folder = sample_copy("hello")
    _patch_say_hello(folder, "    import json\n"
                             "    with open('config.json', encoding='utf-8') as f:\n"
                             "        return json.load(f)['greeting'] + ', ' + name")
    config = {"greeting": "Grüß dich", "api_url": "http://127.0.0.1:1/x"}
    with run_sample(folder, config=config) as run:
        reply = run.call("say_hello", name="Ada")
    assert json.loads((folder / "config.json").read_text("utf-8")) == config
    assert reply.success, reply.error
    assert reply.text == "Grüß dich, Ada"


@pytest.mark.parametrize("package", ["requests", "rich", "pytest"])
def test_isolation_hides_the_dev_venv(sample_copy, run_sample, package: str) -> None:
    assert importlib.util.find_spec(package) is not None  # importable here, in the venv
    folder = sample_copy("hello")
    _patch_say_hello(folder, f"    import {package}\n    return {package}.__name__")
    with run_sample(folder) as run:
        reply = run.call("say_hello", name="Ada")
        still = run.call("count_to", number=2)
    assert not reply.success
    assert reply.error == ("say_hello failed unexpectedly (ModuleNotFoundError); the details"
                           " are in hello.log")
    assert f"No module named '{package}'" in run.log_text()
    assert still.success and still.text == "1… 2!"


def test_log_text_holds_the_plugins_stderr(sample_copy, run_sample) -> None:
    folder = sample_copy("hello")
    _patch_say_hello(folder, "    import sys\n"
                             "    print('to stderr: ' + name, file=sys.stderr, flush=True)\n"
                             "    return 'ok'")
    with run_sample(folder) as run:
        assert run.call("say_hello", name="marker-7f3a").text == "ok"
    assert "to stderr: marker-7f3a" in run.log_text()
    assert run.replies().strip() == "ok"


def test_a_plugin_that_ignores_shutdown_fails_the_block(sample_copy, run_sample) -> None:
    folder = sample_copy("hello")
    _patch_say_hello(folder, "    import threading\n"
                             "    threading.Thread(target=lambda: __import__('time').sleep(60),"
                             " daemon=False).start()\n"
                             "    return 'stuck'")
    quick = Timeouts(shutdown_grace=0.3, stdin_close_grace=0.2, terminate_grace=0.5)
    with (pytest.raises(AssertionError, match="did not stop on shutdown; it had to be ended"),
          run_sample(folder, timeouts=quick) as run):
        assert run.call("say_hello").text == "stuck"
    assert not run.process.alive


@pytest.mark.slow
def test_exe_build_runs_its_executable(sample_copy, run_sample) -> None:
    folder = sample_copy("hello", "exe")
    executable = json.loads((folder / "manifest.json").read_text("utf-8"))["executable"]
    assert executable.startswith("g-assist-plugin-hello") and (folder / executable).is_file()
    assert not (folder / "plugin.py").exists()
    with run_sample(folder) as run:
        reply = run.call("say_hello", name="Ada")
    assert reply.success and reply.text == "Hello, Ada! 👋"
    # The host started the executable itself, not a Python with plugin.py.
    assert f"gassist-build started ['{folder / executable}']" in run.log_text()


def test_the_plugin_sees_only_the_stdlib_and_its_libs(sample_copy, run_sample) -> None:
    folder = sample_copy("hello")
    _patch_say_hello(folder, "    import json, os, sys\n"
                             "    return json.dumps({'path': sys.path, 'cwd': os.getcwd(),"
                             " 'flags': sys.flags.no_site,"
                             " 'env': sorted(k for k in os.environ if k.startswith('PYTHON'))})")
    with run_sample(folder) as run:
        reply = run.call("say_hello")
    seen = json.loads(reply.text)
    assert seen["cwd"] == str(folder)
    assert seen["flags"] == 1  # -S: no site module, so no site-packages and no .pth files
    # The script's folder, its libs/, then the standard library of the base Python only.
    assert seen["path"][:2] == [str(folder), str(folder / "libs")]
    base = Path(sys.base_prefix).resolve()
    for entry in seen["path"][2:]:
        assert Path(entry).resolve().is_relative_to(base), entry
        assert "site-packages" not in entry
    # Of the developer's PYTHON* variables none is left (I/O encoding ones may be set by the host).
    assert set(seen["env"]) - {"PYTHONIOENCODING", "PYTHONUTF8", "PYTHONUNBUFFERED"} \
        == {"PYTHONNOUSERSITE", "PYTHONPATH"}


def test_assert_never_shown_finds_a_secret_without_printing_it(sample_copy,
                                                               run_sample) -> None:
    folder = sample_copy("hello")
    _patch_say_hello(folder, "    import sys\n"
                             "    print('leaked ' + name, file=sys.stderr, flush=True)\n"
                             "    return 'fine'")
    with run_sample(folder) as run:
        run.call("say_hello", name="hunter2-in-log")
        run.call("count_to", number=1)
    with pytest.raises(AssertionError) as caught:
        run.assert_never_shown("not-anywhere", "hunter2-in-log")
    assert "secret #2 appears in the plug-in's stderr/log" in str(caught.value)
    assert "hunter2" not in str(caught.value)
    with pytest.raises(AssertionError, match="secret #1 appears in a reply"):
        run.assert_never_shown("fine")
    run.assert_never_shown("not-anywhere", "also-absent")
