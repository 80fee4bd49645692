"""Data model shared by every stage: located document, findings and reports.

Plain slotted dataclasses, not pydantic models: building ~10 pydantic classes and importing pydantic cost
more than scanning a 10-page PDF, and nothing here needs validation (every value is produced by our own
code). `Report.to_json()` writes exactly what `model_dump_json(indent=2, exclude_none=True)` wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

# Vocabulary of the packs and of the command line (validated by packs/schema.py, offered by cli.py).
DOC_TYPES = ("livret_accueil", "reglement_fonctionnement", "contrat", "devis", "autre")
REGIMES = ("casf_autorise", "ssiad", "sap_agree", "sap_declare")
MODES = ("prestataire", "mandataire", "mise_a_disposition")
# Themes of the quality approach (the grids federations and evaluators use); every rule belongs to one.
THEME_LABELS_FR: dict[str, str] = {
    "accueil_information": "Accueil et information",
    "demande_evaluation": "Traitement de la demande et évaluation des besoins",
    "contractualisation": "Contractualisation",
    "organisation_continuite": "Organisation et continuité des prestations",
    "droits_recours": "Droits et recours",
    "suivi_amelioration": "Suivi et amélioration",
}
THEMES = tuple(THEME_LABELS_FR)
# Rules of third-party packs may have no theme: their findings are counted under this key.
NO_THEME = "sans_theme"
NO_THEME_LABEL_FR = "Sans thème"


def theme_label_fr(theme: str | None) -> str:
    """The French label of a theme id (None or an unknown id: « Sans thème »)."""
    return THEME_LABELS_FR.get(theme or NO_THEME, NO_THEME_LABEL_FR)


class BlockKind(StrEnum):
    heading = "heading"
    paragraph = "paragraph"
    list_item = "list_item"
    table_row = "table_row"
    header = "header"
    footer = "footer"


@dataclass(slots=True, kw_only=True)
class Block:
    """One located piece of text; `start`/`end` index `Document.text`.

    `page` is 1-based (DOCX and text: always 1 unless page breaks are known); `order` is the reading order in
    the whole document; `level` the heading level (1 = top), 0 for non-headings."""

    page: int
    order: int
    kind: BlockKind = BlockKind.paragraph
    level: int = 0
    text: str
    start: int = 0
    end: int = 0
    font_size: float | None = None


@dataclass(slots=True)
class Document:
    """A normalised, located text: blocks joined by blank lines into `text`. `format`: pdf | docx | text |
    markdown."""

    path: str
    format: str
    pages: int = 1
    blocks: list[Block] = field(default_factory=list)
    text: str = ""

    @classmethod
    def from_blocks(cls, path: str, fmt: str, blocks: list[Block], pages: int = 1,
                    join_lines: bool = False) -> Document:
        """Normalise each block, join them and record every block's span in the joined text. `join_lines`:
        a line break inside a block is layout, not meaning (PDF paragraphs), and becomes a space once
        hyphenated words are joined."""
        from conformcheck.analyze.normalize import normalize_text

        parts: list[str] = []
        kept: list[Block] = []
        cursor = 0
        for block in blocks:
            text = normalize_text(block.text).strip()
            if join_lines:
                text = text.replace("\n", " ")
            if not text:
                continue
            if parts:
                parts.append("\n\n")
                cursor += 2
            kept.append(replace(block, text=text, start=cursor, end=cursor + len(text), order=len(kept)))
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


# The statuses a rate counts (applicable requirements), and those of a gap to fix.
COUNTED_STATUSES = (Status.conforme, Status.manquant, Status.non_conforme)
GAP_STATUSES = (Status.manquant, Status.non_conforme)

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


@dataclass(slots=True)
class Evidence:
    """`excerpt`: the matched sentence; `start`/`end`: the match in `Document.text`; `context_before`/
    `context_after`: a little of the text around the excerpt, so a report can show it in its surroundings."""

    excerpt: str
    page: int
    block: int
    start: int
    end: int
    context_before: str | None = None
    context_after: str | None = None


@dataclass(slots=True)
class PartResult:
    """One part of a composite requirement."""

    id: str
    label: str
    found: bool
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Waiver:
    """A service's decision to accept a gap (waivers file, see policy.py); `expires`: ISO date."""

    rule: str
    documents: str
    reason: str
    decided_by: str
    expires: str
    file: str


