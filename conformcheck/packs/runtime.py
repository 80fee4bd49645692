"""Rules as the scan reads them: plain slotted dataclasses, built from validated pydantic rules.

A pack file is validated once by `packs/schema.py` (pydantic); the pack cache then keeps these lightweight
copies, so a scan never imports pydantic: unpickling pydantic models needs their classes built, which alone
cost more than scanning a 10-page PDF. Field names are those of the schema, so the rule logic reads both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from conformcheck.analyze.matcher import PhraseIndex
from conformcheck.model import Severity

if TYPE_CHECKING:
    from conformcheck.packs import schema


def match_phrases(match: Any) -> list[str]:
    """Every phrase a match block asks the phrase index for (schema and runtime `Match` alike)."""
    return [*match.any, *(p for group in match.all for p in group), *match.near, *match.unless, *match.section]


def rule_phrases(rule: Rule) -> list[str]:
    phrases = list(rule.applies_to.when_present)
    for match in [rule.match] + [p.match for p in rule.parts] + [w.match for w in rule.wrong]:
        if match is not None:
            phrases.extend(match_phrases(match))
    return phrases


def phrase_index(rules: Iterable[Rule]) -> PhraseIndex:
    """The one-pass index of every phrase of `rules`."""
    return PhraseIndex(p for rule in rules for p in rule_phrases(rule))


class RuleKind(StrEnum):
    mention = "mention"
    value = "value"
    forbidden = "forbidden"
    outdated = "outdated"
    python = "python"


@dataclass(slots=True)
class AppliesTo:
    """Where a rule applies: document types, regimes, modes and other context conditions."""

    doc_types: list[str]
    regimes: list[str] | None = None
    modes: list[str] | None = None
    hors_etablissement: bool | None = None
    majeur: bool | None = None
    mineurs: bool | None = None
    habilite_aide_sociale: bool | None = None
    plan_aide: bool | None = None
    min_prix_mensuel: float | None = None
    when_present: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Match:
    """See `schema.Match` for the meaning of each field."""

    any: list[str] = field(default_factory=list)
    all: list[list[str]] = field(default_factory=list)
    regex: list[str] = field(default_factory=list)
    near: list[str] = field(default_factory=list)
    window: int = 250
    unless: list[str] = field(default_factory=list)
    unless_regex: list[str] = field(default_factory=list)
    unless_window: int = 60
    scope: str = "document"
    section: list[str] = field(default_factory=list)
    ignore_negated: bool = True

    def phrases(self) -> list[str]:
        return match_phrases(self)


@dataclass(slots=True)
class Wrong:
    """A wording that makes the mention non conforme (e.g. « 7 jours »), with its message."""

    match: Match
    message: str
    overrides: bool = False


@dataclass(slots=True)
class Part:
    """One element of a composite requirement, with its own wordings."""

    id: str
    label: str
    match: Match
    in_force_from: date | None = None
    in_force_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to)


@dataclass(slots=True)
class ValueCheck:
    """The figure a `value` rule reads near its anchor, and its bounds."""

    field: str
    min: float | None
    max: float | None
    max_age_years: float | None
    window: int
    missing_value_message: str
    bad_value_message: str


@dataclass(slots=True)
class InForce:
    """A period during which a rule is in force (bounds included; None: open), and the text that sets it."""

    start: date | None
    end: date | None
    text: str

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Rule:
    """What a scan needs of a rule; `references` are already written as their French labels, and
    `reference_links` maps those that have an address to it; `in_force`: the periods in which the rule is in
    force (empty: always, see `in_force_periods`)."""

    id: str
    title: str
    kind: RuleKind
    severity: Severity
    references: list[str]
    applies_to: AppliesTo
    message: str
    fix: str
    match: Match | None = None
    parts: list[Part] = field(default_factory=list)
    wrong: list[Wrong] = field(default_factory=list)
    value: ValueCheck | None = None
    replacement: str | None = None
    function: str | None = None
    absent: str = "manquant"
    absent_on: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    in_force: list[InForce] = field(default_factory=list)
    reference_links: dict[str, str] | None = None
    legacy: bool = False  # drawn from a repealed text, kept for history

    @property
    def pack(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(slots=True)
class PackMeta:
    """A pack's identity, as reports name it."""

    id: str
    title: str


