"""What every command shares: exit codes, the French usage error, writing a report file, and the garbage
collector's pause."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from conformcheck import cli_fr

# Before any command module declares its options: click names a path parameter (« fichier », « dossier »)
# when the parameter is declared, so installed later, the catalogue would leave « File 'x' est un dossier ».
cli_fr.install()

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


class SectionedCommand(click.Command):
    """A command whose `--help` lists its options under headings (`sections`: heading → parameter names, in
    order); options not named go under « Autres options »."""

    def __init__(self, *args: Any, sections: dict[str, tuple[str, ...]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = {param.name: param.get_help_record(ctx) for param in self.get_params(ctx)}
        named = {name for names in self.sections.values() for name in names}
        groups = [(title, [records[n] for n in names if records.get(n)]) for title, names in self.sections.items()]
        groups.append(("Autres options", [r for n, r in records.items() if r and n not in named]))
        for title, rows in groups:
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)  # type: ignore[arg-type]


def fail(message: str, exit_code: int = EXIT_USAGE) -> NoReturn:
    """A French message on stderr and the exit code: 2 (usage or pack error) unless told otherwise."""
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(exit_code)


def write_output(path: str | Path, text: str) -> bool:
    """Writes a report file; on failure tells why in French on stderr and returns False."""
    from conformcheck.errors import os_error_fr

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"Erreur : impossible d'écrire {path} ({os_error_fr(exc)}).", err=True)
        return False
    return True


# The garbage collector is paused while a command starts (imports, then the rules, phrase index and regex
# plans: ~100,000 objects that live until the process ends): it would traverse them again and again, only
# to find no garbage (~8 ms of a 10-page scan). Once they are loaded they are frozen out of its reach and
# it runs again, so a batch of documents is collected as usual.
_gc_paused = False


def pause_gc() -> None:
    global _gc_paused
    gc.disable()
    _gc_paused = True


def resume_gc() -> None:
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()
