# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The ``config.example.json`` a build ships, checked to carry no secret values.

A plug-in with typed config (``Plugin(..., config=...)``) says itself which keys are
secret (``plugin.py --config-schema`` marks them ``writeOnly``), and the shipped
example is the one its code prints (``--config-example``, secrets empty). For other
plug-ins their own ``config.example.json`` is shipped and the secrets are guessed from
the key names (:mod:`gassist_build._secrets`). ``config.json`` is never shipped: it may
hold the author's secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._files import CONFIG_EXAMPLE_FILE, CONFIG_FILE
from .._secrets import declared_secret_keys, filled_keys, secret_keys
from .._steps import StepLog
from ..errors import BuildError
from ..manifest.probe import (
    EXIT_NO_CONFIG,
    ManifestCommandError,
    render_manifest,
    run_plugin_json,
)

__all__ = ["DeclaredConfig", "declared_config", "shipped_example"]


@dataclass
class DeclaredConfig:
    """A plug-in's typed config, as its code declares it.

    Attributes:
        secrets: Keys marked ``secret=True`` (``writeOnly`` in the schema).
        example: The ``config.example.json`` document the code prints.
    """

    secrets: list[str]
    example: dict[str, Any]


def declared_config(src: str | Path) -> DeclaredConfig | None:
    """Ask the plug-in for its typed config (``plugin.py --config-schema`` / ``--config-example``).

    Returns:
        The declaration, or None for a plug-in without typed config (the runtime
        then exits with status :data:`EXIT_NO_CONFIG`).

    Raises:
        BuildError: ``plugin.py`` failed otherwise, or printed a bad document.
    """
    src = Path(src)
    try:
        schema = run_plugin_json(src, "--config-schema", isolated=False)
    except ManifestCommandError as exc:
        if exc.returncode == EXIT_NO_CONFIG:
            return None
        raise BuildError(f"could not get the config declared by {src / 'plugin.py'}:\n{exc}") \
            from None
    secrets = declared_secret_keys(schema)
    if secrets is None:
        raise BuildError(f"`plugin.py --config-schema` in {src} printed a schema without"
                         " \"properties\"; is gassist_sdk in libs/ older than this tool?")
    try:
        example = run_plugin_json(src, "--config-example", isolated=False)
    except ManifestCommandError as exc:
        raise BuildError(f"could not get config.example.json from {src / 'plugin.py'}:\n{exc}") \
            from None
    return DeclaredConfig(secrets=secrets, example=example)


def _read_example(example: Path) -> dict[str, Any]:
    try:
        data = json.loads(example.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BuildError(f"{example} is not valid JSON: {exc}") from None
    return data if isinstance(data, dict) else {}


def _refuse_filled_secrets(src: Path, on_disk: dict[str, Any], secrets: list[str],
                           *, typed: bool) -> None:
    filled = filled_keys(on_disk, secrets)
    if filled:
        raise BuildError(
            f"{src / CONFIG_EXAMPLE_FILE} has values for secrets ({', '.join(filled)}); it is"
            " meant to be shared with every user, so leave them empty (\"\") and put your own"
            f" in {CONFIG_FILE}"
            + (f" (regenerate it with `gassist-build config {src}`)" if typed else "")
        )


def _generated_example(src: Path, declared: DeclaredConfig, on_disk: dict[str, Any] | None,
                       log: StepLog) -> bytes:
    leaked = filled_keys(declared.example, declared.secrets)
    if leaked:  # the runtime never does this; a last guard before shipping it to everyone
        raise BuildError(f"`plugin.py --config-example` printed values for secrets"
                         f" ({', '.join(leaked)}); nothing was built")
    if on_disk is not None:
        _refuse_filled_secrets(src, on_disk, declared.secrets, typed=True)
        if on_disk != declared.example:
            log.warn(f"{src / CONFIG_EXAMPLE_FILE} does not match the config declared in"
                     " plugin.py; the build ships the generated one (update yours with"
                     f" `gassist-build config {src}`)")
    if (src / CONFIG_FILE).is_file():
        log.note(f"{CONFIG_FILE} is not shipped (it holds your settings); users get"
                 f" {CONFIG_EXAMPLE_FILE}, generated from plugin.py")
    return render_manifest(declared.example).encode("utf-8")


def shipped_example(src: Path, log: StepLog) -> bytes | None:
    """The bytes of the config.example.json to ship, after checking it carries no secret values.

    With typed config it is generated from the code; otherwise the plug-in's own file is
    shipped and its secrets are guessed from the key names.

    Returns:
        The file's bytes, or None when the plug-in has no example to ship.

    Raises:
        BuildError: The example holds a secret value, or cannot be read or generated.
    """
    example = src / CONFIG_EXAMPLE_FILE
    declared = declared_config(src)
    try:
        on_disk = _read_example(example) if example.is_file() else None
    except BuildError as exc:
        if declared is None:
            raise
        # Not shipped anyway: the build ships the example generated from the code.
        log.warn(f"{exc.message}; regenerate it with `gassist-build config {src}`")
        on_disk = None
    if declared is not None:
        return _generated_example(src, declared, on_disk, log)
    if on_disk is not None:
        _refuse_filled_secrets(src, on_disk, secret_keys(on_disk), typed=False)
        if (src / CONFIG_FILE).is_file():
            log.note(f"{CONFIG_FILE} is not shipped (it holds your settings); users get"
                     f" {CONFIG_EXAMPLE_FILE}")
        return example.read_bytes()
    if (src / CONFIG_FILE).is_file():
        log.warn(
            f"{CONFIG_FILE} is not shipped because it may hold secrets; add a"
            f" {CONFIG_EXAMPLE_FILE} (secrets empty) so users know what to fill in"
        )
    return None
