"""`conformcheck rules …`: list, show, document and test the rules of the packs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from conformcheck.cli_common import EXIT_USAGE, fail, resume_gc, write_output
from conformcheck.errors import ConformcheckError, os_error_fr


@click.group()
def rules() -> None:
    """Consulter et documenter les règles des packs."""
    resume_gc()  # `rules test` runs hundreds of examples: their garbage is collected as usual


def _packs(pack_dirs: tuple[str, ...], only: tuple[str, ...]) -> Any:
    from conformcheck.packs.loader import load_packs

    try:
        return load_packs(extra_dirs=pack_dirs, only=only)
    except ConformcheckError as exc:
        fail(exc.message)


@rules.command("list")
@click.option("--pack", "only", multiple=True, metavar="PACK",
              help="Identifiant de pack (casf, consommation, arrete2011, nfx50056).")
@click.option("--pack-dir", "pack_dirs", multiple=True, type=click.Path(), help="Dossier de pack supplémentaire.")
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def rules_list(only: tuple[str, ...], pack_dirs: tuple[str, ...], fmt: str) -> None:
    """Liste les règles chargées."""
    from conformcheck.model import SEVERITY_LABELS_FR

    packs = _packs(pack_dirs, only)
    if fmt == "json":
        rows = [{"id": r.id, "pack": p.meta.id, "title": r.title, "kind": r.kind.value, "severity": r.severity.value,
                 "doc_types": list(r.applies_to.doc_types), "legacy": r.legacy,
                 "parts": [f"{r.id}.{part.id}" for part in r.parts]} for p in packs for r in p.rules]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for pack in packs:
        click.echo(f"{pack.meta.id} — {pack.meta.title} ({len(pack.rules)} règles)")
        for rule in sorted(pack.rules, key=lambda r: r.id):
            click.echo(f"  {rule.id:<58} {SEVERITY_LABELS_FR[rule.severity]:<16} {rule.title}")


@rules.command("show")
@click.argument("rule_id")
@click.option("--pack-dir", "pack_dirs", multiple=True, type=click.Path())
def rules_show(rule_id: str, pack_dirs: tuple[str, ...]) -> None:
    """Affiche une règle : références, applicabilité, exemples."""
    from conformcheck.report.rules_doc import rule_markdown

    for pack in _packs(pack_dirs, ()):
        for rule in pack.rules:
            if rule.id == rule_id:
                click.echo(rule_markdown(rule))
                return
    fail(f"règle inconnue : {rule_id} (voir « conformcheck rules list »).")


@rules.command("doc")
@click.option("--pack", "only", multiple=True, metavar="PACK", help="Identifiant de pack.")
@click.option("--pack-dir", "pack_dirs", multiple=True, type=click.Path())
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), help="Écrit un fichier <pack>.md par pack.")
def rules_doc(only: tuple[str, ...], pack_dirs: tuple[str, ...], output_dir: str | None) -> None:
    """Écrit la référence Markdown des règles."""
    from conformcheck.report.rules_doc import pack_markdown

    packs = _packs(pack_dirs, only)
    if output_dir is None:
        click.echo("\n\n".join(pack_markdown(p) for p in packs))
        return
    folder = Path(output_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"impossible de créer le dossier {folder} ({os_error_fr(exc)}).")
    for pack in packs:
        target = folder / f"{pack.meta.id}.md"
        if not write_output(target, pack_markdown(pack) + "\n"):
            sys.exit(EXIT_USAGE)
        click.echo(f"{target} : {len(pack.rules)} règles.")


@rules.command("test")
@click.option("--pack", "only", multiple=True, metavar="PACK", help="Identifiant de pack.")
@click.option("--pack-dir", "pack_dirs", multiple=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def rules_test(only: tuple[str, ...], pack_dirs: tuple[str, ...], fmt: str) -> None:
    """Vérifie les exemples de chaque règle (pour les auteurs de packs ; voir aussi « packs test »)."""
    from conformcheck.cli_packs import run_tests

    packs = _packs(pack_dirs, only)
    run_tests(packs, {p.meta.id for p in packs}, [], fmt)
