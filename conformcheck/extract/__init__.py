"""Extraction: any input file → a located `Document` (pdf, docx, text, markdown), or an `InputError`.

The format is sniffed from the content, never trusted from the extension. Every failure, whatever the bytes,
surfaces as an `InputError` with a French message and a stable code (see `ERROR_CODES`).
"""

from __future__ import annotations

import os
from pathlib import Path

from conformcheck.errors import InputError
from conformcheck.extract.sniff import format_size, sniff
from conformcheck.model import Document

__all__ = ["ERROR_CODES", "extract"]

#: Every `InputError.code` that `extract` can raise, with what it means.
ERROR_CODES: dict[str, str] = {
    "fichier_introuvable": "the path does not exist, is a directory, or is not a regular file (device, pipe)",
    "fichier_vide": "0 bytes, only whitespace, or a document without any text",
    "trop_volumineux": "over max_bytes, over max_pages, or a DOCX that inflates beyond 20 × max_bytes",
    "format_non_pris_en_charge": "a recognised but unsupported format (image, .doc, .xlsx, .odt, zip, binary…)",
    "pdf_corrompu": "a PDF that PDFium cannot open, without pages, or whose pages are all unreadable",
    "pdf_chiffre": "a PDF that needs a password to open",
    "sans_texte": "a PDF with pages but no text layer (a scan): OCR needed",
    "docx_corrompu": "a DOCX whose ZIP or XML is damaged",
    "lecture_impossible": "anything else: an OS read error or an unexpected failure of a parser",
}


def _not_found(path: str) -> InputError:
    return InputError(f"Fichier introuvable : « {path} ». Vérifiez le chemin puis relancez l'analyse.",
                      "fichier_introuvable")


def _read(path: Path, label: str, max_bytes: int) -> bytes:
    """Check the path and the size, then read the bytes."""
    try:
        if path.is_dir():
            raise InputError(f"« {label} » est un dossier, pas un fichier : indiquez un fichier PDF, Word ou texte.",
                             "fichier_introuvable")
        size = path.stat().st_size
        if not path.is_file():  # a device or a named pipe: reading it could block or never end
            raise InputError(f"« {label} » n'est pas un fichier ordinaire : indiquez un fichier PDF, Word ou texte.",
                             "fichier_introuvable")
    except FileNotFoundError as exc:
        raise _not_found(label) from exc
    except (OSError, ValueError) as exc:  # ValueError: NUL byte in the path
        raise InputError(f"Impossible d'accéder au fichier « {label} » ({exc.__class__.__name__}).",
                         "lecture_impossible") from exc
    if size > max_bytes:
        raise _too_big(size, max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise _not_found(label) from exc
    except PermissionError as exc:
        raise InputError(f"Lecture du fichier « {label} » refusée : vérifiez les droits d'accès.",
                         "lecture_impossible") from exc
    except OSError as exc:
        raise InputError(f"Impossible de lire le fichier « {label} » ({exc.strerror or exc.__class__.__name__}).",
                         "lecture_impossible") from exc
    if len(data) > max_bytes:  # the file grew after stat(), or a special file
        raise _too_big(len(data), max_bytes)
    return data


def _too_big(size: int, max_bytes: int) -> InputError:
    return InputError(
        f"Le fichier est trop volumineux ({format_size(size)}) : la taille maximale est de {format_size(max_bytes)}.",
        "trop_volumineux",
    )


def _empty() -> InputError:
    return InputError("Le fichier est vide : il ne contient aucun texte à analyser.", "fichier_vide")


def _extract(path: Path, label: str, max_bytes: int, max_pages: int) -> Document:
    data = _read(path, label, max_bytes)
    if not data:
        raise _empty()
    found = sniff(data, path.suffix.lower(), max_unzipped=20 * max_bytes)
    if found.fmt == "pdf":
        from conformcheck.extract.pdf import extract_pdf

        return extract_pdf(data, label, max_pages=max_pages)
    if found.fmt == "docx":
        from conformcheck.extract.docx import extract_docx

        document = extract_docx(data, label)
    else:
        from conformcheck.extract.text import extract_text

        if found.text is None or not found.text.strip():
            raise _empty()
        document = extract_text(found.text, label, markdown=found.fmt == "markdown")
    if not document.blocks:
        raise _empty()
    if document.pages > max_pages:
        raise InputError(
            f"Le document compte {document.pages} pages, au-delà de la limite de {max_pages} pages. "
            "Découpez-le en plusieurs fichiers ou relancez l'analyse avec une limite plus élevée.",
            "trop_volumineux",
        )
    return document


def extract(path: str | os.PathLike[str], max_bytes: int = 50 * 1024 * 1024, max_pages: int = 500) -> Document:
    """Read a PDF, DOCX, text or Markdown file into a located `Document`.

    Raises `InputError` (and nothing else) for any unreadable input; its `code` is one of `ERROR_CODES`.
    """
    label = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    try:
        return _extract(Path(label), label, max_bytes, max_pages)
    except InputError:
        raise
    except RecursionError as exc:
        raise InputError("Le fichier est trop profondément imbriqué pour être lu.", "lecture_impossible") from exc
    except MemoryError as exc:
        raise InputError("Mémoire insuffisante pour lire ce fichier.", "lecture_impossible") from exc
    except Exception as exc:  # noqa: BLE001 - the contract: no other exception escapes for any byte content
        raise InputError(
            f"Lecture du fichier impossible (erreur inattendue : {exc.__class__.__name__}). "
            "Vérifiez qu'il s'ouvre dans son logiciel habituel, réenregistrez-le puis relancez l'analyse.",
            "lecture_impossible",
        ) from exc
