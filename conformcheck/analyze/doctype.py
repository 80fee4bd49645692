"""Document-type classification from weighted wording clues (title area weighs most)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from conformcheck.analyze.matcher import PhraseHits, PhraseIndex
from conformcheck.model import BlockKind, Document

# (phrase, weight): strong clues name the document; weak ones describe its content.
CLUES: dict[str, list[tuple[str, float]]] = {
    "livret_accueil": [("livret d'accueil", 6), ("guide d'accueil", 5), ("livret de bienvenue", 5),
                       ("livret du bénéficiaire", 5), ("livret de l'usager", 5), ("guide du bénéficiaire", 4),
                       ("ce livret", 4), ("présent livret", 4), ("bienvenue", 1.5), ("présentation du service", 1.5),
                       ("présentation de l'association", 1.5), ("nos missions", 1), ("notre équipe", 1),
                       ("organigramme", 1), ("nos engagements", 1)],
    "reglement_fonctionnement": [("règlement de fonctionnement", 6), ("présent règlement", 4), ("ce règlement", 3),
                                 ("règlement intérieur", 3), ("droits et obligations", 1.5), ("vos obligations", 1.5),
                                 ("obligations de l'usager", 2), ("obligations du bénéficiaire", 2),
                                 ("règles de fonctionnement", 2), ("règles de vie", 1.5), ("faits de violence", 1.5),
                                 ("fonctionnement du service", 2), ("bon fonctionnement", 1.5),
                                 ("L. 311-7", 2), ("R. 311-35", 2)],
    "contrat": [("contrat de prestation", 5), ("document individuel de prise en charge", 5), ("DIPC", 5),
                ("contrat de prise en charge", 5), ("conditions générales de vente", 6),
                ("conditions générales", 4), ("conditions générales de service", 6), ("CGV", 4), ("CGS", 3),
                ("contrat", 2), ("entre les soussignés", 4), ("bon de commande", 4), ("contrat de mandat", 5),
                ("contrat d'abonnement", 4), ("contrat individuel", 4), ("contrat de soins", 5),
                ("le présent contrat", 4), ("ci-après dénommé", 2), ("ci-après", 1), ("le prestataire", 1.5),
                ("les parties", 1.5), ("objet du contrat", 2), ("lu et approuvé", 2), ("résiliation", 1),
                ("tacite reconduction", 1), ("le client", 1)],
    "devis": [("devis", 2), ("devis n°", 6), ("proposition tarifaire", 5), ("bon pour accord", 3),
              ("validité du devis", 3), ("durée de validité", 2), ("total TTC", 2), ("montant total", 1)],
}
TITLE_WEIGHT = 3.0
HEADING_WEIGHT = 1.5
TITLE_BLOCKS = 2
TITLE_CHARS = 200
MAX_BODY_HITS = 4
_TOC_ENTRY = re.compile(r"(?:\.{2,}|…)\s*(?:p\.?\s*)?\d*\s*$")


@dataclass(slots=True)
class DocTypeGuess:
    """The most likely document type, how sure (0–1) and the clues that decided it."""

    doc_type: str
    confidence: float
    clues: list[str]


@lru_cache(maxsize=1)
def _index() -> PhraseIndex:
    return PhraseIndex(phrase for clues in CLUES.values() for phrase, _ in clues)


def classify(doc: Document, hits: PhraseHits | None = None) -> DocTypeGuess:
    hits = hits or _index().search(doc.text)
    # The title is the first blocks of the document, table-of-contents lines excepted.
    title_spans = [(b.start, b.end) for b in doc.blocks[:TITLE_BLOCKS]
                   if b.start < TITLE_CHARS and len(b.text) <= TITLE_CHARS and not _TOC_ENTRY.search(b.text)]
    heading_spans = [(b.start, b.end) for b in doc.blocks if b.kind == BlockKind.heading]
    scores: dict[str, float] = {}
    clues_used: dict[str, list[str]] = {}
    for doc_type, clues in CLUES.items():
        total = 0.0
        for phrase, weight in clues:
            spans = hits.spans(phrase)
            if not spans:
                continue
            score = weight * min(len(spans), MAX_BODY_HITS) / 2
            where = "corps"
            if any(a <= s < b for s, _ in spans for a, b in title_spans):
                score += weight * TITLE_WEIGHT
                where = "titre"
            elif any(a <= s < b for s, _ in spans for a, b in heading_spans):
                score += weight * HEADING_WEIGHT
                where = "intertitre"
            total += score
            clues_used.setdefault(doc_type, []).append(f"« {phrase} » ({where})")
        scores[doc_type] = total
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < 3:
        return DocTypeGuess(doc_type="autre", confidence=0.5, clues=["aucun indice suffisant"])
    ordered = sorted(scores.values(), reverse=True)
    margin = (ordered[0] - ordered[1]) / ordered[0]
    confidence = round(min(0.99, 0.5 + margin / 2 + min(ordered[0], 40) / 160), 2)
    return DocTypeGuess(doc_type=best, confidence=confidence, clues=clues_used.get(best, []))
