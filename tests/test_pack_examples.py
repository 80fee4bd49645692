"""Every rule's examples: « pass » sentences must comply, « fail » sentences must not."""

from __future__ import annotations

import pytest

from conformcheck.model import Status
from conformcheck.packs.examples import example_context, example_document, example_holds, run_example
from conformcheck.packs.loader import load_packs
from conformcheck.packs.schema import RuleKind
from conformcheck.scan import Scanner, ScanOptions

RULES = [rule for pack in load_packs(installed=False) for rule in pack.rules]
BY_ID = {rule.id: rule for rule in RULES}
CASES = [(rule.id, expect, i, text) for rule in RULES
         for expect, texts in (("pass", rule.examples.pass_), ("fail", rule.examples.fail))
         for i, text in enumerate(texts)]


@pytest.mark.parametrize(("rule_id", "expect", "index", "text"), CASES,
                         ids=[f"{c[0]}-{c[1]}{c[2]}" for c in CASES])
def test_example(python_scanner: Scanner, rule_id: str, expect: str, index: int, text: str) -> None:
    rule = BY_ID[rule_id]
    finding = run_example(python_scanner, rule, text)
    assert example_holds(rule, expect, finding), (
        f"{rule_id} [{expect}] « {text} » → {finding.status.value} ({finding.message})")


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_has_two_examples_each_way(rule_id: str) -> None:
    rule = BY_ID[rule_id]
    assert len(rule.examples.pass_) >= 2 and len(rule.examples.fail) >= 2


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_does_not_pass_on_an_empty_document(python_scanner: Scanner, rule_id: str) -> None:
    """A rule that is « conforme » on a document saying nothing cannot fail: it is a defect."""
    rule = BY_ID[rule_id]
    if rule.kind in (RuleKind.forbidden, RuleKind.outdated):
        pytest.skip("forbidden and outdated rules report clauses found, not mentions")
    context = example_context(rule)
    doc_type = str(context.pop("doc_type", rule.applies_to.doc_types[0]))
    facts = python_scanner.facts(example_document("Document."), ScanOptions(context=context, doc_type=doc_type))
    assert python_scanner.evaluate(facts, [rule])[0].status != Status.conforme


def test_an_example_can_lay_out_headings_and_pages() -> None:
    from conformcheck.model import BlockKind
    from conformcheck.packs.examples import example_document

    doc = example_document("# Règlement intérieur\nPremier paragraphe.\n---\n## Annexe\nSur la page deux.")
    assert [(b.page, b.kind, b.level, b.text) for b in doc.blocks] == [
        (1, BlockKind.heading, 1, "Règlement intérieur"), (1, BlockKind.paragraph, 0, "Premier paragraphe."),
        (2, BlockKind.heading, 2, "Annexe"), (2, BlockKind.paragraph, 0, "Sur la page deux.")]
    assert doc.pages == 2
    single = example_document("Une seule phrase # pas un titre.")
    assert [(b.page, b.kind) for b in single.blocks] == [(1, BlockKind.paragraph)]
