# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist-build install / uninstall / package: real folders, real CLI runs.

The built plug-ins here are small hand-made ``dist/<name>`` folders (the shape
``gassist-build build`` produces); building itself is covered in
test_builder_build.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gassist_build import _platform
from gassist_build.errors import InstallError, PackageError
from gassist_build.install import install_plugin, merge_config, uninstall_plugin
from gassist_build.package import package_plugin

GASSIST_BUILD = [sys.executable, "-m", "gassist_build.cli"]


def make_dist(
    root: Path,
    name: str = "hello",
    version: str = "1.0.0",
    example: dict[str, object] | None = None,
    extra: dict[str, str] | None = None,
    *,
    stamp: bool = True,
) -> Path:
    """A built plug-in folder as `gassist-build build` leaves it (with its build stamp)."""
    dist = root / "dist" / name
    shutil.rmtree(dist, ignore_errors=True)
    (dist / "libs" / "gassist_sdk").mkdir(parents=True)
    (dist / "libs" / "gassist_sdk" / "__init__.py").write_text("# runtime\n")
    (dist / "plugin.py").write_text(f"# {name} {version}\n")
    manifest = {
        "manifestVersion": 1,
        "name": name,
        "version": version,
        "executable": "plugin.py",
        "persistent": False,
        "protocol_version": "2.0",
        "functions": [],
    }
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if example is not None:
        (dist / "config.example.json").write_text(json.dumps(example, indent=2))
    if stamp:
        (dist / "libs" / ".gassist-build.json").write_text(json.dumps(
            {"builtBy": "gassist-build", "name": name, "version": version, "mode": "source"}))
    for rel, text in (extra or {}).items():
        (dist / rel).parent.mkdir(parents=True, exist_ok=True)
        (dist / rel).write_text(text)
    return dist


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(plugins: Path) -> list[str]:
    return sorted(p.name for p in plugins.iterdir() if p.name.startswith("."))


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GASSIST_BUILD, *args], capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, **(env or {})},
    )


# -- install ---------------------------------------------------------------------------


def test_first_install_creates_config_from_the_example(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, example={"api_key": "", "greeting": "Hello"})
    plugins = tmp_path / "plugins"

    result = install_plugin(dist, plugins)

    installed = plugins / "hello"
    assert result.path == installed
    assert result.previous_version is None and result.config == "created"
    assert json.loads((installed / "config.json").read_text()) == {
        "api_key": "", "greeting": "Hello"
    }
    assert snapshot(dist).items() <= snapshot(installed).items()
    assert "Installed hello 1.0.0" in result.summary()
    assert "fill in your settings" in result.summary()
    assert leftovers(plugins) == []


@pytest.mark.e2e
def test_installing_twice_keeps_the_user_config_and_adds_new_keys(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    env = {"GASSIST_PLUGINS_DIR": str(plugins)}
    v1 = make_dist(tmp_path, version="1.0.0", example={"api_key": "", "greeting": "Hello"},
                   extra={"old_module.py": "# dropped in 1.1\n"})
    first = run_cli("install", str(v1), env=env)
    assert first.returncode == 0, first.stderr
    # The user fills in their settings, reformatting the file their own way.
    user_text = '{"greeting": "Yo",\n "api_key": "user-secret-123", "mine": [1, 2]}\n'
    (plugins / "hello" / "config.json").write_text(user_text)

    v2 = make_dist(tmp_path, version="1.1.0",
                   example={"api_key": "", "greeting": "Hello", "timeout_s": 10,
                            "auth": {"client_id": ""}})
    second = run_cli("install", str(v2), env=env)
    assert second.returncode == 0, second.stderr
    assert "hello (1.0.0 → 1.1.0)" in second.stdout
    assert "new keys added with default values: timeout_s, auth" in second.stdout

    config = json.loads((plugins / "hello" / "config.json").read_text())
    assert config == {"greeting": "Yo", "api_key": "user-secret-123", "mine": [1, 2],
                      "timeout_s": 10, "auth": {"client_id": ""}}
    assert list(config)[:3] == ["greeting", "api_key", "mine"]
    assert "user-secret-123" not in second.stdout + second.stderr
    assert not (plugins / "hello" / "old_module.py").exists()
    assert (plugins / "hello" / "plugin.py").read_text() == "# hello 1.1.0\n"

    # A third install with nothing new leaves the user's file byte for byte.
    (plugins / "hello" / "config.json").write_text(
        json.dumps(config, indent=4) + "\n"
    )
    before = (plugins / "hello" / "config.json").read_bytes()
    third = install_plugin(v2, plugins)
    assert third.config == "kept"
    assert (plugins / "hello" / "config.json").read_bytes() == before
    assert leftovers(plugins) == []


def test_an_unreadable_user_config_is_kept_verbatim(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"a": 1}), plugins)
    (plugins / "hello" / "config.json").write_text("{not json")
    result = install_plugin(make_dist(tmp_path, example={"a": 1, "b": 2}), plugins)
    assert result.config == "unreadable"
    assert (plugins / "hello" / "config.json").read_text() == "{not json"


