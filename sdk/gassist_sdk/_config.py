# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Typed ``config.json``: a dataclass declares it, the runtime loads and checks it.

A plug-in declares its settings as a dataclass whose fields use
:func:`setting` for a description and a ``secret`` mark::

    @dataclass
    class TwitchConfig:
        client_id: str = setting(description="Client ID from dev.twitch.tv/console")
        client_secret: str = setting(description="Client secret", secret=True)
        max_results: int = setting(5, description="Streams listed at most")

Fields without a default are required (and a required string may not be
empty). ``config.json`` is read from the plug-in folder (or
``$GASSIST_CONFIG``), re-read when it changes, and every problem is reported
with the file and the key. Keys starting with ``//`` are comments.
"""

from __future__ import annotations

import json
import os
import threading
import typing
from typing import TYPE_CHECKING, Any

from ._coerce import coerce
from ._errors import ConfigError, RegistrationError
from ._introspect import EMPTY, ParamSpec, _param_from_hint
from ._logging import LazyLogger

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._logging import RedactingFilter

__all__ = ["CONFIG_ENV", "ConfigModel", "ConfigState", "PluginConfig", "config_file",
           "secret_texts", "setting"]

CONFIG_ENV = "GASSIST_CONFIG"
CONFIG_NAME = "config.json"
_META = "gassist"
_logger = LazyLogger("gassist_sdk")


def config_file(plugin_dir: str) -> str:
    """Where a plug-in's config.json is read from: ``$GASSIST_CONFIG`` or its folder."""
    return os.environ.get(CONFIG_ENV) or os.path.join(plugin_dir, CONFIG_NAME)


def secret_texts(values: Iterable[Any]) -> list[str]:
    """The texts to hide for secret values.

    Each item of a list, tuple or set and each value of a mapping counts on
    its own (``str()`` of a list would hide nothing); any other value is its
    ``str``.
    """
    texts: list[str] = []
    for value in values:
        if isinstance(value, dict):
            texts.extend(secret_texts(value.values()))
        elif isinstance(value, (list, tuple, set, frozenset)):
            texts.extend(secret_texts(value))
        elif value is not None:
            texts.append(str(value))
    return texts


