"""Terminal report for a non-technical reader: grouped by status, with excerpt, page, reference and fix; the
requirements met are counted, and listed on demand; a one-line summary per document closes it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import click

from conformcheck.model import (
    DOC_TYPE_LABELS_FR,
    SEVERITY_LABELS_FR,
    DocumentReport,
    Finding,
    Report,
    Status,
    theme_label_fr,
)
from conformcheck.report.labels import (
    CONTEXT_NAMES_FR,
    CONTEXT_OPTIONS_FR,
    SOURCE_NAMES_FR,
    context_value_fr,
    percent,
)
from conformcheck.report.summary import GAPS, policy_note, status_counts, summary_line

SECTIONS = [
    (Status.non_conforme, "✗ NON CONFORME", "red"),
    (Status.manquant, "✗ MANQUANT", "red"),
    (Status.a_verifier, "? À VÉRIFIER", "yellow"),
    (Status.conforme, "✓ CONFORME", "green"),
]
WIDTH = 100


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _finding_lines(finding: Finding, detailed: bool) -> list[str]:
    changed = (f", au lieu de : {SEVERITY_LABELS_FR[finding.severity_origin]}" if finding.severity_origin else "")
    head = f"  [{SEVERITY_LABELS_FR[finding.severity]}{changed}] {finding.title} ({finding.rule_id})"
    lines = [head]
    if not detailed:
        if finding.evidence:
            first = finding.evidence[0]
            lines.append(_wrap(f"p. {first.page} : « {first.excerpt} »", "      "))
        return lines
    lines.append(_wrap(f"Constat : {finding.message}", "      "))
    if finding.reason and finding.status == Status.a_verifier:
        lines.append(_wrap(f"Pourquoi : {finding.reason}", "      "))
    for part in finding.parts:
        mark = "✓" if part.found else "✗"
        lines.append(f"        {mark} {part.label}")
    for evidence in finding.evidence:
        lines.append(_wrap(f"Extrait (p. {evidence.page}) : « {evidence.excerpt} »", "      "))
    if finding.references:
        lines.append(_wrap("Référence : " + " ; ".join(finding.references), "      "))
    if finding.status != Status.conforme:
        lines.append(_wrap(f"À faire : {finding.fix}", "      "))
    return lines


def _undecided_lines(findings: list[Finding]) -> list[str]:
    """« À vérifier » findings grouped by the missing piece of context, with the option that supplies it."""
    lines: list[str] = []
    by_keys: dict[tuple[str, ...], list[Finding]] = {}
    for finding in findings:
        by_keys.setdefault(tuple(finding.unknown_context), []).append(finding)
    for keys, group in by_keys.items():
        if keys:
            hints = " ; ".join(f"{CONTEXT_NAMES_FR.get(k, k)} : {CONTEXT_OPTIONS_FR.get(k, k)}" for k in keys)
            lines.append(_wrap(f"{len(group)} exigence(s) dépendent d'une information que le document ne donne pas. "
                               f"Précisez-la pour les trancher — {hints}.", "  "))
            for finding in group:
                found = f" — extrait p. {finding.evidence[0].page}" if finding.evidence else ""
                lines.append(_wrap(f"• [{SEVERITY_LABELS_FR[finding.severity]}] {finding.title} "
                                   f"({finding.rule_id}){found}", "    "))
        else:
            for finding in group:
                lines.extend(_finding_lines(finding, detailed=True))
    return lines


def _styler(color: bool) -> Callable[..., str]:
    def style(text: str, fg: str | None = None, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    return style


def render_document(doc: DocumentReport, show_all: bool = False, color: bool = False,
                    show_passed: bool = False) -> str:
    style = _styler(color)

    lines = [style(f"══ {doc.path} ══", bold=True)]
    if doc.status == "error":
        lines.append(style(f"  ERREUR : {doc.error}", fg="red"))
        return "\n".join(lines)
    kind = DOC_TYPE_LABELS_FR.get(doc.doc_type or "autre", doc.doc_type or "")
    lines.append(f"Format : {doc.format}, {doc.pages} page(s)")
    clues = ", ".join(doc.doc_type_clues[:3])
    lines.append(_wrap(f"Type de document : {kind} (confiance {percent(doc.doc_type_confidence)} ; indices : {clues})",
                       ""))
    context_bits = []
    for key, value in doc.context.items():
        where = SOURCE_NAMES_FR.get(value.source, value.source)
        page = f", p. {value.evidence.page}" if value.evidence else ""
        context_bits.append(f"{CONTEXT_NAMES_FR.get(key, key)} = {context_value_fr(value)} ({where}{page})")
    lines.append(_wrap("Contexte : " + " ; ".join(context_bits), ""))
    total = doc.score["document"]
    packs = " ; ".join(f"{name} {s.met}/{s.applicable}" for name, s in doc.score.items()
                       if name != "document" and s.applicable)
    lines.append(style(f"Conformité : {total.met}/{total.applicable} exigences applicables satisfaites "
                       f"({percent(total.rate)})" + (f" — {packs}" if packs else ""), bold=True))
    if doc.theme_score:
        themes = " ; ".join(f"{theme_label_fr(key)} {percent(s.rate)} ({s.met}/{s.applicable})"
                            for key, s in doc.theme_score.items())
        lines.append(_wrap(f"Par thème : {themes}", ""))
    if doc.doc_type == "autre":
        lines.append(_wrap("Le type de document n'a pas été reconnu : aucune exigence ne s'applique. Précisez-le "
                           "avec --type (livret_accueil, reglement_fonctionnement, contrat, devis).", ""))
    for status, title, fg in SECTIONS:
        group = [f for f in doc.findings if f.status == status and not f.waiver and not f.baseline]
        if not group:
            continue
        lines.append("")
        heading = style(f"{title} ({len(group)})", fg=fg, bold=True)
        if status == Status.conforme and not show_passed:
            lines.append(heading + " — option --show-passed pour les lister.")
            continue
        lines.append(heading)
        if status == Status.a_verifier:
            lines.extend(_undecided_lines(group))
            continue
        for finding in group:
            lines.extend(_finding_lines(finding, detailed=status != Status.conforme))
    lines.extend(_policy_lines(doc, style))
    not_applicable = [f for f in doc.findings if f.status == Status.non_applicable]
    lines.append("")
    if show_all and not_applicable:
        lines.append(style(f"– NON APPLICABLE ({len(not_applicable)})", bold=True))
        lines.extend(_wrap(f"{f.title} ({f.rule_id}) : {f.reason or ''}", "  ") for f in not_applicable)
    else:
        lines.append(f"– Non applicables à ce document : {len(not_applicable)} exigence(s) "
                     "(option --tout pour les lister).")
    return "\n".join(lines)


def _policy_lines(doc: DocumentReport, style: Callable[..., str]) -> list[str]:
    """Gaps the service accepted (waivers, always shown with their reason) and the count of known ones."""
    lines: list[str] = []
    waived = [f for f in doc.findings if f.waiver]
    if waived:
        lines += ["", style(f"≈ DÉROGATIONS ({len(waived)}, hors taux de conformité)", bold=True)]
        for finding in waived:
            lines.append(f"  [{finding.status.value}] {finding.title} ({finding.rule_id})")
            lines.append(_wrap(policy_note(finding) or "", "      "))
    known = sum(1 for f in doc.findings if f.baseline)
    if known:
        lines += ["", _wrap(f"{known} écart(s) déjà connu(s) de la référence (--baseline) ne sont pas repris "
                            "ci-dessus ; seuls les écarts nouveaux sont listés.", "")]
    return lines


def _summary(doc: DocumentReport, color: bool) -> str:
    counts = status_counts(doc)
    fg = "red" if doc.status == "error" or any(counts[s] for s in GAPS) else (
        "yellow" if counts[Status.a_verifier] else "green")
    return _styler(color)(summary_line(doc), fg=fg)


def render(report: Report, show_all: bool = False, color: bool = False, show_passed: bool = False,
           quiet: bool = False) -> str:
    """The whole report; `quiet`: only the one-line summary of each document."""
    summaries = [_summary(doc, color) for doc in report.documents]
    if quiet:
        return "".join(line + "\n" for line in summaries)
    parts = [render_document(doc, show_all, color, show_passed) for doc in report.documents]
    if report.notices:
        parts.append("\n".join(_wrap(f"Attention : {notice}", "") for notice in report.notices))
    parts.append(_styler(color)("Bilan :", bold=True) + "".join("\n  " + line for line in summaries))
    return "\n\n".join(parts) + "\n"
