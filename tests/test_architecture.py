# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The layer map of docs/architecture.md, checked against the imports in the tree.

Every import a module makes at run time (top level or inside a function; not the
ones under ``if TYPE_CHECKING:``) must point at its own layer or one below it, and
the runtime must stay standard-library only. The map is the table in the doc: a
module that is missing from it, or a row that names no module, fails here too.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PACKAGES = {"gassist_sdk": ROOT / "sdk" / "gassist_sdk",
            "gassist_build": ROOT / "builder" / "gassist_build"}
# A row of a layer table: | n | `module`, `module` | ... |
_ROW = re.compile(r"^\|\s*(\d+)\s*\|([^|]+)\|")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _layer_map() -> dict[str, int]:
    """Module (or sub-package) -> layer, from the doc's tables.

    A table belongs to the package named in backticks in the heading above it; its
    rows name modules relative to that package (``_errors``, ``host.*``) or the
    package itself.
    """
    layers: dict[str, int] = {}
    package = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            named = [p for p in PACKAGES if f"`{p}`" in line]
            package = named[0] if named else package
            continue
        match = _ROW.match(line)
        if not match or not package:
            continue
        for name in re.findall(r"`([\w.*]+)`", match.group(2)):
            name = name.removesuffix(".*")
            layers[name if name == package else f"{package}.{name}"] = int(match.group(1))
    return layers


def _layer_of(module: str, layers: dict[str, int]) -> int | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in layers:
            return layers[".".join(parts[:end])]
    return None


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
                found.add(target)
                if not node.module:  # from . import a: a may be a module
                    found.update(f"{target}.{alias.name}" for alias in node.names)
            elif node.module:
                found.add(node.module)
    return found


MODULES = _modules()
LAYERS = _layer_map()


def test_every_module_has_a_layer_in_the_doc() -> None:
    missing = sorted(m for m in MODULES if _layer_of(m, LAYERS) is None)
    assert missing == [], f"add these to docs/architecture.md: {missing}"


def test_every_row_of_the_doc_names_a_module() -> None:
    stale = sorted(name for name in LAYERS
                   if not any(m == name or m.startswith(name + ".") for m in MODULES))
    assert stale == [], f"docs/architecture.md names modules that do not exist: {stale}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    own = _layer_of(module, LAYERS)
    assert own is not None
    upward = []
    for target in sorted(_imports(module, MODULES[module])):
        if not target.startswith(("gassist_sdk", "gassist_build")):
            continue
        if target not in MODULES and target.rpartition(".")[0] in MODULES:
            continue  # `from pkg.mod import name` seen as pkg.mod.name: pkg.mod is checked
        layer = _layer_of(target, LAYERS)
        if layer is not None and layer > own:
            upward.append(f"{target} (layer {layer})")
    assert upward == [], f"{module} (layer {own}) imports upward: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("gassist_sdk")))
def test_the_runtime_imports_only_the_standard_library(module: str) -> None:
    outside = sorted(
        name for name in _imports(module, MODULES[module])
        if name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith("gassist_sdk") and name != "__future__"
    )
    # pytest is imported by the pytest plug-in half of gassist_sdk.testing, only when pytest
    # loads it; everything else stays in the standard library.
    if module == "gassist_sdk.testing":
        outside = [name for name in outside if name != "pytest"]
    assert outside == []


def test_the_build_sub_packages_do_not_import_each_other() -> None:
    siblings = ("gassist_build.host", "gassist_build.build", "gassist_build.install",
                "gassist_build.package", "gassist_build.scaffold", "gassist_build.standins")
    crossings = []
    for module, path in MODULES.items():
        mine = next((s for s in siblings if module == s or module.startswith(s + ".")), None)
        if mine is None:
            continue
        for target in _imports(module, path):
            other = next((s for s in siblings if target == s or target.startswith(s + ".")), None)
            if other is not None and other != mine:
                crossings.append(f"{module} -> {target}")
    assert crossings == []
