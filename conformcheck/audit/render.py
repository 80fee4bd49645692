"""The pre-audit report: text for the terminal, JSON, and a self-contained HTML page."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from html import escape
from typing import Any

from conformcheck.audit.checks import document_kind
from conformcheck.audit.model import KIND_LABELS_FR, Action, AuditReport, Check
from conformcheck.audit.score import SCORE_FORMULA_FR
from conformcheck.model import GAP_STATUSES, Status, theme_label_fr
from conformcheck.report.labels import STATUS_LABELS_FR, VALUE_NAMES_FR

# A mandatory document the regime does not require is « non exigé » rather than « non applicable ».
STATUS_FR = {**{s: label.lower() for s, label in STATUS_LABELS_FR.items()}, Status.non_applicable: "non exigé"}
MARK = {Status.conforme: "✓", Status.manquant: "✗", Status.non_conforme: "✗", Status.a_verifier: "?",
        Status.non_applicable: "–"}
SOURCE_FR = {"option": "option --regime", "document": "déduit des documents", "inconnu": "inconnu"}
WIDTH = 100


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _regime_fr(report: AuditReport) -> str:
    if report.regime is None:
        return "inconnu (précisez --regime)"
    return f"{VALUE_NAMES_FR.get(report.regime, report.regime)} ({SOURCE_FR.get(report.regime_source, '')})"


def _score_fr(report: AuditReport) -> str:
    score = report.readiness.score
    return "—" if score is None else f"{score:.0f} %"


def grouped_actions(actions: list[Action]) -> list[tuple[bool, str, list[Action]]]:
    """(blocking, theme, actions) in the plan's order."""
    groups: list[tuple[bool, str, list[Action]]] = []
    for action in actions:
        if not groups or groups[-1][0] != action.blocking or groups[-1][1] != action.theme:
            groups.append((action.blocking, action.theme, []))
        groups[-1][2].append(action)
    return groups


def _check_lines(check: Check) -> list[str]:
    lines = [_wrap(f"{MARK[check.status]} {check.title} — {STATUS_FR[check.status]}", "  "),
             _wrap(check.explanation, "      ")]
    for excerpt in check.excerpts[:4]:
        page = f", p. {excerpt.page}" if excerpt.page else ""
        lines.append(_wrap(f"{excerpt.path}{page} : « {excerpt.text} »", "      "))
    if check.references and check.status != Status.non_applicable:
        lines.append(_wrap("Référence : " + " ; ".join(check.references), "      "))
    return lines


def render_text(report: AuditReport) -> str:
    lines = [f"══ Pré-audit du dossier {report.folder} ══", f"Régime : {_regime_fr(report)}",
             f"Date de référence : {report.scan_date}", "", "DOCUMENTS DU DOSSIER"]
    for doc in report.documents:
        if doc.report.status != "ok":
            lines.append(_wrap(f"✗ {doc.path} : illisible — {doc.report.error}", "  "))
            continue
        rate = doc.report.score["document"].rate if "document" in doc.report.score else None
        rate_fr = "—" if rate is None else f"{rate * 100:.0f} %"
        clue = f" ({doc.kind_clue})" if doc.kind_clue else ""
        lines.append(_wrap(f"• {doc.path} : {KIND_LABELS_FR[doc.kind]}{clue} — conformité {rate_fr}", "  "))
    lines += ["", "DOCUMENTS OBLIGATOIRES"]
    for check in report.required:
        lines.extend(_check_lines(check))
    lines += ["", "CONTRÔLES ENTRE DOCUMENTS"]
    for check in report.cross:
        lines.extend(_check_lines(check))
    counts = report.readiness.counts
    lines += ["", f"SCORE DE PRÉPARATION : {_score_fr(report)}",
              _wrap(f"{counts.get('conforme', 0)} contrôle(s) satisfait(s), {counts.get('manquant', 0)} "
                    f"manquant(s), {counts.get('non_conforme', 0)} non conforme(s), "
                    f"{counts.get('a_verifier', 0)} à vérifier.", "  "),
              _wrap(SCORE_FORMULA_FR, "  "), "", f"PLAN D'ACTION ({len(report.actions)} action(s))"]
    number = 0
    for blocking, theme, actions in grouped_actions(report.actions):
        lines.append(f"  {'BLOQUANT' if blocking else 'À AMÉLIORER'} — {theme_label_fr(theme)}")
        for action in actions:
            number += 1
            lines.append(_wrap(f"{number}. [{action.document}] {action.title}", "    "))
            lines.append(_wrap(f"À faire : {action.fix}", "       "))
    if report.to_check or report.undecided_rules:
        lines += ["", "À VÉRIFIER"]
        lines += [_wrap(f"? {c.title} : {c.explanation}", "  ") for c in report.to_check]
        if report.undecided_rules:
            lines.append(_wrap(f"{report.undecided_rules} exigence(s) des documents dépendent d'une information "
                               "absente (régime, mode, signature au domicile…) : voir « conformcheck scan » sur "
                               "chaque document.", "  "))
    lines += [_wrap(f"Note : {note}", "") for note in report.notes]
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float, str)) else value


