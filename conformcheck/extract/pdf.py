"""PDF text with pypdfium2: lines with cheap geometry, repeated headers/footers, paragraphs, headings, table rows.

pypdfium2 keeps the reading order of two-column pages and keeps each table row on one line. PDFium is not
thread-safe (not even across documents), so every call runs under `_PDFIUM_LOCK`. pdfplumber is only imported
by `page_font_sizes`, for the geometry checks that need per-word font sizes.
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from conformcheck.errors import InputError
from conformcheck.extract.heuristics import (
    ends_sentence,
    furniture_key,
    heading_level,
    is_bullet,
    is_page_number,
    is_symbol_bullet,
    mentions_page_number,
    numbered_heading_level,
)
from conformcheck.model import Block, BlockKind, Document


def _median(values: list[float]) -> float:
    """`statistics.median`, same arithmetic, without importing `statistics` (and `fractions`, `decimal`)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

_PDFIUM_LOCK = threading.RLock()
_LINE = re.compile(r"[^\r\n]+")
_NUMBER = re.compile(r"\d+")

# Layout constants, in units of the line's font size unless noted.
_CELL_GAP = 2.0  # a horizontal gap wider than this separates table cells
_MIN_CELL_GAP_PT = 12.0
_PARAGRAPH_GAP = 1.35  # vertical gap, in typical line pitches, that starts a new paragraph
_FURNITURE_ZONE = 0.15  # top/bottom fraction of the page height where headers/footers live
_FURNITURE_LINES = 3  # at most this many lines at the top (bottom) of a page are header (footer) candidates
_HEADING_RATIO = 1.12  # font size over the body size that makes a short line a heading
_MAX_PAGE_OBJECTS = 50_000  # above this, skip looking for table rules on the page
_CELL_MAX_LINES = 8  # a ruled cell is at most this many font sizes high


def _error_encrypted() -> InputError:
    return InputError(
        "Le fichier est protégé par un mot de passe : conformcheck ne peut pas lire son texte. "
        "Enregistrez une copie sans mot de passe puis relancez l'analyse.",
        "pdf_chiffre",
    )


def _error_corrupt(detail: str = "") -> InputError:
    suffix = f" ({detail})" if detail else ""
    return InputError(
        f"Le fichier PDF est endommagé ou incomplet{suffix} : conformcheck ne peut pas le lire. "
        "Ouvrez-le dans un lecteur PDF, réenregistrez-le (ou réexportez-le depuis le document source) "
        "puis relancez l'analyse.",
        "pdf_corrompu",
    )


def _error_no_text(pages: int) -> InputError:
    what = "sa page" if pages == 1 else f"ses {pages} pages"
    return InputError(
        f"Le PDF ne contient pas de texte lisible sur {what} : il s'agit probablement d'un document numérisé "
        "(scan) ou d'images. Passez-le dans un logiciel de reconnaissance de caractères (OCR) qui produit un "
        "PDF avec du texte, ou analysez le document source (Word), puis relancez l'analyse.",
        "sans_texte",
    )


