"""Excel workbook (.xlsx) of a network summary, one sheet per view, written without any dependency.

An .xlsx file is a zip of SpreadsheetML parts (ECMA-376): content types, package relationships, the workbook
and its relationships, a style sheet and one worksheet per view. Text is written as inline strings (no shared
string table needed), numbers as numbers, rates with a percentage format, headers in bold and frozen.
"""

from __future__ import annotations

import re
import zipfile
from xml.sax.saxutils import escape

from conformcheck.consolidate.summary import NetworkSummary
from conformcheck.consolidate.tables import Cell, Table, all_tables, is_percent
from conformcheck.report.xml_text import xml_safe

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Style indexes of STYLES' cellXfs: 0 plain, 1 bold header, 2 percentage, 3 wrapped text.
PLAIN, HEADER, PERCENT, WRAPPED = 0, 1, 2, 3
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
          '<alignment wrapText="1" vertical="top"/></xf></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
# Characters XML 1.0 forbids, even escaped (a PDF can hold them): dropped from the cell text.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell(ref: str, value: Cell, style: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "oui" if value else "non"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    text = escape(xml_safe(str(value), ""))
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _width(table: Table, column: int) -> float:
    longest = max([len(table.headers[column])] + [len(str(row[column])) for row in table.rows
                                                  if row[column] is not None])
    return float(min(max(longest + 2, 8), 60))


def sheet_xml(table: Table) -> str:
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{_width(table, i)}" customWidth="1"/>'
                   for i in range(len(table.headers)))
    rows = ['<row r="1">' + "".join(_cell(f"{column_letter(c)}1", h, HEADER) for c, h in enumerate(table.headers))
            + "</row>"]
    for r, row in enumerate(table.rows):
        number = r + 2
        cells = []
        for c, value in enumerate(row):
            style = PERCENT if is_percent(table, r, c) and isinstance(value, float) else (
                WRAPPED if isinstance(value, str) and len(value) > 60 else PLAIN)
            cells.append(_cell(f"{column_letter(c)}{number}", value, style))
        rows.append(f'<row r="{number}">' + "".join(cells) + "</row>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData></worksheet>")


def _sheet_name(title: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub(" ", title)[:31]


def workbook_parts(tables: list[Table]) -> dict[str, str]:
    """Every part of the package, by its name in the zip."""
    n = len(tables)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(f'<sheet name="{escape(_sheet_name(t.title), {chr(34): "&quot;"})}" sheetId="{i}" '
                      f'r:id="rId{i}"/>' for i, t in enumerate(tables, start=1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{head}<Relationships xmlns="{PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": STYLES,
    }
    for i, table in enumerate(tables, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(table)
    return parts


def write_xlsx(summary: NetworkSummary, path: str) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in workbook_parts(all_tables(summary)).items():
            archive.writestr(name, content.encode("utf-8"))
