"""Evidence excerpts: a matched span widened to its sentence, traced to page and block."""

from __future__ import annotations

import re

from conformcheck.model import Document, Evidence

MAX_EXCERPT = 240
_SENTENCE_END = re.compile(r"[.!?;:]\s|\n\n|\n(?=[-•*\d])")


def make_evidence(doc: Document, span: tuple[int, int]) -> Evidence:
    start, end = span
    text = doc.text
    left = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - MAX_EXCERPT), start)), default=None)
    left = left if left is not None else max(0, start - MAX_EXCERPT // 2)
    right_match = _SENTENCE_END.search(text, end, min(len(text), end + MAX_EXCERPT))
    right = right_match.start() + 1 if right_match else min(len(text), end + MAX_EXCERPT // 2)
    if right - left > MAX_EXCERPT:  # keep the match centred in a bounded excerpt
        room = max(0, (MAX_EXCERPT - (end - start)) // 2)
        left, right = max(left, start - room), min(right, end + room)
    excerpt = " ".join(text[left:right].split())
    if left > 0 and text[left - 1] not in ".!?;:\n":
        excerpt = "…" + excerpt
    if right < len(text) and text[right - 1] not in ".!?;:":
        excerpt += "…"
    block = doc.block_at(start)
    return Evidence(excerpt=excerpt, page=block.page if block else 1, block=block.order if block else 0,
                    start=start, end=end)
