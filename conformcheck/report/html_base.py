"""The visual layer shared by the three HTML reports (one document, network synthesis, service pre-audit):
palette, typography, masthead, panels, tables, bars, status badges and A4 print rules, the page skeleton and
small helpers. Each report adds only the CSS of its own components.

Pages stay self-contained: no script, no font, no image fetched; bars are CSS boxes whose colours are kept on
paper (`print-color-adjust`). Every text passed to `page()` and to the helpers is escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from conformcheck.report.labels import percent

BASE_CSS = """
:root{--ink:#1b2430;--muted:#5b6676;--line:#dfe3ea;--paper:#fff;--bg:#f4f6f9;--accent:#1f3a5f;--accent-bg:#eef4fb;
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
.masthead p{margin:0;opacity:.9;font-size:.9rem;overflow-wrap:break-word}
h2{font-size:1.3rem;margin:0 0 .2rem}
h3{font-size:1.02rem;margin:1.6rem 0 .6rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
.panel{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:1.2rem 1.4rem;
margin-bottom:1.2rem}
.panel > h2 + .hint{margin:0 0 .8rem}
table{width:100%;border-collapse:collapse;font-size:.88rem}
th,td{padding:.4rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
th{font-weight:600;color:var(--muted);font-size:.78rem;text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.zero{color:#b6bdc8}
.path{color:var(--muted);font-size:.82rem;word-break:break-all}
.hint{color:var(--muted);font-size:.8rem}
code{font-size:.8rem;color:var(--muted);overflow-wrap:anywhere}
.rate{font-size:2.6rem;font-weight:700;line-height:1;margin:.2rem 0}
.rate-caption{color:var(--muted);font-size:.85rem}
.grid{display:grid;grid-template-columns:minmax(13rem,1fr) 2fr;gap:1.4rem;margin-top:1rem}
.verdict{margin:.8rem 0 0;font-size:.9rem;font-weight:600}
.facts{margin:1rem 0 0;display:grid;grid-template-columns:auto 1fr;gap:.25rem .9rem;font-size:.86rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0}
.facts ul{margin:0;padding-left:1.1rem}
.tiles{display:grid;grid-template-columns:repeat(2,1fr);gap:.5rem;margin-top:1rem}
.tile{border-radius:8px;padding:.45rem .6rem;font-size:.78rem;line-height:1.2}
.tile .n{display:block;font-size:1.35rem;font-weight:700}
.bars{display:grid;grid-template-columns:auto minmax(4rem,1fr) auto;gap:.45rem .7rem;align-items:center;
font-size:.86rem}
.bar{height:.8rem;border-radius:99px;background:var(--na-bg);overflow:hidden;display:flex}
.bar span{display:block;height:100%}
.bar .met{background:var(--ok)}
.bar .gap{background:var(--nc)}
.figure{font-variant-numeric:tabular-nums;color:var(--muted);white-space:nowrap}
.bar.load .met{background:var(--nc)}
.bar.load .gap{background:none}
.mini{display:inline-block;width:4.5rem;vertical-align:middle;margin-left:.5rem}
.meter{display:flex;align-items:center;gap:.5rem}
.meter .bar{flex:1 1 3rem;min-width:2.5rem}
.st-non_conforme{--c:var(--nc);--cbg:var(--nc-bg)}
.st-manquant{--c:var(--mq);--cbg:var(--mq-bg)}
.st-a_verifier{--c:var(--av);--cbg:var(--av-bg)}
.st-conforme{--c:var(--ok);--cbg:var(--ok-bg)}
.st-non_applicable{--c:var(--na);--cbg:var(--na-bg)}
.st-neutre{--c:var(--accent);--cbg:var(--accent-bg)}
.tile,.badge{background:var(--cbg);color:var(--c)}
.badge{display:inline-block;font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;
padding:.12rem .5rem;border-radius:99px;white-space:nowrap}
.notice{background:#fff4e5;border-left:4px solid #c77700;padding:.6rem .9rem;margin:1rem 0}
.quote{margin:.5rem 0;padding:.5rem .8rem;background:#f7f8fa;border-radius:6px;font-size:.88rem;color:var(--muted);
white-space:pre-line}
.fix{background:var(--accent-bg);border-radius:6px;padding:.45rem .7rem}
@media (max-width:720px){.grid{grid-template-columns:1fr}}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin-top:2rem}
@page{size:A4;margin:15mm 14mm 16mm}
@media print{
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
.masthead{background:none;color:var(--ink);padding:0 0 .6rem;border-bottom:2px solid var(--accent);margin-bottom:1rem}
.masthead .inner{padding:0}
.panel{border-color:#c9ced6}
h2,h3{break-after:avoid}
tr,li,.quote{break-inside:avoid}
a{color:inherit;text-decoration:none}
th,td{padding:.3rem .3rem}
.mini{display:block;width:100%;margin:.2rem 0 0}
}
"""


def esc(text: object) -> str:
    """`text` as HTML text or attribute value."""
    return escape(str(text), quote=True)


def bar(fraction: float | None, label: str = "", css: str = "") -> str:
    """A horizontal bar: `fraction` (0–1) in green, the rest in red; an empty grey bar when None.
    `label` (the bar's figure in words) is read by screen readers; `css`: extra classes."""
    classes = f"bar {css}".strip()
    role = f' role="img" aria-label="{esc(label)}"' if label else ""
    if fraction is None:
        return f'<span class="{classes}"{role}></span>'
    met = fraction * 100
    return (f'<span class="{classes}"{role}><span class="met" style="width:{met:.1f}%"></span>'
            f'<span class="gap" style="width:{100 - met:.1f}%"></span></span>')


def bar_rows(rows: Iterable[tuple[str, float | None, str, str]]) -> str:
    """A bar chart: per row (label, fraction, figure, attributes of the figure's span — already escaped)."""
    out = [f'<span class="bar-label">{esc(label)}</span>{bar(fraction, figure)}'
           f'<span class="figure"{attributes}>{esc(figure)}</span>'
           for label, fraction, figure, attributes in rows]
    return f'<div class="bars">{"".join(out)}</div>'


def meter(fraction: float | None, figure: str, css: str = "") -> str:
    """A bar followed by its figure, to fill a table cell."""
    return f'<span class="meter">{bar(fraction, figure, css)}<span class="figure">{esc(figure)}</span></span>'


def rate_figure(met: int, applicable: int, rate: float | None) -> str:
    """« 17/23 · 74 % »: what a bar of requirements shows beside it."""
    return f"{met}/{applicable} · {percent(rate)}"


def badge(status: str, label: str, title: str = "") -> str:
    """A status pill in the colours of `status` (a `Status` value); `title`: the full wording on hover."""
    hover = f' title="{esc(title)}"' if title else ""
    return f'<span class="badge st-{esc(status)}"{hover}>{esc(label)}</span>'


def page(title: str, kicker: str, subtitle: str, body: str, extra_css: str = "", footer: str = "") -> str:
    """A complete page: the masthead (`kicker` above the `title`, `subtitle` under it, all plain text), then
    `body` and `footer` (HTML, already escaped); `extra_css`: the CSS of this report's own components."""
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)} — conformcheck</title><style>{BASE_CSS}\n{extra_css}</style></head><body>"
            f'<header class="masthead"><div class="inner"><div class="kicker">{esc(kicker)}</div>'
            f"<h1>{esc(title)}</h1><p>{esc(subtitle)}</p></div></header><main>{body}"
            + (f"<footer>{footer}</footer>" if footer else "") + "</main></body></html>\n")
