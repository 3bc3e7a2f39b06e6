# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Every ```python block of docs/authoring.md, docs/config.md and docs/services.md runs here.

The convention, stated at the top of each document:

* A ```python block is an **example plug-in**. It is written to a fresh folder as
  ``plugin.py`` and imported (not run as ``__main__``), exactly as a plug-in file would be.
* A ```python block whose first line is ``# test`` is a **companion**: it runs in the
  namespace of the example before it (so ``plugin`` and the example's names are there),
  with the plug-in folder as the working directory, and asserts what the user would see.
* A ```python block whose first line is ``# test_<name>.py`` is a **pytest file**: it is
  written beside that ``plugin.py`` and run with pytest in a subprocess; all its tests
  must pass.

Every example needs at least one companion or pytest file, no python block may stand
outside this scheme, and fences must use a known language — so nothing is skipped
silently. Shell sessions and JSON use ```console / ```json and are not executed.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _pytest.assertion.rewrite import rewrite_asserts

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOC_NAMES = ("authoring.md", "config.md", "services.md")
# A fence whose language is not listed here fails the suite instead of being ignored.
KNOWN_LANGUAGES = {"python", "console", "json", "text", "toml", "powershell"}
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_PYTEST_FILE = re.compile(r"^# (test_\w+\.py)\s*$")
_PLUGIN_NAME = re.compile(r"""Plugin\(\s*(?:name\s*=\s*)?["']([A-Za-z][A-Za-z0-9_-]*)["']""")
_module_numbers = itertools.count(1)

# Examples that show a runtime bug: (document, id) -> reason. They must fail (strict).
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@dataclass
class Block:
    """One fenced block of a document."""

    doc: str
    line: int  # line of the first code line (1-based)
    language: str
    code: str
    section: str


@dataclass
class Example:
    """An example plug-in and the blocks that test it."""

    block: Block
    ident: str
    tests: list[Block] = field(default_factory=list)

    @property
    def needs_subprocess(self) -> bool:
        return any("subprocess" in t.code or "CliRunner" in t.code or _is_pytest_file(t)
                   for t in self.tests)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "top"


def read_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with the heading it sits under."""
    blocks: list[Block] = []
    section = "top"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if opening is None:
            heading = _HEADING.match(line)
            if heading:
                section = _slug(heading.group(2))
            index += 1
            continue
        fence = opening.group("fence")
        start = index + 1
        end = start
        while end < len(lines) and not lines[end].startswith(fence):
            end += 1
        if end == len(lines):
            raise AssertionError(f"{path.name}:{index + 1}: the fence opened here never closes")
        blocks.append(Block(path.name, start + 1, opening.group("info").strip(),
                            "\n".join(lines[start:end]) + "\n", section))
        index = end + 1
    return blocks


def _first_line(block: Block) -> str:
    return block.code.lstrip("\n").splitlines()[0].strip() if block.code.strip() else ""


def _is_companion(block: Block) -> bool:
    return _first_line(block) == "# test"


def _is_pytest_file(block: Block) -> bool:
    return _PYTEST_FILE.match(_first_line(block)) is not None


def collect_examples(path: Path) -> tuple[list[Example], list[str]]:
    """The examples of one document, and the problems of its python blocks."""
    doc = path.name
    examples: list[Example] = []
    problems: list[str] = []
    ordinal: dict[str, int] = {}
    for block in read_blocks(path):
        if block.language != "python":
            continue
        if _is_companion(block) or _is_pytest_file(block):
            if not examples:
                problems.append(f"{doc}:{block.line}: a test block with no example before it")
            else:
                examples[-1].tests.append(block)
            continue
        ordinal[block.section] = ordinal.get(block.section, 0) + 1
        ident = f"{block.section}-{ordinal[block.section]}"
        examples.append(Example(block, ident))
    for example in examples:
        if not example.tests:
            problems.append(f"{doc}:{example.block.line}: example {example.ident} has no "
                            "'# test' block after it")
    return examples, problems


def _cases() -> Iterator[object]:
    for doc in DOC_NAMES:
        if not (DOCS / doc).is_file():
            continue  # test_documents_exist reports it
        for example in collect_examples(DOCS / doc)[0]:
            marks: list[pytest.MarkDecorator] = []
            if example.needs_subprocess:
                marks.append(pytest.mark.e2e)
            reason = KNOWN_BUGS.get((doc, example.ident))
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(example, id=f"{doc}:{example.ident}", marks=marks)


def _compiled(block: Block) -> object:
    # Padding keeps line numbers in tracebacks equal to the document's.
    source = "\n" * (block.line - 1) + block.code
    filename = str(DOCS / block.doc)
    tree = ast.parse(source, filename)
    # pytest's assertion rewriting, so a failing doc assertion shows both sides.
    rewrite_asserts(tree, source.encode("utf-8"), filename)
    return compile(tree, filename, "exec")


def _forget_sdk_logging() -> None:
    """Close the log handlers an example attached, so the next one starts clean."""
    for name in ["gassist_sdk", *[n for n in logging.root.manager.loggerDict
                                  if n.startswith("gassist.")]]:
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "_gassist", False)]:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No GASSIST_* settings leak in or out, and the environment is restored afterwards."""
    saved = dict(os.environ)
    for name in ("GASSIST_CONFIG", "GASSIST_LOG_DIR", "GASSIST_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    root_handlers = list(logging.getLogger().handlers)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _forget_sdk_logging()
        assert logging.getLogger().handlers == root_handlers, "an example touched the root logger"


def run_example(example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write, import and test one example as its documentation says."""
    name_match = _PLUGIN_NAME.search(example.block.code)
    folder = tmp_path / (name_match.group(1) if name_match else "example")
    folder.mkdir()
    (folder / "plugin.py").write_text(example.block.code, encoding="utf-8")
    monkeypatch.chdir(folder)
    module_name = f"docs_example_{next(_module_numbers)}"
    spec = importlib.util.spec_from_file_location(module_name, folder / "plugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and type hints look their module up
    try:
        spec.loader.exec_module(module)
        for test in example.tests:
            pytest_file = _PYTEST_FILE.match(_first_line(test))
            if pytest_file:
                _run_pytest_file(folder, pytest_file.group(1), test)
            else:
                exec(_compiled(test), module.__dict__)
    finally:
        del sys.modules[module_name]


def _run_pytest_file(folder: Path, filename: str, block: Block) -> None:
    (folder / filename).write_text(block.code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GASSIST_", "PYTEST_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
         str(folder), filename],
        cwd=folder, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, (f"{block.doc}:{block.line}: {filename} failed\n"
                                  f"{proc.stdout}\n{proc.stderr}")
    assert re.search(r"\b\d+ passed\b", proc.stdout) and " skipped" not in proc.stdout, \
        proc.stdout


def test_documents_exist() -> None:
    for doc in DOC_NAMES:
        assert (DOCS / doc).is_file(), f"docs/{doc} is missing"


@pytest.mark.parametrize("doc", DOC_NAMES)
def test_every_python_block_belongs_to_a_tested_example(doc: str) -> None:
    blocks = read_blocks(DOCS / doc)
    unknown = [f"{doc}:{b.line}: fence language {b.language!r}" for b in blocks
               if b.language not in KNOWN_LANGUAGES]
    examples, problems = collect_examples(DOCS / doc)
    assert not unknown + problems
    python_blocks = [b for b in blocks if b.language == "python"]
    accounted = len(examples) + sum(len(e.tests) for e in examples)
    assert accounted == len(python_blocks)
    least = 2 if doc == "services.md" else 3  # a short page: a client and a store
    assert len(examples) >= least, f"{doc} has only {len(examples)} runnable examples"


@pytest.mark.parametrize("example", list(_cases()))
def test_doc_example(example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     isolated: None) -> None:
    run_example(example, tmp_path, monkeypatch)


# -- the harness itself: a doc it cannot run must fail, not pass quietly -------------------------

_BROKEN_DOC = """\
# Title

```python
# test
assert True
```

## Section

```python
plugin = None
```

```py
print("a typo in the fence language")
```

```python
plugin = None
```

```python
# test
assert plugin is None
```
"""


def test_the_harness_reports_orphan_untested_and_unknown_blocks(tmp_path: Path) -> None:
    doc = tmp_path / "broken.md"
    doc.write_text(_BROKEN_DOC, encoding="utf-8")
    examples, problems = collect_examples(doc)
    assert [e.ident for e in examples] == ["section-1", "section-2"]
    assert [len(e.tests) for e in examples] == [0, 1]
    assert problems == ["broken.md:4: a test block with no example before it",
                        "broken.md:11: example section-1 has no '# test' block after it"]
    assert [b.language for b in read_blocks(doc) if b.language not in KNOWN_LANGUAGES] == ["py"]


def test_a_failing_companion_fails_with_the_document_line(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          isolated: None) -> None:
    doc = tmp_path / "failing.md"
    doc.write_text('## Demo\n\n```python\nplugin = 1\n```\n\n```python\n# test\n'
                   'assert plugin == 2\n```\n', encoding="utf-8")
    (example,), _ = collect_examples(doc)
    monkeypatch.setattr(sys.modules[__name__], "DOCS", tmp_path)
    with pytest.raises(AssertionError, match=r"assert 1 == 2") as caught:
        run_example(example, tmp_path, monkeypatch)
    # The failing assert is on line 9 of failing.md (traceback line numbers are 0-based).
    assert (str(doc), 8) in [(str(entry.path), entry.lineno) for entry in caught.traceback]


