"""Evidence excerpts: a matched span widened to its sentence, traced to page and block, with a little of the
text around it (for reports that show the excerpt in its surroundings)."""

from __future__ import annotations

import re

from conformcheck.model import Document, Evidence

MAX_EXCERPT = 240
CONTEXT = 120
_SENTENCE_END = re.compile(r"[.!?;:]\s|\n\n|\n(?=[-•*\d])")
_SPACES = re.compile(r"\s+")


def _collapse(text: str) -> str:
    """Whitespace runs as one space, or one line break where blocks meet (a heading stays on its line)."""
    return _SPACES.sub(lambda m: "\n" if "\n\n" in m.group() else " ", text)


def _context(text: str, left: int, right: int) -> tuple[str | None, str | None]:
    """Up to CONTEXT characters each side of `text[left:right]`, whitespace collapsed, cut at a word."""
    start, end = max(0, left - CONTEXT), min(len(text), right + CONTEXT)
    before, after = _collapse(text[start:left]), _collapse(text[right:end])
    if start > 0 and " " in before.strip():
        before = "…" + before.lstrip().split(" ", 1)[1]
    if end < len(text) and " " in after.strip():
        after = after.rstrip().rsplit(" ", 1)[0] + "…"
    return before.lstrip(" ") or None, after.rstrip(" ") or None


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
    previous = text[max(0, left - 8):left].rstrip(" \t")  # the sentence's start is not a cut
    if previous and previous[-1] not in ".!?;:\n":
        excerpt = "…" + excerpt
    if right < len(text) and text[right - 1] not in ".!?;:":
        excerpt += "…"
    block = doc.block_at(start)
    before, after = _context(text, left, right)
    return Evidence(excerpt=excerpt, page=block.page if block else 1, block=block.order if block else 0,
                    start=start, end=end, context_before=before, context_after=after)
