"""Every bundled rule has a theme; scans give per-theme rates; the JSON report reads them back."""

from __future__ import annotations

from datetime import date

from conformcheck.model import NO_THEME, THEMES, Finding, Severity, Status
from conformcheck.report.json_report import report_from_json
from conformcheck.scan import ScanOptions, theme_scores

ROOT_SAMPLES = "samples/livret_defectueux.pdf"


def test_every_bundled_rule_has_a_theme(packs):
    missing = [rule.id for pack in packs for rule in pack.rules if rule.theme not in THEMES]
    assert not missing
    assert {rule.theme for pack in packs for rule in pack.rules} == set(THEMES)


def test_theme_scores_count_applicable_findings_and_put_untagged_rules_apart():
    def finding(theme, status):
        return Finding(rule_id="x.y", pack="x", title="t", status=status, severity=Severity.error, message="m",
                       fix="f", theme=theme)

    scores = theme_scores([finding("droits_recours", Status.conforme), finding("droits_recours", Status.manquant),
                           finding(None, Status.conforme), finding("accueil_information", Status.non_applicable)])
    assert list(scores) == ["droits_recours", NO_THEME]
    assert (scores["droits_recours"].met, scores["droits_recours"].applicable) == (1, 2)


def test_scan_fills_theme_score_and_json_round_trips(python_scanner):
    from conformcheck import __version__
    from conformcheck.model import Report

    doc = python_scanner.scan_path(ROOT_SAMPLES, ScanOptions(scan_date=date(2026, 12, 1)))
    assert doc.theme_score and set(doc.theme_score) <= set(THEMES)
    assert sum(s.applicable for s in doc.theme_score.values()) == doc.score["document"].applicable
    assert all(f.theme in THEMES for f in doc.findings)
    report = Report(tool_version=__version__, scan_date="2026-12-01", documents=[doc])
    assert report_from_json(report.to_json()).to_json() == report.to_json()
