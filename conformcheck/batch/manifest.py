"""The services manifest: a CSV naming, for a file or a folder, its service and that service's context.

Columns (header row required, `,` or `;` separated, UTF-8 or Windows-1252 as Excel writes it):
`chemin` (file or folder, relative to the manifest's folder) and `service` are required; `regime`, `mode`,
`type`, `hors_etablissement`, `prix_mensuel`, `majeur`, `mineurs`, `habilite_aide_sociale`, `plan_aide` are
optional, an empty cell meaning « not given ». A document takes the row of the most specific path containing it.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from conformcheck.errors import ConformcheckError, os_error_fr
from conformcheck.model import DOC_TYPES, MODES, REGIMES

BOOLEAN_KEYS = ("hors_etablissement", "majeur", "mineurs", "habilite_aide_sociale", "plan_aide")
CONTEXT_KEYS = ("regime", "mode", "prix_mensuel", *BOOLEAN_KEYS)
COLUMNS = ("chemin", "service", *CONTEXT_KEYS, "type")
CHOICES = {"regime": REGIMES, "mode": MODES, "type": DOC_TYPES}
TRUE_WORDS = {"oui", "o", "vrai", "true", "1", "x"}
FALSE_WORDS = {"non", "n", "faux", "false", "0"}


class ManifestError(ConformcheckError):
    code = "manifeste_invalide"


@dataclass(frozen=True, slots=True)
class ManifestRow:
    line: int
    path: Path  # absolute
    shown: str  # as the manifest names it, joined to the manifest's folder
    service: str
    context: dict[str, object] = field(default_factory=dict)
    doc_type: str | None = None


@dataclass(slots=True)
class Manifest:
    source: Path
    rows: list[ManifestRow]

    def row_for(self, path: str) -> ManifestRow | None:
        """The row of the most specific path equal to or containing `path`."""
        target = Path(os.path.abspath(path))
        best: ManifestRow | None = None
        for row in self.rows:
            if (row.path == target or row.path in target.parents) and (
                    best is None or len(row.path.parts) > len(best.path.parts)):
                best = row
        return best


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"Manifeste illisible « {path} » ({os_error_fr(exc)}).") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's « CSV (séparateur : point-virgule) »


def _value(key: str, raw: str, where: str) -> object:
    if key in CHOICES:
        if raw not in CHOICES[key]:
            raise ManifestError(f"{where} : « {raw} » invalide ; valeurs possibles : {', '.join(CHOICES[key])}.")
        return raw
    if key == "prix_mensuel":
        try:
            amount = float(raw.replace("€", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            raise ManifestError(f"{where} : « {raw} » n'est pas un montant en euros (exemple : 250 ou 99,90).") \
                from None
        if amount < 0:
            raise ManifestError(f"{where} : le montant « {raw} » ne peut pas être négatif.")
        return amount
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ManifestError(f"{where} : « {raw} » invalide ; écrivez oui ou non.")


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; every error names the file, the line and the column."""
    text = _read_text(path)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ManifestError(f"Manifeste « {path} » vide : la première ligne doit nommer les colonnes "
                            f"({', '.join(COLUMNS)}).")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ManifestError(f"{path}, ligne 1 : colonne(s) inconnue(s) : {', '.join(unknown)}. "
                            f"Colonnes possibles : {', '.join(COLUMNS)}.")
    for required in ("chemin", "service"):
        if required not in header:
            raise ManifestError(f"{path}, ligne 1 : la colonne « {required} » est obligatoire.")
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ManifestError(f"{path}, ligne 1 : colonne(s) en double : {', '.join(duplicated)}.")
    rows: list[ManifestRow] = []
    seen: dict[Path, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise ManifestError(f"{path}, ligne {number} : {len(cells)} cellules pour {len(header)} colonnes.")
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        for required in ("chemin", "service"):
            if not values.get(required):
                raise ManifestError(f"{path}, ligne {number}, colonne « {required} » : valeur manquante.")
        target = Path(os.path.abspath(path.parent / values["chemin"]))
        if target in seen:
            raise ManifestError(f"{path}, ligne {number}, colonne « chemin » : « {values['chemin']} » figure déjà "
                                f"ligne {seen[target]}.")
        seen[target] = number
        parsed = {key: _value(key, raw, f"{path}, ligne {number}, colonne « {key} »")
                  for key, raw in values.items() if key not in ("chemin", "service") and raw}
        doc_type = parsed.pop("type", None)
        rows.append(ManifestRow(number, target, str(path.parent / values["chemin"]), values["service"], parsed,
                                doc_type))  # type: ignore[arg-type]
    if not rows:
        raise ManifestError(f"Manifeste « {path} » sans ligne de service après l'en-tête.")
    return Manifest(path, rows)


def merged_context(given: dict[str, object], sources: dict[str, str],
                   row: ManifestRow | None) -> tuple[dict[str, object], dict[str, str]]:
    """A document's context: command-line options win over its manifest row, which wins over the config file
    (the row is more specific than the config, the options are what the user just typed)."""
    if row is None:
        return given, sources
    context, origin = dict(given), dict(sources)
    for key, value in row.context.items():
        if origin.get(key) != "option":
            context[key], origin[key] = value, "manifeste"
    return context, origin
