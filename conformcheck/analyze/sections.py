"""Sections from headings: each heading opens a section that runs until the next heading of its level or above."""

from __future__ import annotations

from dataclasses import dataclass

from conformcheck.model import BlockKind, Document


@dataclass(frozen=True)
class Section:
    """A titled part of the document, from its heading to the next heading of its level or above."""

    title: str
    level: int
    start: int  # the heading's start in the document text
    end: int  # where the next heading of the same or a higher level starts (or the end of the text)
    heading_end: int


def sections(doc: Document) -> list[Section]:
    """Every section of the document, in reading order (nested sections overlap their parent)."""
    headings = [b for b in doc.blocks if b.kind == BlockKind.heading]
    found = []
    for index, heading in enumerate(headings):
        level = heading.level or 1
        end = len(doc.text)
        for later in headings[index + 1:]:
            if (later.level or 1) <= level:
                end = later.start
                break
        found.append(Section(title=heading.text, level=level, start=heading.start, end=end,
                             heading_end=heading.end))
    return found
