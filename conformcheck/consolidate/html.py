"""Consolidated HTML report of a network: one self-contained page (inline CSS and SVG, no script, no network),
in French, printable on A4, in the look of the single-document report (`report/html_base.py`). The key figures
come first, then the details per document type, theme, service and document. Every text that comes from a
document, a pack or a file name is escaped.

The figures carry `data-*` attributes with their raw values, so a test (or a script) can check them.
"""

from __future__ import annotations

from conformcheck import __version__
from conformcheck.consolidate.summary import DEFINITIONS_FR, KEY_DOC_TYPES, DocTypeCell, NetworkSummary
from conformcheck.consolidate.tables import cell_state_fr, doc_type_fr
from conformcheck.model import SEVERITY_LABELS_FR, Severity, theme_label_fr
from conformcheck.report.html_base import badge, bar_rows, esc, meter, page, rate_figure
from conformcheck.report.labels import STATUS_LABELS_FR, change_fr, change_points, date_fr, percent

# This report's own components, on top of the shared look.
STYLE = """
.panel > h2{margin-bottom:.8rem}
.panel > h2 + .hint{margin-top:-.6rem}
.summary .tiles{grid-template-columns:repeat(2,1fr)}
.summary .rate-caption + .bars{margin:.3rem 0 1.1rem;grid-template-columns:minmax(7rem,15rem) minmax(5rem,1fr) auto}
.summary .bar-label{overflow-wrap:anywhere}
.fixed{table-layout:fixed}
.fixed td{overflow-wrap:anywhere}
.matrix th{letter-spacing:0;font-size:.72rem}
.matrix td{vertical-align:top}
.matrix .badge{white-space:normal;overflow-wrap:normal;text-align:center}
.matrix .cell-detail{display:block;color:var(--muted);font-size:.78rem;margin-top:.15rem}
.matrix .service{font-weight:600}
.rule{color:var(--muted);font-size:.78rem}
.rule .legal{color:var(--nc);font-weight:600}
.section-title{margin:1.8rem 0 .7rem}
.svc{padding:0;overflow:hidden}
.svc > summary{cursor:pointer;padding:.8rem 1.4rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:baseline}
.svc > summary h3{display:inline;margin:0;padding:0;border:0;font-size:1.02rem}
.svc > summary .hint{flex:1 1 auto}
.svc[open] > summary{border-bottom:1px solid var(--line)}
.svc table{margin:0}
.svc th:first-child,.svc td:first-child{padding-left:1.4rem}
.svc th:last-child,.svc td:last-child{padding-right:1.4rem}
.docs td{vertical-align:top}
.docs .file{font-weight:600}
.docs tr.has-detail td{border-bottom:0;padding-bottom:.1rem}
.docs tr.detail td{padding-top:0}
ul.blocking{margin:0;padding-left:1.1rem;columns:2;column-gap:1.6rem;font-size:.84rem}
ul.blocking li{margin:0 0 .3rem;break-inside:avoid}
.trend svg{vertical-align:middle;margin-right:.4rem}
.trend td:nth-child(2){white-space:nowrap}
.up{color:var(--ok);font-weight:600}
.down{color:var(--nc);font-weight:600}
ul.defs{margin:0;padding-left:1.2rem;font-size:.88rem;color:var(--muted)}
ul.defs li{margin:.25rem 0}
@media print{
.keep{break-inside:avoid}
.matrix th{font-size:.6rem}
.matrix .badge{font-size:.56rem;letter-spacing:0;padding:.1rem .3rem}
.svc > summary{list-style:none}
.svc > summary::-webkit-details-marker{display:none}
}
"""
LINE_COLOUR = "#1f3a5f"  # --accent of the shared look: SVG attributes cannot read CSS variables in every viewer


