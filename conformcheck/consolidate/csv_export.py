"""CSV export of a network summary: one line per document, ready for a French spreadsheet.

Semicolon separator, UTF-8 with a byte-order mark and rates as percentages with a decimal comma: what a
French spreadsheet opens as columns and numbers without an import wizard.
"""

from __future__ import annotations

import csv
import io

from conformcheck.consolidate.summary import NetworkSummary
from conformcheck.consolidate.tables import Cell, documents, is_percent


def _text(value: Cell, percent: bool) -> str:
    if value is None:
        return ""
    if percent and isinstance(value, float):
        return f"{value * 100:.1f}".replace(".", ",")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def render_csv(summary: NetworkSummary) -> str:
    """The « Documents » view: service, file, type, rate (%), counts and the blocking findings."""
    table = documents(summary)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f"{h} (%)" if i in table.percent else h for i, h in enumerate(table.headers)])
    for r, row in enumerate(table.rows):
        writer.writerow([_text(value, is_percent(table, r, c)) for c, value in enumerate(row)])
    return out.getvalue()


def write_csv(summary: NetworkSummary, path: str) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(render_csv(summary))
