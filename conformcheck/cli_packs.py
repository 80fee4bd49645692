"""`conformcheck packs …`: list, create, test and check rule packs (for pack authors)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from conformcheck.cli_common import fail, resume_gc
from conformcheck.errors import ConformcheckError, PackError, os_error_fr

PACK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TEMPLATE_MARK = "__NOM__"


@click.group()
def packs() -> None:
    """Créer, tester et vérifier des packs de règles."""
    resume_gc()  # tests run hundreds of examples: their garbage is collected as usual


def _given_dirs(folders: tuple[str, ...]) -> list[Path]:
    from conformcheck.packs.loader import discover_pack_dirs

    return discover_pack_dirs(folders, bundled=False, installed=False)


def _with_others(given: list[Path]) -> list[Path]:
    """The bundled and installed pack folders, then `given`; a loaded pack with the id of a given one (the
    installed copy of the pack being written, say) gives way to it."""
    from conformcheck.packs.loader import PACK_FILE, _read_yaml, discover_pack_dirs

    def pack_id(folder: Path) -> object:
        data = _read_yaml(folder / PACK_FILE)
        return data.get("id") if isinstance(data, dict) else None

    ids = {pack_id(folder) for folder in given}
    others = [d for d in discover_pack_dirs() if d not in given and pack_id(d) not in ids]
    return [*others, *given]


@packs.command("list")
@click.option("--pack-dir", "pack_dirs", multiple=True, type=click.Path(), help="Dossier de pack supplémentaire.")
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def packs_list(pack_dirs: tuple[str, ...], fmt: str) -> None:
    """Liste les packs : livrés, installés (paquets Python) et dossiers donnés, avec leur origine et version."""
    from conformcheck.packs.loader import _pack_dirs_in, bundled_rules_dir, installed_packs, load_pack_dirs

    try:
        origins = {d.resolve(): "livré avec conformcheck" for d in _pack_dirs_in(bundled_rules_dir())}
        origins.update({d.resolve(): origin for d, origin in installed_packs()})
        origins.update({d: "dossier" for d in _given_dirs(pack_dirs)})
        loaded = load_pack_dirs(list(origins))
    except ConformcheckError as exc:
        fail(exc.message)
    rows = [{"id": p.meta.id, "title": p.meta.title, "version": p.meta.version, "rules": len(p.rules),
             "origin": origins[Path(p.root)], "path": p.root} for p in loaded]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:<16} {row['version']:<10} {row['rules']:>4} règles  {row['origin']:<28} "
                   f"{row['title']}")


@packs.command("new")
@click.argument("nom")
@click.argument("dossier", default=".", type=click.Path(file_okay=False))
def packs_new(nom: str, dossier: str) -> None:
    """Crée le dossier NOM d'un nouveau pack dans DOSSIER : pack.yaml, une règle d'exemple de chaque sorte,
    un document de test, un README et un pyproject.toml (installable avec pip)."""
    from importlib import resources

    if not PACK_NAME.match(nom):
        fail(f"nom de pack invalide « {nom} » : lettres minuscules, chiffres et _, en commençant par une lettre "
              "(il sert d'identifiant de pack, de préfixe des règles et de nom de module Python).")
    target = Path(dossier) / nom
    if target.exists():
        fail(f"{target} existe déjà : choisissez un autre nom ou un autre dossier.")
    from conformcheck.packs.schema import write_editor_schemas

    templates = resources.files("conformcheck.packs") / "templates"
    written = []
    try:
        for source, relative in _template_files(templates, Path()):
            destination = target / str(relative).replace(TEMPLATE_MARK, nom)
            destination.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8").replace(TEMPLATE_MARK, nom)
            destination.with_name(destination.name.removesuffix(".tmpl")).write_text(text, encoding="utf-8")
            written.append(destination)
        written.extend(write_editor_schemas(target / "schemas"))  # those of this conformcheck version
    except OSError as exc:
        fail(f"impossible de créer le pack dans {target} ({os_error_fr(exc)}).")
    click.echo(f"Pack « {nom} » créé dans {target} ({len(written)} fichiers). Ensuite :\n"
               f"  conformcheck packs check {target}\n  conformcheck packs test {target}\n"
               f"  pip install {target if target.is_absolute() else f'./{target}'}"
               "    # puis : conformcheck packs list\n"
               "Le guide : docs/ecrire-un-pack.md.")


def _template_files(folder: Any, relative: Path) -> list[tuple[Any, Path]]:
    files = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            files.extend(_template_files(item, relative / item.name))
        else:
            files.append((item, relative / item.name))
    return files


def _fixture_dirs(folders: tuple[str, ...], given: list[Path]) -> list[Path]:
    """`tests/` folders of the given folders and of the pack folders and their parents (a pip project keeps
    its tests beside the package, so they are not installed)."""
    candidates = [Path(f) / "tests" for f in folders] + [d / "tests" for d in given]
    candidates += [d.parent / "tests" for d in given]
    return list(dict.fromkeys(c.resolve() for c in candidates if c.is_dir()))


def run_tests(packs_loaded: list[Any], tested: set[str], fixture_dirs: list[Path], fmt: str) -> None:
    """Run and print the tests of the packs in `tested`; exit 1 on any failure (shared with `rules test`)."""
    from conformcheck.packs.testing import FixtureError, run_pack_tests

    try:
        results = run_pack_tests(packs_loaded, tested, fixture_dirs)
    except FixtureError as exc:
        fail(str(exc))
    failures = sum(len(r.failures) for r in results)
    checks = sum(r.checks for r in results)
    if fmt == "json":
        click.echo(json.dumps({"ok": not failures, "checks": checks, "failures": failures,
                               "rules": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2))
    else:
        for result in results:
            mark = "✓" if not result.failures else "✗"
            click.echo(f"{mark} {result.rule_id:<56} exemples réussis {result.passed}/{result.checks}, "
                       f"faux positifs {result.count('faux_positif')}, "
                       f"faux négatifs {result.count('faux_negatif')}")
            for failure in result.failures:
                text = f" « {failure.text} »" if failure.text else ""
                click.echo(f"    ÉCHEC {failure.source}{text} : attendu {failure.expected}, obtenu {failure.got}")
        click.echo(f"Exemples : {checks - failures} conformes à l'attendu, {failures} en échec.")
    sys.exit(1 if failures else 0)


@packs.command("test")
@click.argument("dossiers", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def packs_test(dossiers: tuple[str, ...], fmt: str) -> None:
    """Teste un pack : les exemples de chaque règle et les documents de tests/ (avec leurs *.expected.yaml)."""
    from conformcheck.packs.loader import PACK_FILE, load_pack_dirs

    try:
        given = _given_dirs(dossiers)
        loaded = load_pack_dirs(_with_others(given))
    except ConformcheckError as exc:
        fail(exc.message)
    tested = {p.meta.id for p in loaded if Path(p.root) in given}
    if not tested:
        fail(f"aucun pack ({PACK_FILE}) dans {', '.join(dossiers)}.")
    run_tests(loaded, tested, _fixture_dirs(dossiers, given), fmt)


@packs.command("check")
@click.argument("dossiers", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def packs_check(dossiers: tuple[str, ...], fmt: str) -> None:
    """Vérifie un pack : schéma, identifiants en double ou en conflit avec les packs chargés, expressions
    régulières, références sans date, exemples manquants ou qui n'exercent pas la règle."""
    from conformcheck.packs.lint import Issue, check_pack_dir, exercise_issues, rule_files
    from conformcheck.packs.loader import _resolve_shared_wording, load_pack
    from conformcheck.scan import Scanner

    try:
        given = _given_dirs(dossiers)
        others = [load_pack(d) for d in _with_others(given) if d not in given]  # ids only: no `same_as` needed
    except ConformcheckError as exc:
        fail(exc.message)
    issues: list[Issue] = []
    checked = []
    for directory in given:
        found, pack = check_pack_dir(directory, others)
        issues.extend(found)
        if pack is not None:
            checked.append(pack)
            others.append(pack)  # the next given folders are checked against it too
    try:  # `same_as` wordings resolved across every loaded pack, as a scan does
        resolved = [p for p in _resolve_shared_wording(others) if any(p.root == c.root for c in checked)]
    except PackError as exc:
        issues.append(Issue("erreur", ", ".join(c.root for c in checked), 0, exc.message))
        resolved = []
    for pack in resolved:
        scanner = Scanner([pack], engine="python")
        issues.extend(exercise_issues(pack, scanner, rule_files(Path(pack.root))))
    errors = sum(1 for i in issues if i.level == "erreur")
    if fmt == "json":
        click.echo(json.dumps({"ok": not errors, "errors": errors, "warnings": len(issues) - errors,
                               "issues": [vars(i) for i in issues]}, ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            click.echo(str(issue))
        click.echo(f"{len(given)} pack(s) vérifié(s) : {errors} erreur(s), {len(issues) - errors} avertissement(s).")
    sys.exit(1 if errors else 0)
