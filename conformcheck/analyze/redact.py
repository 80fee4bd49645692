"""Masking of personal names in excerpts (`--anonymiser`), with spaCy's French NER.

spaCy costs seconds to load, so it is imported here only, lazily, once per process: the plain scan
path never pays for it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from conformcheck.model import DocumentReport, Report

MASK = "[nom masqué]"
# Only the entity recogniser is needed; the other components cost load time for nothing.
_UNUSED_PIPES = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy

    return spacy.load("fr_core_news_sm", exclude=_UNUSED_PIPES)


def redact_names(texts: list[str]) -> list[str]:
    """Each text with the person names it contains replaced by a mask."""
    if not texts:
        return []
    redacted = []
    for doc in _pipeline().pipe(texts, batch_size=64):
        text = doc.text
        for ent in reversed(doc.ents):
            if ent.label_ == "PER":
                text = text[:ent.start_char] + MASK + text[ent.end_char:]
        redacted.append(text)
    return redacted


def redact_report(report: Report) -> None:
    """Mask names in every excerpt of the report and the text around it, in one batch."""
    redact_documents(report.documents)


def redact_documents(documents: list[DocumentReport]) -> None:
    """Mask names in every excerpt of these documents and the text around it, in one batch."""
    evidences = [e for doc in documents for f in doc.findings for e in f.evidence + [
        pe for part in f.parts for pe in part.evidence]]
    evidences += [v.evidence for doc in documents for v in doc.context.values() if v.evidence]
    fields = ("excerpt", "context_before", "context_after")
    slots = [(e, name) for e in evidences for name in fields if getattr(e, name)]
    for (evidence, name), text in zip(slots, redact_names([getattr(e, n) for e, n in slots]), strict=True):
        setattr(evidence, name, text)
