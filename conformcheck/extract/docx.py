"""DOCX: body in document order (paragraphs, tables, content controls, text boxes), headers and footers.

python-docx opens the package (content types, relationships, safe XML parser); the XML is then walked
directly, which is faster than the object API and also reaches content controls and text boxes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from conformcheck.errors import InputError
from conformcheck.extract.heuristics import heading_level
from conformcheck.model import Block, BlockKind, Document

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_SDT, W_SDT_CONTENT, W_SDT_PR = (_w(t) for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent",
                                                                           "sdtPr"))
W_T, W_TAB, W_PTAB, W_BR, W_CR = (_w(t) for t in ("t", "tab", "ptab", "br", "cr"))
W_RENDERED_BREAK = _w("lastRenderedPageBreak")
W_NB_HYPHEN, W_PPR, W_RPR, W_R = _w("noBreakHyphen"), _w("pPr"), _w("rPr"), _w("r")
W_TXBX_CONTENT, W_FOOTNOTE_REF = _w("txbxContent"), _w("footnoteReference")
W_SKIPPED = frozenset(_w(t) for t in ("del", "moveFrom", "instrText", "delInstrText", "delText", "sectPr", "tblPr",
                                      "tcPr", "trPr", "tblGrid", "customXmlPr", "smartTagPr", "commentReference"))
MC_FALLBACK = f"{{{_MC}}}Fallback"
W_VAL, W_TYPE, W_ID, R_ID = _w("val"), _w("type"), _w("id"), f"{{{_R}}}id"

RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"

_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift|titolo)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|titre)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^(?:list|liste)\b|\bde liste\b|^list paragraph$", re.IGNORECASE)
_TRUE = {None, "1", "true", "on"}


def docx_corrupt(detail: str = "") -> InputError:
    """The error for an unreadable DOCX package."""
    suffix = f" ({detail})" if detail else ""
    return InputError(
        f"Le document Word est endommagé{suffix} : ouvrez-le dans Word ou LibreOffice, enregistrez-le à nouveau "
        "au format .docx puis relancez l'analyse.",
        "docx_corrompu",
    )


@dataclass
class _Style:
    """What a paragraph style says about headings, lists, page breaks and bold text."""

    name: str = ""
    based_on: str | None = None
    outline_level: int | None = None
    numbered: bool = False
    page_break_before: bool = False
    bold: bool | None = None


def _on(element: Any) -> bool:
    """An OOXML on/off property element: present and not switched off."""
    return element is not None and element.get(W_VAL) in _TRUE


def _read_styles(root: Any) -> tuple[dict[str, _Style], str | None]:
    """Paragraph styles by id, and the id of the default paragraph style."""
    styles: dict[str, _Style] = {}
    default: str | None = None
    if root is None:
        return styles, default
    for element in root.iter(_w("style")):
        if element.get(W_TYPE, "paragraph") != "paragraph":
            continue
        style_id = element.get(_w("styleId")) or ""
        style = _Style()
        name = element.find(_w("name"))
        style.name = (name.get(W_VAL) or "") if name is not None else style_id
        based_on = element.find(_w("basedOn"))
        style.based_on = based_on.get(W_VAL) if based_on is not None else None
        ppr = element.find(W_PPR)
        if ppr is not None:
            outline = ppr.find(_w("outlineLvl"))
            if outline is not None and (outline.get(W_VAL) or "").isdigit():
                style.outline_level = int(outline.get(W_VAL))
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                num_id = num_pr.find(_w("numId"))
                style.numbered = num_id is None or num_id.get(W_VAL) != "0"
            style.page_break_before = _on(ppr.find(_w("pageBreakBefore")))
        rpr = element.find(W_RPR)
        if rpr is not None and rpr.find(_w("b")) is not None:
            style.bold = _on(rpr.find(_w("b")))
        styles[style_id] = style
        if element.get(_w("default")) in ("1", "true", "on"):
            default = style_id
    return styles, default


@dataclass
class _Paragraph:
    """A DOCX paragraph in reading order, with the footnotes and text boxes it anchors."""

    text: str
    page: int
    style_id: str | None
    all_bold: bool
    footnotes: list[str] = field(default_factory=list)
    textboxes: list[Any] = field(default_factory=list)


class _Walker:
    """Walks WordprocessingML content and appends located blocks."""

    def __init__(self, styles: dict[str, _Style], default_style: str | None, rendered_breaks: bool,
                 notes: dict[str, list[Any]]) -> None:
        self.styles = styles
        self.default_style = default_style
        self.rendered_breaks = rendered_breaks
        self.notes = notes
        self.blocks: list[Block] = []
        self.page = 1
        self.furniture: BlockKind | None = None
        self.furniture_seen: set[tuple[BlockKind, str]] = set()

    # -- styles -------------------------------------------------------------------------------------------------

    def _chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        current = style_id if style_id is not None else self.default_style
        while current is not None and current not in seen and current in self.styles:
            seen.add(current)
            style = self.styles[current]
            yield style
            current = style.based_on

    def _style_heading_level(self, style_id: str | None, ppr: Any) -> int | None:
        if ppr is not None:
            outline = ppr.find(_w("outlineLvl"))
            if outline is not None and (outline.get(W_VAL) or "").isdigit():
                value = int(outline.get(W_VAL))
                return value + 1 if value < 9 else None
        for style in self._chain(style_id):
            match = _HEADING_STYLE.match(style.name.strip())
            if match:
                return int(match.group(1))
            if _TITLE_STYLE.match(style.name.strip()):
                return 1
            if style.outline_level is not None:
                return style.outline_level + 1 if style.outline_level < 9 else None
        return None

    def _is_list(self, style_id: str | None, ppr: Any) -> bool:
        if ppr is not None:
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                num_id = num_pr.find(_w("numId"))
                return num_id is None or num_id.get(W_VAL) != "0"
        return any(style.numbered or _LIST_STYLE.search(style.name) for style in self._chain(style_id))

    def _style_bold(self, style_id: str | None) -> bool:
        for style in self._chain(style_id):
            if style.bold is not None:
                return style.bold
        return False

    # -- text ---------------------------------------------------------------------------------------------------

    def _break_page(self) -> None:
        if self.furniture is None:
            self.page += 1

    def _read_paragraph(self, p: Any) -> _Paragraph:
        """Text of a paragraph (runs, hyperlinks, fields, inline content controls), its page and style."""
        ppr = p.find(W_PPR)
        style_id = None
        if ppr is not None:
            pstyle = ppr.find(_w("pStyle"))
            style_id = pstyle.get(W_VAL) if pstyle is not None else None
            if not self.rendered_breaks and (_on(ppr.find(_w("pageBreakBefore")))
                                             or any(s.page_break_before for s in self._chain(style_id))):
                if self.blocks or self.page > 1:
                    self._break_page()
        parts: list[str] = []
        result = _Paragraph(text="", page=self.page, style_id=style_id, all_bold=False)
        style_bold = self._style_bold(style_id)
        runs_bold: list[bool] = []
        seen_text = False

        def visit(element: Any) -> None:
            nonlocal seen_text
            tag = element.tag
            if not isinstance(tag, str) or tag in W_SKIPPED or tag == MC_FALLBACK or tag == W_PPR:
                return
            if tag == W_T:
                value = element.text or ""
                if value.strip() and not seen_text:
                    seen_text = True
                    result.page = self.page
                parts.append(value)
            elif tag in (W_TAB, W_PTAB):
                parts.append("\t")
            elif tag in (W_BR, W_CR):
                kind = element.get(W_TYPE)
                if kind == "page":
                    if not self.rendered_breaks:
                        self._break_page()
                    parts.append("\n")
                elif kind != "column":
                    parts.append("\n")
            elif tag == W_RENDERED_BREAK:
                if self.rendered_breaks:
                    self._break_page()
            elif tag == W_NB_HYPHEN:
                parts.append("-")
            elif tag == W_TXBX_CONTENT:
                result.textboxes.append(element)
            elif tag == W_FOOTNOTE_REF:
                result.footnotes.append(element.get(W_ID) or "")
            elif tag == W_SDT:
                if not _showing_placeholder(element):
                    content = element.find(W_SDT_CONTENT)
                    if content is not None:
                        visit(content)
            elif tag == W_R:
                before = len(parts)
                for child in element:
                    visit(child)
                if "".join(parts[before:]).strip():
                    rpr = element.find(W_RPR)
                    bold = rpr.find(_w("b")) if rpr is not None else None
                    runs_bold.append(_on(bold) if bold is not None else style_bold)
            else:
                for child in element:
                    visit(child)

        for child in p:
            visit(child)
        result.text = "".join(parts)
        result.all_bold = bool(runs_bold) and all(runs_bold)
        return result

    # -- blocks -------------------------------------------------------------------------------------------------

    def _emit(self, kind: BlockKind, text: str, page: int, level: int = 0) -> None:
        if not text.strip():
            return
        if self.furniture is not None:
            key = (self.furniture, " ".join(text.split()))
            if key in self.furniture_seen:
                return
            self.furniture_seen.add(key)
            kind, level = self.furniture, 0
        self.blocks.append(Block(page=page, order=len(self.blocks), kind=kind, level=level, text=text))

    def paragraph(self, p: Any) -> None:
        para = self._read_paragraph(p)
        ppr = p.find(W_PPR)
        level = self._style_heading_level(para.style_id, ppr)
        kind = BlockKind.paragraph
        if level is not None:
            kind = BlockKind.heading
        elif self._is_list(para.style_id, ppr):
            kind = BlockKind.list_item
        else:
            guessed = heading_level(para.text, emphasised=para.all_bold)
            if guessed is not None and "\n" not in para.text.strip():
                kind, level = BlockKind.heading, guessed
        self._emit(kind, para.text, para.page, level or 0)
        for textbox in para.textboxes:
            self.content(textbox)
        for note_id in para.footnotes:
            # pop: a note is emitted once, after its first reference (and a self-reference cannot loop)
            for note_paragraph in self.notes.pop(note_id, []):
                self.paragraph(note_paragraph)

    def table(self, tbl: Any) -> None:
        for row in _children(tbl, W_TR):
            cells: list[str] = []
            nested: list[Any] = []
            page: int | None = None
            for tc in _children(row, W_TC):
                tcpr = tc.find(_w("tcPr"))
                vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                if vmerge is not None and vmerge.get(W_VAL) in (None, "continue"):
                    continue  # continuation of a vertically merged cell: its text is in the row above
                texts: list[str] = []
                for child in _expand_sdt(tc):
                    if child.tag == W_P:
                        para = self._read_paragraph(child)
                        if para.text.strip():
                            page = para.page if page is None else page
                            texts.append(para.text.strip())
                        nested.extend(para.textboxes)
                    elif child.tag == W_TBL:
                        nested.append(child)
                if texts:
                    cells.append("\n".join(texts))
            if cells:
                self._emit(BlockKind.table_row, " | ".join(cells), page if page is not None else self.page)
            for element in nested:
                if element.tag == W_TBL:
                    self.table(element)
                else:
                    self.content(element)

    def content(self, container: Any) -> None:
        """Walk block-level content (body, cell, header, text box) in document order."""
        for child in _expand_sdt(container):
            if child.tag == W_P:
                self.paragraph(child)
            elif child.tag == W_TBL:
                self.table(child)

    def furniture_part(self, root: Any, kind: BlockKind, page: int) -> None:
        """Header or footer part: its blocks get `kind` and `page`, duplicates across sections are dropped."""
        saved_page, saved_mode = self.page, self.furniture
        self.page, self.furniture = page, kind
        try:
            self.content(root)
        finally:
            self.page, self.furniture = saved_page, saved_mode


def _showing_placeholder(sdt: Any) -> bool:
    """A content control still showing its placeholder prompt ("Cliquez ici pour entrer du texte")."""
    sdt_pr = sdt.find(W_SDT_PR)
    return sdt_pr is not None and sdt_pr.find(_w("showingPlcHdr")) is not None


def _expand_sdt(container: Any) -> Iterator[Any]:
    """Children of `container`, with block-level content controls replaced by their content."""
    for child in container:
        if child.tag == W_SDT:
            if _showing_placeholder(child):
                continue
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                yield from _expand_sdt(content)
        elif child.tag in (_w("customXml"), _w("ins")):
            yield from _expand_sdt(child)
        else:
            yield child


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Direct children with `tag`, looking through content controls and custom XML."""
    for child in _expand_sdt(element):
        if child.tag == tag:
            yield child


