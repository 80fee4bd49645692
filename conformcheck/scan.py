"""The pipeline for one document: extract → analyze → judge each rule → decide → findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from conformcheck.analyze.context import infer_context
from conformcheck.analyze.doctype import classify
from conformcheck.analyze.fields import rule_fields
from conformcheck.analyze.fold import light_fold
from conformcheck.analyze.matcher import PhraseIndex
from conformcheck.engine.applicability import constraints
from conformcheck.engine.base import Assessment, RuleEngine, make_engine
from conformcheck.engine.facts import DocumentFacts
from conformcheck.engine.verdicts import Verdict, evidence_of, judge
from conformcheck.errors import InputError
from conformcheck.model import NO_THEME, THEMES, Document, DocumentReport, Finding, Score, Status
from conformcheck.packs.runtime import Rule, RuleKind, RulePack, phrase_index, runtime_packs, runtime_rule

if TYPE_CHECKING:
    from conformcheck.packs import schema

STATUS_ORDER = {Status.non_conforme: 0, Status.manquant: 1, Status.a_verifier: 2, Status.conforme: 3,
                Status.non_applicable: 4}


@dataclass
class ScanOptions:
    """What a scan is told: context given by the user, a forced document type, the reference date, limits."""

    context: dict[str, object] = field(default_factory=dict)  # given values (options, config)
    context_sources: dict[str, str] = field(default_factory=dict)
    doc_type: str | None = None
    scan_date: date = field(default_factory=date.today)
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500


def theme_scores(findings: list[Finding]) -> dict[str, Score]:
    """The score of each theme that has applicable findings, in the order of `THEMES` (then `NO_THEME`)."""
    by_theme: dict[str, list[Finding]] = {}
    for finding in findings:
        key = finding.theme if finding.theme in THEMES else NO_THEME
        by_theme.setdefault(key, []).append(finding)
    scores = {key: Score.of(by_theme[key]) for key in (*THEMES, NO_THEME) if key in by_theme}
    return {key: score for key, score in scores.items() if score.applicable}


class Scanner:
    """Rules, phrase index and engine, built once and reused for every document of a run.

    Validated packs (`schema.Pack`, from the loader) are copied to their runtime form; the pack cache
    already holds that form."""

    def __init__(self, packs: list[schema.Pack] | list[RulePack], engine: str = "durable",
                 index: PhraseIndex | None = None) -> None:
        self.packs = runtime_packs(packs)
        self.rules: list[Rule] = [rule for pack in self.packs for rule in pack.rules]
        self.pack_of = {rule.id: pack.meta.id for pack in self.packs for rule in pack.rules}
        self.index = index or phrase_index(self.rules)
        self.engine: RuleEngine = make_engine(engine)

    def close(self) -> None:
        self.engine.close()

    def facts(self, doc: Document, options: ScanOptions) -> DocumentFacts:
        folded = light_fold(doc.text)
        fields = rule_fields(folded)
        monthly = [a.value for a in fields.get("amount", []) if a.tag and "mois" in a.tag and "ttc" in a.tag]
        context = infer_context(doc, options.context, options.context_sources,
                                max(monthly) if monthly else None)  # type: ignore[type-var]
        doc_type = options.doc_type or classify(doc).doc_type
        return DocumentFacts(doc=doc, doc_type=doc_type, hits=self.index.search(doc.text), fields=fields,
                             context=context, scan_date=options.scan_date, folded=folded)

    def evaluate(self, facts: DocumentFacts, rules: Iterable[Rule | schema.Rule] | None = None) -> list[Finding]:
        rules = self.rules if rules is None else [runtime_rule(rule) for rule in rules]
        verdicts: dict[str, Verdict] = {}
        assessments: list[Assessment] = []
        statuses: dict[str, Status] = {}
        for rule in rules:
            assessment = Assessment(rule.id, "none", tuple(constraints(rule, facts)))
            if facts.doc_type in rule.applies_to.doc_types:
                verdict = judge(rule, facts)
                assessment = replace(assessment, outcome=verdict.outcome)
            else:
                # A rule for another type of document is non applicable whatever its text says: it is not
                # judged, and not sent to the engine either (its decision table gives non applicable for
                # an outcome « none »; asserting ~60 such facts doubled durable-rules' time).
                verdict = Verdict("none")
                statuses[rule.id] = Status.non_applicable
            verdicts[rule.id] = verdict
            assessments.append(assessment)
        statuses.update(self.engine.decide([a for a in assessments if a.rule_id not in statuses]))
        findings = [self._finding(rule, statuses[rule.id], verdicts[rule.id], assessment, facts)
                    for rule, assessment in zip(rules, assessments, strict=True)]
        return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], -f.severity.rank, f.rule_id))

    def _finding(self, rule: Rule, status: Status, verdict: Verdict, assessment: Assessment,
                 facts: DocumentFacts) -> Finding:
        reasons = [c.reason for c in assessment.constraints if c.result == ("fail" if status ==
                                                                              Status.non_applicable else "unknown")]
        if verdict.outcome == "undecidable" and verdict.detail:
            reasons.append(verdict.detail)
        if verdict.outcome == "none" and not reasons:
            reasons = ["Aucune clause de ce type n'a été trouvée."
                       if rule.kind in (RuleKind.forbidden, RuleKind.outdated) else "Mention absente."]
        fix = rule.fix
        if rule.kind == RuleKind.outdated and rule.replacement:
            fix = f"{fix} Formulation en vigueur : {rule.replacement}"
        message = rule.message
        if verdict.detail and status in (Status.non_conforme, Status.a_verifier):
            message = f"{verdict.detail} {rule.message}" if verdict.detail not in rule.message else rule.message
        show_evidence = status != Status.non_applicable or verdict.outcome != "none"
        return Finding(rule_id=rule.id, pack=self.pack_of.get(rule.id, rule.pack), title=rule.title, status=status,
                       severity=rule.severity, message=message, fix=fix,
                       references=list(rule.references),
                       evidence=evidence_of(facts, verdict) if show_evidence else [], parts=verdict.parts,
                       reason=" ".join(reasons) or None,
                       unknown_context=[c.key for c in assessment.constraints if c.result == "unknown"]
                       if status == Status.a_verifier else [],
                       theme=rule.theme, reference_links=rule.reference_links)

    def scan_document(self, doc: Document, options: ScanOptions) -> DocumentReport:
        guess = classify(doc)
        facts = self.facts(doc, replace(options, doc_type=options.doc_type or guess.doc_type))
        findings = self.evaluate(facts)
        scores = {"document": Score.of(findings)}
        for pack in self.packs:
            scores[pack.meta.id] = Score.of([f for f in findings if f.pack == pack.meta.id])
        return DocumentReport(
            path=doc.path, status="ok", format=doc.format, pages=doc.pages, doc_type=facts.doc_type,
            doc_type_confidence=1.0 if options.doc_type else guess.confidence,
            doc_type_clues=["type imposé par l'option --type"] if options.doc_type else guess.clues,
            context=facts.context, score=scores, theme_score=theme_scores(findings), findings=findings)

    def scan_path(self, path: str, options: ScanOptions) -> DocumentReport:
        from conformcheck.extract import extract

        try:
            doc = extract(path, max_bytes=options.max_bytes, max_pages=options.max_pages)
        except InputError as exc:
            return DocumentReport(path=str(path), status="error", error=exc.message, error_code=exc.code)
        return self.scan_document(doc, options)


def scan_file(scanner: Scanner, path: str, options: ScanOptions) -> DocumentReport:
    """One file; an unexpected failure becomes an error entry, never a traceback that stops the batch."""
    try:
        return scanner.scan_path(path, options)
    except Exception as exc:  # noqa: BLE001 - the batch must go on; the error is reported for this file
        return DocumentReport(path=path, status="error", error_code="erreur_interne",
                              error=f"Erreur interne pendant l'analyse ({type(exc).__name__} : {exc}). "
                                    "Signalez-la avec le fichier si possible.")