def sparkline(points: list[tuple[str, float | None]]) -> str:
    """A small line of the successive rates (0–100 %), with the last value and its change."""
    values = [(when, rate) for when, rate in points if rate is not None]
    if not values:
        return "—"
    width, height = 120, 28
    step = width / max(len(values) - 1, 1)
    coords = [(i * step if len(values) > 1 else width / 2, height - 3 - rate * (height - 6))
              for i, (_, rate) in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{LINE_COLOUR}"><title>{esc(date_fr(when))} : '
                   f"{esc(percent(rate))}</title></circle>"
                   for (x, y), (when, rate) in zip(coords, values, strict=True))
    svg = (f'<svg role="img" aria-label="Évolution du taux de conformité" viewBox="-3 0 {width + 6} {height}" '
           f'width="{width + 6}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
           f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.6"/>{dots}</svg>')
    change = ""
    if len(values) > 1:
        points = change_points(values[-2][1], values[-1][1]) or 0.0
        css = "up" if points > 0 else "down" if points < 0 else "same"
        change = f' <span class="{css}">{esc(change_fr(points))}</span>'
    return f"{svg}<strong>{esc(percent(values[-1][1]))}</strong>{change}"


def _cell_badge(cell: DocTypeCell | None) -> str:
    """A service's document type: conforme, non conforme or absent, with the full wording on hover."""
    if cell is None or not cell.documents:
        return badge("manquant", "Absent", cell_state_fr(cell))
    if cell.conforme:
        return badge("conforme", "Conforme", cell_state_fr(cell))
    return badge("non_conforme", "Non conforme", cell_state_fr(cell))


def _summary_panel(summary: NetworkSummary) -> str:
    """The key figures, then a bar per service and per document type."""
    total, errors = summary.total, len(summary.errors)
    blocking = sum(s.blocking for s in summary.services)
    with_blocking = sum(1 for s in summary.services if s.blocking)
    if with_blocking:
        verdict, css = (f"{with_blocking} service(s) sur {len(summary.services)} ont au moins un constat bloquant "
                        f"({blocking} au total)."), "st-non_conforme"
    else:
        verdict, css = "Aucun constat bloquant dans le réseau.", "st-conforme"
    if errors:
        verdict += f" {errors} document(s) illisible(s) à renvoyer."
    caption = (f"{total.met} exigence(s) satisfaite(s) sur {total.applicable} applicable(s)" if total.applicable
               else "aucune exigence applicable")
    tiles = [("services", len(summary.services), "Services", "st-neutre"),
             ("documents", len(summary.documents), "Documents analysés", "st-neutre"),
             ("blocking", blocking, "Constats bloquants", "st-non_conforme" if blocking else "st-conforme"),
             ("errors", errors, "Documents illisibles", "st-manquant" if errors else "st-conforme")]
    tiles_html = "".join(f'<div class="tile {css}" data-figure="{key}"><span class="n value">{value}</span>'
                         f"{esc(label)}</div>" for key, value, label, css in tiles)
    by_service = sorted(summary.services, key=lambda s: (s.rate.rate is None, s.rate.rate or 0, s.service.casefold()))
    service_bars = bar_rows((s.service, s.rate.rate, rate_figure(s.rate.met, s.rate.applicable, s.rate.rate),
                             f' data-service-rate="{esc(s.service)}"') for s in by_service)
    type_bars = bar_rows((doc_type_fr(s.doc_type, capital=True), s.share,
                          f"{s.services_conformes}/{s.services_total} · {percent(s.share)}",
                          f' data-share-of="{esc(s.doc_type)}"') for s in summary.doc_types)
    return (f'<section class="panel summary keep"><h2>Vue d\'ensemble</h2><div class="grid"><div>'
            f'<div class="rate-caption">Taux de conformité du réseau</div>'
            f'<div class="rate" data-figure="total-rate"><span class="value">{esc(percent(total.rate))}</span></div>'
            f'<div class="rate-caption">{esc(caption)}</div>'
            f'<p class="verdict {css}" style="color:var(--c)">{esc(verdict)}</p><div class="tiles">{tiles_html}</div>'
            f'</div><div><div class="rate-caption">Taux de conformité par service, du plus faible au plus élevé</div>'
            f'{service_bars}<div class="rate-caption">Part des services dont le document est conforme '
            f"(sans constat bloquant)</div>{type_bars}</div></div></section>")


def _doc_type_section(summary: NetworkSummary) -> str:
    rows = "".join(f'<tr data-doc-type="{esc(s.doc_type)}" data-share="{s.share}">'
                   f"<td>{esc(doc_type_fr(s.doc_type, capital=True))}</td>"
                   f'<td class="num">{s.services_with}</td><td class="num">{s.services_conformes}</td>'
                   f"<td>{meter(s.share, percent(s.share))}</td></tr>" for s in summary.doc_types)
    return ('<section class="panel keep"><h2>Services dont les documents sont conformes</h2>'
            '<table class="fixed"><colgroup><col style="width:34%"><col style="width:20%"><col style="width:18%">'
            '<col style="width:28%"></colgroup><thead><tr><th>Document</th><th class="num">Services qui l\'ont '
            'fourni</th><th class="num">Services conformes</th><th>Part des services</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>")


def _theme_section(summary: NetworkSummary) -> str:
    rows = "".join(f'<tr data-theme="{esc(t.theme)}" data-average="{t.average}">'
                   f"<td>{esc(theme_label_fr(t.theme))}</td><td>{meter(t.average, percent(t.average))}</td>"
                   f'<td class="num">{t.services}</td>'
                   f'<td class="num">{t.total.met}/{t.total.applicable}</td></tr>' for t in summary.themes)
    return ('<section class="panel keep"><h2>Taux moyen par thème</h2><p class="hint">Moyenne des taux des services '
            "(chaque service compte une fois) ; les exigences satisfaites additionnent tous les documents.</p>"
            '<table class="fixed"><colgroup><col style="width:38%"><col style="width:32%"><col style="width:12%">'
            '<col style="width:18%"></colgroup><thead><tr><th>Thème</th><th>Taux moyen des services</th>'
            '<th class="num">Services</th><th class="num">Exigences satisfaites</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>")


def _services_section(summary: NetworkSummary) -> str:
    heads = "".join(f"<th>{esc(doc_type_fr(k, capital=True))}</th>" for k in KEY_DOC_TYPES)
    rows = []
    for s in summary.services:
        cells = []
        for kind in KEY_DOC_TYPES:
            cell = s.by_type.get(kind)
            detail = []
            if cell and cell.blocking:
                detail.append(f"{cell.blocking} bloquant(s)")
            if cell and cell.documents:
                detail.append(percent(cell.rate.rate))
            cells.append(f"<td>{_cell_badge(cell)}"
                         + (f'<span class="cell-detail">{esc(" · ".join(detail))}</span>' if detail else "") + "</td>")
        unread = f'<span class="cell-detail">dont {s.errors} illisible(s)</span>' if s.errors else ""
        rows.append(f'<tr data-service="{esc(s.service)}" data-rate="{s.rate.rate}" data-blocking="{s.blocking}">'
                    f'<td class="service">{esc(s.service)}</td><td class="num">{s.documents}{unread}</td>'
                    f"<td>{meter(s.rate.rate, percent(s.rate.rate))}</td>"
                    f'<td class="num">{s.blocking}</td>{"".join(cells)}</tr>')
    return ('<section class="panel"><h2>Services</h2><p class="hint">Par type de document : conforme quand aucun '
            "document de ce type n'a de constat bloquant ; le détail est au survol de chaque état.</p>"
            '<table class="fixed matrix"><colgroup><col style="width:17%"><col style="width:11%">'
            '<col style="width:13%"><col style="width:11%">' + '<col style="width:12%">' * len(KEY_DOC_TYPES)
            + '</colgroup><thead><tr><th>Service</th><th class="num">Documents</th><th>Taux</th>'
            f'<th class="num">Constats bloquants</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            "</section>")


def _gaps_section(summary: NetworkSummary) -> str:
    title = "<h2>Les dix écarts les plus fréquents</h2>"
    if not summary.top_gaps:
        return (f'<section class="panel">{title}<p>Aucun écart : toutes les exigences applicables sont '
                "satisfaites.</p></section>")
    count = len(summary.services)
    rows = []
    for rank, g in enumerate(summary.top_gaps, start=1):
        severity = esc(SEVERITY_LABELS_FR[g.severity])
        severity = f'<span class="legal">{severity}</span>' if g.severity == Severity.error else severity
        share = g.services / count if count else None
        rows.append(f'<tr data-rule="{esc(g.rule_id)}" data-services="{g.services}" data-documents="{g.documents}">'
                    f'<td class="num">{rank}</td><td>{esc(g.title)}<div class="rule"><code>{esc(g.rule_id)}</code>'
                    f" · {severity}</div></td><td>{esc(theme_label_fr(g.theme))}</td>"
                    f"<td>{meter(share, f'{g.services}/{count}', 'load')}</td>"
                    f'<td class="num">{g.documents}</td></tr>')
    return (f'<section class="panel">{title}<p class="hint">Exigences manquantes ou non conformes, classées par '
            "nombre de services concernés.</p>"
            '<table class="fixed"><colgroup><col style="width:7%"><col style="width:45%"><col style="width:20%">'
            '<col style="width:16%"><col style="width:12%"></colgroup><thead><tr><th class="num">Rang</th>'
            '<th>Exigence</th><th>Thème</th><th>Services</th><th class="num">Documents</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _file_cell(path: str) -> str:
    """The file name in bold, its folder under it (wrapped anywhere: paths have no spaces)."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    where = f'<div class="path" title="{esc(path)}">{esc(folder)}/</div>' if folder else ""
    return f'<div class="file">{esc(name)}</div>{where}'


def _documents_section(summary: NetworkSummary) -> str:
    """Per service, its documents; a document's blocking findings take a full-width row under it."""
    out = ['<h2 class="section-title">Documents et constats bloquants</h2>']
    for s in summary.services:
        docs = [d for d in summary.documents if d.service == s.service]
        out.append(f'<details open class="panel svc"><summary><h3>{esc(s.service)}</h3><span class="hint">'
                   f"{len(docs)} document(s) · {s.blocking} constat(s) bloquant(s)</span>"
                   f'{badge("conforme" if not s.blocking else "non_conforme", percent(s.rate.rate))}</summary>'
                   '<table class="fixed docs"><colgroup><col style="width:42%"><col style="width:20%">'
                   '<col style="width:22%"><col style="width:16%"></colgroup><thead><tr><th>Fichier</th>'
                   '<th>Type</th><th>Taux</th><th class="num">Constats bloquants</th></tr></thead><tbody>')
        for d in docs:
            if d.status != "ok":
                out.append(f'<tr data-path="{esc(d.path)}"><td>{_file_cell(d.path)}</td><td colspan="3">'
                           f'{badge("non_conforme", "Illisible")} {esc(d.error or "")}</td></tr>')
                continue
            findings = "".join(f'<li>{esc(f.title)} <span class="rule">(<code>{esc(f.rule_id)}</code>, '
                               f"{esc(STATUS_LABELS_FR[f.status].lower())})</span></li>" for f in d.blocking)
            detail_class = ' class="has-detail"' if findings else ""
            out.append(f'<tr data-path="{esc(d.path)}" data-rate="{d.rate.rate}"{detail_class}>'
                       f"<td>{_file_cell(d.path)}</td>"
                       f"<td>{esc(doc_type_fr(d.doc_type, capital=True))}</td>"
                       f"<td>{meter(d.rate.rate, percent(d.rate.rate))}</td>"
                       f'<td class="num{"" if findings else " zero"}">{len(d.blocking)}</td></tr>')
            if findings:
                out.append(f'<tr class="detail"><td colspan="4"><ul class="blocking">{findings}</ul></td></tr>')
        out.append("</tbody></table></details>")
    return "".join(out)


def _errors_section(summary: NetworkSummary) -> str:
    if not summary.errors:
        return ""
    rows = "".join(f"<tr><td>{esc(d.service)}</td><td>{_file_cell(d.path)}</td><td><code>{esc(d.error_code or '')}"
                   f"</code></td><td>{esc(d.error or '')}</td></tr>" for d in summary.errors)
    return ('<section class="panel keep"><h2>Documents illisibles</h2><table class="fixed docs"><colgroup>'
            '<col style="width:20%"><col style="width:38%"><col style="width:12%"><col style="width:30%"></colgroup>'
            "<thead><tr><th>Service</th><th>Fichier</th><th>Code</th><th>Message</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def _trend_section(summary: NetworkSummary) -> str:
    if not summary.trend:
        return ""
    rows = []
    for service, points in sorted(summary.trend.items()):
        history = " → ".join(f"{esc(date_fr(when))} : {esc(percent(rate))}" for when, rate in points)
        rows.append(f'<tr data-trend="{esc(service)}"><td>{esc(service)}</td><td>{sparkline(points)}</td>'
                    f'<td class="hint">{history}</td></tr>')
    return ('<section class="panel trend keep"><h2>Évolution dans le temps</h2><table class="fixed"><colgroup>'
            '<col style="width:26%"><col style="width:38%"><col style="width:36%"></colgroup><thead><tr>'
            "<th>Service</th><th>Tendance</th><th>Analyses successives</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def render_html(summary: NetworkSummary, generated: str) -> str:
    """`generated`: the date of the synthesis (ISO), shown in the heading."""
    defs = "".join(f"<li>{esc(text)}</li>" for text in DEFINITIONS_FR)
    body = (_summary_panel(summary) + _doc_type_section(summary) + _theme_section(summary)
            + _services_section(summary) + _trend_section(summary) + _gaps_section(summary)
            + _documents_section(summary) + _errors_section(summary)
            + f'<section class="panel keep"><h2>Définitions</h2><ul class="defs">{defs}</ul></section>')
    footer = (f"Synthèse produite par conformcheck {esc(__version__)} le {esc(date_fr(generated))}. Un contrôle "
              "automatique ne remplace pas la relecture d'un juriste.")
    return page("Synthèse de conformité du réseau", "Contrôle des documents remis aux personnes accompagnées",
                f"Synthèse du {date_fr(generated)} · {len(summary.services)} service(s) · "
                f"{len(summary.documents)} document(s)", body, STYLE, footer)
