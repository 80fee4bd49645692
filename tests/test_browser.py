"""The HTML report in a real browser (headless Chromium from the system, driven by Playwright): no console
error, no network request, figures equal to the JSON report's, every finding present, filters that hide and
show cards, an A4 print. Screenshots are saved under each test's tmp_path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conformcheck.model import Report
from conformcheck.report.html import render as render_html
from conformcheck.report.labels import percent
from conformcheck.scan import Scanner, ScanOptions

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_PDFS = sorted(p.name for p in SAMPLES.glob("*.pdf"))

if not CHROMIUM.is_file():
    pytest.skip("Chromium absent (/usr/bin/chromium) : installez le paquet Debian « chromium » pour ces tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright absent : pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


def make_report(scanner: Scanner, paths: list[Path]) -> Report:
    report = Report(tool_version="test", scan_date="2026-12-01")
    options = ScanOptions(scan_date=date(2026, 12, 1))
    report.documents = [scanner.scan_path(str(path), options) for path in paths]
    return report


class Page:
    """A report opened in Chromium, with the console errors and outgoing requests it produced."""

    def __init__(self, browser: Any, report: Report, folder: Path) -> None:
        self.json = json.loads(report.to_json())
        html_file = folder / "rapport.html"
        html_file.write_text(render_html(report), encoding="utf-8")
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.goto(html_file.as_uri())
        self.page.wait_for_load_state("load")
        self.folder = folder

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:", "about:"))]

    def screenshot(self, name: str) -> Path:
        path = self.folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        return path

    def visible_cards(self, selector: str) -> int:
        return self.page.eval_on_selector_all(selector, "cards => cards.filter(c => c.checkVisibility()).length")


def check_figures(page: Page) -> None:
    """The summary of every document equals the JSON report's figures; every finding has its card."""
    for number, doc in enumerate(page.json["documents"], start=1):
        section = page.page.locator(f"#doc-{number}")
        if doc["status"] == "error":
            assert "pas pu être analysé" in section.inner_text()
            continue
        score = doc["score"]["document"]
        assert section.locator(".rate").inner_text() == percent(score.get("rate"))
        caption = section.locator("[data-met]")
        assert (caption.get_attribute("data-met"), caption.get_attribute("data-applicable")) == (
            str(score["met"]), str(score["applicable"]))
        for status in ("non_conforme", "manquant", "a_verifier", "conforme"):
            expected = sum(f["status"] == status for f in doc["findings"])
            assert section.locator(f".tile[data-status={status}] .n").inner_text() == str(expected)
            cards = section.locator(f".card[data-status={status}]")
            assert cards.count() == expected
            assert sorted(cards.evaluate_all("cards => cards.map(c => c.dataset.rule)")) == sorted(
                f["rule_id"] for f in doc["findings"] if f["status"] == status)
        assert section.locator(".card").count() == len(doc["findings"])
        for pack, pack_score in doc["score"].items():
            if pack != "document" and pack_score["applicable"]:
                figure = section.locator(f".figure[data-pack={pack}]").inner_text()
                assert figure.startswith(f"{pack_score['met']}/{pack_score['applicable']} ")
        assert doc["theme_score"]
        for theme, theme_score in doc["theme_score"].items():
            figure = section.locator(f".figure[data-theme={theme}]").inner_text()
            assert figure.startswith(f"{theme_score['met']}/{theme_score['applicable']} ")
        for severity in ("error", "warning", "info"):
            cell = section.locator(f".sevtable td[data-status=manquant][data-severity={severity}]").inner_text()
            assert cell == str(sum(f["status"] == "manquant" and f["severity"] == severity for f in doc["findings"]))


