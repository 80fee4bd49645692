"""Pack and rule schema (pydantic). `conformcheck schema` exports it as JSON Schema."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The vocabulary lives in model.py (free of pydantic); re-exported here for pack tooling.
from conformcheck.model import DOC_TYPES, MODES, REGIMES, Severity  # noqa: F401
from conformcheck.packs.runtime import RuleKind, match_phrases

DocType = Literal["livret_accueil", "reglement_fonctionnement", "contrat", "devis", "autre"]
Regime = Literal["casf_autorise", "ssiad", "sap_agree", "sap_declare"]
Mode = Literal["prestataire", "mandataire", "mise_a_disposition"]
Theme = Literal["accueil_information", "demande_evaluation", "contractualisation", "organisation_continuite",
                "droits_recours", "suivi_amelioration"]


# Validators are built on first validation, not at import: a scan reads validated packs from the cache
# (packs/cache.py) and never validates one, so building them would only slow every run down (~15 ms).
_DEFERRED = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Strict(BaseModel):
    model_config = _DEFERRED


class Reference(Strict):
    text: str = Field(description="name of the text, e.g. « Code de l'action sociale et des familles »")
    article: str | None = Field(default=None, description="article or paragraph, e.g. « L311-4 al. 1 »")
    url: str | None = None
    in_force_from: date | None = None
    in_force_to: date | None = Field(default=None, description="set for repealed texts")
    note: str | None = None

    def label(self) -> str:
        parts = [f"{self.article}, {self.text}" if self.article else self.text]
        if self.in_force_to:
            parts.append(f"(abrogé le {self.in_force_to:%d/%m/%Y})")
        elif self.in_force_from:
            parts.append(f"(en vigueur depuis le {self.in_force_from:%d/%m/%Y})")
        if self.note:
            parts.append(f"— {self.note}")
        return " ".join(parts)


class AppliesTo(Strict):
    """Conditions under which a rule applies. Missing keys mean « any value »."""

    doc_types: list[DocType] = Field(min_length=1)
    regimes: list[Regime] | None = None
    modes: list[Mode] | None = None
    hors_etablissement: bool | None = None
    majeur: bool | None = Field(default=None, description="the service supports adults")
    mineurs: bool | None = Field(default=None, description="the service supports minors")
    habilite_aide_sociale: bool | None = None
    plan_aide: bool | None = None
    min_prix_mensuel: float | None = Field(default=None, description="monthly price TTC at or above which it applies")
    when_present: list[str] = Field(default_factory=list, description="trigger phrases: without one, non applicable")


class Match(Strict):
    """What shows a mention. Phrases are matched inflection-, accent- and case-insensitively.

    - `any`: one of these phrases is enough;
    - `all`: each inner list needs one hit (all groups must be present);
    - `regex`: Python regexes on the light-folded text (lower case, no accents, apostrophes and hyphens
      as spaces, same length as the text: write `\\s+` between words, `(?:14|quatorze)` for numbers);
    - `near`: with `any`/`regex`, the hit must have one of these phrases within `window` characters.
    """

    any: list[str] = Field(default_factory=list)
    all: list[list[str]] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    near: list[str] = Field(default_factory=list)
    window: int = Field(default=250, ge=10, le=5000)
    unless: list[str] = Field(default_factory=list, description="hits preceded by these (negations) are ignored")
    unless_regex: list[str] = Field(default_factory=list)
    unless_window: int = Field(default=60, ge=10, le=1000, description="how far before a hit `unless` looks")
    scope: Literal["document", "first_page", "headings"] = "document"
    section: list[str] = Field(default_factory=list, description="hits must lie in a section whose heading "
                               "contains one of these phrases (e.g. « rétractation »)")
    ignore_negated: bool = Field(default=True, description="forbidden/outdated: skip hits in a negated clause "
                                 "(« aucun frais de résiliation »); set false for « ne … que » restrictions")

    @field_validator("regex", "unless_regex")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"expression régulière invalide {pattern!r} : {exc}") from exc
        return patterns

    @model_validator(mode="after")
    def _not_empty(self) -> Match:
        if not (self.any or self.all or self.regex):
            raise ValueError("un bloc `match` doit contenir au moins `any`, `all` ou `regex`")
        from conformcheck.analyze.fold import phrase_key

        for phrase in self.phrases():
            if not phrase_key(phrase):
                raise ValueError(f"la phrase {phrase!r} ne contient aucun mot cherchable (mots-outils ou "
                                 "symboles seulement) : utilisez `regex`")
        return self

    def phrases(self) -> list[str]:
        return match_phrases(self)


class Wrong(Strict):
    """A wording that makes the mention present but defective (→ non conforme)."""

    match: Match
    message: str = Field(description="French: what is wrong")
    overrides: bool = Field(default=False, description="wrong even when the right wording is also present")


class Part(Strict):
    """One part of a composite requirement; `in_force_from`/`in_force_to` when the law added or removed this
    element at a date other than the rule's (`--date` before it: the element is not asked for)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    match: Match
    in_force_from: date | None = None
    in_force_to: date | None = None


