"""Each bundled sample gives its expected findings, identically from its PDF, its DOCX and its Markdown source.

`tests/expected_samples.json` records every applicable finding; regenerate it with
`python tests/test_samples.py --regenerate` after a deliberate rule change, and review the diff.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from conformcheck.model import Status
from conformcheck.scan import Scanner, ScanOptions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
EXPECTED = Path(__file__).with_name("expected_samples.json")
SCAN_DATE = date(2026, 12, 1)
NAMES = sorted(p.stem for p in (SAMPLES / "src").glob("*.md"))

# The defects planted in each defective sample, and what the tool must say of them.
PLANTED = {
    "livret_defectueux": {
        "casf.livret.charte_annexee": Status.non_conforme,  # FNG charter instead of the 2003 one
        "casf.obsolete.conseil_general": Status.non_conforme,
        "arrete2011.obsolete.agrement_qualite": Status.non_conforme,
        "casf.livret.voies_de_recours": Status.manquant,  # no personne qualifiée
        "casf.livret.numeros_ecoute": Status.manquant,  # no 3977
    },
    "reglement_defectueux": {
        "casf.reglement.nommage": Status.non_conforme,  # « Règlement intérieur »
        "casf.reglement.periodicite_revision": Status.non_conforme,  # every ten years
        "casf.reglement.periodicite_revision.date_version": Status.non_conforme,  # dated 2015
        "casf.reglement.urgences": Status.manquant,
        "casf.reglement.violence": Status.manquant,
        "casf.obsolete.decret_2003_1095": Status.non_conforme,
    },
    "contrat_defectueux": {
        "conso.contrat.retractation_delai": Status.non_conforme,  # 7-day « délai de réflexion »
        "conso.contrat.reference_obsolete": Status.non_conforme,  # L. 121-25
        "conso.contrat.mediation_information": Status.non_conforme,  # mediator not named
        "conso.contrat.prix_ttc": Status.non_conforme,  # HT only
        "conso.clause.r212_1_3": Status.non_conforme,  # prices changed at any time
        "conso.clause.r212_1_6": Status.non_conforme,  # liability declined
        "conso.clause.r212_1_11": Status.non_conforme,  # termination fee
        "casf.contrat.duree_indeterminee": Status.non_conforme,  # one year, tacit renewal
        "conso.contrat.retractation_formulaire": Status.manquant,
    },
    "devis_defectueux": {
        "conso.devis.mentions.duree_validite": Status.manquant,
        "conso.devis.mentions.date_redaction": Status.manquant,
        "conso.devis.mentions.prix_horaire_ou_forfait": Status.non_conforme,  # HT only
        "conso.devis.mentions.avantage_fiscal_presentation": Status.non_conforme,  # « ne vous coûte que »
        "conso.devis.obligation": Status.non_conforme,  # paid devis
    },
}


def applicable_findings(scanner: Scanner, path: Path) -> dict[str, str]:
    report = scanner.scan_path(str(path), ScanOptions(scan_date=SCAN_DATE))
    assert report.status == "ok", report.error
    return {f.rule_id: f.status.value for f in report.findings if f.status != Status.non_applicable}


@pytest.mark.parametrize("name", NAMES)
def test_sample_gives_its_expected_findings_in_every_format(name: str, python_scanner: Scanner) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[name]
    for path in (SAMPLES / f"{name}.pdf", SAMPLES / f"{name}.docx", SAMPLES / "src" / f"{name}.md"):
        assert applicable_findings(python_scanner, path) == expected, path.name


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith("_conforme")])
def test_compliant_samples_have_no_gap(name: str, python_scanner: Scanner) -> None:
    found = applicable_findings(python_scanner, SAMPLES / f"{name}.pdf")
    gaps = {rule: status for rule, status in found.items() if status in ("manquant", "non_conforme")}
    assert not gaps


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_defects_are_reported(name: str, python_scanner: Scanner) -> None:
    found = applicable_findings(python_scanner, SAMPLES / f"{name}.pdf")
    for rule_id, status in PLANTED[name].items():
        assert found.get(rule_id) == status.value, rule_id


if __name__ == "__main__" and "--regenerate" in sys.argv:
    from conformcheck.packs.loader import load_packs

    scanner = Scanner(load_packs(installed=False), engine="python")
    snapshot = {name: applicable_findings(scanner, SAMPLES / f"{name}.pdf") for name in NAMES}
    EXPECTED.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{EXPECTED} : {sum(len(v) for v in snapshot.values())} constats.")
