"""A rule's examples: evaluated alone, on one sentence, in a context where the rule applies."""

from __future__ import annotations

from datetime import date

from conformcheck.model import Block, BlockKind, Document, Finding, Status
from conformcheck.packs.runtime import in_force_periods
from conformcheck.packs.schema import Rule, RuleKind
from conformcheck.scan import Scanner, ScanOptions

PASS_STATUSES = {Status.conforme}
FAIL_STATUSES = {Status.manquant, Status.non_conforme}


PAGE_BREAK = "---"


def example_document(text: str) -> Document:
    """An example as a document. One line is one paragraph on page 1. Several lines lay out a short document,
    for rules that look at headings or at the first page: a line starting with `#` is a heading (`##` a level-2
    one), a line `---` starts a new page, any other line is a paragraph."""
    if "\n" not in text:
        return Document.from_blocks("exemple", "text", [Block(page=1, order=0, text=text)])
    blocks: list[Block] = []
    page = 1
    for line in (line.strip() for line in text.splitlines()):
        if line == PAGE_BREAK:
            page += 1
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append(Block(page=page, order=len(blocks), kind=BlockKind.heading, level=level,
                                text=line[level:].strip()))
        elif line:
            blocks.append(Block(page=page, order=len(blocks), text=line))
    return Document.from_blocks("exemple", "text", blocks, pages=page)


def example_context(rule: Rule) -> dict[str, object]:
    """A context in which the rule applies, overridden by the examples' own `context`."""
    applies = rule.applies_to
    context: dict[str, object] = {}
    if applies.regimes:
        context["regime"] = applies.regimes[0]
    if applies.modes:
        context["mode"] = applies.modes[0]
    for key in ("hors_etablissement", "majeur", "mineurs", "habilite_aide_sociale", "plan_aide"):
        if getattr(applies, key) is not None:
            context[key] = getattr(applies, key)
    if applies.min_prix_mensuel is not None:
        context["prix_mensuel"] = applies.min_prix_mensuel
    context.update(rule.examples.context)
    return context


def example_date(rule: Rule) -> date:
    """The examples' reference date: theirs, else today if the rule is in force today, else its last day in force
    (a rule of a coming reform, or of a repealed text, is tested as the law it states)."""
    if rule.examples.scan_date:
        return rule.examples.scan_date
    today = date.today()
    periods = in_force_periods(rule.kind.value, rule.references)
    if not periods or any(period.covers(today) for period in periods):
        return today
    latest = max(periods, key=lambda p: p.start or date.min)
    return latest.end if latest.end and latest.end < today else latest.start or today


def run_example(scanner: Scanner, rule: Rule, text: str, scan_date: date | None = None) -> Finding:
    """Evaluate one rule on one example sentence."""
    context = example_context(rule)
    doc_type = str(context.pop("doc_type", rule.applies_to.doc_types[0]))
    when = scan_date or example_date(rule)
    options = ScanOptions(context=context, doc_type=doc_type, scan_date=when)
    facts = scanner.facts(example_document(text), options)
    return scanner.evaluate(facts, [rule])[0]


def example_holds(rule: Rule, expect: str, finding: Finding) -> bool:
    """A « fail » example must give manquant or non conforme. A « pass » example must give conforme — or
    nothing found, for rules that report clauses (forbidden, outdated, display duties), or « à vérifier » for
    a `python` function that can only refute."""
    if expect == "fail":
        return finding.status in FAIL_STATUSES
    allowed = set(PASS_STATUSES)
    absent = rule.absent_on.get(rule.applies_to.doc_types[0], rule.absent)  # type: ignore[call-overload]
    if rule.kind in (RuleKind.forbidden, RuleKind.outdated) or absent == "non_applicable":
        allowed.add(Status.non_applicable)
    if rule.kind == RuleKind.python:
        allowed.add(Status.a_verifier)
    return finding.status in allowed
