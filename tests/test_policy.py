"""Adapting the packs without forking them: select/ignore, severity overrides, waivers and baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli
from conformcheck.report.json_report import report_from_json

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CONTRAT = str(SAMPLES / "contrat_defectueux.pdf")
DATE = ("--date", "2026-12-01")
WAIVERS = """
[[derogation]]
regle = "conso.contrat.retractation_formulaire"
documents = "contrat_*.pdf"
motif = "Le formulaire de rétractation est remis à part, avec le bon de commande."
decide_par = "Mme Durand, responsable qualité"
expire_le = 2027-06-30

[[derogation]]
regle = "conso.clause.*"
motif = "Clauses en cours de réécriture avec le juriste."
decide_par = "M. Martin, directeur"
expire_le = 2026-01-31
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def scan_json(*args: str) -> tuple[int, dict]:
    code, out = run("scan", CONTRAT, *DATE, "--format", "json", *args)
    return code, json.loads(out[out.index("{"):])


def findings(data: dict) -> dict[str, dict]:
    return {f["rule_id"]: f for f in data["documents"][0]["findings"]}


def test_select_and_ignore_by_pack_prefix_and_glob() -> None:
    _, everything = scan_json()
    _, only_conso = scan_json("--select", "consommation", "--ignore", "conso.clause.*")
    ids = set(findings(only_conso))
    assert ids and all(i.startswith("conso.") and not i.startswith("conso.clause.") for i in ids)
    assert len(ids) < len(findings(everything))
    assert set(only_conso["documents"][0]["score"]) == {"document", "consommation"}
    _, prefixed = scan_json("--select", "casf.contrat")
    assert {i.rsplit(".", 1)[0] for i in findings(prefixed)} == {"casf.contrat"}


def test_a_pattern_naming_no_rule_is_a_usage_error() -> None:
    code, out = run("scan", CONTRAT, "--ignore", "casf.livret.chartte")
    assert code == 2 and "aucune règle chargée ne correspond" in out


def test_severity_override_is_applied_and_recorded() -> None:
    _, data = scan_json("--severity", "conso.contrat.prix_ttc=info")
    finding = findings(data)["conso.contrat.prix_ttc"]
    assert finding["severity"] == "info" and finding["severity_origin"] == "error"
    code, out = run("scan", CONTRAT, *DATE, "--severity", "conso.contrat.prix_ttc=info")
    assert "[bonne pratique, au lieu de : obligation légale] " in out
    code, out = run("scan", CONTRAT, "--severity", "conso.contrat.prix_ttc=grave")
    assert code == 2 and "Gravité « grave » invalide" in out


def test_waivers_mark_findings_count_apart_and_expired_ones_are_reported(tmp_path: Path) -> None:
    waivers = tmp_path / "derogations.toml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    _, plain = scan_json()
    _, data = scan_json("--waivers", str(waivers))
    waived = findings(data)["conso.contrat.retractation_formulaire"]
    assert waived["status"] == "manquant"  # the finding stays, with its status
    assert waived["waiver"]["reason"].startswith("Le formulaire") and waived["waiver"]["expires"] == "2027-06-30"
    before, after = plain["documents"][0]["score"]["document"], data["documents"][0]["score"]["document"]
    assert after["waived"] == 1 and after["applicable"] == before["applicable"] - 1 and after["met"] == before["met"]
    # The expired waiver covers nothing and is reported.
    assert all("waiver" not in f for i, f in findings(data).items() if i.startswith("conso.clause."))
    assert any("a expiré le 31/01/2026" in notice for notice in data["notices"])
    code, out = run("scan", CONTRAT, *DATE, "--waivers", str(waivers))
    assert "DÉROGATIONS (1, hors taux de conformité)" in out and "Mme Durand" in out
    assert "Attention : La dérogation à conso.clause.*" in out
    # Read back from JSON, the report is the same.
    _, text = run("scan", CONTRAT, *DATE, "--waivers", str(waivers), "--format", "json")
    assert report_from_json(text).to_json() + "\n" == text


@pytest.mark.parametrize(("content", "message"), [
    ("[[derogation]]\nregle = 'casf'\nmotif = 'x'\ndecide_par = 'y'\n", "expire_le"),
    ("[[derogation]]\nregle = 'casf'\nmotif = 'x'\ndecide_par = 'y'\nexpire_le = '2027'\n", "doit être une date"),
    ("[[derogation]]\nregle = 'casf'\nmotif = ''\ndecide_par = 'y'\nexpire_le = 2027-01-01\nqui = 1\n", "qui"),
    ("regle = 'casf'\n", "[[derogation]]"),
    ("[[derogation]]\nregle = 'casf'\nmotif = 'x'\ndecide_par = 'y'\nexpire_le = 2027-01-01T10:00:00\n",
     "doit être une date"),
    ("derogation = [1]\n", "une dérogation est une table"),
])
def test_invalid_waiver_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    waivers = tmp_path / "derogations.toml"
    waivers.write_text(content, encoding="utf-8")
    code, out = run("scan", CONTRAT, "--waivers", str(waivers))
    assert code == 2 and message in out and "derogations.toml" in out


