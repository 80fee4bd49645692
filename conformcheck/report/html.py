"""Self-contained HTML report: one file a quality manager can open, print on A4 and send on.

No script, no font or style fetched: styles are inline and the filters by status and pack are checkboxes that
CSS (`:has()`) reads. Every text that comes from a document or a pack is escaped; only http(s) addresses
become links.
"""

from __future__ import annotations

from collections.abc import Callable

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
from conformcheck.report.html_base import bar, bar_rows, esc, page, rate_figure
from conformcheck.report.labels import (
    CONTEXT_NAMES_FR,
    CONTEXT_OPTIONS_FR,
    PACK_NAMES_FR,
    SOURCE_NAMES_FR,
    STATUS_LABELS_FR,
    context_value_fr,
    date_fr,
    percent,
)
from conformcheck.report.summary import STATUS_ORDER, policy_note, reference_items, severity_counts, status_counts

# Statuses shown by default; « non applicable » cards are in the page but hidden until asked for.
SHOWN_BY_DEFAULT = frozenset({Status.non_conforme, Status.manquant, Status.a_verifier, Status.conforme})
_GAP_STATUSES = (Status.non_conforme, Status.manquant, Status.a_verifier)

# This report's own components, on top of the shared look (html_base.BASE_CSS).
STYLE = """
.toc ol{margin:.3rem 0 0;padding-left:1.3rem;columns:2;font-size:.9rem}
.filters{position:sticky;top:0;z-index:5;background:rgba(244,246,249,.96);border-bottom:1px solid var(--line);
padding:.55rem 0;margin-bottom:1.2rem;font-size:.86rem;display:flex;flex-wrap:wrap;gap:.3rem .9rem;align-items:center}
.filters .label{font-weight:600;color:var(--muted)}
.filters label{display:inline-flex;align-items:center;gap:.3rem;cursor:pointer;padding:.1rem .5rem;border-radius:99px;
border:1px solid var(--line);background:#fff}
.filters input{margin:0}
.doc{margin-bottom:2.5rem}
.doc-head{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem}
.grp h3{color:var(--c);border-color:var(--cbg)}
.card{background:var(--paper);border:1px solid var(--line);border-left:5px solid var(--c);border-radius:8px;
padding:.8rem 1rem;margin:.6rem 0;break-inside:avoid}
.card header{display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
.card h4{margin:0;font-size:1rem;flex:1 1 20rem}
.sev{font-size:.78rem;color:var(--muted);white-space:nowrap}
.sev.error{color:var(--nc);font-weight:600}
.card p{margin:.45rem 0}
.card .lead{font-size:.92rem}
.quote .page{display:block;font-size:.72rem;text-transform:uppercase;letter-spacing:.04em;margin-bottom:.15rem}
mark{background:#fff2a8;color:var(--ink);padding:0 .1rem;border-radius:2px}
.parts{list-style:none;padding:0;margin:.4rem 0;font-size:.88rem}
.parts li::before{content:"✗ ";color:var(--nc);font-weight:700}
.parts li.found::before{content:"✓ ";color:var(--ok)}
.card dl{display:grid;grid-template-columns:7.5rem 1fr;gap:.25rem .8rem;margin:.5rem 0 0;font-size:.86rem}
.card dt{color:var(--muted)}
.card dd{margin:0}
.error-card{border-left-color:var(--nc)}
@media print{
.filters{display:none}
.panel:not(.summary),.summary .grid,.summary .facts{break-inside:avoid}
.doc + .doc{break-before:page}
.card{break-inside:avoid;border-color:#c9ced6}
.toc ol{columns:1}
}
"""


def _pack_name(pack: str) -> str:
    return PACK_NAMES_FR.get(pack, pack)


def _quote(evidence: Evidence) -> str:
    """The excerpt highlighted inside the text around it, with its page."""
    excerpt = evidence.excerpt
    if evidence.context_before:
        excerpt = excerpt.removeprefix("…")
    if evidence.context_after:
        excerpt = excerpt.removesuffix("…")
    before = esc(evidence.context_before or "")
    after = esc(evidence.context_after or "")
    return (f'<blockquote class="quote"><span class="page">Extrait — page {evidence.page}</span>{before}'
            f"<mark>{esc(excerpt)}</mark>{after}</blockquote>")


def _references(finding: Finding) -> str:
    items = [f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(label)}</a>' if url else esc(label)
             for label, url in reference_items(finding)]
    return "<br>".join(items)


