"""What a pre-audit of a service's document set produces: the documents, the mandatory documents found or
missing, the cross-document checks, the readiness score and the action plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformcheck.model import DOC_TYPE_LABELS_FR, DocumentReport, Severity, Status

# Kinds of document in a service's set: the scan's document types plus two annexes the scan does not type.
KIND_LABELS_FR: dict[str, str] = {
    **DOC_TYPE_LABELS_FR,
    "charte": "charte des droits et libertés de la personne accueillie",
    "notice_personne_confiance": "notice d'information sur la personne de confiance",
}


@dataclass(slots=True)
class AuditedDocument:
    """One file of the set: its kind in the set (`kind`) and its scan report."""

    path: str
    kind: str
    report: DocumentReport
    kind_clue: str | None = None  # why the kind differs from the scan's type (e.g. the charte's title)


@dataclass(slots=True)
class Excerpt:
    path: str
    text: str
    page: int | None = None


@dataclass(slots=True)
class Check:
    """A document requirement or a cross-document check. `documents`: the files concerned (none when the
    document is missing)."""

    id: str
    title: str
    status: Status
    severity: Severity
    theme: str
    explanation: str
    fix: str
    references: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)  # rule ids this check supersedes in the score and plan
    # A missing mandatory document: the requirements (rule ids) an empty document of its type would fail in
    # the service's context, counted as unmet in the score with their total weight, and those left « à
    # vérifier » because they depend on an unknown piece of context (see audit/score.py).
    absent_requirements: list[str] = field(default_factory=list)
    absent_weight: float = 0.0
    absent_to_check: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Action:
    blocking: bool
    theme: str
    document: str  # the file to change, or the document to add
    title: str
    fix: str
    source: str  # « document manquant », « contrôle croisé » or the rule id
    references: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Readiness:
    score: float | None  # 0–100
    met_weight: float
    applicable_weight: float
    counts: dict[str, int]  # checks by status (conforme, manquant, non_conforme, a_verifier)


@dataclass(slots=True)
class AuditReport:
    folder: str
    regime: str | None
    regime_source: str  # option, config, document, inconnu
    scan_date: str
    tool_version: str
    documents: list[AuditedDocument]
    required: list[Check]
    cross: list[Check]
    readiness: Readiness
    actions: list[Action]
    to_check: list[Check]
    undecided_rules: int  # per-document « à vérifier » findings
    notes: list[str] = field(default_factory=list)
