"""`conformcheck packs new|list|test|check` and the editor schemas of the pack files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli
from conformcheck.packs.schema import editor_schemas

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted(p.parent.name for p in (ROOT / "rules").glob("*/pack.yaml"))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    code, out = run("packs", "new", "reseau", str(tmp_path))
    assert code == 0, out
    return tmp_path / "reseau"


def test_new_pack_is_complete_checks_and_tests_clean(scaffold: Path) -> None:
    for name in ("pyproject.toml", "README.md", "reseau/__init__.py", "reseau/pack.yaml", "reseau/regles/contrat.yaml",
                 "tests/contrat_exemple.txt", "tests/contrat_exemple.expected.yaml", "schemas/rules.schema.json"):
        assert (scaffold / name).is_file(), name
    assert '[project.entry-points."conformcheck.packs"]\nreseau = "reseau"' in (scaffold / "pyproject.toml").read_text()
    rules = (scaffold / "reseau/regles/contrat.yaml").read_text(encoding="utf-8")
    assert all(f"kind: {kind}" in rules for kind in ("mention", "value", "forbidden", "outdated"))
    code, out = run("packs", "check", str(scaffold))
    assert code == 0 and "0 erreur(s), 0 avertissement(s)" in out, out
    code, out = run("packs", "test", str(scaffold), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["failures"] == 0
    assert {r["rule_id"]: r["checks"] for r in data["rules"]}["reseau.contrat.frais_dossier"] == 5  # 4 + 1 fixture
    code, out = run("packs", "list", "--pack-dir", str(scaffold), "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["reseau"]["origin"] == "dossier" and rows["casf"]["origin"] == "livré avec conformcheck"
    code, out = run("packs", "new", "reseau", str(scaffold.parent))
    assert code == 2 and "existe déjà" in out
    code, out = run("packs", "new", "Mon-Pack", str(scaffold.parent))
    assert code == 2 and "nom de pack invalide" in out
    code, out = run("packs", "new", "autre", str(scaffold / "pyproject.toml" / "sous-dossier"))  # below a file
    assert code == 2 and "impossible de créer le pack" in out


def test_pack_test_reports_false_positives_and_negatives(scaffold: Path) -> None:
    rules = scaffold / "reseau/regles/contrat.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace('- "Seules les heures d\'intervention réalisées sont facturées."',
                        '- "Des frais de dossier de 20 € sont demandés."')  # a « pass » example that fails
    text = text.replace('- "Le contrat peut être résilié par lettre recommandée."',
                        '- "La résiliation prend effet après un préavis de huit jours."')  # a « fail » one that passes
    rules.write_text(text, encoding="utf-8")
    expected = scaffold / "tests/contrat_exemple.expected.yaml"
    expected.write_text(expected.read_text(encoding="utf-8").replace("astreinte: manquant", "astreinte: conforme"),
                        encoding="utf-8")
    code, out = run("packs", "test", str(scaffold))
    assert code == 1
    assert "✗ reseau.contrat.frais_dossier" in out and "faux positifs 1" in out
    assert "ÉCHEC contrat_exemple.txt : attendu conforme, obtenu manquant" in out
    assert "✗ reseau.contrat.preavis_resiliation" in out and "faux négatifs 1" in out
    code, out = run("packs", "test", str(scaffold), "--format", "json")
    by_id = {r["rule_id"]: r for r in json.loads(out)["rules"]}
    assert by_id["reseau.contrat.frais_dossier"]["false_positives"] == 1
    assert by_id["reseau.contrat.astreinte"]["false_positives"] == 1  # manquant where conforme was expected
    assert by_id["reseau.contrat.preavis_resiliation"]["false_negatives"] == 1


def test_pack_check_reports_every_problem_with_file_line_in_french(scaffold: Path) -> None:
    rules = scaffold / "reseau/regles/contrat.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace("severity: warning\n    references:\n      - text: Charte qualité du réseau (version de 2024)\n"
                        "        article: \"3.2\"", "severity: grave\n    references:\n      - text: Charte qualité du "
                        "réseau (version de 2024)\n        article: \"3.2\"", 1)
    text = text.replace("regex: ['cheque\\s+emploi\\s+service(?!\\s+universel)']", "regex: ['cheque(']")
    text = text.replace("id: reseau.contrat.frais_dossier", "id: conso.contrat.prix_ttc")
    text = text.replace("        in_force_from: 2024-01-01\n    applies_to:\n      doc_types: [contrat]\n",
                        "    applies_to:\n      doc_types: [contrat]\n", 1)
    rules.write_text(text, encoding="utf-8")
    (scaffold / "reseau/regles/livret.yaml").write_text("""rules:
  - id: reseau.livret.accueil
    title: Accueil
    kind: mention
    severity: info
    references: [{text: Charte, in_force_from: 2024-01-01}]
    applies_to: {doc_types: [livret_accueil]}
    absent: non_applicable
    match: {any: ["accueil physique"]}
    message: Le livret présente l'accueil physique.
    fix: Présentez l'accueil physique.
    examples:
      pass: ["Nos bureaux sont ouverts le matin.", "L'accueil physique est assuré le matin."]
      fail: ["Nos bureaux sont fermés.", "Rien."]
  - id: reseau.livret.sans_exemples
    title: Sans exemples
    kind: mention
    severity: info
    references: [{text: Charte, in_force_from: 2024-01-01}]
    applies_to: {doc_types: [livret_accueil]}
    match: {any: ["accueil"]}
    message: x
    fix: y
