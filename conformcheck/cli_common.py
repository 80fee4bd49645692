"""What every command shares: exit codes, the French usage error, and the garbage collector's pause."""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

import click

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


def fail(message: str) -> NoReturn:
    """A usage or pack error: a French message on stderr and exit code 2."""
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(EXIT_USAGE)


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
