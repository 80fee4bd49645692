"""Requirements shared by several packs (`same_as`) point to the same evidence and never contradict."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformcheck.packs.examples import example_context
from conformcheck.packs.schema import Pack, Rule
from conformcheck.scan import Scanner, ScanOptions

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples" / "src").glob("*.md"))


def shared_pairs(packs: list[Pack]) -> list[tuple[Rule, Rule]]:
    by_id = {rule.id: rule for pack in packs for rule in pack.rules}
    return [(rule, by_id[rule.same_as]) for rule in by_id.values() if rule.same_as]


def test_shared_requirements_exist(packs: list[Pack]) -> None:
    ids = {(a.id, b.id) for a, b in shared_pairs(packs)}
    assert ("arrete2011.devis.gratuit", "conso.devis.obligation") in ids
    assert ("arrete2011.livret.charte", "casf.livret.charte_annexee") in ids


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_shared_requirements_agree_on_every_sample(sample: Path, packs: list[Pack], python_scanner: Scanner) -> None:
    from conformcheck.extract import extract

    doc = extract(sample)
    for rule, source in shared_pairs(packs):
        for doc_type in set(rule.applies_to.doc_types) & set(source.applies_to.doc_types):
            findings = []
            for each in (rule, source):
                options = ScanOptions(context=example_context(each), doc_type=doc_type)
                findings.append(python_scanner.evaluate(python_scanner.facts(doc, options), [each])[0])
            mine, theirs = findings
            assert mine.status == theirs.status, (rule.id, source.id, doc_type)
            assert mine.evidence == theirs.evidence, (rule.id, source.id, doc_type)
