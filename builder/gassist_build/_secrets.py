# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Which config keys are secrets, and which values of a ``config.json`` must never be shipped.

One policy for the build (``config.example.json`` carries no secret values) and for
``gassist-build config`` (generated documents never contain a value from ``config.json``):

* a plug-in with typed config declares its secrets itself: ``plugin.py --config-schema``
  marks them ``writeOnly`` (:func:`declared_secret_keys`);
* for a plug-in without typed config the secrets are guessed from the key names
  (:func:`secret_keys`).

Pure functions over parsed JSON, so every layer of the builder may use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "MIN_SECRET_LENGTH",
    "declared_secret_keys",
    "filled_keys",
    "is_filled",
    "secret_keys",
    "secret_values",
]

# Words that make a config key a secret: client_secret, BOT_TOKEN, webhook_key, api_key...
_SECRET_WORDS = frozenset({"secret", "token", "password", "passwd", "key", "apikey", "credentials"})
# Very short values would match by accident everywhere; the runtime's redaction ignores them too.
MIN_SECRET_LENGTH = 4


def secret_keys(config: Any, prefix: str = "") -> list[str]:
    """Keys of a config object whose names mark them as secrets, dotted when nested.

    A key is a secret when its last word (split at ``_``, ``-`` and camelCase) is
    one of secret, token, password, passwd, key, apikey, credentials, or when it
    contains "secret" or "password": ``TWITCH_CLIENT_SECRET``, ``BOT_TOKEN``,
    ``webhook_key``, ``apiKey`` are secrets; ``token_url`` and ``model`` are not.
    """
    found: list[str] = []
    if not isinstance(config, dict):
        return found
    for key, value in config.items():
        dotted = f"{prefix}{key}"
        words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(key)).lower().replace("-", "_")
        parts = [w for w in words.split("_") if w]
        lowered = str(key).lower()
        if (parts and parts[-1] in _SECRET_WORDS) or "secret" in lowered or "password" in lowered:
            found.append(dotted)
        elif isinstance(value, dict):
            found.extend(secret_keys(value, dotted + "."))
    return found


def declared_secret_keys(schema: dict[str, Any]) -> list[str] | None:
    """The keys a ``--config-schema`` document marks ``writeOnly``, in schema order.

    Returns:
        The secret keys, or None when the schema has no ``properties`` object.
    """
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return None
    return [key for key, entry in properties.items()
            if isinstance(entry, dict) and entry.get("writeOnly") is True]


def is_filled(value: Any) -> bool:
    """A value that is more than the empty placeholder of its type."""
    return value not in ("", None, 0, False) and value != [] and value != {}


def _lookup(config: dict[str, Any], dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def filled_keys(config: dict[str, Any], keys: Iterable[str]) -> list[str]:
    """Those of ``keys`` (dotted for nested ones) that have a value in ``config``."""
    return [key for key in keys if is_filled(_lookup(config, key))]


def secret_values(config: dict[str, Any], keys: Iterable[str]) -> list[str]:
    """The values of the secret ``keys`` in ``config``, as text to search documents for.

    Values shorter than :data:`MIN_SECRET_LENGTH` are left out.
    """
    values = (_lookup(config, key) for key in keys)
    return [str(v) for v in values
            if isinstance(v, (str, int, float)) and len(str(v)) >= MIN_SECRET_LENGTH]