@dataclass
class _Fragment:
    """A run of text on one line with its box: a whole line, or one cell of a table-like line."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class _Line:
    """One text line of a page. Coordinates are PDF points, y growing upwards; `has_box` is False if unknown."""

    text: str
    x0: float = 0.0
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0
    size: float | None = None
    bold: bool = False
    has_box: bool = False
    fragments: list[_Fragment] = field(default_factory=list)
    furniture: BlockKind | None = None

    @property
    def cells(self) -> list[str] | None:
        """Cell texts when the line has wide gaps (a table row on one line), else None."""
        return [f.text for f in self.fragments] if len(self.fragments) >= 2 else None


@dataclass
class _Page:
    """One PDF page as read: its lines, and the ruling lines of its tables."""

    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    # rules from path objects, collected only on pages with table-like lines: horizontal (x0, x1, y) and
    # vertical (y0, y1, x)
    rules: list[tuple[float, float, float]] = field(default_factory=list)
    vrules: list[tuple[float, float, float]] = field(default_factory=list)


@dataclass
class _Draft:
    """A block being assembled from lines."""

    page: int
    kind: BlockKind
    lines: list[_Line]
    level: int = 0
    emphasised: bool = False
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def _utf16_offsets(text: str) -> list[int] | None:
    """Map Python string indices to UTF-16 indices when they differ (characters outside the BMP)."""
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return None
    offsets, unit = [], 0
    for c in text:
        offsets.append(unit)
        unit += 2 if ord(c) >= 0x10000 else 1
    offsets.append(unit)
    return offsets


def _char_sample(textpage: Any, char_index: int) -> tuple[float, bool]:
    size = float(pdfium_c.FPDFText_GetFontSize(textpage, char_index))
    weight = int(pdfium_c.FPDFText_GetFontWeight(textpage, char_index))
    return size, weight >= 600


def _split_cells(textpage: Any, rects: list[tuple[float, float, float, float]], size: float) -> list[_Fragment]:
    """Cells of a table-like line: groups of text rectangles separated by wide horizontal gaps."""
    gap = max(_CELL_GAP * size, _MIN_CELL_GAP_PT)
    groups: list[list[float]] = []
    for left, bottom, right, top in sorted(rects):
        if groups and left - groups[-1][2] <= gap:
            group = groups[-1]
            group[1], group[2], group[3] = min(group[1], bottom), max(group[2], right), max(group[3], top)
        else:
            groups.append([left, bottom, right, top])
    if len(groups) < 2:
        return []
    cells = []
    for left, bottom, right, top in groups:
        margin = (top - bottom) * 0.2
        text = textpage.get_text_bounded(left - 0.5, bottom + margin, right + 0.5, top - margin)
        cells.append(_Fragment(" ".join(text.split()), left, bottom, right, top))
    return cells


def _page_rules(page: Any) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Rules drawn on a page: horizontal (x0, x1, y) and vertical (y0, y1, x), from thin paths and from the
    edges of rectangles (cell borders, shading)."""
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    count = pdfium_c.FPDFPage_CountObjects(page)
    if count <= 0 or count > _MAX_PAGE_OBJECTS:
        return horizontal, vertical
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if not obj or pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if x1 - x0 >= 8 and y1 - y0 <= 2.5:
            horizontal.append((x0, x1, (y0 + y1) / 2))
        elif y1 - y0 >= 8 and x1 - x0 <= 2.5:
            vertical.append((y0, y1, (x0 + x1) / 2))
        elif x1 - x0 >= 8 and y1 - y0 >= 8:
            horizontal.extend([(x0, x1, y0), (x0, x1, y1)])
            vertical.extend([(y0, y1, x0), (y0, y1, x1)])
    return horizontal, vertical


def _column_starts(cell_lines: list[_Line]) -> list[tuple[float, float, float]]:
    """Virtual vertical rules (y0, y1, x) for an unruled table: the x where a column starts in several rows,
    over the vertical span of each group of nearby table-like lines."""
    groups: list[list[_Line]] = []
    for line in sorted(cell_lines, key=lambda line: -line.y1):
        size = line.size or 10.0
        if groups and groups[-1][-1].y0 - line.y1 <= 4 * size:
            groups[-1].append(line)
        else:
            groups.append([line])
    rules: list[tuple[float, float, float]] = []
    for group in groups:
        size = group[0].size or 10.0
        starts: list[list[float]] = []  # [x, rows]
        left = min(line.x0 for line in group)
        for x in sorted(f.x0 for line in group for f in line.fragments[1:]):
            if starts and x - starts[-1][0] <= 2.0:
                starts[-1][1] += 1
            else:
                starts.append([x, 1])
        y0 = min(line.y0 for line in group) - 1.5 * size
        y1 = max(line.y1 for line in group) + 0.5 * size
        rules.extend((y0, y1, x - 0.5) for x, rows in starts if rows >= 2 and x > left + 2)
    return rules


