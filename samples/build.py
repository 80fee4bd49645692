"""Build the sample documents: ``samples/src/<name>.md`` -> ``samples/<name>.pdf`` and ``samples/<name>.docx``.

Run: ``/work/venv/bin/python samples/build.py`` (``--core-font`` forces the latin-1 fallback font,
``--check`` only reports whether the committed files are up to date and exits 1 if not).

Supported Markdown subset (enough for the samples, nothing more):

- ``#``, ``##``, ``###`` headings;
- paragraphs (consecutive non-blank lines are joined with a space);
- ``- `` bullet items (one line each);
- ``|`` tables, the first row being the heading row and the second the ``|---|`` separator;
- ``<small>…</small>`` around a whole paragraph (printed in a smaller font: tax-credit notes of a devis);
- ``**bold**`` inline;
- a line holding only ``<!-- page -->`` is a page break.

The output is deterministic: fixed dates and metadata in both formats, fixed ZIP timestamps in the DOCX,
and files are only rewritten when their bytes change.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

SAMPLES_DIR = Path(__file__).resolve().parent
SRC_DIR = SAMPLES_DIR / "src"

ORGANISATION = "Association Aide et Présence du Val"
FOOTER_TEMPLATE = ORGANISATION + " — page {page}"
FIXED_DATE = datetime(2025, 9, 1, 9, 0, 0, tzinfo=UTC)
ZIP_DATE = (2025, 9, 1, 9, 0, 0)
CREATOR = "conformcheck samples/build.py"

PAGE_BREAK = "<!-- page -->"
SMALL_RE = re.compile(r"^<small>(.*)</small>$", re.S)
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")

# Characters outside latin-1 that the samples use, for the core-font fallback (helvetica is latin-1 only).
LATIN1_REPLACEMENTS: dict[str, str] = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2014": "-",
    "\u2013": "-",
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u20ac": "EUR",
    "\u2610": "[ ]",
    "\u2612": "[x]",
    "\u2022": "-",
    "\u202f": "\u00a0",
    "\u2009": " ",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
}

FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/usr/share/fonts/truetype",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "~/Library/Fonts",
)


# --------------------------------------------------------------------------------------------------
# Markdown parsing
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One block of the Markdown subset."""

    kind: str  # heading | paragraph | small | bullet | table | pagebreak
    text: str = ""
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def _split_row(line: str) -> tuple[str, ...]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return tuple(cell.strip() for cell in inner.split("|"))


def parse_markdown(text: str) -> list[Block]:
    """Parse the Markdown subset described in the module docstring into blocks."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    table: list[tuple[str, ...]] = []

    def flush_paragraph() -> None:
        if paragraph:
            joined = " ".join(part.strip() for part in paragraph)
            small = SMALL_RE.match(joined)
            if small:
                blocks.append(Block("small", small.group(1).strip()))
            else:
                blocks.append(Block("paragraph", joined))
            paragraph.clear()

    def flush_table() -> None:
        if table:
            width = max(len(row) for row in table)
            rows = tuple(row + ("",) * (width - len(row)) for row in table)
            blocks.append(Block("table", rows=rows))
            table.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("|"):
            flush_paragraph()
            if not TABLE_SEPARATOR_RE.match(stripped):
                table.append(_split_row(stripped))
            continue
        flush_table()
        if not stripped:
            flush_paragraph()
        elif stripped == PAGE_BREAK:
            flush_paragraph()
            blocks.append(Block("pagebreak"))
        elif heading := re.match(r"^(#{1,3})\s+(.*)$", stripped):
            flush_paragraph()
            blocks.append(Block("heading", heading.group(2).strip(), level=len(heading.group(1))))
        elif stripped.startswith("- "):
            flush_paragraph()
            blocks.append(Block("bullet", stripped[2:].strip()))
        else:
            paragraph.append(stripped)
    flush_paragraph()
    flush_table()
    return blocks


def check_markup(blocks: Iterable[Block], source: str) -> None:
    """Refuse ``--`` and ``__``: fpdf2's inline markdown would read them as underline / italic toggles."""
    for block in blocks:
        for text in (block.text, *(cell for row in block.rows for cell in row)):
            if "--" in text or "__" in text:
                raise ValueError(f"{source}: « -- » ou « __ » interdit dans le texte : {text[:60]!r}")


def inline_runs(text: str) -> Iterator[tuple[str, bool]]:
    """Split ``**bold**`` markup into (text, bold) runs."""
    position = 0
    for match in BOLD_RE.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False
        yield match.group(1), True
        position = match.end()
    if position < len(text):
        yield text[position:], False


def plain(text: str) -> str:
    """Text without inline markup."""
    return BOLD_RE.sub(r"\1", text)


