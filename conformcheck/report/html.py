"""Self-contained HTML report (no network, no script): one page a quality manager can open and share.

Every text that comes from a document or a pack is escaped.
"""

from __future__ import annotations

from html import escape

from conformcheck.model import DOC_TYPE_LABELS_FR, SEVERITY_LABELS_FR, DocumentReport, Finding, Report, Status
from conformcheck.report.labels import CONTEXT_NAMES_FR, SOURCE_NAMES_FR, context_value_fr, percent

SECTIONS = [(Status.non_conforme, "Non conforme", "bad"), (Status.manquant, "Manquant", "bad"),
            (Status.a_verifier, "À vérifier", "check"), (Status.conforme, "Conforme", "ok")]
STYLE = " ".join("""
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2330;line-height:1.45;padding:0 1rem}
h1{font-size:1.5rem} h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:2px solid #ccd}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem} .meta{color:#556} .score{font-size:1.1rem;font-weight:600}
details{border:1px solid #dde;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem;background:#fff}
summary{cursor:pointer;font-weight:600} .bad summary{color:#a01818} .check summary{color:#8a5a00}
.ok summary{color:#1d6b2f} .sev{font-weight:400;color:#556;font-size:.9rem} .error{color:#a01818;font-weight:600}
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:4px solid #99a;background:#f4f5f8}
table{border-collapse:collapse} td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left}
""".split())


def _finding(finding: Finding, css: str) -> str:
    parts = [f'<details class="{css}"><summary>{escape(finding.title)} '
             f'<span class="sev">— {escape(SEVERITY_LABELS_FR[finding.severity])} · '
             f"{escape(finding.rule_id)}</span></summary>"]
    if finding.waiver:
        parts.append(f"<p><strong>Dérogation</strong> (hors taux de conformité) : {escape(finding.waiver.reason)} — "
                     f"décidée par {escape(finding.waiver.decided_by)}, jusqu'au {escape(finding.waiver.expires)}</p>")
    if finding.baseline:
        parts.append("<p><strong>Écart déjà connu</strong> (présent dans la référence).</p>")
    if finding.status != Status.conforme:
        parts.append(f"<p><strong>Constat :</strong> {escape(finding.message)}</p>")
    if finding.reason and finding.status == Status.a_verifier:
        parts.append(f"<p><strong>Pourquoi :</strong> {escape(finding.reason)}</p>")
    if finding.parts:
        items = "".join(f"<li>{'✓' if part.found else '✗'} {escape(part.label)}</li>" for part in finding.parts)
        parts.append(f"<ul>{items}</ul>")
    for evidence in finding.evidence:
        parts.append(f"<blockquote>p. {evidence.page} : « {escape(evidence.excerpt)} »</blockquote>")
    if finding.references:
        parts.append(f"<p><strong>Référence :</strong> {escape(' ; '.join(finding.references))}</p>")
    if finding.status != Status.conforme:
        parts.append(f"<p><strong>À faire :</strong> {escape(finding.fix)}</p>")
    parts.append("</details>")
    return "".join(parts)


def _document(doc: DocumentReport) -> str:
    out = [f"<h2>{escape(doc.path)}</h2>"]
    if doc.status == "error":
        out.append(f'<p class="error">Fichier illisible : {escape(doc.error or "")}</p>')
        return "".join(out)
    kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
    out.append(f'<p class="meta">{escape(kind)} (confiance {doc.doc_type_confidence or 0:.0%}) — '
               f"{escape(doc.format or '')}, {doc.pages} page(s)</p>")
    total = doc.score["document"]
    out.append(f'<p class="score">Conformité : {total.met}/{total.applicable} exigences applicables satisfaites '
               f"({escape(percent(total.rate))})</p>")
    rows = "".join(f"<tr><td>{escape(name)}</td><td>{s.met}/{s.applicable}</td><td>{escape(percent(s.rate))}</td></tr>"
                   for name, s in doc.score.items() if name != "document" and s.applicable)
    if rows:
        out.append(f"<table><tr><th>Pack</th><th>Satisfaites</th><th>Taux</th></tr>{rows}</table>")
    context = "".join(f"<li>{escape(CONTEXT_NAMES_FR.get(key, key))} : {escape(context_value_fr(value))} "
                      f"({escape(SOURCE_NAMES_FR.get(value.source, value.source))})</li>"
                      for key, value in doc.context.items())
    out.append(f"<details><summary>Contexte retenu</summary><ul>{context}</ul></details>")
    for status, title, css in SECTIONS:
        group = [f for f in doc.findings if f.status == status]
        if group:
            out.append(f"<h3>{escape(title)} ({len(group)})</h3>")
            out.extend(_finding(f, css) for f in group)
    skipped = sum(1 for f in doc.findings if f.status == Status.non_applicable)
    out.append(f'<p class="meta">Non applicables à ce document : {skipped} exigence(s).</p>')
    return "".join(out)


def render(report: Report) -> str:
    body = "".join(f'<p class="meta"><strong>Attention :</strong> {escape(notice)}</p>'
                   for notice in report.notices or []) + "".join(_document(doc) for doc in report.documents)
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Rapport de conformité</title>'
            f"<style>{STYLE}</style></head><body><h1>Rapport de conformité</h1>"
            f'<p class="meta">conformcheck {escape(report.tool_version)} — analyse du '
            f"{escape(report.scan_date)}</p>{body}</body></html>\n")