def render_json(report: AuditReport) -> str:
    """The audit as JSON; each document's full report is in the form of `scan --format json`."""
    from conformcheck.report.json_report import to_json

    data = asdict(report)
    for doc, raw in zip(report.documents, data["documents"], strict=True):
        raw["report"] = json.loads(to_json(doc.report))
    data["score_formula"] = SCORE_FORMULA_FR
    return json.dumps(_plain(data), ensure_ascii=False, indent=2) + "\n"


# The audit page on top of the network pages' look: status colours kept on paper, no row cut across pages.
AUDIT_STYLE = " ".join("""
.verdict{font-size:1.05rem;font-weight:600;margin:.4rem 0} .verdict.bad{background:none;color:#a01818}
.verdict.ok{background:none;color:#1d6b2f}
.card{flex:1 1 7rem} .card.score{flex:2 1 13rem;border-width:2px} .card.score .value{font-size:2.4rem}
ul.missing{margin:.3rem 0 .8rem;padding-left:1.2rem} ul.missing li{margin:.25rem 0}
tr.gap td:first-child{border-left:4px solid #c0392b} tr.tocheck td:first-child{border-left:4px solid #d69e2e}
blockquote{margin:.3rem 0;padding:.2rem .6rem;border-left:3px solid #ccd;background:#f7f8fb;font-size:.85rem}
ol.actions{counter-reset:none} .todo{color:#334}
@media print{body{font-size:10pt} table{break-inside:auto} tr,li,blockquote{break-inside:avoid}
.cards{gap:.4rem} .card{flex:1 1 4.5rem;padding:.35rem .5rem;background:none} .card .value{font-size:1.2rem}
.card.score{flex:2 1 9rem} .card.score .value{font-size:1.8rem}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact} h3{break-after:avoid}}
""".split())


def _badge(status: Status) -> str:
    css = {"conforme": "ok", "manquant": "bad", "non_conforme": "bad", "a_verifier": "check"}.get(status.value,
                                                                                                   "absent")
    return f'<span class="badge {css}">{escape(STATUS_FR[status])}</span>'


def _row_class(status: Status) -> str:
    return ' class="gap"' if status in GAP_STATUSES else ' class="tocheck"' if status == Status.a_verifier else ""


