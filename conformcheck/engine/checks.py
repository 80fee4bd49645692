"""Bundled `python` rule functions: what a phrase or a figure cannot express."""

from __future__ import annotations

import re

from conformcheck.engine.facts import DocumentFacts
from conformcheck.engine.verdicts import Verdict, judge_mention, python_check
from conformcheck.packs.runtime import Rule

LONG_SENTENCE_WORDS = 90
_ABSENT_DOCUMENT = re.compile(
    r"\b(?:conditions generales|reglement|annexe|grille tarifaire|tarifs?)\b[^.]{0,80}?"
    r"\b(?:disponibles?|consultables?|communique(?:e|s|es)?)\s+(?:sur\s+(?:simple\s+)?demande|au\s+siege|"
    r"en\s+agence|sur\s+(?:notre|le)\s+site)")
_SENTENCE = re.compile(r"[^.!?;\n]+")


@python_check("clarity")
def clarity(rule: Rule, facts: DocumentFacts) -> Verdict:
    """L211-1 clarity cannot be proven by a program: flag clear obstacles, otherwise ask for a human review."""
    spans = [m.span() for m in _ABSENT_DOCUMENT.finditer(facts.folded)]
    if spans:
        return Verdict("bad", spans, detail="Le document renvoie à des clauses non fournies (« disponibles sur "
                                            "demande », « au siège »…), que le client ne peut pas lire avant de "
                                            "s'engager.")
    long_ones = [m.span() for m in _SENTENCE.finditer(facts.folded) if len(m.group().split()) > LONG_SENTENCE_WORDS]
    if long_ones:
        return Verdict("bad", long_ones, detail=f"Certaines phrases dépassent {LONG_SENTENCE_WORDS} mots et "
                                                "sont difficiles à comprendre.")
    return Verdict("undecidable", detail="La clarté des clauses demande une relecture humaine : aucun obstacle "
                                         "évident n'a été détecté.")


@python_check("tax_advantage_presentation")
def tax_advantage_presentation(rule: Rule, facts: DocumentFacts) -> Verdict:
    """The wording check of the rule, then (where the format gives font sizes) the arrêté du 17 mars 2015's
    « caractères plus petits » : the tax advantage may not be printed larger than the real price."""
    verdict = judge_mention(rule, facts)
    if verdict.outcome != "ok":
        return verdict
    price_sizes = [size for amount in facts.fields.get("amount", []) if amount.tag and "ttc" in amount.tag
                   if (size := _font_size_at(facts, amount.start)) is not None]
    for start, end in verdict.spans:
        size = _font_size_at(facts, start)
        if size is not None and price_sizes and size > max(price_sizes):
            return Verdict("bad", [(start, end)], detail=f"L'avantage fiscal est imprimé en caractères plus grands "
                                                         f"({size:g} pt) que le prix TTC ({max(price_sizes):g} pt).")
    return verdict


def _font_size_at(facts: DocumentFacts, offset: int) -> float | None:
    block = facts.doc.block_at(offset)
    return block.font_size if block else None
