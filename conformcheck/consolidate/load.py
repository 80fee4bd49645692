"""Reading the inputs of a consolidation: JSON reports of `scan --format json` and batch results stores.

A results store is a JSON Lines file, one line per analysed file (see batch/store.py, whose reader is used
here). When a path appears on several lines, the last one wins (a file analysed again replaces its previous
result).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformcheck.errors import InputError
from conformcheck.model import DocumentReport


def _document(data: Any, where: str) -> DocumentReport:
    from conformcheck.report.json_report import document_from_dict

    if not isinstance(data, dict) or not isinstance(data.get("path"), str) or data.get("status") not in ("ok", "error"):
        raise InputError(f"{where} : ce n'est pas le rapport d'un document (champs path et status).")
    # The fields the consolidation groups by must be text: a hand-edited report may hold anything.
    if any(data.get(key) is not None and not isinstance(data[key], str) for key in ("service", "doc_type")):
        raise InputError(f"{where} : les champs service et doc_type doivent être du texte.")
    try:
        return document_from_dict(data)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InputError(f"{where} : rapport de document illisible ({exc}).") from exc


def _store_lines(text: str, name: str) -> list[DocumentReport]:
    """The documents of a results store, read as the batch reads it (a line cut short by a kill is passed over),
    the last entry of a path winning."""
    from conformcheck.batch.store import read_entries

    entries = read_entries(text.splitlines())
    if not entries:
        raise InputError(f"{name} : aucune ligne n'est un résultat d'analyse par lots (JSON invalide ou champs "
                         "« path » et « report » absents).")
    latest: dict[str, DocumentReport] = {}
    for number, entry in enumerate(entries, start=1):
        doc = _document(entry["report"], f"{name}, résultat n° {number}")
        if entry.get("service"):  # the store names the service of the file
            doc.service = str(entry["service"])
        latest.pop(entry["path"], None)  # re-inserted last: keeps the order of the last runs
        latest[entry["path"]] = doc
    return list(latest.values())


def read_documents(path: str | Path) -> list[DocumentReport]:
    """The document reports of one input file (JSON report or JSON Lines results store)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"impossible de lire {source} ({exc}).") from exc
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{source} est vide.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return _store_lines(text, source.name)  # several JSON objects, one a line
    if isinstance(data, dict) and "documents" in data:
        if not isinstance(data["documents"], list):
            raise InputError(f"{source} : le champ « documents » n'est pas une liste.")
        return [_document(doc, f"{source.name}, document {n}") for n, doc in enumerate(data["documents"], 1)]
    if isinstance(data, dict) and "report" in data:
        return _store_lines(text, source.name)  # a store of one line
    raise InputError(f"{source} n'est ni un rapport JSON de « conformcheck scan --format json » ni un "
                                  "fichier de résultats d'analyse par lots (JSON Lines).")


def read_inputs(paths: list[str]) -> list[DocumentReport]:
    """Every document of every input; a path given by several inputs is kept once (the last one)."""
    latest: dict[str, DocumentReport] = {}
    for path in paths:
        for doc in read_documents(path):
            latest.pop(doc.path, None)
            latest[doc.path] = doc
    return list(latest.values())