def _checks_html(checks: list[Check]) -> str:
    rows = []
    for c in checks:
        excerpts = "".join(f"<blockquote>{escape(e.path)}{f', p. {e.page}' if e.page else ''} : « {escape(e.text)} »"
                           "</blockquote>" for e in c.excerpts[:4])
        refs = f'<br><span class="small">{escape(" ; ".join(c.references))}</span>' if c.references else ""
        fix = (f'<br><span class="todo"><strong>À faire :</strong> {escape(c.fix)}</span>'
               if c.status in GAP_STATUSES else "")
        rows.append(f'<tr data-check="{escape(c.id)}" data-status="{c.status.value}"{_row_class(c.status)}>'
                    f"<td>{escape(c.title)}</td><td>{_badge(c.status)}</td>"
                    f"<td>{escape(c.explanation)}{excerpts}{fix}{refs}</td></tr>")
    # A <thead> is repeated on every printed page the table spans.
    return ("<table><thead><tr><th>Contrôle</th><th>Statut</th><th>Constat</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _summary_html(report: AuditReport) -> str:
    counts = report.readiness.counts
    blocking = sum(a.blocking for a in report.actions)
    cards = [("readiness", _score_fr(report), "Score de préparation"),
             ("conforme", counts.get("conforme", 0), "Contrôles satisfaits"),
             ("manquant", counts.get("manquant", 0), "Manquants"),
             ("non_conforme", counts.get("non_conforme", 0), "Non conformes"),
             ("a_verifier", counts.get("a_verifier", 0), "À vérifier"),
             ("blocking", blocking, "Actions bloquantes")]
    html = '<div class="cards">' + "".join(
        f'<div class="card{" score" if key == "readiness" else ""}" data-figure="{key}"><div class="value">'
        f'{escape(str(value))}</div><div class="label">{escape(label)}</div></div>' for key, value, label in cards)
    verdict = (f'<p class="verdict bad">Le dossier n\'est pas prêt pour l\'évaluation : {blocking} action(s) '
               "bloquante(s) à mener (voir le plan d'action).</p>" if blocking else
               '<p class="verdict ok">Aucune action bloquante : le dossier peut être présenté.</p>')
    return (f"<h2>Synthèse</h2>{html}</div>{verdict}<p>Régime du service : {escape(_regime_fr(report))} — "
            f"{len(report.documents)} document(s) analysé(s).</p><p class=small>{escape(SCORE_FORMULA_FR)}</p>")


def _required_html(report: AuditReport) -> str:
    missing = [c for c in report.required if c.status in GAP_STATUSES]
    if missing:
        items = "".join(f"<li><strong>{escape(KIND_LABELS_FR[document_kind(c)])}</strong> — "
                        f"{escape(c.fix)}</li>" for c in missing)
        intro = f'<p>{len(missing)} document(s) obligatoire(s) manquant(s) :</p><ul class="missing">{items}</ul>'
    else:
        intro = "<p>Tous les documents obligatoires connus pour ce régime sont dans le dossier.</p>"
    ordered = sorted(report.required, key=lambda c: c.status not in GAP_STATUSES)
    return f"<h2>Documents obligatoires</h2>{intro}{_checks_html(ordered)}"


def _plan_html(report: AuditReport) -> str:
    if not report.actions:
        return "<h2>Plan d'action</h2><p>Aucune action : le dossier est prêt.</p>"
    groups, start = [], 1
    for blocking, theme, actions in grouped_actions(report.actions):
        items = "".join(f'<li data-blocking="{str(a.blocking).lower()}"><strong>{escape(a.document)}</strong> — '
                        f"{escape(a.title)}<br>À faire : {escape(a.fix)}"
                        f' <span class="small">({escape(a.source)})</span></li>' for a in actions)
        groups.append(f"<h3>{'Bloquant' if blocking else 'À améliorer'} — {escape(theme_label_fr(theme))}</h3>"
                      f'<ol class="actions" start="{start}">{items}</ol>')
        start += len(actions)
    return f"<h2>Plan d'action ({len(report.actions)} action(s))</h2>" + "".join(groups)


def _documents_html(report: AuditReport) -> str:
    from conformcheck.consolidate.html import rate_bar

    rows = "".join(
        f'<tr><td>{escape(d.path)}</td><td>{escape(KIND_LABELS_FR[d.kind])}</td><td>'
        + (rate_bar(d.report.score["document"].rate) if d.report.status == "ok" and "document" in d.report.score
           else f'<span class="badge bad">illisible</span> {escape(d.report.error or "")}') + "</td></tr>"
        for d in report.documents)
    undecided = (f"<p class=small>{report.undecided_rules} exigence(s) des documents dépendent d'une information "
                 "absente (régime, mode, signature au domicile…) : voir « conformcheck scan » sur chaque document.</p>"
                 if report.undecided_rules else "")
    return ("<h2>Documents analysés</h2><table><tr><th>Fichier</th><th>Identifié comme</th>"
            f"<th>Conformité du document</th></tr>{rows}</table>{undecided}")


def render_html(report: AuditReport) -> str:
    """The page a service director reads: the summary and its score first, the missing documents, the
    cross-document checks, the action plan, then the documents analysed."""
    from conformcheck.consolidate.html import html_page

    body = (_summary_html(report) + _required_html(report)
            + f"<h2>Contrôles entre documents</h2>{_checks_html(report.cross)}" + _plan_html(report)
            + _documents_html(report) + "".join(f"<p class=small>Note : {escape(n)}</p>" for n in report.notes))
    return html_page("Pré-audit du dossier documentaire", f"{report.folder} — conformcheck {report.tool_version} — "
                     f"date de référence {report.scan_date}", body, extra_style=AUDIT_STYLE)
