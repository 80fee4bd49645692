"""Facts about one document: everything the rules read, computed once."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from conformcheck.analyze.fields import FieldValue
from conformcheck.analyze.fold import light_fold
from conformcheck.analyze.matcher import PhraseHits
from conformcheck.analyze.regex_plan import DocCache, plan_for
from conformcheck.analyze.sections import Section, sections
from conformcheck.model import BlockKind, ContextValue, Document

# A single line break is not a sentence end: PDF paragraphs keep their line breaks.
_SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n\s*\n|\n(?=\s*(?:[-•*]|\d{1,2}[.)]\s))")


@dataclass
class DocumentFacts:
    """Everything the rules read about one document, computed once: phrase hits, fields, context, regex spans."""

    doc: Document
    doc_type: str
    hits: PhraseHits
    fields: dict[str, list[FieldValue]]
    context: dict[str, ContextValue]
    scan_date: date
    folded: str = field(default="")
    _regex_cache: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    _regex_positions: DocCache = field(default_factory=dict, repr=False)  # shared by the regex plans

    def __post_init__(self) -> None:
        if not self.folded:
            self.folded = light_fold(self.doc.text)

    def regex_spans(self, pattern: str) -> list[tuple[int, int]]:
        """Matches of a rule regex in the folded text (zero-width ones too), computed once per document."""
        found = self._regex_cache.get(pattern)
        if found is None:
            found = plan_for(pattern).spans(self.folded, self._regex_positions)
            self._regex_cache[pattern] = found
        return found

    def ctx(self, key: str) -> object:
        value = self.context.get(key)
        return value.value if value else None

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [0] + [m.end() for m in _SENTENCE_BREAK.finditer(self.doc.text)]

    def sentence_start(self, offset: int) -> int:
        starts = self.sentence_starts
        return starts[bisect.bisect_right(starts, offset) - 1]

    @cached_property
    def first_page_end(self) -> int:
        ends = [b.end for b in self.doc.blocks if b.page == 1]
        return max(ends) if ends else len(self.doc.text)

    @cached_property
    def sections(self) -> list[Section]:
        return sections(self.doc)

    def section_spans(self, phrases: list[str]) -> list[tuple[int, int]]:
        """Spans of the sections whose heading contains one of `phrases`."""
        heading_hits = [start for start, _ in self.hits.any_spans(phrases)]
        return [(s.start, s.end) for s in self.sections
                if any(s.start <= hit < s.heading_end for hit in heading_hits)]

    @cached_property
    def heading_spans(self) -> list[tuple[int, int]]:
        return [(b.start, b.end) for b in self.doc.blocks if b.kind == BlockKind.heading]
