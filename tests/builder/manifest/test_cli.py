# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build validate`` and ``gassist-build manifest`` through click's CliRunner.

The plug-ins are stdlib-only fixtures that answer ``plugin.py --manifest`` (the runtime's
contract), run as real subprocesses.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from gassist_build.cli import cli
from gassist_build.manifest.probe import render_manifest

CORPUS = Path(__file__).parent / "corpus"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


# -- validate ------------------------------------------------------------------------------


def test_validate_valid_plugin_exits_0() -> None:
    code, out = _run("validate", "--no-code", str(CORPUS / "valid-v1/twitch"))
    assert code == 0
    assert "0 errors, 0 warnings" in out


def test_validate_warnings_alone_exit_0() -> None:
    code, out = _run("validate", str(CORPUS / "bom/nanoleaf"))
    assert code == 0
    assert "warning" in out and "(file): starts with a UTF-8 byte-order mark" in out
    assert "0 errors, 1 warning" in out


def test_validate_errors_exit_1_and_print_path_and_reason() -> None:
    code, out = _run("validate", str(CORPUS / "trailing-space-param/corsair"))
    assert code == 1
    assert '$.functions[2].properties["volume_percent "]: parameter name' in out
    assert "1 error, 0 warnings" in out


def test_validate_json_shape() -> None:
    code, out = _run("validate", "--json", str(CORPUS / "wrong-types/weather"))
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"manifest", "ok", "errors", "warnings", "problems"}
    assert report["ok"] is False
    assert report["errors"] == 2 and report["warnings"] == 0
    assert report["manifest"].endswith("manifest.json")
    for problem in report["problems"]:
        assert set(problem) == {"severity", "path", "message", "code"}
    assert {p["path"] for p in report["problems"]} == {
        "$.persistent",
        "$.functions[0].properties.verbose.type",
    }


def test_validate_json_keeps_non_ascii_readable() -> None:
    code, out = _run("validate", "--json", str(CORPUS / "mojibake/ollama"))
    assert code == 0
    (problem,) = json.loads(out)["problems"]
    assert '"Ã©" is probably "é"' in problem["message"]


def test_validate_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _run("validate", str(tmp_path / "nope"))
    assert code == 2
    assert "does not exist" in out


@pytest.mark.e2e
def test_validate_compares_with_code_unless_no_code() -> None:
    folder = str(CORPUS / "code-mismatch/weather")
    code, out = _run("validate", folder)
    assert code == 1
    assert "`get_forecast` is declared but plugin.py does not register it" in out
    assert f"gassist-build manifest {folder}" in out
    code, _ = _run("validate", "--no-code", folder)
    assert code == 0


# -- manifest ------------------------------------------------------------------------------


@pytest.fixture
def weather(tmp_path: Path) -> Path:
    """A copy of the in-sync V2 fixture plug-in, free to modify."""
    return Path(shutil.copytree(CORPUS / "valid-v2/weather", tmp_path / "weather"))


@pytest.mark.e2e
def test_checked_in_corpus_manifest_is_in_sync_with_its_code() -> None:
    code, out = _run("manifest", "--check", str(CORPUS / "valid-v2/weather"))
    assert code == 0, out
    assert "is up to date" in out


