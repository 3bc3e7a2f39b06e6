# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The manifest validator against a corpus of real-world-shaped plug-in folders.

tests/builder/manifest/corpus/<case>/<plug-in folder>/ holds one manifest per defect seen in the
wild (and valid V1/V2 ones in both parameter forms). Each case must report exactly the
expected problems, with their JSON path and severity.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from gassist_build.manifest.probe import ManifestCommandError, run_manifest_command
from gassist_build.manifest.validate import (
    Report,
    check_manifest,
    folder_name_problem,
    format_path,
    validate_plugin,
)
from hypothesis import given, settings
from hypothesis import strategies as st

CORPUS = Path(__file__).parent / "corpus"

# case folder -> exact set of (severity, path, code), plus a fragment the message must contain.
CASES: dict[str, list[tuple[str, str, str, str]]] = {
    "valid-v1/twitch": [],
    "valid-v2/weather": [],
    "valid-parameters-form/spotify": [],
    "valid-tethered-mcp/stocks": [],
    "unknown-key/discord": [("warning", "$.engine_hint", "unknown-key", "engine_hint")],
    "bom/nanoleaf": [("warning", "(file)", "bom", "byte-order mark")],
    "mojibake/ollama": [
        ("warning", "$.functions[0].description", "mojibake", '"Ã©" is probably "é"'),
    ],
    "trailing-space-param/corsair": [
        (
            "error",
            '$.functions[2].properties["volume_percent "]',
            "param-name-whitespace",
            "whitespace",
        ),
    ],
    "rise-prefix/peripherals": [("error", "$.functions[0].name", "schema", "rise_")],
    "duplicate-functions/gemini": [
        ("error", "$.functions[2].name", "duplicate-function", "$.functions[0]"),
    ],
    "missing-executable/hue": [
        ("error", "$.executable", "executable-missing", "g-assist-plugin-hue.exe"),
    ],
    "bad-folder-digit/2fast": [("error", "(folder)", "folder-name", "'2fast'")],
    "name-mismatch/gemini": [("warning", "$.name", "name-mismatch", '"google"')],
    "required-not-declared/twitch": [
        ("error", "$.functions[0].required[0]", "required-not-declared", "did you mean `user`"),
    ],
    "not-json/placeholder": [("error", "(file)", "not-json", "line 3, column 3")],
    "missing-persistent/weather": [("error", "$.persistent", "schema", "missing")],
    "manifest-version-2/weather": [("error", "$.manifestVersion", "schema", "must be 1")],
    "both-forms/weather": [("error", "$.functions[0]", "schema", "both forms")],
    "wrong-types/weather": [
        ("error", "$.persistent", "schema", 'not the string "true"'),
        ("error", "$.functions[0].properties.verbose.type", "schema", 'did you mean "boolean"'),
    ],
    "protocol-version/weather": [("error", "$.protocol_version", "schema", '"2.0"')],
}


def _found(report: Report) -> set[tuple[str, str, str]]:
    return {(p.severity, p.path, p.code) for p in report.problems}


def test_corpus_has_a_case_for_every_folder() -> None:
    on_disk = {
        f"{case.name}/{folder.name}" for case in CORPUS.iterdir() for folder in case.iterdir()
    }
    code_cases = {"code-mismatch/weather", "code-crash/weather"}
    assert on_disk - code_cases == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_corpus_case_reports_exactly_its_defects(case: str) -> None:
    report = validate_plugin(CORPUS / case, check_code=False)
    expected = CASES[case]
    assert _found(report) == {(sev, path, code) for sev, path, code, _ in expected}
    for severity, path, code, fragment in expected:
        (problem,) = [
            p for p in report.problems if (p.severity, p.path, p.code) == (severity, path, code)
        ]
        assert fragment in problem.message
    assert report.ok == (not any(sev == "error" for sev, *_ in expected))


def test_a_manifest_file_path_works_like_its_folder() -> None:
    folder = CORPUS / "trailing-space-param/corsair"
    by_file = validate_plugin(folder / "manifest.json", check_code=False)
    by_folder = validate_plugin(folder, check_code=False)
    assert by_file.problems == by_folder.problems
    assert by_file.manifest == by_folder.manifest


