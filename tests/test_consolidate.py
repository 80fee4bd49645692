"""Consolidated network report: summary figures, CSV, Excel (read back), HTML (checked in Chromium)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli
from conformcheck.consolidate import write_consolidated
from conformcheck.consolidate.load import read_inputs
from conformcheck.consolidate.summary import summarize
from conformcheck.model import DocumentReport
from conformcheck.scan import ScanOptions

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TREND = {"Bon <service>": [("2025-01-10T09:00:00", 0.8), ("2026-01-10T09:00:00", 1.0)],
         "Service fragile": [("2025-01-10T09:00:00", 0.7), ("2026-01-10T09:00:00", 0.6)]}


@pytest.fixture(scope="module")
def documents(python_scanner):
    options = ScanOptions(scan_date=date(2026, 12, 1))
    docs = []
    for name, service in (("conforme", "Bon <service>"), ("defectueux", "Service fragile")):
        for kind in ("livret", "reglement", "contrat", "devis"):
            doc = python_scanner.scan_path(str(SAMPLES / "src" / f"{kind}_{name}.md"), options)
            doc.service = service
            docs.append(doc)
    docs.append(DocumentReport(path="lot/illisible.pdf", status="error", error="PDF protégé", error_code="chiffre"))
    return docs


def test_summary_figures(documents):
    summary = summarize(documents)
    assert [s.service for s in summary.services] == ["Bon <service>", "lot", "Service fragile"]
    good, unread, weak = summary.services
    assert good.blocking == 0 and weak.blocking > 0 and unread.errors == 1
    shares = {s.doc_type: s for s in summary.doc_types}
    assert all(s.services_conformes == 1 and s.services_total == 3 for s in shares.values())
    assert shares["livret_accueil"].share == round(1 / 3, 3)
    assert summary.total.applicable == sum(d.rate.applicable for d in summary.documents)
    assert summary.top_gaps and all(g.services == 1 for g in summary.top_gaps)
    assert len(summary.top_gaps) == 10
    assert [row.path for row in summary.errors] == ["lot/illisible.pdf"]


def test_waived_gaps_are_not_blocking(documents):
    from copy import deepcopy

    from conformcheck.consolidate.summary import is_blocking
    from conformcheck.model import Waiver

    waived = deepcopy(documents)
    weak = [d for d in waived if d.service == "Service fragile"]
    assert weak
    for doc in weak:
        for finding in doc.findings:
            if is_blocking(finding):
                finding.waiver = Waiver(rule=finding.rule_id, documents="*", reason="accepté", decided_by="direction",
                                        expires="2027-12-31", file="derogations.toml")
    assert summarize(documents).services[2].blocking > 0
    assert summarize(waived).services[2].blocking == 0


def test_csv(documents, tmp_path):
    out = tmp_path / "s.csv"
    write_consolidated(documents, out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Service", "Fichier", "Type", "État", "Taux de conformité (%)"]
    assert len(rows) == 1 + len(documents)
    good = next(r for r in rows if r[1].endswith("livret_conforme.md"))
    assert good[0] == "Bon <service>" and good[4] == "100,0" and good[7] == "0"


def test_xlsx(documents, tmp_path):
    out = tmp_path / "s.xlsx"
    write_consolidated(documents, out, trend=TREND)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets = [s.get("name") for s in workbook.iter(f"{{{NS['m']}}}sheet")]
        services = ElementTree.fromstring(archive.read("xl/worksheets/sheet2.xml"))
    assert {"[Content_Types].xml", "_rels/.rels", "xl/styles.xml"} <= set(names)
    assert sheets == ["Indicateurs", "Services", "Documents", "Thèmes", "Écarts fréquents", "Erreurs", "Évolution"]
    rows = services.findall(".//m:row", NS)
    first = [c.findtext(".//m:t", namespaces=NS) or c.findtext("m:v", namespaces=NS) for c in rows[1]]
    assert first[0] == "Bon <service>" and first[3] == "1.0"
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl (extra dev) absent : relecture par openpyxl sautée")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == sheets
    sheet = book["Services"]
    assert sheet["A2"].value == "Bon <service>" and sheet["D2"].value == 1.0 and sheet["D2"].number_format == "0.0%"
    assert sheet["A1"].font.bold


def test_synthese_command_reads_json_reports_and_stores(documents, tmp_path):
    from conformcheck import __version__
    from conformcheck.model import Report

    report = Report(tool_version=__version__, scan_date="2026-12-01", documents=documents[:4])
    (tmp_path / "r.json").write_text(report.to_json(), encoding="utf-8")
    store = tmp_path / "resultats.jsonl"
    lines = [json.dumps({"path": d.path, "sha256": "0" * 64, "size": 1, "service": "Depuis le lot", "context": {},
                         "scanned_at": "2026-12-01T10:00:00", "tool_version": __version__,
                         "report": json.loads(Report(tool_version="x", scan_date="y", documents=[d]).to_json())
                         ["documents"][0]}, ensure_ascii=False) for d in documents[4:8]]
    store.write_text("\n".join(lines + lines[:1]) + "\n", encoding="utf-8")  # a path twice: the last wins
    assert len(read_inputs([str(store)])) == 4
    killed = tmp_path / "interrompu.jsonl"  # a batch killed while writing a line, then resumed
    killed.write_text("\n".join([lines[0], lines[1][:40], lines[2]]) + "\n", encoding="utf-8")
    assert len(read_inputs([str(killed)])) == 2
    result = CliRunner().invoke(cli, ["synthese", str(tmp_path / "r.json"), str(store), "-o", str(tmp_path / "s.html"),
                                      "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Depuis le lot" in page and "Bon &lt;service&gt;" in page and "<script" not in page
    bad = tmp_path / "bad.json"
    bad.write_text("{\"x\": 1}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["synthese", str(bad), "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 3 and "ni un rapport JSON" in result.output


@pytest.mark.parametrize(("content", "expected"), [
    ('{"documents": [{"path": ["a.pdf"], "status": "ok"}]}', "champs path et status"),
    ('{"documents": [{"path": "a.pdf", "status": "inconnu"}]}', "champs path et status"),
    ('{"documents": [{"path": "a.pdf", "status": "ok", "service": {"nom": "x"}}]}', "doivent être du texte"),
    ('{"documents": [{"path": "a.pdf", "status": "ok", "context": 3}]}', "rapport de document illisible"),
    ("", "est vide"),
    ("pas du JSON\n", "JSON invalide"),
])
def test_synthese_of_malformed_reports_is_a_french_input_error(tmp_path: Path, content: str, expected: str) -> None:
    """Hand-edited or foreign reports: a French message and exit code 3, never a traceback."""
    source = tmp_path / "rapport.json"
    source.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["synthese", str(source), "-o", str(tmp_path / "s.html")])
    assert result.exit_code == 3 and expected in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_html_in_chromium(documents, tmp_path, chromium):
    out = tmp_path / "synthese.html"
    write_consolidated(documents, out, trend=TREND)
    summary = summarize(documents, trend=TREND)
    visit = chromium(out)
    page = visit.page
    shown_total = page.inner_text('[data-figure="total-rate"] .value')
    shares = {r.get_attribute("data-doc-type"): r.get_attribute("data-share")
              for r in page.query_selector_all("tr[data-doc-type]")}
    services = {r.get_attribute("data-service"): (r.get_attribute("data-rate"), r.get_attribute("data-blocking"))
                for r in page.query_selector_all("tr[data-service]")}
    gaps = [r.get_attribute("data-rule") for r in page.query_selector_all("tr[data-rule]")]
    trends = page.query_selector_all("tr[data-trend] svg polyline")
    page.screenshot(path=str(tmp_path / "synthese.png"), full_page=True)
    assert not visit.errors
    assert all(url.startswith("file://") for url in visit.requests)
    assert shown_total == f"{summary.total.rate * 100:.0f} %"
    assert shares == {s.doc_type: str(s.share) for s in summary.doc_types}
    assert services == {s.service: (str(s.rate.rate), str(s.blocking)) for s in summary.services}
    assert gaps == [g.rule_id for g in summary.top_gaps]
    assert len(trends) == 2


def test_html_fits_the_page_and_prints_on_a4(documents, tmp_path, chromium):
    """Long service names and paths (no space to break at) wrap inside their cells: nothing wider than the window
    at 1100 px, every service × document type cell visible, and an A4 print with the key figures on page 1."""
    import dataclasses

    import pypdfium2

    from conformcheck.report.html_base import BASE_CSS

    folder = "/srv/partage/" + "documents_remis_aux_personnes_accompagnees_" * 4
    long = [dataclasses.replace(d, path=folder + d.path.rsplit("/", 1)[-1],
                                service="Service d'aide et d'accompagnement à domicile du Val de Saône et des Monts "
                                        "du Lyonnais") for d in documents[:4]]
    out = tmp_path / "synthese.html"
    write_consolidated(documents + long, out, trend=TREND)
    html = out.read_text(encoding="utf-8")
    assert BASE_CSS in html and 'class="masthead"' in html  # the single-document report's look
    visit = chromium(out)
    page = visit.page
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wider = page.evaluate("w => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
                          " > w).map(e => e.outerHTML.slice(0, 80))", width)
    assert wider == []
    assert page.locator("tr[data-service] .badge").count() == 4 * len(summarize(documents + long).services)
    page.emulate_media(media="print")
    page.pdf(path=str(tmp_path / "synthese.pdf"), prefer_css_page_size=True)
    assert not visit.errors
    pdf = pypdfium2.PdfDocument(str(tmp_path / "synthese.pdf"))
    width_pt, height_pt = pdf[0].get_size()
    first_page = " ".join(pdf[0].get_textpage().get_text_range().split())
    pdf.close()
    assert (round(width_pt), round(height_pt)) == (595, 842)
    assert "Taux de conformité du réseau" in first_page and "Constats bloquants" in first_page