def _card(finding: Finding, pack_index: int) -> str:
    status = finding.status
    sev_class = " error" if finding.severity == Severity.error else ""
    out = [f'<article class="card st-{status.value} pk{pack_index}" data-status="{status.value}" '
           f'data-pack="{esc(finding.pack)}" data-rule="{esc(finding.rule_id)}">',
           f'<header><span class="badge">{esc(STATUS_LABELS_FR[status])}</span><h4>{esc(finding.title)}</h4>'
           f'<span class="sev{sev_class}">{esc(SEVERITY_LABELS_FR[finding.severity])}</span></header>']
    if status == Status.non_applicable:
        out.append(f'<p class="lead">{esc(finding.reason or "")}</p>')
    elif status != Status.conforme:
        out.append(f'<p class="lead">{esc(finding.message)}</p>')
    if finding.reason and status == Status.a_verifier and finding.reason not in finding.message:
        out.append(f"<p><strong>Pourquoi :</strong> {esc(finding.reason)}</p>")
    note = policy_note(finding)
    if note:
        out.append(f'<p class="notice">{esc(note)}' + (" Hors taux de conformité." if finding.waiver else "") + "</p>")
    if finding.parts:
        items = "".join(f'<li class="{"found" if part.found else "missing"}">{esc(part.label)}</li>'
                        for part in finding.parts)
        out.append(f'<ul class="parts">{items}</ul>')
    out.extend(_quote(evidence) for evidence in finding.evidence)
    rows = []
    if finding.references:
        rows.append(f"<dt>Référence</dt><dd>{_references(finding)}</dd>")
    if status in _GAP_STATUSES:
        rows.append(f'<dt>À faire</dt><dd class="fix">{esc(finding.fix)}</dd>')
    rows.append(f"<dt>Règle</dt><dd><code>{esc(finding.rule_id)}</code> · {esc(_pack_name(finding.pack))}</dd>")
    out.append(f"<dl>{''.join(rows)}</dl></article>")
    return "".join(out)


def _bars(scores: dict[str, Score], label: Callable[[str], str], kind: str) -> str:
    """One bar per pack or theme with applicable requirements: met in green, gaps in red."""
    rows = [(label(name), score.met / score.applicable, rate_figure(score.met, score.applicable, score.rate),
             f' data-{kind}="{esc(name)}"')
            for name, score in scores.items() if name != "document" and score.applicable]
    return bar_rows(rows) if rows else '<p class="hint">Aucune exigence applicable.</p>'


def _severity_table(doc: DocumentReport) -> str:
    counts = severity_counts(doc)
    head = "".join(f'<th class="num">{esc(STATUS_LABELS_FR[s])}</th>' for s in _GAP_STATUSES)
    body = "".join(f"<tr><td>{esc(SEVERITY_LABELS_FR[sev])}</td>"
                   + "".join(f'<td class="num" data-status="{s.value}" data-severity="{sev.value}">'
                             f"{counts[s, sev]}</td>" for s in _GAP_STATUSES) + "</tr>"
                   for sev in Severity)
    return f'<table class="sevtable"><tr><th>Gravité</th>{head}</tr>{body}</table>'


def _facts(doc: DocumentReport) -> str:
    kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
    clues = " · ".join(esc(clue) for clue in doc.doc_type_clues[:4])
    context = []
    for key, value in doc.context.items():
        where = SOURCE_NAMES_FR.get(value.source, value.source)
        page = f", p. {value.evidence.page}" if value.evidence else ""
        hint = (f"à préciser : {CONTEXT_OPTIONS_FR.get(key, key)}" if value.value is None else f"{where}{page}")
        context.append(f"<li>{esc(CONTEXT_NAMES_FR.get(key, key))} : <strong>{esc(context_value_fr(value))}</strong>"
                       f' <span class="hint">({esc(hint)})</span></li>')
    return (f'<dl class="facts"><dt>Type détecté</dt><dd><strong class="doc-type">{esc(kind)}</strong> '
            f'<span class="hint">(confiance {esc(percent(doc.doc_type_confidence))})</span>'
            f"{f'<br><span class=hint>indices : {clues}</span>' if clues else ''}</dd>"
            f"<dt>Fichier</dt><dd>{esc((doc.format or '').upper())}, {doc.pages or 0} page(s)</dd>"
            f"<dt>Contexte retenu</dt><dd>{f'<ul>{chr(10).join(context)}</ul>' if context else '—'}</dd></dl>")