@pytest.mark.skipif(sys.platform == "win32", reason="Windows cannot create a folder named con")
def test_windows_reserved_folder_name_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "con"
    shutil.copytree(CORPUS / "valid-tethered-mcp/stocks", folder)
    report = validate_plugin(folder, check_code=False)
    assert ("error", "(folder)", "folder-name") in _found(report)
    assert "reserved" in report.errors[0].message


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("twitch", True),
        ("g-assist_2", True),
        ("Console", True),
        ("com10", True),
        ("con", False),
        ("CON", False),
        ("Aux", False),
        ("nul", False),
        ("prn", False),
        ("com1", False),
        ("LPT9", False),
        ("2fast", False),
        ("my plugin", False),
        ("_private", False),
        ("café", False),
        ("", False),
    ],
)
def test_folder_name_rule(name: str, valid: bool) -> None:
    assert (folder_name_problem(name) is None) == valid


def test_format_path_quotes_only_what_needs_it() -> None:
    assert format_path([]) == "$"
    assert format_path(["functions", 2, "properties", "city"]) == "$.functions[2].properties.city"
    assert format_path(["properties", "volume_percent "]) == '$.properties["volume_percent "]'
    assert format_path(["properties", "a.b"]) == '$.properties["a.b"]'


def _write(folder: Path, raw: bytes, executable: str = "launch.bat") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_bytes(raw)
    (folder / executable).write_text("@echo off\n")
    return folder


def _minimal(**changes: object) -> dict[str, object]:
    manifest: dict[str, object] = {
        "manifestVersion": 1,
        "executable": "launch.bat",
        "persistent": False,
        "functions": [],
    }
    manifest.update(changes)
    return manifest


def test_minimal_v1_manifest_with_no_functions_is_valid(tmp_path: Path) -> None:
    folder = _write(tmp_path / "tiny", json.dumps(_minimal()).encode())
    assert validate_plugin(folder).problems == []


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("\ufeff{}".encode("utf-16-le"), "UTF-16"),
        ('{"description": "caf\xe9"}'.encode("cp1252"), "not valid UTF-8 (byte 0xe9 on line 1)"),
        (b"", "empty"),
        (b'{\n  "manifestVersion": 1,\n  "functions": [],\n}\n', "comma before a closing bracket"),
        (b"{'manifestVersion': 1}", "double quotes"),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path: Path, raw: bytes, fragment: str) -> None:
    report = validate_plugin(_write(tmp_path / "broken", raw), check_code=False)
    (problem,) = report.problems
    assert (problem.severity, problem.path) == ("error", "(file)")
    assert fragment in problem.message


def test_duplicate_json_keys_are_a_warning(tmp_path: Path) -> None:
    raw = json.dumps(_minimal()).replace(
        '"persistent": false', '"persistent": true, "persistent": false'
    )
    report = validate_plugin(_write(tmp_path / "dup", raw.encode()), check_code=False)
    (problem,) = report.problems
    assert (problem.severity, problem.path, problem.code) == ("warning", "(file)", "duplicate-key")
    assert '"persistent"' in problem.message


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    report = validate_plugin(_write(tmp_path / "arr", b"[]"), check_code=False)
    assert [(p.path, p.code) for p in report.problems] == [("$", "not-object")]


def test_missing_manifest_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    report = validate_plugin(tmp_path / "empty")
    assert [(p.severity, p.code) for p in report.problems] == [("error", "not-found")]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    manifest = {
        "manifestVersion": 2,
        "executable": "missing.exe",
        "presistent": True,
        "functions": [
            {
                "name": "rise_x",
                "properties": {"a b": {"description": "no type"}},
                "required": ["c"],
            },
            {"name": "ok", "description": "Fine.", "colour": "red"},
        ],
    }
    report = validate_plugin(_write(tmp_path / "many", json.dumps(manifest).encode()))
    assert _found(report) == {
        ("error", "$.manifestVersion", "schema"),
        ("error", "$.persistent", "schema"),
        ("warning", "$.presistent", "unknown-key"),
        ("error", "$.functions[0].name", "schema"),
        ("error", "$.functions[0].description", "schema"),
        ("error", '$.functions[0].properties["a b"].type', "schema"),
        ("error", '$.functions[0].properties["a b"]', "param-name-whitespace"),
        ("error", "$.functions[0].required[0]", "required-not-declared"),
        ("warning", "$.functions[1].colour", "unknown-key"),
        ("error", "$.executable", "executable-missing"),
    }
    typo = next(p for p in report.problems if p.path == "$.presistent")
    assert "did you mean `persistent`" in typo.message


