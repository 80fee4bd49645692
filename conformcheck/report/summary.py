"""Figures every renderer shows the same way: counts per status and severity, the one-line summary of a
document, and references with their address."""

from __future__ import annotations

from conformcheck.model import DOC_TYPE_LABELS_FR, DocumentReport, Finding, Severity, Status
from conformcheck.report.labels import date_fr, percent

# Statuses in the order a reader wants them: what must be fixed first.
STATUS_ORDER = (Status.non_conforme, Status.manquant, Status.a_verifier, Status.conforme, Status.non_applicable)
GAPS = (Status.non_conforme, Status.manquant)
_PLURALS_FR = {Status.non_conforme: ("non conforme", "non conformes"), Status.manquant: ("manquant", "manquants"),
               Status.a_verifier: ("à vérifier", "à vérifier"), Status.conforme: ("conforme", "conformes")}


def status_counts(doc: DocumentReport) -> dict[Status, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for finding in doc.findings:
        counts[finding.status] += 1
    return counts


def severity_counts(doc: DocumentReport) -> dict[tuple[Status, Severity], int]:
    """Findings per (status, severity), every pair present."""
    counts = {(status, severity): 0 for status in STATUS_ORDER for severity in Severity}
    for finding in doc.findings:
        counts[finding.status, finding.severity] += 1
    return counts


def summary_line(doc: DocumentReport) -> str:
    """One line per document: type, rate and what remains to do."""
    if doc.status == "error":
        return f"{doc.path} : illisible — {doc.error}"
    kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
    score = doc.score.get("document")
    if score is None or not score.applicable:
        rate = "aucune exigence applicable"
    else:
        rate = f"conformité {percent(score.rate)} ({score.met}/{score.applicable})"
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for finding in doc.findings:
        if not is_accepted(finding):
            counts[finding.status] += 1
    bits = [f"{counts[s]} {_PLURALS_FR[s][counts[s] > 1]}" for s in (*GAPS, Status.a_verifier) if counts[s]]
    waived = sum(1 for f in doc.findings if f.waiver)
    known = sum(1 for f in doc.findings if f.baseline)
    accepted = ([f"{waived} sous dérogation"] if waived else []) + ([f"{known} déjà connu(s)"] if known else [])
    return (f"{doc.path} : {kind}, {rate}" + (" — " + ", ".join(bits) if bits else " — rien à corriger")
            + (f" ({', '.join(accepted)})" if accepted else ""))


def is_accepted(finding: Finding) -> bool:
    """A gap the service accepted (waiver) or already knew (baseline): reported apart, not to fix now."""
    return finding.waiver is not None or bool(finding.baseline)


def policy_note(finding: Finding) -> str | None:
    """Why a gap is accepted, in French, for every renderer."""
    if finding.waiver:
        waiver = finding.waiver
        return (f"Dérogation : {waiver.reason} — décidée par {waiver.decided_by}, jusqu'au "
                f"{date_fr(waiver.expires)} ({waiver.file}).")
    if finding.baseline:
        return "Écart déjà connu : présent dans la référence acceptée (--baseline)."
    return None


def reference_items(finding: Finding) -> list[tuple[str, str | None]]:
    """Each reference label with its web address when the pack gives one (http or https only)."""
    links = finding.reference_links or {}
    items = []
    for label in finding.references:
        url = links.get(label)
        items.append((label, url if url and url.startswith(("https://", "http://")) else None))
    return items
