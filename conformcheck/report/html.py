"""Self-contained HTML report: one file a quality manager can open, print on A4 and send on.

No script, no font or style fetched: styles are inline and the filters by status and pack are checkboxes that
CSS (`:has()`) reads. Every text that comes from a document or a pack is escaped; only http(s) addresses
become links.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from conformcheck.model import (
    DOC_TYPE_LABELS_FR,
    SEVERITY_LABELS_FR,
    DocumentReport,
    Evidence,
    Finding,
    Report,
    Score,
    Severity,
    Status,
    theme_label_fr,
)
from conformcheck.report.labels import (
    CONTEXT_NAMES_FR,
    CONTEXT_OPTIONS_FR,
    PACK_NAMES_FR,
    SOURCE_NAMES_FR,
    STATUS_LABELS_FR,
    context_value_fr,
    percent,
)
from conformcheck.report.summary import STATUS_ORDER, policy_note, reference_items, severity_counts, status_counts

# Statuses shown by default; « non applicable » cards are in the page but hidden until asked for.
SHOWN_BY_DEFAULT = frozenset({Status.non_conforme, Status.manquant, Status.a_verifier, Status.conforme})
_GAP_STATUSES = (Status.non_conforme, Status.manquant, Status.a_verifier)

STYLE = """
:root{--ink:#1b2430;--muted:#5b6676;--line:#dfe3ea;--paper:#fff;--bg:#f4f6f9;--accent:#1f3a5f;
--nc:#b42318;--nc-bg:#fdeceb;--mq:#c2410c;--mq-bg:#fff1e6;--av:#a16207;--av-bg:#fef7e0;--ok:#15803d;--ok-bg:#e8f6ed;
--na:#64748b;--na-bg:#eef1f5}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 "Segoe UI",Roboto,"Helvetica Neue","Liberation Sans",
"DejaVu Sans",Arial,sans-serif}
main{max-width:62rem;margin:0 auto;padding:0 1.25rem 3rem}
a{color:var(--accent)}
.masthead{background:var(--accent);color:#fff;padding:1.6rem 0 1.4rem;margin-bottom:1.5rem}
.masthead .inner{max-width:62rem;margin:0 auto;padding:0 1.25rem}
.masthead .kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;opacity:.8}
.masthead h1{margin:.15rem 0 .3rem;font-size:1.75rem;font-weight:650}
.masthead p{margin:0;opacity:.9;font-size:.9rem}
h2{font-size:1.3rem;margin:0 0 .2rem}
h3{font-size:1.02rem;margin:1.6rem 0 .6rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
.panel{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:1.2rem 1.4rem;
margin-bottom:1.2rem}
.overview table,.sevtable{width:100%;border-collapse:collapse;font-size:.88rem}
.overview th,.overview td,.sevtable th,.sevtable td{padding:.4rem .5rem;border-bottom:1px solid var(--line);
text-align:left;vertical-align:middle}
.overview th,.sevtable th{font-weight:600;color:var(--muted);font-size:.78rem;text-transform:uppercase;
letter-spacing:.03em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.toc ol{margin:.3rem 0 0;padding-left:1.3rem;columns:2;font-size:.9rem}
.filters{position:sticky;top:0;z-index:5;background:rgba(244,246,249,.96);border-bottom:1px solid var(--line);
padding:.55rem 0;margin-bottom:1.2rem;font-size:.86rem;display:flex;flex-wrap:wrap;gap:.3rem .9rem;align-items:center}
.filters .label{font-weight:600;color:var(--muted)}
.filters label{display:inline-flex;align-items:center;gap:.3rem;cursor:pointer;padding:.1rem .5rem;border-radius:99px;
border:1px solid var(--line);background:#fff}
.filters input{margin:0}
.doc{margin-bottom:2.5rem}
.doc-head{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem}
.doc-head .path{color:var(--muted);font-size:.82rem;word-break:break-all}
.grid{display:grid;grid-template-columns:minmax(13rem,1fr) 2fr;gap:1.4rem;margin-top:1rem}
.rate{font-size:2.6rem;font-weight:700;line-height:1;margin:.2rem 0}
.rate-caption{color:var(--muted);font-size:.85rem}
.tiles{display:grid;grid-template-columns:repeat(2,1fr);gap:.5rem;margin-top:1rem}
.verdict{margin:.8rem 0 0;font-size:.9rem;font-weight:600}
.mini{display:inline-block;width:4.5rem;vertical-align:middle;margin-left:.5rem}
td.zero{color:#b6bdc8}
.tile{border-radius:8px;padding:.45rem .6rem;font-size:.78rem;line-height:1.2}
.tile .n{display:block;font-size:1.35rem;font-weight:700}
.bars{display:grid;grid-template-columns:auto 1fr auto;gap:.45rem .7rem;align-items:center;font-size:.86rem}
.bar{height:.8rem;border-radius:99px;background:var(--na-bg);overflow:hidden;display:flex}
.bar span{display:block;height:100%}
.bar .met{background:var(--ok)}
.bar .gap{background:var(--nc)}
.figure{font-variant-numeric:tabular-nums;color:var(--muted);white-space:nowrap}
.facts{margin:1rem 0 0;display:grid;grid-template-columns:auto 1fr;gap:.25rem .9rem;font-size:.86rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0}
.facts ul{margin:0;padding-left:1.1rem}
.hint{color:var(--muted);font-size:.8rem}
.st-non_conforme{--c:var(--nc);--cbg:var(--nc-bg)}
.st-manquant{--c:var(--mq);--cbg:var(--mq-bg)}
.st-a_verifier{--c:var(--av);--cbg:var(--av-bg)}
.st-conforme{--c:var(--ok);--cbg:var(--ok-bg)}
.st-non_applicable{--c:var(--na);--cbg:var(--na-bg)}
.tile,.badge{background:var(--cbg);color:var(--c)}
.badge{display:inline-block;font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;
padding:.12rem .5rem;border-radius:99px;white-space:nowrap}
.grp h3{color:var(--c);border-color:var(--cbg)}
.card{background:var(--paper);border:1px solid var(--line);border-left:5px solid var(--c);border-radius:8px;
padding:.8rem 1rem;margin:.6rem 0;break-inside:avoid}
.card header{display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
.card h4{margin:0;font-size:1rem;flex:1 1 20rem}
.sev{font-size:.78rem;color:var(--muted);white-space:nowrap}
.sev.error{color:var(--nc);font-weight:600}
.card p{margin:.45rem 0}
.card .lead{font-size:.92rem}
.notice{background:#fff4e5;border-left:4px solid #c77700;padding:.6rem .9rem;margin:1rem 0}
.quote{margin:.5rem 0;padding:.5rem .8rem;background:#f7f8fa;border-radius:6px;font-size:.88rem;color:var(--muted);
white-space:pre-line}
.quote .page{display:block;font-size:.72rem;text-transform:uppercase;letter-spacing:.04em;margin-bottom:.15rem}
mark{background:#fff2a8;color:var(--ink);padding:0 .1rem;border-radius:2px}
.parts{list-style:none;padding:0;margin:.4rem 0;font-size:.88rem}
.parts li::before{content:"✗ ";color:var(--nc);font-weight:700}
.parts li.found::before{content:"✓ ";color:var(--ok)}
.card dl{display:grid;grid-template-columns:7.5rem 1fr;gap:.25rem .8rem;margin:.5rem 0 0;font-size:.86rem}
.card dt{color:var(--muted)}
.card dd{margin:0}
.fix{background:#eef4fb;border-radius:6px;padding:.45rem .7rem}
code{font-size:.8rem;color:var(--muted)}
.error-card{border-left-color:var(--nc)}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin-top:2rem}
@media (max-width:720px){.grid{grid-template-columns:1fr}}
@page{size:A4;margin:15mm 14mm 16mm}
@media print{
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
.masthead{background:none;color:var(--ink);padding:0 0 .6rem;border-bottom:2px solid var(--accent);margin-bottom:1rem}
.masthead .inner{padding:0}
.filters{display:none}
.panel{border-color:#c9ced6;break-inside:avoid}
.doc + .doc{break-before:page}
.card{break-inside:avoid;border-color:#c9ced6}
h3{break-after:avoid}
a{color:inherit;text-decoration:none}
.toc ol{columns:1}
.overview th,.overview td{padding:.3rem .3rem}
.mini{display:block;width:100%;margin:.2rem 0 0}
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _pack_name(pack: str) -> str:
    return PACK_NAMES_FR.get(pack, pack)


def _date_fr(iso: str) -> str:
    year, _, rest = iso.partition("-")
    month, _, day = rest.partition("-")
    return f"{day}/{month}/{year}" if day else iso


def _quote(evidence: Evidence) -> str:
    """The excerpt highlighted inside the text around it, with its page."""
    excerpt = evidence.excerpt
    if evidence.context_before:
        excerpt = excerpt.removeprefix("…")
    if evidence.context_after:
        excerpt = excerpt.removesuffix("…")
    before = _e(evidence.context_before or "")
    after = _e(evidence.context_after or "")
    return (f'<blockquote class="quote"><span class="page">Extrait — page {evidence.page}</span>{before}'
            f"<mark>{_e(excerpt)}</mark>{after}</blockquote>")


def _references(finding: Finding) -> str:
    items = [f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(label)}</a>' if url else _e(label)
             for label, url in reference_items(finding)]
    return "<br>".join(items)


def _card(finding: Finding, pack_index: int) -> str:
    status = finding.status
    sev_class = " error" if finding.severity == Severity.error else ""
    out = [f'<article class="card st-{status.value} pk{pack_index}" data-status="{status.value}" '
           f'data-pack="{_e(finding.pack)}" data-rule="{_e(finding.rule_id)}">',
           f'<header><span class="badge">{_e(STATUS_LABELS_FR[status])}</span><h4>{_e(finding.title)}</h4>'
           f'<span class="sev{sev_class}">{_e(SEVERITY_LABELS_FR[finding.severity])}</span></header>']
    if status == Status.non_applicable:
        out.append(f'<p class="lead">{_e(finding.reason or "")}</p>')
    elif status != Status.conforme:
        out.append(f'<p class="lead">{_e(finding.message)}</p>')
    if finding.reason and status == Status.a_verifier and finding.reason not in finding.message:
        out.append(f"<p><strong>Pourquoi :</strong> {_e(finding.reason)}</p>")
    note = policy_note(finding)
    if note:
        out.append(f'<p class="notice">{_e(note)}' + (" Hors taux de conformité." if finding.waiver else "") + "</p>")
    if finding.parts:
        items = "".join(f'<li class="{"found" if part.found else "missing"}">{_e(part.label)}</li>'
                        for part in finding.parts)
        out.append(f'<ul class="parts">{items}</ul>')
    out.extend(_quote(evidence) for evidence in finding.evidence)
    rows = []
    if finding.references:
        rows.append(f"<dt>Référence</dt><dd>{_references(finding)}</dd>")
    if status in _GAP_STATUSES:
        rows.append(f'<dt>À faire</dt><dd class="fix">{_e(finding.fix)}</dd>')
    rows.append(f"<dt>Règle</dt><dd><code>{_e(finding.rule_id)}</code> · {_e(_pack_name(finding.pack))}</dd>")
    out.append(f"<dl>{''.join(rows)}</dl></article>")
    return "".join(out)


def _bars(scores: dict[str, Score], label: Callable[[str], str], kind: str) -> str:
    """One bar per pack or theme with applicable requirements: met in green, gaps in red."""
    rows = []
    for name, score in scores.items():
        if name == "document" or not score.applicable:
            continue
        met = score.met / score.applicable * 100
        rows.append(f'<span class="pack-name">{_e(label(name))}</span>'
                    f'<span class="bar" role="img" aria-label="{score.met} sur {score.applicable}">'
                    f'<span class="met" style="width:{met:.1f}%"></span>'
                    f'<span class="gap" style="width:{100 - met:.1f}%"></span></span>'
                    f'<span class="figure" data-{kind}="{_e(name)}">{score.met}/{score.applicable} · '
                    f"{_e(percent(score.rate))}</span>")
    if not rows:
        return '<p class="hint">Aucune exigence applicable.</p>'
    return f'<div class="bars">{"".join(rows)}</div>'


def _severity_table(doc: DocumentReport) -> str:
    counts = severity_counts(doc)
    head = "".join(f'<th class="num">{_e(STATUS_LABELS_FR[s])}</th>' for s in _GAP_STATUSES)
    body = "".join(f"<tr><td>{_e(SEVERITY_LABELS_FR[sev])}</td>"
                   + "".join(f'<td class="num" data-status="{s.value}" data-severity="{sev.value}">'
                             f"{counts[s, sev]}</td>" for s in _GAP_STATUSES) + "</tr>"
                   for sev in Severity)
    return f'<table class="sevtable"><tr><th>Gravité</th>{head}</tr>{body}</table>'


def _facts(doc: DocumentReport) -> str:
    kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
    clues = " · ".join(_e(clue) for clue in doc.doc_type_clues[:4])
    context = []
    for key, value in doc.context.items():
        where = SOURCE_NAMES_FR.get(value.source, value.source)
        page = f", p. {value.evidence.page}" if value.evidence else ""
        hint = (f"à préciser : {CONTEXT_OPTIONS_FR.get(key, key)}" if value.value is None else f"{where}{page}")
        context.append(f"<li>{_e(CONTEXT_NAMES_FR.get(key, key))} : <strong>{_e(context_value_fr(value))}</strong>"
                       f' <span class="hint">({_e(hint)})</span></li>')
    return (f'<dl class="facts"><dt>Type détecté</dt><dd><strong class="doc-type">{_e(kind)}</strong> '
            f'<span class="hint">(confiance {doc.doc_type_confidence or 0:.0%})</span>'
            f"{f'<br><span class=hint>indices : {clues}</span>' if clues else ''}</dd>"
            f"<dt>Fichier</dt><dd>{_e((doc.format or '').upper())}, {doc.pages or 0} page(s)</dd>"
            f"<dt>Contexte retenu</dt><dd>{f'<ul>{chr(10).join(context)}</ul>' if context else '—'}</dd></dl>")


def _tiles(doc: DocumentReport) -> str:
    counts = status_counts(doc)
    return '<div class="tiles">' + "".join(
        f'<div class="tile st-{s.value}" data-status="{s.value}"><span class="n">{counts[s]}</span>'
        f"{_e(STATUS_LABELS_FR[s])}</div>" for s in STATUS_ORDER if s != Status.non_applicable) + "</div>"


def _verdict(doc: DocumentReport) -> str:
    counts, by_severity = status_counts(doc), severity_counts(doc)
    gaps = counts[Status.non_conforme] + counts[Status.manquant]
    legal = by_severity[Status.non_conforme, Severity.error] + by_severity[Status.manquant, Severity.error]
    undecided = counts[Status.a_verifier]
    later = f" ; {undecided} à vérifier" if undecided else ""
    if gaps:
        text, css = f"{gaps} point(s) à corriger, dont {legal} obligation(s) légale(s){later}.", "st-non_conforme"
    elif undecided:
        text, css = f"Rien à corriger ; {undecided} point(s) à vérifier.", "st-a_verifier"
    else:
        text, css = "Toutes les exigences applicables sont satisfaites.", "st-conforme"
    return f'<p class="verdict {css}" style="color:var(--c)">{_e(text)}</p>'


def _document(doc: DocumentReport, anchor: str, packs: list[str],
              after_summary: str = "") -> tuple[str, set[tuple[int, ...]]]:
    """The document's section, and the pack sets of its status groups (for the CSS filter rules);
    `after_summary`: what comes between its summary and its findings (the filters of a one-document report)."""
    name = doc.path.replace("\\", "/").rsplit("/", 1)[-1]
    head = (f'<div class="doc-head"><div><h2>{_e(name)}</h2><div class="path">{_e(doc.path)}</div></div>'
            + ('<span class="badge st-non_conforme">Illisible</span>' if doc.status == "error" else "") + "</div>")
    if doc.status == "error":
        return (f'<section class="doc panel" id="{anchor}" data-status="error">{head}'
                f'<p class="card error-card st-non_conforme">Ce fichier n\'a pas pu être analysé : '
                f"{_e(doc.error or '')}</p></section>"), set()
    total = doc.score["document"]
    caption = (f"{total.met} exigence(s) satisfaite(s) sur {total.applicable} applicable(s)" if total.applicable
               else "aucune exigence applicable à ce document")
    summary = (f'<div class="panel summary">{head}<div class="grid"><div>'
               f'<div class="rate-caption">Taux de conformité</div><div class="rate" data-rate="{total.rate}">'
               f'{_e(percent(total.rate))}</div><div class="rate-caption" data-met="{total.met}" '
               f'data-applicable="{total.applicable}">{caption}</div>{_verdict(doc)}{_tiles(doc)}</div>'
               f'<div><div class="rate-caption">Par référentiel</div>{_bars(doc.score, _pack_name, "pack")}'
               f'<div class="rate-caption" style="margin-top:1rem">Par thème de la démarche qualité</div>'
               f'{_bars(doc.theme_score, theme_label_fr, "theme")}'
               f'<div class="rate-caption" style="margin-top:1rem">Points à traiter par gravité</div>'
               f"{_severity_table(doc)}</div></div>{_facts(doc)}</div>")
    out = [f'<section class="doc" id="{anchor}" data-status="ok">', summary, after_summary]
    pack_sets: set[tuple[int, ...]] = set()
    for status in STATUS_ORDER:
        group = [f for f in doc.findings if f.status == status]
        if not group:
            continue
        indexes = tuple(sorted({packs.index(f.pack) for f in group}))
        pack_sets.add(indexes)
        out.append(f'<section class="grp grp-{status.value} st-{status.value} ps-{"-".join(map(str, indexes))}">'
                   f"<h3>{_e(STATUS_LABELS_FR[status])} ({len(group)})</h3>")
        out.extend(_card(f, packs.index(f.pack)) for f in group)
        out.append("</section>")
    out.append("</section>")
    return "".join(out), pack_sets


def _filters(report: Report, packs: list[str]) -> str:
    totals = dict.fromkeys(STATUS_ORDER, 0)
    for doc in report.documents:
        for status, count in status_counts(doc).items():
            totals[status] += count
    boxes = [f'<label class="st-{s.value}"><input type="checkbox" id="f-{s.value}"'
             f'{" checked" if s in SHOWN_BY_DEFAULT else ""}> {_e(STATUS_LABELS_FR[s])} ({totals[s]})</label>'
             for s in STATUS_ORDER]
    pack_boxes = [f'<label><input type="checkbox" id="f-pk{i}" checked> {_e(_pack_name(p))}</label>'
                  for i, p in enumerate(packs)]
    return (f'<div class="filters" role="group" aria-label="Filtres"><span class="label">Afficher :</span>'
            f'{"".join(boxes)}' + (f'<span class="label">Référentiels :</span>{"".join(pack_boxes)}'
                                   if len(packs) > 1 else "") + "</div>")


def _filter_css(packs: list[str], pack_sets: set[tuple[int, ...]]) -> str:
    """Unchecked boxes hide their cards; a status group whose packs are all unchecked hides with them."""
    rules = [f"body:has(#f-{s.value}:not(:checked)) .grp-{s.value}{{display:none}}" for s in STATUS_ORDER]
    rules += [f"body:has(#f-pk{i}:not(:checked)) .card.pk{i}{{display:none}}" for i in range(len(packs))]
    for indexes in sorted(pack_sets):
        condition = "".join(f":has(#f-pk{i}:not(:checked))" for i in indexes)
        rules.append(f"body{condition} .grp.ps-{'-'.join(map(str, indexes))}{{display:none}}")
    return "\n".join(rules)


def _overview(report: Report, anchors: list[str]) -> str:
    rows = []
    for doc, anchor in zip(report.documents, anchors, strict=True):
        name = _e(doc.path.replace("\\", "/").rsplit("/", 1)[-1])
        if doc.status == "error":
            rows.append(f'<tr data-doc="{anchor}"><td><a href="#{anchor}">{name}</a></td><td colspan="6">'
                        f'<span class="badge st-non_conforme">Illisible</span></td></tr>')
            continue
        counts = status_counts(doc)
        total = doc.score["document"]
        kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
        cells = "".join(f'<td class="num{"" if counts[s] else " zero"}" data-status="{s.value}">{counts[s]}</td>'
                        for s in STATUS_ORDER if s != Status.non_applicable)
        met = total.met / total.applicable * 100 if total.applicable else 0
        rows.append(f'<tr data-doc="{anchor}"><td><a href="#{anchor}">{name}</a></td><td>{_e(kind)}</td>'
                    f'<td class="num rate-cell"><span class="rate-text">{_e(percent(total.rate))}</span>'
                    f'<span class="bar mini"><span class="met" style="width:{met:.1f}%"></span>'
                    f'<span class="gap" style="width:{100 - met if total.applicable else 0:.1f}%"></span></span></td>'
                    f"{cells}</tr>")
    heads = "".join(f'<th class="num">{_e(STATUS_LABELS_FR[s])}</th>' for s in STATUS_ORDER
                    if s != Status.non_applicable)
    toc = "".join(f'<li><a href="#{anchor}">{_e(doc.path)}</a></li>'
                  for doc, anchor in zip(report.documents, anchors, strict=True))
    return (f'<section class="panel overview"><h2>Synthèse des {len(report.documents)} documents</h2>'
            f'<table><tr><th>Document</th><th>Type</th><th class="num">Conformité</th>{heads}</tr>'
            f'{"".join(rows)}</table></section><nav class="panel toc"><h2>Sommaire</h2><ol>{toc}</ol></nav>')


def render(report: Report) -> str:
    packs = sorted({f.pack for doc in report.documents for f in doc.findings})
    anchors = [f"doc-{number}" for number in range(1, len(report.documents) + 1)]
    count = len(report.documents)
    filters = _filters(report, packs)
    sections, pack_sets = [], set()
    for doc, anchor in zip(report.documents, anchors, strict=True):
        html_doc, sets = _document(doc, anchor, packs, filters if count == 1 else "")
        sections.append(html_doc)
        pack_sets |= sets
    title = "Rapport de conformité" if count == 1 else f"Synthèse de {count} documents"
    overview = _overview(report, anchors) + filters if count > 1 else ""
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)} — conformcheck</title>"
            f"<style>{STYLE}\n{_filter_css(packs, pack_sets)}</style></head><body>"
            f'<header class="masthead"><div class="inner"><div class="kicker">Contrôle des documents remis aux '
            f"personnes accompagnées</div><h1>{_e(title)}</h1><p>Analyse du {_e(_date_fr(report.scan_date))}"
            + (f" · référentiels : {_e(', '.join(_pack_name(p) for p in packs))}" if packs else "")
            + "</p></div></header><main>"
            + "".join(f'<p class="notice"><strong>Attention :</strong> {_e(notice)}</p>'
                      for notice in report.notices or [])
            + f"{overview}{''.join(sections)}"
            f"<footer>Rapport produit par conformcheck {_e(report.tool_version)} le "
            f"{_e(_date_fr(report.scan_date))}. Un contrôle automatique ne remplace pas la relecture d'un juriste : "
            f"les points « à vérifier » demandent un regard humain.</footer></main></body></html>\n")
