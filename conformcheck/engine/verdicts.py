"""What the text says about each rule: one verdict per rule kind, before any applicability is weighed."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from conformcheck.engine.evidence import make_evidence
from conformcheck.engine.facts import DocumentFacts
from conformcheck.model import Evidence, PartResult
from conformcheck.packs.runtime import Match, Rule, RuleKind

Span = tuple[int, int]

# Outcomes: ok → conforme, bad → non conforme, missing → manquant,
# none → nothing to report (no forbidden clause found), undecidable → à vérifier.
OUTCOMES = ("ok", "bad", "missing", "none", "undecidable")

NEGATION_WINDOW = 60
# « n' » is « n » followed by a space once folded; « n° » is a number sign, not a negation.
_NEGATION = re.compile(r"\b(?:aucun|aucune|pas|ni|sans|jamais|nullement|ne|exclu|exclue|interdit|interdite)\b"
                       r"|\bn(?= )")
MAX_EVIDENCE = 3


@dataclass
class Verdict:
    """What a rule found in the document (`outcome`, see OUTCOMES), with the spans and parts that show it."""

    outcome: str
    spans: list[Span] = field(default_factory=list)
    detail: str | None = None
    parts: list[PartResult] = field(default_factory=list)


def negated(facts: DocumentFacts, span: Span) -> bool:
    start = max(facts.sentence_start(span[0]), span[0] - NEGATION_WINDOW)
    return bool(_NEGATION.search(facts.folded, start, span[0]))


def _starts_between(starts: list[int], low: int, high: int) -> bool:
    """Whether a sorted list of offsets has one in [low, high)."""
    index = bisect.bisect_left(starts, low)
    return index < len(starts) and starts[index] < high


def find(match: Match, facts: DocumentFacts, ignore_negated: bool = False) -> list[Span]:
    """Spans in the document that satisfy `match`, in document order."""
    spans = list(facts.hits.any_spans(match.any))
    for pattern in match.regex:
        spans.extend(span for span in facts.regex_spans(pattern) if span[1] > span[0])
    if match.all:
        groups = [facts.hits.any_spans(group) for group in match.all]
        if all(groups):
            spans.extend(group[0] for group in groups)
    if match.scope == "first_page":
        spans = [s for s in spans if s[0] < facts.first_page_end]
    elif match.scope == "headings":
        spans = [s for s in spans if any(a <= s[0] < b for a, b in facts.heading_spans)]
    if match.section:
        inside = facts.section_spans(match.section)
        spans = [s for s in spans if any(a <= s[0] < b for a, b in inside)]
    if match.near:
        anchors = facts.hits.any_spans(match.near)
        starts, ends = sorted(a for a, _ in anchors), sorted(b for _, b in anchors)
        spans = [s for s in spans if _starts_between(starts, s[0] - match.window, s[0] + match.window + 1)
                 or _starts_between(ends, s[1] - match.window, s[1] + match.window + 1)]
    if match.unless or match.unless_regex:
        unless = facts.hits.any_spans(match.unless)
        for pattern in match.unless_regex:
            unless.extend(facts.regex_spans(pattern))
        starts = sorted(a for a, _ in unless)
        # A hit is vetoed by an `unless` phrase that starts before its end, in its sentence, within the window.
        spans = [s for s in spans if not _starts_between(
            starts, max(facts.sentence_start(s[0]), s[0] - match.unless_window), s[1])]
    if ignore_negated:
        spans = [s for s in spans if not negated(facts, s)]
    return sorted(set(spans))


def _wrong_wording(rule: Rule, facts: DocumentFacts, right_found: bool) -> Verdict | None:
    """A defective wording makes the mention « non conforme » when the right one is absent (or always,
    with `overrides`)."""
    for wrong in rule.wrong:
        wrong_spans = find(wrong.match, facts)
        if wrong_spans and (not right_found or wrong.overrides):
            return Verdict("bad", wrong_spans, detail=wrong.message)
    return None


def _absent(rule: Rule, facts: DocumentFacts, parts: list[PartResult] | None = None) -> Verdict:
    absent = rule.absent_on.get(facts.doc_type, rule.absent)  # type: ignore[call-overload]
    return Verdict("missing" if absent == "manquant" else "none", parts=parts or [])


def judge_mention(rule: Rule, facts: DocumentFacts) -> Verdict:
    if rule.parts:
        results = []
        for part in rule.parts:
            if not part.in_force_on(facts.scan_date):  # an element the law asks for only since (or until) a date
                continue
            spans = find(part.match, facts)
            results.append(PartResult(id=part.id, label=part.label, found=bool(spans),
                                      evidence=[make_evidence(facts.doc, s) for s in spans[:1]]))
        found = [r for r in results if r.found]
        wrong = _wrong_wording(rule, facts, right_found=bool(found))
        if wrong:
            wrong.parts = results
            return wrong
        all_spans = [(e.start, e.end) for r in found for e in r.evidence]
        if len(found) == len(results):
            return Verdict("ok", all_spans, parts=results)
        if found:
            missing = ", ".join(r.label for r in results if not r.found)
            return Verdict("bad", all_spans, detail=f"Éléments manquants : {missing}.", parts=results)
        return _absent(rule, facts, results)
    spans = find(rule.match, facts) if rule.match else []
    wrong = _wrong_wording(rule, facts, right_found=bool(spans))
    if wrong:
        return wrong
    return Verdict("ok", spans) if spans else _absent(rule, facts)


def _value(rule: Rule, facts: DocumentFacts) -> Verdict:
    check = rule.value
    assert check is not None and rule.match is not None
    anchors = find(rule.match, facts)
    wrong = _wrong_wording(rule, facts, right_found=bool(anchors))
    if wrong:
        return wrong
    if not anchors:
        return _absent(rule, facts)
    candidates = facts.fields.get(check.field, [])
    nearby = [(a, v) for a in anchors for v in candidates
              if a[0] - check.window // 4 <= v.start <= a[1] + check.window
              or (v.start < a[0] and facts.sentence_start(v.start) == facts.sentence_start(a[0]))]
    if not nearby:
        return Verdict("bad", anchors, detail=check.missing_value_message)
    good = [(a, v) for a, v in nearby if _value_ok(check.min, check.max, check.max_age_years, v.value,
                                                   facts.scan_date)]
    if check.field == "date":  # the latest date near the anchor is the version in force
        latest = max(nearby, key=lambda av: av[1].value)
        good = [latest] if latest in good else []
        nearby = [latest]
    if good:
        anchor, value = good[0]
        return Verdict("ok", [anchor, (value.start, value.end)])
    anchor, value = nearby[0]
    shown = value.value.strftime("%d/%m/%Y") if isinstance(value.value, date) else f"{value.value:g}"
    return Verdict("bad", [anchor, (value.start, value.end)], detail=check.bad_value_message.format(value=shown))


def _value_ok(minimum: float | None, maximum: float | None, max_age: float | None, value: object,
              today: date) -> bool:
    if isinstance(value, date):
        if max_age is None:
            return True
        return (today - value).days <= max_age * 365.25
    assert isinstance(value, float)
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)


def _forbidden(rule: Rule, facts: DocumentFacts) -> Verdict:
    assert rule.match is not None
    spans = find(rule.match, facts, ignore_negated=rule.match.ignore_negated)
    return Verdict("bad", spans) if spans else Verdict("none")


PythonCheck = Callable[[Rule, DocumentFacts], Verdict]
PYTHON_CHECKS: dict[str, PythonCheck] = {}


def python_check(name: str) -> Callable[[PythonCheck], PythonCheck]:
    """Register a `python` rule function under `name` (the escape hatch for what YAML cannot say)."""

    def register(func: PythonCheck) -> PythonCheck:
        PYTHON_CHECKS[name] = func
        return func

    return register


def _python(rule: Rule, facts: DocumentFacts) -> Verdict:
    from conformcheck.engine import checks  # noqa: F401  (registers the bundled functions)

    assert rule.function is not None
    return PYTHON_CHECKS[rule.function](rule, facts)


_BY_KIND: dict[RuleKind, Callable[[Rule, DocumentFacts], Verdict]] = {
    RuleKind.mention: judge_mention, RuleKind.value: _value, RuleKind.forbidden: _forbidden,
    RuleKind.outdated: _forbidden, RuleKind.python: _python,
}


def judge(rule: Rule, facts: DocumentFacts) -> Verdict:
    return _BY_KIND[rule.kind](rule, facts)


def evidence_of(facts: DocumentFacts, verdict: Verdict) -> list[Evidence]:
    """Up to MAX_EVIDENCE distinct excerpts (two hits in one sentence make one excerpt)."""
    evidence: dict[str, Evidence] = {}
    for span in verdict.spans:
        item = make_evidence(facts.doc, span)
        evidence.setdefault(item.excerpt, item)
        if len(evidence) == MAX_EVIDENCE:
            break
    return list(evidence.values())