def test_merge_config_never_changes_a_value() -> None:
    user = {"a": "mine", "nested": {"x": 1}, "kind": None}
    added = merge_config(user, {"a": "default", "b": 2, "nested": {"x": 9, "y": 3}, "kind": {}})
    assert added == ["b", "nested.y"]
    assert user == {"a": "mine", "nested": {"x": 1, "y": 3}, "kind": None, "b": 2}


def test_merge_config_copies_comments_only_with_their_new_key() -> None:
    user = {"//": "my notes", "api_key": "mine", "//api_key": "where I got it"}
    example = {"//": "Copy to config.json and fill in.", "//api_key": "API key [secret]",
               "api_key": "", "//timeout_s": "Seconds to wait", "timeout_s": 10,
               "//retired": "a comment without its key"}
    added = merge_config(user, example)
    assert added == ["timeout_s"]
    assert user == {"//": "my notes", "api_key": "mine", "//api_key": "where I got it",
                    "//timeout_s": "Seconds to wait", "timeout_s": 10}
    assert list(user)[-2:] == ["//timeout_s", "timeout_s"]


def test_merge_config_leaves_an_object_setting_whole_when_asked() -> None:
    user = {"channels": {}}
    assert merge_config(user, {"channels": {"main": "general"}}, nested=False) == []
    assert user == {"channels": {}}


TYPED_V1 = '''\
from dataclasses import dataclass

from gassist_sdk import Context, Plugin, setting


@dataclass
class Config:
    api_key: str = setting(description="API key", secret=True, help="from example.com")
    greeting: str = setting("Hello", description="Word used to greet")
    channels: dict = setting({"main": "general"}, description="Channels by alias")
MORE

plugin = Plugin("typed", version="VERSION", description="Typed config", config=Config)


@plugin.command()
def greet(name: str, ctx: Context) -> str:
    """Greet someone."""
    return f"{ctx.config.greeting}, {name}! ({len(ctx.config.channels)} channel(s))"


if __name__ == "__main__":
    plugin.run()
'''


def build_typed(root: Path, version: str, more: str = "") -> Path:
    from gassist_build.build import build_plugin

    src = root / f"src-{version}" / "typed"
    src.mkdir(parents=True)
    (src / "plugin.py").write_text(TYPED_V1.replace("VERSION", version).replace("MORE", more))
    return build_plugin(src, out=root / f"dist-{version}").path


def load_installed(folder: Path) -> Any:
    """Import an installed plugin.py (as the engine would run it, from its folder)."""
    module_name = f"installed_typed_{abs(hash(folder))}_{len(sys.modules)}"
    spec = importlib.util.spec_from_file_location(module_name, folder / "plugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.plugin


@pytest.mark.e2e
def test_a_typed_config_plugin_keeps_the_users_settings_across_installs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gassist_sdk.testing import PluginClient

    monkeypatch.delenv("GASSIST_CONFIG", raising=False)  # the installed config.json is read
    plugins = tmp_path / "plugins"
    first = install_plugin(build_typed(tmp_path, "1.0.0"), plugins)
    installed = plugins / "typed"
    assert first.config == "created"
    created = json.loads((installed / "config.json").read_text())
    assert created["api_key"] == ""
    assert created["//api_key"] == "API key (from example.com) [secret]"

    # The user answers the setup conversation; the runtime saves the key into config.json.
    with PluginClient(load_installed(installed)) as client:
        asked = client.call("greet", name="Ada")
        assert not asked.success and asked.keep_session
        assert client.input("user-secret-123").text == "Hello, Ada! (1 channel(s))"
    # ...then edits the file: no channels, and away with a comment they did not want.
    config = json.loads((installed / "config.json").read_text())
    assert config["api_key"] == "user-secret-123"
    config["channels"] = {}
    del config["//greeting"]
    (installed / "config.json").write_text(json.dumps(config, indent=2))

    second = install_plugin(
        build_typed(tmp_path, "1.1.0",
                    '    timeout_s: int = setting(10, description="Seconds to wait")\n'),
        plugins)
    assert second.config == "merged" and second.added_keys == ["timeout_s"]
    assert "user-secret-123" not in second.summary()
    merged = json.loads((installed / "config.json").read_text())
    assert merged == {**config, "//timeout_s": "Seconds to wait", "timeout_s": 10}
    assert "//greeting" not in merged  # a comment the user deleted stays deleted

    # The new version runs with the user's settings straight away, without asking again.
    with PluginClient(load_installed(installed)) as client:
        result = client.call("greet", name="Ada")
    assert result.success and result.text == "Hello, Ada! (0 channel(s))"

    # Installing the same version again leaves the file byte for byte.
    before = (installed / "config.json").read_bytes()
    assert install_plugin(tmp_path / "dist-1.1.0" / "typed", plugins).config == "kept"
    assert (installed / "config.json").read_bytes() == before
    assert leftovers(plugins) == []


def test_a_file_in_the_way_is_a_name_clash(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "hello").write_text("not a plug-in")
    with pytest.raises(InstallError, match="is not a plug-in folder"):
        install_plugin(make_dist(tmp_path), plugins)
    assert (plugins / "hello").read_text() == "not a plug-in"
    assert leftovers(plugins) == []


def test_plugins_dir_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "plugins").write_text("oops")
    with pytest.raises(InstallError, match="is a file, not a folder"):
        install_plugin(make_dist(tmp_path), tmp_path / "plugins")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: (d / "manifest.json").unlink(), "has no manifest.json"),
        (lambda d: (d / "manifest.json").write_text("[]"), "is not a JSON object"),
        (lambda d: (d / "plugin.py").unlink(), "names executable 'plugin.py', which is not"),
    ],
)
def test_a_folder_that_is_not_a_built_plugin_is_refused(
    tmp_path: Path, change: object, message: str
) -> None:
    dist = make_dist(tmp_path)
    change(dist)  # type: ignore[operator]
    with pytest.raises(InstallError, match=message):
        install_plugin(dist, tmp_path / "plugins")
    assert not (tmp_path / "plugins" / "hello").exists()


