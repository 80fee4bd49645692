"""Regex plans (analyze/regex_plan.py) must give exactly `finditer`'s spans, only faster."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from conformcheck.analyze import regex_plan
from conformcheck.analyze.fold import light_fold
from conformcheck.analyze.regex_plan import RegexPlan
from conformcheck.packs.cache import rule_regexes

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "src"

TRICKY = [
    r"(?=[^\n.]{0,100}?(?:\.{3,}|…)\s*\d)",  # a pure lookahead: every match is empty
    r"(?:(?<=[.;!?])|(?<=\n\n)|^)(?:(?!\b(?:sans|pas)\b)(?:[^.;!?\n]|\n(?!\n)))*?(?:acomptes?|arrhes)\s+\w+",
    r"(?<!client\s)\bn\s+est\s+pas\b",
    r"(?<!client\s)(?:n\s+est|ne\s+peut)\s+pas\b",  # weak first letter behind assertions: the rest anchors it
    r"\bl\s?\.?\s?347\s+1\b",
    r"\b(?:des|a\s+compter\s+de)\s+(?:la\s+)?signature",
    r"\b(?:a|ont)\s+droit\b",
    r"(a)\s+\1",  # a back-reference: no window
    r"(?i)Contrat",  # case-insensitive: not analysed
    r"x*",  # empty and non-empty matches: plain scan
]


@pytest.fixture(scope="module")
def texts(packs: list) -> list[str]:
    examples = [text for pack in packs for rule in pack.rules
                for text in [*rule.examples.pass_, *rule.examples.fail]]
    documents = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.md"))]
    return [light_fold(t) for t in [*documents, "\n\n".join(examples), "Sommaire ..... 3\nArticle 1 ... 4\n"]]


@pytest.fixture(scope="module")
def packs() -> list:
    from conformcheck.packs.loader import load_packs

    return load_packs(installed=False)


def test_plans_give_finditer_spans(packs: list, texts: list[str]) -> None:
    for pattern in [*rule_regexes(packs), *TRICKY]:
        plan = pickle.loads(pickle.dumps(RegexPlan(pattern)))  # as read back from the pack cache
        compiled = re.compile(pattern)
        for text in texts:
            cache: dict[object, list[int]] = {}
            assert plan.spans(text, cache) == [m.span() for m in compiled.finditer(text)], pattern


def test_absent_words_skip_the_regex() -> None:
    plan = RegexPlan(r"\bacomptes?\b")
    assert plan.required == frozenset({"acompte"})
    assert plan.spans("aucun versement", {}) == []


def test_literal_index_gives_the_same_spans(packs: list, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a scan: every plan registered before the first document, one memo per document for all of them.
    patterns = [*rule_regexes(packs), *TRICKY]
    plans = regex_plan.build_plans(patterns)
    monkeypatch.setattr(regex_plan, "_LITERAL_INDEX", None)
    assert len(regex_plan._literal_index()[1]) > 100
    for text in texts:
        cache: dict[object, object] = {}
        for pattern in patterns:
            assert plans[pattern].spans(text, cache) == [m.span() for m in re.finditer(pattern, text)], pattern
        assert regex_plan._INDEXED in cache


def test_literal_index_gives_the_same_spans_whichever_plan_comes_first(
        packs: list, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Each plan first on a fresh memo: the one that runs the literal index must see its own results too.
    patterns = [*rule_regexes(packs), *TRICKY]
    plans = regex_plan.build_plans(patterns)
    monkeypatch.setattr(regex_plan, "_LITERAL_INDEX", None)
    for pattern in patterns:
        for text in texts:
            assert plans[pattern].spans(text, {}) == [m.span() for m in re.finditer(pattern, text)], pattern