""", encoding="utf-8")
    code, out = run("packs", "check", str(scaffold), "--format", "json")
    assert code == 1
    issues = json.loads(out)["issues"]
    messages = {(Path(i["file"]).name, i["line"], i["level"], i["message"]) for i in issues}

    def has(name: str, fragment: str, level: str = "erreur") -> int:
        lines = [line for file, line, lvl, message in messages if file == name and lvl == level and fragment in message]
        assert lines, (fragment, messages)
        return lines[0]

    assert has("contrat.yaml", "severity : valeur 'grave' invalide") == 7
    assert has("contrat.yaml", "expression régulière invalide") > 80
    assert has("contrat.yaml", "identifiant déjà défini par le pack « consommation »") > 0
    assert has("contrat.yaml", "n'a pas de date d'entrée en vigueur", "avertissement") > 30
    assert has("livret.yaml", "examples : champ obligatoire absent") == 15  # the rule missing it
    assert has("livret.yaml", "l'exemple « pass » n° 1 ne contient aucune des formulations", "avertissement") == 13
    code, out = run("packs", "check", str(scaffold))
    assert code == 1 and "contrat.yaml:7 : erreur : règle reseau.contrat.astreinte : severity" in out


def test_pack_check_reports_a_prefix_clash(scaffold: Path) -> None:
    meta = scaffold / "reseau/pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("rule_prefix: reseau", "rule_prefix: casf"),
                    encoding="utf-8")
    code, out = run("packs", "check", str(scaffold))
    assert code == 1 and "le préfixe « casf » est déjà celui du pack « casf »" in out


@pytest.mark.parametrize("pack", BUNDLED)
def test_bundled_pack_passes_packs_check_and_packs_test(pack: str) -> None:
    code, out = run("packs", "check", str(ROOT / "rules" / pack))
    assert code == 0 and "0 erreur(s), 0 avertissement(s)" in out, out  # every reference dated, every wording tried
    code, out = run("packs", "test", str(ROOT / "rules" / pack))
    assert code == 0 and ", 0 en échec." in out, out


def test_rules_test_shares_the_pack_test_output() -> None:
    code, out = run("rules", "test", "--pack", "nfx50056")
    assert code == 0 and "✓ nfx50056." in out and ", 0 en échec." in out


def test_shipped_editor_schemas_are_up_to_date_and_declared(tmp_path: Path) -> None:
    code, out = run("schema", "--pack", "-o", str(tmp_path))
    assert code == 0
    for name, schema in editor_schemas().items():
        shipped = json.loads((ROOT / "rules" / "schemas" / name).read_text(encoding="utf-8"))
        assert shipped == schema == json.loads((tmp_path / name).read_text(encoding="utf-8")), (
            f"rules/schemas/{name} périmé : lancez « conformcheck schema --pack -o rules/schemas »")
    for path in (ROOT / "rules").glob("*/*.yaml"):
        wanted = "pack.schema.json" if path.name == "pack.yaml" else "rules.schema.json"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{wanted}", path
    assert "examples" in editor_schemas()["rules.schema.json"]["$defs"]["Rule"]["required"]
