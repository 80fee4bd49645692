"""Commands on a set of documents: `conformcheck audit DOSSIER` (pre-audit of one service's document set) and
`conformcheck synthese ENTREE…` (consolidated report of a network). Everything they need is imported when
they run, never when `scan` starts."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from conformcheck.cli_common import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EXIT_USAGE, fail, write_output
from conformcheck.errors import ConformcheckError, InputError
from conformcheck.model import MODES, REGIMES


def _write(text: str, output: str | None) -> None:
    if not output:
        click.echo(text, nl=False)
        return
    if not write_output(output, text):
        sys.exit(EXIT_USAGE)
    click.echo(f"Rapport écrit dans {output}.", err=True)


@click.command()
@click.argument("dossier", type=click.Path(exists=True, file_okay=False))
@click.option("--regime", type=click.Choice(REGIMES), help="Régime du service (sinon déduit des documents).")
@click.option("--mode", type=click.Choice(MODES), help="Mode d'intervention.")
@click.option("--format", "fmt", type=click.Choice(["texte", "json", "html"]), default="texte", show_default=True,
              help="Format du rapport.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Écrit le rapport dans ce fichier.")
@click.option("--date", "scan_date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="AAAA-MM-JJ",
              help="Date de référence (révision du règlement ; par défaut aujourd'hui).")
@click.option("--pack", "pack_dirs", multiple=True, type=click.Path(), help="Dossier de pack supplémentaire.")
@click.option("--service", metavar="NOM", help="Nom du service dans l'historique (défaut : le nom du dossier).")
@click.option("--history", "record_history", is_flag=True, help="Enregistre ce pré-audit dans l'historique.")
@click.option("--history-db", type=click.Path(dir_okay=False), metavar="CHEMIN",
              help="Base d'historique SQLite (défaut : ~/.local/share/conformcheck/historique.sqlite) ; implique "
                   "--history.")
def audit(dossier: str, regime: str | None, mode: str | None, fmt: str, output: str | None, scan_date: Any,
          pack_dirs: tuple[str, ...], service: str | None, record_history: bool, history_db: str | None) -> None:
    """Pré-audit du dossier documentaire d'un service : documents obligatoires manquants, contrôles entre
    documents, score de préparation et plan d'action."""
    from conformcheck.audit.render import render_html, render_json, render_text
    from conformcheck.audit.run import files_of, run_audit
    from conformcheck.packs.cache import load_rules
    from conformcheck.scan import Scanner, ScanOptions

    if not files_of(Path(dossier)):  # as `scan` of an empty folder: nothing to audit is no passed audit
        fail(f"aucun document (.pdf, .docx, .txt, .md) dans le dossier {dossier}.")
    given = {key: value for key, value in (("regime", regime), ("mode", mode)) if value is not None}
    try:
        packs, index = load_rules(extra_dirs=list(pack_dirs))
        scanner = Scanner(packs, index=index)
    except ConformcheckError as exc:
        fail(exc.message)
    options = ScanOptions(context=dict(given), context_sources=dict.fromkeys(given, "option"),
                          scan_date=scan_date.date() if scan_date else date.today())
    try:
        report = run_audit(dossier, scanner, options, given)
    finally:
        scanner.close()
    render = {"texte": render_text, "json": render_json, "html": render_html}[fmt]
    _write(render(report), output)
    if record_history or history_db:
        _record_audit(report, service or Path(dossier).resolve().name, history_db)
    # The exit codes of `scan`: an unreadable document first, then a blocking gap.
    if any(d.report.status == "error" for d in report.documents):
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_FINDINGS if any(a.blocking for a in report.actions) else EXIT_OK)


def _record_audit(audit_report: Any, service: str, db_path: str | None) -> None:
    """The audit's documents, under the service's name, and its readiness score, as one run of the history."""
    from dataclasses import replace

    from conformcheck.history import default_db_path, record_run
    from conformcheck.model import Report

    report = Report(tool_version=audit_report.tool_version, scan_date=audit_report.scan_date,
                    documents=[replace(d.report, service=service) for d in audit_report.documents])
    path = Path(db_path) if db_path else default_db_path()
    try:
        run_id = record_run(path, report, "audit", readiness=audit_report.readiness.score)
    except ConformcheckError as exc:
        fail(exc.message)
    click.echo(f"Historique : pré-audit n° {run_id} du service « {service} » enregistré dans {path}.", err=True)


@click.command()
@click.argument("entrees", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "outputs", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="Fichier de synthèse (.html, .csv ou .xlsx) ; l'option peut être répétée.")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "xlsx"]),
              help="Impose le format (sinon déduit de l'extension de chaque fichier).")
@click.option("--history-db", type=click.Path(dir_okay=False), metavar="CHEMIN",
              help="Base d'historique dont la synthèse montre l'évolution de chaque service (défaut : "
                   "~/.local/share/conformcheck/historique.sqlite, si elle existe).")
def synthese(entrees: tuple[str, ...], outputs: tuple[str, ...], fmt: str | None, history_db: str | None) -> None:
    """Synthèse d'un réseau à partir de rapports JSON (« scan --format json ») ou de résultats d'analyse par
    lots (JSON Lines) : taux par service et par type de document, par thème, écarts les plus fréquents."""
    from conformcheck.consolidate import format_of, write_consolidated
    from conformcheck.consolidate.load import read_inputs
    from conformcheck.history import trend_if_recorded

    try:
        for output in outputs:
            format_of(output, fmt)
        documents = read_inputs(list(entrees))
        if not documents:
            fail("aucun document dans les entrées.")
        trend = trend_if_recorded(history_db)
        for output in outputs:
            write_consolidated(documents, output, fmt, trend=trend)
            click.echo(f"Synthèse écrite dans {output}.", err=True)
    except InputError as exc:  # an input report that cannot be read, as an unreadable document for `scan`
        fail(exc.message, EXIT_INPUT)
    except ConformcheckError as exc:
        fail(exc.message)
    sys.exit(EXIT_OK)