@pytest.mark.e2e
def test_manifest_writes_the_generated_file(weather: Path) -> None:
    expected = (weather / "manifest.json").read_bytes()
    (weather / "manifest.json").unlink()
    code, out = _run("manifest", "--check", str(weather))
    assert code == 1
    assert "does not exist" in out
    assert not (weather / "manifest.json").exists()

    code, out = _run("manifest", str(weather))
    assert code == 0, out
    assert "wrote" in out
    written = (weather / "manifest.json").read_bytes()
    assert written == expected
    assert written.endswith(b"}\n") and not written.startswith(b"\xef\xbb\xbf")
    assert [p.name for p in weather.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.e2e
def test_manifest_check_shows_a_diff_when_stale(weather: Path) -> None:
    path = weather / "manifest.json"
    stale = path.read_text().replace('"version": "2.0.0"', '"version": "1.9.0"')
    path.write_text(stale)
    code, out = _run("manifest", "--check", str(weather))
    assert code == 1
    assert '-  "version": "1.9.0",' in out
    assert '+  "version": "2.0.0",' in out
    assert "is not up to date" in out
    assert path.read_text() == stale  # --check never writes

    code, _ = _run("manifest", str(weather))
    assert code == 0
    assert _run("manifest", "--check", str(weather))[0] == 0


@pytest.mark.e2e
def test_manifest_check_ignores_windows_line_endings(weather: Path) -> None:
    path = weather / "manifest.json"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert _run("manifest", "--check", str(weather))[0] == 0


def _fixture_plugin(folder: Path, manifest: dict[str, object]) -> Path:
    folder.mkdir()
    (folder / "plugin.py").write_text(
        textwrap.dedent(
            f"""
            import json, sys
            if sys.argv[1:] == ["--manifest"]:
                print(json.dumps({manifest!r}))
            """
        ),
        encoding="utf-8",
    )
    return folder


@pytest.mark.e2e
def test_manifest_is_utf8_without_bom_in_the_plugins_key_order(tmp_path: Path) -> None:
    manifest = {
        "manifestVersion": 1,
        "description": "Café – naïve",
        "executable": "plugin.py",
        "persistent": False,
        "functions": [],
    }
    folder = _fixture_plugin(tmp_path / "cafe", manifest)
    assert _run("manifest", str(folder))[0] == 0
    raw = (folder / "manifest.json").read_bytes()
    assert "Café – naïve".encode() in raw
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert list(json.loads(raw)) == list(manifest)  # key order as the plug-in gave it
    # A BOM added by an editor is not staleness (the runtime's own check agrees).
    (folder / "manifest.json").write_bytes(b"\xef\xbb\xbf" + raw)
    assert _run("manifest", "--check", str(folder))[0] == 0


SDK_PLUGIN = '''
from gassist_sdk import Context, Plugin

plugin = Plugin("hello", version="1.0.0", description="Says héllo")


@plugin.command()
def greet(name: str, times: int = 1, ctx: Context | None = None) -> str:
    """Greet someone.

    Args:
        name: Who to greet.
        times: How many times.
    """
    return "Hello " + name
{extra}

if __name__ == "__main__":
    plugin.run()
'''

EXTRA_COMMAND = '''

@plugin.command()
def wave(ctx: Context | None = None) -> str:
    """Wave."""
    return "o/"
'''


@pytest.mark.e2e
def test_sdk_plugin_manifest_agrees_with_the_runtime(tmp_path: Path) -> None:
    folder = tmp_path / "hello"
    folder.mkdir()
    (folder / "plugin.py").write_text(SDK_PLUGIN.format(extra=""), encoding="utf-8")
    code, out = _run("manifest", str(folder))
    assert code == 0, out
    runtime_check = subprocess.run(
        [sys.executable, "plugin.py", "--manifest", "--check"],
        cwd=folder,
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert runtime_check.returncode == 0, runtime_check.stderr
    code, out = _run("validate", str(folder))
    assert (code, out.splitlines()[-1]) == (0, "0 errors, 0 warnings")

    # The code moves on: both commands notice.
    (folder / "plugin.py").write_text(SDK_PLUGIN.format(extra=EXTRA_COMMAND), encoding="utf-8")
    code, out = _run("validate", str(folder))
    assert code == 0
    assert "plugin.py registers `wave` but the manifest does not declare it" in out
    code, out = _run("manifest", "--check", str(folder))
    assert code == 1
    assert '+      "name": "wave",' in out


@pytest.mark.e2e
def test_manifest_refuses_to_write_an_invalid_manifest(tmp_path: Path) -> None:
    folder = _fixture_plugin(
        tmp_path / "bad",
        {
            "manifestVersion": 1,
            "executable": "plugin.py",
            "persistent": False,
            "functions": [{"name": "rise_hack", "description": "Reserved name."}],
        },
    )
    (folder / "manifest.json").write_text("{ the old file }\n")
    code, out = _run("manifest", str(folder))
    assert code == 1
    assert "$.functions[0].name" in out and "rise_" in out
    assert "was left as it is" in out
    assert (folder / "manifest.json").read_text() == "{ the old file }\n"


@pytest.mark.e2e
def test_manifest_is_written_before_the_executable_is_built(tmp_path: Path) -> None:
    manifest = {
        "manifestVersion": 1,
        "executable": "g-assist-plugin-tool.exe",
        "persistent": False,
        "functions": [],
    }
    folder = _fixture_plugin(tmp_path / "tool", manifest)
    assert _run("manifest", str(folder))[0] == 0
    assert json.loads((folder / "manifest.json").read_text()) == manifest
    assert _run("validate", "--no-code", str(folder))[0] == 1  # validate does check it


@pytest.mark.e2e
def test_manifest_reports_a_failing_plugin_and_keeps_the_file(tmp_path: Path) -> None:
    folder = shutil.copytree(CORPUS / "code-crash/weather", tmp_path / "weather")
    before = (folder / "manifest.json").read_bytes()
    result = CliRunner().invoke(cli, ["manifest", str(folder)])
    assert result.exit_code == 1
    assert "exited with status 1" in result.output
    assert "ModuleNotFoundError" in result.output
    assert (folder / "manifest.json").read_bytes() == before


def test_manifest_without_plugin_py_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["manifest", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "plugin.py does not exist" in result.output


# -- the engine's view: isolated unless --dev ------------------------------------------------

_NEEDS_CLICK = {
    "manifestVersion": 1,
    "description": "Needs a package from PyPI.",
    "executable": "plugin.py",
    "persistent": True,
    "functions": [{"name": "ping", "description": "Answers pong."}],
}


@pytest.fixture(scope="module")
def needs_click(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unbuilt plug-in that imports click: this environment has it, libs/ does not."""
    folder = tmp_path_factory.mktemp("src") / "needs_click"
    folder.mkdir()
    (folder / "plugin.py").write_text(
        f"import json, sys\nimport click\nprint(json.dumps({_NEEDS_CLICK!r}))\n",
        encoding="utf-8",
    )
    (folder / "manifest.json").write_text(render_manifest(_NEEDS_CLICK), encoding="utf-8")
    return folder


@pytest.mark.e2e
def test_validate_fails_when_plugin_py_cannot_import_as_g_assist_runs_it(
    needs_click: Path,
) -> None:
    code, out = _run("validate", str(needs_click))
    assert code == 1
    assert "plugin.py cannot be imported" in out
    assert "ModuleNotFoundError: No module named 'click'" in out
    assert f"run gassist-build build {needs_click}, or add --dev" in out
    assert "Regenerate manifest.json" not in out  # regenerating would not help


@pytest.mark.e2e
def test_validate_dev_uses_this_environment(needs_click: Path) -> None:
    code, out = _run("validate", "--dev", str(needs_click))
    assert code == 0, out
    assert "0 errors, 0 warnings" in out


@pytest.mark.e2e
def test_validate_of_a_built_folder_missing_a_module_says_to_add_the_requirement(
    tmp_path: Path, needs_click: Path
) -> None:
    from gassist_build._files import BUILD_STAMP
    from gassist_build._isolation import runtime_dir

    built = Path(shutil.copytree(needs_click, tmp_path / "needs_click"))
    shutil.copytree(runtime_dir(), built / "libs" / "gassist_sdk")
    (built / "libs" / BUILD_STAMP).write_text("{}", encoding="utf-8")
    code, out = _run("validate", str(built))
    assert code == 1
    assert "libs/ lacks that module" in out and "requirements.txt" in out


@pytest.mark.e2e
def test_manifest_and_config_say_how_to_run_an_unbuilt_folder(needs_click: Path) -> None:
    for command in ("manifest", "config"):
        result = CliRunner().invoke(cli, [command, "--check", str(needs_click)])
        assert result.exit_code == 1, (command, result.output)
        assert "this source folder is not built" in result.output, command
        assert "or add --dev" in result.output
    code, out = _run("manifest", "--check", "--dev", str(needs_click))
    assert code == 0, out
