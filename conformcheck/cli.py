"""Command line entry point: the `conformcheck` group and its commands, each in its own module (`scan`:
cli_scan, `rules`: cli_rules, `packs`: cli_packs, `audit` and `synthese`: cli_audit, `history`: cli_history),
and `schema`."""

from __future__ import annotations

import gc
import json
from importlib import import_module
from pathlib import Path

import click

from conformcheck import __version__
from conformcheck.cli_common import fail, pause_gc, resume_gc
from conformcheck.errors import ConformcheckError, os_error_fr

# Each command's module is imported when the command runs (or `--help` lists it): a scan does not pay for
# the imports of the others.
COMMANDS = {"scan": "conformcheck.cli_scan:scan", "rules": "conformcheck.cli_rules:rules",
            "packs": "conformcheck.cli_packs:packs", "audit": "conformcheck.cli_audit:audit",
            "synthese": "conformcheck.cli_audit:synthese", "history": "conformcheck.cli_history:history"}


class LazyGroup(click.Group):
    """A group whose commands named in COMMANDS are imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, _, name = COMMANDS[cmd_name].partition(":")
            command: click.Command = getattr(import_module(module), name)
            return command
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                          list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # suggest among every command, not only those loaded
            raise click.exceptions.NoSuchCommand(exc.command_name, possibilities=self.list_commands(ctx),
                                                 ctx=ctx) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             subcommand_metavar="COMMANDE [ARGS]...")
@click.version_option(__version__, prog_name="conformcheck", message="%(prog)s %(version)s")
def cli() -> None:
    """Vérifie la conformité réglementaire des documents des services à domicile
    (livret d'accueil, règlement de fonctionnement, contrat / DIPC, devis)."""


@cli.command()
@click.option("--pack", "editor", is_flag=True, help="Écrit les schémas de pack.yaml et des fichiers de règles "
              "(pack.schema.json, rules.schema.json) pour les éditeurs.")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Dossier où écrire les schémas (avec --pack).")
def schema(editor: bool, output_dir: str) -> None:
    """Affiche le schéma JSON des fichiers de pack (--pack : l'écrit pour les éditeurs)."""
    from conformcheck.packs.schema import json_schema, write_editor_schemas

    if editor:
        try:
            written = write_editor_schemas(Path(output_dir))
        except OSError as exc:
            fail(f"impossible d'écrire les schémas dans {output_dir} ({os_error_fr(exc)}).")
        for path in written:
            click.echo(f"Schéma écrit : {path}")
        return
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def main(gc_paused: bool = False) -> None:
    """The `conformcheck` command. `gc_paused`: the caller disabled the garbage collector for us (see
    __main__.py); otherwise it is paused here, unless the caller had disabled it on purpose."""
    if gc_paused or gc.isenabled():
        pause_gc()
    try:
        cli(standalone_mode=True)
    except ConformcheckError as exc:
        fail(exc.message)
    finally:
        resume_gc()
        # The process ends here. Its last garbage collection would traverse every object still alive (rules,
        # phrase index, regex plans: ~100,000) to find cycles nobody will reuse (~20 ms of a 10-page scan);
        # frozen, they are skipped. Atexit handlers and refcount deallocation still run as usual.
        gc.freeze()


if __name__ == "__main__":
    main()
