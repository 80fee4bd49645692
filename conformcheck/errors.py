"""Errors that reach the user carry a stable code and a French message."""

from __future__ import annotations


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
