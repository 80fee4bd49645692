"""`python` rule functions: what phrases cannot check."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from conformcheck.model import Status
from conformcheck.scan import Scanner, ScanOptions

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CONDITIONED = ("Crédit d'impôt de 50 % des sommes versées, sous réserve de la législation en vigueur et selon "
               "votre situation.")


def devis_pdf(path: Path, advantage_size: int) -> Path:
    pdf = FPDF()
    pdf.add_page()
    if FONT.is_file():
        pdf.add_font("DejaVu", "", str(FONT))
        family = "DejaVu"
    else:  # core font: latin-1 only, enough for this text once the apostrophes are plain
        family = "helvetica"
    pdf.set_font(family, size=14)
    pdf.multi_cell(0, 8, "Devis n° 2026-07 établi le 2 mars 2026", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    pdf.multi_cell(0, 6, "Aide à domicile en mode prestataire : 10 heures par semaine à 26,00 € TTC de l'heure.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, size=advantage_size)
    pdf.multi_cell(0, advantage_size / 2, CONDITIONED, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize(("size", "expected"), [(8, Status.conforme), (18, Status.non_conforme)])
def test_tax_advantage_must_not_be_printed_larger_than_the_price(tmp_path: Path, python_scanner: Scanner,
                                                                 size: int, expected: Status) -> None:
    report = python_scanner.scan_path(str(devis_pdf(tmp_path / "devis.pdf", size)),
                                      ScanOptions(doc_type="devis", context={"regime": "sap_declare"}))
    (finding,) = [f for f in report.findings if f.rule_id == "conso.devis.mentions.avantage_fiscal_presentation"]
    assert finding.status == expected
    if expected == Status.non_conforme:
        assert "caractères plus grands" in finding.message


def test_clarity_is_never_conforme_by_default(python_scanner: Scanner, tmp_path: Path) -> None:
    plain = tmp_path / "cg.txt"
    plain.write_text("Conditions générales\n\nLe contrat est conclu pour une durée indéterminée.", encoding="utf-8")
    hidden = tmp_path / "cg2.txt"
    hidden.write_text("Conditions générales\n\nLes conditions générales sont disponibles sur demande au siège.",
                      encoding="utf-8")
    options = ScanOptions(doc_type="contrat", context={"regime": "sap_declare"})
    statuses = {}
    for path in (plain, hidden):
        report = python_scanner.scan_path(str(path), options)
        statuses[path.name] = next(f.status for f in report.findings if f.rule_id == "conso.contrat.clarte")
    assert statuses == {"cg.txt": Status.a_verifier, "cg2.txt": Status.non_conforme}
