"""Progress over time: every recorded scan or audit in a local SQLite database, read back per service.

The schema is versioned: `schema_version` holds the number of migrations applied, and opening a database
applies the missing ones in order, in one transaction. Never edit a released migration: add one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from conformcheck.errors import ConformcheckError
from conformcheck.model import Report, Score, Status

NO_SERVICE = "(sans service)"  # documents scanned outside any service folder or manifest row
DB_NAME = "historique.sqlite"

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, documents with their overall score and counts per status, scores per pack.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, tool_version TEXT NOT NULL, command TEXT NOT NULL,
        reference_date TEXT);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        service TEXT, path TEXT NOT NULL, doc_type TEXT, status TEXT NOT NULL, error_code TEXT,
        applicable INTEGER NOT NULL DEFAULT 0, met INTEGER NOT NULL DEFAULT 0, rate REAL,
        conforme INTEGER NOT NULL DEFAULT 0, manquant INTEGER NOT NULL DEFAULT 0,
        non_conforme INTEGER NOT NULL DEFAULT 0, a_verifier INTEGER NOT NULL DEFAULT 0,
        non_applicable INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX documents_by_run ON documents(run_id, service);
    CREATE TABLE pack_scores (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, pack TEXT NOT NULL,
        applicable INTEGER NOT NULL, met INTEGER NOT NULL, rate REAL, PRIMARY KEY (document_id, pack));
    """,
    # 2: scores per theme of the quality approach (documents recorded before have none).
    """
    CREATE TABLE theme_scores (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, theme TEXT NOT NULL,
        applicable INTEGER NOT NULL, met INTEGER NOT NULL, rate REAL, PRIMARY KEY (document_id, theme));
    """,
    # 3: the readiness score (0–100) of an audit run; scans have none.
    """
    ALTER TABLE runs ADD COLUMN readiness REAL;
    """,
)


class HistoryError(ConformcheckError):
    code = "historique_invalide"


def default_db_path() -> Path:
    from conformcheck.config import user_data_dir

    return user_data_dir() / DB_NAME


def migrate(connection: sqlite3.Connection, migrations: tuple[str, ...] = MIGRATIONS) -> int:
    """Bring the database to the last schema version; returns that version."""
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else 0
    if version > len(migrations):
        raise HistoryError(f"L'historique a été créé par une version plus récente de conformcheck (schéma "
                           f"{version}, cette version connaît le schéma {len(migrations)}) : mettez conformcheck "
                           "à jour.")
    if version == len(migrations):
        return version
    with connection:  # one transaction: a failed migration leaves the database as it was
        connection.execute("BEGIN IMMEDIATE")
        for script in migrations[version:]:
            for statement in filter(str.strip, script.split(";")):
                connection.execute(statement)
        connection.execute("DELETE FROM schema_version")
        connection.execute("INSERT INTO schema_version (version) VALUES (?)", (len(migrations),))
    return len(migrations)


@contextmanager
def open_history(db_path: Path, create: bool = True) -> Iterator[sqlite3.Connection]:
    if not create and not db_path.is_file():
        raise HistoryError(f"Aucun historique dans « {db_path} » : enregistrez un passage avec "
                           "« conformcheck scan … --history ».")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(f"Impossible d'ouvrir l'historique « {db_path} » ({exc}).") from exc
    with closing(connection):
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            migrate(connection)
            yield connection
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"Historique « {db_path} » illisible ou endommagé ({exc}) : indiquez-en un autre "
                               "avec --history-db.") from exc


def _score_rows(document_id: int, scores: dict[str, Score]) -> list[tuple[Any, ...]]:
    return [(document_id, key, score.applicable, score.met, score.rate) for key, score in scores.items()]


