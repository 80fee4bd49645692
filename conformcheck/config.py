"""Scan settings from a config file (`conformcheck.toml` or `[tool.conformcheck]` in `pyproject.toml`)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from conformcheck.errors import ConformcheckError
from conformcheck.model import DOC_TYPES, MODES, REGIMES

KNOWN_KEYS = {"regime", "mode", "hors_etablissement", "prix_mensuel", "type", "fail_on", "packs", "date",
              "majeur", "mineurs", "habilite_aide_sociale", "plan_aide", "engine",
              "select", "ignore", "severity", "waivers", "baseline"}  # the last five: see policy.py
POLICY_KEYS = ("select", "ignore", "severity", "waivers", "baseline")
_CHOICES = {"regime": REGIMES, "mode": MODES, "type": DOC_TYPES, "fail_on": ("error", "warning", "info", "jamais"),
            "engine": ("durable", "python")}


class ConfigError(ConformcheckError):
    code = "configuration_invalide"


def user_data_dir() -> Path:
    """Where conformcheck keeps the user's files (batch results, history): $XDG_DATA_HOME/conformcheck, by
    default ~/.local/share/conformcheck."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "conformcheck"


def find_config(start: Path) -> Path | None:
    """`conformcheck.toml`, else a `pyproject.toml` with a `[tool.conformcheck]` table, in `start` or above."""
    for folder in [start, *start.parents]:
        own = folder / "conformcheck.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            text = _text(pyproject)
            if _may_configure(text) and "conformcheck" in _parse(pyproject, text).get("tool", {}):
                return pyproject
    return None


def _may_configure(pyproject: str) -> bool:
    """Whether a pyproject.toml may hold `[tool.conformcheck]` (or a `[tool]` table): most have neither, and
    are then not parsed at all."""
    return "tool.conformcheck" in pyproject or "[tool]" in pyproject


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Fichier de configuration illisible {path} : {exc}") from exc


def _parse(path: Path, text: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Fichier de configuration illisible {path} : {exc}") from exc


def load_config(path: Path) -> dict[str, Any]:
    data = _parse(path, _text(path))
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("conformcheck", {})
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{path} : clé(s) inconnue(s) : {', '.join(sorted(unknown))}. "
                          f"Clés possibles : {', '.join(sorted(KNOWN_KEYS))}.")
    for key, choices in _CHOICES.items():
        if key in data and data[key] not in choices:
            raise ConfigError(f"{path} : « {key} = {data[key]!r} » invalide ; valeurs possibles : "
                              f"{', '.join(choices)}.")
    for key in ("packs", "select", "ignore"):
        if key in data and not (isinstance(data[key], list) and all(isinstance(v, str) for v in data[key])):
            raise ConfigError(f"{path} : « {key} » doit être une liste de textes, par exemple {key} = [\"casf\"].")
    if "severity" in data and not isinstance(data["severity"], dict):
        raise ConfigError(f"{path} : « severity » doit être une table, par exemple [severity] "
                          "\"casf.livret.*\" = \"warning\".")
    if "date" in data:
        try:
            data["date"] = date.fromisoformat(str(data["date"]))
        except ValueError:
            raise ConfigError(f"{path} : « date = {data['date']!r} » invalide ; attendu AAAA-MM-JJ, par exemple "
                              "date = 2026-12-01.") from None
    if "packs" in data:
        data["packs"] = [str((path.parent / p).resolve()) for p in data["packs"]]
    for key in ("waivers", "baseline"):
        if key in data:
            data[key] = str((path.parent / str(data[key])).resolve())
    return data
