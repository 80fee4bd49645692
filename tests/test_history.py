"""The SQLite history: migrations, what a run records, trends per service, and `conformcheck history`."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli
from conformcheck.history import (
    MIGRATIONS,
    NO_SERVICE,
    HistoryError,
    migrate,
    record_run,
    service_history,
    service_trend,
)
from conformcheck.model import DocumentReport, Finding, Report, Score, Severity, Status


def finding(rule_id: str, status: Status, theme: str | None, pack: str = "casf") -> Finding:
    return Finding(rule_id=rule_id, pack=pack, title="t", status=status, severity=Severity.error, message="m",
                   fix="f", theme=theme)


def document(path: str, service: str | None, statuses: list[Status], theme: str | None = "contractualisation"
             ) -> DocumentReport:
    findings = [finding(f"casf.r{i}", s, theme if i % 2 else None) for i, s in enumerate(statuses)]
    return DocumentReport(path=path, status="ok", service=service, doc_type="contrat", findings=findings,
                          score={"document": Score.of(findings), "casf": Score.of(findings)})


def report(*documents: DocumentReport) -> Report:
    return Report(tool_version="0.1.0", scan_date="2026-01-15", documents=list(documents))


C, M = Status.conforme, Status.manquant


def test_runs_are_recorded_and_trends_computed_per_service(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    first = report(document("a.pdf", "nord", [C, M, M, M]), document("b.pdf", "nord", [C, C]),
                   document("c.pdf", None, [C, Status.a_verifier]),
                   DocumentReport(path="d.pdf", status="error", service="sud", error_code="pdf_corrompu", error="x"))
    record_run(db, first, "scan", datetime.fromisoformat("2026-01-15T09:00:00+01:00"))
    second = report(document("a.pdf", "nord", [C, C, C, M]), document("b.pdf", "nord", [C, C]))
    run_id = record_run(db, second, "audit", datetime.fromisoformat("2026-07-15T09:00:00+02:00"))
    assert run_id == 2
    history = service_history(db)
    assert list(history) == [NO_SERVICE, "nord", "sud"]
    before, after = history["nord"]
    assert (before.documents, before.errors, before.rate) == (2, 0, 0.5)  # 3 met of 6 applicable
    assert (after.command, after.rate, after.packs["casf"]) == ("audit", round(5 / 6, 3), round(5 / 6, 3))
    assert after.themes == {"contractualisation": round(2 / 3, 3)}  # findings without a theme: left out
    assert history["sud"][0].errors == 1 and history["sud"][0].rate is None
    assert service_trend(db, ["nord"]) == {"nord": [("2026-01-15T09:00:00+01:00", 0.5),
                                                    ("2026-07-15T09:00:00+02:00", round(5 / 6, 3))]}
    with sqlite3.connect(db) as connection:
        counts = connection.execute("SELECT conforme, manquant, a_verifier FROM documents WHERE path = 'c.pdf'")
        assert counts.fetchone() == (1, 0, 1)


def test_a_version_1_database_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "ancien.sqlite"
    connection = sqlite3.connect(db, isolation_level=None)
    assert migrate(connection, MIGRATIONS[:1]) == 1
    connection.execute("INSERT INTO runs VALUES (1, '2025-06-01T10:00:00+02:00', '0.0.9', 'scan', '2025-06-01')")
    connection.execute("INSERT INTO documents (id, run_id, service, path, status, applicable, met, rate)"
                       " VALUES (1, 1, 'nord', 'a.pdf', 'ok', 4, 1, 0.25)")
    connection.close()
    record_run(db, report(document("a.pdf", "nord", [C, C, C, M])), "scan")
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
        assert check.execute("SELECT COUNT(*) FROM theme_scores").fetchone() == (1,)
    (old, new) = service_history(db)["nord"]
    assert (old.rate, old.themes, new.rate) == (0.25, {}, 0.75)
    assert old.readiness is None and new.readiness is None  # column added by migration 3, empty for scans


def test_newer_or_damaged_databases_are_refused_in_french(tmp_path: Path) -> None:
    newer = tmp_path / "futur.sqlite"
    with sqlite3.connect(newer) as connection:
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (99)")
    with pytest.raises(HistoryError, match="version plus récente"):
        service_history(newer)
    damaged = tmp_path / "abime.sqlite"
    damaged.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(HistoryError, match="illisible ou endommagé"):
        record_run(damaged, report(), "scan")
    with pytest.raises(HistoryError, match="Aucun historique"):
        service_history(tmp_path / "absent.sqlite")


def test_history_command_texts_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    record_run(db, report(document("a.pdf", "nord", [C, M, M, M])), "scan",
               datetime.fromisoformat("2026-01-15T09:00:00+01:00"))
    record_run(db, report(document("a.pdf", "nord", [C, M])), "scan",
               datetime.fromisoformat("2026-07-15T09:00:00+02:00"))
    result = CliRunner().invoke(cli, ["history", "--history-db", str(db)])
    assert result.exit_code == 0
    assert "Service « nord » — 2 passages" in result.output and "↑ +25,0 pts" in result.output
    assert "15/07/2026 09:00" in result.output and "50 %" in result.output
    result = CliRunner().invoke(cli, ["history", "sud", "--history-db", str(db)])
    assert result.exit_code == 2 and "Services connus : nord" in result.stderr
    result = CliRunner().invoke(cli, ["history", "--history-db", str(tmp_path / "rien.sqlite")])
    assert result.exit_code == 2 and "Aucun historique" in result.stderr
    data = json.loads(CliRunner().invoke(cli, ["history", "--history-db", str(db), "--format", "json"]).output)
    assert [run["change_points"] for run in data["services"]["nord"]] == [None, 25.0]


def test_scan_records_its_run_in_the_default_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    sample = Path(__file__).resolve().parent.parent / "samples" / "devis_conforme.pdf"
    result = CliRunner().invoke(cli, ["scan", str(sample), "--history", "--format", "json"])
    assert result.exit_code in (0, 1) and "passage n° 1 enregistré" in result.stderr
    (runs,) = service_history(tmp_path / "conformcheck" / "historique.sqlite").values()
    assert runs[0].documents == 1 and runs[0].rate is not None


def test_audits_are_recorded_with_their_readiness_and_feed_the_synthesis_trend(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    services = Path(__file__).resolve().parent.parent / "samples" / "services"
    db = tmp_path / "historique.sqlite"
    runner = CliRunner()
    for folder in ("incomplet", "complet"):  # the service completed its document set between two audits
        result = runner.invoke(cli, ["audit", str(services / folder), "--service", "Les Tilleuls", "--date",
                                     "2026-12-01", "--history-db", str(db), "--format", "json"])
        assert result.exit_code in (0, 1), result.output
    shown = json.loads(runner.invoke(cli, ["history", "Les Tilleuls", "--history-db", str(db), "--format",
                                           "json"]).stdout)
    before, after = shown["services"]["Les Tilleuls"]
    assert before["command"] == after["command"] == "audit"
    assert before["readiness"] < after["readiness"] == 100
    table = runner.invoke(cli, ["history", "--history-db", str(db)]).stdout
    assert "Préparation" in table and "100 %" in table

    report = tmp_path / "rapport.json"
    runner.invoke(cli, ["scan", str(services / "complet" / "contrat.md"), "-f", "json", "-o", str(report)])
    workbook = tmp_path / "reseau.xlsx"
    result = runner.invoke(cli, ["synthese", str(report), "-o", str(workbook), "--history-db", str(db)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(workbook, read_only=True)["Évolution"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["Les Tilleuls", "Les Tilleuls"]
