"""The results store of a batch: a JSON Lines file, one line per finished file, appended as each result arrives.

Each line is flushed and fsync'd, so a batch killed at any moment keeps everything already computed; a line
cut short by the kill is ignored when the store is read back. The line shape (read by other tools, such as the
consolidated report) is:

    {"path": absolute path, "sha256": str | null, "size": int | null, "service": str | null,
     "context": {given context values}, "scanned_at": ISO datetime, "tool_version": str,
     "settings": fingerprint of the rules, reference date and context sources, "report": DocumentReport as JSON}

The last line of a path is its current result. A rerun reuses it when the file's content, service, context,
tool version and settings are unchanged, unless the result was a time-out or a crash (worth retrying).
While a batch uses the store, it holds a lock (`<store>.lock`): a second batch on the same file is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from conformcheck.errors import ConformcheckError, os_error_fr

RETRIED_ERRORS = {"delai_depasse", "processus_interrompu", "erreur_interne"}
READ_CHUNK = 1024 * 1024


def file_digest(path: str) -> tuple[str, int] | None:
    """sha256 and size of a file, or None when it cannot be read (the scan will report why)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except (OSError, ValueError):  # ValueError: a path with a NUL byte (from a manifest cell)
        return None
    return digest.hexdigest(), size


def settings_fingerprint(rules_fingerprint: str, reference_date: str, doc_type: str | None,
                         sources: dict[str, str]) -> str:
    """What, besides the file and its context values, decides a result."""
    text = json.dumps([rules_fingerprint, reference_date, doc_type, sorted(sources.items())])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def read_entries(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The entries of a results store, in order. A line that is not one (cut short when a batch was killed
    while writing it) is passed over: what was stored before and after it stays readable."""
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("path"), str) and "report" in entry:
            entries.append(entry)
    return entries


class ResultStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self._lock: IO[bytes] | None = None

    def lock(self) -> None:
        """Take the store for this batch; another batch writing it would interleave and compact it under us."""
        try:
            import fcntl
        except ImportError:  # not on Windows: no lock
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = self.path.with_name(self.path.name + ".lock").open("wb")
        except OSError as exc:
            raise ConformcheckError(f"Impossible d'écrire le fichier de résultats « {self.path} » "
                                    f"({os_error_fr(exc)}) : choisissez-en un autre avec --resultats.") from exc
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            self._lock = None
            raise ConformcheckError(f"Le fichier de résultats « {self.path} » est utilisé par un autre lot en "
                                    "cours : attendez sa fin, ou choisissez un autre fichier avec --resultats."
                                    ) from None

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    def load(self) -> dict[str, dict[str, Any]]:
        """The latest line of every path. A store mostly made of superseded lines is rewritten, compacted."""
        try:
            with self.path.open(encoding="utf-8", errors="replace") as handle:
                entries = read_entries(handle)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConformcheckError(f"Fichier de résultats illisible « {self.path} » ({os_error_fr(exc)}).") from exc
        latest = {entry["path"]: entry for entry in entries}
        if len(entries) > 2 * len(latest) + 50:
            self._rewrite(latest.values())
        return latest

    def _rewrite(self, entries: Any) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a+", encoding="utf-8")
            self._handle.seek(0, os.SEEK_END)
            if self._handle.tell() > 0:
                self._handle.seek(self._handle.tell() - 1)
                if self._handle.read(1) != "\n":  # the previous run was killed in the middle of a line
                    self._handle.write("\n")
        except OSError as exc:
            raise ConformcheckError(f"Impossible d'écrire le fichier de résultats « {self.path} » "
                                    f"({os_error_fr(exc)}) : choisissez-en un autre avec "
                                    "--resultats.") from exc

    def append(self, entry: dict[str, Any]) -> None:
        assert self._handle is not None
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def make_entry(path: str, digest: tuple[str, int] | None, service: str | None, context: dict[str, object],
               settings: str, tool_version: str, report: Any) -> dict[str, Any]:
    from conformcheck.report.json_report import to_json

    return {"path": path, "sha256": digest[0] if digest else None, "size": digest[1] if digest else None,
            "service": service, "context": context,
            "scanned_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "tool_version": tool_version, "settings": settings, "report": json.loads(to_json(report))}


def is_reusable(entry: dict[str, Any] | None, digest: tuple[str, int] | None, service: str | None,
                context: dict[str, object], settings: str, tool_version: str) -> bool:
    if entry is None or digest is None:
        return False
    report = entry.get("report")
    return (isinstance(report, dict) and entry.get("sha256") == digest[0] and entry.get("size") == digest[1]
            and entry.get("service") == service and entry.get("tool_version") == tool_version
            and entry.get("settings") == settings
            and _canonical(entry.get("context")) == _canonical(context)
            and report.get("error_code") not in RETRIED_ERRORS)