def test_baseline_shows_only_new_gaps_matched_on_evidence_not_pages(tmp_path: Path) -> None:
    baseline = tmp_path / "reference.json"
    code, _ = run("scan", CONTRAT, *DATE, "--write-baseline", str(baseline))
    assert code == 1
    recorded = json.loads(baseline.read_text(encoding="utf-8"))["ecarts"]
    assert recorded and all("p." not in entry["cle"] for entry in recorded)
    code, out = run("scan", CONTRAT, *DATE, "--baseline", str(baseline))
    assert code == 0  # nothing new
    assert "MANQUANT" not in out and "NON CONFORME" not in out and "déjà connu(s) de la référence" in out
    # The same text laid out differently (other format, other pages) matches the same baseline.
    _, data = scan_json("--baseline", str(baseline))
    assert all(f.get("baseline") for f in data["documents"][0]["findings"]
               if f["status"] in ("manquant", "non_conforme"))
    code, out = run("scan", str(SAMPLES / "src" / "contrat_defectueux.md"), *DATE, "--baseline", str(baseline))
    assert code == 0
    # A new gap (another document's missing mention) is shown and fails.
    code, out = run("scan", str(SAMPLES / "livret_defectueux.pdf"), *DATE, "--baseline", str(baseline))
    assert code == 1 and "MANQUANT" in out


@pytest.mark.parametrize(("content", "message"), [
    ("{}", "référence de version 1"),
    ("[1, 2]", "référence de version 1"),
    ("pas du JSON", "pas un fichier JSON"),
    ('{"version": 1, "ecarts": [1]}', "« ecarts » mal formée"),
])
def test_unreadable_baseline_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    broken = tmp_path / "reference.json"
    broken.write_text(content, encoding="utf-8")
    code, out = run("scan", CONTRAT, "--baseline", str(broken))
    assert code == 2 and "--write-baseline" in out and message in out


def test_policy_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "derogations.toml").write_text(WAIVERS, encoding="utf-8")
    config = tmp_path / "conformcheck.toml"
    config.write_text('select = ["consommation"]\nignore = ["conso.clause"]\nwaivers = "derogations.toml"\n'
                      '[severity]\n"conso.contrat.*" = "warning"\n', encoding="utf-8")
    _, data = scan_json("--config", str(config))
    found = findings(data)
    assert all(i.startswith("conso.") and not i.startswith("conso.clause.") for i in found)
    assert found["conso.contrat.retractation_formulaire"]["waiver"]["decided_by"].startswith("Mme Durand")
    assert found["conso.contrat.prix_ttc"]["severity"] == "warning"
    config.write_text('select = "casf"\n', encoding="utf-8")
    code, out = run("scan", CONTRAT, "--config", str(config))
    assert code == 2 and "liste de textes" in out


def test_accepted_gaps_are_marked_in_every_format(tmp_path: Path) -> None:
    import csv
    import xml.etree.ElementTree as ET

    waivers = tmp_path / "derogations.toml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    baseline = tmp_path / "reference.json"
    run("scan", CONTRAT, *DATE, "--write-baseline", str(baseline))
    outputs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("sarif", "junit", "csv", "md", "html")}
    args = [item for fmt, path in outputs.items() for item in ("-f", fmt, "-o", str(path))]
    run("scan", CONTRAT, *DATE, "--waivers", str(waivers), "--baseline", str(baseline), *args)
    waived = "conso.contrat.retractation_formulaire"

    results = json.loads(outputs["sarif"].read_text(encoding="utf-8"))["runs"][0]["results"]
    (suppressed,) = [r for r in results if "suppressions" in r]
    assert suppressed["ruleId"] == waived and suppressed["suppressions"][0]["status"] == "accepted"
    assert "Mme Durand" in suppressed["suppressions"][0]["justification"]
    assert any(r.get("baselineState") == "unchanged" for r in results)

    cases = ET.parse(outputs["junit"]).getroot().iter("testcase")
    assert not [c for c in cases if c.find("failure") is not None]  # every gap is waived or already known

    rows = list(csv.DictReader(outputs["csv"].open(encoding="utf-8")))
    (row,) = [r for r in rows if r["rule_id"] == waived]
    assert row["accepted"].startswith("Dérogation : Le formulaire de rétractation")
    assert all(r["accepted"] for r in rows if r["status"] in ("manquant", "non_conforme"))

    assert "**Accepté** : Dérogation : Le formulaire" in outputs["md"].read_text(encoding="utf-8")
    assert "décidée par Mme Durand" in outputs["html"].read_text(encoding="utf-8")