def test_an_unclosed_fence_is_an_error(tmp_path: Path) -> None:
    doc = tmp_path / "open.md"
    doc.write_text("```python\nplugin = None\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"open\.md:1: the fence opened here never closes"):
        read_blocks(doc)


# -- promises of the docs about validation and config (once runtime bugs, kept as guards) ----

_FAN_PLUGIN = '''
from typing import Annotated

from gassist_sdk import Plugin, Range

plugin = Plugin("fans", description="Controls case fans")


@plugin.command()
def set_fan_speed(speed: Annotated[int, Range(0, 100)], fan_id: int = 0) -> str:
    """Set the speed of a fan."""
    return f"fan {fan_id}: {speed}%"
'''


def _load(source: str, folder: Path) -> object:
    folder.mkdir()
    (folder / "plugin.py").write_text(source, encoding="utf-8")
    name = f"docs_gap_{next(_module_numbers)}"
    spec = importlib.util.spec_from_file_location(name, folder / "plugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module.plugin


def test_a_missing_argument_is_reported_alongside_other_problems(tmp_path: Path) -> None:
    from gassist_sdk.testing import PluginClient

    with PluginClient(_load(_FAN_PLUGIN, tmp_path / "fans")) as client:
        result = client.call("set_fan_speed", fan_id="left", colour="red")
    assert "fan_id must be an integer, got 'left'" in result.text
    assert "missing required argument 'speed'" in result.text
    assert "colour" not in result.text  # dropped: the function does not take it


def test_a_null_list_argument_gets_a_plain_message(tmp_path: Path) -> None:
    from gassist_sdk.testing import PluginClient

    source = ('from gassist_sdk import Plugin\nplugin = Plugin("tags")\n\n'
              '@plugin.command()\ndef tag(ids: list[int]) -> str:\n    """Tag."""\n'
              '    return str(ids)\n')
    with PluginClient(_load(source, tmp_path / "tags")) as client:
        result = client.call("tag", ids=None)
    assert not result.success
    assert "ids[]" not in result.text and "ids" in result.text


_STATUS_PLUGIN = '''
from dataclasses import dataclass

from gassist_sdk import Context, Plugin, setting


@dataclass
class StatusConfig:
    token: str = setting(description="API token", secret=True)
    region: str = setting("eu", description="Region")


plugin = Plugin("status", config=StatusConfig)


@plugin.command(needs_config=False)
def status(ctx: Context) -> str:
    """Works with or without config."""
    return "configured for " + ctx.config.region if ctx.config else "not configured"


@plugin.command()
def ping_service(ctx: Context) -> str:
    """Needs config."""
    return "pong"
'''


def test_a_command_that_does_not_need_config_still_sees_a_valid_one(tmp_path: Path) -> None:
    from gassist_sdk.testing import PluginClient

    plugin = _load(_STATUS_PLUGIN, tmp_path / "status")
    (tmp_path / "status" / "config.json").write_text('{"token": "t0k3n-value"}')
    with PluginClient(plugin) as client:
        first = client.call("status").text
        client.call("ping_service")
        second = client.call("status").text
    assert (first, second) == ("configured for eu", "configured for eu")


def _github_anchor(heading: str) -> str:
    # GitHub's rule: lower case, drop everything but letters, digits, spaces, '-' and '_',
    # then spaces become '-'.
    text = re.sub(r"`", "", heading.lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    anchors: set[str] = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            anchors.add(_github_anchor(heading.group(2)))
    return anchors


@pytest.mark.parametrize("doc", DOC_NAMES)
def test_links_between_the_documents_resolve(doc: str) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    broken = []
    for target, anchor in re.findall(r"\]\(([\w./-]*?\.md)?#([\w-]+)\)", text):
        path = DOCS / target if target else DOCS / doc
        if not path.is_file() or anchor not in _anchors(path):
            broken.append(f"{target}#{anchor}")
    for target in re.findall(r"\]\(([\w./-]+\.md)\)", text):
        if not (DOCS / target).is_file():
            broken.append(target)
    assert not broken
