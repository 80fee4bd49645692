"""Every rule's examples: « pass » sentences must comply, « fail » sentences must not (both engines agree)."""

from __future__ import annotations

import pytest

from conformcheck.model import Status
from conformcheck.packs.loader import load_packs
from conformcheck.packs.schema import RuleKind
from conformcheck.scan import Scanner, ScanOptions, example_document, example_fails, example_passes, run_example

PACKS = load_packs(installed=False)
RULES = [rule for pack in PACKS for rule in pack.rules]
CASES = [(rule.id, "pass", i, text) for rule in RULES for i, text in enumerate(rule.examples.pass_)] + [
    (rule.id, "fail", i, text) for rule in RULES for i, text in enumerate(rule.examples.fail)]
BY_ID = {rule.id: rule for rule in RULES}


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    scanner = Scanner(PACKS, engine="python")
    yield scanner
    scanner.close()


@pytest.mark.parametrize(("rule_id", "expect", "index", "text"), CASES,
                         ids=[f"{c[0]}-{c[1]}{c[2]}" for c in CASES])
def test_example(scanner: Scanner, rule_id: str, expect: str, index: int, text: str) -> None:
    rule = BY_ID[rule_id]
    finding = run_example(scanner, rule, text)
    if expect == "pass":
        assert example_passes(rule, finding), f"{rule_id}: « {text} » → {finding.status.value} ({finding.message})"
    else:
        assert example_fails(finding), f"{rule_id}: « {text} » → {finding.status.value}"


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_has_two_examples_each_way(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    assert len(rule.examples.pass_) >= 2 and len(rule.examples.fail) >= 2


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_does_not_pass_on_an_empty_document(scanner: Scanner, rule_id: str) -> None:
    """A rule that is « conforme » on a document saying nothing cannot fail: it is a defect."""
    from conformcheck.scan import example_context

    rule = BY_ID[rule_id]
    if rule.kind in (RuleKind.forbidden, RuleKind.outdated):
        pytest.skip("forbidden and outdated rules report clauses found, not mentions")
    context = example_context(rule)
    doc_type = str(context.pop("doc_type", rule.applies_to.doc_types[0]))
    facts = scanner.facts(example_document("Document."), ScanOptions(context=context, doc_type=doc_type))
    finding = scanner.evaluate(facts, [rule])[0]
    assert finding.status != Status.conforme