def document_title(blocks: Iterable[Block], default: str) -> str:
    """Text of the first level-1 heading."""
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            return plain(block.text)
    return default


# --------------------------------------------------------------------------------------------------
# PDF (fpdf2)
# --------------------------------------------------------------------------------------------------


def find_dejavu_fonts() -> tuple[Path, Path] | None:
    """Locate DejaVuSans.ttf and DejaVuSans-Bold.ttf; ``SAMPLES_FONT_DIR`` is searched first."""
    candidates: list[str] = []
    if os.environ.get("SAMPLES_FONT_DIR"):
        candidates.append(os.environ["SAMPLES_FONT_DIR"])
    candidates.extend(FONT_DIRS)
    for entry in candidates:
        base = Path(entry).expanduser()
        if not base.is_dir():
            continue
        for regular in sorted(base.rglob("DejaVuSans.ttf")):
            bold = regular.with_name("DejaVuSans-Bold.ttf")
            if bold.is_file():
                return regular, bold
    return None


def to_latin1(text: str) -> str:
    """Replace characters the core fonts cannot encode (used only for the helvetica fallback)."""
    for source, target in LATIN1_REPLACEMENTS.items():
        text = text.replace(source, target)
    return text.encode("latin-1", errors="replace").decode("latin-1")


class SamplePDF(FPDF):
    """A4 document with the organisation footer on every page."""

    def __init__(self, core_font: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_font = core_font
        fonts = None if core_font else find_dejavu_fonts()
        if fonts is None:
            self.core_font = True
            self.family = "helvetica"
        else:
            self.family = "DejaVu"
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
        self.bullet = "-" if self.core_font else "\u2022"
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def txt(self, text: str) -> str:
        """Text made printable with the current font."""
        return to_latin1(text) if self.core_font else text

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.family, "", 8)
        self.cell(0, 5, self.txt(FOOTER_TEMPLATE.format(page=self.page_no())), align="C")


def _table_widths(rows: tuple[tuple[str, ...], ...]) -> tuple[float, ...]:
    """Column weights: square root of the longest cell, so short columns stay readable."""
    columns = len(rows[0])
    weights = []
    for index in range(columns):
        longest = max(len(plain(row[index])) for row in rows)
        weights.append(max(4.0, float(longest)) ** 0.5)
    return tuple(weights)


