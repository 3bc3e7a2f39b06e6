# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Check a plug-in's ``manifest.json`` and report every problem at once.

G-Assist silently ignores a plug-in whose manifest it cannot use, so the checks here say
what is wrong, where (a JSON path such as ``$.functions[2].properties["volume_percent "]``)
and what to do. Three layers:

* the file itself: encoding, byte-order mark, JSON syntax (with line and column);
* the JSON Schema in :mod:`gassist_build.manifest.schema`, with jsonschema's messages rewritten in
  plain words;
* what a schema cannot express: parameter names with whitespace, ``required`` entries that
  name no parameter, duplicate functions, the folder name the engine uses as invocation
  name, the executable's presence, mojibake, and -- when the folder has ``plugin.py`` --
  whether the functions the code registers match the ones declared.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from gassist_sdk._introspect import type_name_hint
from gassist_sdk._manifest import parameter_form
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .._files import executable_problem
from .._platform import INVOCATION_NAME, WINDOWS_RESERVED_NAMES
from .probe import (
    DEFAULT_TIMEOUT,
    ManifestCommandError,
    missing_module_hint,
    run_manifest_command,
)
from .schema import FUNCTION_KEYS, MANIFEST_SCHEMA, PARAMETER_TYPES, TOP_LEVEL_KEYS

__all__ = [
    "CODE",
    "FILE",
    "FOLDER",
    "Problem",
    "Report",
    "check_manifest",
    "folder_name_problem",
    "format_path",
    "validate_plugin",
]

Severity = Literal["error", "warning"]

# Pseudo-paths for problems that are not inside the JSON document.
FILE = "(file)"
FOLDER = "(folder)"
CODE = "(code)"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VALIDATOR = Draft202012Validator(MANIFEST_SCHEMA)


@dataclass(frozen=True)
class Problem:
    """One finding.

    Attributes:
        severity: ``"error"`` (G-Assist will not load or call the plug-in correctly) or
            ``"warning"`` (works, but is likely a mistake).
        path: Where: a JSON path (``$.functions[0].name``), or ``(file)``, ``(folder)``,
            ``(code)`` for problems outside the document.
        message: What is wrong, in plain words.
        code: Stable identifier of the kind of problem, for tools and tests.
    """

    severity: Severity
    path: str
    message: str
    code: str

    def to_dict(self) -> dict[str, str]:
        """The problem as a JSON-ready dict."""
        return {
            "severity": self.severity,
            "path": self.path,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class Report:
    """Every problem found in one plug-in's manifest.

    Attributes:
        manifest: The ``manifest.json`` that was checked.
        problems: Findings, grouped: folder and file, schema (by path), other checks, code.
        generated: The manifest ``plugin.py --manifest`` printed, when the code check ran it.
    """

    manifest: Path
    problems: list[Problem] = field(default_factory=list)
    generated: dict[str, Any] | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict (the shape of ``validate --json``)."""
        return {
            "manifest": str(self.manifest),
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
        }


def format_path(parts: Iterable[str | int]) -> str:
    """Render a location as a JSON path: ``$.functions[2].properties["volume_percent "]``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


def _code(name: str) -> str:
    return f"`{name}`"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {_code(close[0])}?)" if close else ""


