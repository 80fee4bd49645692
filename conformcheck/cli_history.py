"""`conformcheck history`: how each service's conformity rates moved between recorded runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from conformcheck.cli_common import fail
from conformcheck.report.labels import PACK_NAMES_FR, change_fr, change_points, date_fr, percent


def _date_fr(started_at: str) -> str:
    """« 2026-12-01T10:05:00+01:00 » as « 01/12/2026 10:05 »."""
    return f"{date_fr(started_at)} {started_at[11:16]}".rstrip()


def _with_changes(runs: list[Any]) -> list[tuple[Any, float | None]]:
    """Each run with its change in points since the last run that had a rate."""
    changes = []
    previous: float | None = None
    for run in runs:
        changes.append((run, change_points(previous, run.rate)))
        previous = run.rate if run.rate is not None else previous
    return changes


def _table(runs: list[Any]) -> list[str]:
    packs = [p for p in PACK_NAMES_FR if any(p in run.packs for run in runs)]  # the bundled packs first
    packs += sorted({p for run in runs for p in run.packs} - set(packs))
    audits = any(run.readiness is not None for run in runs)
    headers = ("Passage", "Commande", "Documents", "Erreurs", "Conformité", "Évolution",
               *(("Préparation",) if audits else ()), *packs)
    rows = []
    for run, change in _with_changes(runs):
        readiness = (("—" if run.readiness is None else f"{run.readiness:.0f} %",) if audits else ())
        rows.append((_date_fr(run.started_at), run.command, str(run.documents), str(run.errors), percent(run.rate),
                     change_fr(change), *readiness, *(percent(run.packs.get(p)) for p in packs)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: tuple[str, ...]) -> str:
        return "  " + "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                                     strict=True)))

    return [line(headers), *(line(r) for r in rows)]


@click.command("history")
@click.argument("services", nargs=-1, metavar="[SERVICE]...")
@click.option("--history-db", "db_path", type=click.Path(dir_okay=False),
              help="Base d'historique SQLite (défaut : historique.sqlite du dossier de données de l'utilisateur, "
                   "~/.local/share/conformcheck).")
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def history(services: tuple[str, ...], db_path: str | None, fmt: str) -> None:
    """Montre l'évolution des taux de conformité de chaque service d'un passage à l'autre
    (passages enregistrés par « conformcheck scan … --history » et « conformcheck audit … --history »)."""
    from conformcheck.errors import ConformcheckError
    from conformcheck.history import default_db_path, service_history

    path = Path(db_path) if db_path else default_db_path()
    try:
        found = service_history(path, services or None)
    except ConformcheckError as exc:
        fail(exc.message)
    missing = [s for s in services if s not in found]
    if missing:
        known = ", ".join(service_history(path)) or "aucun"
        fail(f"service(s) absent(s) de l'historique : {', '.join(missing)}. Services connus : {known}.")
    if fmt == "json":
        payload = {service: [{"run_id": run.run_id, "started_at": run.started_at, "command": run.command,
                              "tool_version": run.tool_version, "documents": run.documents, "errors": run.errors,
                              "rate": run.rate, "change_points": change, "readiness": run.readiness,
                              "packs": run.packs, "themes": run.themes} for run, change in _with_changes(runs)]
                   for service, runs in found.items()}
        click.echo(json.dumps({"history_db": str(path), "services": payload}, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"Aucun passage enregistré dans {path}.")
        return
    blocks = []
    for service, runs in found.items():
        title = f"Service « {service} » — {len(runs)} passage{'s' if len(runs) > 1 else ''}"
        blocks.append("\n".join([title, *_table(runs)]))
    click.echo("\n\n".join(blocks))
