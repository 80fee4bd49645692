"""`conformcheck scan`: one document, or a batch of many, to a report in the formats asked for."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from conformcheck import __version__
from conformcheck.cli_common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    SectionedCommand,
    fail,
    resume_gc,
    write_output,
)
from conformcheck.errors import ConformcheckError
from conformcheck.model import DOC_TYPES, MODES, REGIMES
from conformcheck.report.formats import FORMATS, plan_outputs
from conformcheck.report.formats import render as render_report

FAIL_ON = ("error", "warning", "info", "jamais")


def _targets(paths: tuple[str, ...], recursive: bool, manifest: Any) -> list[Any]:
    """The files to scan (see batch/files.py); with a manifest and no path, the files the manifest names."""
    from conformcheck.batch.files import expand

    if manifest is not None and not paths:
        from conformcheck.batch.session import manifest_targets

        return manifest_targets(manifest)
    found = expand(paths, recursive)
    for folder in found.empty_folders:
        click.echo(f"Attention : aucun document (.pdf, .docx, .txt, .md) dans le dossier {folder}.", err=True)
    if found.deeper_skipped:
        click.echo(f"Remarque : {found.deeper_skipped} document(s) rangé(s) plus bas que les dossiers de service "
                   "ignoré(s) ; ajoutez -r pour les analyser.", err=True)
    return found.targets


@click.command(cls=SectionedCommand, sections={
    "Rapport": ("formats", "outputs", "show_passed", "quiet", "no_color", "show_all", "anonymiser", "fail_on"),
    "Contexte du service": ("regime", "mode", "hors_etablissement", "prix_mensuel", "doc_type", "scan_date",
                            "config_path"),
    "Règles et adaptations": ("pack_dirs", "only_packs", "select", "ignore", "severity", "waivers", "baseline",
                              "write_baseline", "engine"),
    "Lots": ("recursive", "jobs", "timeout", "force", "manifest_path", "results_path", "syntheses",
             "record_history", "history_db"),
}, epilog="Lots : un dossier donné est un lot dont les sous-dossiers de premier niveau sont les services "
                    "(livrables/<service>/…) ; sans -r, seuls les documents du dossier et de ces sous-dossiers sont "
                    "analysés, avec -r ceux de tous les niveaux. Plusieurs fichiers ou un dossier sont analysés en "
                    "parallèle ; chaque résultat est enregistré dès qu'il est prêt, et une nouvelle exécution "
                    "reprend les fichiers inchangés.")
@click.argument("fichiers", nargs=-1)
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Format du rapport (défaut : texte) : texte, json, html (page autonome), sarif, junit (XML), csv, "
              "md. Répétable : le n-ième -f va avec le n-ième -o ; un -o sans -f prend le format de son extension "
              "(.txt, .json, .html, .sarif, .xml, .csv, .md) ; un seul format sans -o va sur la sortie standard.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Écrit le rapport dans ce fichier (répétable, voir -f).")
@click.option("--show-passed", is_flag=True, help="Rapport texte : liste aussi les exigences conformes.")
@click.option("-q", "--quiet", is_flag=True, help="N'affiche qu'une ligne de bilan par document (et les erreurs).")
@click.option("--no-color", is_flag=True, help="Sans couleurs (aussi avec la variable d'environnement NO_COLOR).")
@click.option("--pack", "pack_dirs", multiple=True, type=click.Path(), help="Dossier de pack supplémentaire.")
@click.option("--seulement", "only_packs", multiple=True, metavar="PACK",
              help="N'utilise que ce pack (casf, consommation…).")
@click.option("--regime", type=click.Choice(REGIMES), help="Régime du service.")
@click.option("--mode", type=click.Choice(MODES), help="Mode d'intervention.")
@click.option("--hors-etablissement/--en-etablissement", "hors_etablissement", default=None,
              help="Contrat signé hors établissement (au domicile) ou non.")
@click.option("--prix-mensuel", type=float, metavar="EUROS", help="Prix mensuel TTC de la prestation, en euros.")
@click.option("--type", "doc_type", type=click.Choice(DOC_TYPES), help="Impose le type de document.")
@click.option("--date", "scan_date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="AAAA-MM-JJ",
              help="Juge selon le droit en vigueur ce jour-là ; date de référence des contrôles de "
              "fraîcheur (AAAA-MM-JJ ; par défaut aujourd'hui).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), help="Gravité à partir de laquelle le code de sortie est 1 "
              "(défaut : error).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Fichier de configuration TOML.")
@click.option("--moteur", "engine", type=click.Choice(["durable", "python"]), help="Moteur de règles.")
@click.option("--tout", "show_all", is_flag=True, help="Liste aussi les exigences non applicables.")
@click.option("--anonymiser", is_flag=True, help="Masque les noms de personnes dans les extraits (plus lent : "
              "charge le modèle de langue français).")
@click.option("--select", multiple=True, metavar="MOTIF", help="N'évalue que ces règles (identifiant, pack, "
              "préfixe ou motif comme casf.livret.*).")
@click.option("--ignore", multiple=True, metavar="MOTIF", help="N'évalue pas ces règles.")
@click.option("--severity", multiple=True, metavar="MOTIF=GRAVITÉ", help="Change la gravité de règles "
              "(error, warning, info), par exemple casf.livret.*=warning.")
@click.option("--waivers", type=click.Path(dir_okay=False), help="Fichier TOML des dérogations décidées.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Référence : n'affiche que les écarts nouveaux.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Enregistre les écarts actuels comme "
              "référence.")
@click.option("-r", "--recursif", "recursive", is_flag=True,
              help="Dossiers : analyse aussi les documents des sous-dossiers à toute profondeur.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Nombre de processus d'analyse en parallèle (défaut : nombre de cœurs).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDES",
              help="Durée maximale d'analyse d'un fichier du lot (défaut : 120) ; au-delà, il est signalé en erreur.")
@click.option("--force", is_flag=True, help="Réanalyse tous les fichiers, même inchangés depuis le dernier passage.")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False),
              help="CSV des services (colonnes chemin, service, regime, mode…) ; sans FICHIERS, analyse ce qu'il "
                   "liste.")
@click.option("--resultats", "results_path", type=click.Path(dir_okay=False), metavar="FICHIER.jsonl",
              help="Fichier des résultats du lot, complété au fil de l'analyse (défaut : dans "
                   "~/.local/share/conformcheck/lots/).")
@click.option("--synthese", "syntheses", multiple=True, type=click.Path(dir_okay=False), metavar="FICHIER",
              help="Écrit aussi la synthèse du lot par service (.html, .csv ou .xlsx ; répétable), comme "
                   "« conformcheck synthese ».")
@click.option("--history", "record_history", is_flag=True, help="Enregistre ce passage dans l'historique.")
@click.option("--history-db", type=click.Path(dir_okay=False), metavar="CHEMIN",
              help="Base d'historique SQLite (défaut : ~/.local/share/conformcheck/historique.sqlite) ; implique "
                   "--history.")
def scan(fichiers: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...], show_passed: bool,
         quiet: bool, no_color: bool, pack_dirs: tuple[str, ...],
         only_packs: tuple[str, ...], regime: str | None, mode: str | None, hors_etablissement: bool | None,
         prix_mensuel: float | None, doc_type: str | None, scan_date: Any, fail_on: str | None,
         config_path: str | None, engine: str | None, show_all: bool, anonymiser: bool, select: tuple[str, ...],
         ignore: tuple[str, ...], severity: tuple[str, ...], waivers: str | None, baseline: str | None,
         write_baseline: str | None, recursive: bool, jobs: int | None, timeout: float | None, force: bool,
         manifest_path: str | None, results_path: str | None, syntheses: tuple[str, ...], record_history: bool,
         history_db: str | None) -> None:
    """Analyse un ou plusieurs documents (ou dossiers) et rend un rapport de conformité."""
    from conformcheck.config import find_config, load_config
    from conformcheck.model import Report
    from conformcheck.packs.cache import load_rules
    from conformcheck.scan import Scanner, ScanOptions, scan_file

    try:
        plan = plan_outputs(formats, outputs)
    except ValueError as exc:
        fail(str(exc))
    try:
        config_file = Path(config_path) if config_path else find_config(Path.cwd())
        config = load_config(config_file) if config_file else {}
    except ConformcheckError as exc:
        fail(exc.message)
    given, sources = _given_context({"regime": regime, "mode": mode, "hors_etablissement": hors_etablissement,
                                      "prix_mensuel": prix_mensuel}, config)
    when = scan_date.date() if scan_date else config.get("date", date.today())
    threshold = fail_on or config.get("fail_on", "error")
    try:
        manifest = None
        if manifest_path:
            from conformcheck.batch.manifest import load_manifest

            manifest = load_manifest(Path(manifest_path))
        targets = _targets(fichiers, recursive, manifest)
        if not targets:
            fail("aucun fichier à analyser.")
        batch = (len(targets) > 1 or targets[0].in_folder or manifest is not None
                 or any(x is not None for x in (jobs, timeout, results_path)) or force)
        extra_dirs = [*config.get("packs", []), *pack_dirs]
        policy = _policy(config, select, ignore, severity, waivers, baseline)
        packs, index = load_rules(extra_dirs=extra_dirs, only=only_packs)
        if policy:
            packs = policy.select_rules(packs)
        engine = engine or config.get("engine", "durable")
        scanner = None if batch else Scanner(packs, engine=engine, index=index)
    except ConformcheckError as exc:
        fail(exc.message)
    resume_gc()
    scan_options = ScanOptions(context=given, context_sources=sources, doc_type=doc_type or config.get("type"),
                               scan_date=when)
    report = Report(tool_version=__version__, scan_date=when.isoformat())
    interrupted = False
    if scanner is None:
        from conformcheck.batch.session import run_from_cli

        try:
            interrupted = run_from_cli(targets, manifest, scan_options, report, (packs, index), extra_dirs,
                                       only_packs, engine, jobs=jobs, timeout=timeout, force=force,
                                       results_path=results_path, type_from_option=doc_type is not None,
                                       roots=[*fichiers, *filter(None, [manifest_path])],
                                       selected=frozenset(r.id for p in packs for r in p.rules) if policy else None,
                                       quiet=quiet, anonymise=anonymiser)
        except ConformcheckError as exc:  # the results file is unusable, or workers cannot start
            fail(exc.message)
    else:
        try:
            report.documents.append(scan_file(scanner, targets[0].path, scan_options))
        except KeyboardInterrupt:  # keep what was computed
            interrupted = True
        finally:
            scanner.close()
    if interrupted:
        click.echo("Interrompu : le rapport contient les fichiers déjà analysés"
                   + (" ; passage non enregistré dans l'historique." if record_history or history_db else "."),
                   err=True)
    if anonymiser and scanner is not None:  # a batch masks each result before it is stored
        from conformcheck.analyze.redact import redact_report

        redact_report(report)
    if policy:
        policy.apply(report, when)
    if write_baseline:
        _write_baseline(report, write_baseline)
    _emit(report, plan, {"show_all": show_all, "show_passed": show_passed, "quiet": quiet}, no_color)
    if interrupted:
        sys.exit(130)
    if record_history or history_db:
        _record_history(report, history_db)
    if syntheses:
        _write_syntheses(report, syntheses, with_trend=record_history or bool(history_db), history_db=history_db)
    sys.exit(_exit_code(report, threshold))


def _given_context(options: dict[str, Any], config: dict[str, Any]) -> tuple[dict[str, object], dict[str, str]]:
    """The context the user gives (options first, then the config file) and where each value comes from."""
    from conformcheck.analyze.context import CONTEXT_KEYS

    given: dict[str, object] = {}
    sources: dict[str, str] = {}
    for key in CONTEXT_KEYS:
        if options.get(key) is not None:
            given[key], sources[key] = options[key], "option"
        elif key in config:
            given[key], sources[key] = config[key], "config"
    return given, sources


def _exit_code(report: Any, threshold: str) -> int:
    """3 when a file could not be read; 1 when a gap at or above `--fail-on` is neither waived nor already known
    from the baseline; else 0."""
    from conformcheck.model import GAP_STATUSES, Severity

    if any(d.status == "error" for d in report.documents):
        return EXIT_INPUT
    if threshold == "jamais":
        return EXIT_OK
    rank = Severity(threshold).rank
    failing = any(f.status in GAP_STATUSES and f.severity.rank >= rank and not f.waiver and not f.baseline
                  for d in report.documents for f in d.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _policy(config: dict[str, Any], select: tuple[str, ...], ignore: tuple[str, ...], severity: tuple[str, ...],
            waivers: str | None, baseline: str | None) -> Any:
    """The service's policy (policy.py), or None when neither the options nor the config file set one."""
    from conformcheck.config import POLICY_KEYS

    if not (select or ignore or severity or waivers or baseline or any(k in config for k in POLICY_KEYS)):
        return None
    from conformcheck.policy import build_policy

    return build_policy(config, select, ignore, severity, waivers, baseline)