class ValueCheck(Strict):
    """A figure read near the anchor mention.

    field: `duration_days` (delays: « 14 jours », « quatorze jours », « deux semaines »),
    `years` (periodicity: « tous les cinq ans »), `date` (latest date near the anchor, age checked against
    the scan date).
    """

    field: Literal["duration_days", "years", "date"]
    min: float | None = None
    max: float | None = None
    max_age_years: float | None = None
    window: int = Field(default=200, ge=10, le=2000)
    missing_value_message: str = Field(description="French: the anchor is there but without a usable figure")
    bad_value_message: str = Field(description="French: the figure is wrong; `{value}` is replaced")


class Examples(Strict):
    pass_: list[str] = Field(alias="pass", min_length=1)
    fail: list[str] = Field(min_length=1)
    context: dict[str, str | bool | float] = Field(default_factory=dict,
                                                   description="context the examples are evaluated in")
    scan_date: date | None = Field(default=None, description="reference date of the examples (freshness checks)")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[A-Za-z0-9_]+)+$")
    title: str
    kind: RuleKind
    severity: Severity
    references: list[Reference] = Field(min_length=1)
    applies_to: AppliesTo
    message: str = Field(description="French: what the requirement is / what was found missing")
    fix: str = Field(description="French: what to add or change")
    match: Match | None = None
    same_as: str | None = Field(default=None, description="reuse the `match`, `parts` and `wrong` of this rule id "
                                "(requirements shared by several packs point to the same evidence)")
    parts: list[Part] = Field(default_factory=list)
    wrong: list[Wrong] = Field(default_factory=list)
    value: ValueCheck | None = None
    replacement: str | None = Field(default=None, description="outdated: the current wording")
    function: str | None = Field(default=None, description="python: registered function name")
    absent: Literal["manquant", "non_applicable"] = Field(
        default="manquant", description="status when the mention is absent (display duties: non_applicable)")
    absent_on: dict[DocType, Literal["manquant", "non_applicable"]] = Field(
        default_factory=dict, description="`absent` for some document types (e.g. a devis practice: "
                                          "manquant on a devis, non_applicable on a contract)")
    legacy: bool = Field(default=False, description="rule drawn from a repealed text, kept for history")
    confidence: Literal["confirmed", "partial", "unconfirmed"] = "confirmed"
    theme: Theme | None = Field(default=None, description="theme of the quality approach the rule belongs to")
    examples: Examples

    @model_validator(mode="after")
    def _kind_fields(self) -> Rule:
        kind = self.kind
        if kind in (RuleKind.mention, RuleKind.forbidden, RuleKind.outdated, RuleKind.value):
            if self.match is None and not self.parts and not self.same_as:
                raise ValueError(f"une règle `{kind.value}` demande un bloc `match` (ou `parts`)")
        if kind == RuleKind.value and self.value is None:
            raise ValueError("une règle `value` demande un bloc `value`")
        if kind == RuleKind.outdated and not self.replacement:
            raise ValueError("une règle `outdated` demande `replacement` (la formulation en vigueur)")
        if kind == RuleKind.python and not self.function:
            raise ValueError("une règle `python` demande `function`")
        if self.confidence == "unconfirmed" and self.severity == Severity.error:
            raise ValueError("une règle non confirmée (`confidence: unconfirmed`) ne peut pas être `error`")
        return self

    @property
    def pack(self) -> str:
        return self.id.split(".", 1)[0]


class Source(Strict):
    text: str
    in_force_from: date | None = None
    in_force_to: date | None = None
    note: str | None = None


class PackMeta(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    version: str
    rule_prefix: str = Field(description="every rule id of the pack starts with this prefix and a dot")
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)
    maintainers: list[str] = Field(default_factory=list)
    out_of_scope: list[dict[str, str]] = Field(default_factory=list,
                                               description="spec ids not checked by a document rule, with reason")


class RuleFile(Strict):
    rules: list[Rule] = Field(min_length=1)


class Pack(BaseModel):
    model_config = ConfigDict(defer_build=True)

    meta: PackMeta
    rules: list[Rule]
    root: str


def editor_schemas() -> dict[str, dict[str, object]]:
    """Standalone JSON Schemas of `pack.yaml` and of a rule file, by file name, for editors (yaml-language-server:
    a first-line comment `# yaml-language-server: $schema=…` in each file points to them)."""
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    return {
        "pack.schema.json": {**head, **PackMeta.model_json_schema(), "title": "conformcheck : pack.yaml"},
        "rules.schema.json": {**head, **RuleFile.model_json_schema(by_alias=True),
                              "title": "conformcheck : fichier de règles"},
    }


def write_editor_schemas(folder: Path) -> list[Path]:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in editor_schemas().items():
        target = folder / name
        target.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    return written


def json_schema() -> dict[str, object]:
    """JSON Schema of a pack's files: `pack.yaml` and rule files."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "conformcheck rule packs",
        "pack": PackMeta.model_json_schema(),
        "rule_file": RuleFile.model_json_schema(by_alias=True),
    }
