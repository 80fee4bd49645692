"""Consolidated report of many documents (a network's services): summary, then HTML, CSV or Excel.

`write_consolidated` is the entry point of the batch `scan` and of `conformcheck synthese`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from conformcheck.errors import ConformcheckError, os_error_fr
from conformcheck.model import DocumentReport

FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".xlsx": "xlsx"}


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """The output format: `fmt` when given, else from the file's extension."""
    if fmt:
        if fmt not in FORMATS.values():
            raise ConformcheckError(f"format de synthèse inconnu : {fmt} (html, csv ou xlsx).", code="usage")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ConformcheckError(f"extension inconnue pour {path} : utilisez .html, .csv ou .xlsx (ou --format).",
                                code="usage")
    return FORMATS[suffix]


def write_consolidated(documents: Iterable[DocumentReport], path: str | Path, fmt: str | None = None,
                       trend: dict[str, list[tuple[str, float | None]]] | None = None,
                       generated: str | None = None) -> None:
    """Writes the consolidated report of `documents` to `path` (format from `fmt` or the extension).

    `trend` maps a service to its chronological (run datetime ISO, overall rate) points; shown when given.
    `generated`: date of the synthesis shown in the HTML heading (today by default).
    """
    from conformcheck.consolidate.summary import summarize

    kind = format_of(path, fmt)
    summary = summarize(documents, trend=trend)
    target = str(path)
    try:
        if kind == "html":
            from conformcheck.consolidate.html import render_html

            Path(target).write_text(render_html(summary, generated or date.today().isoformat()), encoding="utf-8")
        elif kind == "csv":
            from conformcheck.consolidate.csv_export import write_csv

            write_csv(summary, target)
        else:
            from conformcheck.consolidate.xlsx import write_xlsx

            write_xlsx(summary, target)
    except OSError as exc:
        raise ConformcheckError(f"impossible d'écrire {target} ({os_error_fr(exc)}).", code="sortie") from exc