def _write_baseline(report: Any, path: str) -> None:
    from conformcheck.policy import write_baseline

    try:
        count = write_baseline(report, Path(path))
    except ConformcheckError as exc:
        fail(exc.message)
    click.echo(f"Référence écrite dans {path} : {count} écart(s) enregistré(s).", err=True)


def _record_history(report: Any, db_path: str | None) -> None:
    from conformcheck.history import default_db_path, record_run

    path = Path(db_path) if db_path else default_db_path()
    try:
        run_id = record_run(path, report, "scan")
    except ConformcheckError as exc:
        fail(exc.message)
    click.echo(f"Historique : passage n° {run_id} enregistré dans {path}.", err=True)


def _write_syntheses(report: Any, paths: tuple[str, ...], with_trend: bool, history_db: str | None) -> None:
    """The consolidated report of the batch, with each service's trend when the run is recorded."""
    from conformcheck.consolidate import write_consolidated
    from conformcheck.history import trend_if_recorded

    try:
        trend = trend_if_recorded(history_db) if with_trend else None
        for path in paths:
            write_consolidated(report.documents, path, trend=trend)
            click.echo(f"Synthèse écrite dans {path}.", err=True)
    except ConformcheckError as exc:
        fail(exc.message)


def _emit(report: Any, plan: list[tuple[str, str | None]], options: dict[str, bool], no_color: bool) -> None:
    """Writes each (format, file) of the plan; None is the standard output. Colours only on a terminal."""
    color = not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()
    if options["quiet"] and all(output for _, output in plan):
        plan = [*plan, ("texte", None)]  # the one-line summaries still reach the terminal
    failed = False
    for fmt, output in plan:
        text = render_report(report, fmt, **options, color=color and output is None)
        if output is None:
            click.echo(text, nl=False)
            continue
        if not write_output(output, text):
            failed = True
            continue
        if not options["quiet"]:
            click.echo(f"Rapport {fmt} écrit dans {output}.", err=True)
    if failed:
        sys.exit(EXIT_USAGE)
