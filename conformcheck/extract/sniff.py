"""Format detection from the file content (magic bytes, ZIP members, text decodability)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from conformcheck.errors import InputError

_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control characters other than \t \n \f \r: text holds almost none.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0e-\x1f]")
_HIGH_BYTES = re.compile(b"[\x80-\xff]")

_SUPPORTED = "conformcheck lit les documents PDF contenant du texte, Word (.docx), texte (.txt) et Markdown (.md)."
_RESAVE = "Enregistrez-le au format .docx ou PDF (Word ou LibreOffice : « Enregistrer sous »), puis relancez l'analyse."
_IMAGE = (
    "Si c'est un document numérisé, passez-le dans un logiciel de reconnaissance de caractères (OCR) "
    "qui produit un PDF avec du texte, puis relancez l'analyse."
)

# (magic prefix, French description with its article, advice) for binary formats we recognise but cannot read.
_BINARY_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "une image PNG", _IMAGE),
    (b"\xff\xd8\xff", "une image JPEG", _IMAGE),
    (b"GIF87a", "une image GIF", _IMAGE),
    (b"GIF89a", "une image GIF", _IMAGE),
    (b"II*\x00", "une image TIFF", _IMAGE),
    (b"MM\x00*", "une image TIFF", _IMAGE),
    (b"{\\rtf", "un document RTF", _RESAVE),
    (b"\x1f\x8b", "une archive compressée gzip", _SUPPORTED),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip", _SUPPORTED),
    (b"Rar!\x1a\x07", "une archive RAR", _SUPPORTED),
    (b"%!PS", "un document PostScript", _SUPPORTED),
    (b"\x7fELF", "un programme exécutable", _SUPPORTED),
)


@dataclass(frozen=True)
class Sniffed:
    """Result of the detection: `fmt` is pdf | docx | text | markdown; `text` is set for text formats."""

    fmt: str
    text: str | None = None
    encoding: str | None = None


def unsupported(what: str, advice: str = _SUPPORTED) -> InputError:
    """The error for a recognised but unsupported format (`what` names it in French, with its article)."""
    return InputError(f"Format non pris en charge : ce fichier est {what}. {advice}", "format_non_pris_en_charge")


def _ole_error(data: bytes) -> InputError:
    """Name an OLE2 compound file (old Office formats) from the stream names of its directory."""
    sample = data[: 4 * 1024 * 1024]
    if "WordDocument".encode("utf-16-le") in sample:
        return unsupported("un document Word ancien format (.doc)", _RESAVE)
    if "Workbook".encode("utf-16-le") in sample or "Book".encode("utf-16-le") in sample:
        return unsupported("un classeur Excel ancien format (.xls)")
    if "PowerPoint Document".encode("utf-16-le") in sample:
        return unsupported("une présentation PowerPoint ancien format (.ppt)")
    if "EncryptedPackage".encode("utf-16-le") in sample:
        return InputError(
            "Le fichier est protégé par un mot de passe : conformcheck ne peut pas lire son texte. "
            "Enregistrez une copie sans mot de passe puis relancez l'analyse.",
            "format_non_pris_en_charge",
        )
    return unsupported("un document Microsoft Office ancien format (.doc, .xls ou .ppt)", _RESAVE)


def _sniff_zip(data: bytes, suffix: str, max_unzipped: int) -> Sniffed:
    """A ZIP container: DOCX when it holds word/document.xml, otherwise name what it is."""
    import zipfile  # with shutil, bz2, lzma…: ~4 ms a PDF or text scan does not need

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        if suffix in (".docx", ".docm", ".dotx") or b"word/" in data[:65536]:
            raise InputError(
                "Le document Word est endommagé (archive .docx illisible, peut-être tronquée) : "
                "ouvrez-le dans Word ou LibreOffice, enregistrez-le à nouveau puis relancez l'analyse.",
                "docx_corrompu",
            ) from exc
        raise unsupported("une archive ZIP illisible") from exc
    names = {info.filename for info in infos}
    if "word/document.xml" in names:
        if sum(max(info.file_size, 0) for info in infos) > max_unzipped:
            raise InputError(
                "Le document Word est trop volumineux une fois décompressé "
                f"(limite : {format_size(max_unzipped)}).",
                "trop_volumineux",
            )
        return Sniffed("docx")
    if "xl/workbook.xml" in names:
        raise unsupported("un classeur Excel (.xlsx)")
    if "ppt/presentation.xml" in names:
        raise unsupported("une présentation PowerPoint (.pptx)")
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
        except Exception:  # noqa: BLE001 - any unreadable member just means "unknown"
            mimetype = ""
        if "opendocument.text" in mimetype:
            raise unsupported("un document OpenDocument (.odt)", _RESAVE)
        if "opendocument.spreadsheet" in mimetype:
            raise unsupported("un classeur OpenDocument (.ods)")
        if "opendocument.presentation" in mimetype:
            raise unsupported("une présentation OpenDocument (.odp)")
        if "epub" in mimetype:
            raise unsupported("un livre numérique EPUB")
    raise unsupported("une archive ZIP")


def format_size(size: int) -> str:
    """A byte count in French units: « 512 octets », « 12 Ko », « 50 Mo »."""
    if size < 1024:
        return f"{size} octet" + ("s" if size > 1 else "")
    if size < 1024 * 1024:
        value = size / 1024
        unit = "Ko"
    else:
        value = size / (1024 * 1024)
        unit = "Mo"
    shown = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")
    return f"{shown} {unit}"


def _few_controls(sample: str | bytes) -> bool:
    """Text may hold a stray control character (a DOS end-of-file mark, a vertical tab), not many."""
    pattern = _CONTROL_CHARS if isinstance(sample, str) else _CONTROL_BYTES
    return len(pattern.findall(sample)) <= max(1, len(sample) // 1000)


def _looks_like_text(data: bytes) -> bool:
    """Heuristic for single-byte encodings: (almost) no control bytes and few high bytes."""
    if not data:
        return True
    sample = data[:200_000]
    high = len(_HIGH_BYTES.findall(sample))
    return _few_controls(sample) and high / len(sample) <= 0.3


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Decode text bytes: BOMs, UTF-8, else cp1252 / latin-1 when the bytes clearly are text."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[2:].decode(codec)
            except UnicodeDecodeError:
                return None
            return (text, codec) if _few_controls(text[:200_000]) else None
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        return (text, "utf-8") if _few_controls(text[:200_000]) else None
    if not _looks_like_text(data):
        return None
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff(data: bytes, suffix: str, max_unzipped: int) -> Sniffed:
    """Detect the format of `data` (`suffix` is the lower-case file extension, used only as a hint)."""
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n\x00").startswith(b"%PDF-"):
        return Sniffed("pdf")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(data, suffix, max_unzipped)
    if data.startswith(_OLE_MAGIC):
        raise _ole_error(data)
    for magic, what, advice in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise unsupported(what, advice)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise unsupported("une image WebP", _IMAGE)
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        raise unsupported("une image HEIC/AVIF", _IMAGE)
    if data.startswith(b"BM") and len(data) >= 6 and int.from_bytes(data[2:6], "little") == len(data):
        raise unsupported("une image BMP", _IMAGE)
    if b"%PDF-" in head and b"\x00" not in head:
        # Some producers put junk before the header; PDF readers accept it within the first 1 KiB.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return Sniffed("pdf")
    decoded = decode_text(data)
    if decoded is None:
        raise unsupported("un fichier binaire non reconnu (ni PDF, ni Word, ni texte)")
    text, encoding = decoded
    stripped = text.lstrip()
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        raise unsupported("une page HTML", "Enregistrez-la au format PDF puis relancez l'analyse.")
    if stripped.startswith("<?xml") and "<w:document" in text[:5000]:
        raise unsupported("un document Word au format XML", _RESAVE)
    if suffix in _MARKDOWN_EXTENSIONS or _MARKDOWN_HEADING.search(text):
        return Sniffed("markdown", text, encoding)
    return Sniffed("text", text, encoding)
