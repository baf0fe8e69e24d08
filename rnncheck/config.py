"""Settings from `[tool.rnncheck]` in pyproject.toml, or the top level of an rnncheck.toml.

As in ruff, the file is found by walking up from the current folder; a pyproject.toml without
`[tool.rnncheck]` is passed over. Paths in the settings are relative to the file's folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CONFIG_FILES = (".rnncheck.toml", "rnncheck.toml", "pyproject.toml")
"""Looked for in this order in each folder (ruff: .ruff.toml, ruff.toml, pyproject.toml)."""

LISTS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
SWITCHES = ("respect-gitignore",)


class ConfigError(ValueError):
    """A configuration file that cannot be read or says something rnncheck does not understand."""


@dataclass(frozen=True)
class Config:
    """What a configuration file says; `None` where it says nothing and the default holds."""

    root: str
    """The folder that `exclude` and `per-file-ignores` patterns are relative to."""
    path: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    respect_gitignore: bool | None = None


def find(start: str) -> Config:
    """The configuration that applies in `start`: the nearest file, or the defaults rooted there."""
    folder = os.path.abspath(start)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and _table(candidate) is not None:
                return load(candidate)
        parent = os.path.dirname(folder)
        if parent == folder:
            return Config(root=os.path.abspath(start))
        folder = parent


def load(path: str) -> Config:
    """The settings in `path` (`--config`): a pyproject.toml or an rnncheck.toml."""
    path = os.path.abspath(path)
    table = _table(path) or {}
    unknown = sorted(set(table) - {*LISTS, *SWITCHES, "per-file-ignores"})
    if unknown:
        raise ConfigError(f"{path}: unknown option `{unknown[0]}` in {_where(path)}")
    values: dict[str, Any] = {
        key.replace("-", "_"): _strings(table, key, path) for key in LISTS if key in table
    }
    values.update(
        {key.replace("-", "_"): _switch(table, key, path) for key in SWITCHES if key in table}
    )
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{path}: `per-file-ignores` must be a table of glob = [codes]")
    ignores = {pattern: _strings(pfi, pattern, path) for pattern in pfi}
    return Config(root=os.path.dirname(path), path=path, per_file_ignores=ignores, **values)


def _table(path: str) -> dict[str, Any] | None:
    """The rnncheck settings in a file, or None for a pyproject.toml that has none."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    if os.path.basename(path) != "pyproject.toml":
        return document
    table = document.get("tool", {}).get("rnncheck")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: `tool.rnncheck` must be a table")
    return table


def _strings(table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: `{key}` in {_where(path)} must be a list of strings")
    return tuple(value)


def _switch(table: Mapping[str, Any], key: str, path: str) -> bool:
    if not isinstance(table[key], bool):
        raise ConfigError(f"{path}: `{key}` in {_where(path)} must be true or false")
    return table[key]


def _where(path: str) -> str:
    return "[tool.rnncheck]" if os.path.basename(path) == "pyproject.toml" else "the file"
