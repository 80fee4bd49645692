"""Consolidated HTML report of a network: one self-contained page (inline CSS and SVG, no script, no network),
in French, printable on A4. Every text that comes from a document, a pack or a file name is escaped.

The figures carry `data-*` attributes with their raw values, so a test (or a script) can check them.
"""

from __future__ import annotations

from html import escape

from conformcheck import __version__
from conformcheck.consolidate.summary import DEFINITIONS_FR, KEY_DOC_TYPES, NetworkSummary
from conformcheck.consolidate.tables import cell_state_fr, doc_type_fr
from conformcheck.model import SEVERITY_LABELS_FR, theme_label_fr
from conformcheck.report.labels import percent

# Look of the network pages (synthèse and audit); to be unified with the single-document report's.
STYLE = " ".join("""
@page{size:A4;margin:14mm}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:70rem;color:#1d2330;
line-height:1.45;padding:1.5rem 1rem;background:#fff}
h1{font-size:1.55rem;margin:.2rem 0} h2{font-size:1.2rem;margin:2.2rem 0 .6rem;border-bottom:2px solid #ccd;
padding-bottom:.2rem} h3{font-size:1rem;margin:1.2rem 0 .4rem}
.meta{color:#556;font-size:.92rem} .small{font-size:.85rem;color:#556}
.cards{display:flex;flex-wrap:wrap;gap:.7rem;margin:1rem 0}
.card{flex:1 1 10rem;border:1px solid #dde;border-radius:8px;padding:.6rem .8rem;background:#f7f8fb}
.card .value{font-size:1.6rem;font-weight:700} .card .label{font-size:.85rem;color:#445}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0}
th,td{padding:.3rem .5rem;border-bottom:1px solid #e4e6ee;text-align:left;vertical-align:top}
th{background:#eef0f6;font-weight:600} td.num,th.num{text-align:right;white-space:nowrap}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.8rem;white-space:nowrap}
.ok{background:#dff3e4;color:#1d6b2f} .bad{background:#fbe1e1;color:#a01818} .absent{background:#eceef3;color:#445}
.check{background:#fff1d6;color:#8a5a00}
.bar{display:inline-block;height:.55rem;background:#3d63c9;border-radius:3px;vertical-align:middle}
.barbox{display:inline-block;width:5rem;height:.55rem;background:#e4e6ee;border-radius:3px;margin-right:.4rem;
vertical-align:middle}
svg{max-width:100%;height:auto} svg text{font-family:inherit}
details{border:1px solid #dde;border-radius:6px;margin:.35rem 0;padding:.35rem .7rem}
summary{cursor:pointer;font-weight:600}
ul.defs{font-size:.88rem;color:#334} ol.actions li{margin:.3rem 0}
.up{color:#1d6b2f} .down{color:#a01818}
@media print{body{max-width:none;padding:0} h2{break-after:avoid} table,details,.card,svg{break-inside:avoid}
details{border:none;padding:0} details>summary{list-style:none}}
""".split())
BAR_COLOURS = ("#3d63c9", "#2f8f5b", "#b7791f", "#8a4fbf", "#c0392b", "#1f8a99", "#667")


def html_page(title: str, subtitle: str, body: str, extra_style: str = "") -> str:
    """A complete page around `body` (already escaped HTML); `extra_style`: CSS of this page only."""
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{STYLE}{extra_style}</style></head><body><header><h1>{escape(title)}</h1>"
            f'<p class="meta">{escape(subtitle)}</p></header>{body}</body></html>\n')


def rate_bar(rate: float | None) -> str:
    """The rate as text with a small bar (the bar alone would not print in every browser)."""
    if rate is None:
        return "—"
    return (f'<span class="barbox"><span class="bar" style="width:{rate * 100:.0f}%"></span></span>'
            f"{escape(percent(rate))}")