# Gaps a service may accept (waiver) or already know (baseline): « à vérifier » included.
OPEN_STATUSES = (Status.manquant, Status.non_conforme, Status.a_verifier)


@dataclass(slots=True)
class Finding:
    """`reason`: why the status, in French (e.g. unknown context); `unknown_context`: the context keys whose
    value would decide an « à vérifier ». Set by the service's policy (policy.py): `severity_origin`, the pack's
    severity when overridden; `waiver`, the waiver that accepts this gap; `baseline`, True when the gap was
    already in the accepted baseline; `reference_links`: the address of each reference (by its label in
    `references`) that the pack gives one for."""

    rule_id: str
    pack: str
    title: str
    status: Status
    severity: Severity
    message: str
    fix: str
    references: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    parts: list[PartResult] = field(default_factory=list)
    reason: str | None = None
    unknown_context: list[str] = field(default_factory=list)
    theme: str | None = None
    severity_origin: Severity | None = None
    waiver: Waiver | None = None
    baseline: bool | None = None
    reference_links: dict[str, str] | None = None


@dataclass(slots=True)
class ContextValue:
    """`source`: option | config | document | inconnu; `candidates`: when the value is unknown, the values
    still possible (e.g. any regime but SSIAD for a document without care)."""

    value: str | bool | float | None
    source: str
    evidence: Evidence | None = None
    candidates: list[str] | None = None

    def __post_init__(self) -> None:
        # The report has always written numbers as floats (a config file's `prix_mensuel = 120` → 120.0).
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            self.value = float(self.value)


@dataclass(slots=True)
class Score:
    """`rate` = met / applicable. A waived gap is a deviation the service accepted: it is counted apart
    (`waived`, absent when none) and left out of `applicable`, so the rate measures what is still expected."""

    applicable: int
    met: int
    rate: float | None
    waived: int | None = None

    @classmethod
    def of(cls, findings: list[Finding]) -> Score:
        counted = [f for f in findings if f.status in COUNTED_STATUSES]
        waived = sum(1 for f in counted if f.waiver is not None)
        counted = [f for f in counted if f.waiver is None] if waived else counted
        met = sum(1 for f in counted if f.status == Status.conforme)
        return cls(applicable=len(counted), met=met, rate=round(met / len(counted), 3) if counted else None,
                   waived=waived or None)


@dataclass(slots=True)
class DocumentReport:
    """`status`: ok | error; `service`: the service the document belongs to (batches), if known.

    `score`: the rate of the document ("document") and of each pack; `theme_score`: the rate of each theme of
    the quality approach that has applicable requirements (`NO_THEME` for rules without a theme)."""

    path: str
    status: str
    service: str | None = None
    error: str | None = None
    error_code: str | None = None
    format: str | None = None
    pages: int | None = None
    doc_type: str | None = None
    doc_type_confidence: float | None = None
    doc_type_clues: list[str] = field(default_factory=list)
    context: dict[str, ContextValue] = field(default_factory=dict)
    score: dict[str, Score] = field(default_factory=dict)
    theme_score: dict[str, Score] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """The report of one run: a DocumentReport per file, in the order given."""

    tool_version: str
    scan_date: str
    schema_version: str = "1"
    documents: list[DocumentReport] = field(default_factory=list)
    notices: list[str] | None = None  # French warnings about the run itself (e.g. an expired waiver)

    def to_json(self) -> str:
        """The JSON report: 2-space indent, non-ASCII text kept as is, no null values."""
        from conformcheck.report.json_report import to_json

        return to_json(self, first=("schema_version",))
