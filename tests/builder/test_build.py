# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""gassist-build new / build: every template rendered, tested, built and run for real.

Built plug-ins are run the way the engine runs them: over real pipes, from
their own folder, with ``libs/`` on ``PYTHONPATH`` and (for source builds) a
Python started with ``-S`` so that nothing outside ``libs/`` can be imported
from site-packages. Dependencies are installed offline (``--offline``): wheels
repacked from this environment, so no test touches the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from gassist_build import _platform
from gassist_build.build import build_plugin, declared_config, plugin_modules, secret_keys
from gassist_build.build import freeze as _freeze
from gassist_build.errors import BuildError
from gassist_build.host.scorecard import run_check
from gassist_build.scaffold import TEMPLATES, render_template

SECRET = "sk-live-DO-NOT-SHIP-4242"
CLI = [sys.executable, "-m", "gassist_build.cli"]


# -- driving a built plug-in over real pipes ---------------------------------------------


class RawPlugin:
    """A plug-in process spoken to in raw V2 frames, like the engine does."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._next_id = 0

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            header = self.proc.stdout.read(4)
            if len(header) < 4:
                self.messages.put(None)
                return
            (size,) = struct.unpack(">I", header)
            self.messages.put(json.loads(self.proc.stdout.read(size)))

    def send(self, method: str, params: dict[str, Any], *, notify: bool = False) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if not notify:
            message["id"] = self._next_id
        body = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(struct.pack(">I", len(body)) + body)
        self.proc.stdin.flush()
        return self._next_id

    def wait_for(self, request_id: int, timeout: float = 20.0) -> dict[str, Any]:
        """The response to ``request_id``, or its complete/error notification."""
        while True:
            try:
                message = self.messages.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no reply to request {request_id} in {timeout} s") from None
            if message is None:
                stderr = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr \
                    else ""
                raise AssertionError(f"plug-in closed stdout; stderr:\n{stderr}")
            if message.get("id") == request_id:
                return message
            params = message.get("params") or {}
            if params.get("request_id") == request_id and message.get("method") != "stream":
                return message

    def close(self) -> int:
        self.send("shutdown", {}, notify=True)
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


def call_built_plugin(argv: list[str], folder: Path, function: str, arguments: dict[str, Any],
                      config: dict[str, Any] | None = None
                      ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Launch, initialize, execute once, shut down; return (initialize, final) messages.

    The plug-in reads ``config`` from a file outside its folder (none when omitted).
    """
    config_file = folder.parent / "test-config.json"
    config_file.unlink(missing_ok=True)
    if config is not None:
        config_file.write_text(json.dumps(config))
    env = {"PYTHONPATH": str(folder / "libs"), "GASSIST_LOG_DIR": str(folder.parent / "logs"),
           "GASSIST_CONFIG": str(config_file)}
    plugin = RawPlugin(argv, folder, env)
    try:
        init = plugin.wait_for(plugin.send("initialize", {"protocol_version": "2.0",
                                                          "engine_version": "test"}))
        final = plugin.wait_for(plugin.send("execute", {"function": function,
                                                        "arguments": arguments}))
    finally:
        code = plugin.close()
    assert code == 0
    return init, final


def engine_python(folder: Path) -> list[str]:
    # -S: no site-packages, so gassist_sdk and requests can only come from libs/,
    # as with the engine's bundled Python.
    return [sys.executable, "-S", str(folder / "plugin.py")]


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# -- templates -------------------------------------------------------------------------


# function, arguments, config the built plug-in reads (None: no file), success, text shown.
SAMPLE_CALLS: dict[str, tuple[str, dict[str, Any], dict[str, Any] | None, bool, str]] = {
    "basic": ("greet", {"name": "Ada"}, {"api_key": "k-0123456789"}, True, "Hello, Ada!"),
    "passthrough-chat": ("chat", {"topic": "cats"}, None, True, "Let's talk about cats"),
    # No api_key configured: the answer is the setup conversation, and requests imported
    # from libs/ (the module loads it at start).
    "service": ("forecast", {"city": "Paris"}, None, False, "needs to be set up first"),
}
# The keys each template declares secret=True.
SECRETS = {"basic": ["api_key"], "passthrough-chat": [], "service": ["api_key"]}