@pytest.mark.parametrize(
    ("executable", "code", "severity"),
    [
        ("/usr/bin/python3", "executable-outside", "error"),
        ("C:\\Windows\\py.exe", "executable-outside", "error"),
        ("..\\other\\plugin.exe", "executable-outside", "error"),
        pytest.param(
            "LAUNCH.BAT",
            "executable-case",
            "warning",
            marks=pytest.mark.skipif(sys.platform == "win32", reason="case-insensitive there"),
        ),
    ],
)
def test_executable_must_be_a_file_inside_the_folder(
    tmp_path: Path, executable: str, code: str, severity: str
) -> None:
    raw = json.dumps(_minimal(executable=executable)).encode()
    report = validate_plugin(_write(tmp_path / "exe", raw), check_code=False)
    assert _found(report) == {(severity, "$.executable", code)}


def test_executable_in_a_subfolder_written_with_backslashes(tmp_path: Path) -> None:
    folder = _write(tmp_path / "sub", json.dumps(_minimal(executable="bin\\run.bat")).encode())
    (folder / "bin").mkdir()
    (folder / "bin" / "run.bat").write_text("@echo off\n")
    assert validate_plugin(folder, check_code=False).problems == []


def test_nested_parameter_maps_are_checked_too() -> None:
    manifest = _minimal(
        protocol_version="2.0",
        functions=[
            {
                "name": "f",
                "description": "d",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "filter": {
                            "type": "object",
                            "properties": {"min ": {"type": "number"}},
                            "required": ["max"],
                        }
                    },
                    "required": ["filter"],
                },
            }
        ],
    )
    found = {(p.path, p.code) for p in check_manifest(manifest)}
    assert found == {
        ('$.functions[0].parameters.properties.filter.properties["min "]', "param-name-whitespace"),
        ("$.functions[0].parameters.properties.filter.required[0]", "required-not-declared"),
    }


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"functions": "none"}, "$.functions", "`functions` must be a list, not the string"),
        ({"functions": ["f"]}, "$.functions[0]", "item 0 of `functions` must be an object"),
        (
            {"functions": [{"name": "f", "description": "d", "tags": ["a", 3]}]},
            "$.functions[0].tags[1]",
            "item 1 of `tags` must be a string, not the number 3",
        ),
        (
            {"functions": [{"name": "f", "description": "", "required": ["a", "a"]}]},
            "$.functions[0].description",
            "`description` must not be empty",
        ),
        (
            {"functions": [{"name": "f", "description": "d", "required": ["a", "a"]}]},
            "$.functions[0].required",
            '`required` lists "a" more than once',
        ),
        (
            {"functions": [{"name": "f", "description": "d", "parameters": {"type": "array"}}]},
            "$.functions[0].parameters.type",
            '`type` must be "object", not the string "array"',
        ),
        (
            {
                "functions": [
                    {"name": "f", "description": "d", "properties": {"p": {"type": "int"}}}
                ]
            },
            "$.functions[0].properties.p.type",
            'did you mean "integer"?',
        ),
        (
            {"functions": [{"name": "f", "description": "d", "properties": {"p": {}}}]},
            "$.functions[0].properties.p.type",
            "required field `type` is missing (one of string, number",
        ),
        (
            {
                "functions": [
                    {
                        "name": "f",
                        "description": "d",
                        "properties": {"p": {"type": "string", "enum": []}},
                    }
                ]
            },
            "$.functions[0].properties.p.enum",
            "`enum` must list at least one value",
        ),
        (
            {"tether_config": {"heartbeat_interval": 0}},
            "$.tether_config.heartbeat_interval",
            "greater than 0",
        ),
        ({"mcp": []}, "$.mcp", "`mcp` must be an object, not a list"),
        ({"persistent": None}, "$.persistent", "must be true or false, not null"),
        (
            {"manifestVersion": "1"},
            "$.manifestVersion",
            'must be a whole number, not the string "1"',
        ),
    ],
)
def test_schema_messages_are_plain_words(
    changes: dict[str, object], path: str, message: str
) -> None:
    problems = [p for p in check_manifest(_minimal(**changes)) if p.path == path]
    assert problems, check_manifest(_minimal(**changes))
    assert any(message in p.message for p in problems), [p.message for p in problems]
    assert all(p.severity == "error" for p in problems)


def test_boolean_is_not_manifest_version_one() -> None:
    found = {(p.path, p.code) for p in check_manifest(_minimal(manifestVersion=True))}
    assert ("$.manifestVersion", "schema") in found


@pytest.mark.parametrize(
    "text",
    ["Plain ASCII.", "Café crème, naïve — “quoted” ’s", "日本語の説明", "Ünïcödé ßtraße 😀"],
)
def test_clean_text_is_not_called_mojibake(text: str) -> None:
    manifest = _minimal(description=text)
    assert check_manifest(manifest) == []