def _split_at_rules(
    textpage: Any, fragment: _Fragment, vertical: list[tuple[float, float, float]], at_spaces: bool = False
) -> list[_Fragment]:
    """Split a fragment that crosses vertical cell borders (two cells too close to show a wide gap).

    With `at_spaces` (virtual borders guessed from other rows), a cut must fall between two words."""
    middle = (fragment.y0 + fragment.y1) / 2
    cuts = sorted({x for y0, y1, x in vertical if y0 <= middle <= y1 and fragment.x0 + 1 < x < fragment.x1 - 1})
    if not cuts:
        return [fragment]
    parts = []
    edges = [fragment.x0 - 0.5, *cuts, fragment.x1 + 0.5]
    margin = (fragment.y1 - fragment.y0) * 0.2
    for a, b in zip(edges, edges[1:], strict=False):
        text = " ".join(textpage.get_text_bounded(a, fragment.y0 + margin, b, fragment.y1 - margin).split())
        if text:
            parts.append(_Fragment(text, max(a + 0.25, fragment.x0), fragment.y0, min(b - 0.25, fragment.x1),
                                   fragment.y1))
    if "".join("".join(p.text for p in parts).split()) != "".join(fragment.text.split()):
        return [fragment]  # a glyph straddles a border, or text was borrowed: keep the fragment whole
    if at_spaces and " ".join(p.text for p in parts) != " ".join(fragment.text.split()):
        return [fragment]  # a cut inside a word: not a column border
    return parts


