"""Network summary of many scanned documents: per service and document type, per theme, most frequent gaps.

Definitions (repeated in every rendering, so a reader knows what a figure means):
- a finding is *blocking* when its rule is a legal obligation (`error`), it is `manquant` or `non_conforme`, and
  no waiver of the service accepts it;
- a service's document type is *conforme* when the service has at least one readable document of that type
  and none of its documents of that type has a blocking finding;
- a rate is requirements met / applicable requirements (« à vérifier » and « non applicable » are not counted);
  the rate of a service or a theme adds the requirements of all its documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conformcheck.model import (
    COUNTED_STATUSES,
    GAP_STATUSES,
    NO_THEME,
    THEMES,
    DocumentReport,
    Finding,
    Severity,
    Status,
)

# The four documents federations report on, in their usual order.
KEY_DOC_TYPES = ("livret_accueil", "reglement_fonctionnement", "contrat", "devis")
TOP_GAPS = 10
NO_FOLDER = "(sans dossier)"

DEFINITIONS_FR = (
    "Constat bloquant : exigence d'origine légale ou réglementaire (gravité « obligation légale ») manquante "
    "ou non conforme, sans dérogation décidée par le service.",
    "Document conforme pour un service : le service a au moins un document lisible de ce type et aucun de ses "
    "documents de ce type n'a de constat bloquant.",
    "Taux de conformité : exigences satisfaites / exigences applicables (les exigences « à vérifier » et non "
    "applicables ne sont pas comptées) ; le taux d'un service ou d'un thème additionne celles de ses documents.",
    "Service d'un document : celui indiqué par l'analyse par lots ; à défaut, le nom du dossier qui contient "
    "le fichier.",
)


def is_blocking(finding: Finding) -> bool:
    """A legal obligation missing or wrong, that the service has not accepted by a waiver (counted apart)."""
    return finding.severity == Severity.error and finding.status in GAP_STATUSES and finding.waiver is None


def service_of(doc: DocumentReport) -> str:
    """The service named by the batch, else the document's parent folder."""
    if doc.service:
        return doc.service
    return Path(doc.path).parent.name or NO_FOLDER


@dataclass(slots=True)
class Rate:
    met: int = 0
    applicable: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.met / self.applicable, 3) if self.applicable else None

    def add(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            if finding.status in COUNTED_STATUSES:
                self.applicable += 1
                self.met += finding.status == Status.conforme


@dataclass(slots=True)
class DocumentRow:
    service: str
    path: str
    doc_type: str | None
    status: str  # ok | error
    rate: Rate
    blocking: list[Finding]
    error: str | None = None
    error_code: str | None = None


@dataclass(slots=True)
class DocTypeCell:
    """One service × one document type."""

    documents: int = 0
    rate: Rate = field(default_factory=Rate)
    blocking: int = 0

    @property
    def conforme(self) -> bool:
        return self.documents > 0 and self.blocking == 0


@dataclass(slots=True)
class ServiceRow:
    service: str
    documents: int = 0
    errors: int = 0
    rate: Rate = field(default_factory=Rate)
    blocking: int = 0
    by_type: dict[str, DocTypeCell] = field(default_factory=dict)
    by_theme: dict[str, Rate] = field(default_factory=dict)


@dataclass(slots=True)
class DocTypeShare:
    doc_type: str
    services_with: int
    services_conformes: int
    services_total: int

    @property
    def share(self) -> float | None:
        return round(self.services_conformes / self.services_total, 3) if self.services_total else None


@dataclass(slots=True)
class ThemeRow:
    theme: str
    average: float | None  # mean of the services' rates (each service counts once)
    services: int  # services with applicable requirements in this theme
    total: Rate  # all requirements of the network in this theme


@dataclass(slots=True)
class GapRow:
    rule_id: str
    title: str
    severity: Severity
    theme: str
    services: int
    documents: int


@dataclass(slots=True)
class NetworkSummary:
    services: list[ServiceRow]
    documents: list[DocumentRow]
    doc_types: list[DocTypeShare]
    themes: list[ThemeRow]
    top_gaps: list[GapRow]
    total: Rate
    trend: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[DocumentRow]:
        return [row for row in self.documents if row.status == "error"]


def _theme(finding: Finding) -> str:
    return finding.theme if finding.theme in THEMES else NO_THEME


def summarize(documents: Iterable[DocumentReport],
              trend: dict[str, list[tuple[str, float | None]]] | None = None) -> NetworkSummary:
    services: dict[str, ServiceRow] = {}
    rows: list[DocumentRow] = []
    gaps: dict[str, tuple[Finding, set[str], int]] = {}
    total = Rate()
    for doc in documents:
        name = service_of(doc)
        service = services.setdefault(name, ServiceRow(service=name))
        service.documents += 1
        if doc.status != "ok":
            service.errors += 1
            rows.append(DocumentRow(service=name, path=doc.path, doc_type=doc.doc_type, status=doc.status,
                                    rate=Rate(), blocking=[], error=doc.error, error_code=doc.error_code))
            continue
        rate = Rate()
        rate.add(doc.findings)
        blocking = [f for f in doc.findings if is_blocking(f)]
        rows.append(DocumentRow(service=name, path=doc.path, doc_type=doc.doc_type, status="ok", rate=rate,
                                blocking=blocking))
        for target in (service.rate, total):
            target.met += rate.met
            target.applicable += rate.applicable
        service.blocking += len(blocking)
        cell = service.by_type.setdefault(doc.doc_type or "autre", DocTypeCell())
        cell.documents += 1
        cell.rate.met += rate.met
        cell.rate.applicable += rate.applicable
        cell.blocking += len(blocking)
        for finding in doc.findings:
            service.by_theme.setdefault(_theme(finding), Rate()).add([finding])
            if finding.status in GAP_STATUSES:
                first, names, count = gaps.get(finding.rule_id, (finding, set(), 0))
                names.add(name)
                gaps[finding.rule_id] = (first, names, count + 1)
    ordered = sorted(services.values(), key=lambda s: s.service.casefold())
    shares = [DocTypeShare(doc_type=kind,
                           services_with=sum(1 for s in ordered if s.by_type.get(kind, DocTypeCell()).documents),
                           services_conformes=sum(1 for s in ordered if s.by_type.get(kind, DocTypeCell()).conforme),
                           services_total=len(ordered))
              for kind in KEY_DOC_TYPES]
    themes = []
    for theme in (*THEMES, NO_THEME):
        rates = [s.by_theme[theme].rate for s in ordered if theme in s.by_theme]
        rates = [r for r in rates if r is not None]
        theme_total = Rate()
        for s in ordered:
            if theme in s.by_theme:
                theme_total.met += s.by_theme[theme].met
                theme_total.applicable += s.by_theme[theme].applicable
        if theme == NO_THEME and not theme_total.applicable:
            continue  # every rule had a theme: no « Sans thème » row
        themes.append(ThemeRow(theme=theme, average=round(sum(rates) / len(rates), 3) if rates else None,
                               services=len(rates), total=theme_total))
    top = sorted(gaps.values(), key=lambda g: (-len(g[1]), -g[2], -g[0].severity.rank, g[0].rule_id))[:TOP_GAPS]
    top_gaps = [GapRow(rule_id=f.rule_id, title=f.title, severity=f.severity, theme=_theme(f), services=len(names),
                       documents=count) for f, names, count in top]
    rows.sort(key=lambda r: (r.service.casefold(), r.path))
    return NetworkSummary(services=ordered, documents=rows, doc_types=shares, themes=themes, top_gaps=top_gaps,
                          total=total, trend=dict(trend or {}))