def record_run(db_path: Path, report: Report, command: str, started_at: datetime | None = None,
               readiness: float | None = None) -> int:
    """Record a finished run (scan or audit, with the audit's readiness score) and every document of its
    report; returns the run's id."""
    when = (started_at or datetime.now().astimezone()).isoformat(timespec="seconds")
    with open_history(db_path) as connection, connection:
        connection.execute("BEGIN IMMEDIATE")
        run_id = connection.execute(
            "INSERT INTO runs (started_at, tool_version, command, reference_date, readiness) VALUES (?, ?, ?, ?, ?)",
            (when, report.tool_version, command, report.scan_date, readiness)).lastrowid
        for document in report.documents:
            overall = document.score.get("document")
            counts = {status: 0 for status in Status}
            for finding in document.findings:
                counts[finding.status] += 1
            document_id = connection.execute(
                "INSERT INTO documents (run_id, service, path, doc_type, status, error_code, applicable, met, rate,"
                " conforme, manquant, non_conforme, a_verifier, non_applicable)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, document.service, document.path, document.doc_type, document.status, document.error_code,
                 overall.applicable if overall else 0, overall.met if overall else 0,
                 overall.rate if overall else None, *(counts[s] for s in Status))).lastrowid
            assert document_id is not None
            packs = {key: score for key, score in document.score.items() if key != "document"}
            connection.executemany("INSERT INTO pack_scores VALUES (?, ?, ?, ?, ?)", _score_rows(document_id, packs))
            themes = {theme: Score.of([f for f in document.findings if f.theme == theme])
                      for theme in sorted({f.theme for f in document.findings if f.theme is not None})}
            connection.executemany("INSERT INTO theme_scores VALUES (?, ?, ?, ?, ?)",
                                   _score_rows(document_id, themes))
    assert run_id is not None
    return run_id


@dataclass
class ServiceRun:
    """One service in one run: its documents taken together (rates are met / applicable over all of them)."""

    run_id: int
    started_at: str
    command: str
    tool_version: str
    documents: int
    errors: int
    rate: float | None
    readiness: float | None = None  # audit runs: the readiness score, 0–100
    packs: dict[str, float | None] = field(default_factory=dict)
    themes: dict[str, float | None] = field(default_factory=dict)


def _rate(met: int | None, applicable: int | None) -> float | None:
    return round(met / applicable, 3) if applicable else None


def service_history(db_path: Path, services: Iterable[str] | None = None) -> dict[str, list[ServiceRun]]:
    """Service → its runs, oldest first (services sorted by name; NO_SERVICE for documents without one)."""
    wanted = set(services) if services is not None else None
    history: dict[str, list[ServiceRun]] = {}
    by_key: dict[tuple[int, str], ServiceRun] = {}
    with open_history(db_path, create=False) as connection:
        rows = connection.execute(
            "SELECT r.id, r.started_at, r.command, r.tool_version, COALESCE(d.service, ?), COUNT(*),"
            " SUM(d.status = 'error'), SUM(d.applicable), SUM(d.met), r.readiness"
            " FROM documents d JOIN runs r ON r.id = d.run_id"
            " GROUP BY r.id, COALESCE(d.service, ?) ORDER BY r.started_at, r.id", (NO_SERVICE, NO_SERVICE))
        for run_id, started, command, version, service, count, errors, applicable, met, readiness in rows:
            if wanted is None or service in wanted:
                entry = ServiceRun(run_id, started, command, version, count, errors, _rate(met, applicable),
                                   readiness)
                history.setdefault(service, []).append(entry)
                by_key[(run_id, service)] = entry
        for table, attribute in (("pack_scores", "packs"), ("theme_scores", "themes")):
            key_column = "pack" if table == "pack_scores" else "theme"
            rows = connection.execute(
                f"SELECT d.run_id, COALESCE(d.service, ?), s.{key_column}, SUM(s.applicable), SUM(s.met)"  # noqa: S608
                f" FROM {table} s JOIN documents d ON d.id = s.document_id"
                f" GROUP BY d.run_id, COALESCE(d.service, ?), s.{key_column} ORDER BY s.{key_column}",
                (NO_SERVICE, NO_SERVICE))
            for run_id, service, key, applicable, met in rows:
                if (run_id, service) in by_key:
                    getattr(by_key[(run_id, service)], attribute)[key] = _rate(met, applicable)
    return dict(sorted(history.items()))


def service_trend(db_path: Path, services: Iterable[str] | None = None) -> dict[str, list[tuple[str, float | None]]]:
    """Service → chronological (run datetime ISO, overall rate) pairs, for the consolidated report."""
    return {service: [(run.started_at, run.rate) for run in runs]
            for service, runs in service_history(db_path, services).items()}


def trend_if_recorded(db_path: str | Path | None) -> dict[str, list[tuple[str, float | None]]] | None:
    """`service_trend` of the named base, or of the default one if it exists (None when none is named and the
    default base was never created)."""
    path = Path(db_path) if db_path else default_db_path()
    if db_path is None and not path.exists():
        return None
    return service_trend(path)
