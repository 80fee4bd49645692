"""Report formats for people and for other tools: HTML, SARIF 2.1.0, JUnit XML, CSV, Markdown, the terminal
options, and the escaping of every document text (crafted PDF and DOCX)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli
from conformcheck.report.formats import plan_outputs

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAYLOAD = "<script>alert('x')</script> <img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">lien</a>"
GAPS = {"manquant", "non_conforme"}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run writing every format: a defective contract, a compliant livret and a missing file."""
    folder = tmp_path_factory.mktemp("reports")
    names = {fmt: folder / f"rapport.{ext}" for fmt, ext in (("json", "json"), ("html", "html"), ("sarif", "sarif"),
                                                              ("junit", "xml"), ("csv", "csv"), ("md", "md"))}
    args = ["scan", str(SAMPLES / "contrat_defectueux.pdf"), str(SAMPLES / "livret_conforme.docx"),
            str(folder / "absent.pdf"), "--date", "2026-12-01", "-f", "json", "-o", str(names["json"])]
    for fmt in ("html", "sarif", "junit", "csv", "md"):  # formats inferred from the extensions
        args += ["-o", str(names[fmt])]
    code, _ = run(*args)
    assert code == 3  # the missing file
    return {"json": json.loads(names["json"].read_text(encoding="utf-8")),
            **{fmt: path.read_text(encoding="utf-8") for fmt, path in names.items() if fmt != "json"}}


# ---------------------------------------------------------------------------------------------------------------
# choosing formats and outputs


def test_formats_and_outputs_pair_up_in_order() -> None:
    assert plan_outputs([], []) == [("texte", None)]
    assert plan_outputs(["json"], []) == [("json", None)]
    assert plan_outputs(["html", "sarif"], ["r.html", "r.sarif"]) == [("html", "r.html"), ("sarif", "r.sarif")]
    assert plan_outputs(["html", "json"], ["r.html"]) == [("html", "r.html"), ("json", None)]
    assert plan_outputs([], ["a.HTML", "b.xml", "c.csv", "d.md", "e.txt", "f.json", "g.sarif"]) == [
        ("html", "a.HTML"), ("junit", "b.xml"), ("csv", "c.csv"), ("md", "d.md"), ("texte", "e.txt"),
        ("json", "f.json"), ("sarif", "g.sarif")]
    assert plan_outputs(["json"], ["rapport.html"]) == [("json", "rapport.html")]  # an explicit format wins
    with pytest.raises(ValueError, match="sortie standard"):
        plan_outputs(["json", "sarif"], [])
    with pytest.raises(ValueError, match="format du fichier rapport.pdf inconnu"):
        plan_outputs([], ["rapport.pdf"])


def test_cli_rejects_two_formats_on_stdout_and_unknown_extensions(tmp_path: Path) -> None:
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "-f", "json", "-f", "sarif")
    assert code == 2 and "un seul format peut aller sur la sortie standard" in out
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "-o", str(tmp_path / "rapport.docx"))
    assert code == 2 and "format du fichier" in out and not (tmp_path / "rapport.docx").exists()
    code, out = run("scan", "--help")
    assert "-f, --format" in out and "-o, --output" in out and "--show-passed" in out and "--no-color" in out


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "-o", str(tmp_path / "absent" / "r.json"),
                    "-o", str(tmp_path / "r.md"))
    assert code == 2 and "impossible d'écrire" in out
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Rapport de conformité")


# ---------------------------------------------------------------------------------------------------------------
# SARIF 2.1.0, checked against the structure the specification publishes


def _check_message(message: Any) -> None:
    assert isinstance(message, dict) and isinstance(message.get("text"), str) and message["text"]