def _tiles(doc: DocumentReport) -> str:
    counts = status_counts(doc)
    return '<div class="tiles">' + "".join(
        f'<div class="tile st-{s.value}" data-status="{s.value}"><span class="n">{counts[s]}</span>'
        f"{esc(STATUS_LABELS_FR[s])}</div>" for s in STATUS_ORDER if s != Status.non_applicable) + "</div>"


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
    return f'<p class="verdict {css}" style="color:var(--c)">{esc(text)}</p>'


def _document(doc: DocumentReport, anchor: str, packs: list[str],
              after_summary: str = "") -> tuple[str, set[tuple[int, ...]]]:
    """The document's section, and the pack sets of its status groups (for the CSS filter rules);
    `after_summary`: what comes between its summary and its findings (the filters of a one-document report)."""
    name = doc.path.replace("\\", "/").rsplit("/", 1)[-1]
    head = (f'<div class="doc-head"><div><h2>{esc(name)}</h2><div class="path">{esc(doc.path)}</div></div>'
            + ('<span class="badge st-non_conforme">Illisible</span>' if doc.status == "error" else "") + "</div>")
    if doc.status == "error":
        return (f'<section class="doc panel" id="{anchor}" data-status="error">{head}'
                f'<p class="card error-card st-non_conforme">Ce fichier n\'a pas pu être analysé : '
                f"{esc(doc.error or '')}</p></section>"), set()
    total = doc.score["document"]
    caption = (f"{total.met} exigence(s) satisfaite(s) sur {total.applicable} applicable(s)" if total.applicable
               else "aucune exigence applicable à ce document")
    summary = (f'<div class="panel summary">{head}<div class="grid"><div>'
               f'<div class="rate-caption">Taux de conformité</div><div class="rate" data-rate="{total.rate}">'
               f'{esc(percent(total.rate))}</div><div class="rate-caption" data-met="{total.met}" '
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
                   f"<h3>{esc(STATUS_LABELS_FR[status])} ({len(group)})</h3>")
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
             f'{" checked" if s in SHOWN_BY_DEFAULT else ""}> {esc(STATUS_LABELS_FR[s])} ({totals[s]})</label>'
             for s in STATUS_ORDER]
    pack_boxes = [f'<label><input type="checkbox" id="f-pk{i}" checked> {esc(_pack_name(p))}</label>'
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
        name = esc(doc.path.replace("\\", "/").rsplit("/", 1)[-1])
        if doc.status == "error":
            rows.append(f'<tr data-doc="{anchor}"><td><a href="#{anchor}">{name}</a></td><td colspan="6">'
                        f'<span class="badge st-non_conforme">Illisible</span></td></tr>')
            continue
        counts = status_counts(doc)
        total = doc.score["document"]
        kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
        cells = "".join(f'<td class="num{"" if counts[s] else " zero"}" data-status="{s.value}">{counts[s]}</td>'
                        for s in STATUS_ORDER if s != Status.non_applicable)
        met = total.met / total.applicable if total.applicable else None
        rows.append(f'<tr data-doc="{anchor}"><td><a href="#{anchor}">{name}</a></td><td>{esc(kind)}</td>'
                    f'<td class="num rate-cell"><span class="rate-text">{esc(percent(total.rate))}</span>'
                    f'{bar(met, css="mini")}</td>{cells}</tr>')
    heads = "".join(f'<th class="num">{esc(STATUS_LABELS_FR[s])}</th>' for s in STATUS_ORDER
                    if s != Status.non_applicable)
    toc = "".join(f'<li><a href="#{anchor}">{esc(doc.path)}</a></li>'
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
    subtitle = f"Analyse du {date_fr(report.scan_date)}" + (
        f" · référentiels : {', '.join(_pack_name(p) for p in packs)}" if packs else "")
    notices = "".join(f'<p class="notice"><strong>Attention :</strong> {esc(notice)}</p>'
                      for notice in report.notices or [])
    footer = (f"Rapport produit par conformcheck {esc(report.tool_version)} le {esc(date_fr(report.scan_date))}. "
              "Un contrôle automatique ne remplace pas la relecture d'un juriste : les points « à vérifier » "
              "demandent un regard humain.")
    return page(title, "Contrôle des documents remis aux personnes accompagnées", subtitle,
                notices + overview + "".join(sections), f"{STYLE}\n{_filter_css(packs, pack_sets)}", footer)
