"""The command line end to end: reports, JSON shape, exit codes, batches with bad files, config file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FINDING_KEYS = {"rule_id", "pack", "title", "status", "severity", "message", "fix", "references", "evidence"}
STATUSES = {"conforme", "manquant", "non_conforme", "a_verifier", "non_applicable"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_text_report_is_in_french_with_excerpts_and_pages() -> None:
    code, out = run("scan", str(SAMPLES / "contrat_defectueux.pdf"), "--date", "2026-12-01")
    assert code == 1
    assert "NON CONFORME" in out and "MANQUANT" in out and "Extrait (p. " in out and "À faire :" in out
    assert "Conformité :" in out and "Type de document : contrat / DIPC" in out


def test_json_report_has_the_stable_shape(tmp_path: Path) -> None:
    out_file = tmp_path / "rapport.json"
    code, _ = run("scan", str(SAMPLES / "devis_conforme.docx"), "--format", "json", "-o", str(out_file))
    assert code in (0, 1)
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1"
    (doc,) = data["documents"]
    assert {"path", "doc_type", "doc_type_confidence", "status", "context", "score", "findings"} <= set(doc)
    assert doc["status"] == "ok" and doc["doc_type"] == "devis"
    assert doc["score"]["document"]["applicable"] > 0
    for finding in doc["findings"]:
        assert FINDING_KEYS <= set(finding) and finding["status"] in STATUSES
        for evidence in finding["evidence"]:
            assert {"excerpt", "page", "block", "start", "end"} <= set(evidence)


def test_batch_goes_on_after_bad_files_and_exits_3(tmp_path: Path) -> None:
    empty = tmp_path / "vide.pdf"
    empty.write_bytes(b"")
    corrupt = tmp_path / "abime.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj garbage")
    image = tmp_path / "photo.docx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = CliRunner().invoke(cli, ["scan", str(empty), str(SAMPLES / "livret_conforme.pdf"), str(corrupt),
                                      str(image), str(tmp_path / "absent.pdf"), "--format", "json"])
    assert result.exit_code == 3
    docs = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert docs["livret_conforme.pdf"]["status"] == "ok" and docs["livret_conforme.pdf"]["findings"]
    for name in ("vide.pdf", "abime.pdf", "photo.docx", "absent.pdf"):
        assert docs[name]["status"] == "error" and docs[name]["error"] and "Traceback" not in docs[name]["error"]
    assert docs["photo.docx"]["error_code"] == "format_non_pris_en_charge"


def test_folder_is_scanned_as_a_batch(tmp_path: Path) -> None:
    for name in ("devis_conforme.pdf", "reglement_conforme.docx"):
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json"])
    assert result.exit_code in (0, 1) and "Lot de 2 fichiers : 2 analysés" in result.stderr  # summary on stderr
    assert sorted(Path(d["path"]).name for d in json.loads(result.stdout)["documents"]) == [
        "devis_conforme.pdf", "reglement_conforme.docx"]


def test_options_override_inferred_context_and_show_their_source() -> None:
    code, out = run("scan", str(SAMPLES / "contrat_conforme.pdf"), "--format", "json", "--regime", "sap_agree",
                    "--mode", "mandataire", "--en-etablissement")
    context = json.loads(out)["documents"][0]["context"]
    assert context["regime"] == {"value": "sap_agree", "source": "option"}
    assert context["mode"]["value"] == "mandataire" and context["hors_etablissement"]["value"] is False


def test_config_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "conformcheck.toml").write_text('regime = "ssiad"\nfail_on = "jamais"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = run("scan", str(SAMPLES / "contrat_defectueux.pdf"), "--format", "json")
    assert code == 0  # fail_on = jamais
    assert json.loads(out)["documents"][0]["context"]["regime"] == {"value": "ssiad", "source": "config"}


@pytest.mark.parametrize("pyproject", ['[project]\nname = "x"\n\n[tool.conformcheck]\nregime = "ssiad"\n',
                                       '[tool]\nconformcheck = { regime = "ssiad" }\n',
                                       '[project]\nname = "conformcheck-demo"\n'])
def test_pyproject_table_is_read_only_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   pyproject: str) -> None:
    from conformcheck.config import find_config

    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    found = find_config(tmp_path)
    assert (found == tmp_path / "pyproject.toml") == ("ssiad" in pyproject)


def test_bad_config_and_bad_pack_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "conformcheck.toml"
    bad.write_text('regime = "inconnu"\n', encoding="utf-8")
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "--config", str(bad))
    assert code == 2 and "regime" in out
    bad.write_text('date = "2026-13-01"\n', encoding="utf-8")
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "--config", str(bad))
    assert code == 2 and "AAAA-MM-JJ" in out
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "--pack", str(tmp_path / "absent"))
    assert code == 2 and "n'existe pas" in out


def test_fail_on_threshold() -> None:
    code, _ = run("scan", str(SAMPLES / "devis_defectueux.pdf"), "--fail-on", "jamais")
    assert code == 0
    code, _ = run("scan", str(SAMPLES / "devis_defectueux.pdf"))
    assert code == 1


def test_forced_type() -> None:
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "--type", "livret_accueil", "--format", "json")
    doc = json.loads(out)["documents"][0]
    assert doc["doc_type"] == "livret_accueil" and doc["doc_type_confidence"] == 1.0


def test_rules_list_show_doc_and_schema(tmp_path: Path) -> None:
    code, out = run("rules", "list", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {"casf", "consommation", "arrete2011", "nfx50056"} <= {r["pack"] for r in rows}
    code, out = run("rules", "show", "casf.livret.existence")
    assert code == 0 and "L311-4" in out and "Exemples conformes" in out
    code, out = run("rules", "show", "casf.nope")
    assert code == 2 and "règle inconnue" in out
    code, out = run("rules", "doc", "--pack", "casf", "-o", str(tmp_path))
    assert code == 0 and (tmp_path / "casf.md").read_text(encoding="utf-8").startswith("# Pack `casf`")
    code, out = run("schema")
    assert code == 0 and "rule_file" in json.loads(out)


def test_committed_rule_docs_are_up_to_date(tmp_path: Path) -> None:
    """docs/ is generated by `conformcheck rules doc`: regenerate it when a rule changes."""
    run("rules", "doc", "-o", str(tmp_path))
    docs = Path(__file__).resolve().parent.parent / "docs"
    for generated in tmp_path.glob("*.md"):
        committed = docs / generated.name
        assert committed.is_file(), f"docs/{generated.name} manquant : lancez « conformcheck rules doc -o docs »"
        assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
            f"docs/{generated.name} est périmé : lancez « conformcheck rules doc -o docs »")


def test_plain_scan_imports_only_what_it_uses(tmp_path: Path) -> None:
    """spaCy costs seconds to load: only --anonymiser may pay for it; other renderers and commands are imported
    only when asked for."""
    import subprocess
    import sys

    probe = ("import sys; from conformcheck.cli import cli\n"
             "try:\n    cli(['scan', sys.argv[1], '-o', sys.argv[2]])\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith(('spacy', 'conformcheck.'))))")
    result = subprocess.run([sys.executable, "-c", probe, str(SAMPLES / "contrat_defectueux.pdf"),
                             str(tmp_path / "out.json")], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(eval(result.stdout.strip()))  # noqa: S307 - our own probe's output
    assert "spacy" not in loaded
    assert loaded.isdisjoint({"conformcheck.report.html", "conformcheck.report.sarif", "conformcheck.report.junit",
                              "conformcheck.report.csv_report", "conformcheck.report.markdown",
                              "conformcheck.report.text", "conformcheck.cli_audit", "conformcheck.cli_packs",
                              "conformcheck.cli_history", "conformcheck.cli_rules", "conformcheck.policy",
                              "conformcheck.history", "conformcheck.batch.session"}), loaded


def test_anonymiser_masks_person_names(tmp_path: Path) -> None:
    document = tmp_path / "contrat.txt"
    document.write_text("Contrat de prestation\n\nLe présent contrat est conclu entre l'association et "
                        "Mme Jeanne Dupont, bénéficiaire, pour une durée indéterminée.", encoding="utf-8")
    code, out = run("scan", str(document), "--format", "json", "--anonymiser", "--regime", "sap_declare")
    excerpts = [e["excerpt"] for f in json.loads(out)["documents"][0]["findings"] for e in f["evidence"]]
    assert excerpts and not any("Dupont" in e for e in excerpts)
    assert any("[nom masqué]" in e for e in excerpts)


def test_anonymised_batch_stores_no_name(tmp_path: Path) -> None:
    folder = tmp_path / "livrables" / "service-a"
    folder.mkdir(parents=True)
    for name in ("contrat-1.txt", "contrat-2.txt"):
        (folder / name).write_text("Contrat de prestation\n\nLe présent contrat est conclu entre l'association et "
                                   "Mme Jeanne Dupont, bénéficiaire, pour une durée indéterminée.", encoding="utf-8")
    results = tmp_path / "resultats.jsonl"
    code, out = run("scan", str(tmp_path / "livrables"), "-j", "1", "--resultats", str(results), "--anonymiser",
                    "--regime", "sap_declare", "-f", "json", "-o", str(tmp_path / "r.json"))
    stored = results.read_text(encoding="utf-8")
    assert code in (0, 1) and "Dupont" not in stored and "[nom masqué]" in stored
    assert "Dupont" not in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_third_party_pack_from_a_folder(tmp_path: Path) -> None:
    from tests.test_loader import make_pack

    folder = make_pack(tmp_path)
    document = tmp_path / "contrat.md"
    document.write_text("# Contrat de prestation\n\nLe présent contrat contient la clause de démonstration.\n",
                        encoding="utf-8")
    code, out = run("scan", str(document), "--pack", str(folder), "--seulement", "demo", "--format", "json")
    (finding,) = json.loads(out)["documents"][0]["findings"]
    assert (finding["rule_id"], finding["status"], finding["pack"]) == ("demo.contrat.mention", "conforme", "demo")


def test_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    document = tmp_path / "contrat.txt"
    document.write_text("Contrat de prestation\n\nLe présent contrat <script>alert(1)</script> est conclu pour une "
                        "durée indéterminée. Les tarifs sont modifiables à tout moment par le service.",
                        encoding="utf-8")
    report = tmp_path / "rapport.html"
    code, _ = run("scan", str(document), "--format", "html", "-o", str(report), "--regime", "sap_declare")
    page = report.read_text(encoding="utf-8")
    assert code == 1 and page.startswith("<!DOCTYPE html>") and 'lang="fr"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Non conforme" in page and "http" not in page.split("<body>")[0]


def test_json_report_reads_back_identically(tmp_path: Path) -> None:
    from conformcheck.report.json_report import report_from_json

    out_file = tmp_path / "rapport.json"
    run("scan", str(SAMPLES / "contrat_defectueux.pdf"), str(tmp_path / "absent.pdf"), "--format", "json",
        "-o", str(out_file))
    text = out_file.read_text(encoding="utf-8")
    assert report_from_json(text).to_json() + "\n" == text


def test_unwritable_rules_doc_and_schema_folders_are_usage_errors(tmp_path: Path) -> None:
    below_a_file = tmp_path / "fichier"
    below_a_file.write_text("", encoding="utf-8")
    code, out = run("rules", "doc", "--pack", "nfx50056", "-o", str(below_a_file / "docs"))
    assert code == 2 and "impossible de créer le dossier" in out
    code, out = run("schema", "--pack", "-o", str(below_a_file / "schemas"))
    assert code == 2 and "impossible d'écrire les schémas" in out


def test_click_path_errors_name_the_file_in_french(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(SAMPLES / "devis_conforme.pdf"), "--waivers", str(tmp_path)])
    assert result.exit_code == 2 and f"Fichier '{tmp_path}' est un dossier" in result.output


def test_scan_help_groups_every_option_under_a_heading() -> None:
    import click

    from conformcheck.cli_scan import scan

    code, out = run("scan", "--help")
    assert code == 0
    headings = [line for line in out.splitlines() if line and not line.startswith(" ") and line.endswith(":")]
    assert headings == ["Rapport:", "Contexte du service:", "Règles et adaptations:", "Lots:", "Autres options:"]
    options = {p.name for p in scan.params if isinstance(p, click.Option)}
    grouped = [name for names in scan.sections.values() for name in names]
    assert sorted(grouped) == sorted(options)  # each once; only --help is left for « Autres options »


def test_a_mistyped_command_is_answered_in_french_with_the_closest_commands() -> None:
    code, out = run("scna", "x")
    assert code == 2 and "Commande inconnue : 'scna'" in out and "'scan'" in out