def setting(default: Any = EMPTY, *, description: str = "", secret: bool = False,
            help: str = "") -> Any:
    """Declare one field of a plug-in's config dataclass.

    Args:
        default: The value when config.json does not set it; without one the
            field is required.
        description: What the value is, shown in setup instructions and in
            config.example.json.
        secret: Never log, echo, stream or bundle the value.
        help: Where to get the value (a link or a short how-to).
    """
    import dataclasses  # the plug-in's config is a dataclass anyway

    metadata = {_META: {"description": description, "secret": secret, "help": help}}
    if default is EMPTY:
        return dataclasses.field(metadata=metadata)
    if isinstance(default, (list, dict, set)):
        return dataclasses.field(default_factory=lambda: type(default)(default),
                                 metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


class ConfigField:
    """One config key."""

    __slots__ = ("default", "help", "name", "secret", "spec")

    def __init__(self, name: str, spec: ParamSpec, secret: bool, help: str,
                 default: Any) -> None:
        self.name = name
        self.spec = spec
        self.secret = secret
        self.help = help
        self.default = default


class ConfigModel:
    """The checked model of a config dataclass."""

    def __init__(self, cls: type) -> None:
        import dataclasses

        if not dataclasses.is_dataclass(cls) or not isinstance(cls, type):
            raise RegistrationError(f"config={cls!r} must be a dataclass class")
        self.cls = cls
        try:
            hints = typing.get_type_hints(cls, include_extras=True)
        except Exception as exc:
            raise RegistrationError(
                f"{cls.__name__}: cannot resolve its type hints: {exc}") from None
        self.fields: list[ConfigField] = []
        for item in dataclasses.fields(cls):
            meta = item.metadata.get(_META, {})
            if item.default is not dataclasses.MISSING:
                default = item.default
            elif item.default_factory is not dataclasses.MISSING:
                default = item.default_factory()
            else:
                default = EMPTY
            spec = _param_from_hint(cls.__name__, item.name, hints[item.name], default,
                                    meta.get("description", ""))
            if spec.kind == "any":
                raise RegistrationError(f"{cls.__name__}.{item.name}: give the field a type")
            self.fields.append(ConfigField(item.name, spec, bool(meta.get("secret")),
                                           meta.get("help", ""), default))
        self.by_name = {f.name: f for f in self.fields}

    @property
    def secret_names(self) -> list[str]:
        return [f.name for f in self.fields if f.secret]

    # -- documents ----------------------------------------------------------------------

    def example(self) -> dict[str, Any]:
        """config.example.json: every key, secrets empty, descriptions as ``//`` comments."""
        document: dict[str, Any] = {"//": "Copy to config.json and fill in. Keys starting "
                                          "with // are comments."}
        for item in self.fields:
            comment = item.spec.description
            if item.help:
                comment = f"{comment} ({item.help})" if comment else item.help
            if item.secret:
                comment = f"{comment} [secret]" if comment else "[secret]"
            if comment:
                document[f"//{item.name}"] = comment
            if item.secret or item.default is EMPTY:
                document[item.name] = _empty(item.spec)
            else:
                document[item.name] = _plain(item.default)
        return document

    def schema(self, title: str) -> dict[str, Any]:
        """A JSON Schema (2020-12) of config.json; secrets are ``writeOnly``."""
        properties: dict[str, Any] = {}
        for item in self.fields:
            entry = item.spec.manifest_entry()
            if item.default is not EMPTY and not item.secret:
                entry["default"] = _plain(item.default)
            if item.spec.minimum is not None:
                entry["minimum"] = item.spec.minimum
            if item.spec.maximum is not None:
                entry["maximum"] = item.spec.maximum
            if item.secret:
                entry["writeOnly"] = True
            properties[item.name] = entry
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": title,
            "type": "object",
            "properties": properties,
            "required": [f.name for f in self.fields if f.default is EMPTY],
            "patternProperties": {"^//": {}},
        }

    # -- loading ------------------------------------------------------------------------

    def check(self, data: Any, path: str) -> tuple[Any | None, list[str], list[str], list[str]]:
        """Validate a parsed document.

        Returns:
            ``(instance or None, problems, warnings, names of the bad fields)``;
            problems name the file and key, and never show a secret's value.
        """
        if not isinstance(data, dict):
            return None, [f"{path} must hold a JSON object ({{...}}), not "
                          f"{type(data).__name__}"], [], []
        problems: list[str] = []
        bad: list[str] = []
        warnings = [f"{path}: unknown key {key!r} is ignored" for key in data
                    if key not in self.by_name and not str(key).startswith("//")]
        values: dict[str, Any] = {}
        for item in self.fields:
            raw = data.get(item.name)
            if raw is None or (raw == "" and item.spec.kind == "string"):
                if item.default is EMPTY:
                    problems.append(f"{path}: {item.name!r} is missing")
                    bad.append(item.name)
                continue
            try:
                values[item.name] = coerce(item.spec, raw)
            except ValueError as exc:
                shown = str(exc) if not item.secret else (
                    f"{item.name} must be {item.spec.kind}; the value given is not")
                problems.append(f"{path}: {shown}")
                bad.append(item.name)
        if problems:
            return None, problems, warnings, bad
        try:
            return self.cls(**values), [], warnings, []
        except ConfigError as exc:  # a rule over several settings, from __post_init__
            asked = [name for name in exc.fields if name in self.by_name]
            return None, [f"{path}: {exc.message or 'the settings do not fit together'}"], \
                warnings, asked
        except (ValueError, TypeError) as exc:
            return None, [f"{path}: {exc}"], warnings, []

    def fields_to_ask(self, bad: list[str]) -> list[ConfigField]:
        """The fields to ask the user for: the bad ones, else every required one.

        With no bad field (the file itself is unreadable) the user is asked for
        what a working file must contain.
        """
        if bad:
            return [self.by_name[name] for name in bad]
        return [f for f in self.fields if f.default is EMPTY] or self.fields


def _empty(spec: ParamSpec) -> Any:
    return {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [],
            "object": {}}.get(spec.kind, "")


def _plain(value: Any) -> Any:
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value  # an Enum member
    return value