def _pdf_heading(pdf: SamplePDF, block: Block) -> None:
    sizes = {1: 16.0, 2: 12.5, 3: 11.0}
    size = sizes.get(block.level, 11.0)
    # Keep a heading with what follows it.
    if pdf.get_y() > pdf.h - pdf.b_margin - 25:
        pdf.add_page()
    elif pdf.get_y() > pdf.t_margin + 1:
        pdf.ln(3 if block.level > 1 else 4)
    pdf.set_font(pdf.family, "B", size)
    pdf.multi_cell(0, size * 0.5, pdf.txt(plain(block.text)), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _pdf_text(pdf: SamplePDF, text: str, size: float = 10.0, indent: float = 0.0) -> None:
    pdf.set_font(pdf.family, "", size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        pdf.epw - indent, size * 0.5, pdf.txt(text), markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _pdf_table(pdf: SamplePDF, rows: tuple[tuple[str, ...], ...]) -> None:
    pdf.set_font(pdf.family, "", 9)
    pdf.ln(1)
    with pdf.table(
        col_widths=_table_widths(rows),
        line_height=4.6,
        text_align="LEFT",
        markdown=True,
        first_row_as_headings=True,
        padding=1.2,
    ) as table:
        for row in rows:
            table_row = table.row()
            for cell in row:
                table_row.cell(pdf.txt(cell))
    pdf.ln(2)


def render_pdf(blocks: list[Block], title: str, core_font: bool = False) -> bytes:
    """Render parsed blocks to PDF bytes (deterministic)."""
    pdf = SamplePDF(core_font=core_font)
    pdf.set_title(pdf.txt(title))
    pdf.set_author(pdf.txt(ORGANISATION))
    pdf.set_subject(pdf.txt("Document type (exemple fictif) - conformcheck"))
    pdf.set_creator(CREATOR)
    pdf.set_producer(CREATOR)
    pdf.set_lang("fr-FR")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    for block in blocks:
        if block.kind == "heading":
            _pdf_heading(pdf, block)
        elif block.kind == "paragraph":
            _pdf_text(pdf, block.text)
            pdf.ln(2)
        elif block.kind == "small":
            _pdf_text(pdf, block.text, size=7.5)
            pdf.ln(2)
        elif block.kind == "bullet":
            pdf.set_font(pdf.family, "", 10)
            pdf.set_x(pdf.l_margin + 1.5)
            pdf.cell(4, 5, pdf.bullet)
            _pdf_text(pdf, block.text, indent=6)
            pdf.ln(0.8)
        elif block.kind == "table":
            _pdf_table(pdf, block.rows)
        elif block.kind == "pagebreak":
            pdf.add_page()
    return bytes(pdf.output())


# --------------------------------------------------------------------------------------------------
# DOCX (python-docx)
# --------------------------------------------------------------------------------------------------


def _add_runs(paragraph: object, text: str, size: float | None = None) -> None:
    for chunk, bold in inline_runs(text):
        run = paragraph.add_run(chunk)  # type: ignore[attr-defined]
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)


def _add_page_field(paragraph: object) -> None:
    """Append a PAGE field (current page number) to a paragraph."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)


def _set_language(document: object, language: str) -> None:
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    rpr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    rpr.append(lang)


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a ZIP archive with fixed timestamps and attributes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename), compresslevel=9)
    return output.getvalue()


def render_docx(blocks: list[Block], title: str) -> bytes:
    """Render parsed blocks to DOCX bytes (deterministic)."""
    document = new_docx()
    section = document.sections[0]
    section.page_height = Cm(29.7)
    section.page_width = Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = Cm(1.8)
    section.bottom_margin = Cm(2.0)
    document.styles["Normal"].font.size = Pt(10)
    _set_language(document, "fr-FR")

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(FOOTER_TEMPLATE.split("{page}")[0]).font.size = Pt(8)
    _add_page_field(footer)

    properties = document.core_properties
    properties.title = title
    properties.author = ORGANISATION
    properties.subject = "Document type (exemple fictif) - conformcheck"
    properties.comments = CREATOR
    properties.last_modified_by = ORGANISATION
    properties.language = "fr-FR"
    properties.created = FIXED_DATE.replace(tzinfo=None)
    properties.modified = FIXED_DATE.replace(tzinfo=None)
    properties.last_printed = FIXED_DATE.replace(tzinfo=None)
    properties.revision = 1
    properties.keywords = "exemple fictif"
    properties.category = "sample"

    for block in blocks:
        if block.kind == "heading":
            document.add_heading(plain(block.text), level=min(block.level, 3))
        elif block.kind == "paragraph":
            _add_runs(document.add_paragraph(), block.text)
        elif block.kind == "small":
            _add_runs(document.add_paragraph(), block.text, size=7.5)
        elif block.kind == "bullet":
            _add_runs(document.add_paragraph(style="List Bullet"), block.text)
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for row_index, row in enumerate(block.rows):
                for col_index, text in enumerate(row):
                    paragraph = table.cell(row_index, col_index).paragraphs[0]
                    _add_runs(paragraph, f"**{plain(text)}**" if row_index == 0 and text else text, size=9)
            document.add_paragraph()
        elif block.kind == "pagebreak":
            document.add_page_break()

    buffer = io.BytesIO()
    document.save(buffer)
    return _deterministic_zip(buffer.getvalue())


# --------------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------------


def build_one(source: Path, core_font: bool, out_dir: Path = SAMPLES_DIR) -> dict[Path, bytes]:
    """Outputs (path -> bytes) for one Markdown source."""
    blocks = parse_markdown(source.read_text(encoding="utf-8"))
    check_markup(blocks, source.name)
    title = document_title(blocks, source.stem)
    return {
        out_dir / f"{source.stem}.pdf": render_pdf(blocks, title, core_font=core_font),
        out_dir / f"{source.stem}.docx": render_docx(blocks, title),
    }


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(SAMPLES_DIR.parent))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build samples/<name>.pdf and .docx from samples/src/*.md")
    parser.add_argument("--core-font", action="store_true", help="use the latin-1 core font (helvetica)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if an output is stale")
    parser.add_argument("--out-dir", type=Path, default=SAMPLES_DIR, help="output folder (default: samples/)")
    args = parser.parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)

    if not args.core_font and find_dejavu_fonts() is None:
        print("DejaVuSans.ttf introuvable : police de base helvetica (caractères hors latin-1 remplacés).")
    sources = sorted(SRC_DIR.glob("*.md"))
    if not sources:
        print(f"aucune source dans {SRC_DIR}", file=sys.stderr)
        return 2
    stale = 0
    for source in sources:
        for path, data in build_one(source, args.core_font, out_dir).items():
            current = path.read_bytes() if path.exists() else None
            if current == data:
                state = "inchangé"
            elif args.check:
                state = "périmé"
                stale += 1
            else:
                path.write_bytes(data)
                state = "écrit"
            print(f"{_display(path)}\t{len(data):>7} octets\t{state}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