def test_replacement_character_is_mojibake() -> None:
    (problem,) = check_manifest(_minimal(description="Caf\ufffd hours"))
    assert (problem.path, problem.code, problem.severity) == (
        "$.description",
        "mojibake",
        "warning",
    )


def _garble(text: str) -> str:
    # What a Windows tool shows when it reads UTF-8 bytes as Windows-1252.
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.text(alphabet="abc ", max_size=5),
    word=st.text(
        alphabet=st.characters(
            min_codepoint=0x80, max_codepoint=0x10FFFF, exclude_categories=["Cs"]
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_any_utf8_misread_as_cp1252_is_caught(prefix: str, word: str) -> None:
    problems = check_manifest(_minimal(description=prefix + _garble(word)))
    assert [p.code for p in problems] == ["mojibake"]


# -- manifest vs code (real subprocesses) --------------------------------------------------


@pytest.mark.e2e
def test_valid_v2_code_check_runs_and_agrees() -> None:
    report = validate_plugin(CORPUS / "valid-v2/weather")
    assert report.problems == []


@pytest.mark.e2e
def test_functions_and_parameters_differing_from_code_are_reported() -> None:
    report = validate_plugin(CORPUS / "code-mismatch/weather")
    assert _found(report) == {
        ("error", "$.functions[0].properties.units", "code-parameters"),
        ("warning", "$.functions[0].properties.country", "code-parameters"),
        ("error", "$.functions[0]", "code-parameters"),
        ("error", "$.functions[1]", "code-missing-function"),
        ("warning", "$.functions", "code-extra-function"),
    }
    messages = " | ".join(p.message for p in report.problems)
    for fragment in ("get_forecast", "get_alerts", "`days`", '"boolean" in plugin.py', "country"):
        assert fragment in messages
    assert validate_plugin(CORPUS / "code-mismatch/weather", check_code=False).problems == []


@pytest.mark.e2e
def test_a_plugin_that_cannot_import_is_an_error_with_its_traceback() -> None:
    report = validate_plugin(CORPUS / "code-crash/weather")
    (problem,) = report.problems
    assert (problem.severity, problem.path, problem.code) == (
        "error",
        "(code)",
        "code-import-failed",
    )
    assert "plugin.py cannot be imported" in problem.message
    assert "ModuleNotFoundError: No module named 'gassist_fixture_dependency" in problem.message
    assert 'File "plugin.py", line 7' in problem.message  # the plug-in's own frame, relative
    assert "gassist-build build" in problem.message and "--dev" in problem.message
    assert not report.ok


@pytest.mark.e2e
def test_an_unknown_type_name_at_import_says_did_you_mean(tmp_path: Path) -> None:
    # No `from __future__ import annotations`: the hint is evaluated when `def` runs.
    folder = _plugin(tmp_path / "typo", "def greet(name: string) -> str:\n    return name\n")
    (folder / "manifest.json").write_text(json.dumps(_minimal(executable="plugin.py")))
    (problem,) = [p for p in validate_plugin(folder, timeout=10).problems
                  if p.code == "code-import-failed"]
    assert "NameError: name 'string' is not defined" in problem.message
    assert problem.message.endswith("`string` is not a type; did you mean `str`?")


@pytest.mark.e2e
def test_a_syntax_error_is_an_import_failure(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "syntax", "def greet(:\n    pass\n")
    (folder / "manifest.json").write_text(json.dumps(_minimal(executable="plugin.py")))
    report = validate_plugin(folder, timeout=10)
    (problem,) = [p for p in report.problems if p.code.startswith("code")]
    assert problem.code == "code-import-failed"
    assert 'File "plugin.py", line 1' in problem.message
    assert "SyntaxError: invalid syntax" in problem.message


@pytest.mark.e2e
def test_a_plugin_without_the_sdk_failing_on_closed_stdin_is_only_a_warning(
        tmp_path: Path) -> None:
    # No --manifest in NVIDIA-style code: it reads the pipe, gets EOF and trips over it.
    folder = _plugin(tmp_path / "plain", "import json, sys\njson.loads(sys.stdin.read())\n")
    (folder / "manifest.json").write_text(json.dumps(_minimal(executable="plugin.py")))
    report = validate_plugin(folder, timeout=10)
    assert [p.code for p in report.problems] == ["code-run-failed"]
    assert "JSONDecodeError" in report.problems[0].message


@pytest.mark.e2e
def test_a_plugin_that_exits_quietly_is_only_a_warning(tmp_path: Path) -> None:
    # A plug-in not built on the SDK has no --manifest: it reads stdin, sees EOF and exits.
    folder = _plugin(tmp_path / "plain", "import sys; sys.stdin.read()")
    (folder / "manifest.json").write_text(json.dumps(_minimal(executable="plugin.py")))
    report = validate_plugin(folder, timeout=10)
    assert [p.code for p in report.problems] == ["code-run-failed"]
    assert report.ok


def _described(description: str, param_description: str) -> dict[str, Any]:
    return {
        "manifestVersion": 1,
        "description": description,
        "executable": "plugin.py",
        "persistent": True,
        "functions": [
            {
                "name": "greet",
                "description": "Greets someone.",
                "properties": {
                    "name": {"type": "string", "description": param_description},
                    "style": {
                        "type": "object",
                        "description": "How to greet.",
                        "properties": {"tone": {"type": "string", "description": " "}},
                    },
                },
            }
        ],
    }


def test_empty_plugin_and_parameter_descriptions_are_warnings() -> None:
    problems = check_manifest(_described("", ""))
    assert {(p.severity, p.path, p.code) for p in problems} == {
        ("warning", "$.description", "empty-description"),
        ("warning", "$.functions[0].properties.name.description", "empty-description"),
        (
            "warning",
            "$.functions[0].properties.style.properties.tone.description",
            "empty-description",
        ),
    }
    assert all("the model reads it" in p.message for p in problems)
    assert [p.path for p in check_manifest(_described("Says hello", "Who to greet."))] == [
        "$.functions[0].properties.style.properties.tone.description"
    ]


def _plugin(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


@pytest.mark.e2e
def test_code_runs_in_the_plugin_folder_with_libs_on_the_path(tmp_path: Path) -> None:
    folder = _plugin(
        tmp_path / "weather",
        """
        import json, sys
        from weather_functions import FUNCTIONS        # from libs/
        with open("extra.json") as f:                   # relative to the plug-in folder
            extra = json.load(f)
        assert sys.argv[1:] == ["--manifest"]
        print(json.dumps({"manifestVersion": 1, "executable": "plugin.py", "persistent": True,
                          "functions": FUNCTIONS, **extra}))
        """,
    )
    (folder / "libs").mkdir()
    (folder / "libs" / "weather_functions.py").write_text(
        'FUNCTIONS = [{"name": "get_weather", "description": "Weather."}]\n'
    )
    (folder / "extra.json").write_text('{"protocol_version": "2.0"}')
    manifest = run_manifest_command(folder)
    assert manifest["functions"][0]["name"] == "get_weather"
    assert manifest["protocol_version"] == "2.0"
    assert not (folder / "__pycache__").exists()
    assert not (folder / "libs" / "__pycache__").exists()


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("print('starting up'); print('{}')", "did not print JSON"),
        ("import sys; sys.stdin.read()", "printed nothing"),
        ("print('[1, 2]')", "not an object"),
        ("import sys; sys.stderr.write('no config.json\\n'); sys.exit(3)", "status 3"),
    ],
)
def test_bad_manifest_output_is_a_clear_error(tmp_path: Path, body: str, fragment: str) -> None:
    folder = _plugin(tmp_path / "bad", body)
    with pytest.raises(ManifestCommandError) as caught:
        run_manifest_command(folder, timeout=10)
    assert fragment in str(caught.value)
    if "status 3" in fragment:
        assert caught.value.stderr_tail == "no config.json"


@pytest.mark.e2e
def test_a_hanging_plugin_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "hang", "import time; time.sleep(60)")
    (folder / "manifest.json").write_text(json.dumps(_minimal(executable="plugin.py")))
    started = time.monotonic()
    report = validate_plugin(folder, timeout=1)
    assert time.monotonic() - started < 10
    (problem,) = [p for p in report.problems if p.code == "code-run-failed"]
    assert "did not finish within 1 s" in problem.message


@pytest.mark.e2e
def test_a_missing_interpreter_is_a_warning(tmp_path: Path) -> None:
    report = validate_plugin(CORPUS / "valid-v2/weather", python=str(tmp_path / "no-python"))
    (problem,) = report.problems
    assert problem.code == "code-run-failed"
    assert "cannot run" in problem.message


def test_a_wrong_type_is_reported_once() -> None:
    (problem,) = check_manifest(_minimal(manifestVersion="1"))
    assert problem.message == '`manifestVersion` must be a whole number, not the string "1"'