@dataclass(slots=True)
class RulePack:
    """A pack's rules as the scan reads them, with the folder they come from."""

    meta: PackMeta
    rules: list[Rule]
    root: str


def _copy(cls: type, source: Any, **given: Any) -> Any:
    """An instance of `cls` with the same-named attributes of `source` (schema object), except `given`."""
    names = [name for name in cls.__dataclass_fields__ if name not in given]  # type: ignore[attr-defined]
    return cls(**{name: getattr(source, name) for name in names}, **given)


def _match(match: schema.Match | None) -> Match | None:
    if match is None:
        return None
    return _copy(Match, match, any=list(match.any), all=[list(g) for g in match.all], regex=list(match.regex),
                 near=list(match.near), unless=list(match.unless), unless_regex=list(match.unless_regex),
                 section=list(match.section))


def in_force_periods(kind: str, references: Iterable[Any]) -> list[InForce]:
    """When a rule is in force: while at least one of its references is (`in_force_from`/`in_force_to`, bounds
    included). A reference without any date is always in force, so is then the rule (empty list).

    An `outdated` rule detects a superseded text: its repealed references (those with `in_force_to`) name that
    text and do not bring the rule in force; the rule is in force while one of its other references is, or,
    when all are repealed, from the day after the last repeal."""
    references = list(references)
    if kind == RuleKind.outdated:
        current = [ref for ref in references if ref.in_force_to is None]
        if not current:
            last = max(references, key=lambda ref: ref.in_force_to)
            return [InForce(last.in_force_to + timedelta(days=1), None, f"{last.text} (abrogé)")]
        references = current
    periods = [InForce(ref.in_force_from, ref.in_force_to, f"{ref.article}, {ref.text}" if ref.article else ref.text)
               for ref in references]
    return [] if any(p.start is None and p.end is None for p in periods) else periods


def in_force_on(rule: Rule, day: date) -> bool:
    return not rule.in_force or any(period.covers(day) for period in rule.in_force)


def compile_rule(rule: schema.Rule) -> Rule:
    """The runtime copy of a validated rule."""
    applies = rule.applies_to
    return _copy(
        Rule, rule,
        kind=RuleKind(rule.kind.value),
        references=[ref.label() for ref in rule.references],
        reference_links={ref.label(): ref.url for ref in rule.references if ref.url} or None,
        applies_to=_copy(AppliesTo, applies, doc_types=list(applies.doc_types),
                         regimes=list(applies.regimes) if applies.regimes is not None else None,
                         modes=list(applies.modes) if applies.modes is not None else None,
                         when_present=list(applies.when_present)),
        match=_match(rule.match),
        parts=[Part(id=p.id, label=p.label, match=_match(p.match), in_force_from=p.in_force_from,  # type: ignore[arg-type]
                    in_force_to=p.in_force_to) for p in rule.parts],
        wrong=[Wrong(match=_match(w.match), message=w.message, overrides=w.overrides)  # type: ignore[arg-type]
               for w in rule.wrong],
        value=_copy(ValueCheck, rule.value) if rule.value is not None else None,
        absent_on=dict(rule.absent_on),
        in_force=in_force_periods(rule.kind.value, rule.references),
    )


def compile_pack(pack: schema.Pack) -> RulePack:
    return RulePack(meta=PackMeta(id=pack.meta.id, title=pack.meta.title),
                    rules=[compile_rule(rule) for rule in pack.rules], root=pack.root)


def runtime_packs(packs: list[schema.Pack] | list[RulePack]) -> list[RulePack]:
    """Packs as the scan reads them, whether they come from the cache (already) or from the loader."""
    return [pack if isinstance(pack, RulePack) else compile_pack(pack) for pack in packs]


def runtime_rule(rule: schema.Rule | Rule) -> Rule:
    return rule if isinstance(rule, Rule) else compile_rule(rule)
