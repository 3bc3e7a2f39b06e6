# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Every ```console block of README.md and docs/*.md runs, as written, in bash.

A block is either a transcript (command lines start with ``$ ``; the other lines are
output) or a plain list of commands. Each block runs in a fresh scratch folder that
holds copies of the folders the docs name (``plugins/``, ``tests/zoo/``, the manifest
corpus), a ``.venv`` link to this environment (so ``. .venv/bin/activate`` works) and,
when the commands name a plug-in folder that an earlier ```python example of the same
document defines (``Plugin("hello", ...)``), that example saved as ``NAME/plugin.py``.
``gassist-build`` and ``python`` resolve to this environment's; installs go to a scratch
plug-ins folder.

Every command must exit 0, unless the transcript shows its status (``$ echo $?``) or
:data:`EXIT_STATUS` says otherwise. A block that cannot run as written (a placeholder
path, a long-running command) is preceded by ``<!-- not-run: reason -->``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COPIED = ("plugins", "tests/zoo", "tests/builder/manifest/corpus")
# (document, command) -> exit status, for failures the transcript shows without `echo $?`.
EXIT_STATUS: dict[tuple[str, str], int] = {
    ("emulator.md", "gassist-build call tests/zoo/floods_stdout hello"): 1,
    ("emulator.md", "gassist-build call tests/zoo/object_data gpu_temp"): 1,
    ("manifest.md", "gassist-build validate "
                    "tests/builder/manifest/corpus/trailing-space-param/corsair"): 1,
    ("manifest.md", "gassist-build validate "
                    "tests/builder/manifest/corpus/code-mismatch/weather"): 1,
}
_FENCE = re.compile(r"^```(\w*)\s*$")
_NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(\S.*?)\s*-->$")
_PLUGIN_NAME = re.compile(r"""Plugin\(\s*(?:name\s*=\s*)?["']([A-Za-z][\w-]*)["']""")
_STATUS = "@@doc-command-status"


@dataclass
class ConsoleBlock:
    """One ```console block: its commands and what the transcript says they print."""

    doc: str
    line: int
    commands: list[str]
    outputs: list[list[str]]  # the output lines shown after each command
    not_run: str | None
    examples: dict[str, str]  # plug-in name -> code of the last python example defining it


def parse(path: Path) -> list[ConsoleBlock]:
    """The console blocks of one document, in order."""
    blocks: list[ConsoleBlock] = []
    examples: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match or not match.group(1):
            index += 1
            continue
        language, start = match.group(1), index + 1
        end = start
        while not lines[end].startswith("```"):
            end += 1
        body = lines[start:end]
        if language == "python":
            for name in _PLUGIN_NAME.findall("\n".join(body)):
                examples[name] = "\n".join(body) + "\n"
        elif language == "console":
            before = [line for line in lines[:index] if line.strip()]
            marker = _NOT_RUN.match(before[-1].strip()) if before else None
            blocks.append(_console_block(path.name, start + 1, body,
                                         marker.group(1) if marker else None, dict(examples)))
        index = end + 1
    return blocks


def _console_block(doc: str, line: int, body: list[str], not_run: str | None,
                   examples: dict[str, str]) -> ConsoleBlock:
    commands: list[str] = []
    outputs: list[list[str]] = []
    transcript = any(text.startswith("$ ") for text in body)
    for text in body:
        if transcript and not text.startswith("$ "):
            if commands:
                outputs[-1].append(text)
            continue
        command = text[2:] if transcript else text
        if command.strip():
            commands.append(command.strip())
            outputs.append([])
    return ConsoleBlock(doc, line, commands, outputs, not_run, examples)


BLOCKS = [block for document in DOCUMENTS for block in parse(document)]


def _scratch(block: ConsoleBlock, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    for name in COPIED:
        shutil.copytree(ROOT / name, work / name,
                        ignore=shutil.ignore_patterns("__pycache__", "dist", "build"))
    (work / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    text = " ".join(block.commands)
    for name, code in block.examples.items():
        if re.search(rf"(?<![\w/.-]){re.escape(name)}\b", text) and not (work / name).exists():
            (work / name).mkdir()
            (work / name / "plugin.py").write_text(code, encoding="utf-8")
    return work


def _script(block: ConsoleBlock) -> tuple[str, list[tuple[str, int]]]:
    """A bash script echoing each command's status, and the status each must have."""
    lines: list[str] = []
    expected: list[tuple[str, int]] = []
    for command, output in zip(block.commands, block.outputs, strict=True):
        if command == "echo $?":
            if expected and output and output[0].strip().isdigit():
                expected[-1] = (expected[-1][0], int(output[0]))
            continue
        lines += [command, f'echo "{_STATUS} {len(expected)} $?"']
        expected.append((command, EXIT_STATUS.get((block.doc, command.split("  #")[0].strip()),
                                                  0)))
    return "\n".join(lines) + "\n", expected


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "GASSIST_CONFIG")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["GASSIST_PLUGINS_DIR"] = str(tmp_path / "installed")
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / ".local" / "share")
    return env


def test_the_documents_have_command_blocks_to_run() -> None:
    assert [b for b in BLOCKS if b.not_run is None and b.doc == "README.md"]
    assert len({b.doc for b in BLOCKS if b.not_run is None}) >= 3


def test_every_not_run_marker_says_why() -> None:
    for block in BLOCKS:
        assert block.not_run is None or len(block.not_run) > 10, (block.doc, block.line)


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.skipif(os.name == "nt", reason="the documents' commands are POSIX shell")
@pytest.mark.parametrize("block", [b for b in BLOCKS if b.not_run is None],
                         ids=lambda b: f"{b.doc}:{b.line}")
def test_console_block_runs_as_written(block: ConsoleBlock, tmp_path: Path) -> None:
    work = _scratch(block, tmp_path)
    script, expected = _script(block)
    done = subprocess.run(["bash", "-c", script], cwd=work, env=_environment(tmp_path),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300)
    statuses = dict(re.findall(rf"^{_STATUS} (\d+) (\d+)$", done.stdout, re.M))
    assert expected
    for number, (command, status) in enumerate(expected):
        got = statuses.get(str(number))
        assert got == str(status), (
            f"{block.doc}:{block.line}: `{command}` exited {got}, expected {status}\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
