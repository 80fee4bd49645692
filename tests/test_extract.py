"""Tests of the extraction layer: every fixture is built at test time in tmp_path."""

from __future__ import annotations

import io
import random
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from conformcheck.errors import InputError
from conformcheck.extract import ERROR_CODES, extract
from conformcheck.model import BlockKind, Document

# ---------------------------------------------------------------------------------------------------------------
# helpers


def _find_font() -> Path | None:
    """A Unicode TrueType font for fpdf2 (DejaVuSans), from the system or from a Python package."""
    candidates = [
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    for root in [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]:
        if root.is_dir():
            for found in root.rglob("DejaVuSans.ttf"):
                return found
    try:
        import matplotlib

        found = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if found.is_file():
            return found
    except ImportError:
        pass
    return None


FONT = _find_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no DejaVuSans.ttf on this system")


def _bold_font() -> Path | None:
    if FONT is None:
        return None
    bold = FONT.with_name("DejaVuSans-Bold.ttf")
    return bold if bold.is_file() else FONT


def check_offsets(doc: Document) -> None:
    """Every block is located: its span in `doc.text` is its text, and `block_at` finds it."""
    assert doc.blocks, "no block"
    for index, block in enumerate(doc.blocks):
        assert block.order == index
        assert doc.text[block.start:block.end] == block.text
        assert block.text and block.text == block.text.strip()
        for offset in (block.start, (block.start + block.end) // 2, block.end - 1):
            assert doc.block_at(offset) == block
        assert block.page >= 1
        assert block.page <= doc.pages


def texts(doc: Document, kind: BlockKind | None = None) -> list[str]:
    return [b.text for b in doc.blocks if kind is None or b.kind == kind]


def expect_error(path: Path | str, code: str, **kwargs: int) -> InputError:
    with pytest.raises(InputError) as info:
        extract(path, **kwargs)
    error = info.value
    assert error.code == code, f"{error.code}: {error.message}"
    assert error.code in ERROR_CODES
    assert error.message and str(error) == error.message
    return error


def new_pdf() -> object:
    """An fpdf2 document with DejaVu regular and bold registered as "DejaVu"."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(_bold_font()))
    return pdf


LEFT_COLUMN = "Colonne gauche : le service respecte la dignité et l'intimité de la personne accompagnée. " * 3
RIGHT_COLUMN = "Colonne droite : la facturation est mensuelle, détaillée et payable à réception. " * 3


def build_contract_pdf(path: Path) -> Path:
    """3 pages: repeated header and footer, headings, paragraphs with accents, a table, a two-column page."""
    from fpdf import FPDF

    class Contract(FPDF):
        def header(self) -> None:
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, "Association Aide à Domicile « Les Tilleuls » – Contrat de prestation",
                      new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, f"Page {self.page_no()} / {{nb}} – SIRET 123 456 789 00012", align="C")

    pdf = Contract(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(_bold_font()))
    pdf.alias_nb_pages()

    def heading(text: str, size: int) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    pdf.add_page()
    heading("Contrat de prestation à domicile", 16)
    heading("Article 1 – Objet du contrat", 12)
    paragraph("Le présent contrat définit les conditions dans lesquelles l'association intervient au domicile "
              "du bénéficiaire. Les prestations sont réalisées par des intervenants qualifiés, déclarés et "
              "formés, conformément à la réglementation en vigueur.")
    paragraph("Le bénéficiaire dispose d'un délai de rétractation de quatorze jours à compter de la signature "
              "du contrat, sans avoir à justifier de motifs ni à payer de pénalités.")
    heading("Article 2 – Tarifs", 12)
    with pdf.table() as table:
        for row in [("Prestation", "Tarif horaire TTC", "Majoration dimanche"),
                    ("Aide à la toilette", "24,50 €", "25 %"),
                    ("Ménage et entretien", "22,00 €", "10 %")]:
            cells = table.row()
            for value in row:
                cells.cell(value)

    pdf.add_page()
    heading("Article 3 – Engagements réciproques", 12)
    top = pdf.get_y()
    pdf.set_xy(10, top)
    pdf.multi_cell(90, 5, LEFT_COLUMN)
    pdf.set_xy(110, top)
    pdf.multi_cell(90, 5, RIGHT_COLUMN)
    pdf.set_xy(10, top + 50)
    paragraph("Paragraphe pleine largeur après les deux colonnes, avec « guillemets » et œuvre.")

    pdf.add_page()
    heading("ANNEXE", 12)
    paragraph("Texte de l'annexe, sur la troisième page.")
    pdf.output(str(path))
    return path


# ---------------------------------------------------------------------------------------------------------------
# PDF


@pytest.fixture(scope="module")
def contract_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if FONT is None:
        pytest.skip("no DejaVuSans.ttf on this system")
    return build_contract_pdf(tmp_path_factory.mktemp("pdf") / "contrat.pdf")


def test_pdf_blocks_pages_and_offsets(contract_pdf: Path) -> None:
    doc = extract(contract_pdf)
    assert doc.format == "pdf"
    assert doc.pages == 3
    assert doc.path == str(contract_pdf)
    check_offsets(doc)
    assert "délai de rétractation de quatorze jours" in doc.text
    assert "« guillemets » et œuvre" in doc.text
    # headings: the bigger title ranks above the articles
    headings = {b.text: b for b in doc.blocks if b.kind == BlockKind.heading}
    assert headings["Contrat de prestation à domicile"].level == 1
    assert headings["Article 1 - Objet du contrat"].level == 2
    assert headings["Article 1 - Objet du contrat"].font_size == pytest.approx(12, abs=0.2)
    assert headings["ANNEXE"].page == 3
    # paragraphs split on vertical gaps, one block per paragraph
    paragraphs = texts(doc, BlockKind.paragraph)
    first = next(p for p in paragraphs if p.startswith("Le présent contrat"))
    assert first.endswith("réglementation en vigueur.")
    assert any(p.startswith("Le bénéficiaire dispose") for p in paragraphs)
    body = [b for b in doc.blocks if b.kind == BlockKind.paragraph]
    assert all(b.font_size == pytest.approx(10, abs=0.2) for b in body)


def test_pdf_table_rows(contract_pdf: Path) -> None:
    doc = extract(contract_pdf)
    rows = texts(doc, BlockKind.table_row)
    assert rows == [
        "Prestation | Tarif horaire TTC | Majoration dimanche",
        "Aide à la toilette | 24,50 € | 25 %",
        "Ménage et entretien | 22,00 € | 10 %",
    ]
    assert all(b.page == 1 for b in doc.blocks if b.kind == BlockKind.table_row)


def test_pdf_two_columns_keep_reading_order(contract_pdf: Path) -> None:
    doc = extract(contract_pdf)
    page2 = [b for b in doc.blocks if b.page == 2 and b.kind == BlockKind.paragraph]
    left = next(b for b in page2 if b.text.startswith("Colonne gauche"))
    right = next(b for b in page2 if b.text.startswith("Colonne droite"))
    after = next(b for b in page2 if b.text.startswith("Paragraphe pleine largeur"))
    assert left.order < right.order < after.order
    # a column is one block holding only its own text
    assert "Colonne droite" not in left.text and "Colonne gauche" not in right.text
    assert " ".join(left.text.split()) == " ".join(LEFT_COLUMN.split())


def test_pdf_header_and_footer_repeated_on_every_page(contract_pdf: Path) -> None:
    doc = extract(contract_pdf)
    headers = [b for b in doc.blocks if b.kind == BlockKind.header]
    footers = [b for b in doc.blocks if b.kind == BlockKind.footer]
    assert [b.page for b in headers] == [1, 2, 3]
    assert [b.page for b in footers] == [1, 2, 3]
    assert all(b.text.startswith("Association Aide à Domicile") for b in headers)
    assert [b.text for b in footers] == [f"Page {n} / 3 - SIRET 123 456 789 00012" for n in (1, 2, 3)]
    # furniture never leaks into body blocks
    for block in doc.blocks:
        if block.kind not in (BlockKind.header, BlockKind.footer):
            assert "SIRET 123" not in block.text and "Les Tilleuls" not in block.text
    # on each page: header first, footer last
    for page in (1, 2, 3):
        on_page = [b for b in doc.blocks if b.page == page]
        assert on_page[0].kind == BlockKind.header and on_page[-1].kind == BlockKind.footer


def _table_pdf(path: Path, borders: str) -> Path:
    """A price table whose first column wraps, with narrow columns, then a paragraph in the same font."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, "Tarifs applicables au 1er janvier.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(borders_layout=borders, col_widths=(60, 22, 22, 30)) as table:
        for row in [("Nature de la prestation", "Mode", "Volume", "Prix horaire TTC (TVA 5,5 %)"),
                    ("Aide au lever, aide à la toilette et à l'habillage", "prestataire", "5 h", "28,00 €"),
                    ("Ménage", "mandataire", "2 h", "22,00 €")]:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.multi_cell(0, 5, "Paragraphe après le tableau, dans la même police, qui ne doit pas rejoindre la "
                         "dernière ligne du tableau même s'il est assez long pour passer à la ligne.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@needs_font
@pytest.mark.parametrize("borders", ["ALL", "NONE"])
def test_pdf_table_with_wrapped_cells(tmp_path: Path, borders: str) -> None:
    doc = extract(_table_pdf(tmp_path / "tarifs.pdf", borders))
    check_offsets(doc)
    assert texts(doc, BlockKind.table_row) == [
        "Nature de la prestation | Mode | Volume | Prix horaire TTC (TVA 5,5 %)",
        "Aide au lever, aide à la toilette et à l'habillage | prestataire | 5 h | 28,00 €",
        "Ménage | mandataire | 2 h | 22,00 €",
    ]
    assert [" ".join(text.split()) for text in texts(doc, BlockKind.paragraph)] == [
        "Tarifs applicables au 1er janvier.",
        "Paragraphe après le tableau, dans la même police, qui ne doit pas rejoindre la dernière ligne du "
        "tableau même s'il est assez long pour passer à la ligne.",
    ]


def test_pdf_lists_and_numbered_headings(tmp_path: Path) -> None:
    if FONT is None:
        pytest.skip("no DejaVuSans.ttf")
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    for line in ["I. Présentation du service", "Le service intervient 7 jours sur 7.", "",
                 "Les prestations comprennent :", "• l'aide à la toilette ;", "• la préparation des repas ;",
                 "• l'accompagnement aux courses.", "", "1.2 Modalités de paiement",
                 "Le paiement est mensuel."]:
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "liste.pdf"))
    doc = extract(tmp_path / "liste.pdf")
    check_offsets(doc)
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert (BlockKind.heading, "I. Présentation du service") in kinds
    assert (BlockKind.heading, "1.2 Modalités de paiement") in kinds
    items = texts(doc, BlockKind.list_item)
    assert items == ["• l'aide à la toilette ;", "• la préparation des repas ;", "• l'accompagnement aux courses."]


def test_pdf_does_not_import_pdfplumber(contract_pdf: Path) -> None:
    code = (
        "import sys\n"
        "from conformcheck.extract import extract\n"
        f"doc = extract({str(contract_pdf)!r})\n"
        "assert doc.blocks\n"
        "print('pdfplumber' in sys.modules, 'pdfminer' in sys.modules, 'docx' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.split() == ["False", "False", "False"]


def test_page_font_sizes_uses_pdfplumber_lazily(contract_pdf: Path) -> None:
    from conformcheck.extract.pdf import page_font_sizes

    words = page_font_sizes(contract_pdf, 1)
    sizes = {w.text: w.size for w in words}
    assert sizes["Contrat"] == pytest.approx(16, abs=0.1)
    assert sizes["quatorze"] == pytest.approx(10, abs=0.1)
    with pytest.raises(ValueError):
        page_font_sizes(contract_pdf, 4)


def test_pdf_sniffed_from_content_not_extension(contract_pdf: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "contrat.txt"
    disguised.write_bytes(contract_pdf.read_bytes())
    assert extract(disguised).format == "pdf"


def test_pdf_concurrent_extraction_is_serialised(contract_pdf: Path) -> None:
    expected = extract(contract_pdf).text
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(extract(contract_pdf).text)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == [expected] * 12


def test_pdf_single_page_number_is_footer(tmp_path: Path) -> None:
    if FONT is None:
        pytest.skip("no DejaVuSans.ttf")
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, "Un seul paragraphe de texte sur une seule page.")
    pdf.set_auto_page_break(False)
    pdf.set_y(-15)
    pdf.cell(0, 5, "1", align="C")
    pdf.output(str(tmp_path / "une.pdf"))
    doc = extract(tmp_path / "une.pdf")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.paragraph, "Un seul paragraphe de texte sur une seule page."),
        (BlockKind.footer, "1"),
    ]


