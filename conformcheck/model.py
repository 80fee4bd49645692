"""Data model shared by every stage: located document, findings and reports."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class BlockKind(StrEnum):
    heading = "heading"
    paragraph = "paragraph"
    list_item = "list_item"
    table_row = "table_row"
    header = "header"
    footer = "footer"


class Block(BaseModel):
    """One located piece of text; `start`/`end` index `Document.text`."""

    page: int = Field(ge=1, description="1-based page (DOCX and text: always 1 unless page breaks are known)")
    order: int = Field(ge=0, description="reading order in the whole document")
    kind: BlockKind = BlockKind.paragraph
    level: int = Field(default=0, description="heading level (1 = top), 0 for non-headings")
    text: str
    start: int = 0
    end: int = 0
    font_size: float | None = None


class Document(BaseModel):
    """A normalised, located text: blocks joined by blank lines into `text`."""

    path: str
    format: str = Field(description="pdf | docx | text | markdown")
    pages: int = 1
    blocks: list[Block] = Field(default_factory=list)
    text: str = ""

    @classmethod
    def from_blocks(cls, path: str, fmt: str, blocks: list[Block], pages: int = 1) -> Document:
        """Normalise each block, join them and record every block's span in the joined text."""
        from conformcheck.analyze.normalize import normalize_text

        parts: list[str] = []
        kept: list[Block] = []
        cursor = 0
        for block in blocks:
            text = normalize_text(block.text).strip()
            if not text:
                continue
            if parts:
                parts.append("\n\n")
                cursor += 2
            kept.append(block.model_copy(update={"text": text, "start": cursor, "end": cursor + len(text),
                                                 "order": len(kept)}))
            parts.append(text)
            cursor += len(text)
        return cls(path=path, format=fmt, pages=max(pages, 1), blocks=kept, text="".join(parts))

    def block_at(self, offset: int) -> Block | None:
        """The block containing `offset` (binary search over block starts)."""
        lo, hi = 0, len(self.blocks) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            block = self.blocks[mid]
            if offset < block.start:
                hi = mid - 1
            elif offset >= block.end + 2:
                lo = mid + 1
            else:
                return block
        return None


class Status(StrEnum):
    conforme = "conforme"
    manquant = "manquant"
    non_conforme = "non_conforme"
    a_verifier = "a_verifier"
    non_applicable = "non_applicable"


DOC_TYPE_LABELS_FR: dict[str, str] = {
    "livret_accueil": "livret d'accueil", "reglement_fonctionnement": "règlement de fonctionnement",
    "contrat": "contrat / DIPC", "devis": "devis", "autre": "autre document",
}


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


SEVERITY_LABELS_FR: dict[Severity, str] = {
    Severity.error: "obligation légale",
    Severity.warning: "recommandation",
    Severity.info: "bonne pratique",
}


class Evidence(BaseModel):
    excerpt: str
    page: int
    block: int
    start: int
    end: int


class PartResult(BaseModel):
    """One part of a composite requirement."""

    id: str
    label: str
    found: bool
    evidence: list[Evidence] = Field(default_factory=list)


class Finding(BaseModel):
    rule_id: str
    pack: str
    title: str
    status: Status
    severity: Severity
    message: str
    fix: str
    references: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    parts: list[PartResult] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="why the status, in French (e.g. unknown context)")
    unknown_context: list[str] = Field(default_factory=list,
                                       description="context keys whose value would decide an « à vérifier »")


class ContextValue(BaseModel):
    value: str | bool | float | None
    source: str = Field(description="option | config | document | inconnu")
    evidence: Evidence | None = None
    candidates: list[str] | None = Field(default=None, description="when the value is unknown: the values still "
                                         "possible (e.g. any regime but SSIAD for a document without care)")


class Score(BaseModel):
    applicable: int
    met: int
    rate: float | None

    @classmethod
    def of(cls, findings: list[Finding]) -> Score:
        counted = [f for f in findings if f.status in (Status.conforme, Status.manquant, Status.non_conforme)]
        met = sum(1 for f in counted if f.status == Status.conforme)
        return cls(applicable=len(counted), met=met, rate=round(met / len(counted), 3) if counted else None)


class DocumentReport(BaseModel):
    path: str
    status: str = Field(description="ok | error")
    error: str | None = None
    error_code: str | None = None
    format: str | None = None
    pages: int | None = None
    doc_type: str | None = None
    doc_type_confidence: float | None = None
    doc_type_clues: list[str] = Field(default_factory=list)
    context: dict[str, ContextValue] = Field(default_factory=dict)
    score: dict[str, Score] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)


class Report(BaseModel):
    schema_version: str = "1"
    tool_version: str
    scan_date: str
    documents: list[DocumentReport] = Field(default_factory=list)