def test_sarif_has_the_published_structure(reports: dict[str, Any]) -> None:
    log = json.loads(reports["sarif"])
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "conformcheck" and driver["version"]
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        _check_message(rule["shortDescription"])
        _check_message(rule["fullDescription"])
        _check_message(rule["help"])
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert "helpUri" in rule or rule["properties"]["references"] is not None
        if "helpUri" in rule:
            assert rule["helpUri"].startswith(("https://", "http://"))
    assert any("helpUri" in rule for rule in rules)  # packs give addresses for many references
    artifacts = run_["artifacts"]
    assert [a["location"]["uri"].rsplit("/", 1)[-1] for a in artifacts] == [
        "contrat_defectueux.pdf", "livret_conforme.docx", "absent.pdf"]
    documents = reports["json"]["documents"]
    findings = [f for doc in documents for f in doc["findings"]]
    results = run_["results"]
    assert len(results) == len(findings)
    kinds = {"conforme": "pass", "manquant": "fail", "non_conforme": "fail", "a_verifier": "review",
             "non_applicable": "notApplicable"}
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(results, findings, strict=True):
        assert result["ruleId"] == finding["rule_id"] == rules[result["ruleIndex"]]["id"]
        assert result["kind"] == kinds[finding["status"]]
        assert result["level"] == (levels[finding["severity"]] if result["kind"] == "fail" else "none")
        _check_message(result["message"])
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert physical["artifactLocation"]["uri"] == artifacts[physical["artifactLocation"]["index"]][
                "location"]["uri"]
        evidence = finding.get("evidence", [])
        regions = [loc["physicalLocation"]["region"] for loc in result["locations"] if
                   "region" in loc["physicalLocation"]]
        assert len(regions) == len(evidence)
        for region, item in zip(regions, evidence, strict=True):
            # a region needs a start (SARIF §3.30.2); the page is a property
            assert region["charOffset"] == item["start"] and region["charLength"] == item["end"] - item["start"]
            assert region["snippet"]["text"] == item["excerpt"] and region["properties"]["page"] == item["page"]
    assert {r["kind"] for r in results} == {"pass", "fail", "review", "notApplicable"}
    notifications = run_["invocations"][0]["toolExecutionNotifications"]
    assert run_["invocations"][0]["executionSuccessful"] is False
    assert len(notifications) == 1 and "absent.pdf" in notifications[0]["message"]["text"]


# ---------------------------------------------------------------------------------------------------------------
# JUnit XML


def test_junit_has_a_suite_per_document_and_a_case_per_applicable_rule(reports: dict[str, Any]) -> None:
    root = ET.fromstring(reports["junit"])
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    documents = reports["json"]["documents"]
    assert [s.get("name") for s in suites] == [d["path"] for d in documents]
    for suite, doc in zip(suites, documents, strict=True):
        cases = suite.findall("testcase")
        if doc["status"] == "error":
            assert len(cases) == 1 and cases[0].find("error") is not None and suite.get("errors") == "1"
            continue
        applicable = [f for f in doc["findings"] if f["status"] != "non_applicable"]
        assert len(cases) == len(applicable) == int(suite.get("tests"))
        for case, finding in zip(cases, applicable, strict=True):
            assert finding["rule_id"] in case.get("name")
            assert (case.find("failure") is not None) == (finding["status"] in GAPS)
            assert (case.find("skipped") is not None) == (finding["status"] == "a_verifier")
        assert int(suite.get("failures")) == sum(f["status"] in GAPS for f in applicable)
        assert int(suite.get("skipped")) == sum(f["status"] == "a_verifier" for f in applicable)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    assert int(root.get("failures")) > 0


# ---------------------------------------------------------------------------------------------------------------
# CSV


def test_csv_has_one_row_per_finding(reports: dict[str, Any]) -> None:
    from conformcheck.report.csv_report import COLUMNS

    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    assert tuple(rows[0].keys()) == COLUMNS
    documents = reports["json"]["documents"]
    findings = [(doc["path"], f) for doc in documents for f in doc["findings"]]
    finding_rows = [r for r in rows if r["status"] != "error"]
    assert len(finding_rows) == len(findings)
    for row, (path, finding) in zip(finding_rows, findings, strict=True):
        assert (row["document"], row["rule_id"], row["status"], row["severity"]) == (
            path, finding["rule_id"], finding["status"], finding["severity"])
        excerpts = [e["excerpt"] for e in finding.get("evidence", [])]
        assert row["excerpt"] == "\n".join(excerpts)  # commas, quotes and line breaks survive the quoting
        assert row["pages"] == ", ".join(str(p) for p in sorted({e["page"] for e in finding.get("evidence", [])}))
    (error,) = [r for r in rows if r["status"] == "error"]
    assert error["document"].endswith("absent.pdf") and error["reason"] == "fichier_introuvable"