@pytest.mark.parametrize("name", SAMPLE_PDFS)
def test_sample_report_in_chromium(name: str, browser: Any, python_scanner: Scanner, tmp_path: Path) -> None:
    page = Page(browser, make_report(python_scanner, [SAMPLES / name]), tmp_path)
    assert page.errors == [] and page.external_requests() == []
    check_figures(page)
    page.screenshot(name.removesuffix(".pdf"))
    doc = page.json["documents"][0]
    shown = sum(f["status"] != "non_applicable" for f in doc["findings"])
    assert page.visible_cards(".card") == shown  # « non applicable » hidden by default
    for status in {f["status"] for f in doc["findings"]} - {"non_applicable"}:
        page.page.uncheck(f"#f-{status}")
        assert page.visible_cards(f".card[data-status={status}]") == 0
        assert page.visible_cards(".card") == shown - sum(f["status"] == status for f in doc["findings"])
        page.page.check(f"#f-{status}")
        assert page.visible_cards(".card") == shown
    page.page.check("#f-non_applicable")
    assert page.visible_cards(".card") == len(doc["findings"])
    page.page.uncheck("#f-non_applicable")
    packs = sorted({f["pack"] for f in doc["findings"]})
    for index, pack in enumerate(packs):
        if not page.page.locator(f"#f-pk{index}").count():
            continue  # a single pack has no pack filter
        page.page.uncheck(f"#f-pk{index}")
        assert page.visible_cards(f".card[data-pack={pack}]") == 0
        assert page.visible_cards(".card") == sum(f["status"] != "non_applicable" and f["pack"] != pack
                                                  for f in doc["findings"])
        page.page.check(f"#f-pk{index}")
    assert page.errors == [] and page.external_requests() == []
    page.page.close()


def test_several_documents_get_a_summary_table_and_a_print_layout(browser: Any, python_scanner: Scanner,
                                                                  tmp_path: Path) -> None:
    paths = [SAMPLES / name for name in SAMPLE_PDFS] + [tmp_path / "absent.pdf"]
    page = Page(browser, make_report(python_scanner, paths), tmp_path)
    assert page.errors == [] and page.external_requests() == []
    check_figures(page)
    rows = page.page.locator(".overview tr[data-doc]")
    assert rows.count() == len(paths) and page.page.locator(".toc li").count() == len(paths)
    for number, doc in enumerate(page.json["documents"], start=1):
        row = page.page.locator(f".overview tr[data-doc=doc-{number}]")
        if doc["status"] == "ok":
            assert row.locator(".rate-text").inner_text() == percent(doc["score"]["document"].get("rate"))
            assert row.locator("td[data-status=manquant]").inner_text() == str(
                sum(f["status"] == "manquant" for f in doc["findings"]))
    page.page.click("a[href='#doc-3']")
    assert page.page.evaluate("location.hash") == "#doc-3"
    page.page.set_viewport_size({"width": 1200, "height": 900})
    page.page.screenshot(path=str(tmp_path / "synthese.png"))
    page.page.emulate_media(media="print")
    assert page.page.locator(".filters").is_hidden() and page.page.locator(".overview").is_visible()
    pdf_file = tmp_path / "rapport.pdf"
    page.page.pdf(path=str(pdf_file), prefer_css_page_size=True)
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_file))
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842) and len(pdf) > len(paths)  # A4, a document per page
    pdf[0].render(scale=1).to_pil().save(tmp_path / "impression-page1.png")
    pdf.close()
    assert page.errors == [] and page.external_requests() == []
    page.page.close()


def test_crafted_documents_show_markup_as_text(browser: Any, python_scanner: Scanner, tmp_path: Path) -> None:
    from tests.test_report_formats import PAYLOAD, crafted_docx, crafted_pdf

    paths = [crafted_pdf(tmp_path / "contrat.pdf"), crafted_docx(tmp_path / "contrat<i>x.docx")]
    page = Page(browser, make_report(python_scanner, paths), tmp_path)
    assert page.page.locator("script, img, iframe, [onerror]").count() == 0
    assert page.page.locator("a[href^='javascript']").count() == 0
    text = page.page.locator("main").inner_text()
    assert "<script>alert('x')</script>" in text and "contrat<i>x.docx" in text
    marks = page.page.locator("mark").all_inner_texts()
    assert any(PAYLOAD.split(" <img")[0] in mark for mark in marks)
    page.screenshot("documents-pieges")
    assert page.dialogs == [] and page.errors == [] and page.external_requests() == []
    page.page.close()