def folder_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a plug-in folder (the invocation name), or None if it can.

    The rule is the one NVIDIA's emulator applies: ``^[a-zA-Z][a-zA-Z0-9_-]*$`` and not a
    Windows reserved device name (con, prn, aux, nul, com1-9, lpt1-9), case-insensitively.
    """
    if not INVOCATION_NAME.match(name):
        return (
            f"folder name {name!r} is not a valid invocation name: it must start with a "
            "letter and contain only letters, digits, '_' and '-'"
        )
    if name.lower() in WINDOWS_RESERVED_NAMES:
        return f"folder name {name!r} is a reserved device name on Windows and cannot be used"
    return None


# -- the file ----------------------------------------------------------------------------


def _load(raw: bytes) -> tuple[Any, list[Problem], bool]:
    """Decode and parse the manifest bytes. Returns (data, problems, parsed_ok)."""
    problems: list[Problem] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return (
            None,
            [Problem("error", FILE, "saved as UTF-16; save it as UTF-8", "encoding")],
            False,
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append(
            Problem(
                "warning",
                FILE,
                "starts with a UTF-8 byte-order mark (BOM); G-Assist accepts it but other "
                "tools may not: save as UTF-8 without BOM",
                "bom",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                "error",
                FILE,
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); the file was "
                "probably saved in a Windows code page: save it as UTF-8",
                "encoding",
            )
        )
        return None, problems, False
    if not text.strip():
        problems.append(
            Problem("error", FILE, "the file is empty; it must hold a JSON object", "not-json")
        )
        return None, problems, False
    duplicates: list[str] = []
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _no_duplicates(pairs, duplicates))
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(
                "error",
                FILE,
                f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
                + _json_hint(text, exc),
                "not-json",
            )
        )
        return None, problems, False
    for key in dict.fromkeys(duplicates):
        problems.append(
            Problem(
                "warning",
                FILE,
                f"key {json.dumps(key, ensure_ascii=False)} appears twice in one object; "
                "only the last value counts",
                "duplicate-key",
            )
        )
    if not isinstance(data, dict):
        problems.append(
            Problem("error", "$", f"must be a JSON object, not {_describe(data)}", "not-object")
        )
        return None, problems, False
    return data, problems, True


def _no_duplicates(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            duplicates.append(key)
        seen[key] = value
    return seen


def _json_hint(text: str, exc: json.JSONDecodeError) -> str:
    line = text.splitlines()[exc.lineno - 1] if exc.lineno <= len(text.splitlines()) else ""
    if re.search(r"(^|\s)(//|/\*|#)", line):
        return " (JSON does not allow comments)"
    before = text[: exc.pos].rstrip()
    if before.endswith(",") and text[exc.pos : exc.pos + 1] in ("]", "}"):
        return " (JSON does not allow a comma before a closing bracket)"
    if text[exc.pos : exc.pos + 1] == "'":
        return " (JSON strings need double quotes)"
    return ""


# -- the schema --------------------------------------------------------------------------

_JSON_TYPE_WORDS = {
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "array": "a list",
    "object": "an object",
    "null": "null",
}
_TYPE_ALIASES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "double": "number",
    "bool": "boolean",
    "list": "array",
    "dict": "object",
}
_TOP_LEVEL_HINTS = {
    "manifestVersion": "it is always 1",
    "executable": "the file G-Assist starts: plugin.py, launch.bat or an .exe",
    "persistent": "true or false; NVIDIA's emulator rejects a manifest without it",
    "functions": "a list of functions, which may be empty",
}
_FUNCTION_HINTS = {
    "name": "the name the model calls the function by",
    "description": "the model reads it to decide when to call the function",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return json.dumps(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        return "the string " + json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _subject(parts: Sequence[str | int]) -> str:
    if not parts:
        return "the manifest"
    last = parts[-1]
    if isinstance(last, int):
        return f"item {last} of {_subject(parts[:-1])}"
    return _code(last)


def _sort_key(error: ValidationError) -> list[tuple[int, int | str]]:
    return [(0, p) if isinstance(p, int) else (1, p) for p in error.absolute_path]


def _schema_problems(data: Any) -> Iterator[Problem]:
    errors = sorted(_VALIDATOR.iter_errors(data), key=_sort_key)
    # "must be a whole number" says it all; "must be 1" on top of it is noise.
    wrong_type = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    for error in errors:
        if error.validator in ("const", "enum") and tuple(error.absolute_path) in wrong_type:
            continue
        yield from _translate(error)


def _translate(error: ValidationError) -> Iterator[Problem]:
    parts: list[str | int] = list(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    subject = _subject(parts)
    if keyword == "required":
        for key in value:
            if isinstance(instance, dict) and key not in instance:
                hint = _required_hint(parts, key)
                yield Problem(
                    "error",
                    format_path([*parts, key]),
                    f"required field {_code(key)} is missing" + (f" ({hint})" if hint else ""),
                    "schema",
                )
        return
    if keyword == "type":
        expected = _JSON_TYPE_WORDS.get(str(value), str(value))
        message = f"{subject} must be {expected}, not {_describe(instance)}"
    elif keyword == "const":
        if parts == ["protocol_version"]:
            message = (
                f'{subject} must be "2.0" for a V2 plug-in, or left out for V1; '
                f"not {_describe(instance)}"
            )
        else:
            message = f"{subject} must be {json.dumps(value)}, not {_describe(instance)}"
    elif keyword == "enum" and parts and parts[-1] == "type":
        alias = _TYPE_ALIASES.get(str(instance).lower()) if isinstance(instance, str) else None
        message = (
            f"unknown parameter type {json.dumps(instance, ensure_ascii=False)}; use one of "
            + ", ".join(PARAMETER_TYPES)
            + (f" (did you mean {json.dumps(alias)}?)" if alias else "")
        )
    elif keyword == "not" and "dependentSchemas" in error.schema_path:
        message = (
            "the function declares parameters in both forms: flat `properties`/`required` and a "
            "JSON-Schema `parameters` object; keep one"
        )
    elif keyword == "not":
        message = (
            f"function name {json.dumps(instance)} starts with `rise_`, a prefix G-Assist "
            "reserves for its built-in functions"
        )
    elif keyword == "minLength":
        message = f"{subject} must not be empty"
    elif keyword == "minItems":
        message = f"{subject} must list at least one value"
    elif keyword == "uniqueItems":
        message = f"{subject} lists {json.dumps(_first_repeat(instance))} more than once"
    elif keyword == "exclusiveMinimum":
        message = f"{subject} must be greater than {value}, not {instance!r}"
    else:
        message = error.message
    yield Problem("error", format_path(parts), message, "schema")


def _first_repeat(values: list[Any]) -> Any:
    for index, value in enumerate(values):
        if value in values[:index]:
            return value
    return None


def _required_hint(parts: Sequence[str | int], key: str) -> str:
    if not parts:
        return _TOP_LEVEL_HINTS.get(key, "")
    if len(parts) == 2 and parts[0] == "functions":
        return _FUNCTION_HINTS.get(key, "")
    if key == "type":
        return "one of " + ", ".join(PARAMETER_TYPES)
    return ""


# -- what the schema cannot see ----------------------------------------------------------


def _functions(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    functions = data.get("functions")
    if not isinstance(functions, list):
        return []
    return [(i, f) for i, f in enumerate(functions) if isinstance(f, dict)]


def _parameter_block(function: dict[str, Any]) -> tuple[list[str | int], Any, Any]:
    """(path of the parameter map relative to the function, map, required list), either form."""
    relative, properties, required = parameter_form(function)
    return list(relative), properties, required


def _check_parameter_map(
    base: list[str | int], properties: Any, required: Any, required_path: list[str | int]
) -> Iterator[Problem]:
    names = list(properties) if isinstance(properties, dict) else []
    for name in names:
        where = format_path([*base, name])
        if name != name.strip():
            yield Problem(
                "error",
                where,
                f"parameter name {json.dumps(name)} has leading or trailing whitespace; code "
                f"that reads {json.dumps(name.strip())} never gets this argument: remove it",
                "param-name-whitespace",
            )
        elif not name or any(ch.isspace() for ch in name):
            yield Problem(
                "error",
                where,
                f"parameter name {json.dumps(name)} is empty or contains whitespace; use "
                "snake_case",
                "param-name-whitespace",
            )
        spec = properties[name]
        if isinstance(spec, dict):
            # Object parameters and array items carry their own nested parameter maps.
            yield from _check_parameter_map(
                [*base, name, "properties"],
                spec.get("properties"),
                spec.get("required"),
                [*base, name, "required"],
            )
            items = spec.get("items")
            if isinstance(items, dict):
                yield from _check_parameter_map(
                    [*base, name, "items", "properties"],
                    items.get("properties"),
                    items.get("required"),
                    [*base, name, "items", "required"],
                )
    if isinstance(required, list):
        for index, name in enumerate(required):
            if isinstance(name, str) and name not in names:
                yield Problem(
                    "error",
                    format_path([*required_path, index]),
                    f"{json.dumps(name)} is listed as required but is not declared in "
                    "`properties`" + _did_you_mean(name, names),
                    "required-not-declared",
                )


def _check_keys(data: dict[str, Any]) -> Iterator[Problem]:
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            yield Problem(
                "warning",
                format_path([key]),
                f"unknown field {_code(key)}; G-Assist ignores fields it does not know"
                + _did_you_mean(key, TOP_LEVEL_KEYS),
                "unknown-key",
            )
    for index, function in _functions(data):
        for key in function:
            if key not in FUNCTION_KEYS:
                yield Problem(
                    "warning",
                    format_path(["functions", index, key]),
                    f"unknown function field {_code(key)}" + _did_you_mean(key, FUNCTION_KEYS),
                    "unknown-key",
                )


def _check_functions(data: dict[str, Any]) -> Iterator[Problem]:
    first_seen: dict[str, int] = {}
    for index, function in _functions(data):
        name = function.get("name")
        if isinstance(name, str):
            if name in first_seen:
                yield Problem(
                    "error",
                    format_path(["functions", index, "name"]),
                    f"duplicate function name {json.dumps(name)} (first declared at "
                    f"{format_path(['functions', first_seen[name]])}); only one can be called",
                    "duplicate-function",
                )
            else:
                first_seen[name] = index
        relative, properties, required = _parameter_block(function)
        required_path = [*relative[:-1], "required"]
        yield from _check_parameter_map(
            ["functions", index, *relative],
            properties,
            required,
            ["functions", index, *required_path],
        )


def _check_executable(data: dict[str, Any], folder: Path) -> Iterator[Problem]:
    executable = data.get("executable")
    if not isinstance(executable, str) or not executable:
        return
    where = format_path(["executable"])
    outside = executable_problem(folder, executable)
    if outside:
        yield Problem("error", where, outside, "executable-outside")
        return
    posix = PurePosixPath(executable.replace("\\", "/"))
    target = folder.joinpath(*posix.parts)
    if target.is_file():
        return
    siblings = (
        {p.name.lower(): p.name for p in target.parent.iterdir()}
        if (target.parent.is_dir())
        else {}
    )
    actual = siblings.get(target.name.lower())
    if actual is not None:
        yield Problem(
            "warning",
            where,
            f"{json.dumps(executable)} differs in case from the file {json.dumps(actual)}; "
            "Windows does not mind, other systems do",
            "executable-case",
        )
        return
    yield Problem(
        "error",
        where,
        f"{json.dumps(executable)} does not exist in {folder}; G-Assist cannot start the plug-in",
        "executable-missing",
    )


def _check_name(data: dict[str, Any], folder_name: str) -> Iterator[Problem]:
    name = data.get("name")
    if isinstance(name, str) and name and name != folder_name:
        yield Problem(
            "warning",
            format_path(["name"]),
            f"name {json.dumps(name)} differs from the folder name {json.dumps(folder_name)}; "
            "G-Assist knows the plug-in by its folder name",
            "name-mismatch",
        )


# Characters that stand for the bytes 0x80-0xBF when UTF-8 is misread as Windows-1252
# (or Latin-1, whose C1 controls fill cp1252's gaps).
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")


def _as_cp1252_bytes(text: str) -> bytes | None:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))
    return bytes(out)


def _mojibake(text: str) -> str | None:
    """A short explanation if ``text`` looks like UTF-8 misread as Windows-1252."""
    if "\ufffd" in text:
        return (
            "contains the replacement character U+FFFD: the text was decoded with the wrong "
            "encoding at some point; retype the damaged characters"
        )
    repairs: list[str] = []
    for match in _MOJIBAKE.finditer(text):
        raw = _as_cp1252_bytes(match.group())
        if raw is None:
            continue
        # The run may swallow a following character that belongs to the text; try the
        # longest prefix that decodes.
        for end in range(len(raw), 1, -1):
            try:
                fixed = raw[:end].decode("utf-8")
            except UnicodeDecodeError:
                continue
            garbled = match.group()[:end]
            repairs.append(
                f"{json.dumps(garbled, ensure_ascii=False)} is probably "
                f"{json.dumps(fixed, ensure_ascii=False)}"
            )
            break
    if not repairs:
        return None
    return (
        "looks garbled (mojibake): "
        + ", ".join(dict.fromkeys(repairs))
        + "; the text was saved as UTF-8 and read back as Windows-1252"
    )


def _strings(value: Any, parts: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(value, str):
        yield parts, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, [*parts, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, [*parts, index])


def _check_mojibake(data: dict[str, Any]) -> Iterator[Problem]:
    for parts, text in _strings(data, []):
        reason = _mojibake(text)
        if reason:
            yield Problem("warning", format_path(parts), reason, "mojibake")


def _blank(value: Any) -> bool:
    # Only a description that is there and says nothing: hand-written manifests often
    # leave the key out, but the SDK writes "" for an undocumented plug-in or parameter.
    return isinstance(value, str) and not value.strip()


def _parameter_descriptions(
    base: list[str | int], properties: Any
) -> Iterator[Problem]:
    if not isinstance(properties, dict):
        return
    for name, spec in properties.items():
        if not isinstance(spec, dict):
            continue
        if _blank(spec.get("description")):
            yield Problem(
                "warning",
                format_path([*base, name, "description"]),
                f"parameter {_code(str(name))} has no description; the model reads it to fill "
                "the argument (document it in the docstring's Args: section)",
                "empty-description",
            )
        yield from _parameter_descriptions([*base, name, "properties"], spec.get("properties"))
        items = spec.get("items")
        if isinstance(items, dict):
            yield from _parameter_descriptions(
                [*base, name, "items", "properties"], items.get("properties")
            )


def _check_descriptions(data: dict[str, Any]) -> Iterator[Problem]:
    """Descriptions are what the engine's model routes on: a blank one is a warning."""
    if _blank(data.get("description")):
        yield Problem(
            "warning",
            format_path(["description"]),
            "the plug-in has no description; the model reads it to decide when to use the "
            "plug-in (Plugin(..., description=...))",
            "empty-description",
        )
    for index, function in _functions(data):
        description = function.get("description")
        # An empty one is a schema error already; only whitespace gets past minLength.
        if _blank(description) and description:
            yield Problem(
                "warning",
                format_path(["functions", index, "description"]),
                "the description is only whitespace; the model reads it to pick functions",
                "empty-description",
            )
        relative, properties, _ = _parameter_block(function)
        yield from _parameter_descriptions(["functions", index, *relative], properties)