def test_csv_neutralises_spreadsheet_formulas(tmp_path: Path) -> None:
    document = tmp_path / "contrat.txt"
    document.write_text("Contrat de prestation\n\n=HYPERLINK(\"http://x\";\"y\") Les tarifs sont modifiables à tout "
                        "moment par le service.", encoding="utf-8")
    code, out = run("scan", str(document), "-f", "csv", "--regime", "sap_declare")
    rows = list(csv.DictReader(io.StringIO(out)))
    excerpts = [r["excerpt"] for r in rows if "HYPERLINK" in r["excerpt"]]
    assert any(e.startswith("'=") for e in excerpts)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


# ---------------------------------------------------------------------------------------------------------------
# Markdown and HTML (static checks; the browser test checks the rendered page)


def test_markdown_report(reports: dict[str, Any]) -> None:
    text = reports["md"]
    assert text.startswith("# Rapport de conformité")
    for doc in reports["json"]["documents"]:
        assert doc["path"].replace("_", "\\_") in text
    defective = reports["json"]["documents"][0]
    gaps = sum(f["status"] == "non_conforme" for f in defective["findings"])
    assert f"### Non conforme ({gaps})" in text and "Fichier illisible" in text
    assert "](https://" in text  # reference addresses become links


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def assert_inert(page: str) -> None:
    """No script, no embedded content, no event handler, links only to web addresses or inside the page."""
    parsed = parse_html(page)
    tags = {tag for tag, _ in parsed.tags}
    assert tags.isdisjoint({"script", "img", "iframe", "object", "embed", "link", "base", "form"}), tags
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            assert (attrs.get("href") or "").startswith(("https://", "http://", "#")), attrs


def test_html_report_is_self_contained_with_summary_and_cards(reports: dict[str, Any]) -> None:
    page = reports["html"]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page and "@page{size:A4" in page
    assert "@media print" in page and "<script" not in page and "@import" not in page and "url(" not in page
    assert_inert(page)
    parsed = parse_html(page)
    cards = [attrs for tag, attrs in parsed.tags if tag == "article" and "card" in (attrs.get("class") or "")]
    findings = [f for doc in reports["json"]["documents"] for f in doc["findings"]]
    assert [(c["data-rule"], c["data-status"]) for c in cards] == [
        (f["rule_id"], f["status"]) for doc in reports["json"]["documents"]
        for status in ("non_conforme", "manquant", "a_verifier", "conforme", "non_applicable")
        for f in doc["findings"] if f["status"] == status]
    assert len(cards) == len(findings)
    assert "Synthèse de 3 documents" in page and "Sommaire" in page and "Illisible" in page
    assert "<mark>" in page and 'rel="noopener noreferrer"' in page


# ---------------------------------------------------------------------------------------------------------------
# escaping: crafted PDF and DOCX


def crafted_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Contrat de prestation de services", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for text in (f"Article 1. {PAYLOAD} Le présent contrat est conclu entre le service et le client.",
                 f"Article 2. Les tarifs sont modifiables à tout moment par le service {PAYLOAD} sans préavis.",
                 "Article 3. Le client peut consulter javascript:alert(3) pour plus d'informations."):
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


def crafted_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Contrat de prestation de services", level=1)
    document.add_paragraph(f"Article 1. {PAYLOAD} Le présent contrat est conclu entre le service et le client.")
    document.add_paragraph(f"Article 2. Les tarifs sont modifiables à tout moment par le service {PAYLOAD} sans "
                           "préavis.")
    document.add_paragraph("Article 3. Voir <b>gras</b> et [clic](javascript:alert(3)) & &amp; fin.")
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("crafted")
    pdf, docx_file = crafted_pdf(folder / "contrat.pdf"), crafted_docx(folder / "contrat<i>x.docx")
    outputs = {fmt: folder / f"rapport.{ext}" for fmt, ext in (("html", "html"), ("md", "md"), ("junit", "xml"),
                                                                ("sarif", "sarif"), ("csv", "csv"), ("json", "json"))}
    args = ["scan", str(pdf), str(docx_file), "--regime", "sap_declare", "--date", "2026-12-01"]
    for path in outputs.values():
        args += ["-o", str(path)]
    code, out = run(*args)
    assert code == 1, out
    return {fmt: path.read_text(encoding="utf-8") for fmt, path in outputs.items()}


