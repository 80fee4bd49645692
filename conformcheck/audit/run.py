"""Pre-audit of a service's folder: scan every document, identify it, check the set, score it (audit/score.py),
plan the fixes."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from conformcheck import __version__
from conformcheck.analyze.fold import light_fold
from conformcheck.audit.checks import cross_document_checks, document_kind, required_documents
from conformcheck.audit.model import KIND_LABELS_FR, Action, AuditedDocument, AuditReport, Check
from conformcheck.audit.score import readiness, weigh_missing_document
from conformcheck.batch.files import walk_folder
from conformcheck.errors import InputError
from conformcheck.model import GAP_STATUSES, NO_THEME, THEMES, Document, DocumentReport, Severity, Status
from conformcheck.report.labels import STATUS_LABELS_FR

_CHARTE_TITLE = re.compile(r"charte des droits et (?:des )?libertes de la personne (?:accueillie|accompagnee)")
_NOTICE_TITLE = re.compile(r"personne de confiance")
CONTEXT_KEYS = ("regime", "majeur", "hors_etablissement")


def files_of(folder: Path) -> list[Path]:
    """The documents of the set, at any depth (hidden files and Office lock files left out, as in batches)."""
    found, _ = walk_folder(folder)
    return [path for path, _ in found]


def kind_of(doc: Document | None, report: DocumentReport) -> tuple[str, str | None]:
    """The kind of a document in the set: the scan's type, except separate annexes recognised by their title
    (the charte, the notice personne de confiance), which the scan does not type."""
    if report.status != "ok" or doc is None:
        return "autre", None
    title = light_fold(" ".join(block.text for block in doc.blocks[:2]))
    if report.doc_type in ("autre", "livret_accueil", "reglement_fonctionnement") and "livret" not in title:
        if _CHARTE_TITLE.search(title):
            return "charte", "titre « Charte des droits et libertés de la personne accueillie »"
        if _NOTICE_TITLE.search(title) and ("notice" in title or "information" in title):
            return "notice_personne_confiance", "titre « notice … personne de confiance »"
    return report.doc_type or "autre", None


def _context(reports: list[DocumentReport], given: dict[str, object]) -> tuple[dict[str, object], dict[str, str],
                                                                                 list[str]]:
    """Given values win; otherwise the value most documents show (a disagreement is noted)."""
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []
    for key in CONTEXT_KEYS:
        if given.get(key) is not None:
            values[key], sources[key] = given[key], "option"
            continue
        seen = Counter(r.context[key].value for r in reports if key in r.context and r.context[key].value is not None
                       and r.context[key].source == "document")
        if seen:
            values[key], sources[key] = seen.most_common(1)[0][0], "document"
            if len(seen) > 1 and key == "regime":
                notes.append("Les documents ne laissent pas deviner le même régime (" + ", ".join(
                    f"{value} : {n} document(s)" for value, n in seen.most_common()) + ") : précisez --regime.")
        else:
            values[key], sources[key] = None, "inconnu"
    return values, sources, notes


def action_plan(required: list[Check], cross: list[Check], docs: list[AuditedDocument]) -> list[Action]:
    """Blocking actions (legal obligations) first, then by theme, then by document."""
    covered = {rule for check in cross for rule in check.covers}
    actions = []
    for check in required:
        if check.status in GAP_STATUSES:
            actions.append(Action(blocking=True, theme=check.theme, document=KIND_LABELS_FR[document_kind(check)],
                                  title=check.title, fix=check.fix, source="document manquant",
                                  references=check.references))
    for check in cross:
        if check.status in GAP_STATUSES:
            actions.append(Action(blocking=check.severity == Severity.error, theme=check.theme,
                                  document=", ".join(check.documents) or "dossier",
                                  title=f"{check.title} — {check.explanation}", fix=check.fix,
                                  source="contrôle croisé", references=check.references))
    for doc in docs:
        for f in doc.report.findings:
            if f.status in GAP_STATUSES and f.rule_id not in covered:
                actions.append(Action(blocking=f.severity == Severity.error, theme=f.theme or NO_THEME,
                                      document=doc.path, title=f"{f.title} ({STATUS_LABELS_FR[f.status].lower()})",
                                      fix=f.fix, source=f.rule_id, references=f.references))
    order = {theme: i for i, theme in enumerate(THEMES)}
    return sorted(actions, key=lambda a: (not a.blocking, order.get(a.theme, len(order)), a.document, a.source))


def run_audit(folder: str | Path, scanner: Any, options: Any, given: dict[str, object] | None = None) -> AuditReport:
    """`scanner`: a `Scanner`; `options`: `ScanOptions` (context given by the user, reference date)."""
    from dataclasses import replace

    from conformcheck.extract import extract

    root = Path(folder)
    texts: dict[str, Document] = {}
    docs: list[AuditedDocument] = []
    for path in files_of(root):
        name = path.relative_to(root).as_posix()  # the report names files within the folder it gives
        try:
            doc: Document | None = extract(str(path), max_bytes=options.max_bytes, max_pages=options.max_pages)
        except InputError as exc:
            doc = None
            report = DocumentReport(path=name, status="error", error=exc.message, error_code=exc.code)
        else:
            doc.path = name
            try:
                report = scanner.scan_document(doc, options)
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the audit; it is reported
                report = DocumentReport(path=name, status="error", error_code="erreur_interne",
                                        error=f"Erreur interne pendant l'analyse ({type(exc).__name__} : {exc}).")
            texts[name] = doc
        kind, clue = kind_of(doc, report)
        if doc is not None and clue and report.doc_type != "autre":
            # A separate annex is judged as such (« autre »: the charte's rules), not as a livret.
            report = scanner.scan_document(doc, replace(options, doc_type="autre"))
            report.doc_type_clues = [clue]
        docs.append(AuditedDocument(path=name, kind=kind, report=report, kind_clue=clue))
    context, sources, notes = _context([d.report for d in docs], given or {})
    regime = context["regime"] if isinstance(context["regime"], str) else None
    if regime and sources["regime"] == "document" and not (given or {}).get("regime"):
        # Documents read with different guesses of the regime are judged again under the one retained.
        fixed = replace(options, context={**options.context, "regime": regime},
                        context_sources={**options.context_sources, "regime": "document"})
        for d in docs:
            if d.path in texts and d.report.context.get("regime") and d.report.context["regime"].value != regime:
                d.report = scanner.scan_document(texts[d.path], fixed)
    scan_date = options.scan_date if isinstance(options.scan_date, date) else date.today()
    required = required_documents(docs, regime, context)
    known = {key: value for key, value in context.items() if value is not None}
    service = replace(options, context={**options.context, **known},
                      context_sources={**options.context_sources, **{key: sources[key] for key in known}})
    for check in required:
        if check.status == Status.manquant:
            weigh_missing_document(check, document_kind(check), scanner, service)
    cross = cross_document_checks(docs, texts, regime, required, scan_date)
    to_check = [c for c in required + cross if c.status == Status.a_verifier]
    undecided = sum(1 for d in docs for f in d.report.findings if f.status == Status.a_verifier)
    if not docs:
        notes.append(f"Aucun document (.pdf, .docx, .txt, .md) dans {root}.")
    return AuditReport(folder=str(root), regime=regime, regime_source=sources["regime"],
                       scan_date=scan_date.isoformat(), tool_version=__version__, documents=docs, required=required,
                       cross=cross, readiness=readiness(required, cross, docs),
                       actions=action_plan(required, cross, docs), to_check=to_check, undecided_rules=undecided,
                       notes=notes)