@needs_font
def test_pdf_paragraph_cut_by_page_break_is_joined(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, "Premier paragraphe complet.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 5, "Un paiement peut être demandé pour les prestations réalisées dans les sept jours suivant la",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 5, "conclusion du contrat (article L. 221-10 du code de la consommation).",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 5, "Nouveau paragraphe.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "coupe.pdf"))
    doc = extract(tmp_path / "coupe.pdf")
    check_offsets(doc)
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "Premier paragraphe complet."),
        (1, "Un paiement peut être demandé pour les prestations réalisées dans les sept jours suivant la "
            "conclusion du contrat (article L. 221-10 du code de la consommation)."),
        (2, "Nouveau paragraphe."),
    ]


@needs_font
def test_pdf_footer_with_page_number_on_a_single_page(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, "M. Marcel Tessier, bénéficiaire, demeurant à Bléré.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_auto_page_break(False)
    pdf.set_y(-15)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 5, "Association Aide et Présence du Val — page 1", align="C")
    pdf.output(str(tmp_path / "seule.pdf"))
    doc = extract(tmp_path / "seule.pdf")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.paragraph, "M. Marcel Tessier, bénéficiaire, demeurant à Bléré."),
        (BlockKind.footer, "Association Aide et Présence du Val — page 1"),
    ]


