"""Plain text and Markdown: blank-line paragraphs, Markdown headings, lists and tables; form feed = new page."""

from __future__ import annotations

import re

from conformcheck.extract.heuristics import heading_level, is_bullet
from conformcheck.model import Block, BlockKind, Document

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_MD_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|[0-9]{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BLOCKQUOTE = re.compile(r"^ {0,3}>[ ]?")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# Inline markup: images and links keep their text (and the link target), emphasis markers go.
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_CODE_SPAN = re.compile(r"`+([^`]*)`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HARD_BREAK = re.compile(r"(?: {2,}|\\)$", re.MULTILINE)


def strip_inline_markdown(text: str) -> str:
    """Remove Markdown emphasis, code and link syntax, keeping the visible text (and link targets)."""
    text = _IMAGE.sub(r"\1", text)

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if not target or target.startswith("#") or target == label:
            return label
        return f"{label} ({target.removeprefix('mailto:')})"

    text = _LINK.sub(link, text)
    text = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    text = _CODE_SPAN.sub(r"\1", text)
    for _ in range(2):  # nested emphasis such as ***text***
        text = _STRONG.sub(r"\2", text)
        text = _EM_STAR.sub(r"\1", text)
        text = _EM_UNDERSCORE.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    text = _HARD_BREAK.sub("", text)
    return _ESCAPE.sub(r"\1", text)


def _split_pages(text: str) -> list[str]:
    """Split on form feeds; a trailing form feed does not open an empty last page."""
    pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


def _plain_blocks(page_text: str, page: int) -> list[Block]:
    """Blank-line paragraphs; bullet lines start list items; a lone numbered or capitalised line is a heading."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", page_text):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        level = heading_level(lines[0])
        if level is not None:
            # A short numbered or capitalised first line ("ARTICLE 2 - TARIFS") is a heading.
            blocks.append(Block(page=page, order=0, kind=BlockKind.heading, level=level, text=lines[0]))
            lines = lines[1:]
        current: list[str] = []
        current_kind = BlockKind.paragraph
        for line in lines:
            if is_bullet(line):
                if current:
                    blocks.append(Block(page=page, order=0, kind=current_kind, text="\n".join(current)))
                current, current_kind = [line], BlockKind.list_item
            else:
                current.append(line)
        if current:
            blocks.append(Block(page=page, order=0, kind=current_kind, text="\n".join(current)))
    return blocks


def _table_cells(line: str) -> list[str]:
    """Cells of a Markdown table row (escaped pipes are kept inside cells)."""
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [strip_inline_markdown(cell.replace("\\|", "|").strip()) for cell in cells]


def _is_table_line(line: str, next_line: str, in_table: bool) -> bool:
    """A table row: starts with a pipe, or has pipes and is inside / heads a pipe table."""
    if "|" not in line:
        return False
    if line.lstrip().startswith("|") and line.count("|") >= 2:
        return True
    return in_table or bool(_TABLE_SEPARATOR.match(next_line) and "-" in next_line and "|" in next_line)


def _markdown_blocks(page_text: str, page: int) -> list[Block]:
    """Markdown structure: ATX/setext headings, list items, table rows, quotes, fences, paragraphs."""
    blocks: list[Block] = []
    para: list[str] = []
    para_kind = BlockKind.paragraph
    in_fence: str | None = None
    in_table = False
    lines = _HTML_COMMENT.sub("", page_text).split("\n")

    def flush() -> None:
        nonlocal para, para_kind
        if para:
            text = "\n".join(para) if in_fence is not None or para_kind == BlockKind.table_row else None
            if text is None:
                text = strip_inline_markdown("\n".join(para))
            blocks.append(Block(page=page, order=0, kind=para_kind, text=text))
        para, para_kind = [], BlockKind.paragraph

    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        fence = _FENCE.match(raw)
        if in_fence is not None:
            if fence and fence.group(1) == in_fence:
                flush()
                in_fence = None
            else:
                para.append(raw)
            continue
        if fence:
            flush()
            in_fence = fence.group(1)
            continue
        line = _BLOCKQUOTE.sub("", raw)
        while _BLOCKQUOTE.match(line):
            line = _BLOCKQUOTE.sub("", line)
        if not line.strip():
            flush()
            in_table = False
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            flush()
            title = strip_inline_markdown(heading.group(2))
            blocks.append(Block(page=page, order=0, kind=BlockKind.heading, level=len(heading.group(1)), text=title))
            continue
        setext = _SETEXT_UNDERLINE.match(line)
        if setext and len(para) == 1 and para_kind == BlockKind.paragraph:
            title = strip_inline_markdown(para[0])
            para = []
            level = 1 if setext.group(1).startswith("=") else 2
            blocks.append(Block(page=page, order=0, kind=BlockKind.heading, level=level, text=title))
            continue
        if _THEMATIC_BREAK.match(line):
            flush()
            continue
        next_line = lines[index] if index < len(lines) else ""
        if _is_table_line(line, next_line, in_table):
            flush()
            in_table = True
            if not _TABLE_SEPARATOR.match(line):
                cells = _table_cells(line)
                if any(cells):
                    blocks.append(Block(page=page, order=0, kind=BlockKind.table_row, text=" | ".join(cells)))
            continue
        in_table = False
        item = _MD_LIST_ITEM.match(line)
        if item:
            flush()
            para, para_kind = [item.group(2)], BlockKind.list_item
            continue
        para.append(line.strip())
    flush()
    return blocks


def extract_text(text: str, path: str, markdown: bool = False) -> Document:
    """Build a Document from decoded text; `markdown` turns on Markdown structure."""
    pages = _split_pages(text)
    blocks: list[Block] = []
    for number, page_text in enumerate(pages, start=1):
        blocks.extend(_markdown_blocks(page_text, number) if markdown else _plain_blocks(page_text, number))
    return Document.from_blocks(path, "markdown" if markdown else "text", blocks, pages=len(pages))