def _root_of(part: Any) -> Any:
    """The parsed XML root of a package part (python-docx parses known parts; others are parsed here)."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from docx.oxml.parser import parse_xml

    try:
        return parse_xml(part.blob)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise docx_corrupt() from exc


def _related_root(part: Any, reltype: str) -> Any:
    try:
        return _root_of(part.part_related_by(reltype))
    except (KeyError, ValueError):
        return None


def _notes(root: Any, tag: str) -> dict[str, list[Any]]:
    """Footnote or endnote paragraphs by note id (separators excluded)."""
    notes: dict[str, list[Any]] = {}
    if root is None:
        return notes
    for note in root.iter(_w(tag)):
        if note.get(W_TYPE) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        notes[note.get(W_ID) or ""] = [p for p in note.iter(W_P)]
    return notes


def _section_refs(sect_pr: Any, main_part: Any, tag: str) -> list[Any]:
    """Roots of the header or footer parts referenced by a section (default, first page, even pages)."""
    roots: list[Any] = []
    if sect_pr is None:
        return roots
    order = {"first": 0, "default": 1, "even": 2}
    refs = sorted(sect_pr.findall(_w(tag)), key=lambda ref: order.get(ref.get(W_TYPE) or "default", 1))
    for ref in refs:
        part = main_part.related_parts.get(ref.get(R_ID))
        if part is not None:
            roots.append(_root_of(part))
    return roots


def extract_docx(data: bytes, path: str) -> Document:
    """Build a Document from DOCX bytes."""
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package

    try:
        package = Package.open(io.BytesIO(data))
        main_part = package.main_document_part
        root = _root_of(main_part)
    except (zipfile.BadZipFile, zlib.error, KeyError, PackageNotFoundError, etree.XMLSyntaxError, EOFError,
            ValueError, NotImplementedError, RuntimeError, OSError) as exc:
        # NotImplementedError: unsupported ZIP compression; RuntimeError: encrypted ZIP member
        raise docx_corrupt() from exc
    body = root.find(_w("body"))
    if body is None:
        raise docx_corrupt("pas de corps de document")

    styles, default_style = _read_styles(_related_root(main_part, RT_STYLES))
    footnotes = _notes(_related_root(main_part, RT_FOOTNOTES), "footnote")
    rendered = next(body.iter(W_RENDERED_BREAK), None) is not None
    walker = _Walker(styles, default_style, rendered, footnotes)

    # Sections end at a paragraph carrying w:sectPr, the last one at the body's own w:sectPr.
    section_ends = [p for p in _expand_sdt(body) if p.tag == W_P and p.find(f"{W_PPR}/{_w('sectPr')}") is not None]
    final_sect = body.find(_w("sectPr"))
    sections = [p.find(f"{W_PPR}/{_w('sectPr')}") for p in section_ends] + [final_sect]
    section_index = 0

    def open_section(index: int) -> None:
        for header in _section_refs(sections[index], main_part, "headerReference"):
            walker.furniture_part(header, BlockKind.header, walker.page)

    def close_section(index: int) -> None:
        for footer in _section_refs(sections[index], main_part, "footerReference"):
            walker.furniture_part(footer, BlockKind.footer, walker.page)

    open_section(0)
    ends = {id(p) for p in section_ends}
    for child in _expand_sdt(body):
        if child.tag == W_P:
            walker.paragraph(child)
            if id(child) in ends and section_index + 1 < len(sections):
                close_section(section_index)
                section_index += 1
                sect_type = sections[section_index - 1].find(_w("type"))
                if not rendered and (sect_type is None or sect_type.get(W_VAL) != "continuous"):
                    walker.page += 1
                open_section(section_index)
        elif child.tag == W_TBL:
            walker.table(child)
    close_section(section_index)

    for paragraphs in _notes(_related_root(main_part, RT_ENDNOTES), "endnote").values():
        for p in paragraphs:
            walker.paragraph(p)

    if not any(block.text.strip() for block in walker.blocks):
        raise InputError("Le document Word ne contient aucun texte.", "fichier_vide")
    return Document.from_blocks(path, "docx", walker.blocks, pages=walker.page)