def test_pdf_encrypted(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Document confidentiel")
    pdf.set_encryption(owner_password="proprietaire", user_password="x")
    pdf.output(str(tmp_path / "chiffre.pdf"))
    error = expect_error(tmp_path / "chiffre.pdf", "pdf_chiffre")
    assert "mot de passe" in error.message


def test_pdf_owner_password_only_is_readable(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Lisible sans mot de passe")
    pdf.set_encryption(owner_password="proprietaire")
    pdf.output(str(tmp_path / "restreint.pdf"))
    assert extract(tmp_path / "restreint.pdf").text == "Lisible sans mot de passe"


def test_pdf_scan_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.set_fill_color(180, 180, 180)
        pdf.rect(20, 20, 120, 60, style="F")
    png = _png_bytes()
    pdf.image(io.BytesIO(png), x=20, y=100, w=40)
    pdf.output(str(tmp_path / "scan.pdf"))
    error = expect_error(tmp_path / "scan.pdf", "sans_texte")
    assert "OCR" in error.message and "2 pages" in error.message


def test_pdf_corrupt_and_truncated(tmp_path: Path, contract_pdf: Path) -> None:
    garbage = tmp_path / "casse.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    expect_error(garbage, "pdf_corrompu")
    truncated = tmp_path / "tronque.pdf"
    truncated.write_bytes(contract_pdf.read_bytes()[:2000])
    expect_error(truncated, "pdf_corrompu")
    header_only = tmp_path / "entete.pdf"
    header_only.write_bytes(b"%PDF-1.4\n%%EOF\n")
    expect_error(header_only, "pdf_corrompu")


def test_pdf_too_many_pages(contract_pdf: Path) -> None:
    error = expect_error(contract_pdf, "trop_volumineux", max_pages=2)
    assert "3 pages" in error.message and "2 pages" in error.message


# ---------------------------------------------------------------------------------------------------------------
# DOCX


def build_docx(path: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Association Aide à Domicile – En-tête"
    section.footer.paragraphs[0].text = "SIRET 123 456 789 00012 – Pied de page"
    document.add_heading("Contrat de prestation", level=0)
    document.add_heading("Article 1 – Objet", level=1)
    document.add_paragraph("Le présent contrat définit les prestations réalisées au domicile du bénéficiaire.")
    document.add_paragraph("Aide à la toilette", style="List Bullet")
    document.add_paragraph("Préparation des repas", style="List Number")
    document.add_heading("Tarifs détaillés", level=2)
    table = document.add_table(rows=3, cols=3)
    table.cell(2, 1).merge(table.cell(2, 2))  # horizontal merge
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical merge: the first cell spans rows 2 and 3
    for i, row in enumerate([("Prestation", "Tarif", "Majoration"), ("Aide à domicile", "24,50 €", "25 %"),
                             (None, "22,00 € le dimanche", None)]):
        for j, value in enumerate(row):
            if value is not None:
                table.cell(i, j).text = value
    bold = document.add_paragraph().add_run("Article 2 – Résiliation")
    bold.bold = True
    # A plain-text content control (w:sdt) at body level.
    sdt = parse_xml(
        '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:sdtPr><w:alias w:val="Nom"/></w:sdtPr><w:sdtContent><w:p><w:r>'
        "<w:t>Bénéficiaire : Mme Dupont (contrôle de contenu)</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(len(document.element.body) - 1, sdt)
    placeholder = parse_xml(
        '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>"
        "<w:t>Cliquez ici pour entrer du texte.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(len(document.element.body) - 1, placeholder)
    paragraph = document.add_paragraph("Fin de la première page.")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Annexe", level=1)
    document.add_paragraph("Texte de la deuxième page.")
    document.save(str(path))
    return path


def test_docx_structure(tmp_path: Path) -> None:
    doc = extract(build_docx(tmp_path / "contrat.docx"))
    assert doc.format == "docx"
    check_offsets(doc)
    assert doc.pages == 2
    kinds = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert (BlockKind.heading, 1, "Contrat de prestation") in kinds
    assert (BlockKind.heading, 1, "Article 1 - Objet") in kinds
    assert (BlockKind.heading, 2, "Tarifs détaillés") in kinds
    assert (BlockKind.list_item, 0, "Aide à la toilette") in kinds
    assert (BlockKind.list_item, 0, "Préparation des repas") in kinds
    heading = next(b for b in doc.blocks if b.text == "Article 2 - Résiliation")
    assert heading.kind == BlockKind.heading  # bold, numbered, in a Normal paragraph
    assert texts(doc, BlockKind.table_row) == [
        "Prestation | Tarif | Majoration",
        "Aide à domicile | 24,50 € | 25 %",
        "22,00 € le dimanche",  # merged cells appear once
    ]
    assert "Bénéficiaire : Mme Dupont (contrôle de contenu)" in texts(doc)
    assert "Cliquez ici" not in doc.text
    # header first, footer last; each once
    assert doc.blocks[0].kind == BlockKind.header and doc.blocks[0].text == "Association Aide à Domicile - En-tête"
    assert doc.blocks[-1].kind == BlockKind.footer and "SIRET" in doc.blocks[-1].text
    assert len([b for b in doc.blocks if b.kind in (BlockKind.header, BlockKind.footer)]) == 2
    # pages from the explicit page break
    assert next(b for b in doc.blocks if b.text == "Annexe").page == 2
    assert next(b for b in doc.blocks if b.text == "Fin de la première page.").page == 1
    # document order
    order = [b.text for b in doc.blocks]
    assert order.index("Tarifs détaillés") < order.index("Prestation | Tarif | Majoration") < order.index(
        "Article 2 - Résiliation")


def test_docx_sections_headers_deduplicated_and_rendered_breaks(tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_SECTION
    from docx.oxml import parse_xml

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "En-tête commun"
    document.add_paragraph("Section un.")
    document.add_section(WD_SECTION.NEW_PAGE)  # the new section's header is linked: same text, no duplicate
    document.add_paragraph("Section deux.")
    new = document.add_section(WD_SECTION.NEW_PAGE)
    new.header.is_linked_to_previous = False
    new.header.paragraphs[0].text = "En-tête de l'annexe"
    document.add_paragraph("Section trois.")
    document.save(str(tmp_path / "sections.docx"))
    doc = extract(tmp_path / "sections.docx")
    check_offsets(doc)
    assert doc.pages == 3
    headers = [(b.page, b.text) for b in doc.blocks if b.kind == BlockKind.header]
    assert headers == [(1, "En-tête commun"), (3, "En-tête de l'annexe")]
    assert [b.page for b in doc.blocks if b.text.startswith("Section")] == [1, 2, 3]

    # Word's rendered page breaks (w:lastRenderedPageBreak) are used when present.
    document = docx.Document()
    document.add_paragraph("Page un.")
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                  "<w:lastRenderedPageBreak/><w:t>Page deux.</w:t></w:r>"))
    document.save(str(tmp_path / "rendu.docx"))
    doc = extract(tmp_path / "rendu.docx")
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "Page un."), (2, "Page deux.")]
    assert doc.pages == 2


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _add_footnote(path: Path, footnote: str) -> None:
    """Add a footnotes part to a saved DOCX, referenced from the paragraph containing "[note]"."""
    with zipfile.ZipFile(path) as source:
        members = {item.filename: source.read(item.filename) for item in source.infolist()}
    members["word/footnotes.xml"] = (
        f'<w:footnotes {W_NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>{footnote}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    ).encode()
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/footnotes"/></Relationships>',
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.footnotes+xml"/></Types>',
    )
    assert b"[note]</w:t></w:r>" in members["word/document.xml"]
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"[note]</w:t></w:r>", b'[note]</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, content in members.items():
            target.writestr(name, content)


def test_docx_hyperlink_text_box_footnote_and_tracked_changes(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Voir le site ")
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {W_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<w:r><w:t>service-public.fr</w:t></w:r></w:hyperlink>"))
    paragraph._p.append(parse_xml(f"<w:r {W_NS}><w:t xml:space=\"preserve\"> pour vos droits.</w:t></w:r>"))
    tracked = document.add_paragraph()
    tracked._p.append(parse_xml(
        f'<w:del {W_NS} w:id="1" w:author="a"><w:r><w:delText>ancien texte </w:delText></w:r></w:del>'))
    tracked._p.append(parse_xml(f'<w:ins {W_NS} w:id="2" w:author="a"><w:r><w:t>Texte révisé.</w:t></w:r></w:ins>'))
    boxed = document.add_paragraph("Avant l'encadré.")
    boxed._p.append(parse_xml(
        f'<w:r {W_NS} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>Texte dans un encadré.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    document.add_paragraph("Phrase avec une note [note]")
    document.add_paragraph("Dernier paragraphe.")
    path = tmp_path / "riche.docx"
    document.save(str(path))
    _add_footnote(path, "Article L. 311-4 du code de l'action sociale et des familles.")
    doc = extract(path)
    check_offsets(doc)
    assert texts(doc) == [
        "Voir le site service-public.fr pour vos droits.",
        "Texte révisé.",
        "Avant l'encadré.",
        "Texte dans un encadré.",
        "Phrase avec une note [note]",
        "Article L. 311-4 du code de l'action sociale et des familles.",
        "Dernier paragraphe.",
    ]


def test_docx_sniffed_from_content(tmp_path: Path) -> None:
    source = build_docx(tmp_path / "contrat.docx")
    disguised = tmp_path / "contrat.pdf"
    disguised.write_bytes(source.read_bytes())
    assert extract(disguised).format == "docx"


def test_docx_corrupt(tmp_path: Path) -> None:
    data = build_docx(tmp_path / "ok.docx").read_bytes()
    truncated = tmp_path / "tronque.docx"
    truncated.write_bytes(data[: len(data) // 2])
    expect_error(truncated, "docx_corrompu")
    # a ZIP with word/document.xml whose XML is broken
    broken = tmp_path / "xml.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "word/document.xml":
                    content = content[: len(content) // 2]
                archive.writestr(item, content)
    expect_error(broken, "docx_corrompu")
    # word/document.xml present but no package structure at all
    bare = tmp_path / "nu.docx"
    with zipfile.ZipFile(bare, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    expect_error(bare, "docx_corrompu")


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(tmp_path / "vide.docx"))
    expect_error(tmp_path / "vide.docx", "fichier_vide")


# ---------------------------------------------------------------------------------------------------------------
# text and Markdown


def test_plain_text_paragraphs_pages_and_headings(tmp_path: Path) -> None:
    path = tmp_path / "contrat.txt"
    path.write_text(
        "CONTRAT DE PRESTATION\n\n"
        "Article 1 - Objet\nLe contrat définit les prestations\nréalisées à domicile.\n\n"
        "- premier point\n- second point\n  suite du second\n"
        "\fPage deux, été comme hiver.\r\n\r\nDernier paragraphe.\f\n",
        encoding="utf-8",
    )
    doc = extract(path)
    assert doc.format == "text"
    check_offsets(doc)
    assert doc.pages == 2
    assert [(b.kind, b.page, b.text) for b in doc.blocks] == [
        (BlockKind.heading, 1, "CONTRAT DE PRESTATION"),
        (BlockKind.heading, 1, "Article 1 - Objet"),
        (BlockKind.paragraph, 1, "Le contrat définit les prestations\nréalisées à domicile."),
        (BlockKind.list_item, 1, "- premier point"),
        (BlockKind.list_item, 1, "- second point\nsuite du second"),
        (BlockKind.paragraph, 2, "Page deux, été comme hiver."),
        (BlockKind.paragraph, 2, "Dernier paragraphe."),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Délai de rétractation : quatorze jours.".encode(), "Délai de rétractation : quatorze jours."),
        (b"\xef\xbb\xbf" + "Préavis d'un mois.".encode(), "Préavis d'un mois."),
        ("Tarif : 24,50 € – œuvre".encode("cp1252"), "Tarif : 24,50 € - œuvre"),
        ("Bénéficiaire âgé".encode("latin-1"), "Bénéficiaire âgé"),
        (b"\xff\xfe" + "Contrat signé.".encode("utf-16-le"), "Contrat signé."),
    ],
)
def test_text_encodings(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(raw)
    doc = extract(path)
    assert doc.text == expected
    check_offsets(doc)


def test_text_with_a_stray_control_character(tmp_path: Path) -> None:
    path = tmp_path / "dos.txt"
    path.write_bytes("Contrat signé le 3 mars.\r\n".encode("cp1252") * 20 + b"\x1a")
    doc = extract(path)
    assert doc.format == "text" and doc.text.startswith("Contrat signé le 3 mars.")


MARKDOWN = """\
# Livret d'accueil

Bienvenue au **service d'aide** à _domicile_. Voir [le site](https://exemple.fr) et `snake_case`.

## Vos droits

- Droit à la *dignité*
- Droit à l'information
  et à la participation
1. Premier engagement
2) Second engagement

| Prestation | Tarif |
|:---|---:|
| Toilette | 24,50 € |
| Ménage \\| entretien | 22,00 € |

Titre souligné
--------------

> Citation de la charte.

```
code brut **non modifié**
```

Texte final avec nom_de_variable et 2*3*4.
"""


def test_markdown_structure(tmp_path: Path) -> None:
    path = tmp_path / "livret.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = extract(path)
    assert doc.format == "markdown"
    check_offsets(doc)
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        (BlockKind.heading, 1, "Livret d'accueil"),
        (BlockKind.paragraph, 0,
         "Bienvenue au service d'aide à domicile. Voir le site (https://exemple.fr) et snake_case."),
        (BlockKind.heading, 2, "Vos droits"),
        (BlockKind.list_item, 0, "Droit à la dignité"),
        (BlockKind.list_item, 0, "Droit à l'information\net à la participation"),
        (BlockKind.list_item, 0, "Premier engagement"),
        (BlockKind.list_item, 0, "Second engagement"),
        (BlockKind.table_row, 0, "Prestation | Tarif"),
        (BlockKind.table_row, 0, "Toilette | 24,50 €"),
        (BlockKind.table_row, 0, "Ménage | entretien | 22,00 €"),
        (BlockKind.heading, 2, "Titre souligné"),
        (BlockKind.paragraph, 0, "Citation de la charte."),
        (BlockKind.paragraph, 0, "code brut **non modifié**"),
        (BlockKind.paragraph, 0, "Texte final avec nom_de_variable et 2*3*4."),
    ]


def test_markdown_detected_from_headings_in_txt(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("# Règlement\n\nTexte.\n", encoding="utf-8")
    doc = extract(path)
    assert doc.format == "markdown"
    assert doc.blocks[0].kind == BlockKind.heading
    plain = tmp_path / "plain.md.txt"
    plain.write_text("Pas de titre #1 ici.\n", encoding="utf-8")
    assert extract(plain).format == "text"


# ---------------------------------------------------------------------------------------------------------------
# input errors


def _png_bytes() -> bytes:
    """A tiny valid PNG (2×2 grey), built without Pillow."""
    import struct
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _ole(stream_name: str) -> bytes:
    """The start of an OLE2 compound file whose directory names `stream_name`."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    error = expect_error(tmp_path / "absent.pdf", "fichier_introuvable")
    assert "absent.pdf" in error.message
    error = expect_error(tmp_path, "fichier_introuvable")
    assert "dossier" in error.message
    expect_error(str(tmp_path / "absent.txt"), "fichier_introuvable")
    if Path("/dev/null").exists():
        error = expect_error("/dev/null", "fichier_introuvable")
        assert "pas un fichier ordinaire" in error.message


def test_empty_and_blank_files(tmp_path: Path) -> None:
    (tmp_path / "vide.pdf").write_bytes(b"")
    expect_error(tmp_path / "vide.pdf", "fichier_vide")
    (tmp_path / "blanc.txt").write_text(" \n\t\r\n\f\n", encoding="utf-8")
    expect_error(tmp_path / "blanc.txt", "fichier_vide")
    (tmp_path / "blanc.md").write_text("\n\n---\n\n", encoding="utf-8")
    expect_error(tmp_path / "blanc.md", "fichier_vide")


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "gros.txt"
    path.write_text("Texte. " * 100, encoding="utf-8")
    error = expect_error(path, "trop_volumineux", max_bytes=200)
    assert "200 octets" in error.message
    assert extract(path, max_bytes=700).format == "text"
    pages = tmp_path / "pages.txt"
    pages.write_text("\f".join(f"Page {n}." for n in range(1, 6)), encoding="utf-8")
    error = expect_error(pages, "trop_volumineux", max_pages=4)
    assert "4 pages" in error.message


@pytest.mark.parametrize(
    ("name", "data", "named"),
    [
        ("photo.png", None, "image PNG"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "image JPEG"),
        ("ancien.doc", _ole("WordDocument"), "document Word ancien format (.doc)"),
        ("classeur.xls", _ole("Workbook"), "classeur Excel ancien format (.xls)"),
        ("inconnu.doc", _ole("Autre"), "document Microsoft Office ancien format"),
        ("protege.docx", _ole("EncryptedPackage"), "mot de passe"),
        ("tableau.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
         "classeur Excel (.xlsx)"),
        ("texte.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
         "document OpenDocument (.odt)"),
        ("archive.zip", _zip({"a.txt": b"bonjour"}), "archive ZIP"),
        ("lettre.rtf", b"{\\rtf1\\ansi Bonjour}", "document RTF"),
        ("page.html", b"<!DOCTYPE html><html><body>Bonjour</body></html>", "page HTML"),
        ("binaire.bin", b"\x00\x01\x02\x03binary\x00data" * 10, "fichier binaire"),
    ],
)
def test_unsupported_formats(tmp_path: Path, name: str, data: bytes | None, named: str) -> None:
    path = tmp_path / name
    path.write_bytes(data if data is not None else _png_bytes())
    error = expect_error(path, "format_non_pris_en_charge")
    assert named in error.message


def test_random_bytes_never_escape_as_other_exceptions(tmp_path: Path) -> None:
    rng = random.Random(20240611)
    path = tmp_path / "aleatoire.bin"
    for size in (1, 7, 64, 512, 4096, 65536):
        for _ in range(5):
            path.write_bytes(rng.randbytes(size))
            try:
                extract(path)
            except InputError as error:
                assert error.code in ERROR_CODES


def _mutations(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    """Corrupted copies: flipped bytes, truncations, and inserted junk."""
    variants = []
    for index in range(count):
        mutated = bytearray(data)
        if index % 3 == 0:
            for _ in range(rng.randint(1, 40)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        elif index % 3 == 1:
            mutated = mutated[: rng.randrange(1, len(mutated))]
        else:
            position = rng.randrange(len(mutated))
            mutated[position:position] = rng.randbytes(rng.randint(1, 200))
        variants.append(bytes(mutated))
    return variants


@pytest.mark.parametrize("builder", ["pdf", "docx", "md"])
def test_mutated_files_only_raise_input_error(tmp_path: Path, builder: str) -> None:
    if builder == "pdf":
        if FONT is None:
            pytest.skip("no DejaVuSans.ttf")
        source = build_contract_pdf(tmp_path / "source.pdf")
    elif builder == "docx":
        source = build_docx(tmp_path / "source.docx")
    else:
        source = tmp_path / "source.md"
        source.write_text(MARKDOWN, encoding="utf-8")
    rng = random.Random(builder)
    target = tmp_path / ("mutant" + source.suffix)
    outcomes: set[str] = set()
    for variant in _mutations(source.read_bytes(), rng, 60):
        target.write_bytes(variant)
        try:
            doc = extract(target)
        except InputError as error:
            assert error.code in ERROR_CODES
            outcomes.add(error.code)
        else:
            check_offsets(doc)
            outcomes.add("ok")
    assert outcomes


def test_docx_with_mutated_xml_only_raises_input_error(tmp_path: Path) -> None:
    source = build_docx(tmp_path / "source.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        members = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    rng = random.Random("xml")
    target = tmp_path / "mutant.docx"
    for part in ("word/document.xml", "word/styles.xml", "word/header1.xml", "[Content_Types].xml"):
        if part not in members:
            continue
        for variant in _mutations(members[part], rng, 15):
            target.write_bytes(_zip({**members, part: variant}))
            try:
                check_offsets(extract(target))
            except InputError as error:
                assert error.code in ERROR_CODES


def test_unexpected_errors_are_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import conformcheck.extract.text as text_module

    def boom(*args: object, **kwargs: object) -> Document:
        raise RuntimeError("bug")

    monkeypatch.setattr(text_module, "extract_text", boom)
    path = tmp_path / "note.txt"
    path.write_text("Bonjour.", encoding="utf-8")
    error = expect_error(path, "lecture_impossible")
    assert "RuntimeError" in error.message


def test_every_error_code_is_documented() -> None:
    assert set(ERROR_CODES) == {
        "fichier_introuvable", "fichier_vide", "trop_volumineux", "format_non_pris_en_charge", "pdf_corrompu",
        "pdf_chiffre", "sans_texte", "docx_corrompu", "lecture_impossible",
    }


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("Article 3 – Tarifs", 2),
        ("Article 1er : Objet du contrat", 2),
        ("ARTICLE 12 - RÉSILIATION", 2),
        ("Chapitre II", 1),
        ("ANNEXE", 1),
        ("Annexe B. Grille tarifaire", 1),
        ("1. Objet du contrat", 1),
        ("2.3 Modalités de paiement", 2),
        ("II. Vos droits", 1),
        ("B) Tarifs", 2),
        ("CONDITIONS GÉNÉRALES DE VENTE", 1),
        ("M. Marcel Tessier", None),
        ("12 rue de la Paix", None),
        ("Article L. 311-4 du code de l'action sociale", None),
        ("SIRET : 123 456 789 00012", None),
        ("1. Le bénéficiaire peut résilier le contrat à tout moment par lettre recommandée.", None),
        ("Les prestations comprennent :", None),
        ("le service s'engage à respecter", None),
    ],
)
def test_heading_heuristics(line: str, level: int | None) -> None:
    from conformcheck.extract.heuristics import heading_level

    assert heading_level(line) == level


@pytest.mark.parametrize(
    ("line", "expected"),
    [("3", True), ("- 3 -", True), ("Page 3 / 10", True), ("page 2 sur 5", True), ("iv", True), ("3/10", True),
     ("Article 3", False), ("Tél. 02 61 91 24 50", False)],
)
def test_page_number_heuristics(line: str, expected: bool) -> None:
    from conformcheck.extract.heuristics import is_page_number

    assert is_page_number(line) is expected