def printed(folder: Path, flag: str) -> str:
    """What ``python plugin.py FLAG`` prints in ``folder``."""
    proc = subprocess.run([sys.executable, "plugin.py", flag], cwd=folder, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.e2e
@pytest.mark.parametrize("template", TEMPLATES)
def test_template_renders_tests_builds_and_runs(template: str, tmp_path: Path) -> None:
    name = "my_" + template.replace("-", "_")
    folder = render_template(name, template, tmp_path / "src")
    assert folder == tmp_path / "src" / name

    # Immediately valid: manifest generated from the code, the example config, docs, ignores.
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["name"] == name and manifest["executable"] == "plugin.py"
    assert manifest["functions"], "the template registers at least one command"
    gitignore = (folder / ".gitignore").read_text().splitlines()
    assert {"config.json", "dist/", "build/", "libs/"} <= set(gitignore)
    readme = (folder / "README.md").read_text()
    assert f"Hey {name}," in readme and "{{" not in readme
    # config.example.json (and the schema) are what the code declares, secrets empty.
    example_text = (folder / "config.example.json").read_text()
    assert example_text == printed(folder, "--config-example")
    assert (folder / "config.schema.json").read_text() == printed(folder, "--config-schema")
    example = json.loads(example_text)
    declared = declared_config(folder)
    assert declared is not None and declared.secrets == SECRETS[template]
    assert all(example[key] == "" for key in declared.secrets)

    check = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=folder,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr

    # Its own tests pass, run the way its README says (pytest in the folder).
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q"], cwd=folder,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    # The author's own secret must not travel into the build.
    (folder / "config.json").write_text(json.dumps({**example, "api_key": SECRET}))
    (folder / "__pycache__").mkdir(exist_ok=True)
    (folder / "__pycache__" / "plugin.cpython-311.pyc").write_bytes(b"stale")
    result = build_plugin(folder, "source", tmp_path / "dist", offline=True)

    dist = tmp_path / "dist" / name
    assert result.path == dist and result.executable == "plugin.py"
    top = {p.name for p in dist.iterdir()}
    assert top == {"plugin.py", "manifest.json", "config.example.json", "libs", "__pycache__"}
    every = files_in(dist)
    assert result.files == len(every)
    assert "libs/gassist_sdk/__init__.py" in every
    # Byte code for the engine's Python (here: this one), compiled by the build; the
    # author's stale cache file never ships.
    tag = sys.implementation.cache_tag
    assert f"__pycache__/plugin.{tag}.pyc" in every
    assert f"libs/gassist_sdk/__pycache__/__init__.{tag}.pyc" in every
    cached = [f for f in every if "__pycache__" in f]
    assert all(f.endswith(f".{tag}.pyc") and (dist / f).read_bytes() != b"stale"
               for f in cached)
    assert not any(f.startswith("tests/") for f in every)
    assert not any(f.endswith("config.json") and "example" not in f for f in every)
    for path in dist.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    built_manifest = json.loads((dist / "manifest.json").read_text())
    assert built_manifest == manifest
    assert (dist / "config.example.json").read_text() == example_text
    if template == "service":
        assert "libs/requests/__init__.py" in every
        assert any("compiled parts" in w for w in result.warnings) == any(
            f.endswith((".so", ".pyd")) for f in every)

    # Runs from its folder with nothing but libs/ (no site-packages).
    function, arguments, config, success, text = SAMPLE_CALLS[template]
    init, final = call_built_plugin(engine_python(dist), dist, function, arguments, config)
    assert init["result"]["name"] == name
    assert final["method"] == "complete", final
    assert final["params"]["success"] is success
    assert text in final["params"]["data"]
    if not success:  # the setup conversation stays open for the user's answer
        assert final["params"]["keep_session"] is True

    # And the emulator's conformance check passes on the built folder.
    card = run_check(dist, log_dir=tmp_path / "logs")
    failed = [(i.key, i.detail) for i in card.items if i.status == "fail"]
    assert card.ok, failed


@pytest.mark.e2e
def test_new_command_from_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run([*CLI, "new", "weather", "--template", "service", "--no-input",
                           "--output-dir", str(tmp_path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Created" in proc.stdout
    assert (tmp_path / "weather" / "manifest.json").is_file()
    again = subprocess.run([*CLI, "new", "weather", "--output-dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 5
    assert "already exists" in again.stderr


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_new_prompts_in_a_terminal(tmp_path: Path) -> None:
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen([*CLI, "new", "hello", "--output-dir", str(tmp_path)],
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    # The name is the argument (never asked again); type a description (with quotes) and an author.
    os.write(master, b'Says "hello" in style\nAda Lovelace\n\n')
    shown = b""
    while select.select([master], [], [], 30)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=30) == 0, shown.decode(errors="replace")
    os.close(master)
    assert b"Invocation name" not in shown and b"Author" in shown  # the name is not re-asked
    manifest = json.loads((tmp_path / "hello" / "manifest.json").read_text())
    assert manifest["description"] == 'Says "hello" in style'
    assert "# Copyright Ada Lovelace" in (tmp_path / "hello" / "plugin.py").read_text()


def test_template_values_are_quoted_safely(tmp_path: Path) -> None:
    text = 'Quotes " and \\ backslash \' and ünïcode'
    folder = render_template("quoted", "service", tmp_path,
                             context={"description": text, "api_url": 'http://x/"y'})
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["description"] == text
    assert json.loads((folder / "config.example.json").read_text())["api_url"] == 'http://x/"y'


@pytest.mark.parametrize("name", ["2cool", "has space", "con", "LPT3", "dot.name", ""])
def test_new_rejects_bad_names(name: str, tmp_path: Path) -> None:
    with pytest.raises(BuildError) as caught:
        render_template(name, "basic", tmp_path)
    assert "name" in caught.value.message or "reserved" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_new_rejects_an_unknown_template(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="unknown template 'fancy'"):
        render_template("ok", "fancy", tmp_path)


# -- build: bad input ------------------------------------------------------------------


def write_plugin(folder: Path, body: str = "", *, name: str = "fixture",
                 requirements: str | None = None) -> Path:
    """A minimal plug-in on the real runtime."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.py").write_text(
        "from gassist_sdk import Plugin\n"
        f"{body}\n"
        f"plugin = Plugin({name!r}, version='2.0.0', description='Test fixture')\n\n"
        "@plugin.command()\n"
        "def ping_me(text: str) -> str:\n"
        "    '''Echo the text.\n\n    Args:\n        text: What to echo.\n    '''\n"
        "    return text\n\n"
        "if __name__ == '__main__':\n"
        "    plugin.run()\n"
    )
    if requirements is not None:
        (folder / "requirements.txt").write_text(requirements)
    return folder


def test_a_folder_without_a_plugin(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match=r"has no plugin\.py"):
        build_plugin(tmp_path / "empty", out=tmp_path / "dist")
    with pytest.raises(BuildError, match="is not a folder"):
        build_plugin(tmp_path / "missing", out=tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_a_plugin_that_fails_to_import_keeps_the_previous_build(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    first = build_plugin(src, out=tmp_path / "dist")
    before = {f: (first.path / f).read_bytes() for f in files_in(first.path)}

    write_plugin(src, "import module_that_does_not_exist_anywhere")
    with pytest.raises(BuildError) as caught:
        build_plugin(src, out=tmp_path / "dist")
    assert "fails to load" in caught.value.message
    assert "module_that_does_not_exist_anywhere" in caught.value.message
    assert {f: (first.path / f).read_bytes() for f in files_in(first.path)} == before
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["fixture"]


def test_a_running_build_in_dist_is_left_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_plugin(tmp_path / "fixture")
    first = build_plugin(src, out=tmp_path / "dist")
    before = {f: (first.path / f).read_bytes() for f in files_in(first.path)}
    real_rename = _platform.rename_dir

    def locked(src_dir: Path, dst: Path) -> None:
        # Windows, while the emulator runs dist/fixture/g-assist-plugin-fixture.exe.
        if src_dir == first.path:
            raise PermissionError(13, "Access is denied")
        real_rename(src_dir, dst)

    monkeypatch.setattr(_platform, "rename_dir", locked)
    with pytest.raises(BuildError, match="close G-Assist"):
        build_plugin(src, out=tmp_path / "dist")
    assert {f: (first.path / f).read_bytes() for f in files_in(first.path)} == before
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["fixture"]


@pytest.mark.e2e
def test_an_unknown_requirement_shows_pips_error_and_writes_nothing(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture",
                       requirements="requests>=2.31\nno-such-package-gassist-test==1.0\n")
    proc = subprocess.run([*CLI, "build", str(src), "--offline", "--out",
                           str(tmp_path / "dist")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert "pip could not install" in proc.stderr
    assert "No matching distribution found for no-such-package-gassist-test" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "dist").exists()
    assert not (tmp_path / "build" / "fixture" / "stage").exists()


def test_a_secret_in_the_example_config_fails_the_build(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "config.example.json").write_text(
        json.dumps({"model": "x", "auth": {"client_secret": "abc123"}, "token_url": "https://t"})
    )
    with pytest.raises(BuildError, match=r"values for secrets \(auth\.client_secret\)"):
        build_plugin(src, out=tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


TYPED_PLUGIN = '''\
from dataclasses import dataclass

from gassist_sdk import Context, Plugin, setting


@dataclass
class Config:
    webhook_url: str = setting(description="Private webhook URL", secret=True)
    sort_key: str = setting("name", description="Field to sort by")


plugin = Plugin("typed", version="1.0.0", description="Typed config", config=Config)


@plugin.command()
def show(ctx: Context) -> str:
    """Show the sort key."""
    return ctx.config.sort_key


if __name__ == "__main__":
    plugin.run()
'''


def write_typed_plugin(folder: Path) -> Path:
    """A plug-in with typed config whose key names fool the name heuristic both ways."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.py").write_text(TYPED_PLUGIN)
    return folder


def test_typed_config_decides_what_is_secret(tmp_path: Path) -> None:
    src = write_typed_plugin(tmp_path / "typed")
    # The name heuristic would call sort_key a secret and miss webhook_url.
    assert secret_keys({"webhook_url": "", "sort_key": ""}) == ["sort_key"]
    declared = declared_config(src)
    assert declared is not None and declared.secrets == ["webhook_url"]
    assert declared_config(write_plugin(tmp_path / "untyped")) is None

    # A value for the declared secret in the example fails the build...
    (src / "config.example.json").write_text(
        json.dumps({"webhook_url": "https://hooks.example/SECRET-42", "sort_key": "name"}))
    with pytest.raises(BuildError, match=r"values for secrets \(webhook_url\)"):
        build_plugin(src, out=tmp_path / "dist")
    assert not (tmp_path / "dist").exists()

    # ...a value for sort_key does not, and the example shipped is the generated one
    # (the stale one on disk is reported), even with the author's secret in config.json.
    (src / "config.example.json").write_text(json.dumps({"webhook_url": "", "sort_key": "x"}))
    (src / "config.json").write_text(json.dumps({"webhook_url": SECRET, "sort_key": "date"}))
    result = build_plugin(src, out=tmp_path / "dist")
    shipped = (result.path / "config.example.json").read_text()
    assert shipped == printed(src, "--config-example")
    assert json.loads(shipped)["webhook_url"] == "" and json.loads(shipped)["sort_key"] == "name"
    assert any("does not match the config declared" in w for w in result.warnings)
    assert not (result.path / "config.json").exists()
    for path in result.path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_typed_config_without_an_example_on_disk_still_ships_one(tmp_path: Path) -> None:
    src = write_typed_plugin(tmp_path / "typed")
    (src / "config.json").write_text(json.dumps({"webhook_url": SECRET}))
    result = build_plugin(src, out=tmp_path / "dist")
    assert (result.path / "config.example.json").read_text() == printed(src, "--config-example")
    assert result.warnings == []
    assert not (src / "config.example.json").exists()  # the source folder is not written to


def test_config_json_alone_is_never_shipped(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "config.json").write_text(json.dumps({"model": "fast"}))
    result = build_plugin(src, out=tmp_path / "dist")
    assert not (result.path / "config.json").exists()
    assert any("config.json is not shipped" in w for w in result.warnings)


def test_requirements_never_reinstall_the_runtime_and_modules_are_copied(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture", "import helpers", requirements="gassist-sdk\n")
    (src / "helpers.py").write_text("VALUE = 1\n")
    (src / "test_helpers.py").write_text("def test(): pass\n")
    (src / "conftest.py").write_text("")
    (src / "pkg").mkdir()
    (src / "pkg" / "__init__.py").write_text("")
    (src / "tests").mkdir()
    (src / "tests" / "__init__.py").write_text("")
    result = build_plugin(src, out=tmp_path / "dist")
    assert [s.title for s in result.steps if "pip" in s.title] == []
    assert {p.name for p in result.path.iterdir()} == {
        "plugin.py", "helpers.py", "pkg", "manifest.json", "libs", "__pycache__"}
    assert [p.name for p in plugin_modules(src)] == ["helpers.py", "pkg", "plugin.py"]


@pytest.mark.parametrize(
    ("config", "secrets"),
    [
        ({"TWITCH_CLIENT_ID": "", "TWITCH_CLIENT_SECRET": ""}, ["TWITCH_CLIENT_SECRET"]),
        ({"BOT_TOKEN": "", "CHANNEL_ID": "", "GAME_DIRECTORY": ""}, ["BOT_TOKEN"]),
        ({"webhook_key": "", "event_name": "", "main_rss_url": ""}, ["webhook_key"]),
        ({"apiKey": "", "token_url": "", "model": ""}, ["apiKey"]),
        ({"db": {"password": "", "host": ""}}, ["db.password"]),
        ({"client_id": "", "username": "", "redirect_port": 8888}, []),
    ],
)
def test_secret_keys(config: dict[str, Any], secrets: list[str]) -> None:
    assert secret_keys(config) == secrets


# -- exe -------------------------------------------------------------------------------


def test_hidden_imports_are_discovered(tmp_path: Path) -> None:
    module = tmp_path / "plugin.py"
    module.write_text(
        "import importlib\n"
        "codec = importlib.import_module('json.decoder')\n"
        "def later():\n"
        "    return __import__('csv')\n"
        "relative = importlib.import_module('.x', 'pkg')\n"
    )
    import gassist_sdk

    found = _freeze.discover_hidden_imports([module], Path(gassist_sdk.__file__).parent)
    assert {"json.decoder", "csv", "gassist_sdk", "gassist_sdk._plugin"} <= set(found)
    assert "gassist_sdk.testing" not in found and ".x" not in found
    assert found == sorted(found)


def test_requirements_imported_by_name_only_become_hidden_imports(tmp_path: Path) -> None:
    # gassist_sdk.http imports requests by name on the first request; a frozen plug-in
    # that listed requests failed with ModuleNotFoundError before deps/ was scanned.
    deps = tmp_path / "deps"
    for folder in ("requests", "google/genai", "google/auth", "requests-2.34.dist-info",
                   "bin", "__pycache__", "charset_normalizer"):
        (deps / folder).mkdir(parents=True)
    for init in ("requests", "google/genai", "google/auth", "charset_normalizer"):
        (deps / init / "__init__.py").write_text("")
    (deps / "six.py").write_text("")
    (deps / "_speedups.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (deps / "yaml.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (deps / "distutils-precedence.pth").write_text("")
    import gassist_sdk

    runtime = Path(gassist_sdk.__file__).parent
    assert _freeze.installed_top_level(deps) == {
        "requests", "google.genai", "google.auth", "charset_normalizer", "six", "yaml"}
    found = _freeze.discover_hidden_imports([], runtime, deps)
    assert {"requests", "google.genai", "six", "gassist_sdk.http"} <= set(found)
    assert "google" not in found and "bin" not in found
    assert _freeze.discover_hidden_imports([], runtime, tmp_path / "none") == \
        _freeze.discover_hidden_imports([], runtime)


@pytest.mark.slow
@pytest.mark.e2e
def test_one_folder_executable_runs_over_real_pipes(tmp_path: Path) -> None:
    folder = render_template("frozen", "basic", tmp_path / "src")
    (folder / "config.json").write_text(json.dumps({"greeting": "Hi", "api_key": SECRET}))
    result = build_plugin(folder, "exe", tmp_path / "dist")
    assert (tmp_path / "dist" / "frozen" / "config.example.json").read_text() == \
        (folder / "config.example.json").read_text()

    dist = tmp_path / "dist" / "frozen"
    exe = _platform.executable_name("frozen")
    assert result.executable == exe
    assert json.loads((dist / "manifest.json").read_text())["executable"] == exe
    assert (dist / exe).is_file() and os.access(dist / exe, os.X_OK)
    assert not (dist / "config.json").exists() and not (dist / "plugin.py").exists()
    for path in dist.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert result.spec is not None
    spec = result.spec.read_text()
    assert "console=True" in spec and "upx=False" in spec and "'gassist_sdk._plugin'" in spec
    assert "COLLECT(" in spec  # one folder

    init, final = call_built_plugin([str(dist / exe)], dist, "greet", {"name": "Ada"},
                                    {"api_key": "k-0123456789"})
    assert init["result"]["name"] == "frozen"
    assert final["method"] == "complete"
    assert final["params"] == {"request_id": 2, "success": True, "data": "Hello, Ada!",
                               "keep_session": False}
    # Without config the first call still works (the key is optional), and the command that
    # needs the key says where it goes, like the source plug-in.
    _, greeted = call_built_plugin([str(dist / exe)], dist, "greet", {"name": "Ada"})
    assert greeted["params"]["success"] is True and greeted["params"]["data"] == "Hello, Ada!"
    _, asked = call_built_plugin([str(dist / exe)], dist, "account", {})
    assert asked["params"]["success"] is False
    assert '"api_key"' in asked["params"]["data"]

    # Reproducible: a second build from scratch gives the same bytes.
    again = build_plugin(folder, "exe", tmp_path / "dist2", work_dir=tmp_path / "work2")
    assert digests(again.path) == digests(dist)


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "__pycache__"
    }


@pytest.mark.e2e
def test_the_python_snippet_in_docs_build_md_runs(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "build.md").read_text()
    snippet = doc.split("```python\n", 1)[1].split("```", 1)[0]
    proc = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Built hello 0.1.0 (source)" in proc.stdout
    assert "Installed hello 0.1.0 into" in proc.stdout
    assert (tmp_path / "local-plugins" / "hello" / "config.json").is_file()
