"""The pre-audit report: text for the terminal, JSON, and a self-contained HTML page."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from typing import Any

from conformcheck.audit.checks import document_kind
from conformcheck.audit.model import KIND_LABELS_FR, Action, AuditReport, Check
from conformcheck.audit.score import SCORE_FORMULA_FR
from conformcheck.model import GAP_STATUSES, Status, theme_label_fr
from conformcheck.report.html_base import badge, bar, esc, meter, page, rate_figure
from conformcheck.report.labels import STATUS_LABELS_FR, VALUE_NAMES_FR, date_fr, percent

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
             f"Date de référence : {date_fr(report.scan_date)}", "", "DOCUMENTS DU DOSSIER"]
    for doc in report.documents:
        if doc.report.status != "ok":
            lines.append(_wrap(f"✗ {doc.path} : illisible — {doc.report.error}", "  "))
            continue
        rate = doc.report.score["document"].rate if "document" in doc.report.score else None
        clue = f" ({doc.kind_clue})" if doc.kind_clue else ""
        lines.append(_wrap(f"• {doc.path} : {KIND_LABELS_FR[doc.kind]}{clue} — conformité {percent(rate)}", "  "))
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


# The audit page's own components, on top of the shared look (report/html_base.py).
AUDIT_STYLE = """
.panel > h2{margin-bottom:.8rem}
.score-bar{margin:.5rem 0 .2rem}
.score-bar .bar{height:1rem}
.summary .tiles{grid-template-columns:repeat(3,1fr)}
.summary .facts{grid-column:1 / -1}
ul.missing{margin:.3rem 0 1rem;padding-left:1.2rem}
ul.missing li{margin:.3rem 0}
.checks{table-layout:fixed}
.checks td{vertical-align:top;overflow-wrap:anywhere}
.checks td:first-child{border-left:4px solid var(--c);padding-left:.7rem;font-weight:600}
.checks .quote{margin:.4rem 0 0;white-space:normal}
.checks .fix{margin:.45rem 0 0}
.checks .refs{margin:.35rem 0 0}
.plan h3{color:var(--c);border-color:var(--cbg)}
ol.actions{margin:0;padding-left:1.6rem}
ol.actions li{margin:.5rem 0;padding:.55rem .8rem;border:1px solid var(--line);border-left:4px solid var(--c);
border-radius:6px;background:var(--paper)}
ol.actions li::marker{font-weight:700;color:var(--c)}
ol.actions .doc{font-weight:600}
ol.actions .fix{margin:.35rem 0 0;font-size:.9rem}
.files td{vertical-align:top}
.files .file{font-weight:600;overflow-wrap:anywhere}
@media print{
.summary{break-inside:avoid}
.checks .badge{font-size:.6rem;letter-spacing:0;padding:.1rem .35rem}
ol.actions li{break-inside:avoid}
}
"""


def _badge(status: Status) -> str:
    return badge(status.value, STATUS_FR[status])


def _checks_html(checks: list[Check]) -> str:
    rows = []
    for c in checks:
        excerpts = "".join(f'<blockquote class="quote">{esc(e.path)}{f", p. {e.page}" if e.page else ""} : '
                           f"« {esc(e.text)} »</blockquote>" for e in c.excerpts[:4])
        refs = f'<div class="refs hint">{esc(" ; ".join(c.references))}</div>' if c.references else ""
        fix = (f'<div class="fix"><strong>À faire :</strong> {esc(c.fix)}</div>' if c.status in GAP_STATUSES else "")
        rows.append(f'<tr data-check="{esc(c.id)}" data-status="{c.status.value}" class="st-{c.status.value}">'
                    f"<td>{esc(c.title)}</td><td>{_badge(c.status)}</td>"
                    f"<td>{esc(c.explanation)}{excerpts}{fix}{refs}</td></tr>")
    # A <thead> is repeated on every printed page the table spans.
    return ('<table class="checks"><colgroup><col style="width:26%"><col style="width:17%"><col style="width:57%">'
            "</colgroup><thead><tr><th>Contrôle</th><th>Statut</th><th>Constat</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _summary_html(report: AuditReport) -> str:
    counts = report.readiness.counts
    blocking = sum(a.blocking for a in report.actions)
    score = report.readiness.score
    tiles = [("conforme", counts.get("conforme", 0), "Contrôles satisfaits", "st-conforme"),
             ("manquant", counts.get("manquant", 0), "Manquants", "st-manquant"),
             ("non_conforme", counts.get("non_conforme", 0), "Non conformes", "st-non_conforme"),
             ("a_verifier", counts.get("a_verifier", 0), "À vérifier", "st-a_verifier"),
             ("blocking", blocking, "Actions bloquantes", "st-non_conforme" if blocking else "st-conforme")]
    tiles_html = "".join(f'<div class="tile {css}" data-figure="{key}"><span class="n value">{value}</span>'
                         f"{esc(label)}</div>" for key, value, label, css in tiles)
    verdict = (f"Le dossier n'est pas prêt pour l'évaluation : {blocking} action(s) bloquante(s) à mener (voir le "
               "plan d'action).", "st-non_conforme") if blocking else (
               "Aucune action bloquante : le dossier peut être présenté.", "st-conforme")
    return ('<section class="panel summary"><h2>Synthèse</h2><div class="grid"><div>'
            '<div class="rate-caption">Score de préparation</div>'
            f'<div class="rate" data-figure="readiness"><span class="value">{esc(_score_fr(report))}</span></div>'
            f'<div class="score-bar">{bar(None if score is None else score / 100, _score_fr(report))}</div>'
            f'<div class="rate-caption">pondéré par la gravité des exigences</div></div><div>'
            f'<p class="verdict {verdict[1]}" style="color:var(--c);margin-top:0">{esc(verdict[0])}</p>'
            f'<div class="tiles">{tiles_html}</div></div>'
            f'<dl class="facts"><dt>Régime du service</dt><dd>{esc(_regime_fr(report))}</dd>'
            f"<dt>Documents analysés</dt><dd>{len(report.documents)}</dd>"
            f'<dt>Calcul du score</dt><dd class="hint">{esc(SCORE_FORMULA_FR)}</dd></dl></div></section>')


def _required_html(report: AuditReport) -> str:
    missing = [c for c in report.required if c.status in GAP_STATUSES]
    if missing:
        items = "".join(f"<li><strong>{esc(KIND_LABELS_FR[document_kind(c)])}</strong> — "
                        f"{esc(c.fix)}</li>" for c in missing)
        intro = f'<p>{len(missing)} document(s) obligatoire(s) manquant(s) :</p><ul class="missing">{items}</ul>'
    else:
        intro = "<p>Tous les documents obligatoires connus pour ce régime sont dans le dossier.</p>"
    ordered = sorted(report.required, key=lambda c: c.status not in GAP_STATUSES)
    return f'<section class="panel"><h2>Documents obligatoires</h2>{intro}{_checks_html(ordered)}</section>'


def _plan_html(report: AuditReport) -> str:
    if not report.actions:
        return '<section class="panel"><h2>Plan d\'action</h2><p>Aucune action : le dossier est prêt.</p></section>'
    groups, start = [], 1
    for blocking, theme, actions in grouped_actions(report.actions):
        items = "".join(f'<li data-blocking="{str(a.blocking).lower()}"><span class="doc">{esc(a.document)}</span> — '
                        f'{esc(a.title)}<div class="fix"><strong>À faire :</strong> {esc(a.fix)}</div>'
                        f'<div class="hint">{esc(a.source)}</div></li>' for a in actions)
        css = "st-non_conforme" if blocking else "st-a_verifier"
        groups.append(f'<div class="{css}"><h3>{"Bloquant" if blocking else "À améliorer"} — '
                      f'{esc(theme_label_fr(theme))}</h3><ol class="actions" start="{start}">{items}</ol></div>')
        start += len(actions)
    return (f'<section class="panel plan"><h2>Plan d\'action ({len(report.actions)} action(s))</h2>'
            '<p class="hint">Les actions bloquantes d\'abord, par thème de la démarche qualité.</p>'
            + "".join(groups) + "</section>")


def _documents_html(report: AuditReport) -> str:
    rows = []
    for d in report.documents:
        name = d.path.replace("\\", "/").rsplit("/", 1)[-1]
        if d.report.status == "ok" and "document" in d.report.score:
            score = d.report.score["document"]
            rate = meter(score.rate, rate_figure(score.met, score.applicable, score.rate))
        else:
            rate = f'{badge("non_conforme", "Illisible")} {esc(d.report.error or "")}'
        kind = KIND_LABELS_FR[d.kind]
        path = f'<div class="path">{esc(d.path)}</div>' if d.path != name else ""
        rows.append(f'<tr><td><div class="file">{esc(name)}</div>{path}</td>'
                    f"<td>{esc(kind[:1].upper() + kind[1:])}</td><td>{rate}</td></tr>")
    undecided = (f'<p class="hint">{report.undecided_rules} exigence(s) des documents dépendent d\'une information '
                 "absente (régime, mode, signature au domicile…) : voir « conformcheck scan » sur chaque document.</p>"
                 if report.undecided_rules else "")
    return ('<section class="panel"><h2>Documents analysés</h2><table class="files" style="table-layout:fixed">'
            '<colgroup><col style="width:40%"><col style="width:30%"><col style="width:30%"></colgroup>'
            "<thead><tr><th>Fichier</th><th>Identifié comme</th><th>Conformité du document</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>{undecided}</section>')


def render_html(report: AuditReport) -> str:
    """The page a service director reads: the summary and its score first, the missing documents, the
    cross-document checks, the action plan, then the documents analysed."""
    body = (_summary_html(report) + _required_html(report)
            + f'<section class="panel"><h2>Contrôles entre documents</h2>{_checks_html(report.cross)}</section>'
            + _plan_html(report) + _documents_html(report)
            + "".join(f'<p class="notice">Note : {esc(n)}</p>' for n in report.notes))
    footer = (f"Pré-audit produit par conformcheck {esc(report.tool_version)} (date de référence "
              f"{esc(date_fr(report.scan_date))}). Un contrôle automatique ne remplace pas la relecture d'un "
              "juriste : les points « à vérifier » demandent un regard humain.")
    return page("Pré-audit du dossier documentaire", "Préparation de l'évaluation d'un service",
                f"Dossier {report.folder} · date de référence {date_fr(report.scan_date)} · régime : "
                f"{_regime_fr(report)}", body, AUDIT_STYLE, footer)