class ConfigState:
    """The loaded config of a running plug-in, re-read when the file changes.

    Args:
        model: The config model.
        path: Where config.json lives.
    """

    def __init__(self, model: ConfigModel, path: str) -> None:
        self.model = model
        self.path = path
        self.value: Any = None
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.bad_fields: list[str] = []
        self._stamp: tuple[int, ...] | None = None
        self._loaded = False

    def current(self) -> tuple[Any | None, list[str]]:
        """``(config, problems)``, reloading when the file changed since last time."""
        stamp = _stamp(self.path)
        if not self._loaded or stamp != self._stamp:
            self._stamp = stamp
            self._loaded = True
            self.value, self.problems, self.warnings, self.bad_fields = self._load()
        return self.value, self.problems

    def fields_to_ask(self) -> list[ConfigField]:
        """What the setup conversation asks for, as of the last load."""
        return self.model.fields_to_ask(self.bad_fields)

    def _read(self) -> tuple[Any, str | None, bool]:
        """``(document, problem, blank)``: blank when the file is missing or empty."""
        path = self.path
        if os.path.isdir(path):
            return None, f"{path} is a folder, not a file", False
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except FileNotFoundError:
            return None, f"{path} does not exist yet", True
        except PermissionError:
            return None, f"{path} cannot be read (permission denied)", False
        except UnicodeDecodeError:
            return None, f"{path} is not UTF-8 text", False
        except OSError as exc:
            return None, f"{path} cannot be read ({exc.strerror or exc})", False
        if not text.strip():
            return None, f"{path} is empty", True
        try:
            return json.loads(text), None, False
        except ValueError as exc:
            return None, f"{path} is not valid JSON: {exc}", False

    def _load(self) -> tuple[Any | None, list[str], list[str], list[str]]:
        data, problem, blank = self._read()
        if problem is None:
            return self.model.check(data, self.path)
        if not blank:
            return None, [problem], [], []
        # No file (or an empty one): fine when every field has a default.
        value, more, warnings, bad = self.model.check({}, self.path)
        if value is not None:
            return value, [], warnings, []
        return None, [problem, *more], warnings, bad

    def candidate(self, updates: dict[str, Any]) -> Any | None:
        """The config that saving ``updates`` would give, without saving it.

        None while the result would still be incomplete or invalid, or when
        the file cannot be read (saving refuses that file anyway).
        """
        return self._merged(updates)[0]

    def refused_by_rules(self, updates: dict[str, Any]) -> list[str]:
        """Problems a rule of the config class (``ConfigError`` from ``__post_init__``) finds
        with a value in ``updates`` itself, once merged with the file: such values are not
        saved. A rule that only asks for more (a channel after a token) refuses nothing."""
        _value, problems, bad = self._merged(updates)
        return problems if set(bad) & set(updates) else []

    def _merged(self, updates: dict[str, Any]) -> tuple[Any | None, list[str], list[str]]:
        data, problem, blank = self._read()
        if problem is not None and not blank:
            return None, [], []
        document = dict(data) if isinstance(data, dict) else {}
        # As saving writes them: a coerced Enum member is checked as its value again.
        document.update({key: _plain(value) for key, value in updates.items()})
        value, problems, _warnings, bad = self.model.check(document, self.path)
        return value, problems, bad

    def save(self, updates: dict[str, Any]) -> list[str]:
        """Merge ``updates`` into config.json atomically; returns problems (empty = saved).

        An existing file that cannot be parsed is never overwritten: the user's
        text stays as it is and the problem is reported instead.
        """
        data, problem, blank = self._read()
        if problem is not None and not blank:
            return [problem, f"fix or delete {self.path}, then try again; nothing was changed"]
        document = data if isinstance(data, dict) else {}
        if data is not None and not isinstance(data, dict):
            return [f"{self.path} must hold a JSON object; nothing was changed"]
        document.update(updates)
        from ._atomic import write_atomically  # only saving needs it

        try:
            # default=_plain: a pasted Enum setting is saved as its value.
            text = json.dumps(document, indent=2, ensure_ascii=False, default=_plain) + "\n"
            write_atomically(self.path, text, prefix=".config-")
        except OSError as exc:
            return [f"cannot write {self.path} ({exc.strerror or exc}); nothing was changed"]
        except (TypeError, ValueError) as exc:
            return [f"cannot save these values in {self.path} ({exc}); nothing was changed"]
        self._loaded = False
        return []


# A file written this recently may have been rewritten within one tick of the clock that
# stamps it (about 16 ms on Windows), keeping its time and size: its content is compared too.
_RECENT_NS = 2_000_000_000


def _stamp(path: str) -> tuple[int, ...] | None:
    """What tells a changed config.json from the one loaded: time, size, file id, and
    for a file written in the last two seconds its content's hash."""
    try:
        info = os.stat(path)
        stamp: tuple[int, ...] = (info.st_mtime_ns, info.st_size, info.st_ino)
        import time

        if time.time_ns() - info.st_mtime_ns < _RECENT_NS:
            with open(path, "rb") as file:
                stamp += (hash(file.read()),)
    except OSError:
        return None
    return stamp


class PluginConfig:
    """A plug-in's config.json as it runs: where it is, what it holds, and its secrets.

    The worker loads it for each call while the plug-in's own code may read
    ``plugin.config`` from another thread, so loading holds a lock.

    Args:
        model: The checked model of the plug-in's config dataclass.
        plugin_dir: The plug-in folder (config.json lives there by default).
        redactor: Learns each secret value, so it is never sent or logged.
    """

    def __init__(self, model: ConfigModel, plugin_dir: str, redactor: RedactingFilter) -> None:
        self.model = model
        self.plugin_dir = plugin_dir
        self.redactor = redactor
        self._state: ConfigState | None = None
        self._lock = threading.Lock()

    def path(self) -> str:
        """Where config.json is read from now."""
        return config_file(self.plugin_dir)

    def state(self) -> ConfigState:
        """The state of the file at :meth:`path` (a new one when the path changed)."""
        path = self.path()
        state = self._state
        if state is None or state.path != path:
            state = self._state = ConfigState(self.model, path)
        return state

    def load(self) -> tuple[Any, list[str]]:
        """``(config, problems)``: the current config.json, re-read when it changed."""
        with self._lock:
            state = self.state()
            value, problems = state.current()
            warnings, state.warnings = state.warnings, []
        if value is not None:
            names = self.model.secret_names
            self.redactor.add(secret_texts(getattr(value, name) for name in names))
        for warning in warnings:
            _logger.warning("%s", warning)
        return value, problems