def _read_page(pdf_page: Any, textpage: Any, number: int, width: float, height: float) -> _Page:
    """Lines of one page with a few cheap PDFium calls per line (box, font size, weight, rectangles)."""
    page = _Page(number, width, height)
    text = textpage.get_text_range().replace("\x02", "-")  # PDFium marks end-of-line hyphens with U+0002
    offsets = _utf16_offsets(text)
    for match in _LINE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        line = _Line(stripped)
        page.lines.append(line)
        first = match.start() + len(raw) - len(raw.lstrip())
        last = match.start() + len(raw.rstrip()) - 1
        if offsets is not None:
            first, last = offsets[first], offsets[last]
        c_first = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, first)
        c_last = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, last)
        if c_first < 0 or c_last < c_first:
            continue
        samples = [_char_sample(textpage, i) for i in sorted({c_first, (c_first + c_last) // 2, c_last})]
        sizes = sorted(s for s, _ in samples if s > 0)
        line.size = round(sizes[len(sizes) // 2], 1) if sizes else None
        line.bold = all(bold for _, bold in samples)
        try:
            count = textpage.count_rects(c_first, c_last - c_first + 1)
            rects = [textpage.get_rect(i) for i in range(count)]
        except pdfium.PdfiumError:
            rects = []  # no geometry for this line: the text-only heuristics apply
        if not rects:
            continue
        line.has_box = True
        line.x0 = min(r[0] for r in rects)
        line.y0 = min(r[1] for r in rects)
        line.x1 = max(r[2] for r in rects)
        line.y1 = max(r[3] for r in rects)
        line.fragments = [_Fragment(stripped, line.x0, line.y0, line.x1, line.y1)]
        if len(rects) >= 2 and line.size:
            cells = _split_cells(textpage, rects, line.size)
            # Keep the cells only if they hold exactly the line's text (nothing lost, nothing borrowed).
            if cells and "".join("".join(c.text for c in cells).split()) == "".join(stripped.split()):
                line.fragments = cells
    cell_lines = [line for line in page.lines if line.cells]
    if cell_lines:
        page.rules, page.vrules = _page_rules(pdf_page)
        vertical = page.vrules
        guessed = not vertical
        if guessed:
            vertical = _column_starts(cell_lines)
        for line in page.lines:
            if line.has_box and line.size:
                line.fragments = [part for fragment in line.fragments
                                  for part in _split_at_rules(textpage, fragment, vertical, at_spaces=guessed)]
    return page


def _varying_numbers_track_pages(occurrences: list[tuple[int, str]]) -> bool:
    """Texts that differ only in digits are furniture when each differing number follows the page number."""
    groups = [(page, [int(n) for n in _NUMBER.findall(text)]) for page, text in occurrences]
    if len({len(numbers) for _, numbers in groups}) != 1:
        return False
    for position in range(len(groups[0][1])):
        values = {numbers[position] for _, numbers in groups}
        if len(values) > 1 and len({numbers[position] - page for page, numbers in groups}) != 1:
            return False
    return True


def _mark_furniture(pages: list[_Page]) -> None:
    """Mark headers/footers: lines at the page edges repeated on most pages (digits masked), and page numbers.

    Marking goes inwards from each edge and stops at the first line that does not qualify, so body text that
    happens to start every page the same way is less likely to be taken for a header.
    """
    sizes = [line.size for page in pages for line in page.lines if line.size]
    common_size = _median(sizes) if sizes else None
    edges: list[tuple[list[_Line], list[_Line]]] = []
    for page in pages:
        boxed = [line for line in page.lines if line.has_box]
        if page.height > 0 and boxed and len(boxed) == len(page.lines):
            by_height = sorted(boxed, key=lambda line: -line.y1)
            top = [line for line in by_height[:_FURNITURE_LINES] if line.y0 >= page.height * (1 - _FURNITURE_ZONE)]
            bottom = [line for line in reversed(by_height[-_FURNITURE_LINES:])
                      if line.y1 <= page.height * _FURNITURE_ZONE]
        else:
            top, bottom = page.lines[:2], list(reversed(page.lines[-2:]))
        bottom = [line for line in bottom if all(line is not other for other in top)]
        edges.append((top, bottom))

    occurrences: dict[str, list[tuple[int, str, float | None]]] = {}
    for page, (top, bottom) in zip(pages, edges, strict=True):
        seen: set[str] = set()
        for line in top + bottom:
            key = furniture_key(line.text)
            if key not in seen:
                seen.add(key)
                occurrences.setdefault(key, []).append((page.number, line.text, line.size))
    needed_same = max(2, math.ceil(len(pages) * 0.5))
    needed_numbered = min(3, len(pages))

    def qualifies(line: _Line) -> bool:
        if is_page_number(line.text) or mentions_page_number(line.text):
            return True
        found = occurrences.get(furniture_key(line.text), [])
        if len(pages) < 2 or len(found) < 2:
            return False
        sizes = [size for _, _, size in found if size]
        if line.size and sizes and abs(line.size - _median(sizes)) > 1.0:
            return False  # e.g. the title on page 1 repeating the running header in a larger font
        if len({text for _, text, _ in found}) == 1:
            return len(found) >= needed_same
        # Varying digits: in real headers only page numbers vary ("Chapitre 2 - Tarifs 13"); a larger or bold
        # line whose number follows the pages is more likely a heading ("Article 3" on page 3).
        emphasised = bool(line.size and common_size and (line.size > common_size * _HEADING_RATIO or line.bold))
        return (not emphasised and len(found) >= needed_numbered
                and _varying_numbers_track_pages([(page, text) for page, text, _ in found]))

    for top, bottom in edges:
        for lines, kind in ((top, BlockKind.header), (bottom, BlockKind.footer)):
            for line in lines:
                if not qualifies(line):
                    break
                line.furniture = kind


def _body_size(pages: list[_Page]) -> float | None:
    """The most common font size, weighted by characters, over body lines."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if line.size and line.furniture is None:
                weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else None


@dataclass
class _Layout:
    """Document-wide measures: typical line pitch per font size, and every body line (for column edges)."""

    pitches: dict[float, float]
    lines: list[_Line]

    def pitch(self, size: float) -> float:
        return self.pitches.get(round(size * 2) / 2) or 1.45 * size


def _layout(pages: list[_Page]) -> _Layout:
    """Median distance between consecutive baselines of same-size lines, per font size, over the document."""
    steps: dict[float, list[float]] = {}
    body: list[_Line] = []
    for page in pages:
        lines = [line for line in page.lines if line.furniture is None and line.has_box]
        body.extend(lines)
        for prev, cur in zip(lines, lines[1:], strict=False):
            if prev.size and cur.size and abs(prev.size - cur.size) < 0.6:
                step = prev.y0 - cur.y0
                if 0.5 * cur.size < step < 2.6 * cur.size:
                    steps.setdefault(round(cur.size * 2) / 2, []).append(step)
    return _Layout({size: _median(values) for size, values in steps.items()}, body)


def _room_left(page_lines: list[_Line], layout: _Layout, prev: _Line, line: _Line) -> bool:
    """The next line's first word would have fitted at the end of `prev`: the break there was deliberate."""
    char = (line.x1 - line.x0) / max(len(line.text), 1)
    word = len(line.text.split()[0]) if line.text.split() else 0
    right = _column_right(page_lines, prev)
    if right - prev.x1 < 1.0:  # `prev` is the widest line of its column on this page: use the whole document
        right = _column_right(layout.lines, prev)
    return prev.x1 + (word + 1.5) * char < right


def _column_right(lines: list[_Line], line: _Line) -> float:
    """Right edge of the text column `line` belongs to (lines starting near the same x)."""
    tolerance = 3 * (line.size or 10)
    return max((other.x1 for other in lines if other.has_box and abs(other.x0 - line.x0) <= tolerance),
               default=line.x1)


def _heading_of(line: _Line, body_size: float | None) -> tuple[int | None, bool]:
    """(level from the text, emphasised) for a line; level None when it is not a heading."""
    emphasised = False
    if line.size and body_size:
        emphasised = line.size >= body_size * _HEADING_RATIO or (line.bold and line.size >= body_size * 0.95)
    return heading_level(line.text, emphasised=emphasised), emphasised


def _same_size(a: _Line, b: _Line) -> bool:
    return a.size is not None and b.size is not None and abs(a.size - b.size) <= 0.6


def _inside_ruled_cell(line: _Line, page: _Page, size: float) -> bool:
    """Rules just above and below the line (and, if the page has vertical rules, left and right of it):
    the line sits in a table cell."""
    above = below = False
    for x0, x1, y in page.rules:
        if x0 > line.x1 or x1 < line.x0:
            continue
        if line.y1 - 1 <= y <= line.y1 + _CELL_MAX_LINES * size:
            above = True
        if line.y0 - _CELL_MAX_LINES * size <= y <= line.y0 + 1:
            below = True
    if not (above and below):
        return False
    if not page.vrules:
        return True
    middle = (line.y0 + line.y1) / 2
    crossing = [x for y0, y1, x in page.vrules if y0 <= middle <= y1]
    return any(x <= line.x0 + 1 for x in crossing) and any(x >= line.x1 - 1 for x in crossing)


def _fits_a_column(line: _Line, table: list[_Line]) -> bool:
    """A line starting where a column starts and ending before the next column: a wrapped cell line."""
    starts = sorted({round(f.x0, 1) for other in table if other.cells for f in other.fragments})
    for position, start in enumerate(starts):
        if abs(line.x0 - start) <= 2.0:
            limit = starts[position + 1] if position + 1 < len(starts) else math.inf
            return line.x1 < limit - 1.0
    return False


def _table_regions(page: _Page) -> list[list[int]]:
    """Runs of line indices forming a table: lines with cells and the wrapped cell lines around them."""
    lines = page.lines
    regions: list[list[int]] = []
    index = 0
    while index < len(lines):
        seed = lines[index]
        if seed.furniture is not None or not seed.cells or not seed.size:
            index += 1
            continue
        size = seed.size
        members = [index]
        top, bottom = seed.y1, seed.y0
        before = index - 1
        taken = {i for region in regions for i in region}
        # a cell of the same visual row that PDFium put before the seed line
        while (before >= 0 and before not in taken and lines[before].furniture is None and lines[before].has_box
               and _same_size(lines[before], seed) and lines[before].y0 <= seed.y1 and lines[before].y1 >= seed.y0):
            members.insert(0, before)
            top = max(top, lines[before].y1)
            before -= 1
        after = index + 1
        while after < len(lines):
            line = lines[after]
            if line.furniture is not None or not line.has_box or not _same_size(line, seed):
                break
            # inside the table's vertical span so far, or just below it (or in the next ruled cell below)
            near = line.y1 >= bottom - 1.2 * size and line.y0 <= top + 0.5 * size
            if not near and not (page.rules and line.y1 >= bottom - 4 * size and line.y0 <= top
                                 and _inside_ruled_cell(line, page, size)):
                break
            members.append(after)
            bottom, top = min(bottom, line.y0), max(top, line.y1)
            after += 1
        # Trailing lines without cells may be the paragraph after the table: keep them only inside ruled cells,
        # or (no rules) when they fit under one column of the table.
        while len(members) > 1 and not lines[members[-1]].cells:
            last = lines[members[-1]]
            if page.rules:
                if _inside_ruled_cell(last, page, size):
                    break
            elif _fits_a_column(last, [lines[i] for i in members[:-1]]):
                break
            members.pop()
        regions.append(members)
        index = members[-1] + 1
    return regions


def _row_bands(
    fragments: list[_Fragment], rules: list[tuple[float, float, float]], size: float
) -> list[list[_Fragment]]:
    """Split a table's fragments into rows, top first: between horizontal rules, else at wide vertical gaps."""
    x0 = min(f.x0 for f in fragments)
    x1 = max(f.x1 for f in fragments)
    y0 = min(f.y0 for f in fragments)
    y1 = max(f.y1 for f in fragments)
    ys = sorted((y for rx0, rx1, y in rules if rx0 < x1 and rx1 > x0 and y0 - size <= y <= y1 + size), reverse=True)
    bounds: list[float] = []
    for y in ys:
        if not bounds or bounds[-1] - y > 2.0:
            bounds.append(y)
    rows: list[list[_Fragment]] = []
    if len(bounds) >= 2:
        rows = [[] for _ in range(len(bounds) - 1)]
        loose: list[_Fragment] = []
        for fragment in fragments:
            middle = (fragment.y0 + fragment.y1) / 2
            slot = next((i for i in range(len(bounds) - 1) if bounds[i + 1] <= middle <= bounds[i]), None)
            if slot is None:
                loose.append(fragment)
            else:
                rows[slot].append(fragment)
        rows = [row for row in rows if row]
        if loose:
            rows.extend(_gap_rows(loose, size))
            rows.sort(key=lambda row: -max(f.y1 for f in row))
        return rows
    return _gap_rows(fragments, size)


def _gap_rows(fragments: list[_Fragment], size: float) -> list[list[_Fragment]]:
    """Rows of an unruled table: a new row starts below a vertical gap wider than most line spacing."""
    rows: list[list[_Fragment]] = []
    low = math.inf
    for fragment in sorted(fragments, key=lambda f: -f.y1):
        if rows and fragment.y1 >= low - 0.8 * size:
            rows[-1].append(fragment)
            low = min(low, fragment.y0)
        else:
            rows.append([fragment])
            low = fragment.y0
    return rows


def _row_text(row: list[_Fragment]) -> str:
    """Cells of one row: fragments overlapping horizontally form a cell, read top to bottom."""
    cells: list[list[_Fragment]] = []
    right = -math.inf
    for fragment in sorted(row, key=lambda f: f.x0):
        if cells and fragment.x0 < right - 0.5:  # overlapping: another line of the same cell
            cells[-1].append(fragment)
            right = max(right, fragment.x1)
        else:
            cells.append([fragment])
            right = fragment.x1
    texts = []
    for cell in cells:
        parts = [f.text for f in sorted(cell, key=lambda f: (-f.y1, f.x0))]
        text = parts[0]
        for part in parts[1:]:
            text += ("\n" if text.endswith("-") else " ") + part
        texts.append(text)
    return " | ".join(texts)


def _table_drafts(page: _Page, lines: list[_Line]) -> list[_Draft]:
    """One table_row draft per table row rebuilt from the region's fragments (wrapped cells are joined)."""
    size = next(line.size for line in lines if line.size)
    fragments = [fragment for line in lines for fragment in line.fragments]
    drafts = []
    for row in _row_bands(fragments, page.rules, size):
        drafts.append(_Draft(page.number, BlockKind.table_row, [lines[0]], text_parts=[_row_text(row)]))
    return drafts


def _group_page(page: _Page, body_size: float | None, layout: _Layout) -> list[_Draft]:
    """Assemble a page's lines into blocks: furniture lines, headings, list items, table rows, paragraphs."""
    body = [line for line in page.lines if line.furniture is None]
    longest = max((len(line.text) for line in body), default=0)
    drafts: list[_Draft] = []
    prev: _Line | None = None
    region_of: dict[int, list[int]] = {}
    for region in _table_regions(page):
        for member in region:
            region_of[member] = region
    for position, line in enumerate(page.lines):
        region = region_of.get(position)
        if region is not None:
            if position == region[0]:
                drafts.extend(_table_drafts(page, [page.lines[i] for i in region]))
            prev = line
            continue
        if line.furniture is not None:
            drafts.append(_Draft(page.number, line.furniture, [line], text_parts=[line.text]))
            continue
        level, emphasised = _heading_of(line, body_size)
        current = drafts[-1] if drafts and drafts[-1].kind not in (BlockKind.header, BlockKind.footer) else None
        size = line.size or body_size or 10.0
        pitch = layout.pitch(size)
        joiner = "\n"
        new_block = current is None or prev is None
        if not new_block and prev is not None and current is not None:
            same_row = (line.has_box and prev.has_box and abs(prev.y0 - line.y0) < 0.3 * size
                        and line.x0 >= prev.x1 - 1)
            dy = prev.y0 - line.y0
            if line.cells or prev.cells or current.kind == BlockKind.table_row:
                new_block = True
            elif current.kind == BlockKind.heading:
                # A long title wraps on lines of the same font; a numbered line starts a new heading.
                new_block = not (
                    current.emphasised and emphasised and prev.size == line.size and prev.bold == line.bold
                    and numbered_heading_level(line.text) is None
                    and (not line.has_box or 0 < dy <= max(pitch, 1.5 * size) * _PARAGRAPH_GAP)
                )
            elif same_row:
                joiner = " "
            elif level is not None or is_symbol_bullet(line.text):
                new_block = True
            elif is_bullet(line.text) and (ends_sentence(prev.text) or prev.text.rstrip()[-1:] in (":", ";")
                                           or current.kind == BlockKind.list_item):
                new_block = True  # "1) …" after a sentence; not "50. Courriel" wrapped from a phone number
            elif line.has_box and prev.has_box:
                threshold = pitch * _PARAGRAPH_GAP
                new_block = (
                    dy <= 0.3 * size  # moved up: next column or out-of-order object
                    or dy > threshold
                    or (prev.size is not None and line.size is not None and abs(prev.size - line.size) > 1.0)
                    # a sentence ends a short line, or the next line is indented: a new paragraph
                    or (ends_sentence(prev.text)
                        and ((line.x0 > prev.x0 + size and current.kind != BlockKind.list_item)  # indent
                             or _room_left(body, layout, prev, line)))
                )
            else:
                new_block = ends_sentence(prev.text) and len(prev.text) < 0.7 * longest
        if new_block:
            if level is not None and not line.cells:
                kind = BlockKind.heading
            elif line.cells:
                kind = BlockKind.table_row
            elif is_bullet(line.text):
                kind = BlockKind.list_item
            else:
                kind = BlockKind.paragraph
            text = " | ".join(line.cells) if line.cells else line.text
            drafts.append(_Draft(page.number, kind, [line], level=level or 0, emphasised=emphasised,
                                 text_parts=[text]))
        elif current is not None:
            current.lines.append(line)
            current.text_parts.extend([joiner, line.text])
        prev = line
    return drafts


def _assign_heading_levels(drafts: list[_Draft], body_size: float | None) -> None:
    """Larger heading fonts rank higher; headings at body size come below, by their numbering depth."""
    sizes = sorted(
        {round(d.lines[0].size * 2) / 2 for d in drafts
         if d.kind == BlockKind.heading and d.lines[0].size and body_size and d.lines[0].size >= body_size * 1.05},
        reverse=True,
    )
    rank = {size: index + 1 for index, size in enumerate(sizes)}
    for draft in drafts:
        if draft.kind != BlockKind.heading:
            continue
        size = draft.lines[0].size
        key = round(size * 2) / 2 if size else None
        if key in rank:
            draft.level = min(rank[key], 6)
        else:
            draft.level = min(len(sizes) + max(draft.level, 1), 6)


def _join_across_pages(drafts: list[_Draft]) -> list[_Draft]:
    """Append a paragraph cut by a page break to the block it continues (the block keeps its first page)."""
    furniture = (BlockKind.header, BlockKind.footer)
    joined: list[_Draft] = []
    last: _Draft | None = None
    first_on_page: set[int] = set()
    for draft in drafts:
        if draft.kind in furniture:
            joined.append(draft)
            continue
        first = draft.page not in first_on_page
        first_on_page.add(draft.page)
        if (first and last is not None and draft.page == last.page + 1 and draft.kind == BlockKind.paragraph
                and last.kind in (BlockKind.paragraph, BlockKind.list_item)):
            previous, start = last.text.rstrip(), draft.text.lstrip()
            if (previous and start and not ends_sentence(previous) and previous[-1] not in ":;"
                    and not start[0].isupper() and not is_bullet(start)):
                last.text_parts.extend(["\n", draft.text])
                last.lines.extend(draft.lines)
                continue
        joined.append(draft)
        last = draft
    return joined


def _open(data: bytes) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise _error_encrypted() from exc
        raise _error_corrupt() from exc


def _read_pages(data: bytes, max_pages: int) -> tuple[list[_Page], int]:
    """Open the PDF and read every page's lines; PDFium objects are closed before returning."""
    with _PDFIUM_LOCK:
        document = _open(data)
        try:
            count = len(document)
            if count == 0:
                raise _error_corrupt("aucune page")
            if count > max_pages:
                raise InputError(
                    f"Le document compte {count} pages, au-delà de la limite de {max_pages} pages. "
                    "Découpez-le en plusieurs fichiers ou relancez l'analyse avec une limite plus élevée.",
                    "trop_volumineux",
                )
            pages: list[_Page] = []
            failures = 0
            for index in range(count):
                try:
                    page = document[index]
                except pdfium.PdfiumError:
                    failures += 1
                    continue
                try:
                    width, height = page.get_size()
                    textpage = page.get_textpage()
                    try:
                        pages.append(_read_page(page, textpage, index + 1, width, height))
                    finally:
                        textpage.close()
                except pdfium.PdfiumError:
                    failures += 1
                finally:
                    page.close()
            if failures == count:
                raise _error_corrupt("aucune page lisible")
            return pages, count
        finally:
            document.close()


def extract_pdf(data: bytes, path: str, max_pages: int = 500) -> Document:
    """Build a Document from PDF bytes."""
    pages, count = _read_pages(data, max_pages)
    if not any(line.text.strip() for page in pages for line in page.lines):
        raise _error_no_text(count)
    _mark_furniture(pages)
    if all(line.furniture is not None for page in pages for line in page.lines):
        raise _error_no_text(count)  # only a repeated stamp or page numbers: a scan with a printed banner
    body_size = _body_size(pages)
    layout = _layout(pages)
    drafts: list[_Draft] = []
    for page in pages:
        drafts.extend(_group_page(page, body_size, layout))
    _assign_heading_levels(drafts, body_size)
    drafts = _join_across_pages(drafts)
    blocks = [
        Block(page=d.page, order=i, kind=d.kind, level=d.level if d.kind == BlockKind.heading else 0,
              text=d.text, font_size=d.lines[0].size)
        for i, d in enumerate(drafts)
    ]
    document = Document.from_blocks(path, "pdf", blocks, pages=count, join_lines=True)
    if all(block.kind in (BlockKind.header, BlockKind.footer) for block in document.blocks):
        raise _error_no_text(count)  # nothing left once control characters and blanks are removed
    return document


@dataclass(frozen=True)
class PdfWord:
    """A word of a PDF page with its font (from pdfplumber); `top`/`bottom` are measured from the page top."""

    text: str
    size: float
    fontname: str
    x0: float
    top: float
    x1: float
    bottom: float


def page_font_sizes(path: str | Path, page: int) -> list[PdfWord]:
    """Words of one page (1-based) with font sizes. Slow (pdfplumber): only for geometry checks.

    Raises `InputError` (pdf_chiffre, pdf_corrompu) for unreadable files, `ValueError` for a page out of range.
    """
    import pdfplumber  # lazy: ~150 ms to import and 50-90x slower than PDFium

    def failure(exc: Exception) -> InputError:
        described = f"{type(exc).__name__} {exc!r}"
        return _error_encrypted() if "Password" in described or "Encrypt" in described else _error_corrupt()

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types on bad input
        raise failure(exc) from exc
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:  # noqa: BLE001
            raise failure(exc) from exc
        if not 1 <= page <= count:
            raise ValueError(f"page {page} out of range 1..{count}")
        try:
            words = pdf.pages[page - 1].extract_words(extra_attrs=["size", "fontname"])
        except Exception as exc:  # noqa: BLE001
            raise failure(exc) from exc
    return [
        PdfWord(w["text"], round(float(w["size"]), 2), str(w.get("fontname", "")), float(w["x0"]), float(w["top"]),
                float(w["x1"]), float(w["bottom"]))
        for w in words
    ]