def check_manifest(data: Any, *, folder: Path | None = None) -> list[Problem]:
    """Check a parsed manifest (no file or code checks).

    Args:
        data: The parsed JSON.
        folder: The plug-in folder; when given, also check the executable exists and
            ``name`` matches the folder name.

    Returns:
        The problems found: schema problems sorted by path, then the other checks.
    """
    if not isinstance(data, dict):
        return [
            Problem("error", "$", f"must be a JSON object, not {_describe(data)}", "not-object")
        ]
    problems = list(_schema_problems(data))
    problems += _check_keys(data)
    problems += _check_functions(data)
    problems += _check_descriptions(data)
    if folder is not None:
        problems += _check_executable(data, folder)
        problems += _check_name(data, folder.resolve().name)
    problems += _check_mojibake(data)
    return problems


# -- the code ----------------------------------------------------------------------------


def _signature(function: dict[str, Any]) -> tuple[list[str | int], dict[str, Any], set[str]]:
    relative, properties, required = _parameter_block(function)
    params = properties if isinstance(properties, dict) else {}
    types = {
        name: spec.get("type") if isinstance(spec, dict) else None for name, spec in params.items()
    }
    needed = {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
    return relative, types, needed


def _index_by_name(functions: Any) -> dict[str, tuple[int, dict[str, Any]]]:
    by_name: dict[str, tuple[int, dict[str, Any]]] = {}
    if isinstance(functions, list):
        for index, function in enumerate(functions):
            if isinstance(function, dict) and isinstance(function.get("name"), str):
                by_name.setdefault(function["name"], (index, function))
    return by_name


def _compare_with_code(declared: dict[str, Any], generated: dict[str, Any]) -> Iterator[Problem]:
    in_manifest = _index_by_name(declared.get("functions"))
    in_code = _index_by_name(generated.get("functions"))
    for name, (index, function) in in_manifest.items():
        if name not in in_code:
            yield Problem(
                "error",
                format_path(["functions", index]),
                f"function {_code(name)} is declared but plugin.py does not register it; "
                "calls to it will fail",
                "code-missing-function",
            )
            continue
        yield from _compare_parameters(index, name, function, in_code[name][1])
    for name in in_code:
        if name not in in_manifest:
            yield Problem(
                "warning",
                format_path(["functions"]),
                f"plugin.py registers {_code(name)} but the manifest does not declare it, so the "
                "model can never call it",
                "code-extra-function",
            )


def _compare_parameters(
    index: int, name: str, declared: dict[str, Any], generated: dict[str, Any]
) -> Iterator[Problem]:
    relative, declared_types, declared_required = _signature(declared)
    _, code_types, code_required = _signature(generated)
    base: list[str | int] = ["functions", index, *relative]
    for param, kind in declared_types.items():
        where = format_path([*base, param])
        if param not in code_types:
            # A warning: the runtime drops an argument the code does not take (as NVIDIA's
            # SDK does), so the call works, but the model is asked for a value nobody reads.
            yield Problem(
                "warning",
                where,
                f"parameter {_code(param)} is declared but {_code(name)} in plugin.py does "
                "not take it (the runtime drops it)",
                "code-parameters",
            )
            continue
        if kind != code_types[param]:
            yield _type_drift(where, param, kind, code_types[param])
        if param in code_required and param not in declared_required:
            yield Problem(
                "error",
                where,
                f"{_code(name)} in plugin.py requires {_code(param)} but the manifest does not "
                "list it as required; the model may leave it out",
                "code-parameters",
            )
        elif param in declared_required and param not in code_required:
            yield Problem(
                "warning",
                where,
                f"{_code(param)} is required here but optional in plugin.py",
                "code-parameters",
            )
    for param in code_types:
        if param not in declared_types:
            needed = param in code_required
            yield Problem(
                "error" if needed else "warning",
                format_path(["functions", index]),
                f"{_code(name)} in plugin.py takes {'required' if needed else 'optional'} "
                f"parameter {_code(param)}, which the manifest does not declare",
                "code-parameters",
            )


# Types the runtime converts between without losing anything, so a manifest that says
# one where the code says the other still works (NVIDIA's examples write "number" for ints).
_COMPATIBLE_TYPES = {
    ("number", "integer"): "the plug-in accepts whole numbers (3 or 3.0) and refuses fractions; "
    'declare "integer" so the model sends whole numbers',
    ("integer", "number"): "every whole number the model sends is accepted as a number; "
    'declare "number" to let it send fractions',
}


def _type_drift(where: str, param: str, declared: Any, in_code: Any) -> Problem:
    stated = (
        f"parameter {_code(param)} has type {json.dumps(declared)} here but "
        f"{json.dumps(in_code)} in plugin.py"
    )
    works = _COMPATIBLE_TYPES.get((declared, in_code))
    if works:
        return Problem("warning", where, f"{stated}; {works}", "code-parameters")
    return Problem("error", where, stated, "code-parameters")


_TRACEBACK_LINES = 8
# A traceback, or the bare report of a syntax error in the script itself (no traceback header).
_RAISED = re.compile(r"^(Traceback \(most recent call last\)|(\w+\.)*\w+(Error|Exception): )",
                     re.MULTILINE)
_CANNOT_LOAD = re.compile(r"^(ImportError|ModuleNotFoundError|NameError|SyntaxError"
                          r"|IndentationError|TabError): ", re.MULTILINE)


def _traceback_tail(stderr: str, folder: Path) -> str:
    """The last lines of the traceback in ``stderr`` (where the import failed, and why),
    the plug-in's own files named relative to its folder."""
    lines = stderr.splitlines()[-_TRACEBACK_LINES:]
    prefix = f'File "{folder.resolve()}{os.sep}'
    return "\n".join(line.replace(prefix, 'File "') for line in lines)


_UNDEFINED_NAME = re.compile(r"^NameError: name '(\w+)' is not defined(.*)$", re.MULTILINE)


def _type_name_hint(stderr: str) -> str:
    """ "did you mean `str`?" for ``def f(x: string)`` evaluated at definition time."""
    found = _UNDEFINED_NAME.search(stderr)
    if found is None or "did you mean" in found.group(2).lower():
        return ""
    hint = type_name_hint(found.group(1))
    return f"`{found.group(1)}` is not a type{hint}" if hint else ""


def _import_failure(
    exc: ManifestCommandError, folder: Path, isolated: bool
) -> Problem | None:
    """An error when ``plugin.py`` died with a traceback: G-Assist could not load it either.

    A plug-in not built on the SDK has no ``--manifest``: it may fail on the closed stdin
    instead, which says nothing about loading, so only an import or syntax error counts there.
    """
    if not exc.returncode or not _RAISED.search(exc.stderr_tail):
        return None
    source = (folder / "plugin.py").read_text("utf-8", errors="replace")
    if "gassist_sdk" not in source and not _CANNOT_LOAD.search(exc.stderr_tail):
        return None
    traceback = _traceback_tail(exc.stderr_tail, folder)
    message = f"plugin.py cannot be imported: {exc.message}\n{traceback}"
    hint = missing_module_hint(exc, folder, isolated=isolated) or _type_name_hint(exc.stderr_tail)
    if hint:
        message += "\n" + hint
    return Problem("error", CODE, message, "code-import-failed")


def _check_code(
    report: Report, data: dict[str, Any], folder: Path, python: str | None, timeout: float,
    isolated: bool,
) -> list[Problem]:
    try:
        generated = run_manifest_command(folder, python=python, timeout=timeout,
                                         isolated=isolated)
    except ManifestCommandError as exc:
        failed = _import_failure(exc, folder, isolated)
        if failed is not None:
            return [failed]
        return [
            Problem(
                "warning",
                CODE,
                f"could not compare the manifest with plugin.py: {exc}",
                "code-run-failed",
            )
        ]
    report.generated = generated
    return list(_compare_with_code(data, generated))


# -- entry point -------------------------------------------------------------------------


def validate_plugin(
    path: str | Path,
    *,
    check_code: bool = True,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    isolated: bool = True,
) -> Report:
    """Validate a plug-in folder (or a ``manifest.json`` file) and report every problem.

    Args:
        path: The plug-in folder, or its ``manifest.json``.
        check_code: When the folder has ``plugin.py``, run ``plugin.py --manifest`` and
            compare the functions it registers with the manifest.
        python: Interpreter for the code check; defaults to the current one.
        timeout: Seconds the code check may take.
        isolated: Run ``plugin.py`` as G-Assist does (only the standard library and
            ``libs/`` importable); False (``--dev``) adds this environment's packages.

    Returns:
        A :class:`Report`; it never raises for a bad plug-in.
    """
    path = Path(path)
    if path.is_dir():
        folder, manifest = path, path / "manifest.json"
    else:
        folder, manifest = path.parent, path
    report = Report(manifest)
    folder_problem = folder_name_problem(folder.resolve().name)
    if folder_problem:
        report.problems.append(Problem("error", FOLDER, folder_problem, "folder-name"))
    try:
        raw = manifest.read_bytes()
    except FileNotFoundError:
        report.problems.append(Problem("error", FILE, f"{manifest} does not exist", "not-found"))
        return report
    except OSError as exc:
        report.problems.append(
            Problem("error", FILE, f"cannot read {manifest}: {exc.strerror or exc}", "not-found")
        )
        return report
    data, problems, parsed = _load(raw)
    report.problems += problems
    if not parsed:
        return report
    report.problems += check_manifest(data, folder=folder)
    if check_code and (folder / "plugin.py").is_file():
        report.problems += _check_code(report, data, folder, python, timeout, isolated)
    return report