def test_crafted_documents_are_shown_as_text_in_every_format(crafted: dict[str, str]) -> None:
    report = json.loads(crafted["json"])
    excerpts = [e["excerpt"] + (e.get("context_before") or "") + (e.get("context_after") or "")
                for doc in report["documents"] for f in doc["findings"] for e in f.get("evidence", [])]
    assert sum("<script>" in e for e in excerpts) >= 2  # the payload is in the excerpts of both documents
    page = crafted["html"]
    assert_inert(page)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "contrat&lt;i&gt;x.docx" in page
    text = "".join(parse_html(page).text)
    assert "<script>alert('x')</script>" in text and 'href="javascript:alert(2)"' in text
    markdown = crafted["md"]
    assert not re.search(r"(?<!\\)<(script|img|a )", markdown) and "](javascript:" not in markdown
    assert "\\<script\\>" in markdown
    junit = ET.fromstring(crafted["junit"])  # well-formed despite the markup in the documents
    assert any("<script>" in (failure.text or "") for failure in junit.iter("failure"))
    sarif = json.loads(crafted["sarif"])
    assert any("<script>" in r["locations"][0]["physicalLocation"].get("region", {}).get("snippet", {}).get(
        "text", "") for r in sarif["runs"][0]["results"])
    rows = list(csv.DictReader(io.StringIO(crafted["csv"])))
    assert any("<script>" in row["excerpt"] for row in rows)


def test_evidence_carries_the_text_around_it(crafted: dict[str, str]) -> None:
    report = json.loads(crafted["json"])
    evidence = [e for doc in report["documents"] for f in doc["findings"] for e in f.get("evidence", [])
                if "tout moment" in e["excerpt"]]
    assert evidence and all("entre le service et le client." in e["context_before"] for e in evidence)
    assert all(e["context_after"].lstrip().startswith("Article 3.") for e in evidence)
    assert all(len(e["context_before"]) <= 125 and len(e["context_after"]) <= 125 for e in evidence)


# ---------------------------------------------------------------------------------------------------------------
# terminal


def test_terminal_hides_passed_requirements_unless_asked() -> None:
    sample = str(SAMPLES / "contrat_defectueux.pdf")
    code, out = run("scan", sample, "--date", "2026-12-01")
    assert code == 1 and "✓ CONFORME (24) — option --show-passed pour les lister." in out
    assert "Bilan :" in out and "contrat_defectueux.pdf : contrat / DIPC, conformité 51 % (24/47)" in out
    code, shown = run("scan", sample, "--date", "2026-12-01", "--show-passed")
    assert "✓ CONFORME (24)\n" in shown and len(shown) > len(out)


def test_quiet_prints_one_line_per_document(tmp_path: Path) -> None:
    code, out = run("scan", str(SAMPLES / "contrat_defectueux.pdf"), str(SAMPLES / "devis_conforme.pdf"),
                    str(tmp_path / "absent.pdf"), "--quiet", "--date", "2026-12-01")
    lines = out.splitlines()
    assert code == 3 and len(lines) == 3
    assert "14 non conformes, 9 manquants, 4 à vérifier" in lines[0] and "rien à corriger" in lines[1]
    assert "illisible" in lines[2]
    code, out = run("scan", str(SAMPLES / "devis_conforme.pdf"), "-q", "-o", str(tmp_path / "r.html"))
    assert code == 0 and out.splitlines() == [f"{SAMPLES / 'devis_conforme.pdf'} : devis, conformité 100 % (17/17) "
                                              "— rien à corriger"]


def _scan_on_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """The text report as a terminal receives it (stdout is a pseudo-terminal)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "conformcheck", "scan", *args], stdout=follower,
                               stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_colours_only_on_a_terminal_and_never_when_refused(tmp_path: Path) -> None:
    document = tmp_path / "contrat.txt"
    document.write_text("Contrat de prestation\n\nLes tarifs sont modifiables à tout moment par le service.",
                        encoding="utf-8")
    plain_env = {"NO_COLOR": ""}
    assert "\x1b[" in _scan_on_a_terminal(str(document), env=plain_env)
    assert "\x1b[" not in _scan_on_a_terminal(str(document), "--no-color", env=plain_env)
    assert "\x1b[" not in _scan_on_a_terminal(str(document), env={"NO_COLOR": "1"})
    result = CliRunner().invoke(cli, ["scan", str(document)], color=True)  # not a terminal: no colour either
    assert "\x1b[" not in result.output and "Bilan :" in result.output
