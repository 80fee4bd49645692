"""The pre-audit report: text for the terminal, JSON, and a self-contained HTML page."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from html import escape
from typing import Any

from conformcheck.audit.model import KIND_LABELS_FR, Action, AuditReport, Check
from conformcheck.model import Status, theme_label_fr
from conformcheck.report.labels import VALUE_NAMES_FR

STATUS_FR = {Status.conforme: "conforme", Status.manquant: "manquant", Status.non_conforme: "non conforme",
             Status.a_verifier: "à vérifier", Status.non_applicable: "non exigé"}
MARK = {Status.conforme: "✓", Status.manquant: "✗", Status.non_conforme: "✗", Status.a_verifier: "?",
        Status.non_applicable: "–"}
SOURCE_FR = {"option": "option --regime", "document": "déduit des documents", "inconnu": "inconnu"}
SCORE_FORMULA_FR = ("Score de préparation = poids des contrôles satisfaits / poids des contrôles applicables "
                    "(documents obligatoires, exigences de chaque document, contrôles croisés), avec un poids de 3 "
                    "pour une obligation légale, 1 pour une recommandation et 0,5 pour une bonne pratique ; les points "
                    "« à vérifier » ne sont pas comptés.")
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
    data = asdict(report)
    for doc, raw in zip(report.documents, data["documents"], strict=True):
        raw["report"] = json.loads(_document_json(doc.report))
    data["score_formula"] = SCORE_FORMULA_FR
    return json.dumps(_plain(data), ensure_ascii=False, indent=2) + "\n"


def _document_json(report: Any) -> str:
    from conformcheck.report.json_report import to_json

    return to_json(report)


def _badge(status: Status) -> str:
    css = {"conforme": "ok", "manquant": "bad", "non_conforme": "bad", "a_verifier": "check"}.get(status.value,
                                                                                                   "absent")
    return f'<span class="badge {css}">{escape(STATUS_FR[status])}</span>'


def _checks_html(checks: list[Check]) -> str:
    rows = []
    for c in checks:
        excerpts = "".join(f"<blockquote>{escape(e.path)}{f', p. {e.page}' if e.page else ''} : « {escape(e.text)} »"
                           "</blockquote>" for e in c.excerpts[:4])
        refs = f'<br><span class="small">{escape(" ; ".join(c.references))}</span>' if c.references else ""
        rows.append(f'<tr data-check="{escape(c.id)}" data-status="{c.status.value}"><td>{escape(c.title)}</td>'
                    f"<td>{_badge(c.status)}</td><td>{escape(c.explanation)}{excerpts}{refs}</td></tr>")
    return "<table><tr><th>Contrôle</th><th>Statut</th><th>Constat</th></tr>" + "".join(rows) + "</table>"


def render_html(report: AuditReport) -> str:
    from conformcheck.consolidate.html import html_page, rate_bar

    docs = "".join(
        f'<tr><td>{escape(d.path)}</td><td>{escape(KIND_LABELS_FR[d.kind])}</td><td>'
        + (rate_bar(d.report.score["document"].rate) if d.report.status == "ok" and "document" in d.report.score
           else f'<span class="badge bad">illisible</span> {escape(d.report.error or "")}') + "</td></tr>"
        for d in report.documents)
    plan = []
    for blocking, theme, actions in grouped_actions(report.actions):
        items = "".join(f"<li><strong>{escape(a.document)}</strong> — {escape(a.title)}<br>À faire : {escape(a.fix)}"
                        f' <span class="small">({escape(a.source)})</span></li>' for a in actions)
        plan.append(f"<h3>{'Bloquant' if blocking else 'À améliorer'} — {escape(theme_label_fr(theme))}</h3>"
                    f'<ol class="actions">{items}</ol>')
    body = (f'<div class="cards"><div class="card" data-figure="readiness"><div class="value">'
            f'{escape(_score_fr(report))}</div><div class="label">Score de préparation</div></div>'
            f'<div class="card"><div class="value">{len(report.documents)}</div><div class="label">Documents</div>'
            f'</div><div class="card"><div class="value">{sum(a.blocking for a in report.actions)}</div>'
            f'<div class="label">Actions bloquantes</div></div></div>'
            f"<p>Régime : {escape(_regime_fr(report))}</p><p class=small>{escape(SCORE_FORMULA_FR)}</p>"
            f"<h2>Documents du dossier</h2><table><tr><th>Fichier</th><th>Identifié comme</th><th>Conformité</th></tr>"
            f"{docs}</table><h2>Documents obligatoires</h2>{_checks_html(report.required)}"
            f"<h2>Contrôles entre documents</h2>{_checks_html(report.cross)}"
            f"<h2>Plan d'action</h2>{''.join(plan) or '<p>Aucune action : le dossier est prêt.</p>'}"
            + "".join(f"<p class=small>Note : {escape(n)}</p>" for n in report.notes))
    return html_page("Pré-audit du dossier documentaire", f"{report.folder} — conformcheck {report.tool_version} — "
                     f"{report.scan_date}", body)
