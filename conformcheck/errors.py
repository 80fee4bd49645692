"""Errors that reach the user carry a stable code and a French message."""

from __future__ import annotations

import errno


class ConformcheckError(Exception):
    """Base class: `message` is French and shown as is to the user."""

    code = "erreur"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InputError(ConformcheckError):
    """A file could not be read: empty, corrupt, encrypted, scanned, too large, unsupported."""

    code = "entree_illisible"


class PackError(ConformcheckError):
    """A rule pack is invalid: the message names the file, the rule and the problem."""

    code = "pack_invalide"


# The reasons a user meets most, in French; any other keeps the system's wording.
_OS_REASONS_FR = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
}


def os_error_fr(exc: OSError) -> str:
    """Why a file operation failed, in French when the reason is a common one."""
    return _OS_REASONS_FR.get(exc.errno or 0) or exc.strerror or type(exc).__name__
