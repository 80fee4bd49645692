"""Bundled `python` rule functions: what a phrase or a figure cannot express."""

from __future__ import annotations

import re

from conformcheck.engine.facts import DocumentFacts
from conformcheck.engine.verdicts import Verdict, python_check
from conformcheck.packs.schema import Rule

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
