"""Readiness score of a service's document set.

Every applicable check counts, weighted by its severity (legal obligation 3, recommendation 1, good practice
0.5): each mandatory document (present or missing), each requirement of each document (conforme, manquant,
non conforme) and each cross-document check. A missing mandatory document weighs what it would have weighed
had it been present and empty: its presence check plus every requirement of its type that applies to the
service, all unmet. The score is the weight of the checks met over the weight of the applicable checks, in
percent. « À vérifier » (including the requirements of a missing document whose applicability depends on an
unknown piece of context) and non-applicable checks are left out; they are listed apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from conformcheck.audit.model import AuditedDocument, Check, Readiness
from conformcheck.engine.applicability import constraints
from conformcheck.model import COUNTED_STATUSES, DOC_TYPES, Document, Severity, Status
from conformcheck.packs.runtime import Rule, RuleKind

WEIGHTS = {Severity.error: 3.0, Severity.warning: 1.0, Severity.info: 0.5}
# Rules an empty document fails: those that ask for content. Forbidden clauses and outdated wordings are
# absent from an empty document (met), which proves nothing about a document that does not exist.
CONTENT_KINDS = (RuleKind.mention, RuleKind.value, RuleKind.python)

SCORE_FORMULA_FR = (
    "Score de préparation = poids des contrôles satisfaits / poids des contrôles applicables (documents "
    "obligatoires, exigences de chaque document, contrôles croisés), avec un poids de 3 pour une obligation "
    "légale, 1 pour une recommandation et 0,5 pour une bonne pratique. Un document obligatoire manquant pèse "
    "comme s'il était fourni mais vide : le contrôle de sa présence plus toutes les exigences de ce type de "
    "document qui s'appliquent au service, toutes comptées comme non satisfaites. Les points « à vérifier » "
    "(y compris les exigences d'un document manquant qui dépendent d'une information inconnue) ne sont pas "
    "comptés.")


def scan_type(kind: str) -> str:
    """The scan's document type for a kind of the set: the annexes it does not type are judged as « autre »."""
    return kind if kind in DOC_TYPES else "autre"


def weigh_missing_document(check: Check, kind: str, scanner: Any, options: Any) -> None:
    """Fills `check` (a missing mandatory document) with the requirements an empty document of `kind` would
    fail in the service's context: applicable ones (unmet, in the score) and undecidable ones (« à vérifier »).

    The applicability is the scan's own (`engine.applicability.constraints`) on the facts of an empty
    document, so a requirement triggered by a clause (`when_present`) does not apply, as for any empty text.
    `options`: `ScanOptions` whose context holds what the audit knows of the service."""
    doc_type = scan_type(kind)
    facts = scanner.facts(Document(path=kind, format="text"), replace(options, doc_type=doc_type))
    for rule in scanner.rules:
        if not _fails_when_empty(rule, doc_type):
            continue
        results = {c.result for c in constraints(rule, facts)}
        if "fail" in results:
            continue
        if "unknown" in results:
            check.absent_to_check.append(rule.id)
        else:
            check.absent_requirements.append(rule.id)
            check.absent_weight += WEIGHTS[rule.severity]
    if check.absent_requirements:
        check.explanation += (f" Ses {len(check.absent_requirements)} exigences applicables comptent comme non "
                              f"satisfaites dans le score (poids {_number_fr(check.absent_weight)}, plus "
                              f"{_number_fr(WEIGHTS[check.severity])} pour sa présence).")


def _number_fr(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _fails_when_empty(rule: Rule, doc_type: str) -> bool:
    return (not rule.legacy and doc_type in rule.applies_to.doc_types and rule.kind in CONTENT_KINDS
            and rule.absent_on.get(doc_type, rule.absent) == "manquant")


def readiness(required: list[Check], cross: list[Check], docs: list[AuditedDocument]) -> Readiness:
    covered = {rule for check in cross for rule in check.covers}
    items = [(c.status, c.severity) for c in required + cross]
    items += [(f.status, f.severity) for d in docs for f in d.report.findings if f.rule_id not in covered]
    counts = Counter(status.value for status, _ in items if status != Status.non_applicable)
    applicable = sum(WEIGHTS[sev] for status, sev in items if status in COUNTED_STATUSES)
    met = sum(WEIGHTS[sev] for status, sev in items if status == Status.conforme)
    for check in required:
        counts[Status.manquant.value] += len(check.absent_requirements)
        counts[Status.a_verifier.value] += len(check.absent_to_check)
        applicable += check.absent_weight
    return Readiness(score=round(100 * met / applicable, 1) if applicable else None, met_weight=met,
                     applicable_weight=applicable, counts={status: n for status, n in counts.items() if n})
