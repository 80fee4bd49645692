"""Markdown report: for a wiki, a ticket or a merge request. Document text is escaped so that it reads as
text (no link, no HTML, no emphasis); reference addresses given by the packs become links."""

from __future__ import annotations

import re

from conformcheck.model import DOC_TYPE_LABELS_FR, SEVERITY_LABELS_FR, DocumentReport, Finding, Report, Status
from conformcheck.report.labels import (
    CONTEXT_NAMES_FR,
    PACK_NAMES_FR,
    SOURCE_NAMES_FR,
    STATUS_LABELS_FR,
    context_value_fr,
    date_fr,
    percent,
)
from conformcheck.report.summary import STATUS_ORDER, policy_note, reference_items, status_counts, summary_line

# What could start markup inside a line (lines always begin with our own prefix, so list markers are harmless).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")


def md(text: str) -> str:
    """`text` as literal Markdown text on one line: no emphasis, link, HTML, table cell or heading can start."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _finding(finding: Finding) -> list[str]:
    lines = [f"#### {md(finding.title)}", "",
             f"- **Statut** : {STATUS_LABELS_FR[finding.status]} · **gravité** : "
             f"{SEVERITY_LABELS_FR[finding.severity]} · règle `{finding.rule_id}`"]
    if finding.status != Status.conforme:
        lines.append(f"- **Constat** : {md(finding.message)}")
    if finding.reason and finding.status == Status.a_verifier:
        lines.append(f"- **Pourquoi** : {md(finding.reason)}")
    note = policy_note(finding)
    if note:
        lines.append(f"- **Accepté** : {md(note)}")
    lines.extend(f"  - {'✓' if part.found else '✗'} {md(part.label)}" for part in finding.parts)
    refs = [f"[{md(label)}]({url.replace(')', '%29').replace(' ', '%20')})" if url else md(label)
            for label, url in reference_items(finding)]
    if refs:
        lines.append("- **Référence** : " + " ; ".join(refs))
    if finding.status != Status.conforme:
        lines.append(f"- **À faire** : {md(finding.fix)}")
    for evidence in finding.evidence:
        lines.extend(["", f"> p. {evidence.page} : « {md(evidence.excerpt)} »"])
    lines.append("")
    return lines


def _document(doc: DocumentReport) -> list[str]:
    lines = [f"## {md(doc.path)}", ""]
    if doc.status == "error":
        return [*lines, f"**Fichier illisible** : {md(doc.error or '')}", ""]
    kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
    total = doc.score["document"]
    clues = ", ".join(doc.doc_type_clues[:3])
    lines += [f"- **Type** : {md(kind)} (confiance {percent(doc.doc_type_confidence)} ; indices : {md(clues)})",
              f"- **Conformité** : {percent(total.rate)} ({total.met}/{total.applicable} exigences applicables)"]
    context = " ; ".join(f"{CONTEXT_NAMES_FR.get(k, k)} = {context_value_fr(v)} "
                         f"({SOURCE_NAMES_FR.get(v.source, v.source)})" for k, v in doc.context.items())
    if context:
        lines.append(f"- **Contexte** : {md(context)}")
    lines += ["", "| Référentiel | Satisfaites | Taux |", "|---|---:|---:|"]
    lines += [f"| {md(PACK_NAMES_FR.get(name, name))} | {s.met}/{s.applicable} | {percent(s.rate)} |"
              for name, s in doc.score.items() if name != "document" and s.applicable]
    counts = status_counts(doc)
    lines += ["", "| " + " | ".join(STATUS_LABELS_FR[s] for s in STATUS_ORDER) + " |",
              "|" + "---:|" * len(STATUS_ORDER), "| " + " | ".join(str(counts[s]) for s in STATUS_ORDER) + " |", ""]
    for status in STATUS_ORDER[:-1]:
        group = [f for f in doc.findings if f.status == status]
        if group:
            lines += [f"### {STATUS_LABELS_FR[status]} ({len(group)})", ""]
            for finding in group:
                lines += _finding(finding)
    return lines


def render(report: Report) -> str:
    lines = ["# Rapport de conformité", "",
             f"conformcheck {report.tool_version} — analyse du {date_fr(report.scan_date)}", ""]
    if len(report.documents) > 1:
        lines += ["## Bilan", ""] + [f"- {md(summary_line(doc))}" for doc in report.documents] + [""]
    for doc in report.documents:
        lines += _document(doc)
    return "\n".join(lines).rstrip("\n") + "\n"
