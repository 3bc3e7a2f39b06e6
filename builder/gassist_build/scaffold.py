# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build new``: start a plug-in from a cookiecutter template in ``templates/``.

The template is rendered into a temporary folder, its ``manifest.json`` is
generated from the rendered code (``python plugin.py --manifest``, never written
by hand) and validated, ``config.example.json`` and ``config.schema.json`` are
generated from its config dataclass (``--config-example`` / ``--config-schema``,
as ``gassist-build config`` does), and only then is the folder moved to its
destination. A failure leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from . import _platform
from .errors import BuildError
from .manifest.config import sync_config_files
from .manifest.probe import ManifestCommandError, render_manifest, run_manifest_command

__all__ = ["TEMPLATES", "answer_problem", "git_author", "render_template", "template_questions",
           "templates_dir"]

TEMPLATES = ("basic", "passthrough-chat", "service")


def templates_dir() -> Path:
    """The folder holding the templates (``GASSIST_TEMPLATES_DIR`` overrides).

    Raises:
        BuildError: No templates folder can be found.
    """
    override = os.environ.get("GASSIST_TEMPLATES_DIR")
    candidates = [Path(override)] if override else []
    here = Path(__file__).resolve().parent
    # Installed from a wheel: package data at gassist_build/templates.
    candidates.append(here / "templates")
    # A source checkout (and an editable install): <repo>/templates.
    candidates.append(here.parents[1] / "templates")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise BuildError(
        "cannot find the plug-in templates; set GASSIST_TEMPLATES_DIR to the templates/"
        " folder of a gassist-sdk checkout"
    )


_VERSION = re.compile(r"\d+(\.\d+){0,3}([-.+]?[0-9A-Za-z.]+)?")


def template_questions(template: str) -> dict[str, tuple[str, str]]:
    """The variables ``template`` asks for, in order: ``{name: (prompt, default)}``.

    Raises:
        BuildError: Unknown template, or its ``cookiecutter.json`` is missing.
    """
    if template not in TEMPLATES:
        raise BuildError(f"unknown template {template!r}; choose one of {', '.join(TEMPLATES)}")
    path = templates_dir() / template / "cookiecutter.json"
    if not path.is_file():
        raise BuildError(f"template {template!r} is missing from {path.parent.parent}")
    data = json.loads(path.read_text(encoding="utf-8"))
    prompts = data.get("__prompts__", {})
    return {key: (str(prompts.get(key, key)), str(value)) for key, value in data.items()
            if not key.startswith("_")}


def answer_problem(key: str, value: str) -> str | None:
    """What is wrong with ``value`` as the answer for template variable ``key``, or None."""
    if key == "plugin_name":
        return _platform.invocation_name_problem(value)
    if key == "version" and not _VERSION.fullmatch(value):
        return f"{value!r} is not a version such as 0.1.0"
    if not value.strip():
        return f"{key} cannot be empty"
    return None


def git_author() -> str | None:
    """``git config user.name``, or None when git is absent, slow or has no name set."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              timeout=3, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.strip()
    return name if done.returncode == 0 and name else None


def _render(source: Path, name: str, scratch: Path, *, no_input: bool,
            context: Mapping[str, str] | None) -> Path:
    """Run cookiecutter on ``source`` into ``scratch/out``; return the rendered folder."""
    # Imported here: cookiecutter (and its Jinja) is only needed by this command.
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    try:
        return Path(
            cookiecutter(
                str(source),
                no_input=no_input,
                extra_context={**(context or {}), "plugin_name": name},
                output_dir=str(scratch / "out"),
                accept_hooks=False,
                # Our own settings, so no replay file lands in the user's home and
                # their cookiecutter config cannot change what is rendered.
                default_config={
                    "replay_dir": str(scratch / "replay"),
                    "cookiecutters_dir": str(scratch / "cache"),
                },
            )
        )
    except CookiecutterException as exc:
        raise BuildError(f"rendering template {source.name!r} failed: {exc}") from None


def _generate_files(rendered: Path) -> None:
    """Write the rendered plug-in's manifest and config files from its code, and check them."""
    try:
        manifest = run_manifest_command(rendered, isolated=False)
    except ManifestCommandError as exc:
        raise BuildError(f"the rendered plug-in does not load:\n{exc}") from None
    (rendered / "manifest.json").write_text(render_manifest(manifest), encoding="utf-8")
    try:
        # The same files `gassist-build config` writes, so its --check passes at once.
        sync_config_files(rendered, isolated=False)
    except ManifestCommandError as exc:
        raise BuildError(f"the rendered plug-in's config cannot be generated:\n{exc}") \
            from None

    from .manifest.validate import validate_plugin

    report = validate_plugin(rendered, check_code=False)
    if not report.ok:
        details = "\n  ".join(f"{p.path}: {p.message}" for p in report.errors)
        raise BuildError(f"the rendered plug-in's manifest has errors:\n  {details}")


def render_template(
    name: str,
    template: str = "basic",
    output_dir: str | Path = ".",
    *,
    no_input: bool = True,
    context: Mapping[str, str] | None = None,
) -> Path:
    """Render ``template`` as a new plug-in named ``name`` inside ``output_dir``.

    Args:
        name: Invocation name of the plug-in (its folder name).
        template: One of :data:`TEMPLATES`.
        output_dir: Where the plug-in folder is created.
        no_input: Use default values instead of prompting for the others.
        context: Values for other template variables (``description``, ``author``...).

    Returns:
        The new plug-in folder.

    Raises:
        BuildError: Bad name or template, the folder exists, or the rendered plug-in
            does not load; nothing was created.
    """
    problem = _platform.invocation_name_problem(name)
    if problem:
        raise BuildError(problem)
    template_questions(template)  # unknown or missing template
    for key, value in (context or {}).items():
        problem = answer_problem(key, value)
        if problem:
            raise BuildError(f"{key}: {problem}")
    source = templates_dir() / template
    output = Path(output_dir).resolve()
    if (output / name).exists():
        raise BuildError(f"{output / name} already exists; choose another name or folder")

    with tempfile.TemporaryDirectory(prefix="gassist-new-") as scratch:
        rendered = _render(source, name, Path(scratch), no_input=no_input, context=context)
        # The name may have been changed at the prompt.
        problem = _platform.invocation_name_problem(rendered.name)
        if problem:
            raise BuildError(problem)
        _generate_files(rendered)
        destination = output / rendered.name
        if destination.exists():
            raise BuildError(f"{destination} already exists; choose another name or folder")
        output.mkdir(parents=True, exist_ok=True)
        shutil.move(str(rendered), str(destination))
    return destination
