"""The views of a network summary as plain tables (French headers), shared by the CSV and Excel writers."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformcheck.consolidate.summary import KEY_DOC_TYPES, DocTypeCell, NetworkSummary
from conformcheck.model import DOC_TYPE_LABELS_FR, SEVERITY_LABELS_FR, theme_label_fr
from conformcheck.report.labels import STATUS_LABELS_FR

Cell = str | int | float | None


@dataclass(slots=True)
class Table:
    """`percent`: indexes of the columns holding rates (0–1), shown as percentages; `percent_rows`: when only
    some rows of those columns are rates (indexes in `rows`)."""

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    percent: set[int] = field(default_factory=set)
    percent_rows: set[int] | None = None  # None: every row of the `percent` columns is a rate


def doc_type_fr(doc_type: str | None, capital: bool = False) -> str:
    label = DOC_TYPE_LABELS_FR.get(doc_type or "autre", doc_type or "")
    return label[:1].upper() + label[1:] if capital else label


def cell_state_fr(cell: DocTypeCell | None) -> str:
    if cell is None or not cell.documents:
        return "absent"
    if cell.conforme:
        return "conforme"
    return f"non conforme ({cell.blocking} constat(s) bloquant(s))"


def indicators(summary: NetworkSummary) -> Table:
    """Counts and rates share the « Valeur » column: the rows of rates are listed in `percent_rows`."""
    table = Table("Indicateurs", ["Indicateur", "Valeur", "Détail"], percent={1})
    table.rows += [
        ["Services analysés", len(summary.services), None],
        ["Documents analysés", len(summary.documents), None],
        ["Documents illisibles", len(summary.errors), None],
        ["Taux de conformité du réseau", summary.total.rate,
         f"{summary.total.met} exigences satisfaites sur {summary.total.applicable} applicables"],
    ]
    for share in summary.doc_types:
        table.rows.append([f"Services dont le {doc_type_fr(share.doc_type)} est conforme", share.share,
                           f"{share.services_conformes} sur {share.services_total} services "
                           f"({share.services_with} ont ce document)"])
    table.percent_rows = set(range(3, len(table.rows)))
    return table


def services(summary: NetworkSummary) -> Table:
    headers = ["Service", "Documents", "Illisibles", "Taux de conformité", "Constats bloquants"]
    for kind in KEY_DOC_TYPES:
        headers += [f"{doc_type_fr(kind, capital=True)} : taux", f"{doc_type_fr(kind, capital=True)} : état"]
    table = Table("Services", headers, percent={3, 5, 7, 9, 11})
    for row in summary.services:
        line: list[Cell] = [row.service, row.documents, row.errors, row.rate.rate, row.blocking]
        for kind in KEY_DOC_TYPES:
            cell = row.by_type.get(kind)
            line += [cell.rate.rate if cell else None, cell_state_fr(cell)]
        table.rows.append(line)
    return table


def documents(summary: NetworkSummary) -> Table:
    table = Table("Documents", ["Service", "Fichier", "Type", "État", "Taux de conformité", "Satisfaites",
                                "Applicables", "Constats bloquants", "Détail des constats bloquants"], percent={4})
    for row in summary.documents:
        if row.status != "ok":
            table.rows.append([row.service, row.path, None, "illisible", None, None, None, None, row.error])
            continue
        detail = " ; ".join(f"{f.title} ({f.rule_id}, {STATUS_LABELS_FR[f.status].lower()})" for f in row.blocking)
        table.rows.append([row.service, row.path, doc_type_fr(row.doc_type), "analysé", row.rate.rate, row.rate.met,
                           row.rate.applicable, len(row.blocking), detail or None])
    return table


def themes(summary: NetworkSummary) -> Table:
    table = Table("Thèmes", ["Thème", "Taux moyen des services", "Services concernés", "Satisfaites", "Applicables",
                             "Taux global"], percent={1, 5})
    for row in summary.themes:
        table.rows.append([theme_label_fr(row.theme), row.average, row.services, row.total.met, row.total.applicable,
                           row.total.rate])
    return table


def top_gaps(summary: NetworkSummary) -> Table:
    table = Table("Écarts fréquents", ["Rang", "Règle", "Exigence", "Gravité", "Thème", "Services", "Documents"])
    for rank, gap in enumerate(summary.top_gaps, start=1):
        table.rows.append([rank, gap.rule_id, gap.title, SEVERITY_LABELS_FR[gap.severity], theme_label_fr(gap.theme),
                           gap.services, gap.documents])
    return table


def errors(summary: NetworkSummary) -> Table:
    table = Table("Erreurs", ["Service", "Fichier", "Code", "Message"])
    for row in summary.errors:
        table.rows.append([row.service, row.path, row.error_code, row.error])
    return table


def trend(summary: NetworkSummary) -> Table:
    table = Table("Évolution", ["Service", "Analyse du", "Taux de conformité"], percent={2})
    for service, points in sorted(summary.trend.items()):
        table.rows += [[service, when, rate] for when, rate in points]
    return table


def all_tables(summary: NetworkSummary) -> list[Table]:
    """One table per view, in the order of the workbook's sheets (« Évolution » only with a history)."""
    tables = [indicators(summary), services(summary), documents(summary), themes(summary), top_gaps(summary),
              errors(summary)]
    if summary.trend:
        tables.append(trend(summary))
    return tables


def is_percent(table: Table, row: int, column: int) -> bool:
    return column in table.percent and (table.percent_rows is None or row in table.percent_rows)
