"""Normalisation, folding, one-pass matching, field extraction and document-type classification."""

from __future__ import annotations

from datetime import date

from conformcheck.analyze.doctype import classify
from conformcheck.analyze.fields import extract_fields
from conformcheck.analyze.fold import light_fold, phrase_key
from conformcheck.analyze.matcher import PhraseIndex
from conformcheck.analyze.normalize import normalize_text
from conformcheck.model import Block, BlockKind, Document


def test_normalize_folds_ligatures_spaces_apostrophes_and_hyphenation() -> None:
    raw = "Le délai de rétrac-\r\ntation est de 14\u00a0jours ; l\u2019usager a signé. e\ufb03cace"
    assert normalize_text(raw) == "Le délai de rétractation est de 14 jours ; l'usager a signé. efficace"


def test_light_fold_keeps_offsets() -> None:
    text = "Délai d’Été — L'Usager"
    folded = light_fold(normalize_text(text))
    assert len(folded) == len(normalize_text(text))
    assert folded.startswith("delai d ete")


def test_phrase_keys_fold_inflection_accents_elision_and_numbers() -> None:
    assert phrase_key("Délais de rétractation") == phrase_key("délai de rétractation")
    assert phrase_key("quatorze jours") == phrase_key("14 jours")
    assert phrase_key("personnes de confiance désignées") == phrase_key("personne de confiance désigné")
    assert phrase_key("l'usager") == phrase_key("usagers")
    assert phrase_key("règlement de fonctionnement") != phrase_key("règlement intérieur")


def test_matcher_returns_overlapping_hits_in_one_pass() -> None:
    index = PhraseIndex(["exécution des prestations", "suspendre l'exécution des prestations"])
    text = normalize_text("Le service peut suspendre l’exécution des prestations en cas d'impayé.")
    hits = index.search(text)
    assert [text[a:b] for a, b in hits.spans("exécution des prestations")] == ["exécution des prestations"]
    assert [text[a:b] for a, b in hits.spans("suspendre l'exécution des prestations")] == [
        "suspendre l'exécution des prestations"]


def test_matcher_handles_line_break_hyphenation_and_words_as_numbers() -> None:
    index = PhraseIndex(["délai de rétractation de 14 jours"])
    text = normalize_text("un délai de rétrac-\ntation de quatorze jours")
    assert index.search(text).spans("délai de rétractation de 14 jours")


def test_matcher_does_not_match_inside_words() -> None:
    index = PhraseIndex(["SAD"])
    assert not index.search("Les ambassadeurs du service").spans("SAD")
    assert index.search("Le SAD du département").spans("SAD")


def test_fields() -> None:
    text = normalize_text(
        "Délai de quatorze jours, L. 221-18. Révisé tous les cinq ans, mis à jour le 12 mars 2025. "
        "Tarif 24,50 € TTC de l'heure, soit 1 234,00 € TTC par mois. SIRET 123 456 789 00012. "
        "FINESS 750012345. Agrément n° SAP123456789. Tél. 01 23 45 67 89, contact@aide-val.fr")
    fields = extract_fields(light_fold(text), text)
    assert [f.value for f in fields["duration_days"]][0] == 14
    assert [f.value for f in fields["years"]] == [5]
    assert date(2025, 3, 12) in [f.value for f in fields["date"]]
    assert [(f.value, f.tag) for f in fields["amount"]] == [(24.5, "ttc"), (1234.0, "ttc")]
    assert fields["siret"][0].value == "12345678900012"
    assert fields["finess"][0].value == "750012345"
    assert fields["numero_agrement"][0].value == "sap123456789"
    assert fields["article"][0].value == "L221-18"
    assert fields["telephone"][0].value == "0123456789"
    assert fields["email"][0].value == "contact@aide-val.fr"


def _doc(*texts: str) -> Document:
    blocks = [Block(page=1, order=i, text=t, kind=BlockKind.heading if i == 0 else BlockKind.paragraph)
              for i, t in enumerate(texts)]
    return Document.from_blocks("x", "text", blocks)


def test_classify_by_title() -> None:
    assert classify(_doc("Livret d'accueil", "Le règlement de fonctionnement est annexé.")).doc_type == (
        "livret_accueil")
    assert classify(_doc("Règlement de fonctionnement", "Le présent règlement s'applique.")).doc_type == (
        "reglement_fonctionnement")
    assert classify(_doc("Document individuel de prise en charge", "Entre les soussignés")).doc_type == "contrat"
    assert classify(_doc("Devis n° 2026-14", "Total TTC : 400 €. Devis valable 30 jours.")).doc_type == "devis"
    guess = classify(_doc("Compte rendu de réunion", "Ordre du jour."))
    assert guess.doc_type == "autre" and guess.clues


def test_document_offsets_map_back_to_blocks() -> None:
    doc = _doc("Titre", "Premier paragraphe.", "Second paragraphe.")
    for block in doc.blocks:
        assert doc.text[block.start:block.end] == block.text
        assert doc.block_at(block.start + 1) == block


def test_sections_run_until_the_next_heading_of_their_level() -> None:
    from conformcheck.analyze.sections import sections

    blocks = [Block(page=1, order=0, text="Article 1 — Objet", kind=BlockKind.heading, level=2),
              Block(page=1, order=1, text="Le contrat porte sur l'aide à domicile."),
              Block(page=1, order=2, text="1.1 Détail", kind=BlockKind.heading, level=3),
              Block(page=1, order=3, text="Ménage et courses."),
              Block(page=1, order=4, text="Article 2 — Rétractation", kind=BlockKind.heading, level=2),
              Block(page=1, order=5, text="Vous disposez de quatorze jours.")]
    doc = Document.from_blocks("x", "text", blocks)
    found = [(s.title, doc.text[s.start:s.end].count("\n\n")) for s in sections(doc)]
    assert found == [("Article 1 — Objet", 4), ("1.1 Détail", 2), ("Article 2 — Rétractation", 1)]


def test_match_inside_a_section() -> None:
    from datetime import date as day

    from conformcheck.engine.facts import DocumentFacts
    from conformcheck.engine.verdicts import find
    from conformcheck.extract.text import extract_text
    from conformcheck.packs.schema import Match

    doc = extract_text("# Article 2 — Rétractation\n\nVous disposez de quatorze jours.\n\n# Article 3\n\n"
                       "Quatorze jours.", "x.md", markdown=True)
    match = Match(any=["quatorze jours"], section=["rétractation"])
    facts = DocumentFacts(doc=doc, doc_type="contrat", hits=PhraseIndex(match.phrases()).search(doc.text),
                          fields={}, context={}, scan_date=day(2026, 12, 1))
    assert [doc.text[a:b] for a, b in find(match, facts)] == ["quatorze jours"]
