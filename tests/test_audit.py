"""Pre-audit of a service's folder on the two sample services (complete and incomplete)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.audit.extract_ids import luhn_valid
from conformcheck.audit.render import render_html, render_json
from conformcheck.audit.run import run_audit
from conformcheck.cli import cli
from conformcheck.model import Status
from conformcheck.scan import ScanOptions

SERVICES = Path(__file__).resolve().parent.parent / "samples" / "services"
WHEN = date(2026, 12, 1)
WEIGHTS = {"error": 3.0, "warning": 1.0, "info": 0.5}  # the weights the score formula documents
CONTEXT_FLAGS = ("modes", "hors_etablissement", "majeur", "mineurs", "habilite_aide_sociale", "plan_aide",
                 "min_prix_mensuel")


def audit(scanner, name: str, regime: str | None = None):
    given = {"regime": regime} if regime else {}
    options = ScanOptions(context=dict(given), context_sources=dict.fromkeys(given, "option"), scan_date=WHEN)
    return run_audit(SERVICES / name, scanner, options, given)


def statuses(checks):
    return {c.id: c.status for c in checks}


@pytest.fixture(scope="module")
def complet(python_scanner):
    return audit(python_scanner, "complet")


@pytest.fixture(scope="module")
def incomplet(python_scanner):
    return audit(python_scanner, "incomplet")


def test_complete_service_has_every_document_and_agreeing_documents(complet):
    kinds = {Path(d.path).name: d.kind for d in complet.documents}
    assert kinds == {"charte.md": "charte", "contrat.md": "contrat", "devis.md": "devis",
                     "livret.md": "livret_accueil", "reglement.md": "reglement_fonctionnement"}
    assert complet.regime == "casf_autorise" and complet.regime_source == "document"
    assert set(statuses(complet.required).values()) == {Status.conforme}
    assert statuses(complet.cross) == {
        "audit.annexes.charte": Status.conforme, "audit.annexes.reglement": Status.conforme,
        "audit.identite.numeros": Status.conforme, "audit.identite.nom": Status.conforme,
        "audit.prix.devis_contrat": Status.conforme, "audit.reglement.date_revision": Status.conforme}
    assert complet.readiness.score == 100.0
    assert not complet.actions


def test_incomplete_service_misses_the_reglement_and_disagrees_on_siret_and_prices(incomplet):
    required = statuses(incomplet.required)
    assert required.pop("audit.document.reglement_fonctionnement") == Status.manquant
    assert set(required.values()) == {Status.conforme}  # the livret reproduces the charte and the notice
    cross = {c.id: c for c in incomplet.cross}
    assert cross["audit.annexes.reglement"].status == Status.manquant
    assert cross["audit.identite.numeros"].status == Status.non_conforme
    assert "44318726500014" in cross["audit.identite.numeros"].explanation
    assert "51273908400014" in cross["audit.identite.numeros"].explanation
    assert cross["audit.prix.devis_contrat"].status == Status.non_conforme
    assert "29,50" in cross["audit.prix.devis_contrat"].explanation
    assert "audit.reglement.date_revision" not in cross  # no règlement to date
    assert incomplet.readiness.score is not None and incomplet.readiness.score < 100
    blocking = [a for a in incomplet.actions if a.blocking]
    assert blocking and incomplet.actions[: len(blocking)] == blocking  # blocking actions come first
    assert any(a.document == "règlement de fonctionnement" for a in blocking)


def test_unknown_regime_turns_missing_documents_into_points_to_check(python_scanner, tmp_path):
    (tmp_path / "devis.md").write_text((SERVICES / "complet" / "devis.md").read_text(encoding="utf-8")
                                       .replace("Service autonomie à domicile autorisé", "Service"), encoding="utf-8")
    report = run_audit(tmp_path, python_scanner, ScanOptions(scan_date=WHEN), {})
    if report.regime is None:
        assert statuses(report.required)["audit.document.livret_accueil"] == Status.a_verifier
    report = run_audit(tmp_path, python_scanner, ScanOptions(context={"regime": "sap_declare"},
                                                             context_sources={"regime": "option"}, scan_date=WHEN),
                       {"regime": "sap_declare"})
    found = statuses(report.required)
    assert found["audit.document.livret_accueil"] == Status.non_applicable
    assert found["audit.document.devis"] == Status.conforme
    assert found["audit.document.contrat"] == Status.a_verifier or found["audit.document.contrat"] == Status.manquant


def test_old_reglement_is_non_conforme_and_undated_is_manquant(python_scanner, tmp_path):
    text = (SERVICES / "complet" / "reglement.md").read_text(encoding="utf-8")
    old = text.replace("2025", "2019").replace("juin 2030", "juin 2024")
    (tmp_path / "reglement.md").write_text(old, encoding="utf-8")
    report = run_audit(tmp_path, python_scanner, ScanOptions(scan_date=WHEN), {"regime": "casf_autorise"})
    check = next(c for c in report.cross if c.id == "audit.reglement.date_revision")
    assert check.status == Status.non_conforme and "2019" in check.explanation
    undated = "\n".join(line for line in text.splitlines() if "2025" not in line and "2030" not in line)
    (tmp_path / "reglement.md").write_text(undated, encoding="utf-8")
    report = run_audit(tmp_path, python_scanner, ScanOptions(scan_date=WHEN), {"regime": "casf_autorise"})
    assert next(c for c in report.cross if c.id == "audit.reglement.date_revision").status == Status.manquant


def test_luhn():
    assert luhn_valid("44318726500014") and not luhn_valid("44318726500015")


def test_audit_command_formats(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", str(SERVICES / "incomplet"), "--date", "2026-12-01"])
    assert result.exit_code == 1, result.output
    assert "PLAN D'ACTION" in result.output and "règlement de fonctionnement — manquant" in result.output
    out = tmp_path / "audit.json"
    result = runner.invoke(cli, ["audit", str(SERVICES / "complet"), "--date", "2026-12-01", "--format", "json",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["readiness"]["score"] == 100.0 and len(data["documents"]) == 5
    assert data["documents"][0]["report"]["findings"]
    html = tmp_path / "audit.html"
    result = runner.invoke(cli, ["audit", str(SERVICES / "incomplet"), "--date", "2026-12-01", "--format", "html",
                                 "-o", str(html)])
    page = html.read_text(encoding="utf-8")
    assert 'data-check="audit.prix.devis_contrat" data-status="non_conforme"' in page
    assert "<script" not in page


def test_missing_document_weighs_every_requirement_of_its_type(incomplet, packs):
    """The missing règlement of a service autorisé CASF weighs as an empty règlement would: every requirement
    in force that asks it for content (legacy rules, forbidden clauses, outdated wordings and requirements
    triggered by a clause left out), all unmet; those that depend on unknown context are « à vérifier »."""
    in_regime = [rule for pack in packs for rule in pack.rules
                 if "reglement_fonctionnement" in rule.applies_to.doc_types and not rule.legacy
                 and rule.kind.value in ("mention", "value", "python") and not rule.applies_to.when_present
                 and rule.absent_on.get("reglement_fonctionnement", rule.absent) == "manquant"
                 and (rule.applies_to.regimes is None or "casf_autorise" in rule.applies_to.regimes)]
    undecided = {rule.id for rule in in_regime if any(getattr(rule.applies_to, k) is not None for k in CONTEXT_FLAGS)}
    unmet = [rule for rule in in_regime if rule.id not in undecided]
    weight = sum(WEIGHTS[rule.severity.value] for rule in unmet)
    check = next(c for c in incomplet.required if c.id == "audit.document.reglement_fonctionnement")
    assert check.status == Status.manquant
    assert sorted(check.absent_requirements) == sorted(rule.id for rule in unmet) and len(unmet) >= 15
    assert set(check.absent_to_check) == undecided
    assert check.absent_weight == weight
    assert f"Ses {len(unmet)} exigences applicables" in check.explanation
    readiness = incomplet.readiness
    before = 100 * readiness.met_weight / (readiness.applicable_weight - weight)  # the document as one check
    assert readiness.score == round(100 * readiness.met_weight / readiness.applicable_weight, 1)
    assert readiness.score <= before - 10  # clearly lower: 94 % before, 80 % now


def test_audit_html_in_chromium(incomplet, tmp_path, chromium):
    """The page a director reads, opened in Chromium: the figures are the JSON's, every check is there, the
    sections come in the reading order, and it prints on A4."""
    import pypdfium2

    out = tmp_path / "audit.html"
    out.write_text(render_html(incomplet), encoding="utf-8")
    data = json.loads(render_json(incomplet))
    visit = chromium(out)
    page = visit.page
    figures = {key: page.inner_text(f'[data-figure="{key}"] .value')
               for key in ("readiness", "conforme", "manquant", "non_conforme", "a_verifier", "blocking")}
    checks = {r.get_attribute("data-check"): r.get_attribute("data-status")
              for r in page.query_selector_all("tr[data-check]")}
    actions = [li.get_attribute("data-blocking") for li in page.query_selector_all("ol.actions li")]
    sections = [h.inner_text() for h in page.query_selector_all("h2")]
    fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    page.emulate_media(media="print")
    page.pdf(path=str(tmp_path / "audit.pdf"), prefer_css_page_size=True)
    assert not visit.errors and fits
    assert all(url.startswith("file://") for url in visit.requests)
    readiness = data["readiness"]
    assert figures == {"readiness": f"{readiness['score']:.0f} %",
                       **{k: str(readiness["counts"].get(k, 0)) for k in ("conforme", "manquant", "non_conforme",
                                                                           "a_verifier")},
                       "blocking": str(sum(a["blocking"] for a in data["actions"]))}
    assert checks == {c["id"]: c["status"] for c in data["required"] + data["cross"]}
    assert actions == [str(a["blocking"]).lower() for a in data["actions"]]
    assert [s.split(" (")[0] for s in sections] == ["Synthèse", "Documents obligatoires", "Contrôles entre documents",
                                                    "Plan d'action", "Documents analysés"]
    assert (tmp_path / "audit.png").stat().st_size > 10_000
    pdf = pypdfium2.PdfDocument(str(tmp_path / "audit.pdf"))
    width, height = pdf[0].get_size()
    assert len(pdf) >= 2 and (round(width), round(height)) == (595, 842)  # A4 in points
    pdf.close()


def test_audit_of_an_empty_folder_or_an_unreadable_document(tmp_path: Path) -> None:
    """As `scan`: nothing to audit is a usage error (2), an unreadable document the input error (3)."""
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", str(tmp_path)])
    assert result.exit_code == 2 and "aucun document" in result.output
    (tmp_path / "contrat.pdf").write_bytes(b"%PDF-1.4\ntronque")
    result = runner.invoke(cli, ["audit", str(tmp_path), "--date", "2026-12-01"])
    assert result.exit_code == 3 and "contrat.pdf : illisible" in result.output