def bar_chart(items: list[tuple[str, float | None, str]], label: str) -> str:
    """Horizontal bars, 0–100 %: (label, rate, detail) per bar; `label` names the chart for screen readers."""
    row_height, left, width = 30, 390, 330
    height = row_height * len(items) + 10
    parts = [f'<svg role="img" aria-label="{escape(label)}" viewBox="0 0 {left + width + 60} {height}" '
             f'width="{left + width + 60}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, rate, detail) in enumerate(items):
        y = 5 + i * row_height
        colour = BAR_COLOURS[i % len(BAR_COLOURS)]
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="13">{escape(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="18" fill="#e4e6ee" rx="3"/>')
        if rate is not None:
            parts.append(f'<rect x="{left}" y="{y + 4}" width="{rate * width:.1f}" height="18" fill="{colour}" '
                         f'rx="3"><title>{escape(detail)}</title></rect>')
        parts.append(f'<text x="{left + width + 6}" y="{y + 17}" font-size="13" font-weight="600">'
                     f"{escape(percent(rate))}</text>")
    parts.append("</svg>")
    return "".join(parts)


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
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#3d63c9"><title>{escape(when)} : '
                   f"{escape(percent(rate))}</title></circle>"
                   for (x, y), (when, rate) in zip(coords, values, strict=True))
    svg = (f'<svg role="img" aria-label="Évolution du taux de conformité" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
           f'<polyline points="{path}" fill="none" stroke="#3d63c9" stroke-width="1.6"/>{dots}</svg>')
    change = ""
    if len(values) > 1:
        delta = values[-1][1] - values[-2][1]
        if abs(delta) >= 0.0005:
            css, arrow = ("up", "↑") if delta > 0 else ("down", "↓")
            change = f' <span class="{css}">{arrow} {abs(delta) * 100:.0f} pts</span>'
        else:
            change = " <span>= stable</span>"
    return f"{svg} {escape(percent(values[-1][1]))}{change}"


def _state_badge(state: str) -> str:
    css = "ok" if state == "conforme" else "absent" if state == "absent" else "bad"
    return f'<span class="badge {css}">{escape(state)}</span>'


def _cards(summary: NetworkSummary) -> str:
    cards = [("Services", str(len(summary.services)), "services"),
             ("Documents analysés", str(len(summary.documents)), "documents"),
             ("Documents illisibles", str(len(summary.errors)), "errors"),
             ("Taux de conformité du réseau", percent(summary.total.rate), "total-rate")]
    return '<div class="cards">' + "".join(
        f'<div class="card" data-figure="{key}"><div class="value">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>' for label, value, key in cards) + "</div>"


def _doc_type_section(summary: NetworkSummary) -> str:
    items = [(doc_type_fr(s.doc_type, capital=True), s.share,
              f"{s.services_conformes} services conformes sur {s.services_total}") for s in summary.doc_types]
    rows = "".join(f'<tr data-doc-type="{escape(s.doc_type)}" data-share="{s.share}">'
                   f"<td>{escape(doc_type_fr(s.doc_type, capital=True))}</td>"
                   f'<td class="num">{s.services_with}</td><td class="num">{s.services_conformes}</td>'
                   f'<td class="num">{escape(percent(s.share))}</td></tr>' for s in summary.doc_types)
    return ("<h2>Services dont les documents sont conformes</h2>"
            + bar_chart(items, "Part des services dont chaque document est conforme")
            + "<table><tr><th>Document</th><th class=num>Services qui l'ont fourni</th>"
              "<th class=num>Services conformes</th><th class=num>Part des services</th></tr>"
            + rows + "</table>")


def _theme_section(summary: NetworkSummary) -> str:
    items = [(theme_label_fr(t.theme), t.average, f"moyenne de {t.services} services") for t in summary.themes]
    rows = "".join(f'<tr data-theme="{escape(t.theme)}" data-average="{t.average}">'
                   f'<td>{escape(theme_label_fr(t.theme))}</td><td class="num">{escape(percent(t.average))}</td>'
                   f'<td class="num">{t.services}</td>'
                   f'<td class="num">{t.total.met}/{t.total.applicable}</td></tr>' for t in summary.themes)
    return ("<h2>Taux moyen par thème</h2>"
            + bar_chart(items, "Taux moyen de conformité des services par thème")
            + "<table><tr><th>Thème</th><th class=num>Taux moyen des services</th><th class=num>Services</th>"
              "<th class=num>Exigences satisfaites</th></tr>" + rows + "</table>")


def _services_section(summary: NetworkSummary) -> str:
    heads = "".join(f"<th>{escape(doc_type_fr(k, capital=True))}</th>" for k in KEY_DOC_TYPES)
    rows = []
    for s in summary.services:
        cells = "".join(f"<td>{_state_badge(cell_state_fr(s.by_type.get(k)))}"
                        + (f'<br><span class="small">{escape(percent(s.by_type[k].rate.rate))}</span>'
                           if k in s.by_type else "") + "</td>" for k in KEY_DOC_TYPES)
        rows.append(f'<tr data-service="{escape(s.service)}" data-rate="{s.rate.rate}" data-blocking="{s.blocking}">'
                    f'<td>{escape(s.service)}</td><td class="num">{s.documents}'
                    + (f' <span class="small">({s.errors} illisible(s))</span>' if s.errors else "")
                    + f"</td><td>{rate_bar(s.rate.rate)}</td><td class=num>{s.blocking}</td>{cells}</tr>")
    return ("<h2>Services</h2><table><tr><th>Service</th><th class=num>Documents</th><th>Taux</th>"
            f"<th class=num>Constats bloquants</th>{heads}</tr>" + "".join(rows) + "</table>")


def _gaps_section(summary: NetworkSummary) -> str:
    if not summary.top_gaps:
        return ("<h2>Les dix écarts les plus fréquents</h2><p>Aucun écart : toutes les exigences applicables sont "
                "satisfaites.</p>")
    rows = "".join(f'<tr data-rule="{escape(g.rule_id)}" data-services="{g.services}" data-documents="{g.documents}">'
                   f'<td class="num">{rank}</td><td>{escape(g.title)}<br><span class="small">{escape(g.rule_id)} — '
                   f"{escape(SEVERITY_LABELS_FR[g.severity])}</span></td><td>{escape(theme_label_fr(g.theme))}</td>"
                   f'<td class="num">{g.services}</td><td class="num">{g.documents}</td></tr>'
                   for rank, g in enumerate(summary.top_gaps, start=1))
    return ("<h2>Les dix écarts les plus fréquents</h2><table><tr><th class=num>Rang</th><th>Exigence</th>"
            "<th>Thème</th><th class=num>Services</th><th class=num>Documents</th></tr>" + rows + "</table>")


def _documents_section(summary: NetworkSummary) -> str:
    out = ["<h2>Documents et constats bloquants</h2>"]
    for s in summary.services:
        docs = [d for d in summary.documents if d.service == s.service]
        out.append(f"<details open><summary>{escape(s.service)} — {len(docs)} document(s), {s.blocking} constat(s) "
                   "bloquant(s)</summary><table><tr><th>Fichier</th><th>Type</th><th>Taux</th>"
                   "<th>Constats bloquants</th></tr>")
        for d in docs:
            if d.status != "ok":
                out.append(f'<tr data-path="{escape(d.path)}"><td>{escape(d.path)}</td><td colspan="3">'
                           f'<span class="badge bad">illisible</span> {escape(d.error or "")}</td></tr>')
                continue
            findings = "".join(f"<li>{escape(f.title)} <span class=small>({escape(f.rule_id)}, "
                               f"{'manquant' if f.status == 'manquant' else 'non conforme'})</span></li>"
                               for f in d.blocking)
            out.append(f'<tr data-path="{escape(d.path)}" data-rate="{d.rate.rate}"><td>{escape(d.path)}</td>'
                       f"<td>{escape(doc_type_fr(d.doc_type))}</td><td>{rate_bar(d.rate.rate)}</td>"
                       f"<td>{f'<ul>{findings}</ul>' if findings else 'aucun'}</td></tr>")
        out.append("</table></details>")
    return "".join(out)


def _errors_section(summary: NetworkSummary) -> str:
    if not summary.errors:
        return ""
    rows = "".join(f"<tr><td>{escape(d.service)}</td><td>{escape(d.path)}</td><td>{escape(d.error_code or '')}</td>"
                   f"<td>{escape(d.error or '')}</td></tr>" for d in summary.errors)
    return ("<h2>Documents illisibles</h2><table><tr><th>Service</th><th>Fichier</th><th>Code</th><th>Message</th>"
            "</tr>" + rows + "</table>")


def _trend_section(summary: NetworkSummary) -> str:
    if not summary.trend:
        return ""
    rows = []
    for service, points in sorted(summary.trend.items()):
        history = " → ".join(f"{escape(when[:10])} : {escape(percent(rate))}" for when, rate in points)
        rows.append(f'<tr data-trend="{escape(service)}"><td>{escape(service)}</td><td>{sparkline(points)}</td>'
                    f'<td class="small">{history}</td></tr>')
    return ("<h2>Évolution dans le temps</h2><table><tr><th>Service</th><th>Tendance</th><th>Analyses successives"
            "</th></tr>" + "".join(rows) + "</table>")


def render_html(summary: NetworkSummary, generated: str) -> str:
    """`generated`: the date shown in the heading (ISO)."""
    defs = "".join(f"<li>{escape(text)}</li>" for text in DEFINITIONS_FR)
    body = (_cards(summary) + _doc_type_section(summary) + _theme_section(summary) + _services_section(summary)
            + _trend_section(summary) + _gaps_section(summary) + _documents_section(summary)
            + _errors_section(summary) + f'<h2>Définitions</h2><ul class="defs">{defs}</ul>')
    return html_page("Synthèse de conformité du réseau",
                     f"conformcheck {__version__} — synthèse du {generated} — {len(summary.services)} service(s), "
                     f"{len(summary.documents)} document(s)", body)