def test_a_bad_folder_name_is_refused(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, name="con")
    with pytest.raises(InstallError, match="reserved by Windows"):
        install_plugin(dist, tmp_path / "plugins")


def test_a_running_plugin_is_explained_and_the_install_left_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    (plugins / "hello" / "config.json").write_text('{"k": "user"}')
    before = snapshot(plugins / "hello")
    real_rename = _platform.rename_dir

    def locked(src: Path, dst: Path) -> None:
        # What Windows does while g-assist-plugin-hello.exe in that folder runs.
        if src == plugins.resolve() / "hello":
            raise PermissionError(13, "Access is denied", str(src))
        real_rename(src, dst)

    monkeypatch.setattr(_platform, "rename_dir", locked)
    with pytest.raises(InstallError) as caught:
        install_plugin(make_dist(tmp_path, version="2.0.0", example={"k": "", "n": 1}), plugins)
    assert "close G-Assist" in caught.value.message
    assert "previous install was left as it was" in caught.value.message
    assert snapshot(plugins / "hello") == before
    assert leftovers(plugins) == []

    with pytest.raises(InstallError, match="close G-Assist"):
        uninstall_plugin("hello", plugins)
    assert snapshot(plugins / "hello") == before


def test_a_failed_swap_is_rolled_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path), plugins)
    before = snapshot(plugins / "hello")
    real_rename = _platform.rename_dir

    def fail_second_move(src: Path, dst: Path) -> None:
        if src.name.startswith(".hello.installing"):
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(_platform, "rename_dir", fail_second_move)
    with pytest.raises(InstallError, match="previous install was left as it was"):
        install_plugin(make_dist(tmp_path, version="2.0.0"), plugins)
    assert snapshot(plugins / "hello") == before
    assert leftovers(plugins) == []


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable in a way that also binds root (the test runner here)."""
    if sys.platform == "win32":
        pytest.skip("permission bits do not stop writes on Windows (ACLs do)")
    if os.geteuid() == 0:
        # Root ignores permission bits; the immutable attribute binds root too.
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(folder)],
                                            capture_output=True).returncode != 0:
            pytest.skip("running as root and cannot make a folder immutable (chattr +i)")
        try:
            yield
        finally:
            subprocess.run([chattr, "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


@pytest.mark.e2e
def test_no_write_permission_is_a_clear_error(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    dist = make_dist(tmp_path)
    install_plugin(dist, plugins)
    before = snapshot(plugins / "hello")
    with unwritable(plugins):
        proc = run_cli("install", str(make_dist(tmp_path, version="2.0.0")),
                       "--plugins-dir", str(plugins))
    assert proc.returncode == 3
    assert "no permission to write to" in proc.stderr
    assert "administrator" in proc.stderr and "--plugins-dir" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(plugins / "hello") == before


# -- uninstall -------------------------------------------------------------------------


def test_uninstall_keeps_config_unless_purged(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    (plugins / "hello" / "config.json").write_text('{"k": "mine"}')

    kept = uninstall_plugin("hello", plugins)
    assert kept.kept_config
    assert [p.name for p in (plugins / "hello").iterdir()] == ["config.json"]
    assert (plugins / "hello" / "config.json").read_text() == '{"k": "mine"}'

    # Reinstalling picks the kept settings up again.
    assert install_plugin(make_dist(tmp_path, example={"k": ""}), plugins).config == "kept"
    assert json.loads((plugins / "hello" / "config.json").read_text()) == {"k": "mine"}

    purged = run_cli("uninstall", "hello", "--plugins-dir", str(plugins), "--purge")
    assert purged.returncode == 0, purged.stderr
    assert "deleted" in purged.stdout
    assert list(plugins.iterdir()) == []


def test_uninstall_of_a_missing_plugin(tmp_path: Path) -> None:
    (tmp_path / "plugins").mkdir()
    with pytest.raises(InstallError, match="not installed"):
        uninstall_plugin("nothere", tmp_path / "plugins")


# -- platform facts --------------------------------------------------------------------


def test_default_plugins_dir_per_platform() -> None:
    windows = _platform.default_plugins_dir(
        environ={"PROGRAMDATA": r"D:\ProgramData"}, windows=True
    )
    assert str(windows) == r"D:\ProgramData\NVIDIA Corporation\nvtopps\rise\plugins"
    linux = _platform.default_plugins_dir(environ={"HOME": "/home/u"}, windows=False)
    assert linux == Path("/home/u/.local/share/gassist/plugins")
    xdg = _platform.default_plugins_dir(environ={"XDG_DATA_HOME": "/x"}, windows=False)
    assert xdg == Path("/x/gassist/plugins")
    override = {"GASSIST_PLUGINS_DIR": "/p", "PROGRAMDATA": "C:\\PD"}
    assert _platform.default_plugins_dir(environ=override, windows=True) == Path("/p")


def test_executable_name() -> None:
    assert _platform.executable_name("hello", windows=True) == "g-assist-plugin-hello.exe"
    assert _platform.executable_name("hello", windows=False) == "g-assist-plugin-hello"


@pytest.mark.parametrize(
    ("name", "ok"),
    [("hello", True), ("gpu_status", True), ("my-plug2", True), ("H", True),
     ("", False), ("2fast", False), ("_x", False), ("has space", False), ("dot.name", False),
     ("con", False), ("LPT1", False), ("Com9", False), ("nul", False), ("console", True),
     ("héllo", False)],
)
def test_invocation_names(name: str, ok: bool) -> None:
    assert (_platform.invocation_name_problem(name) is None) is ok


# -- package ---------------------------------------------------------------------------


def test_package_is_deterministic_and_leaves_settings_out(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, version="1.2.3", example={"k": ""},
                     extra={"config.json": '{"k": "secret"}'})
    first = package_plugin(dist, tmp_path / "out1")
    # Touch every file: new timestamps must not change the archive.
    for path in dist.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    second = package_plugin(dist, tmp_path / "out2")

    assert first.archive.name == "hello-1.2.3.zip"
    assert first.archive.read_bytes() == second.archive.read_bytes()
    assert first.sha256 == hashlib.sha256(first.archive.read_bytes()).hexdigest()
    assert first.checksum_file.read_text() == f"{first.sha256}  hello-1.2.3.zip\n"
    with zipfile.ZipFile(first.archive) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert "hello/config.json" not in names
        assert {"hello/manifest.json", "hello/plugin.py", "hello/config.example.json",
                "hello/libs/gassist_sdk/__init__.py"} <= set(names)
        assert zf.read("hello/plugin.py") == b"# hello 1.2.3\n"
    assert first.skipped == ("config.json",)


@pytest.mark.e2e
def test_package_cli_output(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, version="0.9.0")
    proc = run_cli("package", str(dist), "--out", str(tmp_path / "pkg"))
    assert proc.returncode == 0, proc.stderr
    assert "hello-0.9.0.zip" in proc.stdout and "sha256 " in proc.stdout
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == [
        "hello-0.9.0.zip", "hello-0.9.0.zip.sha256"
    ]


def test_package_refuses_a_folder_without_manifest(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    with pytest.raises(PackageError, match=r"has no manifest\.json"):
        package_plugin(tmp_path / "x")


@pytest.mark.e2e
def test_install_keeps_the_byte_code_the_build_shipped(tmp_path: Path) -> None:
    dist = build_typed(tmp_path, "1.0.0")
    compiled = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*.pyc"))
    if not compiled:
        pytest.skip("this interpreter is not the engine's Python: the build ships no byte code")
    installed = install_plugin(dist, tmp_path / "plugins").path
    assert sorted(p.relative_to(installed).as_posix()
                  for p in installed.rglob("*.pyc")) == compiled
